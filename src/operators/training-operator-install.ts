import { Construct } from 'constructs';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';

/** Props of {@link TrainingOperatorInstall}. */
export interface TrainingOperatorInstallProps extends OperatorInstallProps {
  /**
   * Whether the `init-pytorch` init container the operator adds to every PyTorchJob worker (it waits until the
   * master's name resolves) meets the restricted Pod Security Standard. The operator builds it from a template file
   * (`--pytorch-init-container-template-file`, default `/etc/config/initContainer.yaml`); the install then mounts a
   * ConfigMap holding upstream's template with a restricted security context added (no privilege escalation, every
   * capability dropped, non-root user 65534, the runtime's default seccomp profile). Without it, the workers of a
   * PyTorchJob are rejected in a namespace that enforces `restricted`, and `PlatformNamespace` computes `baseline` for
   * namespaces with PyTorchJob workers.
   * @default true
   */
  readonly restrictedInitContainers?: boolean;
}

/** Name of the ConfigMap with the restricted `init-pytorch` template. */
const INIT_TEMPLATE_CONFIG_MAP = 'training-operator-pytorch-init-container';
/** Where the operator reads the template (`PyTorchInitContainerTemplateFileDefault` of v1.9.4). */
const INIT_TEMPLATE_DIR = '/etc/config';

/**
 * Upstream's template (pkg/controller.v1/pytorch/initcontainer.go of v1.9.4: a Go html/template rendered with the
 * init image, the number of tries and the master's address) with a restricted security context.
 */
const RESTRICTED_INIT_TEMPLATE = `- name: init-pytorch
  image: {{.InitContainerImage}}
  imagePullPolicy: IfNotPresent
  resources:
    limits:
      cpu: 100m
      memory: 20Mi
    requests:
      cpu: 50m
      memory: 10Mi
  securityContext:
    allowPrivilegeEscalation: false
    capabilities:
      drop:
      - ALL
    runAsNonRoot: true
    runAsUser: 65534
    seccompProfile:
      type: RuntimeDefault
  command: ['sh', '-c', 'err=1;for i in $(seq {{.MaxTries}}); do if nslookup {{.MasterAddr}}; then err=0 && break; fi;echo waiting for master; sleep 2; done; exit $err']
`;

/**
 * The Kubeflow Training Operator v1.9.4 (PyTorchJob, TFJob, MPIJob, XGBoostJob, JAXJob, PaddleJob), installed from
 * `manifests/overlays/standalone` of the pinned module (image `ghcr.io/kubeflow/training-v1/training-operator:v1-93c5489`,
 * the v1.9.4 release build; the webhook certificate is managed by the operator itself). By default the `init-pytorch`
 * init container it adds to PyTorchJob workers meets the restricted Pod Security Standard
 * (see `restrictedInitContainers`).
 */
export class TrainingOperatorInstall extends OperatorInstall {
  /** Whether the `init-pytorch` init container the operator adds to PyTorchJob workers meets restricted. */
  public readonly restrictedInitContainers: boolean;

  constructor(scope: Construct, id: string, props: TrainingOperatorInstallProps = {}) {
    super(scope, id, 'training-operator', props);
    this.restrictedInitContainers = props.restrictedInitContainers ?? true;
    if (this.restrictedInitContainers) {
      this._json.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: INIT_TEMPLATE_CONFIG_MAP, namespace: this.namespace },
        data: { 'initContainer.yaml': RESTRICTED_INIT_TEMPLATE },
      });
      const deployment = this._find('Deployment', 'training-operator');
      const pod = deployment.spec.template.spec;
      pod.volumes = [...(pod.volumes ?? []), { name: 'pytorch-init-container', configMap: { name: INIT_TEMPLATE_CONFIG_MAP } }];
      const container = this._container(deployment, 'training-operator');
      container.volumeMounts = [...(container.volumeMounts ?? []), { name: 'pytorch-init-container', mountPath: INIT_TEMPLATE_DIR, readOnly: true }];
      container.args = [...(container.args ?? []), `--pytorch-init-container-template-file=${INIT_TEMPLATE_DIR}/initContainer.yaml`];
    }
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [{ kind: 'Deployment', name: 'training-operator', container: 'training-operator' }];
  }
}
