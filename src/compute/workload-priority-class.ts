import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { clusterScoped, INT32_MAX, KUEUE_API_VERSION } from './kueue-util';
import { checkProps, Is } from '../core/checks';
import { invalid } from '../core/errors';
import { checkDns1123Label, ResourceNames } from '../core/names';

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
    checkProps(this, props, { description: Is.string() }, '', true);
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
