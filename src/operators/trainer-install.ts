import { Construct } from 'constructs';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';

/** Props of {@link TrainerInstall}. */
export interface TrainerInstallProps extends OperatorInstallProps {
  /**
   * Whether the built-in ClusterTrainingRuntimes of the release are installed (`torch-distributed`,
   * `deepspeed-distributed`, `mlx-distributed`, `jax-distributed`, `xgboost-distributed`, the torchtune LLM
   * runtimes ...), which `TrainingRuntimeRef.builtIn()` names.
   * @default true
   */
  readonly builtInRuntimes?: boolean;
}

/**
 * Kubeflow Trainer v2.3.0 (TrainJob, TrainingRuntime, ClusterTrainingRuntime) with JobSet v0.12.0, installed from
 * `manifests/overlays/manager` of the pinned module. Upstream's overlay pulls JobSet from a GitHub release asset;
 * here the render of the pinned JobSet module's `config/default` takes its place (image
 * `registry.k8s.io/jobset/jobset:v0.12.0`, as in the release asset). `replicas` and `resources` apply to the Trainer
 * and JobSet controller managers.
 */
export class TrainerInstall extends OperatorInstall {
  /** Whether the built-in ClusterTrainingRuntimes are installed. */
  public readonly builtInRuntimes: boolean;

  constructor(scope: Construct, id: string, props: TrainerInstallProps = {}) {
    super(scope, id, 'trainer', props);
    this.builtInRuntimes = props.builtInRuntimes ?? true;
    if (this.builtInRuntimes) this._include('trainer-runtimes');
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [
      { kind: 'Deployment', name: 'kubeflow-trainer-controller-manager', container: 'manager' },
      { kind: 'Deployment', name: 'jobset-controller-manager', container: 'manager' },
    ];
  }
}
