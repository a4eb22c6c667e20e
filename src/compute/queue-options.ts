import { LocalQueue } from './local-queue';
import { WorkloadPriorityClass } from './workload-priority-class';

/**
 * Kueue admission options every queueable workload construct takes: one shape, one name per concept.
 */
export interface QueueOptions {
  /**
   * Kueue LocalQueue the workload is submitted to (it waits, suspended, until Kueue admits it).
   * @default - not queued
   */
  readonly queue?: LocalQueue;
  /**
   * Kueue WorkloadPriorityClass of the workload (with `queue`).
   * @default - the queue's default priority
   */
  readonly priorityClass?: WorkloadPriorityClass;
}
