import { Construct } from 'constructs';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';
import { PlatformContext } from '../core/context';
import { invalid } from '../core/errors';
import { checkDns1123Label } from '../core/names';
import { IWorkload, WORKLOADS } from '../core/workload';

/** Props of {@link SparkOperatorInstall}. */
export interface SparkOperatorInstallProps extends OperatorInstallProps {
  /**
   * Namespaces whose SparkApplications the operator runs (`spark.jobNamespaces` of the chart): the controller and
   * webhook watch only these, and each gets the `spark-operator-spark` ServiceAccount and the Roles of the operator
   * there. A SparkJob of the app in another namespace is an error at synth (the operator would never run it).
   * @default ['default']
   */
  readonly jobNamespaces?: string[];
}

const PER_NAMESPACE = [
  'ServiceAccount/spark-operator-spark', 'Role/spark-operator-controller', 'Role/spark-operator-spark', 'Role/spark-operator-webhook',
  'RoleBinding/spark-operator-controller', 'RoleBinding/spark-operator-spark', 'RoleBinding/spark-operator-webhook',
];
const RENDERED_JOB_NAMESPACE = 'default';

/**
 * The Kubeflow Spark operator v2.5.2, installed from its Helm chart (`charts/spark-operator-chart` of the pinned
 * module; its kustomize scaffold names a release candidate image): controller and webhook (self-signed certificate),
 * image `ghcr.io/kubeflow/spark-operator/controller:2.5.2`. `replicas` and `resources` apply to both.
 */
export class SparkOperatorInstall extends OperatorInstall {
  /** Namespaces whose SparkApplications the operator runs. */
  public readonly jobNamespaces: string[];

  constructor(scope: Construct, id: string, props: SparkOperatorInstallProps = {}) {
    super(scope, id, 'spark-operator', props);
    this.jobNamespaces = [...(props.jobNamespaces ?? [RENDERED_JOB_NAMESPACE])];
    if (this.jobNamespaces.length === 0) invalid(this, 'jobNamespaces', this.jobNamespaces, 'must name at least one namespace');
    this.jobNamespaces.forEach((ns, i) => checkDns1123Label(this, `jobNamespaces[${i}]`, ns));
    if (new Set(this.jobNamespaces).size !== this.jobNamespaces.length) {
      invalid(this, 'jobNamespaces', this.jobNamespaces.join(', '), 'must name each namespace once');
    }

    if (props.jobNamespaces !== undefined) {
      const templates = PER_NAMESPACE.map(key => {
        const [kind, name] = key.split('/');
        const obj = this._json.find(o => o.kind === kind && o.metadata.name === name && o.metadata.namespace === RENDERED_JOB_NAMESPACE);
        if (!obj) throw new Error(`${this.node.path}: the spark-operator render has no ${key} in '${RENDERED_JOB_NAMESPACE}'`);
        return obj;
      });
      const at = this._json.indexOf(templates[0]);
      const copies = this.jobNamespaces.flatMap(ns => templates.map(t => {
        const copy = JSON.parse(JSON.stringify(t));
        copy.metadata.namespace = ns;
        for (const s of copy.subjects ?? []) if (s.namespace === RENDERED_JOB_NAMESPACE) s.namespace = ns;
        return copy;
      }));
      const rest = this._json.filter(o => !templates.includes(o));
      this._json.length = 0;
      this._json.push(...rest.slice(0, at), ...copies, ...rest.slice(at));
      for (const name of ['spark-operator-controller', 'spark-operator-webhook']) {
        const c = this._container(this._find('Deployment', name), name);
        c.args = c.args.map((a: string) => a.startsWith('--namespaces=') ? `--namespaces=${this.jobNamespaces.join(',')}` : a);
      }
      for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
        for (const hook of this._find(kind, 'spark-operator-webhook').webhooks) {
          for (const e of hook.namespaceSelector?.matchExpressions ?? []) {
            if (e.key === 'kubernetes.io/metadata.name') e.values = [...this.jobNamespaces];
          }
        }
      }
    }

    PlatformContext.of(this).check(() => {
      for (const w of PlatformContext.of(this).list<IWorkload>(WORKLOADS)) {
        const obj = w.apiObject;
        if (obj.apiVersion.split('/')[0] !== 'sparkoperator.k8s.io') continue;
        const ns = w.namespace ?? obj.metadata.namespace;
        if (ns !== undefined && !this.jobNamespaces.includes(ns)) {
          invalid(w, 'namespace', ns, `the Spark operator installed at '${this.node.path}' runs SparkApplications only in ${this.jobNamespaces.join(', ')}; add it to jobNamespaces`);
        }
      }
    });
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [
      { kind: 'Deployment', name: 'spark-operator-controller', container: 'spark-operator-controller' },
      { kind: 'Deployment', name: 'spark-operator-webhook', container: 'spark-operator-webhook' },
    ];
  }
}
