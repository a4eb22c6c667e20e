import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from './errors';

/** Milliseconds of a Duration, or a ValidationError when `d` is not one or is not a finite, non-negative amount. */
export function durationMillis(scope: IConstruct, field: string, d: Duration): number {
  if (d === null || typeof d !== 'object' || typeof (d as any).toMilliseconds !== 'function') {
    invalid(scope, field, d, 'must be a Duration, e.g. Duration.seconds(30)');
  }
  let ms: number;
  try {
    ms = d.toMilliseconds();
  } catch {
    // cdk8s refuses NaN, Infinity and amounts that are not whole milliseconds
    const amount = (d as any).amount;
    if (!Number.isFinite(amount)) invalid(scope, field, amount, 'must be a finite, non-negative Duration');
    invalid(scope, field, `${amount} ${(d as any).unit?.label ?? ''}`.trim(), 'must be a whole number of milliseconds');
  }
  if (!Number.isFinite(ms) || ms < 0) invalid(scope, field, ms, 'must be a finite, non-negative Duration');
  return ms;
}

/** A duration as whole seconds (Kubernetes probe, grace-period and controller fields are integer seconds). */
export function wholeSeconds(scope: IConstruct, field: string, d: Duration | undefined): number | undefined {
  if (d === undefined) return undefined;
  const ms = durationMillis(scope, field, d);
  if (ms % 1000 !== 0) invalid(scope, field, `${ms}ms`, 'must be a whole number of seconds');
  return ms / 1000;
}

/** A duration as whole milliseconds. */
export function wholeMillis(scope: IConstruct, field: string, d: Duration | undefined): number | undefined {
  if (d === undefined) return undefined;
  const ms = durationMillis(scope, field, d);
  return ms;
}

/** Renders seconds as a Go duration (`90` → `1m30s`, `2592000` → `720h`); fractions and values below 1 stay in seconds. */
export function goDuration(seconds: number): string {
  if (seconds < 1 || !Number.isInteger(seconds)) return `${seconds}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
