import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { mirrorImage } from './images';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Label } from '../core/names';
import { ComputeResources, renderResources } from '../core/resources';
import { upstreamPin } from '../core/versions';

/** Props of {@link ArgoWorkflowsInstall}. */
export interface ArgoWorkflowsInstallProps extends OperatorInstallProps {
  /**
   * Image of the executor Argo runs in every workflow pod (`--executor-image` of the controller).
   * @default - quay.io/argoproj/argoexec at the pinned version (through `imageRegistry` when set)
   */
  readonly executorImage?: string;
  /**
   * Resources of the executor containers (`executor.resources` of the controller configuration).
   * @default - none set
   */
  readonly executorResources?: ComputeResources;
  /**
   * Namespaces that run workflows: each gets the `argo-workflow` ServiceAccount with the least privilege the v4
   * executor needs (create and patch WorkflowTaskResults), for workflows' `serviceAccountName`. The controller
   * watches every namespace either way.
   * @default - none (workflows bring their own service account)
   */
  readonly workflowNamespaces?: string[];
  /**
   * Give the executor containers Argo adds to every workflow pod (`init`, `wait`) a security context that meets the
   * restricted Pod Security Standard (`executor.securityContext` of the controller configuration: non-root uid 8737,
   * the argoexec image's user, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp). Without it,
   * workflow pods are rejected in namespaces that enforce restricted. `false` leaves Argo's default (no context).
   * @default true
   */
  readonly restrictedExecutor?: boolean;
  /**
   * Workflows that may run at once in the cluster (`parallelism` of the controller configuration).
   * @default - no limit
   */
  readonly parallelism?: number;
}

const CONFIG_MAP = 'workflow-controller-configmap';
/** The executor's security context that meets the restricted Pod Security Standard (uid 8737 is argoexec's user). */
const RESTRICTED_EXECUTOR = {
  runAsNonRoot: true,
  runAsUser: 8737,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
/** Service account the install creates in each of `workflowNamespaces`. */
const WORKFLOW_SERVICE_ACCOUNT = 'argo-workflow';

/**
 * Argo Workflows v4.1.4, installed from `manifests/cluster-install` of the pinned module (workflow controller, Argo
 * server, the full CRDs — apply those server-side, they exceed the client-side apply annotation limit), in namespace
 * `argo`, with the release images `quay.io/argoproj/{workflow-controller,argocli}:v4.1.4` (the manifests in git say
 * `:latest`) and the executor image set explicitly. `replicas` and `resources` apply to the controller and the server.
 */
export class ArgoWorkflowsInstall extends OperatorInstall {
  /** Service account for workflows in `workflowNamespaces`. */
  public static readonly WORKFLOW_SERVICE_ACCOUNT = WORKFLOW_SERVICE_ACCOUNT;

  /** Executor image. */
  public readonly executorImage: string;
  /** Namespaces with the workflow service account. */
  public readonly workflowNamespaces: string[];
  /** Whether the executor containers Argo adds to workflow pods get a restricted security context. */
  public readonly restrictedExecutor: boolean;

  constructor(scope: Construct, id: string, props: ArgoWorkflowsInstallProps = {}) {
    super(scope, id, 'argo-workflows', props);
    const upstream = `quay.io/argoproj/argoexec:${upstreamPin('argo-workflows').goModuleVersion}`;
    this.executorImage = props.executorImage ?? (this.imageRegistry ? mirrorImage(upstream, this.imageRegistry) : upstream);
    if (typeof this.executorImage !== 'string' || !/^[a-z0-9][a-z0-9._:/@-]*$/.test(this.executorImage)) {
      invalid(this, 'executorImage', this.executorImage, 'must be an image reference such as quay.io/argoproj/argoexec:v4.1.4');
    }
    checkInteger(this, 'parallelism', props.parallelism, 1);
    this.workflowNamespaces = [...(props.workflowNamespaces ?? [])];
    this.workflowNamespaces.forEach((ns, i) => checkDns1123Label(this, `workflowNamespaces[${i}]`, ns));
    if (new Set(this.workflowNamespaces).size !== this.workflowNamespaces.length) {
      invalid(this, 'workflowNamespaces', this.workflowNamespaces.join(', '), 'must name each namespace once');
    }
    const executorResources = renderResources(this, 'executorResources', props.executorResources);

    const controller = this._container(this._find('Deployment', 'workflow-controller'), 'workflow-controller');
    controller.args = [...(controller.args ?? []), '--executor-image', this.executorImage];

    const restricted = this.restrictedExecutor = props.restrictedExecutor ?? true;
    if (executorResources || restricted || props.parallelism !== undefined) {
      const cm = this._find('ConfigMap', CONFIG_MAP);
      if (props.parallelism !== undefined) cm.data = { ...(cm.data ?? {}), parallelism: String(props.parallelism) };
      if (executorResources || restricted) {
        const executor = { resources: executorResources, securityContext: restricted ? RESTRICTED_EXECUTOR : undefined };
        cm.data = { ...(cm.data ?? {}), executor: YAML.stringify(JSON.parse(JSON.stringify(executor))) };
      }
    }

    for (const ns of this.workflowNamespaces) {
      const labels = { 'app.kubernetes.io/part-of': 'argo-workflows' };
      this._json.push(
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: WORKFLOW_SERVICE_ACCOUNT, namespace: ns, labels } },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: WORKFLOW_SERVICE_ACCOUNT, namespace: ns, labels },
          rules: [{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: WORKFLOW_SERVICE_ACCOUNT, namespace: ns, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: WORKFLOW_SERVICE_ACCOUNT },
          subjects: [{ kind: 'ServiceAccount', name: WORKFLOW_SERVICE_ACCOUNT, namespace: ns }],
        },
      );
    }
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [
      { kind: 'Deployment', name: 'workflow-controller', container: 'workflow-controller' },
      { kind: 'Deployment', name: 'argo-server', container: 'argo-server' },
    ];
  }
}
