/**
 * Duration helpers shared by the Spark and Fluid constructs (internal: not exported from the package).
 */
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { durationMillis } from '../core/durations';

/**
 * A duration in seconds, possibly fractional, for fields whose caller decides what fractions mean. A value that
 * is not a Duration, or is NaN, infinite or negative, is the library's ValidationError naming `field`.
 */
export function durationSeconds(scope: IConstruct, field: string, d: Duration | undefined): number | undefined {
  return d === undefined ? undefined : durationMillis(scope, field, d) / 1000;
}
