import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformController, PlatformControllerProps } from './platform-controller';
import { describeRequirements, loosest, PlatformNamespace, PlatformNamespaceOptions, podSecurityLabels, PodSecurityRequirement, registerPodSecurityRequirement } from './platform-namespace';
import { podSecurityLevelOf } from './testing';
import { CERT_MANAGER, PlatformTier, PlatformTiers, registerInstall, usesCertManager } from './tiers';
import { BatchQueue, BatchQueueProps } from '../compute/batch-queue';
import { GpuNodePool, GpuNodePoolProps } from '../compute/gpu-node-pool';
import { NvidiaDevicePlugin } from '../compute/nvidia-device-plugin';
import { PlatformContext } from '../core/context';
import { invalid } from '../core/errors';
import { checkDns1123Label } from '../core/names';
import { POD_SECURITY_ANNOTATION, POD_SECURITY_REASON_ANNOTATION, PodSecurityLevel } from '../core/security';
import { IWorkload, WORKLOADS } from '../core/workload';
import { IOperatorInstall } from '../operators/operator-install';

/** Why the device plugin is privileged (as its DaemonSet records it). */
const DEVICE_PLUGIN_REASON = 'mounts the kubelet device-plugin socket directory (hostPath)';

/** Kinds whose objects run pods (the only ones an install's namespace level depends on). */
const POD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'];

/** Which operator (the id of its pin) acts on the objects of an API group, by kind where a group is shared. */
const OPERATOR_OF: Array<{ group: string; kinds?: string[]; operator: string }> = [
  { group: 'sparkoperator.k8s.io', operator: 'spark-operator' },
  { group: 'trainer.kubeflow.org', operator: 'trainer' },
  { group: 'kubeflow.org', kinds: ['Experiment', 'Trial', 'Suggestion'], operator: 'katib' },
  { group: 'kubeflow.org', operator: 'training-operator' },
  { group: 'jobset.x-k8s.io', operator: 'jobset' },
  { group: 'serving.kserve.io', operator: 'kserve' },
  { group: 'data.fluid.io', operator: 'fluid' },
  { group: 'argoproj.io', kinds: ['EventSource', 'Sensor', 'EventBus'], operator: 'argo-events' },
  { group: 'argoproj.io', operator: 'argo-workflows' },
  { group: 'kueue.x-k8s.io', operator: 'kueue' },
  { group: 'karpenter.sh', operator: 'karpenter' },
  { group: 'karpenter.k8s.aws', operator: 'karpenter' },
];

/** The id of the operator that acts on objects of `apiVersion`/`kind`, if the platform knows one. @internal */
export function operatorOf(apiVersion: string, kind: string): string | undefined {
  const group = apiVersion.split('/')[0];
  return OPERATOR_OF.find(o => o.group === group && (o.kinds === undefined || o.kinds.includes(kind)))?.operator;
}

/** Props of {@link AiPlatform.addGpuPool}: a Karpenter GPU pool and the NVIDIA device plugin on its nodes. */
export interface AiPlatformGpuPoolProps extends GpuNodePoolProps {
  /**
   * Time-slicing: each GPU of the pool is advertised this many times as `nvidia.com/gpu.shared`.
   * @default 1 (no time-slicing)
   */
  readonly timeSlicingReplicas?: number;
}

/** Props of {@link AiPlatform}. */
export interface AiPlatformProps {
  /**
   * The operator installs of the platform (from `src/operators`). Installs they need first (cert-manager for KServe)
   * are part of the platform too.
   * @default [] - add them with addOperator()
   */
  readonly operators?: IOperatorInstall[];
  /**
   * Team namespaces, each with Pod Security labels computed from the workloads placed in it.
   * @default [] - add them with addNamespace()
   */
  readonly namespaces?: string[];
  /**
   * Namespace of the NVIDIA device plugins of the GPU pools.
   * @default 'kube-system'
   */
  readonly devicePluginNamespace?: string;
  /**
   * Check at synth that every workload of the app has its operator in the platform (an InferenceService needs
   * KServe). Turn off when operators are installed by other means.
   * @default true
   */
  readonly checkOperators?: boolean;
  /**
   * Install the runtime controller, which offers the workload constructs as custom resources
   * (`platform.ai.cdk8s.io`) reconciled by the same code (see {@link PlatformController}).
   * @default - not installed
   */
  readonly controller?: PlatformControllerProps;
}

/**
 * The whole AI platform as one construct: the operator installs (and what they need first, such as cert-manager
 * for KServe), the team namespaces with Pod Security labels computed from the workloads placed in them, the GPU
 * node pools with their device plugins, and the Kueue queues. Workloads are declared beside it, in any chart of
 * the app; synthesize the app with {@link PlatformApp} to lay the output out in tiers for GitOps.
 *
 * At synth it checks that each install's prerequisites are installed and (unless `checkOperators` is off) that
 * each workload's operator is.
 */
export class AiPlatform extends Construct {
  /** Namespace of the device plugins. */
  public readonly devicePluginNamespace: string;
  private readonly installs: IOperatorInstall[] = [];
  private readonly namespaceList: PlatformNamespace[] = [];
  private readonly pools: GpuNodePool[] = [];
  private readonly queueList: BatchQueue[] = [];
  private readonly checkOperators: boolean;
  /** The runtime controller, when the `controller` prop asks for it. */
  public readonly controller?: PlatformController;

  constructor(scope: Construct, id: string, props: AiPlatformProps = {}) {
    super(scope, id);
    this.devicePluginNamespace = props.devicePluginNamespace ?? 'kube-system';
    checkDns1123Label(this, 'devicePluginNamespace', this.devicePluginNamespace);
    this.checkOperators = props.checkOperators ?? true;
    for (const install of props.operators ?? []) this.addOperator(install);
    for (const name of props.namespaces ?? []) this.addNamespace(name);
    if (props.controller) this.controller = new PlatformController(this, 'controller', props.controller);
    PlatformContext.of(this).check(() => this.checkInstalls());
    // before serialization: the operators' own namespaces get the Pod Security their pods meet
    this.node.addValidation({ validate: () => { this.labelOperatorNamespaces(); return []; } });
  }

  /** The operator installs, prerequisites included, in the order they were added. */
  public get operators(): IOperatorInstall[] {
    return [...this.installs];
  }

  /** The team namespaces. */
  public get namespaces(): PlatformNamespace[] {
    return [...this.namespaceList];
  }

  /** The GPU node pools. */
  public get gpuPools(): GpuNodePool[] {
    return [...this.pools];
  }

  /** The queues. */
  public get queues(): BatchQueue[] {
    return [...this.queueList];
  }

  /**
   * Adds an operator install (and the installs it needs first).
   * @param install an install construct of `src/operators`
   */
  public addOperator(install: IOperatorInstall): void {
    for (const p of install.prerequisites) if (!this.installs.includes(p)) this.addOperator(p);
    if (this.installs.includes(install)) return;
    const same = this.installs.find(i => i.operatorName === install.operatorName);
    if (same) {
      invalid(this, 'operators', install.operatorName, `one install per operator ('${install.operatorName}' is already installed by ${same.node.path})`);
    }
    this.installs.push(install);
    registerInstall(this, install);
  }

  /**
   * Adds a team namespace whose Pod Security labels are computed from the workloads placed in it.
   * @param name name of the namespace
   * @param options labels, the least restrictive level allowed
   */
  public addNamespace(name: string, options: PlatformNamespaceOptions = {}): PlatformNamespace {
    if (this.namespaceList.some(n => n.name === name)) invalid(this, 'namespaces', name, 'each namespace once');
    const ns = new PlatformNamespace(this, `namespace-${name}`, { ...options, name });
    this.namespaceList.push(ns);
    return ns;
  }

  /** The team namespace named `name`, if the platform declares it. */
  public findNamespace(name: string): PlatformNamespace | undefined {
    return this.namespaceList.find(n => n.name === name);
  }

  /**
   * Adds a Karpenter GPU node pool and the NVIDIA device plugin on its nodes (time-sliced when asked).
   * @param id construct id
   * @param props the pool's props, and time-slicing
   */
  public addGpuPool(id: string, props: AiPlatformGpuPoolProps): GpuNodePool {
    const { timeSlicingReplicas, ...poolProps } = props;
    const pool = new GpuNodePool(this, id, poolProps);
    const plugin = new NvidiaDevicePlugin(this, `${id}-device-plugin`, {
      name: `nvidia-device-plugin-${pool.poolName}`.slice(0, 50).replace(/-+$/, ''),
      namespace: this.devicePluginNamespace,
      pools: [pool],
      timeSlicingReplicas,
    });
    PlatformTiers.assign(plugin, PlatformTier.CLUSTER_CONFIG);
    registerPodSecurityRequirement(this, this.devicePluginNamespace, PodSecurityLevel.PRIVILEGED,
      `DaemonSet '${plugin.daemonSet.name}' (the NVIDIA device plugin ${DEVICE_PLUGIN_REASON})`);
    this.pools.push(pool);
    return pool;
  }

  /**
   * Adds a Kueue ClusterQueue (with its resource flavors); add its LocalQueues with `queue.addLocalQueue()`.
   * @param id construct id
   * @param props the queue's props
   */
  public addQueue(id: string, props: BatchQueueProps): BatchQueue {
    const queue = new BatchQueue(this, id, props);
    this.queueList.push(queue);
    return queue;
  }

  /**
   * Labels the Namespace each install emits with the Pod Security level its pods meet (checked offline against
   * restricted and baseline), warn and audit at restricted, and the reasons.
   */
  private labelOperatorNamespaces(): void {
    const namespaces = new Map<string, { object?: ApiObject; requirements: PodSecurityRequirement[] }>();
    const entry = (name: string) => {
      let e = namespaces.get(name);
      if (!e) namespaces.set(name, (e = { requirements: [] }));
      return e;
    };
    for (const install of this.installs) {
      for (const o of install.objects) {
        if (o.kind === 'Namespace' && o.apiVersion === 'v1') entry(o.name).object = o;
        if (o.kind === 'CustomResourceDefinition') continue;
        const json = o.toJson();
        const { level, problem } = podSecurityLevelOf(json);
        if (level === PodSecurityLevel.RESTRICTED) continue;
        // upstream's pods below restricted: recorded on the object as an explicit opt-out, as the library's own are
        if (json.metadata?.annotations?.[POD_SECURITY_ANNOTATION] === undefined) {
          o.metadata.addAnnotation(POD_SECURITY_ANNOTATION, level);
          o.metadata.addAnnotation(POD_SECURITY_REASON_ANNOTATION, `as upstream ${install.operatorName} ${install.version} ships it: ${problem}`);
        }
        // cluster-scoped templates (training and serving runtimes) run their pods in the workloads' namespaces
        if (POD_KINDS.includes(o.kind)) {
          entry(o.metadata.namespace ?? install.namespace).requirements.push({ level, reason: `${o.kind} '${o.name}' (${problem})` });
        }
      }
    }
    // several installs may share a namespace (Katib and the Training Operator in kubeflow): one level for all pods
    for (const { object, requirements } of namespaces.values()) {
      if (object === undefined) continue;
      for (const [k, v] of Object.entries(podSecurityLabels(loosest(requirements.map(r => r.level))))) object.metadata.addLabel(k, v);
      if (requirements.length > 0) object.metadata.addAnnotation(POD_SECURITY_REASON_ANNOTATION, describeRequirements(requirements));
    }
  }

  private checkInstalls(): void {
    const names = this.installs.map(i => i.operatorName);
    if (!this.checkOperators) return;
    const needCertManager = this.installs.filter(i => i.operatorName !== CERT_MANAGER && usesCertManager(i));
    if (needCertManager.length > 0 && !names.includes(CERT_MANAGER)) {
      invalid(this, 'operators', names.join(', '),
        `${needCertManager.map(i => `'${i.operatorName}'`).join(', ')} gets its webhook certificates from cert-manager: add the cert-manager install `
        + '(and pass it to the install that needs it), or set checkOperators: false when cert-manager is installed otherwise');
    }
    const missing = new Map<string, string>();
    for (const workload of PlatformContext.of(this).list<IWorkload>(WORKLOADS)) {
      const o = workload.apiObject;
      const operator = operatorOf(o.apiVersion, o.kind);
      if (operator !== undefined && !names.includes(operator) && !missing.has(operator)) {
        missing.set(operator, `${o.kind} '${workload.name}' (${workload.node.path})`);
      }
    }
    if (missing.size > 0) {
      invalid(this, 'operators', names.join(', '),
        `${[...missing].map(([op, w]) => `${w} needs the '${op}' operator`).join('; ')}: add its install, or set checkOperators: false when it is installed otherwise`);
    }
  }
}
