import { TaintEffect } from 'cdk8s-plus-28';
import { recordFlavorPool } from './flavor-pools';
import { Accelerator } from '../core/accelerator';
import { INodePool } from '../core/node-pool';
import { Taint } from '../core/placement';

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
    options = options ?? ({} as NodeFlavorOptions);
    const taints = Array.isArray(options.taints) ? options.taints : [];
    return {
      name: options.name,
      nodeLabels: options.nodeLabels === undefined || options.nodeLabels === null || typeof options.nodeLabels !== 'object' ? options.nodeLabels : { ...options.nodeLabels },
      nodeTaints: options.requireTolerations ? [...taints] : undefined,
      tolerations: options.requireTolerations ? undefined : [...taints],
    };
  }

  /**
   * A flavor for the nodes that carry `accelerator`: the accelerator's product label (e.g. `nvidia.com/gpu.product`)
   * plus `nodeLabels`, with the accelerator taint tolerated on admission.
   */
  /**
   * A flavor for the nodes of a pool (e.g. a {@link GpuNodePool}): its node labels, and tolerations of its
   * taints, so that Kueue steers admitted pods onto the pool.
   * @param pool the node pool
   * @param name flavor name (default: the pool's name)
   */
  public static forPool(pool: INodePool, name?: string): QueueFlavor {
    const flavor = QueueFlavors.forNodes({ name: name ?? pool?.poolName, nodeLabels: pool?.nodeLabels, taints: pool?.taints });
    if (pool !== null && typeof pool === 'object') recordFlavorPool(flavor, pool);
    return flavor;
  }

  public static forAccelerator(accelerator: Accelerator, options: AcceleratorFlavorOptions): QueueFlavor {
    options = options ?? ({} as AcceleratorFlavorOptions);
    const defaultTaints: Taint[] = accelerator?.isNvidia ? [{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }] : [];
    const labels = options.nodeLabels;
    return {
      name: options.name,
      nodeLabels: labels === undefined || (labels !== null && typeof labels === 'object') ? { ...(accelerator?.nodeSelector ?? {}), ...(labels ?? {}) } : labels,
      tolerations: options.taints === undefined ? defaultTaints : Array.isArray(options.taints) ? [...options.taints] : options.taints,
    };
  }

  private constructor() {}
}
