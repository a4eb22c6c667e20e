import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EarlyStopping, SearchAlgorithm } from './algorithm';
import { KatibConfig } from './katib-config';
import { MetricsCollector } from './metrics-collector';
import { PLACEHOLDER, SearchParameter, TrialMetadata } from './search-space';
import { BoundTrial, RenderedTrial, TrialTemplate } from './trial-template';
import { PlatformContext } from '../core/context';
import { checkInteger, invalid } from '../core/errors';
import { PodTemplate } from '../core/pod-template';
import { PodSecurityLevel } from '../core/security';
import { StatusContract, StatusSource } from '../core/status-contract';
import { WorkloadBase, WorkloadMetadataProps } from '../core/workload';

/** Whether the objective metric is minimized or maximized. */
export enum ObjectiveType {
  /** Lower is better (e.g. a loss). */
  MINIMIZE = 'minimize',
  /** Higher is better (e.g. an accuracy). */
  MAXIMIZE = 'maximize',
}

/** Which of a trial's reported values of a metric counts (`metricStrategies[].value`). */
export enum MetricStrategy {
  /** The lowest reported value. */
  MIN = 'min',
  /** The highest reported value. */
  MAX = 'max',
  /** The last reported value. */
  LATEST = 'latest',
}

/** Options of an {@link Objective}. */
export interface ObjectiveOptions {
  /**
   * Value of the objective metric at which the experiment succeeds (stops early).
   * @default - none: the experiment runs until its trial budget is spent
   */
  readonly goal?: number;
  /**
   * Other metrics collected from each trial (`additionalMetricNames`).
   * @default []
   */
  readonly additionalMetrics?: string[];
  /**
   * Which reported value of a metric counts, per metric (the objective's or an additional one).
   * @default - Katib's: `min` for every metric of a minimizing objective, `max` of a maximizing one
   */
  readonly metricStrategies?: { [metric: string]: MetricStrategy };
}

/** The experiment's objective (`spec.objective`). */
export class Objective {
  /** Maximize `metric` (e.g. `Validation-accuracy`). */
  public static maximize(metric: string, options: ObjectiveOptions = {}): Objective {
    return new Objective(ObjectiveType.MAXIMIZE, metric, options);
  }

  /** Minimize `metric` (e.g. `loss`). */
  public static minimize(metric: string, options: ObjectiveOptions = {}): Objective {
    return new Objective(ObjectiveType.MINIMIZE, metric, options);
  }

  /** Minimize or maximize. */
  public readonly type: ObjectiveType;
  /** The objective metric. */
  public readonly metricName: string;
  /** The goal, if any. */
  public readonly goal?: number;
  /** Other metrics collected. */
  public readonly additionalMetrics: string[];

  private constructor(type: ObjectiveType, metric: string, private readonly options: ObjectiveOptions) {
    this.type = type;
    this.metricName = metric;
    this.goal = options.goal;
    this.additionalMetrics = [...(options.additionalMetrics ?? [])];
  }

  /** Every metric the trials report: the objective's first. */
  public get metrics(): string[] {
    return [this.metricName, ...this.additionalMetrics];
  }

  /** @internal */
  public _validate(scope: Construct): void {
    if (typeof this.metricName !== 'string' || this.metricName.trim() === '' || /\s/.test(this.metricName)) {
      invalid(scope, 'objective.metricName', this.metricName, 'must be a metric name without spaces, e.g. \'Validation-accuracy\'');
    }
    if (this.goal !== undefined && (typeof this.goal !== 'number' || !Number.isFinite(this.goal))) {
      invalid(scope, 'objective.goal', this.goal, 'must be a finite number');
    }
    const seen = new Set<string>([this.metricName]);
    this.additionalMetrics.forEach((m, i) => {
      if (typeof m !== 'string' || m.trim() === '' || /\s/.test(m)) {
        invalid(scope, `objective.additionalMetrics[${i}]`, m, 'must be a metric name without spaces');
      }
      if (m === this.metricName) {
        invalid(scope, `objective.additionalMetrics[${i}]`, m, 'is the objective metric; list only other metrics');
      }
      if (seen.has(m)) invalid(scope, `objective.additionalMetrics[${i}]`, m, 'is listed twice');
      seen.add(m);
    });
    for (const [metric, strategy] of Object.entries(this.options.metricStrategies ?? {})) {
      if (!seen.has(metric)) {
        invalid(scope, `objective.metricStrategies.${metric}`, strategy,
          `names a metric the experiment does not collect; the metrics are ${[...seen].map(m => `'${m}'`).join(', ')}`);
      }
      if (!Object.values(MetricStrategy).includes(strategy)) {
        invalid(scope, `objective.metricStrategies.${metric}`, strategy, `must be one of ${Object.values(MetricStrategy).join(', ')}`);
      }
    }
  }

  /** @internal */
  public _render(): any {
    const strategies = Object.entries(this.options.metricStrategies ?? {}).map(([name, value]) => ({ name, value }));
    return {
      type: this.type,
      goal: this.goal,
      objectiveMetricName: this.metricName,
      additionalMetricNames: this.additionalMetrics.length ? [...this.additionalMetrics] : undefined,
      metricStrategies: strategies.length ? strategies : undefined,
    };
  }
}

/** What Katib does with a finished experiment (`resumePolicy`). */
export enum ResumePolicy {
  /** The experiment cannot be resumed; its suggestion is deleted when it finishes (Katib's default). */
  NEVER = 'Never',
  /** The suggestion keeps running, so the trial budget can be raised to resume the experiment. */
  LONG_RUNNING = 'LongRunning',
  /** The suggestion's state is kept on a volume and restored to resume the experiment. */
  FROM_VOLUME = 'FromVolume',
}

/** Props of {@link HyperparameterExperiment}. `name` is at most 40 characters (Katib's rule). */
export interface HyperparameterExperimentProps extends WorkloadMetadataProps {
  /** What is optimized. */
  readonly objective: Objective;
  /** The search space: at least one parameter, each used by the trial through its placeholder. */
  readonly parameters: SearchParameter[];
  /** What each trial runs. */
  readonly trial: TrialTemplate;
  /**
   * Trial parameters carrying the trial object's metadata (e.g. its name), used through their placeholders.
   * @default []
   */
  readonly trialMetadata?: TrialMetadata[];
  /**
   * Search algorithm.
   * @default SearchAlgorithm.random()
   */
  readonly algorithm?: SearchAlgorithm;
  /**
   * Most trials run in total.
   * @default - no limit: trials run until the goal is reached or maxFailedTrialCount trials failed
   */
  readonly maxTrialCount?: number;
  /**
   * Trials run at the same time (at most maxTrialCount).
   * @default - Katib's 3, or maxTrialCount when it is lower
   */
  readonly parallelTrialCount?: number;
  /**
   * Failed trials after which the experiment fails (at most maxTrialCount).
   * @default - no limit
   */
  readonly maxFailedTrialCount?: number;
  /**
   * Early stopping of trials that do worse than the others.
   * @default - none
   */
  readonly earlyStopping?: EarlyStopping;
  /**
   * How the metrics are collected from each trial.
   * @default MetricsCollector.stdOut()
   */
  readonly metricsCollector?: MetricsCollector;
  /**
   * What happens to the experiment's suggestion when the experiment finishes.
   * @default ResumePolicy.NEVER
   */
  readonly resumePolicy?: ResumePolicy;
  /**
   * Keep each trial's object (and its pods) after it succeeds (`trialTemplate.retain`).
   * @default false
   */
  readonly retainTrials?: boolean;
  /**
   * The Katib installation's configuration the experiment is checked against (trial kinds, algorithms, collectors).
   * @default - the one registered in the app (KatibConfig.register), else Katib v0.19.0's defaults
   */
  readonly katib?: KatibConfig;
}

/** Registry key of namespaces declared in the app (`{ name, labels }`), for the metrics collector check. @internal */
export const NAMESPACES = 'namespace';

/** A namespace declared in the app, as registered under {@link NAMESPACES}. @internal */
export interface DeclaredNamespace {
  readonly name: string;
  readonly labels: { [key: string]: string };
  readonly path: string;
}

const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Names Katib's default text filter reads (`([\w|-]+)\s*=...`). */
const DEFAULT_FILTER_NAME = /^[\w|-]+$/;

/**
 * A Katib hyperparameter tuning experiment (`kubeflow.org/v1beta1` `Experiment`, Katib v0.19.0) whose trials are
 * any workload of the library: a batch Job, a distributed training on either backend, a fine-tune.
 *
 * The experiment is itself a workload (its primary object is the Experiment, its status contract reads its
 * `Succeeded` and `Failed` conditions, the best trial is at {@link HyperparameterExperiment.OPTIMAL_TRIAL_PATH}).
 * Its trial template is rendered from the trial workload in isolation, with the primary container, primary pod
 * labels and success and failure conditions derived from the workload's own status contract and written out
 * (not left to Katib's webhook). Every `${trialParameters.x}` placeholder in the trial must be defined, and every
 * search parameter used, at synth.
 *
 * Cross-checks at synth: the trial kind must be one Katib watches (its configuration's `trialResources`), the
 * algorithm, early stopping rule and metrics collector must be configured, GPU trials must be placed on a node
 * pool of the app, and a namespace declared in the app must allow Katib's metrics collector injection.
 *
 * A claim the trial workload creates (FineTuning's volume on the Training Operator v1) cannot be shared by
 * parallel trials: it becomes a generic ephemeral volume with the same spec, one per trial pod.
 */
export class HyperparameterExperiment extends WorkloadBase {
  /** The namespace label without which Katib injects no metrics collector (every collector but Push needs it). */
  public static readonly METRICS_COLLECTOR_INJECTION_LABEL = 'katib.kubeflow.org/metrics-collector-injection';
  /** Where the best trial so far is: its parameter assignments and observed metrics. */
  public static readonly OPTIMAL_TRIAL_PATH = '.status.currentOptimalTrial';
  /** An experiment succeeds when its goal is reached or its trial budget spent, and fails when too many trials failed. */
  public static readonly STATUS: StatusContract = {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Experiment',
    source: StatusSource.CONDITIONS,
    path: '.status.conditions',
    succeeded: ['Succeeded'],
    failed: ['Failed'],
    inProgress: ['Created', 'Running', 'Restarting'],
    messagePath: '.status.conditions[?(@.type=="Failed")].message',
    completes: true,
  };

  /**
   * Declares a HyperparameterExperiment from its spec: the JSON form of its props, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` HyperparameterExperiment custom resource (quantities as strings, durations as Go durations,
   * one-of choices as `{ "<factory>": { <arguments> } }`; see docs/platform-apis.md). The workload's name is
   * derived from the construct path. An invalid spec throws the library's ValidationError naming `spec.<field>`.
   * @param spec the spec
   */
  public static fromSpec(scope: Construct, id: string, spec: any): HyperparameterExperiment {
    // the controller module reads the jsii assembly: loaded on first use, not when the library is imported
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadFromSpec('HyperparameterExperiment', scope, id, spec) as HyperparameterExperiment;
  }

  /** The Experiment. */
  public readonly apiObject: ApiObject;
  /** {@link HyperparameterExperiment.STATUS}. */
  public readonly statusContract: StatusContract = HyperparameterExperiment.STATUS;
  /** The experiment runs no pods of its own: empty (the trial's primary container is in the trial template). */
  public readonly primaryContainerName: string = '';

  private readonly props: HyperparameterExperimentProps;
  private readonly trial: BoundTrial;
  private readonly algorithm: SearchAlgorithm;
  private readonly collector: MetricsCollector;
  private readonly parallelTrialCount: number;

  constructor(scope: Construct, id: string, props: HyperparameterExperimentProps) {
    super(scope, id, { ...props, maxNameLength: 40 });
    this.props = props;
    if (!NAME.test(this.name) || this.name.length > 40) {
      invalid(this, 'name', this.name, 'must start with a lowercase letter, contain lowercase letters, digits and \'-\', end with a letter or digit and have at most 40 characters (Katib\'s rule)');
    }
    if (!(props.objective instanceof Objective)) {
      invalid(this, 'objective', props.objective, 'must be an Objective, e.g. Objective.maximize(\'Validation-accuracy\')');
    }
    props.objective._validate(this);
    this.checkParameters();
    this.checkBudgets();
    const parallel = this.parallelTrialCount = props.parallelTrialCount ?? Math.min(3, props.maxTrialCount ?? 3);
    this.algorithm = props.algorithm ?? SearchAlgorithm.random();
    if (!(this.algorithm instanceof SearchAlgorithm)) invalid(this, 'algorithm', this.algorithm, 'must be a SearchAlgorithm, e.g. SearchAlgorithm.random()');
    this.algorithm._validate({ scope: this, parameters: props.parameters, parallelTrials: parallel, maxTrials: props.maxTrialCount });
    this.collector = props.metricsCollector ?? MetricsCollector.stdOut();
    if (!(this.collector instanceof MetricsCollector)) invalid(this, 'metricsCollector', this.collector, 'must be a MetricsCollector, e.g. MetricsCollector.stdOut()');
    this.collector._validate(this);
    this.checkMetricNames();
    if (props.earlyStopping !== undefined) {
      if (!(props.earlyStopping instanceof EarlyStopping)) invalid(this, 'earlyStopping', props.earlyStopping, 'must be an EarlyStopping, e.g. EarlyStopping.medianStop()');
      props.earlyStopping._validate(this);
      if (!this.collector.supportsEarlyStopping) {
        invalid(this, 'earlyStopping', props.earlyStopping.algorithmName,
          `Katib applies early stopping in its file metrics collector only (StdOut or File), not with the ${this.collector.kind} collector`);
      }
    }
    if (props.resumePolicy !== undefined && !Object.values(ResumePolicy).includes(props.resumePolicy)) {
      invalid(this, 'resumePolicy', props.resumePolicy, `must be one of ${Object.values(ResumePolicy).join(', ')}`);
    }
    if (!(props.trial instanceof TrialTemplate)) {
      invalid(this, 'trial', props.trial, 'must be a TrialTemplate, e.g. TrialTemplate.batchJob({ containers: [...] })');
    }
    this.trial = props.trial._bind({ experiment: this, namespace: this.namespace });

    this.apiObject = this.createApiObject('kubeflow.org/v1beta1', 'Experiment');
    const context = PlatformContext.of(this);
    context.check(() => this.checkPlatform());
    this.renderSpec(); // validate eagerly
  }

  /**
   * The spec of this HyperparameterExperiment: the JSON form of its props as declared, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` HyperparameterExperiment custom resource — the inverse of {@link HyperparameterExperiment.fromSpec}:
   * `HyperparameterExperiment.fromSpec(scope, id, x.toSpec())` at the same construct path synthesizes what `x` synthesizes. `name` and
   * `namespace` are left out (a resource's metadata); node pools, queues and priority classes are written by name. A value
   * with no spec form (another construct reference, a static constant, an object not made by a static factory), or a
   * change after construction the spec cannot hold (through a pod template's methods or a JSON patch), throws the
   * library's ValidationError naming the field.
   */
  public toSpec(): any {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadToSpec('HyperparameterExperiment', this, this.props);
  }

  /**
   * The Pod Security level the trial pods meet once Katib has injected its metrics collector: `restricted` with
   * the Push collector, or when the Katib configuration's `injectSecurityContext` copies the first container's
   * (restricted) security context to the sidecar; otherwise `baseline`, since the sidecar then has no security
   * context and the restricted standard rejects the pod. A namespace holding the experiment must enforce at most
   * this level. Read at synth (the Katib configuration may be registered after the experiment).
   */
  public get trialPodSecurity(): PodSecurityLevel {
    const own = this.trial.workload.podTemplates.map(t => t.securityLevel);
    const katib = this.props.katib ?? KatibConfig.of(this) ?? KatibConfig.defaults();
    const sidecar = this.collector.injectsSidecar && !katib.injectSecurityContext ? PodSecurityLevel.BASELINE : PodSecurityLevel.RESTRICTED;
    const rank = [PodSecurityLevel.RESTRICTED, PodSecurityLevel.BASELINE, PodSecurityLevel.PRIVILEGED];
    return [sidecar, ...own].reduce((a, l) => (rank.indexOf(l) > rank.indexOf(a) ? l : a), PodSecurityLevel.RESTRICTED);
  }

  /** The trial workload's pod templates (each trial runs them in the experiment's namespace). */
  public get podTemplates(): PodTemplate[] {
    return this.trial.workload.podTemplates;
  }

  protected renderSpec(): any {
    const props = this.props;
    const trial = this.trial.render();
    this.checkPlaceholders(trial);
    const metadata = props.trialMetadata ?? [];
    return {
      parameters: props.parameters.map(p => p._render()),
      objective: props.objective._render(),
      algorithm: this.algorithm._render(),
      earlyStopping: props.earlyStopping?._render(),
      parallelTrialCount: this.parallelTrialCount,
      maxTrialCount: props.maxTrialCount,
      maxFailedTrialCount: props.maxFailedTrialCount,
      metricsCollectorSpec: this.collector._render(this),
      resumePolicy: props.resumePolicy ?? ResumePolicy.NEVER,
      trialTemplate: {
        retain: props.retainTrials ?? false,
        primaryContainerName: trial.primaryContainerName,
        primaryPodLabels: trial.primaryPodLabels,
        successCondition: trial.successCondition,
        failureCondition: trial.failureCondition,
        trialParameters: [
          ...props.parameters.map(p => ({ name: p.trialParameterName, description: p.description, reference: p.name })),
          ...metadata.map(m => ({ name: m.trialParameterName, description: m.description, reference: m.reference })),
        ],
        trialSpec: trial.trialSpec,
      },
    };
  }

  private checkParameters(): void {
    const props = this.props;
    if (!Array.isArray(props.parameters) || props.parameters.length === 0) {
      invalid(this, 'parameters', props.parameters, 'list at least one SearchParameter');
    }
    const names = new Set<string>();
    const trialNames = new Map<string, string>();
    props.parameters.forEach((p, i) => {
      if (!(p instanceof SearchParameter)) invalid(this, `parameters[${i}]`, p, 'must be a SearchParameter, e.g. SearchParameter.double(\'lr\', { min: 0.01, max: 0.05 })');
      p._validate(this, `parameters[${i}]`);
      if (names.has(p.name)) invalid(this, `parameters[${i}].name`, p.name, 'is the name of another parameter');
      names.add(p.name);
      if (trialNames.has(p.trialParameterName)) {
        invalid(this, `parameters[${i}].trialParameterName`, p.trialParameterName, `is already the trial parameter of ${trialNames.get(p.trialParameterName)}`);
      }
      trialNames.set(p.trialParameterName, `parameters[${i}]`);
    });
    const references = new Set<string>();
    (props.trialMetadata ?? []).forEach((m, i) => {
      if (!(m instanceof TrialMetadata)) invalid(this, `trialMetadata[${i}]`, m, 'must be a TrialMetadata, e.g. TrialMetadata.field(\'trialName\', TrialMetadataField.NAME)');
      m._validate(this, `trialMetadata[${i}]`);
      if (trialNames.has(m.trialParameterName)) {
        invalid(this, `trialMetadata[${i}].trialParameterName`, m.trialParameterName, `is already the trial parameter of ${trialNames.get(m.trialParameterName)}`);
      }
      trialNames.set(m.trialParameterName, `trialMetadata[${i}]`);
      if (references.has(m.reference)) invalid(this, `trialMetadata[${i}]`, m.reference, 'another trial parameter carries the same metadata');
      references.add(m.reference);
    });
  }

  private checkBudgets(): void {
    const { maxTrialCount: max, parallelTrialCount: parallel, maxFailedTrialCount: failed } = this.props;
    checkInteger(this, 'maxTrialCount', max, 1);
    checkInteger(this, 'parallelTrialCount', parallel, 1);
    checkInteger(this, 'maxFailedTrialCount', failed, 0);
    if (max !== undefined && parallel !== undefined && parallel > max) {
      invalid(this, 'parallelTrialCount', parallel, `must be at most maxTrialCount (${max})`);
    }
    if (max !== undefined && failed !== undefined && failed > max) {
      invalid(this, 'maxFailedTrialCount', failed, `must be at most maxTrialCount (${max})`);
    }
  }

  /** With Katib's default text filter, metric names must be what it reads. */
  private checkMetricNames(): void {
    if (!this.collector._usesDefaultTextFilter) return;
    this.props.objective.metrics.forEach((m, i) => {
      if (DEFAULT_FILTER_NAME.test(m)) return;
      invalid(this, i === 0 ? 'objective.metricName' : `objective.additionalMetrics[${i - 1}]`, m,
        'Katib\'s default metrics filter reads names of letters, digits, \'_\', \'|\' and \'-\' (lines like \'accuracy=0.9\'); '
        + 'rename the metric or give the collector a metricsFormat');
    });
  }

  /** Every placeholder in the trial is a defined trial parameter, and every trial parameter is used. */
  private checkPlaceholders(trial: RenderedTrial): void {
    const text = JSON.stringify(trial.trialSpec);
    const used = new Set<string>();
    for (const m of text.matchAll(PLACEHOLDER)) used.add(m[1]);
    const defined = new Map<string, string>();
    this.props.parameters.forEach((p, i) => defined.set(p.trialParameterName, `parameters[${i}]`));
    (this.props.trialMetadata ?? []).forEach((m, i) => defined.set(m.trialParameterName, `trialMetadata[${i}]`));
    for (const name of used) {
      if (!defined.has(name)) {
        invalid(this, 'trial', `\${trialParameters.${name}}`,
          `no trial parameter '${name}' is defined; define a search parameter (or its trialParameterName) or a TrialMetadata with that name, `
          + `or use one of ${[...defined.keys()].map(n => `\${trialParameters.${n}}`).join(', ')}`);
      }
    }
    for (const [name, field] of defined) {
      if (!used.has(name)) {
        invalid(this, field, name, `is not used by the trial: put its placeholder \${trialParameters.${name}} in the trial's args, env or a string prop`);
      }
    }
  }

  /** Checks against the app: Katib's configuration, node pools, the namespace's label. */
  private checkPlatform(): void {
    const katib = this.props.katib ?? KatibConfig.of(this) ?? KatibConfig.defaults();
    const trial = this.trial.workload.apiObject;
    if (!katib.watchesTrialKind(trial.apiVersion, trial.kind)) {
      const resource = KatibConfig._trialResourceOf(trial.apiVersion, trial.kind);
      invalid(this, 'trial', resource,
        `Katib watches only the trial kinds of its configuration (${katib.trialResources.join(', ')}); add ${resource} to trialResources `
        + '(and give the katib-controller RBAC on it), or run the trial as another kind');
    }
    if (!katib.suggestions.includes(this.algorithm.algorithmName)) {
      invalid(this, 'algorithm', this.algorithm.algorithmName, `the Katib configuration has no suggestion service for it (${katib.suggestions.join(', ')})`);
    }
    const stopping = this.props.earlyStopping;
    if (stopping && !katib.earlyStoppings.includes(stopping.algorithmName)) {
      invalid(this, 'earlyStopping', stopping.algorithmName, `the Katib configuration has no early stopping service for it (${katib.earlyStoppings.join(', ')})`);
    }
    if (this.collector._needsConfiguredImage && !katib.metricsCollectors.includes(this.collector.kind)) {
      invalid(this, 'metricsCollector', this.collector.kind,
        `the Katib configuration has no image for this collector (${katib.metricsCollectors.join(', ')}); add it to runtime.metricsCollectors`);
    }
    this.checkNamespaceLabel();
  }

  /** A namespace declared in the app must let Katib inject the metrics collector (pull collectors only). */
  private checkNamespaceLabel(): void {
    if (!this.collector.injectsSidecar) return;
    const namespace = this.apiObject.metadata.namespace ?? this.namespace;
    const declared = PlatformContext.of(this).list<DeclaredNamespace>(NAMESPACES).find(n => n.name === namespace);
    if (!declared) return;
    const label = HyperparameterExperiment.METRICS_COLLECTOR_INJECTION_LABEL;
    if (declared.labels[label] !== 'enabled') {
      invalid(this, 'namespace', namespace,
        `Katib injects the ${this.collector.kind} metrics collector only in namespaces labelled ${label}: enabled; label namespace '${namespace}' (${declared.path}) or use MetricsCollector.push()`);
    }
  }
}
