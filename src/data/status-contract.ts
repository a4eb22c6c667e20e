/**
 * How to read whether a custom resource has finished, as data: which field to read and which of its values mean
 * success, failure or work in progress. Pipelines and the runtime controller use it to wait on a workload without
 * knowing each operator's status conventions.
 *
 * `path` is a JSONPath relative to the object (as in `kubectl get -o jsonpath='{.status.phase}'`).
 */
export interface DataStatusContract {
  /** API version of the object, e.g. `sparkoperator.k8s.io/v1beta2`. */
  readonly apiVersion: string;
  /** Kind of the object, e.g. `SparkApplication`. */
  readonly kind: string;
  /** JSONPath of the field that holds the state, e.g. `.status.applicationState.state`. */
  readonly path: string;
  /** Values that mean the work is done and succeeded (or, for a long-running object, that it is ready). */
  readonly succeeded: string[];
  /** Values that mean the work failed for good (the operator will not retry). */
  readonly failed: string[];
  /** Values that mean the work is still in progress (including retries the operator will make). */
  readonly inProgress: string[];
  /**
   * JSONPath of a human-readable message explaining the state, if the operator writes one.
   * @default - none
   */
  readonly messagePath?: string;
}
