import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from './errors';

/** A duration as whole seconds (Kubernetes probe, grace-period and controller fields are integer seconds). */
export function wholeSeconds(scope: IConstruct, field: string, d: Duration | undefined): number | undefined {
  if (d === undefined) return undefined;
  const ms = d.toMilliseconds();
  if (ms % 1000 !== 0 || ms < 0) invalid(scope, field, `${ms}ms`, 'must be a whole number of seconds');
  return ms / 1000;
}

/** Renders seconds as a Go duration (`90` → `1m30s`, `2592000` → `720h`); fractions and values below 1 stay in seconds. */
export function goDuration(seconds: number): string {
  if (seconds < 1 || !Number.isInteger(seconds)) return `${seconds}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
