import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { KueueIntegration, KueueIntegrations } from './kueue-integration';
import { Accelerator } from '../core/accelerator';
import { describeValue, invalid } from '../core/errors';
import { checkDns1123Label, checkDns1123Subdomain, checkLabels, ResourceNames } from '../core/names';
import { Taint, TaintEffect } from '../core/placement';

const KUEUE_API_VERSION = 'kueue.x-k8s.io/v1beta2';
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const QUANTITY_ACCEPTED = "must be a non-negative Kubernetes quantity such as '64', '500m', '256Gi' or '8'";
const INT32_MAX = 2147483647;

// ---------------------------------------------------------------------------------------------
// Flavors
// ---------------------------------------------------------------------------------------------

/**
 * A Kueue ResourceFlavor: a kind of node (e.g. a GPU type or a node pool) that quota is given for.
 *
 * When Kueue admits a workload to a flavor, it adds the flavor's `nodeLabels` to the pods' node selector and
 * its `tolerations` to the pods' tolerations; workloads are admitted to a flavor with `nodeTaints` only if they
 * tolerate those taints. Use {@link QueueFlavors} to build one for a node pool.
 *
 * @see https://kueue.sigs.k8s.io/docs/concepts/resource_flavor/
 */
export interface QueueFlavor {
  /** Name of the ResourceFlavor (a DNS-1123 subdomain). */
  readonly name: string;
  /**
   * Labels of the nodes of this flavor; Kueue adds them to the node selector of admitted pods.
   * @default {} - any node
   */
  readonly nodeLabels?: { [key: string]: string };
  /**
   * Taints of the nodes of this flavor; only workloads that tolerate them are admitted to the flavor.
   * @default []
   */
  readonly nodeTaints?: Taint[];
  /**
   * Tolerations Kueue adds to the pods it admits to this flavor (a toleration without a value tolerates any value).
   * @default []
   */
  readonly tolerations?: Taint[];
}

/** Options of {@link QueueFlavors.forNodes}. */
export interface NodeFlavorOptions {
  /** Name of the ResourceFlavor. */
  readonly name: string;
  /** Labels that select the flavor's nodes, e.g. `{ 'karpenter.sh/nodepool': 'gpu-a100' }`. */
  readonly nodeLabels: { [key: string]: string };
  /**
   * Taints of the flavor's nodes. Kueue adds a matching toleration to every pod it admits to the flavor,
   * so workloads don't have to tolerate them themselves.
   * @default []
   */
  readonly taints?: Taint[];
  /**
   * Also record the taints as the flavor's `nodeTaints`, so that only workloads that already tolerate them are admitted.
   * @default false - taints are tolerated on admission
   */
  readonly requireTolerations?: boolean;
}

/** Options of {@link QueueFlavors.forAccelerator}. */
export interface AcceleratorFlavorOptions {
  /** Name of the ResourceFlavor. */
  readonly name: string;
  /**
   * Further labels that select the flavor's nodes (e.g. a node pool label).
   * @default {}
   */
  readonly nodeLabels?: { [key: string]: string };
  /**
   * Taints of the flavor's nodes, tolerated by pods on admission.
   * @default - for NVIDIA accelerators `nvidia.com/gpu:NoSchedule` (any value), otherwise none
   */
  readonly taints?: Taint[];
}

/**
 * Builders of {@link QueueFlavor}s for node pools and GPU types.
 */
export class QueueFlavors {
  /**
   * A flavor for the nodes with `nodeLabels`, whose `taints` Kueue tolerates for admitted pods.
   */
  public static forNodes(options: NodeFlavorOptions): QueueFlavor {
    const taints = options.taints ?? [];
    return {
      name: options.name,
      nodeLabels: { ...options.nodeLabels },
      nodeTaints: options.requireTolerations ? [...taints] : undefined,
      tolerations: options.requireTolerations ? undefined : [...taints],
    };
  }

  /**
   * A flavor for the nodes that carry `accelerator`: the accelerator's product label (e.g. `nvidia.com/gpu.product`)
   * plus `nodeLabels`, with the accelerator taint tolerated on admission.
   */
  public static forAccelerator(accelerator: Accelerator, options: AcceleratorFlavorOptions): QueueFlavor {
    const defaultTaints: Taint[] = accelerator.isNvidia ? [{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }] : [];
    return {
      name: options.name,
      nodeLabels: { ...accelerator.nodeSelector, ...(options.nodeLabels ?? {}) },
      tolerations: [...(options.taints ?? defaultTaints)],
    };
  }

  private constructor() {}
}

// ---------------------------------------------------------------------------------------------
// Quotas
// ---------------------------------------------------------------------------------------------

/** Borrowing and lending limits of a {@link ResourceQuota}; both need the queue to be in a cohort. */
export interface QuotaLimitOptions {
  /**
   * How much more than the nominal quota this queue may borrow from its cohort (a quantity).
   * @default - no limit (when in a cohort)
   */
  readonly borrowingLimit?: string;
  /**
   * How much of the nominal quota other queues of the cohort may borrow (a quantity, at most the nominal quota).
   * @default - all of the unused nominal quota
   */
  readonly lendingLimit?: string;
}

/**
 * The quota of one resource (cpu, memory, an accelerator...) in one flavor.
 */
export class ResourceQuota {
  /**
   * CPU quota.
   * @param nominal a quantity of cores, e.g. `'64'` or `'500m'`
   */
  public static cpu(nominal: string, limits: QuotaLimitOptions = {}): ResourceQuota {
    return new ResourceQuota('cpu', nominal, limits);
  }

  /**
   * Memory quota.
   * @param nominal a quantity of bytes, e.g. `'256Gi'`
   */
  public static memory(nominal: string, limits: QuotaLimitOptions = {}): ResourceQuota {
    return new ResourceQuota('memory', nominal, limits);
  }

  /**
   * Quota of an accelerator's extended resource (`Accelerator.resourceName`, e.g. `nvidia.com/gpu`,
   * `nvidia.com/mig-1g.10gb`, `amd.com/gpu`); the accelerator's per-pod count is ignored.
   * @param nominal number of devices
   */
  public static accelerator(accelerator: Accelerator, nominal: number, limits: QuotaLimitOptions = {}): ResourceQuota {
    return new ResourceQuota(accelerator.resourceName, String(nominal), limits);
  }

  /** Whole NVIDIA GPUs (`nvidia.com/gpu`). */
  public static nvidiaGpus(nominal: number, limits: QuotaLimitOptions = {}): ResourceQuota {
    return ResourceQuota.accelerator(Accelerator.nvidia(), nominal, limits);
  }

  /**
   * Quota of any resource by name (e.g. `pods`, `ephemeral-storage`, `example.com/fpga`).
   * @param nominal a quantity
   */
  public static of(resourceName: string, nominal: string, limits: QuotaLimitOptions = {}): ResourceQuota {
    return new ResourceQuota(resourceName, nominal, limits);
  }

  private constructor(
    /** Resource name. */
    public readonly resourceName: string,
    /** Nominal quota. */
    public readonly nominal: string,
    private readonly limits: QuotaLimitOptions,
  ) {}

  /** Borrowing limit, if any. */
  public get borrowingLimit(): string | undefined {
    return this.limits.borrowingLimit;
  }

  /** Lending limit, if any. */
  public get lendingLimit(): string | undefined {
    return this.limits.lendingLimit;
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string, hasCohort: boolean): void {
    if (!ResourceNames.isQualifiedName(this.resourceName)) {
      invalid(scope, `${field}.name`, this.resourceName, "must be a resource name such as 'cpu', 'memory' or 'nvidia.com/gpu'");
    }
    checkQuantity(scope, `${field}.nominalQuota`, this.nominal);
    checkQuantity(scope, `${field}.borrowingLimit`, this.borrowingLimit);
    checkQuantity(scope, `${field}.lendingLimit`, this.lendingLimit);
    if (!hasCohort && this.borrowingLimit !== undefined) {
      invalid(scope, `${field}.borrowingLimit`, this.borrowingLimit, 'borrowing needs a cohort: set cohort or remove borrowingLimit');
    }
    if (!hasCohort && this.lendingLimit !== undefined) {
      invalid(scope, `${field}.lendingLimit`, this.lendingLimit, 'lending needs a cohort: set cohort or remove lendingLimit');
    }
    if (this.lendingLimit !== undefined && parseQuantity(this.lendingLimit) > parseQuantity(this.nominal)) {
      invalid(scope, `${field}.lendingLimit`, this.lendingLimit, `must not exceed the nominal quota ${describeValue(this.nominal)}`);
    }
  }

  /** @internal */
  public _render(): any {
    return { name: this.resourceName, nominalQuota: this.nominal, borrowingLimit: this.borrowingLimit, lendingLimit: this.lendingLimit };
  }
}

/** The quotas a ClusterQueue gives for one flavor. */
export interface FlavorQuotas {
  /** The flavor (a ResourceFlavor is synthesized for it). */
  readonly flavor: QueueFlavor;
  /** Quota of each resource in the group, e.g. cpu, memory and `nvidia.com/gpu`. */
  readonly quotas: ResourceQuota[];
}

/**
 * A set of resources (e.g. cpu, memory, GPUs) whose quota is given together, flavor by flavor:
 * Kueue assigns all of a pod's resources of the group from the same flavor, trying flavors in order.
 */
export interface QueueResourceGroup {
  /** Flavors in order of preference; each gives quota for the same resources. */
  readonly flavors: FlavorQuotas[];
}

// ---------------------------------------------------------------------------------------------
// Queueing and preemption
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// BatchQueue
// ---------------------------------------------------------------------------------------------

/** Props of {@link BatchQueue}. */
export interface BatchQueueProps {
  /**
   * Name of the ClusterQueue (a DNS-1123 subdomain).
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /** Resource groups with per-flavor quotas (at least one). */
  readonly resourceGroups: QueueResourceGroup[];
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
   * Preemption policies.
   * @default - no preemption
   */
  readonly preemption?: QueuePreemption;
  /**
   * Kueue integrations enabled in the cluster's Kueue configuration (`integrations.frameworks`); `admit()` rejects
   * workloads of other kinds. Set it when the installation differs from the default, e.g. to add
   * `KueueIntegration.PYTORCH_JOB`. For `POD`, `DEPLOYMENT`, `STATEFULSET` and `LEADER_WORKER_SET`, Kueue manages only
   * pods in namespaces selected by its `managedJobsNamespaceSelector` (default: all but `kube-system` and `kueue-system`).
   * @default KueueIntegrations.defaults() - Kueue v0.19.2's default frameworks
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
export class BatchQueue extends Construct {
  /** Name of the ClusterQueue. */
  public readonly name: string;
  /** Cohort, if any. */
  public readonly cohort?: string;
  /** Admission order. */
  public readonly queueingStrategy: QueueingStrategy;
  /** Kueue integrations workloads may use. */
  public readonly integrations: KueueIntegration[];
  /** The flavors, in order of first use. */
  public readonly flavors: QueueFlavor[];
  private readonly localQueues: LocalQueue[] = [];

  constructor(scope: Construct, id: string, props: BatchQueueProps) {
    super(scope, id);
    this.name = props.name ?? ResourceNames.uniqueLabel(this);
    this.cohort = props.cohort;
    this.queueingStrategy = props.queueingStrategy ?? QueueingStrategy.BEST_EFFORT_FIFO;
    this.integrations = [...(props.integrations ?? KueueIntegrations.defaults())];

    checkDns1123Subdomain(this, 'name', this.name);
    if (this.name.length > 253) invalid(this, 'name', this.name, 'must be at most 253 characters');
    checkDns1123Subdomain(this, 'cohort', props.cohort);
    checkLabels(this, 'namespaceLabels', props.namespaceLabels);
    if (this.integrations.length === 0) {
      invalid(this, 'integrations', this.integrations, 'must name at least one Kueue integration');
    }

    const resourceGroups = this.renderResourceGroups(props.resourceGroups ?? []);
    const preemption = this.renderPreemption(props.preemption);

    this.flavors = [];
    for (const group of props.resourceGroups) {
      for (const fq of group.flavors) this.flavors.push(fq.flavor);
    }
    this.flavors.forEach((f, i) => ensureResourceFlavor(this, `flavors[${i}]`, f));

    const cq = new ApiObject(this, 'Resource', {
      apiVersion: KUEUE_API_VERSION,
      kind: 'ClusterQueue',
      metadata: { name: this.name },
      spec: prune({
        cohortName: props.cohort,
        namespaceSelector: props.namespaceLabels && Object.keys(props.namespaceLabels).length
          ? { matchLabels: { ...props.namespaceLabels } } : {},
        queueingStrategy: this.queueingStrategy,
        preemption,
        resourceGroups,
      }),
    });
    clusterScoped(cq);
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
    if (groups.length === 0) invalid(this, 'resourceGroups', groups, 'must have at least one resource group');
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

  private renderPreemption(p: QueuePreemption | undefined): any {
    if (!p) return undefined;
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

// ---------------------------------------------------------------------------------------------
// LocalQueue
// ---------------------------------------------------------------------------------------------

/** Props of {@link LocalQueue}. */
export interface LocalQueueProps {
  /** The ClusterQueue the LocalQueue submits to. */
  readonly clusterQueue: BatchQueue;
  /** Namespace of the LocalQueue; only workloads of this namespace can use it. */
  readonly namespace: string;
  /**
   * Name of the LocalQueue (a DNS-1123 label: it is used as a label value).
   * @default - the ClusterQueue's name
   */
  readonly name?: string;
}

/**
 * A Kueue LocalQueue: the namespaced entry point through which a namespace's workloads are submitted to a
 * ClusterQueue. Workloads name it in the label `kueue.x-k8s.io/queue-name` (see {@link LocalQueue.admit}).
 *
 * @see https://kueue.sigs.k8s.io/docs/concepts/local_queue/
 */
export class LocalQueue extends Construct {
  /** Name of the LocalQueue. */
  public readonly name: string;
  /** Namespace of the LocalQueue. */
  public readonly namespace: string;
  /** The ClusterQueue it submits to. */
  public readonly clusterQueue: BatchQueue;

  constructor(scope: Construct, id: string, props: LocalQueueProps) {
    super(scope, id);
    this.clusterQueue = props.clusterQueue;
    this.name = props.name ?? props.clusterQueue.name;
    this.namespace = props.namespace;
    checkDns1123Label(this, 'name', this.name);
    checkDns1123Label(this, 'namespace', this.namespace);
    new ApiObject(this, 'Resource', {
      apiVersion: KUEUE_API_VERSION,
      kind: 'LocalQueue',
      metadata: { name: this.name, namespace: this.namespace },
      spec: { clusterQueue: this.clusterQueue.name },
    });
  }

  /**
   * The labels that submit a workload to this queue (`kueue.x-k8s.io/queue-name`, and
   * `kueue.x-k8s.io/priority-class` when `priorityClass` is given), for constructs that build their own objects.
   */
  public labels(priorityClass?: WorkloadPriorityClass): { [key: string]: string } {
    const labels: Record<string, string> = { [KueueIntegrations.QUEUE_NAME_LABEL]: this.name };
    if (priorityClass) labels[KueueIntegrations.PRIORITY_CLASS_LABEL] = priorityClass.name;
    return labels;
  }

  /**
   * Submits `workload` to this queue: labels it with `kueue.x-k8s.io/queue-name` (and `kueue.x-k8s.io/priority-class`).
   *
   * What Kueue then does depends on the kind: a batch/v1 Job (and the other job kinds) is suspended by Kueue's
   * webhook and unsuspended on admission, with the flavor's node labels and tolerations injected; a Pod is gated
   * with the scheduling gate `kueue.x-k8s.io/admission`; a Deployment or StatefulSet has the labels copied into its
   * pod template and its pods are managed through the pod integration (only in namespaces selected by Kueue's
   * `managedJobsNamespaceSelector`, by default all but `kube-system` and `kueue-system`).
   *
   * A workload without a namespace is put in the queue's namespace; a workload in another namespace is rejected.
   *
   * @throws ValidationError when the workload's kind is not among the ClusterQueue's `integrations`, or its namespace differs
   */
  public admit(workload: ApiObject, priorityClass?: WorkloadPriorityClass): void {
    const integration = KueueIntegrations.forKind(workload.apiVersion, workload.kind);
    const enabled = this.clusterQueue.integrations;
    if (integration === undefined || !enabled.includes(integration)) {
      const group = workload.apiVersion.includes('/') ? workload.apiVersion.split('/')[0] : '';
      invalid(this, 'workload.kind', group ? `${group}/${workload.kind}` : workload.kind,
        `Kueue integrations enabled for ClusterQueue '${this.clusterQueue.name}' manage ${enabled.map(i => KueueIntegrations.kindOf(i)).join(', ')}`);
    }
    const ns = workload.metadata.namespace;
    if (ns === undefined) {
      workload.addJsonPatch(JsonPatch.add('/metadata/namespace', this.namespace));
    } else if (ns !== this.namespace) {
      invalid(this, 'workload.namespace', ns, `a LocalQueue serves only workloads of its own namespace '${this.namespace}'`);
    }
    for (const [k, v] of Object.entries(this.labels(priorityClass))) workload.metadata.addLabel(k, v);
  }
}

// ---------------------------------------------------------------------------------------------
// WorkloadPriorityClass
// ---------------------------------------------------------------------------------------------

/** Props of {@link WorkloadPriorityClass}. */
export interface WorkloadPriorityClassProps {
  /**
   * Name (a DNS-1123 label: it is used as a label value).
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /** Priority: higher values are admitted first and may preempt lower ones. */
  readonly value: number;
  /**
   * Description.
   * @default - none
   */
  readonly description?: string;
}

/**
 * A Kueue WorkloadPriorityClass: the priority Kueue uses for queueing and preemption, independent of the pods'
 * PriorityClass. Workloads use it through `localQueue.admit(workload, priorityClass)`.
 *
 * @see https://kueue.sigs.k8s.io/docs/concepts/workload_priority_class/
 */
export class WorkloadPriorityClass extends Construct {
  /** Name of the WorkloadPriorityClass. */
  public readonly name: string;
  /** Priority value. */
  public readonly value: number;

  constructor(scope: Construct, id: string, props: WorkloadPriorityClassProps) {
    super(scope, id);
    this.name = props.name ?? ResourceNames.uniqueLabel(this);
    this.value = props.value;
    checkDns1123Label(this, 'name', this.name);
    if (!Number.isInteger(props.value) || props.value < -INT32_MAX - 1 || props.value > INT32_MAX) {
      invalid(this, 'value', props.value, 'must be a 32-bit integer');
    }
    if (props.description !== undefined && props.description.length > 2048) {
      invalid(this, 'description', props.description, 'must be at most 2048 characters');
    }
    const obj = new ApiObject(this, 'Resource', {
      apiVersion: KUEUE_API_VERSION,
      kind: 'WorkloadPriorityClass',
      metadata: { name: this.name },
    });
    obj.addJsonPatch(JsonPatch.add('/value', props.value));
    if (props.description !== undefined) obj.addJsonPatch(JsonPatch.add('/description', props.description));
    clusterScoped(obj);
  }
}

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

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
function clusterScoped(obj: ApiObject): void {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

function checkQuantity(scope: IConstruct, field: string, q: string | undefined): void {
  if (q === undefined) return;
  if (typeof q !== 'string' || !QUANTITY.test(q) || q.startsWith('-')) invalid(scope, field, q, QUANTITY_ACCEPTED);
}

const SUFFIX: Record<string, number> = {
  '': 1,
  'n': 1e-9,
  'u': 1e-6,
  'm': 1e-3,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};

/** Approximate numeric value of a (valid) quantity, for comparisons. */
function parseQuantity(q: string): number {
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)$/.exec(q);
  if (!m) return NaN;
  const n = parseFloat(m[1]);
  const suffix = m[2];
  if (/^[eE]/.test(suffix)) return n * Math.pow(10, parseFloat(suffix.slice(1)));
  return n * (SUFFIX[suffix] ?? NaN);
}

function sortKeys(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => a.localeCompare(b)));
}

function prune(value: any): any {
  if (Array.isArray(value)) return value.map(prune);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = prune(v);
    }
    return out;
  }
  return value;
}
