import { Construct } from 'constructs';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';

/** Props of {@link FluidInstall}. */
export interface FluidInstallProps extends OperatorInstallProps {}

/**
 * Fluid v1.0.8, installed from its Helm chart (`charts/fluid/fluid` of the pinned module): the dataset controller,
 * the application controller, the webhook, the CSI node plugin (a privileged DaemonSet with host paths, so its
 * namespace must allow privileged pods) and one controller per cache runtime, which Fluid scales up from 0 when a
 * runtime of that kind is first used. `replicas` and `resources` apply to the dataset controller, the application
 * controller and the webhook.
 */
export class FluidInstall extends OperatorInstall {
  constructor(scope: Construct, id: string, props: FluidInstallProps = {}) {
    super(scope, id, 'fluid', props);
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [
      { kind: 'Deployment', name: 'dataset-controller', container: 'manager' },
      { kind: 'Deployment', name: 'fluidapp-controller', container: 'manager' },
      { kind: 'Deployment', name: 'fluid-webhook', container: 'manager' },
    ];
  }
}
