import { SparkJobScheduleOptions } from './spark-options';

/** How a Spark job runs (see {@link SparkRun}). */
export enum SparkRunType {
  /** Once: a `SparkApplication` that runs to completion. */
  ONCE = 'Once',
  /** On a schedule: a `ScheduledSparkApplication` that creates a `SparkApplication` per run. */
  SCHEDULED = 'Scheduled',
  /** Continuously: a long-running Structured Streaming `SparkApplication`. */
  STREAMING = 'Streaming',
}

/**
 * How a {@link SparkJob} runs: once (the default), on a schedule, or continuously as a streaming application.
 * The three exclude each other.
 */
export class SparkRun {
  /** Run once, to completion: a `SparkApplication` (read with `SparkJob.STATUS`). */
  public static once(): SparkRun {
    return new SparkRun(SparkRunType.ONCE, undefined);
  }

  /**
   * Run on a schedule: the job becomes a `ScheduledSparkApplication` that creates a `SparkApplication` per run
   * (read with `SparkJob.SCHEDULED_STATUS`). Its name is at most 43 characters, since each run is named
   * `<name>-<timestamp>`.
   */
  public static scheduled(options: SparkJobScheduleOptions): SparkRun {
    return new SparkRun(SparkRunType.SCHEDULED, options);
  }

  /**
   * A long-running Structured Streaming application: restarted always (the default restart policy becomes
   * `SparkRestartPolicy.always()` and any other is rejected), no time-to-live, and its pods are not marked
   * `karpenter.sh/do-not-disrupt` (a streaming query resumes from its checkpoint after a move). Read with
   * `SparkJob.STREAMING_STATUS`.
   */
  public static streaming(): SparkRun {
    return new SparkRun(SparkRunType.STREAMING, undefined);
  }

  private constructor(
    /** How the job runs. */
    public readonly type: SparkRunType,
    /** The schedule of a SCHEDULED run. */
    public readonly scheduleOptions?: SparkJobScheduleOptions,
  ) {}
}
