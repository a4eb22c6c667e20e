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

/**
 * Validates a schedule with the library's one cron grammar (`CronSchedule`), which also rejects a schedule that
 * never fires (e.g. `0 0 30 2 *`): robfig/cron, which Argo Workflows and Argo Events parse schedules with, accepts it.
 */
export function checkSchedule(scope: IConstruct, field: string, schedule: CronSchedule): void {
  if (!(schedule instanceof CronSchedule)) invalid(scope, field, schedule, 'must be a CronSchedule, e.g. CronSchedule.expression(\'0 2 * * *\')');
  schedule._validate(scope, field);
}

/** A Duration as a Go duration string (`90s` → `1m30s`), in whole seconds. @internal */
export function goDurationOf(scope: IConstruct, field: string, d: Duration | undefined): string | undefined {
  const s = wholeSeconds(scope, field, d);
  return s === undefined ? undefined : s === 0 ? '0s' : goDuration(s);
}
