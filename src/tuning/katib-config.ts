import { IConstruct } from 'constructs';
import { PlatformContext } from '../core/context';
import { invalid } from '../core/errors';

/** Registry key of the Katib configuration in the {@link PlatformContext}. @internal */
export const KATIB_CONFIG = 'katib-config';

/** Props of {@link KatibConfig}: the parts of Katib's `katib-config` ConfigMap that decide what an Experiment may use. */
export interface KatibConfigProps {
  /**
   * Kinds the trial controller watches (`init.controller.trialResources`), as `Kind.version.group`
   * (`Job.v1.batch`). A trial of another kind is created but never observed, so it never completes. Adding a
   * kind also needs RBAC for the katib-controller on it and a controller restart.
   * @default KatibConfig.DEFAULT_TRIAL_RESOURCES
   */
  readonly trialResources?: string[];
  /**
   * Algorithms with a suggestion service (`runtime.suggestions[].algorithmName`).
   * @default KatibConfig.DEFAULT_SUGGESTIONS
   */
  readonly suggestions?: string[];
  /**
   * Early stopping rules (`runtime.earlyStoppings[].algorithmName`).
   * @default ['medianstop']
   */
  readonly earlyStoppings?: string[];
  /**
   * Metrics collector kinds with an image (`runtime.metricsCollectors[].kind`); Katib's webhook rejects an
   * injected collector kind that has none.
   * @default ['StdOut', 'File', 'TensorFlowEvent']
   */
  readonly metricsCollectors?: string[];
  /**
   * Whether Katib gives the injected metrics collector sidecar the security context of the pod's first container
   * (`init.controller.injectSecurityContext`). Without it the sidecar has none, which the restricted Pod Security
   * Standard rejects: trial pods with a pull collector then need a namespace enforcing baseline.
   * @default false (Katib's default)
   */
  readonly injectSecurityContext?: boolean;
}

/**
 * What the cluster's Katib installation accepts (its `katib-config`): trial kinds, algorithms, early stopping
 * rules and metrics collectors. Experiments are checked against it at synth: pass one to an experiment, or
 * {@link KatibConfig.register} it in the app (what a Katib installation construct does); without either, the
 * defaults of Katib v0.19.0's standalone installation apply.
 */
export class KatibConfig {
  /** Trial kinds Katib v0.19.0 watches by default (JAXJob and PaddleJob are not among them). */
  public static readonly DEFAULT_TRIAL_RESOURCES = [
    'TrainJob.v1alpha1.trainer.kubeflow.org',
    'Job.v1.batch',
    'TFJob.v1.kubeflow.org',
    'PyTorchJob.v1.kubeflow.org',
    'MPIJob.v1.kubeflow.org',
    'XGBoostJob.v1.kubeflow.org',
  ];
  /** Algorithms of Katib v0.19.0's default configuration. */
  public static readonly DEFAULT_SUGGESTIONS = [
    'random', 'tpe', 'grid', 'hyperband', 'bayesianoptimization', 'cmaes', 'sobol', 'multivariate-tpe', 'enas', 'darts', 'pbt',
  ];
  /** Metrics collectors with an image in Katib v0.19.0's default configuration. */
  public static readonly DEFAULT_METRICS_COLLECTORS = ['StdOut', 'File', 'TensorFlowEvent'];

  /** The Katib configuration registered in the app of `scope`, if any. */
  public static of(scope: IConstruct): KatibConfig | undefined {
    const list = PlatformContext.of(scope).list<KatibConfig>(KATIB_CONFIG);
    return list[list.length - 1];
  }

  /** The `Kind.version.group` of an object's apiVersion and kind (`Job.v1.batch`). @internal */
  public static _trialResourceOf(apiVersion: string, kind: string): string {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    return group ? `${kind}.${version}.${group}` : `${kind}.${version}`;
  }

  /** Katib v0.19.0's default configuration. */
  public static defaults(): KatibConfig {
    return new KatibConfig();
  }

  /** Trial kinds, `Kind.version.group`. */
  public readonly trialResources: string[];
  /** Algorithms. */
  public readonly suggestions: string[];
  /** Early stopping rules. */
  public readonly earlyStoppings: string[];
  /** Metrics collector kinds. */
  public readonly metricsCollectors: string[];
  /** Whether the injected sidecar gets the first container's security context. */
  public readonly injectSecurityContext: boolean;

  constructor(props: KatibConfigProps = {}) {
    this.trialResources = [...(props.trialResources ?? KatibConfig.DEFAULT_TRIAL_RESOURCES)];
    this.suggestions = [...(props.suggestions ?? KatibConfig.DEFAULT_SUGGESTIONS)];
    this.earlyStoppings = [...(props.earlyStoppings ?? ['medianstop'])];
    this.metricsCollectors = [...(props.metricsCollectors ?? KatibConfig.DEFAULT_METRICS_COLLECTORS)];
    this.injectSecurityContext = props.injectSecurityContext ?? false;
  }

  /**
   * Makes this the Katib configuration of the app of `scope` (experiments without their own `katib` use it).
   * Registering twice in one app is an error.
   */
  public register(scope: IConstruct): void {
    if (KatibConfig.of(scope)) {
      invalid(scope, 'katib', this.trialResources, 'the app already has a Katib configuration; register one per app');
    }
    PlatformContext.of(scope).register(KATIB_CONFIG, this);
  }

  /** Whether Katib watches trials of this kind (`apiVersion` as in an object: `batch/v1`, `kubeflow.org/v1`). */
  public watchesTrialKind(apiVersion: string, kind: string): boolean {
    return this.trialResources.includes(KatibConfig._trialResourceOf(apiVersion, kind));
  }
}
