import { Construct } from 'constructs';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';

/** Props of {@link TrainingOperatorInstall}. */
export interface TrainingOperatorInstallProps extends OperatorInstallProps {}

/**
 * The Kubeflow Training Operator v1.9.4 (PyTorchJob, TFJob, MPIJob, XGBoostJob, JAXJob, PaddleJob), installed from
 * `manifests/overlays/standalone` of the pinned module (image `ghcr.io/kubeflow/training-v1/training-operator:v1-93c5489`,
 * the v1.9.4 release build; the webhook certificate is managed by the operator itself).
 */
export class TrainingOperatorInstall extends OperatorInstall {
  constructor(scope: Construct, id: string, props: TrainingOperatorInstallProps = {}) {
    super(scope, id, 'training-operator', props);
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [{ kind: 'Deployment', name: 'training-operator', container: 'training-operator' }];
  }
}
