import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { durationSeconds } from './durations';
import { checkInteger, invalid } from '../core/errors';

/** Kinds of Spark restart policies (`spec.restartPolicy.type`). */
export enum SparkRestartPolicyType {
  /** Never restart: the application ends COMPLETED or FAILED. */
  NEVER = 'Never',
  /** Restart after a failure (or a failed submission), up to a number of retries. */
  ON_FAILURE = 'OnFailure',
  /** Always restart, also after success: for long-running (streaming) applications. */
  ALWAYS = 'Always',
}

/** Options of {@link SparkRestartPolicy.onFailure}. */
export interface SparkOnFailureRestartOptions {
  /** How many times a failed run is retried (`onFailureRetries`). */
  readonly retries: number;
  /**
   * Wait before a retry; the operator multiplies it by the attempt number (linear back-off).
   * @default Duration.seconds(5) - the operator's default
   */
  readonly retryInterval?: Duration;
  /**
   * How many times a failed submission (spark-submit itself failing) is retried (`onSubmissionFailureRetries`).
   * @default 0 - a failed submission is not retried
   */
  readonly submissionRetries?: number;
  /**
   * Wait before a submission retry (linear back-off, like `retryInterval`).
   * @default Duration.seconds(5) - the operator's default
   */
  readonly submissionRetryInterval?: Duration;
}

/** Options of {@link SparkRestartPolicy.always}. */
export interface SparkAlwaysRestartOptions {
  /**
   * Wait before restarting after a failure (linear back-off by attempt).
   * @default Duration.seconds(5) - the operator's default
   */
  readonly retryInterval?: Duration;
  /**
   * Wait before retrying a failed submission (linear back-off by attempt).
   * @default Duration.seconds(5) - the operator's default
   */
  readonly submissionRetryInterval?: Duration;
}

/**
 * What the Spark operator does when an application ends: never restart, restart on failure with a number of
 * retries, or always restart (streaming). Intervals are whole seconds of at least 1.
 */
export class SparkRestartPolicy {
  /** Never restart (the Spark operator's default). */
  public static never(): SparkRestartPolicy {
    return new SparkRestartPolicy(SparkRestartPolicyType.NEVER, {});
  }

  /** Retry failed runs (and, optionally, failed submissions) a number of times. */
  public static onFailure(options: SparkOnFailureRestartOptions): SparkRestartPolicy {
    return new SparkRestartPolicy(SparkRestartPolicyType.ON_FAILURE, options);
  }

  /** Always restart, after failures and after success: the policy for long-running streaming applications. */
  public static always(options: SparkAlwaysRestartOptions = {}): SparkRestartPolicy {
    return new SparkRestartPolicy(SparkRestartPolicyType.ALWAYS, options);
  }

  private constructor(
    /** Kind of policy. */
    public readonly type: SparkRestartPolicyType,
    private readonly options: SparkOnFailureRestartOptions | SparkAlwaysRestartOptions | {},
  ) {
    this.options = options ?? {};
  }

  /** @internal */
  public _render(scope: IConstruct, field: string): any {
    const o = this.options as Partial<SparkOnFailureRestartOptions>;
    if (typeof o !== 'object') invalid(scope, field, o, 'must be restart options, e.g. { retries: 3 }');
    checkInteger(scope, `${field}.retries`, o.retries, 0, 2147483647);
    checkInteger(scope, `${field}.submissionRetries`, o.submissionRetries, 0, 2147483647);
    const seconds = (name: string, d: Duration | undefined) => {
      const s = durationSeconds(scope, `${field}.${name}`, d);
      if (s === undefined) return undefined;
      if (!Number.isInteger(s) || s < 1) invalid(scope, `${field}.${name}`, `${s}s`, 'must be a whole number of seconds, at least 1');
      return s;
    };
    return {
      type: this.type,
      onFailureRetries: o.retries,
      onFailureRetryInterval: seconds('retryInterval', o.retryInterval),
      onSubmissionFailureRetries: o.submissionRetries,
      onSubmissionFailureRetryInterval: seconds('submissionRetryInterval', o.submissionRetryInterval),
    };
  }
}
