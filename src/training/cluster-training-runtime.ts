import { Construct } from 'constructs';
import { TrainingRuntimeBase, TrainingRuntimeBaseProps } from './training-runtime-base';
import { TrainingRuntimeKind } from './training-runtime-ref';
import { clusterScoped } from '../core/api-objects';

/** Props of {@link ClusterTrainingRuntime}. */
export interface ClusterTrainingRuntimeProps extends TrainingRuntimeBaseProps {}

/**
 * A cluster-scoped Kubeflow Trainer v2 `ClusterTrainingRuntime` (`trainer.kubeflow.org/v1alpha1`), usable by
 * TrainJobs of every namespace through `TrainingBackend.trainerV2({ runtime })`. Needs Kubeflow Trainer v2.3.0
 * and JobSet v0.12.0 installed (the runtime embeds a `jobset.x-k8s.io/v1alpha2` JobSet spec). JobSet's
 * `failurePolicy`, `successPolicy`, `startupPolicy`, `network`, `dependsOn` and `volumeClaimPolicies` are
 * immutable once applied: changing them means deleting the runtime first.
 */
export class ClusterTrainingRuntime extends TrainingRuntimeBase {
  /** Always `ClusterTrainingRuntime`. */
  public readonly runtimeKind = TrainingRuntimeKind.CLUSTER_TRAINING_RUNTIME;
  /** Always undefined: the runtime is cluster-scoped. */
  public readonly runtimeNamespace?: string = undefined;

  constructor(scope: Construct, id: string, props: ClusterTrainingRuntimeProps) {
    super(scope, id, TrainingRuntimeKind.CLUSTER_TRAINING_RUNTIME, props);
    clusterScoped(this.apiObject);
  }
}
