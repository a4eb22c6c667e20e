import { Construct } from 'constructs';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';

/** Props of {@link CertManagerInstall}. */
export interface CertManagerInstallProps extends OperatorInstallProps {}

/**
 * cert-manager v1.19.2, installed from its Helm chart (`deploy/charts/cert-manager` of the pinned module, with
 * the chart version and app version the release tool would stamp, CRDs included, the post-install API check job
 * left out): controller, webhook and CA injector. KServe needs it for its webhook certificates
 * ({@link KServeInstall} `certManager`). `replicas` and `resources` apply to all three Deployments.
 */
export class CertManagerInstall extends OperatorInstall {
  constructor(scope: Construct, id: string, props: CertManagerInstallProps = {}) {
    super(scope, id, 'cert-manager', props);
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [
      { kind: 'Deployment', name: 'cert-manager', container: 'cert-manager-controller' },
      { kind: 'Deployment', name: 'cert-manager-webhook', container: 'cert-manager-webhook' },
      { kind: 'Deployment', name: 'cert-manager-cainjector', container: 'cert-manager-cainjector' },
    ];
  }
}
