import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterQueueImportOptions, IClusterQueue, importClusterQueue } from './cluster-queue';
import { flavorPool } from './flavor-pools';
import { KueueIntegration } from './kueue-integration';
import { checkQueueIntegrationsInstalled, clusterScoped, INT32_MAX, KUEUE_API_VERSION, parseQuantity, prune, queueIntegrations, sortKeys } from './kueue-util';
import { LocalQueue } from './local-queue';
import { QueueFlavor } from './queue-flavor';
import { QueueResourceGroup } from './resource-quota';
import { checkProps, Is } from '../core/checks';
import { PlatformContext } from '../core/context';
import { invalid } from '../core/errors';
import { checkDns1123Label, checkDns1123Subdomain, checkLabels, ResourceNames } from '../core/names';
import { TAINT_RULE } from '../core/placement';

/** Order in which a ClusterQueue admits pending workloads. */
export enum QueueingStrategy {
  /** By priority then creation time; a workload that doesn't fit doesn't block smaller ones behind it. */
  BEST_EFFORT_FIFO = 'BestEffortFIFO',
  /** Strictly by priority then creation time; the head workload blocks the queue until it fits. */
  STRICT_FIFO = 'StrictFIFO',
}

/** Which workloads of the same ClusterQueue a pending workload may preempt. */
export enum WithinClusterQueuePreemption {
  /** Never preempt. */
  NEVER = 'Never',
  /** Preempt workloads of lower priority. */
  LOWER_PRIORITY = 'LowerPriority',
  /** Preempt workloads of lower priority, or of equal priority that are newer. */
  LOWER_OR_NEWER_EQUAL_PRIORITY = 'LowerOrNewerEqualPriority',
}

/** Which workloads of other ClusterQueues in the cohort (that borrow) a pending workload may preempt to reclaim quota. */
export enum ReclaimWithinCohortPreemption {
  /** Never preempt. */
  NEVER = 'Never',
  /** Preempt borrowing workloads of lower priority. */
  LOWER_PRIORITY = 'LowerPriority',
  /** Preempt any borrowing workload. */
  ANY = 'Any',
}

/** Whether a pending workload that needs to borrow may preempt workloads of other ClusterQueues in the cohort. */
export enum BorrowWithinCohortPreemption {
  /** Never preempt while borrowing. */
  NEVER = 'Never',
  /** Preempt lower-priority workloads while borrowing. */
  LOWER_PRIORITY = 'LowerPriority',
}

/** Whether a workload tries the next flavor before borrowing (or preempting) in the flavor being evaluated. */
export enum FlavorFungibilityPolicy {
  /** Stop searching if the workload fits, or fits by borrowing (or preempting), in the current flavor. */
  MAY_STOP_SEARCH = 'MayStopSearch',
  /** Try the next flavor before borrowing (or preempting) in the current one. */
  TRY_NEXT_FLAVOR = 'TryNextFlavor',
}

/** Which flavor wins when every candidate flavor needs borrowing, preemption or both. */
export enum FlavorPreference {
  /** Prefer borrowing to preemption. */
  BORROWING_OVER_PREEMPTION = 'BorrowingOverPreemption',
  /** Prefer preemption to borrowing. */
  PREEMPTION_OVER_BORROWING = 'PreemptionOverBorrowing',
}

/**
 * How a workload chooses among the flavors of a resource group (`flavorFungibility`): flavors are tried in order,
 * and these decide whether to stop at a flavor where the workload fits only by borrowing or by preempting.
 */
export interface FlavorFungibility {
  /**
   * Whether to try the next flavor before borrowing in the current one.
   * @default FlavorFungibilityPolicy.MAY_STOP_SEARCH
   */
  readonly whenCanBorrow?: FlavorFungibilityPolicy;
  /**
   * Whether to try the next flavor before preempting in the current one.
   * @default FlavorFungibilityPolicy.TRY_NEXT_FLAVOR
   */
  readonly whenCanPreempt?: FlavorFungibilityPolicy;
  /**
   * Which flavor to choose when all need borrowing, preemption or both (only when both policies are TRY_NEXT_FLAVOR).
   * @default - Kueue's (FlavorPreference.BORROWING_OVER_PREEMPTION)
   */
  readonly preference?: FlavorPreference;
}

/** Whether a ClusterQueue admits new workloads (`stopPolicy`). */
export enum QueueStopPolicy {
  /** Workloads are admitted. */
  NONE = 'None',
  /** No new admissions; admitted workloads run to completion, reservations are cancelled. */
  HOLD = 'Hold',
  /** No new admissions; admitted workloads are evicted and reservations cancelled. */
  HOLD_AND_DRAIN = 'HoldAndDrain',
}

/** Whether the ClusterQueue orders admission by its LocalQueues' past usage (`admissionScope.admissionMode`). */
export enum AdmissionFairSharingMode {
  /** Admission fair sharing by the LocalQueues' usage (needs admission fair sharing in Kueue's configuration). */
  USAGE_BASED = 'UsageBasedAdmissionFairSharing',
  /** No admission fair sharing. */
  NONE = 'NoAdmissionFairSharing',
}

/** How admitted workloads move to preferred flavors (`concurrentAdmissionPolicy.migration.mode`). */
export enum FlavorMigrationMode {
  /** An admitted workload keeps trying the flavors before its own, and moves when one has capacity. */
  TRY_PREFERRED_FLAVORS = 'TryPreferredFlavors',
  /** A workload stays on the flavor it was first admitted to. */
  RETAIN_FIRST_ADMISSION = 'RetainFirstAdmission',
}

/** Concurrent admission of a ClusterQueue (`concurrentAdmissionPolicy`, Kueue's ConcurrentAdmission feature). */
export interface ConcurrentAdmission {
  /** Whether admitted workloads migrate to preferred flavors. */
  readonly mode: FlavorMigrationMode;
  /**
   * The last flavor (in the ClusterQueue's order) a workload may migrate to (TRY_PREFERRED_FLAVORS only).
   * @default - any flavor before the one it was admitted to
   */
  readonly lastAcceptableFlavor?: string;
}

/** An AdmissionCheck that the ClusterQueue's workloads must pass before they start. */
export interface QueueAdmissionCheck {
  /** Name of the AdmissionCheck object (e.g. one for ProvisioningRequests or MultiKueue). */
  readonly name: string;
  /**
   * Flavors (of this ClusterQueue) whose workloads the check runs for.
   * @default - all workloads of the ClusterQueue
   */
  readonly onFlavors?: string[];
}

/** Operator of a label selector requirement. */
export enum LabelSelectorOperator {
  /** The label's value is one of `values`. */
  IN = 'In',
  /** The label is absent or its value is none of `values`. */
  NOT_IN = 'NotIn',
  /** The label is present (no `values`). */
  EXISTS = 'Exists',
  /** The label is absent (no `values`). */
  DOES_NOT_EXIST = 'DoesNotExist',
}

/** One requirement of a label selector (`matchExpressions[]`). */
export interface LabelSelectorRequirement {
  /** The label key. */
  readonly key: string;
  /** How the label is matched. */
  readonly operator: LabelSelectorOperator;
  /**
   * The values (non-empty for IN and NOT_IN, empty for EXISTS and DOES_NOT_EXIST).
   * @default []
   */
  readonly values?: string[];
}

/** Preemption policies of a ClusterQueue. */
export interface QueuePreemption {
  /**
   * Preemption within the ClusterQueue.
   * @default WithinClusterQueuePreemption.NEVER
   */
  readonly withinClusterQueue?: WithinClusterQueuePreemption;
  /**
   * Preemption to reclaim nominal quota lent to the cohort (needs a cohort).
   * @default ReclaimWithinCohortPreemption.NEVER
   */
  readonly reclaimWithinCohort?: ReclaimWithinCohortPreemption;
  /**
   * Preemption while borrowing from the cohort (needs a cohort, and reclaimWithinCohort other than NEVER).
   * @default BorrowWithinCohortPreemption.NEVER
   */
  readonly borrowWithinCohort?: BorrowWithinCohortPreemption;
  /**
   * With `borrowWithinCohort: LOWER_PRIORITY`, only workloads with at most this priority are preempted.
   * @default - any lower priority
   */
  readonly borrowWithinCohortMaxPriorityThreshold?: number;
}

/** The rules of a {@link QueueFlavor}. */
const QUEUE_FLAVOR_RULE = Is.shape({
  name: Is.required(Is.dnsSubdomain()),
  nodeLabels: Is.labels(),
  nodeTaints: Is.arrayOf(TAINT_RULE),
  tolerations: Is.arrayOf(TAINT_RULE),
}, 'must be a QueueFlavor, e.g. QueueFlavors.forPool(pool)');

const QUOTA = Is.instance('_validate', "must be a ResourceQuota, e.g. ResourceQuota.cpu('64')");

/** The rules of {@link BatchQueueProps} (counts and combinations are checked where the queue renders). */
const BATCH_QUEUE_RULES = {
  name: Is.dnsSubdomain(),
  resourceGroups: Is.arrayOf(Is.shape({
    flavors: Is.required(Is.arrayOf(Is.shape({
      flavor: Is.required(QUEUE_FLAVOR_RULE),
      quotas: Is.required(Is.arrayOf(QUOTA)),
    }, 'must be the quotas of a flavor: { flavor, quotas }'))),
  }, 'must be a resource group: { flavors }')),
  cohort: Is.dnsSubdomain(),
  queueingStrategy: Is.enumOf(QueueingStrategy, 'QueueingStrategy'),
  namespaceLabels: Is.labels(),
  preemption: Is.shape({}, 'must be QueuePreemption options'),
  integrations: Is.arrayOf(Is.enumOf(KueueIntegration, 'KueueIntegration')),
  namespaceExpressions: Is.arrayOf(Is.shape({
    key: Is.required(Is.labelKey()),
    operator: Is.required(Is.enumOf(LabelSelectorOperator, 'LabelSelectorOperator')),
    values: Is.arrayOf(Is.labelValue()),
  }, 'must be a LabelSelectorRequirement: { key, operator, values }')),
  flavorFungibility: Is.shape({
    whenCanBorrow: Is.enumOf(FlavorFungibilityPolicy, 'FlavorFungibilityPolicy'),
    whenCanPreempt: Is.enumOf(FlavorFungibilityPolicy, 'FlavorFungibilityPolicy'),
    preference: Is.enumOf(FlavorPreference, 'FlavorPreference'),
  }, 'must be FlavorFungibility options'),
  stopPolicy: Is.enumOf(QueueStopPolicy, 'QueueStopPolicy'),
  admissionChecks: Is.arrayOf(Is.shape({
    name: Is.required(Is.string({ nonEmpty: true, maxLength: 316 })),
    onFlavors: Is.arrayOf(Is.dnsSubdomain(), 0, 64),
  }, 'must be a QueueAdmissionCheck: { name, onFlavors }'), 0, 64),
  fairSharingWeight: Is.number(0),
  admissionFairSharing: Is.enumOf(AdmissionFairSharingMode, 'AdmissionFairSharingMode'),
  concurrentAdmission: Is.shape({
    mode: Is.required(Is.enumOf(FlavorMigrationMode, 'FlavorMigrationMode')),
    lastAcceptableFlavor: Is.dnsSubdomain(),
  }, 'must be ConcurrentAdmission options'),
};

/** Props of {@link BatchQueue}. */
export interface BatchQueueProps {
  /**
   * Name of the ClusterQueue (a DNS-1123 subdomain).
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Resource groups with per-flavor quotas (at most 16). A ClusterQueue without any (an empty ClusterQueue) is valid:
   * it admits only workloads that request none of the resources, e.g. a placeholder in a cohort or before quota is
   * assigned.
   * @default [] - an empty ClusterQueue
   */
  readonly resourceGroups?: QueueResourceGroup[];
  /**
   * Cohort the ClusterQueue belongs to; queues of a cohort borrow unused quota from each other.
   * @default - no cohort (no borrowing or lending)
   */
  readonly cohort?: string;
  /**
   * Order of admission.
   * @default QueueingStrategy.BEST_EFFORT_FIFO
   */
  readonly queueingStrategy?: QueueingStrategy;
  /**
   * Labels a namespace must have for its LocalQueues to submit to this ClusterQueue (`namespaceSelector.matchLabels`).
   * @default {} - all namespaces
   */
  readonly namespaceLabels?: { [key: string]: string };
  /**
   * Further requirements on the labels of namespaces that may submit (`namespaceSelector.matchExpressions`), ANDed
   * with `namespaceLabels`.
   * @default [] - none
   */
  readonly namespaceExpressions?: LabelSelectorRequirement[];
  /**
   * Preemption policies.
   * @default - no preemption
   */
  readonly preemption?: QueuePreemption;
  /**
   * Whether a workload tries the next flavor before borrowing or preempting (`flavorFungibility`).
   * @default - Kueue's: whenCanBorrow MAY_STOP_SEARCH, whenCanPreempt TRY_NEXT_FLAVOR
   */
  readonly flavorFungibility?: FlavorFungibility;
  /**
   * Stops admission (`stopPolicy`), e.g. to drain the queue before maintenance.
   * @default QueueStopPolicy.NONE
   */
  readonly stopPolicy?: QueueStopPolicy;
  /**
   * AdmissionChecks the workloads must pass before they start (`admissionChecksStrategy.admissionChecks`, at most
   * 64), for all flavors or some. The AdmissionCheck objects are declared separately; until they exist and are
   * active, the ClusterQueue admits nothing.
   * @default [] - none
   */
  readonly admissionChecks?: QueueAdmissionCheck[];
  /**
   * Weight of the ClusterQueue when fair sharing divides unused cohort quota (`fairSharing.weight`; only with fair
   * sharing enabled in Kueue's configuration). 0 means it always loses; otherwise more than 10^-9.
   * @default - Kueue's (1)
   */
  readonly fairSharingWeight?: number;
  /**
   * Admission fair sharing among the ClusterQueue's LocalQueues (`admissionScope.admissionMode`).
   * @default - none (admission by priority and creation time only)
   */
  readonly admissionFairSharing?: AdmissionFairSharingMode;
  /**
   * Concurrent admission: workloads pursue several flavors at once and may migrate to a preferred one
   * (`concurrentAdmissionPolicy`, Kueue's ConcurrentAdmission feature gate).
   * @default - none
   */
  readonly concurrentAdmission?: ConcurrentAdmission;
  /**
   * Kueue integrations enabled in the cluster's Kueue configuration (`integrations.frameworks`); `admit()` rejects
   * workloads of other kinds. Set it when the installation differs from the default, e.g. to add
   * `KueueIntegration.PYTORCH_JOB`. For `POD`, `DEPLOYMENT`, `STATEFULSET` and `LEADER_WORKER_SET`, Kueue manages only
   * pods in namespaces selected by its `managedJobsNamespaceSelector` (default: all but `kube-system` and `kueue-system`).
   * @default - those of the app's Kueue installation (`KueueInstall`), or KueueIntegrations.defaults() (Kueue v0.19.2's default frameworks)
   */
  readonly integrations?: KueueIntegration[];
}

/**
 * A Kueue ClusterQueue with its ResourceFlavors: a pool of quota (per flavor: cpu, memory, GPUs...) that batch
 * workloads are admitted against. Namespaces submit to it through {@link LocalQueue}s (`addLocalQueue`), and
 * workloads opt in with `localQueue.admit(workload)`.
 *
 * Emits `kueue.x-k8s.io/v1beta2` objects (Kueue v0.19.2). ResourceFlavors are created once per chart and
 * flavor name, so ClusterQueues of the same chart can share flavors.
 *
 * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/
 */
export class BatchQueue extends Construct implements IClusterQueue {
  /**
   * A ClusterQueue that another repository owns (e.g. the platform team's), for LocalQueues of this app:
   * `new LocalQueue(this, 'queue', { clusterQueue: BatchQueue.fromClusterQueueName(this, 'platform', 'gpu-batch'), namespace })`.
   * Emits no objects.
   * @param scope scope of the reference
   * @param id id of the reference
   * @param clusterQueueName name of the ClusterQueue
   * @param options what the cluster's Kueue manages
   */
  public static fromClusterQueueName(scope: Construct, id: string, clusterQueueName: string, options: ClusterQueueImportOptions = {}): IClusterQueue {
    return importClusterQueue(scope, id, clusterQueueName, options);
  }

  /** Name of the ClusterQueue. */
  public readonly name: string;
  /** Cohort, if any. */
  public readonly cohort?: string;
  /** Admission order. */
  public readonly queueingStrategy: QueueingStrategy;
  /** Whether the ClusterQueue admits (`stopPolicy`). */
  public readonly stopPolicy: QueueStopPolicy;
  private readonly ownIntegrations?: KueueIntegration[];
  /** The flavors, in order of first use. */
  public readonly flavors: QueueFlavor[];
  private readonly localQueues: LocalQueue[] = [];
  private readonly groups: QueueResourceGroup[];

  constructor(scope: Construct, id: string, props: BatchQueueProps) {
    super(scope, id);
    checkProps(this, props, BATCH_QUEUE_RULES, '', true);
    this.groups = props.resourceGroups ?? [];
    this.name = props.name ?? ResourceNames.uniqueLabel(this);
    this.cohort = props.cohort;
    this.queueingStrategy = props.queueingStrategy ?? QueueingStrategy.BEST_EFFORT_FIFO;
    this.stopPolicy = props.stopPolicy ?? QueueStopPolicy.NONE;
    this.ownIntegrations = props.integrations ? [...props.integrations] : undefined;

    checkDns1123Subdomain(this, 'name', this.name);
    if (this.name.length > 253) invalid(this, 'name', this.name, 'must be at most 253 characters');
    checkDns1123Subdomain(this, 'cohort', props.cohort);
    checkLabels(this, 'namespaceLabels', props.namespaceLabels);
    if (this.ownIntegrations?.length === 0) {
      invalid(this, 'integrations', this.ownIntegrations, 'must name at least one Kueue integration');
    }
    checkQueueIntegrationsInstalled(this, this.ownIntegrations);

    const resourceGroups = this.renderResourceGroups(this.groups);
    // the pools' device plugins (time-slicing, MIG) decide what they offer: checked when the whole app is declared
    PlatformContext.of(this).check(() => this.checkFlavorPools(this.groups));
    const preemption = this.renderPreemption(props.preemption);

    this.flavors = [];
    for (const group of this.groups) {
      for (const fq of group.flavors) this.flavors.push(fq.flavor);
    }
    const flavorNames = this.flavors.map(f => f.name);
    const namespaceExpressions = this.renderNamespaceExpressions(props.namespaceExpressions ?? []);
    const flavorFungibility = this.renderFlavorFungibility(props.flavorFungibility);
    const admissionChecks = this.renderAdmissionChecks(props.admissionChecks ?? [], flavorNames);
    const weight = this.renderWeight(props.fairSharingWeight);
    const concurrent = this.renderConcurrentAdmission(props.concurrentAdmission, flavorNames);
    this.flavors.forEach((f, i) => ensureResourceFlavor(this, `flavors[${i}]`, f));

    const cq = new ApiObject(this, 'Resource', {
      apiVersion: KUEUE_API_VERSION,
      kind: 'ClusterQueue',
      metadata: { name: this.name },
      spec: prune({
        cohortName: props.cohort,
        namespaceSelector: {
          matchLabels: props.namespaceLabels && Object.keys(props.namespaceLabels).length ? { ...props.namespaceLabels } : undefined,
          matchExpressions: namespaceExpressions,
        },
        queueingStrategy: this.queueingStrategy,
        preemption,
        flavorFungibility,
        stopPolicy: props.stopPolicy,
        admissionChecksStrategy: admissionChecks,
        fairSharing: weight === undefined ? undefined : { weight },
        admissionScope: props.admissionFairSharing === undefined ? undefined : { admissionMode: props.admissionFairSharing },
        concurrentAdmissionPolicy: concurrent,
        resourceGroups: resourceGroups.length ? resourceGroups : undefined,
      }),
    });
    clusterScoped(cq);
  }

  /**
   * Kueue integrations workloads may use: the queue's own `integrations`, or those of the app's Kueue installation
   * (`KueueInstall`), or Kueue's defaults.
   */
  public get integrations(): KueueIntegration[] {
    return queueIntegrations(this, this.ownIntegrations);
  }

  /**
   * Adds a LocalQueue in `namespace` that submits to this ClusterQueue.
   * @param namespace namespace of the LocalQueue (and of the workloads that use it)
   * @param name name of the LocalQueue (default: the ClusterQueue's name, if it is a DNS-1123 label)
   */
  public addLocalQueue(namespace: string, name?: string): LocalQueue {
    const queueName = name ?? this.name;
    checkDns1123Label(this, 'localQueue.namespace', namespace);
    checkDns1123Label(this, 'localQueue.name', queueName);
    if (this.localQueues.some(q => q.namespace === namespace && q.name === queueName)) {
      invalid(this, 'localQueue', `${namespace}/${queueName}`, 'each LocalQueue (namespace/name) may be added only once');
    }
    const q = new LocalQueue(this, `LocalQueue-${namespace}-${queueName}`, { clusterQueue: this, namespace, name: queueName });
    this.localQueues.push(q);
    return q;
  }

  private renderResourceGroups(groups: QueueResourceGroup[]): any[] {
    if (groups.length > 16) invalid(this, 'resourceGroups', `${groups.length} groups`, 'must have at most 16 resource groups');
    const coveredBy = new Map<string, number>();
    const flavorIn = new Map<string, string>();
    return groups.map((g, gi) => {
      const gfield = `resourceGroups[${gi}]`;
      if (!g.flavors || g.flavors.length === 0) invalid(this, `${gfield}.flavors`, g.flavors ?? [], 'must have at least one flavor');
      let covered: string[] | undefined;
      const flavors = g.flavors.map((fq, fi) => {
        const ffield = `${gfield}.flavors[${fi}]`;
        checkDns1123Subdomain(this, `${ffield}.name`, fq.flavor.name);
        const seen = flavorIn.get(fq.flavor.name);
        if (seen !== undefined) {
          invalid(this, `${ffield}.name`, fq.flavor.name, `flavor names must be unique in a ClusterQueue; already used in ${seen}`);
        }
        flavorIn.set(fq.flavor.name, ffield);
        if (!fq.quotas || fq.quotas.length === 0) invalid(this, `${ffield}.quotas`, fq.quotas ?? [], 'must give quota for at least one resource');
        const names = fq.quotas.map(q => q.resourceName);
        fq.quotas.forEach((q, qi) => {
          q._validate(this, `${ffield}.resources[${qi}]`, this.cohort !== undefined);
          if (names.indexOf(q.resourceName) !== qi) {
            invalid(this, `${ffield}.resources[${qi}].name`, q.resourceName, 'each resource may have only one quota per flavor');
          }
        });
        if (covered === undefined) {
          covered = names;
          names.forEach(n => {
            const other = coveredBy.get(n);
            if (other !== undefined) {
              invalid(this, `${gfield}.coveredResources`, n, `a resource may be covered by one resource group only; already covered by resourceGroups[${other}]`);
            }
            coveredBy.set(n, gi);
          });
        } else if (names.length !== covered.length || names.some(n => !covered!.includes(n))) {
          invalid(this, `${ffield}.quotas`, names, `every flavor of a resource group must give quota for the same resources: ${covered.join(', ')}`);
        }
        const order = covered;
        return {
          name: fq.flavor.name,
          resources: order.map(n => fq.quotas.find(q => q.resourceName === n)!._render()),
        };
      });
      return { coveredResources: [...covered!], flavors };
    });
  }

  /**
   * The most of each resource Kueue can ever admit from this queue: the sum over the flavors that cover it of the
   * nominal quota plus the borrowing limit (undefined: unbounded, when the queue borrows from a cohort without a
   * limit). A job that needs more stays pending forever.
   * @internal
   */
  public _admissible(): Map<string, { most?: number; flavors: number }> {
    const out = new Map<string, { most?: number; flavors: number }>();
    for (const g of this.groups) {
      for (const fq of g.flavors) {
        for (const q of fq.quotas) {
          const prev = out.get(q.resourceName) ?? { most: 0, flavors: 0 };
          const borrow = this.cohort === undefined ? 0 : q.borrowingLimit === undefined ? undefined : parseQuantity(q.borrowingLimit);
          const most = prev.most === undefined || borrow === undefined ? undefined : prev.most + parseQuantity(q.nominal) + borrow;
          out.set(q.resourceName, { most, flavors: prev.flavors + 1 });
        }
      }
    }
    return out;
  }

  /** A flavor built for a node pool gives quota only for accelerators the pool offers. */
  private checkFlavorPools(groups: QueueResourceGroup[]): void {
    groups.forEach((g, gi) => g.flavors.forEach((fq, fi) => {
      const pool = flavorPool(fq.flavor);
      const offered: string[] | undefined = (pool as any)?.acceleratorCapacity?.resourceNames;
      if (pool === undefined || offered === undefined) return;
      fq.quotas.forEach((q, qi) => {
        if (!q.resourceName.includes('/')) return; // cpu, memory, pods, ephemeral-storage...
        const ok = offered.some(r => (r.endsWith('*') ? q.resourceName.startsWith(r.slice(0, -1)) : r === q.resourceName));
        if (!ok) {
          const shared = offered.includes('nvidia.com/gpu.shared') ? ' (its GPUs are time-sliced by the device plugin)' : '';
          invalid(this, `resourceGroups[${gi}].flavors[${fi}].resources[${qi}].name`, q.resourceName,
            `flavor '${fq.flavor.name}' is node pool '${pool.poolName}', which offers ${offered.length ? offered.map(r => `'${r}'`).join(', ') : 'no accelerators'}${shared}; `
            + 'give quota for what the pool offers, or no workload can use it');
        }
      });
    }));
  }

  private renderNamespaceExpressions(reqs: LabelSelectorRequirement[]): any[] | undefined {
    if (reqs.length === 0) return undefined;
    return reqs.map((r, i) => {
      const values = r.values ?? [];
      const needsValues = r.operator === LabelSelectorOperator.IN || r.operator === LabelSelectorOperator.NOT_IN;
      if (needsValues && values.length === 0) {
        invalid(this, `namespaceExpressions[${i}].values`, values, `must be non-empty with operator ${r.operator}`);
      }
      if (!needsValues && values.length > 0) {
        invalid(this, `namespaceExpressions[${i}].values`, values, `must be empty with operator ${r.operator}`);
      }
      return { key: r.key, operator: r.operator, values: values.length ? [...values] : undefined };
    });
  }

  private renderFlavorFungibility(f: FlavorFungibility | undefined): any {
    if (f === undefined) return undefined;
    if (f.preference !== undefined && (f.whenCanBorrow !== FlavorFungibilityPolicy.TRY_NEXT_FLAVOR
      || f.whenCanPreempt !== FlavorFungibilityPolicy.TRY_NEXT_FLAVOR)) {
      invalid(this, 'flavorFungibility.preference', f.preference, 'can only be set when both whenCanBorrow and whenCanPreempt are TRY_NEXT_FLAVOR');
    }
    return prune({ whenCanBorrow: f.whenCanBorrow, whenCanPreempt: f.whenCanPreempt, preference: f.preference });
  }

  private renderAdmissionChecks(checks: QueueAdmissionCheck[], flavorNames: string[]): any {
    if (checks.length === 0) return undefined;
    const seen = new Set<string>();
    return {
      admissionChecks: checks.map((c, i) => {
        if (seen.has(c.name)) invalid(this, `admissionChecks[${i}].name`, c.name, 'each AdmissionCheck may be listed only once');
        seen.add(c.name);
        const on = c.onFlavors ?? [];
        on.forEach((f, fi) => {
          if (!flavorNames.includes(f)) {
            invalid(this, `admissionChecks[${i}].onFlavors[${fi}]`, f,
              flavorNames.length ? `must be a flavor of this ClusterQueue: ${flavorNames.map(n => `'${n}'`).join(', ')}` : 'this ClusterQueue has no flavors');
          }
          if (on.indexOf(f) !== fi) invalid(this, `admissionChecks[${i}].onFlavors[${fi}]`, f, 'each flavor may be listed only once');
        });
        return { name: c.name, onFlavors: on.length ? [...on] : undefined };
      }),
    };
  }

  private renderWeight(weight: number | undefined): number | string | undefined {
    if (weight === undefined) return undefined;
    if (weight !== 0 && weight <= 1e-9) invalid(this, 'fairSharingWeight', weight, 'must be 0 or more than 10^-9');
    if (Number.isInteger(weight)) return weight;
    // a fraction is a Kubernetes quantity string (the field is an int-or-string quantity)
    const text = String(weight);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(text)) invalid(this, 'fairSharingWeight', weight, 'must be written as a plain decimal number (at most 9 decimal places)');
    return text;
  }

  private renderConcurrentAdmission(c: ConcurrentAdmission | undefined, flavorNames: string[]): any {
    if (c === undefined) return undefined;
    if (c.lastAcceptableFlavor !== undefined) {
      if (c.mode !== FlavorMigrationMode.TRY_PREFERRED_FLAVORS) {
        invalid(this, 'concurrentAdmission.lastAcceptableFlavor', c.lastAcceptableFlavor, 'is only used with mode TRY_PREFERRED_FLAVORS');
      }
      if (!flavorNames.includes(c.lastAcceptableFlavor)) {
        invalid(this, 'concurrentAdmission.lastAcceptableFlavor', c.lastAcceptableFlavor,
          flavorNames.length ? `must be a flavor of this ClusterQueue: ${flavorNames.map(n => `'${n}'`).join(', ')}` : 'this ClusterQueue has no flavors');
      }
    }
    const constraints = c.lastAcceptableFlavor === undefined ? undefined : { lastAcceptableFlavorName: c.lastAcceptableFlavor };
    return { migration: prune({ mode: c.mode, constraints }) };
  }

  private renderPreemption(p: QueuePreemption | undefined): any {
    if (!p) return undefined;
    checkProps(this, p, {
      withinClusterQueue: Is.enumOf(WithinClusterQueuePreemption, 'WithinClusterQueuePreemption'),
      reclaimWithinCohort: Is.enumOf(ReclaimWithinCohortPreemption, 'ReclaimWithinCohortPreemption'),
      borrowWithinCohort: Is.enumOf(BorrowWithinCohortPreemption, 'BorrowWithinCohortPreemption'),
    }, 'preemption.');
    const reclaim = p.reclaimWithinCohort ?? ReclaimWithinCohortPreemption.NEVER;
    const borrow = p.borrowWithinCohort ?? BorrowWithinCohortPreemption.NEVER;
    if (this.cohort === undefined && reclaim !== ReclaimWithinCohortPreemption.NEVER) {
      invalid(this, 'preemption.reclaimWithinCohort', reclaim, 'needs a cohort: set cohort or use NEVER');
    }
    if (this.cohort === undefined && borrow !== BorrowWithinCohortPreemption.NEVER) {
      invalid(this, 'preemption.borrowWithinCohort', borrow, 'needs a cohort: set cohort or use NEVER');
    }
    if (reclaim === ReclaimWithinCohortPreemption.NEVER && borrow !== BorrowWithinCohortPreemption.NEVER) {
      invalid(this, 'preemption.borrowWithinCohort', borrow, 'must be NEVER when reclaimWithinCohort is NEVER');
    }
    const threshold = p.borrowWithinCohortMaxPriorityThreshold;
    if (threshold !== undefined) {
      if (borrow !== BorrowWithinCohortPreemption.LOWER_PRIORITY) {
        invalid(this, 'preemption.borrowWithinCohortMaxPriorityThreshold', threshold, 'is only used with borrowWithinCohort LOWER_PRIORITY');
      }
      if (!Number.isInteger(threshold) || threshold < -INT32_MAX - 1 || threshold > INT32_MAX) {
        invalid(this, 'preemption.borrowWithinCohortMaxPriorityThreshold', threshold, 'must be a 32-bit integer');
      }
    }
    return prune({
      withinClusterQueue: p.withinClusterQueue ?? WithinClusterQueuePreemption.NEVER,
      reclaimWithinCohort: reclaim,
      borrowWithinCohort: { policy: borrow, maxPriorityThreshold: threshold },
    });
  }
}

/** Creates the flavor's ResourceFlavor once per chart; a different definition under the same name is an error. */
function ensureResourceFlavor(queue: BatchQueue, field: string, flavor: QueueFlavor): void {
  checkLabels(queue, `${field}.nodeLabels`, flavor.nodeLabels);
  if ((flavor.nodeTaints ?? []).length > 8) invalid(queue, `${field}.nodeTaints`, flavor.nodeTaints, 'at most 8 taints');
  if ((flavor.tolerations ?? []).length > 8) invalid(queue, `${field}.tolerations`, flavor.tolerations, 'at most 8 tolerations');
  [...(flavor.nodeTaints ?? []), ...(flavor.tolerations ?? [])].forEach(t => {
    if (!ResourceNames.isQualifiedName(t.key)) invalid(queue, `${field}.taints`, t.key, 'must be a valid taint key');
    if (t.value !== undefined && !ResourceNames.isLabelValue(t.value)) invalid(queue, `${field}.taints`, t.value, 'must be a valid taint value');
  });
  const spec = prune({
    nodeLabels: flavor.nodeLabels && Object.keys(flavor.nodeLabels).length ? sortKeys(flavor.nodeLabels) : undefined,
    nodeTaints: flavor.nodeTaints?.length ? flavor.nodeTaints.map(t => ({ key: t.key, value: t.value, effect: t.effect })) : undefined,
    tolerations: flavor.tolerations?.length ? flavor.tolerations.map(t => ({
      key: t.key, operator: t.value === undefined ? 'Exists' : 'Equal', value: t.value, effect: t.effect,
    })) : undefined,
  }) ?? {};
  const chart = Chart.of(queue);
  const id = `kueue-flavor-${flavor.name}`;
  const existing = chart.node.tryFindChild(id) as FlavorHolder | undefined;
  if (existing) {
    if (JSON.stringify(existing.spec) !== JSON.stringify(spec)) {
      invalid(queue, `${field}`, flavor.name, `a ResourceFlavor named '${flavor.name}' is already defined differently in this chart; give this flavor another name`);
    }
    return;
  }
  new FlavorHolder(chart, id, flavor.name, spec);
}

class FlavorHolder extends Construct {
  constructor(scope: Construct, id: string, name: string, public readonly spec: any) {
    super(scope, id);
    const obj = new ApiObject(this, 'Resource', {
      apiVersion: KUEUE_API_VERSION,
      kind: 'ResourceFlavor',
      metadata: { name },
      spec,
    });
    clusterScoped(obj);
  }
}

/** Removes the namespace a namespaced chart gives every object. */
