import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { ResourceNames } from '../core/names';

/** Options of {@link SparkBatchScheduler.volcano}. */
export interface VolcanoSparkSchedulingOptions {
  /**
   * Volcano Queue (a cluster-scoped `scheduling.volcano.sh` Queue) the application's PodGroup is submitted to.
   * @default - Volcano's `default` queue
   */
  readonly queue?: string;
  /**
   * PriorityClass of the application's PodGroup (it must exist in the cluster).
   * @default - no priority
   */
  readonly priorityClassName?: string;
}

/** Options of {@link SparkBatchScheduler.yunikorn}. */
export interface YuniKornSparkSchedulingOptions {
  /**
   * YuniKorn queue, e.g. `root.analytics` (set as the pods' `queue` label).
   * @default - the queue YuniKorn's placement rules choose
   */
  readonly queue?: string;
}

/**
 * A batch scheduler for a Spark application's driver and executors (`spec.batchScheduler`), which gang-schedules them
 * so that an application never holds a driver while its executors cannot be placed.
 *
 * The Spark operator acts on it only when its batch scheduler support is on (Helm value
 * `controller.batchScheduler.enable=true`); otherwise the field is ignored. The library also sets the pods'
 * `schedulerName` in their pod templates, which the operator otherwise sets only through its pod webhook.
 */
export class SparkBatchScheduler {
  /**
   * Volcano: the operator creates a PodGroup for the application (in the given queue, with the given priority).
   * The Volcano scheduler must be installed (`schedulerName: volcano`).
   */
  public static volcano(options: VolcanoSparkSchedulingOptions = {}): SparkBatchScheduler {
    return new SparkBatchScheduler('volcano', options?.queue, options?.priorityClassName);
  }

  /**
   * Apache YuniKorn: the operator adds task-group annotations for gang scheduling and the queue label.
   * The YuniKorn scheduler must be installed (`schedulerName: yunikorn`).
   */
  public static yunikorn(options: YuniKornSparkSchedulingOptions = {}): SparkBatchScheduler {
    return new SparkBatchScheduler('yunikorn', options?.queue, undefined);
  }

  private constructor(
    /** Scheduler name (`volcano` or `yunikorn`), also the pods' `schedulerName`. */
    public readonly name: string,
    /** Queue, if any. */
    public readonly queue?: string,
    /** PriorityClass of the PodGroup, if any (Volcano only). */
    public readonly priorityClassName?: string,
  ) {}

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    if (this.queue !== undefined) {
      const ok = this.name === 'volcano' ? ResourceNames.isDns1123Subdomain(this.queue) : this.queue !== '' && ResourceNames.isLabelValue(this.queue);
      if (!ok) {
        invalid(scope, `${field}.queue`, this.queue, this.name === 'volcano'
          ? 'a Volcano queue is named like a Kubernetes object: lowercase letters, digits, \'-\' and \'.\''
          : "a YuniKorn queue becomes the pods' 'queue' label: at most 63 letters, digits, '-', '_' or '.', e.g. 'root.analytics'");
      }
    }
    if (this.priorityClassName !== undefined && !ResourceNames.isDns1123Subdomain(this.priorityClassName)) {
      invalid(scope, `${field}.priorityClassName`, this.priorityClassName, 'must be the name of a PriorityClass (a DNS-1123 subdomain)');
    }
  }
}
