import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { goDuration } from '../core/durations';
import { invalid } from '../core/errors';

/** A cron field: its bounds and, for months and weekdays, its names. */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Record<string, number>;
}

const FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
  },
  { name: 'day of week', min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** A Go `time.ParseDuration` string such as `3m`, `1h30m` or `1.5h`. */
const GO_DURATION = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h)(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))*$/;
const GO_UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

const ACCEPTED = "must be a standard 5-field cron expression ('minute hour day-of-month month day-of-week', e.g. '0 2 * * *'), "
  + `one of ${DESCRIPTORS.join(', ')}, or '@every <duration>' (e.g. '@every 3m')`;

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
    if (problem !== undefined) invalid(scope, field, this.expressionString, `${problem}; ${ACCEPTED}`);
  }
}

/** What is wrong with a cron expression, or undefined when it parses. */
export function cronProblem(expression: string): string | undefined {
  const spec = expression.trim();
  if (spec === '') return 'the schedule is empty';
  if (/^(CRON_)?TZ=/.test(spec)) return 'a time zone prefix is not accepted here (set the time zone option instead)';
  if (spec.startsWith('@')) {
    if (DESCRIPTORS.includes(spec)) return undefined;
    if (spec.startsWith('@every ')) {
      const d = spec.slice('@every '.length).trim();
      if (!GO_DURATION.test(d)) return `'${d}' is not a duration such as '90s', '3m' or '1h30m'`;
      const total = [...d.matchAll(/((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(ns|us|µs|μs|ms|s|m|h)/g)]
        .reduce((sum, m) => sum + parseFloat(m[1]) * GO_UNIT_SECONDS[m[2]], 0);
      if (total < 1) return 'an @every interval must be at least one second';
      return undefined;
    }
    return `unrecognized descriptor '${spec.split(/\s+/)[0]}'`;
  }
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(fields[i], FIELDS[i]);
    if (problem !== undefined) return `${FIELDS[i].name} field '${fields[i]}': ${problem}`;
  }
  return undefined;
}

function fieldProblem(field: string, bounds: CronField): string | undefined {
  for (const expr of field.split(',')) {
    const rangeAndStep = expr.split('/');
    if (rangeAndStep.length > 2) return 'too many slashes';
    const lowAndHigh = rangeAndStep[0].split('-');
    let start: number;
    let end: number;
    if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
      if (lowAndHigh.length > 1) return `'${rangeAndStep[0]}' is not a range`;
      start = bounds.min;
      end = bounds.max;
    } else {
      if (lowAndHigh.length > 2) return 'too many hyphens';
      const s = parseValue(lowAndHigh[0], bounds);
      if (s === undefined) return `'${lowAndHigh[0]}' is not a number${bounds.names ? ' or name' : ''}`;
      start = s;
      end = s;
      if (lowAndHigh.length === 2) {
        const e = parseValue(lowAndHigh[1], bounds);
        if (e === undefined) return `'${lowAndHigh[1]}' is not a number${bounds.names ? ' or name' : ''}`;
        end = e;
      }
    }
    if (rangeAndStep.length === 2) {
      if (!/^[0-9]+$/.test(rangeAndStep[1])) return `step '${rangeAndStep[1]}' is not a positive integer`;
      if (Number(rangeAndStep[1]) === 0) return 'the step must be positive';
      if (lowAndHigh.length === 1) end = bounds.max; // 'N/step' means 'N-max/step'
    }
    if (start < bounds.min) return `${start} is below the minimum ${bounds.min}`;
    if (end > bounds.max) return `${end} is above the maximum ${bounds.max}`;
    if (start > end) return `the range starts (${start}) after it ends (${end})`;
  }
  return undefined;
}

function parseValue(s: string, bounds: CronField): number | undefined {
  const named = bounds.names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  return /^[0-9]+$/.test(s) ? Number(s) : undefined;
}
