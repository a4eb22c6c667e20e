import { Construct } from 'constructs';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';
import { MigStrategy } from '../compute/nvidia-device-plugin';
import { checkInteger, invalid } from '../core/errors';
import { INodePool } from '../core/node-pool';

/** Props of {@link NvidiaDevicePluginInstall}. */
export interface NvidiaDevicePluginInstallProps extends OperatorInstallProps {
  /**
   * Pools whose nodes run the plugin: the DaemonSet tolerates their taints and selects their nodes (instead of the
   * chart's selection by Node Feature Discovery labels, which nodes without NFD never carry), and the pools learn
   * which GPU resources their nodes advertise.
   * @default - the chart's: nodes labelled by NFD or GPU Feature Discovery as NVIDIA GPU nodes
   */
  readonly pools?: INodePool[];
  /**
   * Time-slicing: each GPU is advertised this many times, as `nvidia.com/gpu.shared`. 1 disables time-slicing.
   * @default 1
   */
  readonly timeSlicingReplicas?: number;
  /**
   * MIG strategy.
   * @default MigStrategy.NONE
   */
  readonly migStrategy?: MigStrategy;
}

const DAEMON_SET = 'nvidia-device-plugin';
const CONTAINER = 'nvidia-device-plugin-ctr';
const CONFIG = 'nvidia-device-plugin-config';

/**
 * The NVIDIA device plugin v0.19.3, installed from its Helm chart (`deployments/helm/nvidia-device-plugin` of the
 * pinned module): the device plugin DaemonSet (and the MPS control daemon, which runs only on nodes labelled
 * `nvidia.com/mps.capable=true`). Its pods mount host paths, so its namespace must allow privileged pods.
 * `resources` applies to the device plugin container; `replicas` does not apply (one pod per node).
 *
 * The compute area's `NvidiaDevicePlugin` is the same plugin written without the chart; use one of the two.
 */
export class NvidiaDevicePluginInstall extends OperatorInstall {
  constructor(scope: Construct, id: string, props: NvidiaDevicePluginInstallProps = {}) {
    super(scope, id, 'nvidia-device-plugin', props);
    checkInteger(this, 'timeSlicingReplicas', props.timeSlicingReplicas, 1, 64);
    const strategies = Object.values(MigStrategy) as string[];
    if (props.migStrategy !== undefined && !strategies.includes(props.migStrategy)) {
      invalid(this, 'migStrategy', props.migStrategy, `must be a MigStrategy (${strategies.join(', ')})`);
    }
    const replicas = props.timeSlicingReplicas ?? 1;
    const ds = this._find('DaemonSet', DAEMON_SET);
    const pod = ds.spec.template.spec;
    const container = this._container(ds, CONTAINER);

    if (replicas > 1 || props.migStrategy !== undefined) {
      const config: any = { version: 'v1', flags: { migStrategy: props.migStrategy ?? MigStrategy.NONE, failOnInitError: true } };
      if (replicas > 1) config.sharing = { timeSlicing: { renameByDefault: true, resources: [{ name: 'nvidia.com/gpu', replicas }] } };
      const at = this._json.indexOf(ds);
      this._json.splice(at, 0, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: CONFIG, namespace: ds.metadata.namespace, labels: { 'app.kubernetes.io/name': 'nvidia-device-plugin' } },
        data: { 'config.yaml': JSON.stringify(config, undefined, 2) },
      });
      container.env = [...(container.env ?? []), { name: 'CONFIG_FILE', value: '/config/config.yaml' }];
      container.volumeMounts = [...(container.volumeMounts ?? []), { name: 'config', mountPath: '/config', readOnly: true }];
      pod.volumes = [...(pod.volumes ?? []), { name: 'config', configMap: { name: CONFIG } }];
    }

    const pools = props.pools ?? [];
    if (pools.length) {
      pod.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: pools.map(p => ({
              matchExpressions: Object.entries(p.nodeLabels).map(([key, value]) => ({ key, operator: 'In', values: [value] })),
            })),
          },
        },
      };
      const tolerations: any[] = [...(pod.tolerations ?? [])];
      for (const p of pools) {
        for (const t of p.taints) {
          if (!tolerations.some(x => x.key === t.key && x.effect === t.effect && x.operator === 'Exists')) {
            tolerations.push({ key: t.key, operator: 'Exists', effect: t.effect });
          }
        }
      }
      pod.tolerations = tolerations;
      const advertised = props.migStrategy === MigStrategy.MIXED ? ['nvidia.com/mig-*'] : [];
      advertised.push(replicas > 1 ? 'nvidia.com/gpu.shared' : 'nvidia.com/gpu');
      pools.forEach(p => p.advertiseAccelerators(advertised));
    }
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [{ kind: 'DaemonSet', name: DAEMON_SET, container: CONTAINER }];
  }
}
