import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { check, Is } from './checks';
import { invalid } from './errors';

/** Milliseconds of a Duration, or a ValidationError when `d` is not one or is not a finite, non-negative amount. */
export function durationMillis(scope: IConstruct, field: string, d: Duration): number {
  const rule = Is.duration('millis');
  if (d === undefined) invalid(scope, field, d, rule.accepted);
  check(scope, field, d, rule);
  return d.toMilliseconds();
}

/** A duration as whole seconds (Kubernetes probe, grace-period and controller fields are integer seconds). */
export function wholeSeconds(scope: IConstruct, field: string, d: Duration | undefined): number | undefined {
  if (d === undefined) return undefined;
  check(scope, field, d, Is.duration('seconds'));
  return d.toMilliseconds() / 1000;
}

/** A duration as whole milliseconds. */
export function wholeMillis(scope: IConstruct, field: string, d: Duration | undefined): number | undefined {
  if (d === undefined) return undefined;
  return durationMillis(scope, field, d);
}

/** Renders seconds as a Go duration (`90` → `1m30s`, `2592000` → `720h`); fractions and values below 1 stay in seconds. */
export function goDuration(seconds: number): string {
  if (seconds < 1 || !Number.isInteger(seconds)) return `${seconds}s`; // 0 is '0s'
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
