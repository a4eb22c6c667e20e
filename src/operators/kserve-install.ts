import { Construct } from 'constructs';
import { ControllerRef, IOperatorInstall, OperatorInstall, OperatorInstallProps } from './operator-install';
import { checkInteger, invalid } from '../core/errors';
import { ResourceNames } from '../core/names';
import { ComputeResources, renderResources } from '../core/resources';
import { DeploymentMode, KServeConfig } from '../serving/kserve-config';

/** Props of {@link KServeInstall}. */
export interface KServeInstallProps extends OperatorInstallProps {
  /**
   * The cert-manager install of the same app: KServe's webhooks and the InferenceService CRD's conversion webhook
   * get their certificate from cert-manager (a self-signed Issuer and a Certificate in KServe's namespace), so
   * cert-manager must run first.
   * @default - cert-manager is already installed in the cluster
   */
  readonly certManager?: IOperatorInstall;
  /**
   * Deployment mode of InferenceServices that set none (`deploy.defaultDeploymentMode`). `DeploymentMode.KNATIVE`
   * needs Knative Serving, which this install does not bring; `DeploymentMode.STANDARD` runs plain Deployments.
   * @default DeploymentMode.KNATIVE - as KServe v0.20.0 ships
   */
  readonly deploymentMode?: DeploymentMode;
  /**
   * Whether modelcars are on (`storageInitializer.enableModelcar`): `oci://` storage URIs serve a model packaged in
   * an OCI image.
   * @default true
   */
  readonly enableModelcar?: boolean;
  /**
   * User id of the modelcar sidecar and the model server (`storageInitializer.uidModelcar`).
   * @default 1010
   */
  readonly uidModelcar?: number;
  /**
   * Resources of the storage initializer that downloads models (`storageInitializer` of the configuration, and the
   * default ClusterStorageContainer).
   * @default - KServe's: 100m CPU and 100Mi requested, 1 CPU and 1Gi limits
   */
  readonly storageInitializerResources?: ComputeResources;
  /**
   * Annotation that names the Secret with storage credentials (`credentials.storageSecretNameAnnotation`).
   * @default 'serving.kserve.io/secretName' - the value of KServe v0.20.0's Helm chart (its kustomize install says
   * 'serving.kserve.io/storageSecretName')
   */
  readonly storageSecretNameAnnotation?: string;
}

const CONFIG_MAP = 'inferenceservice-config';

/**
 * KServe v0.20.0, installed from its Helm charts `kserve-crd` and `kserve-resources` (controller, webhooks,
 * `inferenceservice-config`, the default ClusterStorageContainer; images released as `v0.20.0`).
 *
 * The install is the app's KServe configuration: it declares the {@link KServeConfig} (its `config`) that
 * InferenceServices and modelcar images are checked against, so an app with a KServeInstall declares no other
 * KServeConfig.
 */
export class KServeInstall extends OperatorInstall {
  /** The configuration InferenceServices of the app are checked against. */
  public readonly config: KServeConfig;

  constructor(scope: Construct, id: string, props: KServeInstallProps = {}) {
    super(scope, id, 'kserve', props);
    if (props.certManager) {
      if (props.certManager.operatorName !== 'cert-manager') {
        invalid(this, 'certManager', props.certManager.node.path, 'must be the CertManagerInstall of the app');
      }
      this.prerequisites.push(props.certManager);
    }
    checkInteger(this, 'uidModelcar', props.uidModelcar, 1);
    const modes = Object.values(DeploymentMode) as string[];
    if (props.deploymentMode !== undefined && !modes.includes(props.deploymentMode)) {
      invalid(this, 'deploymentMode', props.deploymentMode, `must be a DeploymentMode (${modes.join(', ')})`);
    }
    const annotation = props.storageSecretNameAnnotation;
    if (annotation !== undefined && !ResourceNames.isQualifiedName(annotation)) {
      invalid(this, 'storageSecretNameAnnotation', annotation, "must be an annotation key such as 'serving.kserve.io/storageSecretName'");
    }

    const cm = this._find('ConfigMap', CONFIG_MAP);
    const deploy = JSON.parse(cm.data.deploy);
    const storage = JSON.parse(cm.data.storageInitializer);
    const credentials = JSON.parse(cm.data.credentials);
    if (props.deploymentMode !== undefined) {
      deploy.defaultDeploymentMode = props.deploymentMode;
      this._setConfigData(CONFIG_MAP, 'deploy', JSON.stringify(deploy, undefined, 2));
    }
    const resources = renderResources(this, 'storageInitializerResources', props.storageInitializerResources);
    if (props.enableModelcar !== undefined || props.uidModelcar !== undefined || resources) {
      if (props.enableModelcar !== undefined) storage.enableModelcar = props.enableModelcar;
      if (props.uidModelcar !== undefined) storage.uidModelcar = props.uidModelcar;
      if (resources) {
        for (const key of ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit']) delete storage[key];
        if (resources.requests?.cpu) storage.cpuRequest = resources.requests.cpu;
        if (resources.limits?.cpu) storage.cpuLimit = resources.limits.cpu;
        if (resources.requests?.memory) storage.memoryRequest = resources.requests.memory;
        if (resources.limits?.memory) storage.memoryLimit = resources.limits.memory;
        this._find('ClusterStorageContainer', 'default').spec.container.resources = resources;
      }
      this._setConfigData(CONFIG_MAP, 'storageInitializer', JSON.stringify(storage, undefined, 2));
    }
    if (annotation !== undefined) {
      credentials.storageSecretNameAnnotation = annotation;
      this._setConfigData(CONFIG_MAP, 'credentials', JSON.stringify(credentials, undefined, 2));
    }

    this.config = new KServeConfig(this, 'Config', {
      defaultDeploymentMode: deploy.defaultDeploymentMode as DeploymentMode,
      enableModelcar: storage.enableModelcar,
      uidModelcar: storage.uidModelcar,
      storageSecretNameAnnotation: credentials.storageSecretNameAnnotation,
    });
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [{ kind: 'Deployment', name: 'kserve-controller-manager', container: 'manager' }];
  }
}
