import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkProps, Is } from '../core/checks';
import { IMAGE_RULE } from '../core/container';
import { checkInteger } from '../core/errors';
import { checkDns1123Label } from '../core/names';
import { INodePool } from '../core/node-pool';
import { Taint } from '../core/placement';
import { POD_SECURITY_ANNOTATION, POD_SECURITY_REASON_ANNOTATION } from '../core/security';
import { upstreamPin } from '../core/versions';

/** How MIG devices are advertised. */
export enum MigStrategy {
  /** MIG is not used. */
  NONE = 'none',
  /** All GPUs of a node use the same MIG profile and are advertised as `nvidia.com/gpu`. */
  SINGLE = 'single',
  /** Each MIG profile is advertised as its own resource, `nvidia.com/mig-<profile>`. */
  MIXED = 'mixed',
}

/** Props of {@link NvidiaDevicePlugin}. */
export interface NvidiaDevicePluginProps {
  /**
   * Pools whose nodes run the plugin; their taints are tolerated and their nodes selected.
   * @default - every node carrying `nvidia.com/gpu` taints (the plugin exits on nodes without GPUs)
   */
  readonly pools?: INodePool[];
  /**
   * Name of the DaemonSet and prefix of its ConfigMap (one plugin per distinct configuration).
   * @default 'nvidia-device-plugin'
   */
  readonly name?: string;
  /**
   * Namespace.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * MIG strategy.
   * @default MigStrategy.NONE
   */
  readonly migStrategy?: MigStrategy;
  /**
   * Time-slicing: each GPU is advertised this many times, as `nvidia.com/gpu.shared` (request it with
   * `Accelerator.nvidia({ sharing: GpuSharing.TIME_SLICING })`); whole `nvidia.com/gpu` is then no longer
   * offered on the plugin's pools. 1 disables time-slicing.
   * @default 1
   */
  readonly timeSlicingReplicas?: number;
  /**
   * Container image.
   * @default - nvcr.io/nvidia/k8s-device-plugin at the pinned version
   */
  readonly image?: string;
}

/**
 * The NVIDIA device plugin DaemonSet, which advertises `nvidia.com/gpu` (and MIG or time-sliced
 * resources) on GPU nodes. Without it a Karpenter GPU node never becomes initialized.
 *
 * The plugin needs the kubelet's device-plugin socket directory (a hostPath), so it cannot meet the
 * restricted Pod Security Standard: it opts out to `privileged` with that reason recorded. Put it in a
 * namespace whose Pod Security admission allows it (kube-system does by default).
 */
export class NvidiaDevicePlugin extends Construct {
  /** The DaemonSet. */
  public readonly daemonSet: ApiObject;
  /** The plugin's configuration. */
  public readonly config: ApiObject;

  constructor(scope: Construct, id: string, props: NvidiaDevicePluginProps = {}) {
    super(scope, id);
    checkProps(this, props, {
      pools: Is.arrayOf(Is.instance('advertiseAccelerators', 'must be a node pool (INodePool), e.g. a GpuNodePool')),
      migStrategy: Is.enumOf(MigStrategy, 'MigStrategy'),
      image: IMAGE_RULE,
    });
    props = props ?? {};
    const namespace = props.namespace ?? 'kube-system';
    checkDns1123Label(this, 'namespace', namespace);
    checkInteger(this, 'timeSlicingReplicas', props.timeSlicingReplicas, 1, 64);
    const replicas = props.timeSlicingReplicas ?? 1;
    const name = props.name ?? 'nvidia-device-plugin';
    checkDns1123Label(this, 'name', name, 50);
    const labels = { 'app.kubernetes.io/name': name };

    const config: any = {
      version: 'v1',
      flags: { migStrategy: props.migStrategy ?? MigStrategy.NONE, failOnInitError: true },
    };
    if (replicas > 1) {
      config.sharing = { timeSlicing: { renameByDefault: true, resources: [{ name: 'nvidia.com/gpu', replicas }] } };
    }
    this.config = new ApiObject(this, 'Config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-config`, namespace },
      data: { 'config.yaml': JSON.stringify(config, undefined, 2) },
    });

    // What the pools' nodes advertise once this plugin runs there.
    const advertised = props.migStrategy === MigStrategy.MIXED ? ['nvidia.com/mig-*'] : [];
    advertised.push(replicas > 1 ? 'nvidia.com/gpu.shared' : 'nvidia.com/gpu');
    (props.pools ?? []).forEach(p => p.advertiseAccelerators(advertised));

    const taints: Taint[] = [];
    for (const pool of props.pools ?? []) {
      for (const t of pool.taints) if (!taints.some(x => x.key === t.key && x.effect === t.effect)) taints.push(t);
    }
    const tolerations = taints.length
      ? taints.map(t => ({ key: t.key, operator: 'Exists', effect: t.effect }))
      : [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
    const pools = props.pools ?? [];
    const affinity = pools.length ? {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          // one term per pool: terms are ORed
          nodeSelectorTerms: pools.map(p => ({
            matchExpressions: Object.entries(p.nodeLabels).map(([key, value]) => ({ key, operator: 'In', values: [value] })),
          })),
        },
      },
    } : undefined;

    const version = upstreamPin('nvidia-device-plugin').version;
    this.daemonSet = new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name,
        namespace,
        labels,
        annotations: {
          [POD_SECURITY_ANNOTATION]: 'privileged',
          [POD_SECURITY_REASON_ANNOTATION]: 'mounts the kubelet device-plugin socket directory (hostPath)',
        },
      },
      spec: {
        selector: { matchLabels: labels },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels },
          spec: {
            priorityClassName: 'system-node-critical',
            tolerations,
            affinity,
            containers: [{
              name,
              image: props.image ?? `nvcr.io/nvidia/k8s-device-plugin:v${version}`,
              env: [{ name: 'CONFIG_FILE', value: '/config/config.yaml' }],
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'device-plugin', mountPath: '/var/lib/kubelet/device-plugins' },
                { name: 'config', mountPath: '/config', readOnly: true },
              ],
            }],
            volumes: [
              { name: 'device-plugin', hostPath: { path: '/var/lib/kubelet/device-plugins' } },
              { name: 'config', configMap: { name: `${name}-config` } },
            ],
          },
        },
      },
    });
  }
}
