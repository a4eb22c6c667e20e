import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IOperatorInstall } from '../operators/operator-install';

/**
 * The order in which a platform's objects reach a cluster. Each tier is applied, and must be healthy, before the
 * next: CRDs first (so custom resources of every later tier have their kind), then cert-manager and the admission
 * webhooks, then the operators, then cluster-wide configuration, then the teams' workloads.
 */
export enum PlatformTier {
  /** CustomResourceDefinitions (applied server-side: several are larger than client-side apply allows). */
  CRDS = 'crds',
  /**
   * What operators need before they start: the installs other installs depend on (cert-manager for KServe) and
   * the admission webhook configurations (so that cert-manager's CA injector can fill them in while the operators
   * start).
   */
  PREREQUISITES = 'prerequisites',
  /**
   * The operators' controllers: Deployments, RBAC, Services and configuration of every install, and cert-manager
   * Issuers and Certificates (cert-manager's webhook admits them once it runs).
   */
  OPERATORS = 'operators',
  /**
   * Cluster configuration the workloads rely on: Namespaces, node pools and node classes, queues, resource
   * flavors, priority classes, cluster and namespace runtimes, device plugins.
   */
  CLUSTER_CONFIG = 'cluster-config',
  /** The teams' workloads and everything they bring (ServiceAccounts, Roles, claims, ConfigMaps...). */
  WORKLOADS = 'workloads',
}

/** Tiers in apply order. */
const ORDER = [PlatformTier.CRDS, PlatformTier.PREREQUISITES, PlatformTier.OPERATORS, PlatformTier.CLUSTER_CONFIG, PlatformTier.WORKLOADS];

/** Kinds of cluster configuration, by API group (`''` is the core group). */
const CLUSTER_CONFIG_KINDS: { [group: string]: string[] } = {
  '': ['Namespace'],
  'karpenter.sh': ['NodePool'],
  'karpenter.k8s.aws': ['EC2NodeClass'],
  'kueue.x-k8s.io': ['ClusterQueue', 'LocalQueue', 'ResourceFlavor', 'Cohort', 'WorkloadPriorityClass', 'AdmissionCheck', 'Topology'],
  'scheduling.k8s.io': ['PriorityClass'],
  'serving.kserve.io': ['ClusterServingRuntime', 'ServingRuntime', 'ClusterStorageContainer'],
  'trainer.kubeflow.org': ['ClusterTrainingRuntime', 'TrainingRuntime'],
  'argoproj.io': ['EventBus', 'ClusterWorkflowTemplate'],
  'node.k8s.io': ['RuntimeClass'],
  'storage.k8s.io': ['StorageClass'],
};

const CERT_MANAGER_GROUPS = ['cert-manager.io', 'acme.cert-manager.io'];
const WEBHOOK_KINDS = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];

const ASSIGNED = new WeakMap<IConstruct, PlatformTier>();

/**
 * Which {@link PlatformTier} each object of a platform belongs to.
 *
 * An object's tier is, in this order: the tier assigned to it or to one of its scopes with
 * {@link PlatformTiers.assign}; `CRDS` for a CustomResourceDefinition; for an object of an operator install,
 * `PREREQUISITES` when another install needs that install first (cert-manager) and `OPERATORS` otherwise, except
 * that webhook configurations are always `PREREQUISITES`, cert-manager kinds always `OPERATORS`, and the
 * configuration kinds an install ships (training and serving runtimes, storage containers, priority classes) are
 * `CLUSTER_CONFIG`; then by kind ({@link PlatformTiers.ofKind}).
 */
export class PlatformTiers {
  /** The tiers in apply order. */
  public static readonly ALL: PlatformTier[] = [...ORDER];

  /**
   * The tier of an object that no install and no assignment claims, from its API version and kind: CRDs;
   * webhook configurations are prerequisites; cert-manager kinds (Issuer, Certificate) come with the operators; cluster-wide configuration kinds
   * (Namespace, NodePool, EC2NodeClass, Kueue's queues and flavors, priority classes, serving and training runtimes,
   * Argo EventBus and ClusterWorkflowTemplate, StorageClass, RuntimeClass) are cluster configuration; everything
   * else is a workload.
   * @param apiVersion e.g. `kueue.x-k8s.io/v1beta2`
   * @param kind e.g. `ClusterQueue`
   */
  public static ofKind(apiVersion: string, kind: string): PlatformTier {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    if (group === 'apiextensions.k8s.io' && kind === 'CustomResourceDefinition') return PlatformTier.CRDS;
    if (CERT_MANAGER_GROUPS.includes(group)) return PlatformTier.OPERATORS;
    if (group === 'admissionregistration.k8s.io' && WEBHOOK_KINDS.includes(kind)) return PlatformTier.PREREQUISITES;
    if ((CLUSTER_CONFIG_KINDS[group] ?? []).includes(kind)) return PlatformTier.CLUSTER_CONFIG;
    return PlatformTier.WORKLOADS;
  }

  /**
   * Puts every object of `scope` (and of its children) in `tier`, whatever its kind (CRDs excepted: they are
   * always applied first). The assignment closest to the object wins.
   * @param scope a construct or an ApiObject
   * @param tier the tier
   */
  public static assign(scope: IConstruct, tier: PlatformTier): void {
    ASSIGNED.set(scope, tier);
  }

  /**
   * The tier of `obj` in its app: see {@link PlatformTiers}.
   * @param obj an object of the app
   */
  public static of(obj: ApiObject): PlatformTier {
    return tierOf(obj, installsOf(obj));
  }

  /** The position of `tier` in apply order (0 for CRDS). */
  public static indexOf(tier: PlatformTier): number {
    return ORDER.indexOf(tier);
  }

  private constructor() {}
}

/** Registry of operator installs in an app: objects → install, and the installs others need first. @internal */
export interface InstallIndex {
  readonly installOf: Map<ApiObject, IOperatorInstall>;
  readonly prerequisites: Set<IOperatorInstall>;
}

const INSTALLS = new WeakMap<IConstruct, Set<IOperatorInstall>>();

/**
 * Makes the installs known to the tiering of `scope`'s app (AiPlatform does it for the installs it composes).
 * @internal
 */
export function registerInstall(scope: IConstruct, install: IOperatorInstall): void {
  const root = scope.node.root;
  let set = INSTALLS.get(root);
  if (!set) {
    set = new Set();
    INSTALLS.set(root, set);
  }
  set.add(install);
  for (const p of install.prerequisites) set.add(p);
}

/** The installs of the app of `scope`, indexed. @internal */
export function installsOf(scope: IConstruct): InstallIndex {
  const installOf = new Map<ApiObject, IOperatorInstall>();
  const prerequisites = new Set<IOperatorInstall>();
  const installs = [...(INSTALLS.get(scope.node.root) ?? [])];
  for (const install of installs) {
    for (const o of install.objects) installOf.set(o, install);
    for (const p of install.prerequisites) prerequisites.add(p);
  }
  // an install whose objects are cert-manager kinds needs cert-manager running first, listed or not
  const certManager = installs.find(i => i.operatorName === CERT_MANAGER);
  if (certManager && installs.some(i => i !== certManager && usesCertManager(i))) prerequisites.add(certManager);
  return { installOf, prerequisites };
}

/** Whether an install emits cert-manager objects (Certificates, Issuers). @internal */
export function usesCertManager(install: IOperatorInstall): boolean {
  return install.objects.some(o => CERT_MANAGER_GROUPS.includes(o.apiVersion.split('/')[0]));
}

/** The id of cert-manager's pin. @internal */
export const CERT_MANAGER = 'cert-manager';

/** The tier of `obj` given the app's installs. @internal */
export function tierOf(obj: ApiObject, installs: InstallIndex): PlatformTier {
  const byKind = PlatformTiers.ofKind(obj.apiVersion, obj.kind);
  if (byKind === PlatformTier.CRDS) return byKind;
  for (const scope of [...obj.node.scopes].reverse()) {
    const assigned = ASSIGNED.get(scope);
    if (assigned !== undefined) return assigned;
  }
  const install = installs.installOf.get(obj);
  if (install !== undefined) {
    if (byKind === PlatformTier.PREREQUISITES) return byKind;
    // runtimes and other configuration an install ships are admitted by its webhooks: after the operator runs
    if (byKind === PlatformTier.CLUSTER_CONFIG && obj.kind !== 'Namespace') return byKind;
    // cert-manager kinds of an install that others need first would wait on its own webhook: they come later
    if (installs.prerequisites.has(install) && byKind !== PlatformTier.OPERATORS) return PlatformTier.PREREQUISITES;
    return PlatformTier.OPERATORS;
  }
  return byKind;
}
