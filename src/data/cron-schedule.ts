import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CRON_ACCEPTED, cronProblem } from '../core/cron';
import { goDuration } from '../core/durations';
import { invalid } from '../core/errors';

/**
 * When a scheduled workload runs: a standard cron expression, a descriptor such as `@daily`, or `@every <duration>`.
 *
 * The grammar is that of `robfig/cron/v3` `ParseStandard`, which both the Spark operator (ScheduledSparkApplication)
 * and Kubernetes CronJobs (which Fluid uses for scheduled DataLoads) parse schedules with: five fields
 * (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-6 or SUN-SAT), each a
 * comma-separated list of `*`, `?`, values, ranges `a-b` and steps `/n`. A time zone is never part of the
 * expression (no `TZ=`/`CRON_TZ=` prefix): set it where the workload offers a time zone option.
 */
export class CronSchedule {
  /**
   * A cron expression, e.g. `0 2 * * *` (every day at 02:00) or `*\/15 * * * MON-FRI`; descriptors such as
   * `@daily` and `@every 3m` are accepted too.
   */
  public static expression(expression: string): CronSchedule {
    return new CronSchedule(expression);
  }

  /**
   * At a fixed interval from when the schedule is created (`@every <duration>`), e.g. `CronSchedule.every(Duration.minutes(3))`.
   * @param interval at least one second (the scheduler drops fractions of a second)
   */
  public static every(interval: Duration): CronSchedule {
    // Something that is not a finite Duration renders as an invalid interval, reported by the using construct with
    // its path and field (a factory has no construct to name).
    let seconds = NaN;
    try {
      seconds = interval.toMilliseconds() / 1000;
    } catch {
      // not a Duration
    }
    return new CronSchedule(`@every ${Number.isFinite(seconds) ? goDuration(seconds) : String((interval as any)?.amount ?? interval)}`);
  }

  /** Once an hour, at minute 0 (`@hourly`). */
  public static hourly(): CronSchedule {
    return new CronSchedule('@hourly');
  }

  /** Once a day, at midnight (`@daily`). */
  public static daily(): CronSchedule {
    return new CronSchedule('@daily');
  }

  /** Once a week, at midnight between Saturday and Sunday (`@weekly`). */
  public static weekly(): CronSchedule {
    return new CronSchedule('@weekly');
  }

  private constructor(
    /** The schedule as written into the resource. */
    public readonly expressionString: string,
  ) {}

  /**
   * Throws a ValidationError naming `field` unless the expression is valid.
   * @internal
   */
  public _validate(scope: IConstruct, field: string): void {
    const problem = cronProblem(this.expressionString);
    if (problem !== undefined) invalid(scope, field, this.expressionString, `${problem}; ${CRON_ACCEPTED}`);
  }
}

export { cronProblem };
