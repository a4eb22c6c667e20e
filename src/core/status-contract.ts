/**
 * Where a status contract reads a workload's state.
 */
export enum StatusSource {
  /**
   * `path` points at a list of Kubernetes-style conditions (`{type, status, reason, message}`); each value of the
   * contract is a condition type, which counts when its `status` is `"True"`.
   */
  CONDITIONS = 'conditions',
  /**
   * `path` points at a scalar state field (e.g. `.status.phase`); each value of the contract is one of its states.
   */
  FIELD = 'field',
}

/**
 * How to read a kind of workload's state from its status, as data: where the state is, which values mean success
 * (or, for a long-running workload, ready), failure or work in progress, and whether the workload ever completes.
 * Pipelines and the runtime controller use it to wait on any workload without knowing each operator's status
 * conventions.
 *
 * Paths are JSONPaths relative to the object, as in `kubectl get -o jsonpath='{.status.phase}'`.
 */
export interface StatusContract {
  /** API version of the object, e.g. `sparkoperator.k8s.io/v1beta2`. */
  readonly apiVersion: string;
  /** Kind of the object, e.g. `SparkApplication`. */
  readonly kind: string;
  /** Whether `path` points at a conditions list or at a scalar state field. */
  readonly source: StatusSource;
  /** JSONPath of the conditions list (e.g. `.status.conditions`) or of the state field (e.g. `.status.phase`). */
  readonly path: string;
  /**
   * Condition types (status `"True"`) or states that mean the work is done and succeeded; for a workload that does
   * not complete, that it is ready.
   */
  readonly succeeded: string[];
  /**
   * Condition types (status `"True"`) or states that mean the work failed for good (the operator will not retry).
   * Empty when the operator never gives up (it keeps reconciling towards ready).
   */
  readonly failed: string[];
  /**
   * States that mean the work is still in progress (including retries the operator will make).
   * @default - any state that is neither succeeded nor failed
   */
  readonly inProgress?: string[];
  /**
   * JSONPath of a human-readable message explaining the state, if the operator writes one.
   * @default - none
   */
  readonly messagePath?: string;
  /**
   * Whether the workload runs to completion. `false` for long-running workloads (streaming or scheduled Spark
   * applications, datasets, inference services and graphs): `succeeded` then means ready, not finished, and the
   * workload may leave that state again.
   */
  readonly completes: boolean;
}

/**
 * The status of one workload object: the contract of its kind and the object it applies to.
 */
export interface WorkloadStatus {
  /** How the object's state is read. */
  readonly contract: StatusContract;
  /** Name of the object. */
  readonly name: string;
  /**
   * Namespace of the object.
   * @default - the namespace it is applied to
   */
  readonly namespace?: string;
}

/**
 * How a `batch/v1` Job's outcome is read: condition `Complete` on success, `Failed` once it gave up (after its
 * `backoffLimit` retries). Shared by every workload whose primary object is a Job. @internal
 */
export const BATCH_JOB_STATUS: StatusContract = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  source: StatusSource.CONDITIONS,
  path: '.status.conditions',
  succeeded: ['Complete'],
  failed: ['Failed'],
  messagePath: '.status.conditions[?(@.type=="Failed")].message',
  completes: true,
};
