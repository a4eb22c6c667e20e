import { ApiObject, Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu, TaintEffect } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { AcceleratorField, NodePoolBase } from './node-pool-base';
import { Accelerator } from '../core/accelerator';
import { clusterScoped } from '../core/api-objects';
import { check, checkProps, cpuMillicores, Is, Rule } from '../core/checks';
import { goDuration, wholeSeconds } from '../core/durations';
import { invalid } from '../core/errors';
import { checkDns1123Label, checkLabels } from '../core/names';
import { Taint, TAINT_RULE } from '../core/placement';
import { PodTemplate } from '../core/pod-template';
import { mib } from '../core/resources';

/** How nodes are bought. */
export enum CapacityType {
  /** On-demand instances. */
  ON_DEMAND = 'on-demand',
  /** Spot instances (may be reclaimed). */
  SPOT = 'spot',
  /** Capacity reservations. */
  RESERVED = 'reserved',
}

/** CPU architecture of the nodes. */
export enum CpuArchitecture {
  /** x86-64. */
  AMD64 = 'amd64',
  /** ARM64 (e.g. Grace). */
  ARM64 = 'arm64',
}

/** When Karpenter may consolidate nodes. */
export enum ConsolidationPolicy {
  /** Only empty nodes are removed. */
  WHEN_EMPTY = 'WhenEmpty',
  /** Empty and under-utilized nodes are removed or replaced. */
  WHEN_EMPTY_OR_UNDERUTILIZED = 'WhenEmptyOrUnderutilized',
}

interface FamilyInfo { readonly product: string; readonly maxPerNode: number; readonly sizes: Record<string, number> }

/** GPU families of EC2 with the GFD product label and GPUs per instance size. */
const GPU_FAMILIES: Record<string, FamilyInfo> = {
  g4dn: { product: 'Tesla-T4', maxPerNode: 8, sizes: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, 'metal': 8 } },
  g5: { product: 'NVIDIA-A10G', maxPerNode: 8, sizes: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 } },
  g6: { product: 'NVIDIA-L4', maxPerNode: 8, sizes: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 } },
  g6e: { product: 'NVIDIA-L40S', maxPerNode: 8, sizes: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 } },
  p3: { product: 'Tesla-V100-SXM2-16GB', maxPerNode: 8, sizes: { '2xlarge': 1, '8xlarge': 4, '16xlarge': 8 } },
  p4d: { product: 'NVIDIA-A100-SXM4-40GB', maxPerNode: 8, sizes: { '24xlarge': 8 } },
  p4de: { product: 'NVIDIA-A100-SXM4-80GB', maxPerNode: 8, sizes: { '24xlarge': 8 } },
  p5: { product: 'NVIDIA-H100-80GB-HBM3', maxPerNode: 8, sizes: { '4xlarge': 1, '48xlarge': 8 } },
  p5e: { product: 'NVIDIA-H200', maxPerNode: 8, sizes: { '48xlarge': 8 } },
  p5en: { product: 'NVIDIA-H200', maxPerNode: 8, sizes: { '48xlarge': 8 } },
};

/** vCPUs and memory (GiB) of each size of the GPU families (EC2 instance type specifications). */
const SIZES: Record<string, Record<string, [number, number]>> = {
  g4dn: { 'xlarge': [4, 16], '2xlarge': [8, 32], '4xlarge': [16, 64], '8xlarge': [32, 128], '12xlarge': [48, 192], '16xlarge': [64, 256], 'metal': [96, 384] },
  g5: { 'xlarge': [4, 16], '2xlarge': [8, 32], '4xlarge': [16, 64], '8xlarge': [32, 128], '12xlarge': [48, 192], '16xlarge': [64, 256], '24xlarge': [96, 384], '48xlarge': [192, 768] },
  g6: { 'xlarge': [4, 16], '2xlarge': [8, 32], '4xlarge': [16, 64], '8xlarge': [32, 128], '12xlarge': [48, 192], '16xlarge': [64, 256], '24xlarge': [96, 384], '48xlarge': [192, 768] },
  g6e: { 'xlarge': [4, 32], '2xlarge': [8, 64], '4xlarge': [16, 128], '8xlarge': [32, 256], '12xlarge': [48, 384], '16xlarge': [64, 512], '24xlarge': [96, 768], '48xlarge': [192, 1536] },
  p3: { '2xlarge': [8, 61], '8xlarge': [32, 244], '16xlarge': [64, 488] },
  p4d: { '24xlarge': [96, 1152] },
  p4de: { '24xlarge': [96, 1152] },
  p5: { '4xlarge': [16, 256], '48xlarge': [192, 2048] },
  p5e: { '48xlarge': [192, 2048] },
  p5en: { '48xlarge': [192, 2048] },
};

/**
 * Which GPU instances a pool may launch.
 */
export class GpuInstances {
  /** Any size of the given EC2 instance families, e.g. `['g5', 'g6e']`. */
  public static families(families: string[]): GpuInstances {
    return new GpuInstances('karpenter.k8s.aws/instance-family', families);
  }

  /** Exactly the given EC2 instance types, e.g. `['p4d.24xlarge']`. */
  public static types(instanceTypes: string[]): GpuInstances {
    return new GpuInstances('node.kubernetes.io/instance-type', instanceTypes);
  }

  private constructor(
    /** Karpenter requirement key. */
    public readonly requirementKey: string,
    /** Allowed values. */
    public readonly values: string[],
  ) {}

  /** @internal The largest instance these may be: most vCPUs and most memory (GiB), when every instance is known. */
  public _largest(): { cpus: number; memoryGiB: number } | undefined {
    let cpus = 0;
    let memoryGiB = 0;
    for (const v of this.values ?? []) {
      const [family, size] = this.requirementKey === 'node.kubernetes.io/instance-type' ? String(v).split('.', 2) : [String(v), undefined];
      const shapes = SIZES[family];
      const chosen = size === undefined ? Object.values(shapes ?? {}) : [shapes?.[size]];
      if (!shapes || chosen.some(c => c === undefined)) return undefined;
      for (const [c, m] of chosen as Array<[number, number]>) {
        cpus = Math.max(cpus, c);
        memoryGiB = Math.max(memoryGiB, m);
      }
    }
    return cpus ? { cpus, memoryGiB } : undefined;
  }

  /** @internal What these instances offer, as far as known. */
  public _capacity(): { products: string[]; maxPerNode?: number; minPerNode?: number } {
    const products = new Set<string>();
    let max = 0;
    let min = Infinity;
    for (const v of this.values) {
      const [family, size] = this.requirementKey === 'node.kubernetes.io/instance-type' ? v.split('.', 2) : [v, undefined];
      const info = GPU_FAMILIES[family];
      if (!info) return { products: [] };
      products.add(info.product);
      const counts = size === undefined ? Object.values(info.sizes) : [info.sizes[size]];
      if (counts.some(c => c === undefined)) return { products: [] };
      max = Math.max(max, ...counts);
      min = Math.min(min, ...counts);
    }
    return { products: [...products].sort(), maxPerNode: max, minPerNode: min };
  }
}

const WHOLE_MINUTES: Rule = {
  accepted: 'must be a Duration of whole minutes, at least 1 minute',
  check: (scope, field, v) => {
    Is.duration('seconds', 60).check(scope, field, v);
    if ((v.toMilliseconds() / 1000) % 60 !== 0) invalid(scope, field, `${v.toMilliseconds() / 1000}s`, 'must be a whole number of minutes');
  },
};

const ROOT_VOLUME: Rule = {
  accepted: 'must be a Size of whole GiB from 1 to 59000 GiB',
  check: (scope, field, v) => {
    Is.size().check(scope, field, v);
    const gib = v.toKibibytes({ rounding: 2 }) / 1024 / 1024;
    if (!Number.isInteger(gib) || gib < 1 || gib > 59000) invalid(scope, field, `${gib}Gi`, 'must be a Size of whole GiB from 1 to 59000 GiB (EBS gp3)');
  },
};

/** The rules of {@link GpuNodePoolProps}. */
const GPU_NODE_POOL_RULES = {
  instances: Is.required(Is.shape({
    values: Is.required(Is.arrayOf(Is.matching(/^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)?$/, "must be an EC2 instance family such as 'g5' or type such as 'p4d.24xlarge'", 63))),
  }, 'must be GpuInstances, e.g. GpuInstances.families([\'g5\'])')),
  nodeClass: Is.required(Is.shape({
    clusterName: Is.required(Is.matching(/^[\w .:/=+@-]{1,256}$/, 'must be a cluster name (an AWS tag value of 1 to 256 characters)')),
    role: Is.required(Is.matching(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name (1 to 64 letters, digits and +=,.@_-)')),
    amiAlias: Is.matching(/^[a-zA-Z0-9]+@.+$/, "must be an AMI alias such as 'al2023@latest' or 'bottlerocket@v1.20.0'", 30),
    rootVolumeSize: ROOT_VOLUME,
  }, 'must be the EC2NodeClass options: { clusterName, role, amiAlias?, rootVolumeSize? }')),
  name: Is.dnsLabel(),
  capacityTypes: Is.arrayOf(Is.enumOf(CapacityType, 'CapacityType')),
  architecture: Is.enumOf(CpuArchitecture, 'CpuArchitecture'),
  zones: Is.arrayOf(Is.matching(/^[a-z0-9-]+$/, "must be an availability zone such as 'eu-west-1a'", 63)),
  taint: Is.shape({ value: Is.string({ nonEmpty: true }) }, 'must be a taint: { key, value?, effect }'),
  labels: Is.labels(),
  gpuLimit: Is.integer(0),
  cpuLimit: Is.cpu(),
  memoryLimit: Is.size(),
  consolidationPolicy: Is.enumOf(ConsolidationPolicy, 'ConsolidationPolicy'),
  consolidateAfter: Is.duration('seconds'),
  disruptionBudgets: Is.arrayOf(Is.shape({
    nodes: Is.required(Is.matching(/^((100|[0-9]{1,2})%|[0-9]+)$/, "must be a node count such as '2' or a percentage such as '10%'")),
    schedule: Is.cron(),
    duration: WHOLE_MINUTES,
  }, 'must be a disruption budget: { nodes, schedule?, duration? }')),
  expireAfter: Is.duration('seconds', 1),
  weight: Is.integer(1, 100),
};

/** A Karpenter disruption budget. */
export interface DisruptionBudget {
  /** Nodes that may be disrupted at once: a count (`"2"`) or a percentage (`"10%"`). */
  readonly nodes: string;
  /**
   * Cron schedule when the budget is active (needs `duration`).
   * @default - always active
   */
  readonly schedule?: string;
  /**
   * How long the budget is active after each scheduled start.
   * @default - always active
   */
  readonly duration?: Duration;
}

/** The EC2NodeClass a GPU pool launches nodes with. */
export interface Ec2NodeClassOptions {
  /** Cluster name: subnets and security groups are discovered by the tag `karpenter.sh/discovery: <clusterName>`. */
  readonly clusterName: string;
  /** IAM role of the nodes. */
  readonly role: string;
  /**
   * AMI alias (the GPU variant of the family is chosen automatically for GPU instances).
   * @default 'al2023@latest'
   */
  readonly amiAlias?: string;
  /**
   * Size of the root volume (model and container images are large).
   * @default Size.gibibytes(200)
   */
  readonly rootVolumeSize?: Size;
}

/** Props of {@link GpuNodePool}. */
export interface GpuNodePoolProps {
  /**
   * Instance families or types the pool may launch.
   */
  readonly instances: GpuInstances;
  /**
   * EC2NodeClass created for the pool.
   */
  readonly nodeClass: Ec2NodeClassOptions;
  /**
   * Name of the NodePool (and of its EC2NodeClass).
   * @default - derived from the construct path
   */
  readonly name?: string;
  /**
   * Capacity types.
   * @default [CapacityType.ON_DEMAND]
   */
  readonly capacityTypes?: CapacityType[];
  /**
   * CPU architecture.
   * @default CpuArchitecture.AMD64
   */
  readonly architecture?: CpuArchitecture;
  /**
   * Availability zones.
   * @default - any zone of the discovered subnets
   */
  readonly zones?: string[];
  /**
   * Taint on every node, so only pods that tolerate it (GPU pods placed on the pool) land there.
   * @default nvidia.com/gpu=true:NoSchedule
   */
  readonly taint?: Taint;
  /**
   * Extra labels on every node.
   * @default {}
   */
  readonly labels?: { [key: string]: string };
  /**
   * Most GPUs the pool may have in total.
   * @default - unlimited
   */
  readonly gpuLimit?: number;
  /**
   * Most CPU the pool may have in total.
   * @default - unlimited
   */
  readonly cpuLimit?: Cpu;
  /**
   * Most memory the pool may have in total.
   * @default - unlimited
   */
  readonly memoryLimit?: Size;
  /**
   * When nodes may be consolidated.
   * @default ConsolidationPolicy.WHEN_EMPTY
   */
  readonly consolidationPolicy?: ConsolidationPolicy;
  /**
   * How long a node must be consolidatable before it is.
   * @default Duration.minutes(5)
   */
  readonly consolidateAfter?: Duration;
  /**
   * Disruption budgets.
   * @default - one budget of 10% of the nodes
   */
  readonly disruptionBudgets?: DisruptionBudget[];
  /**
   * Node lifetime; nodes are replaced after it.
   * @default Duration.days(30)
   */
  readonly expireAfter?: Duration;
  /**
   * Priority among pools that can serve a pod (higher first).
   * @default - no weight
   */
  readonly weight?: number;
}

/**
 * A pool of GPU nodes that Karpenter launches on demand: a `karpenter.sh/v1` NodePool and its
 * `karpenter.k8s.aws/v1` EC2NodeClass. Nodes are tainted so only GPU workloads placed on the pool
 * land there; place workloads with {@link GpuNodePool.place}.
 */
export class GpuNodePool extends NodePoolBase {
  public readonly poolName: string;
  public readonly nodeLabels: { [key: string]: string };
  public readonly taints: Taint[];
  /** The NodePool object. */
  public readonly nodePool: ApiObject;
  /** The EC2NodeClass object. */
  public readonly nodeClass: ApiObject;
  /**
   * The GPU product (`nvidia.com/gpu.product`) of every node, when the pool's instances have one known product;
   * the NodePool then labels its nodes with it, so workloads may select it.
   */
  public readonly gpuProduct?: string;

  private readonly instances: GpuInstances;
  private readonly limits: { cpu?: number; memory?: number };

  constructor(scope: Construct, id: string, props: GpuNodePoolProps) {
    super(scope, id);
    checkProps(this, props, GPU_NODE_POOL_RULES, '', true);
    check(this, 'taint', props.taint, TAINT_RULE);
    this.instances = props.instances;
    this.limits = {
      cpu: props.cpuLimit ? cpuMillicores(props.cpuLimit) : undefined,
      memory: props.memoryLimit ? props.memoryLimit.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024 : undefined,
    };
    this.poolName = props.name ?? this.node.id.toLowerCase();
    checkDns1123Label(this, 'name', this.poolName);
    checkLabels(this, 'labels', props.labels);
    for (const key of Object.keys(props.labels ?? {})) checkTemplateLabel(this, key);
    if (props.instances.values.length === 0) invalid(this, 'instances', [], 'list at least one instance family or type');
    if ((props.capacityTypes ?? [CapacityType.ON_DEMAND]).length === 0) invalid(this, 'capacityTypes', [], 'list at least one capacity type');
    for (const [i, b] of (props.disruptionBudgets ?? []).entries()) {
      if ((b.schedule === undefined) !== (b.duration === undefined)) invalid(this, `disruptionBudgets[${i}].schedule`, b.schedule, 'schedule and duration must be set together');
    }
    const consolidateAfter = props.consolidateAfter ?? Duration.minutes(5);
    const expireAfter = props.expireAfter ?? Duration.days(30);

    const taint = props.taint ?? { key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE };
    this.taints = [taint];
    this.nodeLabels = { ...(props.labels ?? {}), 'karpenter.sh/nodepool': this.poolName };
    const known = props.instances._capacity();
    this.initCapacity({ resourceNames: ['nvidia.com/gpu'], products: known.products, maxPerNode: known.maxPerNode, poolLimit: props.gpuLimit });
    if (props.gpuLimit !== undefined && known.minPerNode !== undefined && props.gpuLimit < known.minPerNode) {
      invalid(this, 'gpuLimit', props.gpuLimit, `must be at least ${known.minPerNode}, the GPUs of the smallest instance the pool may launch `
        + '(Karpenter launches no node whose capacity exceeds the remaining limit)');
    }
    // Karpenter launches nodes only for node labels a NodePool defines: a pod selecting `nvidia.com/gpu.product`
    // is unschedulable on a pool that does not declare it. A pool of one known product labels its nodes with it.
    this.gpuProduct = known.products.length === 1 ? known.products[0] : undefined;
    const templateLabels = { ...(props.labels ?? {}), ...(this.gpuProduct ? { [Accelerator.NVIDIA_PRODUCT_LABEL]: this.gpuProduct } : {}) };

    const nc = props.nodeClass;
    this.nodeClass = new ApiObject(this, 'NodeClass', {
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: { name: this.poolName },
      spec: {
        amiSelectorTerms: [{ alias: nc.amiAlias ?? 'al2023@latest' }],
        role: nc.role,
        subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': nc.clusterName } }],
        securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': nc.clusterName } }],
        blockDeviceMappings: [{
          deviceName: '/dev/xvda',
          ebs: { volumeSize: mib(nc.rootVolumeSize ?? Size.gibibytes(200)), volumeType: 'gp3', encrypted: true, deleteOnTermination: true },
        }],
        metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1 },
      },
    });
    clusterScoped(this.nodeClass);

    const requirements: any[] = [
      { key: props.instances.requirementKey, operator: 'In', values: props.instances.values },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: props.capacityTypes ?? [CapacityType.ON_DEMAND] },
      { key: 'kubernetes.io/arch', operator: 'In', values: [props.architecture ?? CpuArchitecture.AMD64] },
    ];
    if (props.zones?.length) requirements.push({ key: 'topology.kubernetes.io/zone', operator: 'In', values: props.zones });
    const limits: Record<string, string | number> = {};
    if (props.gpuLimit !== undefined) limits['nvidia.com/gpu'] = props.gpuLimit;
    if (props.cpuLimit) limits.cpu = props.cpuLimit.amount;
    if (props.memoryLimit) limits.memory = mib(props.memoryLimit);

    this.nodePool = new ApiObject(this, 'Resource', {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: this.poolName },
      spec: {
        template: {
          metadata: Object.keys(templateLabels).length ? { labels: templateLabels } : undefined,
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: this.poolName },
            requirements,
            taints: [{ key: taint.key, value: taint.value, effect: taint.effect }],
            expireAfter: goDuration(wholeSeconds(this, 'expireAfter', expireAfter)!),
          },
        },
        disruption: {
          consolidationPolicy: props.consolidationPolicy ?? ConsolidationPolicy.WHEN_EMPTY,
          consolidateAfter: goDuration(wholeSeconds(this, 'consolidateAfter', consolidateAfter)!),
          budgets: (props.disruptionBudgets ?? [{ nodes: '10%' }]).map((b, i) => ({
            nodes: b.nodes,
            schedule: b.schedule,
            duration: b.duration ? goDuration(wholeSeconds(this, `disruptionBudgets[${i}].duration`, b.duration)!) : undefined,
          })),
        },
        limits: Object.keys(limits).length ? limits : undefined,
        weight: props.weight,
      },
    });
    clusterScoped(this.nodePool);
  }

  /** Also: a pod's CPU and memory requests fit the largest instance the pool may launch (and the pool's limits). */
  protected checkServes(workload: IConstruct, template: PodTemplate): void {
    super.checkServes(workload, template);
    const largest = this.instances._largest();
    const maxMillis = Math.min(largest ? largest.cpus * 1000 : Infinity, this.limits.cpu ?? Infinity);
    const maxBytes = Math.min(largest ? largest.memoryGiB * 2 ** 30 : Infinity, this.limits.memory ?? Infinity);
    const containers = template.containers;
    const cpuOf = (i: number) => cpuMillicores(containers[i]?.resources?.cpu) ?? 0;
    const memOf = (i: number) => {
      const m = containers[i]?.resources?.memory;
      const k = m && typeof (m as any).toKibibytes === 'function' ? m.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) : 0;
      return Number.isFinite(k) ? k * 1024 : 0;
    };
    const fits = (of: (i: number) => number, max: number, name: 'cpu' | 'memory', limit: number | undefined, show: (v: number) => string) => {
      if (!Number.isFinite(max) || containers.length === 0) return;
      const total = containers.reduce((n, _c, i) => n + of(i), 0);
      if (total <= max) return;
      const biggest = containers.map((_c, i) => i).sort((x, y) => of(y) - of(x))[0];
      const why = [
        ...(largest ? [`the largest instance node pool '${this.poolName}' may launch has ${largest.cpus} vCPUs and ${largest.memoryGiB}Gi of memory`] : []),
        ...(limit !== undefined ? [`the pool's ${name}Limit is ${show(limit)}`] : []),
      ];
      invalid(workload, template._field(`containers[${biggest}].resources.${name}`), show(total),
        `the pod requests ${show(total)} ${name} but ${why.join(' and ')}; no node of the pool can run it`);
    };
    fits(cpuOf, maxMillis, 'cpu', this.limits.cpu, v => (v % 1000 === 0 ? String(v / 1000) : `${v}m`));
    fits(memOf, maxBytes, 'memory', this.limits.memory, v => (v % 2 ** 30 === 0 ? `${v / 2 ** 30}Gi` : `${Math.ceil(v / 2 ** 20)}Mi`));
  }

  protected checkAccelerators(workload: IConstruct, accelerators: AcceleratorField[]): void {
    super.checkAccelerators(workload, accelerators);
    accelerators.forEach(({ accelerator: a, field }) => {
      if (a.product && a.product !== this.gpuProduct) {
        const products = this.acceleratorCapacity.products;
        invalid(workload, `${field}.product`, a.product, `node pool '${this.poolName}' ${products.length
          ? `mixes ${products.map(p => `'${p}'`).join(', ')}`
          : 'has instances whose GPU product is not known'}, so its NodePool cannot declare 'nvidia.com/gpu.product' and Karpenter launches no node `
          + 'for a pod that selects it; use a pool of one GPU product (e.g. one instance family) or request no product');
      }
    });
  }
}

/** Mirrors the NodePool CEL rules on `spec.template.metadata.labels` (Karpenter v1.14.1). */
function checkTemplateLabel(scope: IConstruct, key: string): void {
  const domain = key.includes('/') ? key.split('/')[0] : '';
  const karpenterDomain = domain === 'karpenter.sh' || domain.endsWith('.karpenter.sh') || domain === 'karpenter.k8s.aws' || domain.endsWith('.karpenter.k8s.aws');
  if ((karpenterDomain && key !== 'karpenter.sh/capacity-type') || key === 'kubernetes.io/hostname') {
    invalid(scope, `labels.${key}`, key, "is restricted by Karpenter (label domains 'karpenter.sh' and 'karpenter.k8s.aws', and 'kubernetes.io/hostname'); use a label of your own domain");
  }
}
