import { Construct } from 'constructs';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';

/** Props of {@link ArgoEventsInstall}. */
export interface ArgoEventsInstallProps extends OperatorInstallProps {}

/**
 * Argo Events v1.9.11, installed from `manifests/cluster-install` and `manifests/extensions/validating-webhook` of
 * the pinned module (controller and admission webhook, image `quay.io/argoproj/argo-events:v1.9.11`). The NATS and
 * JetStream images of EventBuses are named in the controller's ConfigMap and follow `imageRegistry`.
 * `replicas` and `resources` apply to the controller and the webhook.
 */
export class ArgoEventsInstall extends OperatorInstall {
  constructor(scope: Construct, id: string, props: ArgoEventsInstallProps = {}) {
    super(scope, id, 'argo-events', props);
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [
      { kind: 'Deployment', name: 'controller-manager', container: 'controller-manager' },
      { kind: 'Deployment', name: 'events-webhook', container: 'webhook' },
    ];
  }
}
