import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { IClusterQueue } from './cluster-queue';
import { KueueIntegration, KueueIntegrations } from './kueue-integration';
import { KUEUE_API_VERSION } from './kueue-util';
import { checkQueueDemand } from './queue-demand';
import type { WorkloadPriorityClass } from './workload-priority-class';
import { checkProps, Is } from '../core/checks';
import { PlatformContext } from '../core/context';
import { invalid } from '../core/errors';
import { checkDns1123Label } from '../core/names';

/** Props of {@link LocalQueue}. */
export interface LocalQueueProps {
  /**
   * The ClusterQueue the LocalQueue submits to: a {@link BatchQueue} of this app, or one another repository owns
   * ({@link BatchQueue.fromClusterQueueName}).
   */
  readonly clusterQueue: IClusterQueue;
  /** Namespace of the LocalQueue; only workloads of this namespace can use it. */
  readonly namespace: string;
  /**
   * Name of the LocalQueue (a DNS-1123 label: it is used as a label value).
   * @default - the ClusterQueue's name
   */
  readonly name?: string;
}

/** Options of {@link LocalQueue.admit}. */
export interface AdmitOptions {
  /**
   * The Kueue integration that manages the workload, when it is not the one of the object's own kind: e.g.
   * `KueueIntegration.POD` for an object whose pods (created by an operator) carry the queue labels and are
   * managed as plain Pods. The object is then labelled (and put in the queue's namespace) whatever its kind, and
   * `managedAs` must be among the ClusterQueue's integrations.
   * @default - the integration of the object's kind
   */
  readonly managedAs?: KueueIntegration;
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
  public readonly clusterQueue: IClusterQueue;

  constructor(scope: Construct, id: string, props: LocalQueueProps) {
    super(scope, id);
    checkProps(this, props, {
      clusterQueue: Is.required(Is.instance('integrations', "must be a ClusterQueue: a BatchQueue, or BatchQueue.fromClusterQueueName(scope, id, 'name')")),
      namespace: Is.required(Is.dnsLabel()),
    }, '', true);
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
   * @param workload the object to submit
   * @param priorityClass its Kueue WorkloadPriorityClass
   * @param options how Kueue manages it (e.g. through the pods it creates)
   * @throws ValidationError when the workload's kind (or `options.managedAs`) is not among the ClusterQueue's
   * `integrations`, or its namespace differs
   */
  public admit(workload: ApiObject, priorityClass?: WorkloadPriorityClass, options: AdmitOptions = {}): void {
    if (!ApiObject.isApiObject(workload)) {
      invalid(this, 'workload', workload, 'must be an ApiObject (for a cdk8s-plus workload, pass ApiObject.of(workload))');
    }
    const integration = options.managedAs ?? KueueIntegrations.forKind(workload.apiVersion, workload.kind);
    const checkEnabled = () => {
      const enabled = this.clusterQueue.integrations;
      if (integration === undefined || !enabled.includes(integration)) {
        const group = workload.apiVersion.includes('/') ? workload.apiVersion.split('/')[0] : '';
        const what = options.managedAs !== undefined ? KueueIntegrations.kindOf(options.managedAs) : group ? `${group}/${workload.kind}` : workload.kind;
        invalid(this, options.managedAs !== undefined ? 'managedAs' : 'workload.kind', what,
          `Kueue integrations enabled for ClusterQueue '${this.clusterQueue.name}' manage ${enabled.map(i => KueueIntegrations.kindOf(i)).join(', ')}`);
      }
    };
    checkEnabled();
    // again at synth, against the app's Kueue installation wherever it is declared
    PlatformContext.of(this).check(checkEnabled);
    const ns = workload.metadata.namespace;
    if (ns === undefined) {
      workload.addJsonPatch(JsonPatch.add('/metadata/namespace', this.namespace));
    } else if (ns !== this.namespace) {
      invalid(this, 'workload.namespace', ns, `a LocalQueue serves only workloads of its own namespace '${this.namespace}'`);
    }
    for (const [k, v] of Object.entries(this.labels(priorityClass))) workload.metadata.addLabel(k, v);
    // the job's pods, summed, must fit into what the ClusterQueue can ever admit (checked once the app is declared)
    const admissible = (this.clusterQueue as any)._admissible;
    if (typeof admissible === 'function') {
      PlatformContext.of(this).check(() => checkQueueDemand(workload.node.scope ?? this, 'queue', workload, this.clusterQueue.name,
        admissible.call(this.clusterQueue)));
    }
  }
}
