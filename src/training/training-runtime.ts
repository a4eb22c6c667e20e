import { Construct } from 'constructs';
import { TrainingRuntimeBase, TrainingRuntimeBaseProps } from './training-runtime-base';
import { TrainingRuntimeKind } from './training-runtime-ref';
import { checkDns1123Label } from '../core/names';

/** Props of {@link TrainingRuntime}. */
export interface TrainingRuntimeProps extends TrainingRuntimeBaseProps {
  /**
   * Namespace of the runtime; only TrainJobs in this namespace can use it.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/**
 * A namespaced Kubeflow Trainer v2 `TrainingRuntime` (`trainer.kubeflow.org/v1alpha1`), usable by TrainJobs of
 * its own namespace: pass it as `TrainingBackend.trainerV2({ runtime })` (a TrainJob in another namespace is
 * a synth-time error). Needs Kubeflow Trainer v2.3.0 and JobSet v0.12.0 installed (the runtime embeds a
 * `jobset.x-k8s.io/v1alpha2` JobSet spec). JobSet's `failurePolicy`, `successPolicy`, `startupPolicy`, `network`,
 * `dependsOn` and `volumeClaimPolicies` are immutable once applied: changing them means deleting the runtime first.
 */
export class TrainingRuntime extends TrainingRuntimeBase {
  /** Always `TrainingRuntime`. */
  public readonly runtimeKind = TrainingRuntimeKind.TRAINING_RUNTIME;
  /** Namespace of the runtime (the chart's, when not set). */
  public readonly runtimeNamespace?: string;

  constructor(scope: Construct, id: string, props: TrainingRuntimeProps) {
    super(scope, id, TrainingRuntimeKind.TRAINING_RUNTIME, props, props?.namespace);
    checkDns1123Label(this, 'namespace', props.namespace);
    this.runtimeNamespace = this.apiObject.metadata.namespace;
  }
}
