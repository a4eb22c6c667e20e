import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { goDuration, wholeSeconds } from '../core/durations';
import { checkInteger, invalid } from '../core/errors';
import { CronSchedule } from '../data/cron-schedule';

/** What a scheduled pipeline does when a run is due while the previous one still runs (CronWorkflow `concurrencyPolicy`). */
export enum ConcurrencyPolicy {
  /** Start the new run beside the running one. */
  ALLOW = 'Allow',
  /** Skip the new run. */
  FORBID = 'Forbid',
  /** Stop the running one and start the new run. */
  REPLACE = 'Replace',
}

/** Options of {@link PipelineRun.scheduled}. */
export interface ScheduledRunOptions {
  /** When the pipeline runs (Argo Workflows v4 takes a list of schedules). At least one. */
  readonly schedules: CronSchedule[];
  /**
   * IANA time zone of the schedules, e.g. `Europe/Paris`.
   * @default - the controller's time zone (UTC in the upstream images)
   */
  readonly timezone?: string;
  /**
   * What happens when a run is due while the previous one still runs.
   * @default ConcurrencyPolicy.ALLOW
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * How late a missed run may still start (e.g. after a controller restart).
   * @default - missed runs are not started
   */
  readonly startingDeadline?: Duration;
  /**
   * Finished successful runs kept.
   * @default 3
   */
  readonly successfulRunsHistoryLimit?: number;
  /**
   * Finished failed runs kept.
   * @default 1
   */
  readonly failedRunsHistoryLimit?: number;
  /**
   * Create the schedule suspended (no run until resumed).
   * @default false
   */
  readonly suspend?: boolean;
}

/** The kind of object a pipeline is emitted as. */
export enum PipelineRunKind {
  /** A `Workflow`: runs once, when applied. */
  ONCE = 'Workflow',
  /** A `WorkflowTemplate`: submitted by users, triggers or other pipelines. */
  TEMPLATE = 'WorkflowTemplate',
  /** A `CronWorkflow`: runs on schedules. */
  SCHEDULED = 'CronWorkflow',
}

/**
 * How a pipeline is run, which decides the kind it is emitted as: once (`Workflow`), as a reusable template
 * (`WorkflowTemplate`, which event triggers submit) or on schedules (`CronWorkflow`).
 */
export class PipelineRun {
  /** Run once, when the object is applied: a `Workflow`. */
  public static once(): PipelineRun {
    return new PipelineRun(PipelineRunKind.ONCE);
  }

  /** A reusable template that users, event triggers (see `PipelineTrigger`) and other pipelines submit: a `WorkflowTemplate`. */
  public static template(): PipelineRun {
    return new PipelineRun(PipelineRunKind.TEMPLATE);
  }

  /** Run on schedules: a `CronWorkflow`. */
  public static scheduled(options: ScheduledRunOptions): PipelineRun {
    return new PipelineRun(PipelineRunKind.SCHEDULED, options);
  }

  private constructor(
    /** The kind the pipeline is emitted as. */
    public readonly kind: PipelineRunKind,
    /** The schedule options (scheduled runs only). */
    public readonly scheduleOptions?: ScheduledRunOptions,
  ) {}

  /**
   * The CronWorkflow fields beside `workflowSpec`, checked.
   * @internal
   */
  public _renderSchedule(scope: IConstruct): any {
    const o = this.scheduleOptions;
    if (!o) return undefined;
    if (!Array.isArray(o.schedules) || o.schedules.length === 0) {
      invalid(scope, 'run.schedules', o.schedules, 'give at least one CronSchedule');
    }
    o.schedules.forEach((s, i) => checkSchedule(scope, `run.schedules[${i}]`, s));
    checkTimezone(scope, 'run.timezone', o.timezone);
    checkInteger(scope, 'run.successfulRunsHistoryLimit', o.successfulRunsHistoryLimit, 0);
    checkInteger(scope, 'run.failedRunsHistoryLimit', o.failedRunsHistoryLimit, 0);
    return {
      schedules: o.schedules.map(s => s.expressionString),
      timezone: o.timezone,
      concurrencyPolicy: o.concurrencyPolicy,
      startingDeadlineSeconds: wholeSeconds(scope, 'run.startingDeadline', o.startingDeadline),
      successfulJobsHistoryLimit: o.successfulRunsHistoryLimit,
      failedJobsHistoryLimit: o.failedRunsHistoryLimit,
      suspend: o.suspend,
    };
  }
}

/** Checks an IANA time zone name's form (`Area/Location`, `UTC`). */
export function checkTimezone(scope: IConstruct, field: string, timezone: string | undefined): void {
  if (timezone === undefined) return;
  if (typeof timezone !== 'string' || !/^(UTC|GMT|[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){1,2})$/.test(timezone)) {
    invalid(scope, field, timezone, "must be an IANA time zone name such as 'UTC' or 'Europe/Paris'");
  }
}

/** Validates a schedule: its grammar (as the Spark operator's and Kubernetes' parser) and that it ever fires. */
export function checkSchedule(scope: IConstruct, field: string, schedule: CronSchedule): void {
  if (!(schedule instanceof CronSchedule)) invalid(scope, field, schedule, 'must be a CronSchedule, e.g. CronSchedule.expression(\'0 2 * * *\')');
  schedule._validate(scope, field);
  const never = neverFires(schedule.expressionString);
  if (never) invalid(scope, field, schedule.expressionString, `the schedule never fires: ${never}`);
}

const MONTH_NAMES: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Why a valid 5-field cron expression never fires, or undefined when it does. robfig/cron (which Argo Workflows
 * and Argo Events use) matches a day when the day of month AND the day of week match if either field starts with
 * `*` or `?`, and when either matches otherwise; so a schedule never fires only when its day-of-week field starts
 * with `*`/`?` and no chosen month has a chosen day of month (e.g. `0 0 30 2 *`).
 */
export function neverFires(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || expression.trim().startsWith('@')) return undefined;
  const [, , dom, month, dow] = fields;
  const star = (f: string) => f.split(',').some(p => p.startsWith('*') || p.startsWith('?'));
  if (!star(dow) || star(dom)) return undefined;
  const days = expand(dom, 1, 31, {});
  const months = expand(month, 1, 12, MONTH_NAMES);
  if (months.some(m => days.some(d => d <= DAYS_IN_MONTH[m]))) return undefined;
  return `no month of '${month}' has a day '${dom}'`;
}

function expand(field: string, min: number, max: number, names: Record<string, number>): number[] {
  const out = new Set<number>();
  const value = (s: string) => names[s.toLowerCase()] ?? Number(s);
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let start: number;
    let end: number;
    if (range === '*' || range === '?') {
      start = min;
      end = max;
    } else {
      const [a, b] = range.split('-');
      start = value(a);
      end = b !== undefined ? value(b) : stepText ? max : start;
    }
    for (let v = start; v <= end; v += step) out.add(v);
  }
  return [...out];
}

/** A Duration as a Go duration string (`90s` → `1m30s`), in whole seconds. @internal */
export function goDurationOf(scope: IConstruct, field: string, d: Duration | undefined): string | undefined {
  const s = wholeSeconds(scope, field, d);
  return s === undefined ? undefined : s === 0 ? '0s' : goDuration(s);
}
