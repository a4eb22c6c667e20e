import { IConstruct } from 'constructs';
import { Taint } from './placement';
import { PodTemplate } from './pod-template';

/** Options for placing a workload on a node pool. */
export interface PlaceOptions {
  /**
   * Whether the pods run to completion (training, batch, Spark). Such pods get the annotation
   * `karpenter.sh/do-not-disrupt: "true"` so consolidation never evicts them mid-run.
   * @default false
   */
  readonly runToCompletion?: boolean;
}

/** A set of nodes that workloads can be placed on. */
export interface INodePool extends IConstruct {
  /** Name of the pool. */
  readonly poolName: string;
  /** Node labels every node of the pool carries (the pool's node selector). */
  readonly nodeLabels: { [key: string]: string };
  /** Taints every node of the pool carries. */
  readonly taints: Taint[];
  /**
   * Places a workload's pods on this pool: node selector, tolerations and, for run-to-completion
   * pods, `karpenter.sh/do-not-disrupt`. Throws when the pool cannot serve the pods' accelerators.
   * @param workload the workload construct (named in errors)
   * @param template the workload's pod template
   */
  place(workload: IConstruct, template: PodTemplate, options?: PlaceOptions): void;

  /** Whether the pool can serve every accelerator the pod template requests (without placing it). */
  canServe(template: PodTemplate): boolean;

  /**
   * Sets the accelerator resources the pool's nodes advertise (called by the device plugin when
   * time-slicing or MIG renames them). Placed workloads are checked against it at synth, whatever the order.
   * @param resourceNames extended resource names; a name ending in `*` matches by prefix
   */
  advertiseAccelerators(resourceNames: string[]): void;
}
