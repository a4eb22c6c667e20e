import { AbstractPod } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { KplusScheduleOptions, KplusWorkloads } from './kplus-workloads';
import { Accelerator } from '../core/accelerator';
import { PlatformContext } from '../core/context';
import { invalid } from '../core/errors';
import { INodePool, PlaceOptions } from '../core/node-pool';
import { Taint } from '../core/placement';
import { PodTemplate } from '../core/pod-template';
import { NODE_POOLS } from '../core/workload';

/** What a pool knows about the accelerators its nodes have. */
export interface AcceleratorCapacity {
  /** Extended resource names the nodes advertise (e.g. `nvidia.com/gpu`). */
  readonly resourceNames: string[];
  /** GPU products (`nvidia.com/gpu.product`) the nodes may have; empty when unknown. */
  readonly products: string[];
  /**
   * Most devices one node has.
   * @default - unknown
   */
  readonly maxPerNode?: number;
  /**
   * Most devices the whole pool may have (its limit).
   * @default - unlimited
   */
  readonly poolLimit?: number;
}

/** An accelerator request and the user-facing field it was given in. */
export interface AcceleratorField {
  /** The accelerator. */
  readonly accelerator: Accelerator;
  /** Path of the prop it was given in, e.g. `worker.resources.accelerator`. */
  readonly field: string;
}

/** Shared placement logic of node pools. */
export abstract class NodePoolBase extends Construct implements INodePool {
  public abstract readonly poolName: string;
  public abstract readonly nodeLabels: { [key: string]: string };
  public abstract readonly taints: Taint[];

  private capacity: AcceleratorCapacity = { resourceNames: [], products: [] };

  constructor(scope: Construct, id: string) {
    super(scope, id);
    PlatformContext.of(this).register(NODE_POOLS, this);
  }

  /** What the pool's nodes offer; checked against every placed workload. */
  public get acceleratorCapacity(): AcceleratorCapacity {
    return this.capacity;
  }

  public advertiseAccelerators(resourceNames: string[]): void {
    this.capacity = { ...this.capacity, resourceNames: [...resourceNames] };
  }

  /**
   * Places the pods; whether the pool can serve their accelerators is checked at synth, when every device plugin
   * that renames the pool's resources (time-slicing, MIG) is declared, whatever the order.
   */
  public place(workload: IConstruct, template: PodTemplate, options: PlaceOptions = {}): void {
    const scope = isConstruct(workload) ? workload : this;
    if (!isConstruct(workload)) {
      invalid(this, 'workload', workload, 'must be the construct of the workload being placed (named in errors)');
    }
    if (!(template instanceof PodTemplate)) {
      invalid(scope, 'template', template, `must be a PodTemplate of this library${isKplusLike(template) || isKplusLike(workload)
        ? '; schedule a cdk8s-plus workload with pool.schedule(workload, options)' : ''}`);
    }
    PlatformContext.of(workload).check(() => this.checkServes(workload, template));
    for (const [k, v] of Object.entries(this.nodeLabels)) template.placement.selectNodeLabel(k, v);
    for (const t of this.taints) template.placement.tolerate(t);
    if (options.runToCompletion) template.placement.addPodAnnotation('karpenter.sh/do-not-disrupt', 'true');
  }

  /**
   * Schedules a cdk8s-plus workload (`Deployment`, `Job`, `StatefulSet`, `DaemonSet`, `CronJob` or `Pod`) on this
   * pool: it tolerates the pool's taints (through `workload.scheduling.tolerate()`), selects the pool's nodes (the
   * pod spec's `nodeSelector`, so it adds to, and never widens, node affinity the workload sets) and, when it runs
   * to completion, is annotated `karpenter.sh/do-not-disrupt`. `options.accelerator` requests GPUs on a container
   * (see {@link KplusWorkloads.requestAccelerator}).
   *
   * Whether the pool can serve every accelerator the workload requests, including ones requested later, is
   * checked at synth, like {@link NodePoolBase.place}.
   * @param workload a cdk8s-plus-28 workload
   * @param options placement options
   */
  public schedule(workload: AbstractPod, options: KplusScheduleOptions = {}): void {
    KplusWorkloads._schedule(this, workload, options, (scope, accelerators) => this.checkAccelerators(scope, accelerators));
  }

  public canServe(template: PodTemplate): boolean {
    try {
      this.checkServes(this, template);
      return true;
    } catch {
      return false;
    }
  }

  /** Sets what the pool's nodes offer. */
  protected initCapacity(capacity: AcceleratorCapacity): void {
    this.capacity = capacity;
  }

  /** Throws unless every accelerator of the pod template can be served by this pool. */
  protected checkServes(workload: IConstruct, template: PodTemplate): void {
    this.checkAccelerators(workload, template._acceleratorFields());
  }

  /**
   * Throws unless every accelerator can be served by this pool.
   * @param workload the construct named in errors
   * @param accelerators each accelerator with the user-facing field of its request (e.g. `worker.resources.accelerator`)
   */
  protected checkAccelerators(workload: IConstruct, accelerators: AcceleratorField[]): void {
    const cap = this.acceleratorCapacity;
    accelerators.forEach(({ accelerator: a, field }) => {
      const offered = cap.resourceNames.some(r => (r.endsWith('*') ? a.resourceName.startsWith(r.slice(0, -1)) : r === a.resourceName));
      if (!offered) {
        invalid(workload, `${field}.resourceName`, a.resourceName,
          `node pool '${this.poolName}' offers ${cap.resourceNames.length ? cap.resourceNames.map(r => `'${r}'`).join(', ') : 'no accelerators'}; place the workload on a pool that offers '${a.resourceName}'`);
      }
      if (a.product && cap.products.length && !cap.products.includes(a.product)) {
        invalid(workload, `${field}.product`, a.product, `node pool '${this.poolName}' has ${cap.products.map(p => `'${p}'`).join(', ')}`);
      }
      if (cap.maxPerNode !== undefined && a.count > cap.maxPerNode) {
        invalid(workload, `${field}.count`, a.count, `the largest node of pool '${this.poolName}' has ${cap.maxPerNode} ${a.resourceName}; request at most ${cap.maxPerNode} per pod`);
      }
      if (cap.poolLimit !== undefined && a.count > cap.poolLimit) {
        invalid(workload, `${field}.count`, a.count, `node pool '${this.poolName}' is limited to ${cap.poolLimit} GPUs in total; raise the pool's gpu limit or request fewer`);
      }
    });
  }
}

function isConstruct(x: unknown): x is IConstruct {
  return x !== null && typeof x === 'object' && typeof (x as any).node === 'object' && (x as any).node !== null && typeof (x as any).node.path === 'string';
}

function isKplusLike(x: unknown): boolean {
  return x !== null && typeof x === 'object' && 'podMetadata' in (x as any) && 'containers' in (x as any);
}
