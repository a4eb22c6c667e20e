import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';
import { invalid } from '../core/errors';
import { ComputeResources, renderResources } from '../core/resources';
import { KatibConfig } from '../tuning/katib-config';

/** Options of {@link KatibTrialResource.custom}. */
export interface KatibTrialResourceOptions {
  /** Kind, e.g. `RayJob`. */
  readonly kind: string;
  /** API version without the group, e.g. `v1`. */
  readonly version: string;
  /** API group, e.g. `ray.io` (empty for the core group). */
  readonly group: string;
  /** Resource (plural) name, e.g. `rayjobs`, for the katib-controller's RBAC. */
  readonly plural: string;
}

/**
 * A kind of object Katib runs trials as (`init.controller.trialResources` of `katib-config`). The trial controller
 * watches only these kinds: a trial of another kind is created but never observed, so it never completes.
 */
export class KatibTrialResource {
  /** Kubeflow Trainer TrainJob (`trainer.kubeflow.org/v1alpha1`). */
  public static readonly TRAIN_JOB = new KatibTrialResource('TrainJob', 'v1alpha1', 'trainer.kubeflow.org', 'trainjobs');
  /** batch/v1 Job. */
  public static readonly JOB = new KatibTrialResource('Job', 'v1', 'batch', 'jobs');
  /** Training Operator TFJob. */
  public static readonly TF_JOB = new KatibTrialResource('TFJob', 'v1', 'kubeflow.org', 'tfjobs');
  /** Training Operator PyTorchJob. */
  public static readonly PYTORCH_JOB = new KatibTrialResource('PyTorchJob', 'v1', 'kubeflow.org', 'pytorchjobs');
  /** Training Operator MPIJob. */
  public static readonly MPI_JOB = new KatibTrialResource('MPIJob', 'v1', 'kubeflow.org', 'mpijobs');
  /** Training Operator XGBoostJob. */
  public static readonly XGBOOST_JOB = new KatibTrialResource('XGBoostJob', 'v1', 'kubeflow.org', 'xgboostjobs');
  /** Training Operator JAXJob (not watched by default). */
  public static readonly JAX_JOB = new KatibTrialResource('JAXJob', 'v1', 'kubeflow.org', 'jaxjobs');
  /** Training Operator PaddleJob (not watched by default). */
  public static readonly PADDLE_JOB = new KatibTrialResource('PaddleJob', 'v1', 'kubeflow.org', 'paddlejobs');

  /** Katib v0.19.0's defaults: TrainJob, Job, TFJob, PyTorchJob, MPIJob, XGBoostJob. */
  public static defaults(): KatibTrialResource[] {
    const r = KatibTrialResource;
    return [r.TRAIN_JOB, r.JOB, r.TF_JOB, r.PYTORCH_JOB, r.MPI_JOB, r.XGBOOST_JOB];
  }

  /** Another kind. */
  public static custom(options: KatibTrialResourceOptions): KatibTrialResource {
    return new KatibTrialResource(options.kind, options.version, options.group, options.plural);
  }

  /** Kind. */
  public readonly kind: string;
  /** API version without the group. */
  public readonly version: string;
  /** API group (empty for the core group). */
  public readonly group: string;
  /** Resource (plural) name. */
  public readonly plural: string;

  private constructor(kind: string, version: string, group: string, plural: string) {
    this.kind = kind;
    this.version = version;
    this.group = group;
    this.plural = plural;
  }

  /** `Kind.version.group`, as katib-config lists it (`Job.v1.batch`). */
  public get id(): string {
    return this.group ? `${this.kind}.${this.version}.${this.group}` : `${this.kind}.${this.version}`;
  }
}

/** Props of {@link KatibInstall}. */
export interface KatibInstallProps extends OperatorInstallProps {
  /**
   * Kinds Katib runs trials as. Kinds beyond Katib's default RBAC also get rules on the katib-controller's
   * ClusterRole.
   * @default KatibTrialResource.defaults()
   */
  readonly trialResources?: KatibTrialResource[];
  /**
   * Resources of the metrics collector sidecar Katib injects into trial pods (`runtime.metricsCollectors[].resources`
   * for StdOut, File and TensorFlowEvent).
   * @default - Katib's (none, and a 1Gi memory limit for TensorFlowEvent)
   */
  readonly metricsCollectorResources?: ComputeResources;
}

const CONFIG_MAP = 'katib-config';
const CONFIG_KEY = 'katib-config.yaml';
const NAME = /^[A-Z][A-Za-z0-9]*$/;
const VERSION = /^v[0-9]+((alpha|beta)[0-9]+)?$/;
const GROUP = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$/;
const PLURAL = /^[a-z][a-z0-9]*$/;

/**
 * Katib v0.19.0, installed from `manifests/v1beta1/installs/katib-standalone` of the pinned module: controller
 * (which makes its own webhook certificate), DB manager, MySQL 8.0.29 with a PersistentVolumeClaim (needs a default
 * StorageClass), UI. `replicas` and `resources` apply to the katib-controller.
 *
 * The install is the app's Katib configuration: it registers the {@link KatibConfig} (its `config`: trial kinds,
 * algorithms, early stopping rules, metrics collectors) that HyperparameterExperiments are checked against.
 */
export class KatibInstall extends OperatorInstall {
  /** The configuration experiments of the app are checked against. */
  public readonly config: KatibConfig;
  /** Kinds Katib runs trials as. */
  public readonly trialResources: KatibTrialResource[];

  constructor(scope: Construct, id: string, props: KatibInstallProps = {}) {
    super(scope, id, 'katib', props);
    const config = YAML.parse(this._find('ConfigMap', CONFIG_MAP).data[CONFIG_KEY]);
    this.trialResources = [...(props.trialResources ?? KatibTrialResource.defaults())];
    if (this.trialResources.length === 0) invalid(this, 'trialResources', this.trialResources, 'must name at least one kind');
    this.trialResources.forEach((r, i) => {
      if (!(r instanceof KatibTrialResource)) invalid(this, `trialResources[${i}]`, r, 'must be a KatibTrialResource');
      if (!NAME.test(r.kind)) invalid(this, `trialResources[${i}].kind`, r.kind, 'must be a Kind such as RayJob');
      if (!VERSION.test(r.version)) invalid(this, `trialResources[${i}].version`, r.version, 'must be an API version such as v1 or v1alpha1');
      if (!GROUP.test(r.group)) invalid(this, `trialResources[${i}].group`, r.group, 'must be an API group such as ray.io (empty for the core group)');
      if (!PLURAL.test(r.plural)) invalid(this, `trialResources[${i}].plural`, r.plural, 'must be a resource name such as rayjobs');
    });
    const ids = this.trialResources.map(r => r.id);
    if (new Set(ids).size !== ids.length) invalid(this, 'trialResources', ids.join(', '), 'must name each kind once');
    const metricsResources = renderResources(this, 'metricsCollectorResources', props.metricsCollectorResources);

    if (props.trialResources !== undefined || metricsResources) {
      if (props.trialResources !== undefined) {
        config.init.controller.trialResources = ids;
        const role = this._find('ClusterRole', 'katib-controller');
        const granted = (group: string, plural: string) => role.rules.some((rule: any) =>
          rule.apiGroups.includes(group) && rule.resources.includes(plural) && rule.verbs.includes('create'));
        for (const r of this.trialResources) {
          if (!granted(r.group, r.plural)) {
            role.rules.push({ apiGroups: [r.group], resources: [r.plural], verbs: ['get', 'list', 'watch', 'create', 'delete'] });
          }
        }
      }
      if (metricsResources) {
        for (const c of config.runtime.metricsCollectors) c.resources = metricsResources;
      }
      this._setConfigData(CONFIG_MAP, CONFIG_KEY, YAML.stringify(config));
    }

    this.config = new KatibConfig({
      trialResources: ids,
      suggestions: config.runtime.suggestions.map((s: any) => s.algorithmName),
      earlyStoppings: config.runtime.earlyStoppings.map((s: any) => s.algorithmName),
      metricsCollectors: config.runtime.metricsCollectors.map((c: any) => c.kind),
    });
    this.config.register(this);
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [{ kind: 'Deployment', name: 'katib-controller', container: 'katib-controller' }];
  }
}
