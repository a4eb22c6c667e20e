import { Construct, IConstruct } from 'constructs';
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
  /** Most devices one node has; undefined when unknown. */
  readonly maxPerNode?: number;
  /** Most devices the whole pool may have (its limit); undefined when unlimited. */
  readonly poolLimit?: number;
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
    PlatformContext.of(workload).check(() => this.checkServes(workload, template));
    for (const [k, v] of Object.entries(this.nodeLabels)) template.placement.selectNodeLabel(k, v);
    for (const t of this.taints) template.placement.tolerate(t);
    if (options.runToCompletion) template.placement.addPodAnnotation('karpenter.sh/do-not-disrupt', 'true');
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

  /** Throws unless every accelerator can be served by this pool. */
  protected checkServes(workload: IConstruct, template: PodTemplate): void {
    const cap = this.acceleratorCapacity;
    template._acceleratorFields().forEach(({ accelerator: a, field }) => {
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
