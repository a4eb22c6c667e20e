import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PlatformContext } from '../core/context';
import { invalid } from '../core/errors';
import { checkDns1123Label, checkLabels } from '../core/names';
import { POD_SECURITY_REASON_ANNOTATION, PodSecurityLevel } from '../core/security';
import { KUBERNETES_VERSION } from '../core/versions';
import { IWorkload, WORKLOADS } from '../core/workload';
import { OPERATOR_INSTALLS } from '../operators/operator-install';
import { KServeConfig } from '../serving/kserve-config';
import { HyperparameterExperiment } from '../tuning/hyperparameter-experiment';

/** Registry key of pod security requirements declared outside workloads (e.g. a device plugin). @internal */
export const POD_SECURITY_REQUIREMENTS = 'pod-security-requirement';

/** Pod Security admission labels. */
const ENFORCE = 'pod-security.kubernetes.io/enforce';
const ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';
const WARN = 'pod-security.kubernetes.io/warn';
const WARN_VERSION = 'pod-security.kubernetes.io/warn-version';
const AUDIT = 'pod-security.kubernetes.io/audit';
const AUDIT_VERSION = 'pod-security.kubernetes.io/audit-version';

const RANK: { [level: string]: number } = {
  [PodSecurityLevel.RESTRICTED]: 0,
  [PodSecurityLevel.BASELINE]: 1,
  [PodSecurityLevel.PRIVILEGED]: 2,
};

/** Why the pods of a namespace need a Pod Security level below restricted. */
export interface PodSecurityRequirement {
  /** The level the pods meet (`baseline` or `privileged`; restricted needs no requirement). */
  readonly level: PodSecurityLevel;
  /** What runs these pods and why they cannot meet restricted. */
  readonly reason: string;
}

/** A namespace's Pod Security, as computed from what runs in it. */
export interface NamespacePodSecurity {
  /** The level enforced: the strictest that every pod of the namespace meets. */
  readonly enforce: PodSecurityLevel;
  /** Why enforce is below restricted (empty when it is restricted), one entry per workload or object. */
  readonly requirements: PodSecurityRequirement[];
}

/** Options of a {@link PlatformNamespace} (see `AiPlatform.addNamespace`). */
export interface PlatformNamespaceOptions {
  /**
   * Labels of the namespace (the Pod Security labels are added).
   * @default {}
   */
  readonly labels?: { [key: string]: string };
  /**
   * The least restrictive level this namespace may enforce. A workload placed in it that needs more is an error at
   * synth (e.g. a team namespace that must stay `restricted`).
   * @default PodSecurityLevel.PRIVILEGED - whatever the workloads need
   */
  readonly maxPodSecurity?: PodSecurityLevel;
}

/** Props of {@link PlatformNamespace}. */
export interface PlatformNamespaceProps extends PlatformNamespaceOptions {
  /**
   * Name of the namespace.
   * @default - the construct id
   */
  readonly name?: string;
}

/**
 * A Namespace whose Pod Security admission labels are computed at synth from the workloads placed in it: it
 * enforces the strictest level that all their pods meet — including the pods and containers the operators create
 * or inject (a v1 MPIJob's `kubectl-delivery` init container needs `baseline`; Fluid runs a dataset's privileged
 * FUSE and cache pods in the dataset's namespace) — and warns and audits at `restricted`. The reasons for a level
 * below restricted are recorded in the annotation `ai-platform.cdk8s.io/pod-security-reason`. Versions are pinned
 * to the Kubernetes minor the library targets. A namespace with a Katib experiment whose metrics collector Katib
 * injects is labelled `katib.kubeflow.org/metrics-collector-injection: enabled` (Katib's webhook refuses the
 * experiment otherwise).
 */
export class PlatformNamespace extends Construct {
  /** Name of the namespace. */
  public readonly name: string;
  /** The Namespace object. */
  public readonly apiObject: ApiObject;
  private readonly maxPodSecurity: PodSecurityLevel;
  private readonly extra: PodSecurityRequirement[] = [];

  constructor(scope: Construct, id: string, props: PlatformNamespaceProps = {}) {
    super(scope, id);
    this.name = props.name ?? id;
    checkDns1123Label(this, 'name', this.name);
    checkLabels(this, 'labels', props.labels);
    this.maxPodSecurity = props.maxPodSecurity ?? PodSecurityLevel.PRIVILEGED;
    const self = this;
    this.apiObject = new (class extends ApiObject {
      public toJson(): any {
        const json = super.toJson();
        const security = self.podSecurity;
        json.metadata.labels = { ...(json.metadata.labels ?? {}), ...podSecurityLabels(security.enforce) };
        // Katib refuses an experiment whose metrics collector it injects unless the namespace allows the injection
        const injection = HyperparameterExperiment.METRICS_COLLECTOR_INJECTION_LABEL;
        if (json.metadata.labels[injection] === undefined && injectsKatibCollector(self, self.name)) {
          json.metadata.labels[injection] = 'enabled';
        }
        if (security.requirements.length > 0) {
          const reason = describeRequirements(security.requirements);
          json.metadata.annotations = { ...(json.metadata.annotations ?? {}), [POD_SECURITY_REASON_ANNOTATION]: reason };
        }
        return json;
      }
    })(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: this.name, labels: props.labels && Object.keys(props.labels).length ? { ...props.labels } : undefined },
    });
    PlatformContext.of(this).check(() => this.checkMaxPodSecurity());
  }

  /**
   * Records that pods the library does not build (e.g. a third-party chart's DaemonSet) run in this namespace at
   * `level`, for `reason`.
   * @param level the level those pods meet
   * @param reason what they are and why they cannot meet restricted
   */
  public addPodSecurityRequirement(level: PodSecurityLevel, reason: string): void {
    if (!reason?.trim()) invalid(this, 'reason', reason, 'what the pods are and why they cannot meet the restricted standard');
    if (level !== PodSecurityLevel.RESTRICTED) this.extra.push({ level, reason });
  }

  /** The Pod Security the namespace enforces, from what is declared in the app now. */
  public get podSecurity(): NamespacePodSecurity {
    const requirements = [...podSecurityRequirements(this, this.name), ...this.extra];
    const enforce = loosest(requirements.map(r => r.level));
    return { enforce, requirements };
  }

  private checkMaxPodSecurity(): void {
    const over = this.podSecurity.requirements.filter(r => RANK[r.level] > RANK[this.maxPodSecurity]);
    if (over.length === 0) return;
    invalid(this, 'maxPodSecurity', this.maxPodSecurity,
      `${over.map(r => `${r.reason} needs '${r.level}'`).join('; ')}: allow that level or move the workload to another namespace`);
  }
}

/**
 * The requirements below restricted of the workloads (and registered objects) of namespace `namespace` in the app
 * of `scope`, in declaration order.
 * @internal
 */
export function podSecurityRequirements(scope: IConstruct, namespace: string): PodSecurityRequirement[] {
  const context = PlatformContext.of(scope);
  const out: PodSecurityRequirement[] = [];
  for (const workload of context.list<IWorkload>(WORKLOADS)) {
    const ns = workload.apiObject.metadata.namespace ?? workload.namespace;
    if (ns !== namespace) continue;
    out.push(...workloadRequirements(workload));
  }
  for (const r of context.list<PodSecurityRequirement & { namespace: string }>(POD_SECURITY_REQUIREMENTS)) {
    if (r.namespace === namespace) out.push({ level: r.level, reason: r.reason });
  }
  return out;
}

function workloadRequirements(workload: IWorkload): PodSecurityRequirement[] {
  const what = `${workload.apiObject.kind} '${workload.name}'`;
  const out: PodSecurityRequirement[] = [];
  for (const template of workload.podTemplates) {
    if (template.securityLevel === PodSecurityLevel.RESTRICTED) continue;
    const why = template.securityAnnotations[POD_SECURITY_REASON_ANNOTATION];
    out.push({ level: template.securityLevel, reason: `${what}${why ? ` (${why})` : ''}` });
  }
  const group = workload.apiObject.apiVersion.split('/')[0];
  if (group === 'kubeflow.org' && workload.apiObject.kind === 'PyTorchJob' && pyTorchJobHasMasterAndWorkers(workload)
    && !restrictedPyTorchInit(workload)) {
    out.push({
      level: PodSecurityLevel.BASELINE,
      reason: `${what} (the Training Operator adds an init-pytorch init container without a security context to the workers; `
        + 'a TrainingOperatorInstall in the app gives it one unless restrictedInitContainers is false)',
    });
  }
  if (group === 'argoproj.io' && ['Workflow', 'WorkflowTemplate', 'CronWorkflow'].includes(workload.apiObject.kind)
    && appInstall(workload, 'argo-workflows')?.restrictedExecutor !== true) {
    out.push({
      level: PodSecurityLevel.BASELINE,
      reason: `${what} (Argo Workflows adds its init and wait executor containers without a security context to every workflow pod; `
        + 'an ArgoWorkflowsInstall in the app gives them one unless restrictedExecutor is false)',
    });
  }
  if (group === 'serving.kserve.io' && workload.apiObject.kind === 'InferenceService' && servesModelcar(workload)) {
    out.push({
      level: PodSecurityLevel.BASELINE,
      reason: `${what} (KServe v0.20.0 injects the modelcar containers for its oci:// model with a security context that sets only `
        + 'runAsUser, which no KServe setting changes)',
    });
  }
  if (group === 'kubeflow.org' && workload.apiObject.kind === 'MPIJob') {
    out.push({ level: PodSecurityLevel.BASELINE, reason: `${what} (the Training Operator adds a kubectl-delivery init container without a security context to the launcher)` });
  }
  if (workload instanceof HyperparameterExperiment && workload.trialPodSecurity !== PodSecurityLevel.RESTRICTED) {
    out.push({
      level: workload.trialPodSecurity,
      reason: `${what} (Katib injects its metrics collector sidecar into the trial pods without a security context; `
        + 'use the Push collector or the Katib configuration\'s injectSecurityContext for restricted)',
    });
  }
  if (workload instanceof HyperparameterExperiment) {
    out.push({
      level: PodSecurityLevel.BASELINE,
      reason: `${what} (Katib v0.19.0 runs the experiment's suggestion service as a Deployment in its namespace, with the container of `
        + 'katib-config\'s runtime.suggestions, which sets no security context; its images run as root)',
    });
  }
  if (group === 'data.fluid.io' && workload.apiObject.kind === 'Dataset') {
    out.push({ level: PodSecurityLevel.PRIVILEGED, reason: `${what} (Fluid runs the cache's FUSE pods, privileged with host paths, in the dataset's namespace)` });
  }
  // one entry per workload and level: several templates of one workload give one reason each
  return out.filter((r, i) => out.findIndex(o => o.level === r.level && o.reason === r.reason) === i);
}

/**
 * Whether an experiment of the app in namespace `namespace` uses a metrics collector Katib injects as a sidecar
 * (every collector but Push; StdOut when the experiment names none).
 */
function injectsKatibCollector(scope: IConstruct, namespace: string): boolean {
  return PlatformContext.of(scope).list<IWorkload>(WORKLOADS).some(w => w instanceof HyperparameterExperiment
    && (w.apiObject.metadata.namespace ?? w.namespace) === namespace
    && (w.render().primary?.spec?.metricsCollectorSpec?.collector?.kind ?? 'StdOut') !== 'Push');
}

/** Whether a PyTorchJob has a Master and Workers: the Training Operator adds `init-pytorch` to such workers only. */
function pyTorchJobHasMasterAndWorkers(workload: IWorkload): boolean {
  const specs = workload.render().primary?.spec?.pytorchReplicaSpecs ?? {};
  return specs.Master !== undefined && specs.Worker !== undefined && (specs.Worker.replicas ?? 1) > 0;
}

/**
 * Whether the app's Training Operator install gives `init-pytorch` a restricted security context
 * (`TrainingOperatorInstall.restrictedInitContainers`). Without an install in the app, upstream's install is assumed
 * (its template has no security context).
 */
function restrictedPyTorchInit(scope: IConstruct): boolean {
  return appInstall(scope, 'training-operator')?.restrictedInitContainers === true;
}

/**
 * Whether KServe serves the InferenceService's model from an OCI image through a modelcar (an `oci://` storage URI,
 * and modelcars on in the app's KServe configuration, KServe's default).
 */
function servesModelcar(workload: IWorkload): boolean {
  const spec = JSON.stringify(workload.render().primary?.spec ?? {});
  return /"oci:\/\//.test(spec) && (KServeConfig.of(workload)?.enableModelcar ?? true);
}

/** The operator install of the app with that operator name, if the app declares one. */
function appInstall(scope: IConstruct, operatorName: string): any {
  return PlatformContext.of(scope).list<any>(OPERATOR_INSTALLS).find(i => i.operatorName === operatorName);
}

/** Registers pods of `level` that run in `namespace` for `reason` (seen by the namespace's computation). @internal */
export function registerPodSecurityRequirement(scope: IConstruct, namespace: string, level: PodSecurityLevel, reason: string): void {
  PlatformContext.of(scope).register(POD_SECURITY_REQUIREMENTS, { namespace, level, reason });
}

/** The Pod Security admission labels of a namespace enforcing `enforce` (warn and audit restricted). @internal */
export function podSecurityLabels(enforce: PodSecurityLevel): { [key: string]: string } {
  const version = `v${KUBERNETES_VERSION.split('.').slice(0, 2).join('.')}`;
  return {
    [ENFORCE]: enforce,
    [ENFORCE_VERSION]: version,
    [WARN]: PodSecurityLevel.RESTRICTED,
    [WARN_VERSION]: version,
    [AUDIT]: PodSecurityLevel.RESTRICTED,
    [AUDIT_VERSION]: version,
  };
}

/** The reason annotation's text. @internal */
export function describeRequirements(requirements: PodSecurityRequirement[]): string {
  return requirements.map(r => `${r.level}: ${r.reason}`).join('; ');
}

/** The strictest of `levels` that all of them allow (the least restrictive level named). @internal */
export function loosest(levels: PodSecurityLevel[]): PodSecurityLevel {
  return levels.reduce<PodSecurityLevel>((acc, l) => (RANK[l] > RANK[acc] ? l : acc), PodSecurityLevel.RESTRICTED);
}
