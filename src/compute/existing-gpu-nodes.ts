import { Construct } from 'constructs';
import { NodePoolBase } from './node-pool-base';
import { Accelerator } from '../core/accelerator';
import { checkProps, Is } from '../core/checks';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Label, checkLabels } from '../core/names';
import { Taint, TAINT_RULE } from '../core/placement';

/** Props of {@link ExistingGpuNodes}. */
export interface ExistingGpuNodesProps {
  /** Labels that select the nodes (e.g. `eks.amazonaws.com/nodegroup: gpu`). */
  readonly nodeLabels: { [key: string]: string };
  /**
   * Taints the nodes carry.
   * @default []
   */
  readonly taints?: Taint[];
  /**
   * The accelerator resource the nodes advertise, and their product if uniform.
   * @default Accelerator.nvidia()
   */
  readonly accelerator?: Accelerator;
  /**
   * Accelerators per node.
   * @default - unknown (not checked)
   */
  readonly acceleratorsPerNode?: number;
  /**
   * Name used in messages.
   * @default - the construct id
   */
  readonly name?: string;
}

/**
 * GPU nodes that already exist (on-premises, or a managed node group): only the labels and taints
 * that workloads target. Emits no objects.
 */
export class ExistingGpuNodes extends NodePoolBase {
  public readonly poolName: string;
  public readonly nodeLabels: { [key: string]: string };
  public readonly taints: Taint[];

  constructor(scope: Construct, id: string, props: ExistingGpuNodesProps) {
    super(scope, id);
    checkProps(this, props, {
      nodeLabels: Is.required(Is.labels()),
      taints: Is.arrayOf(TAINT_RULE),
      accelerator: Is.instance('_validate', 'must be an Accelerator, e.g. Accelerator.nvidia()'),
      acceleratorsPerNode: Is.integer(1),
      name: Is.dnsLabel(),
    }, '', true);
    this.poolName = props.name ?? id.toLowerCase();
    checkDns1123Label(this, 'name', this.poolName);
    if (Object.keys(props.nodeLabels).length === 0) invalid(this, 'nodeLabels', {}, 'give at least one label that selects the nodes');
    checkLabels(this, 'nodeLabels', props.nodeLabels);
    checkInteger(this, 'acceleratorsPerNode', props.acceleratorsPerNode, 1);
    this.nodeLabels = { ...props.nodeLabels };
    this.taints = [...(props.taints ?? [])];
    const acc = props.accelerator ?? Accelerator.nvidia();
    this.initCapacity({
      resourceNames: [acc.resourceName],
      products: acc.product ? [acc.product] : [],
      maxPerNode: props.acceleratorsPerNode,
    });
  }
}
