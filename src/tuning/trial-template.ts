import { Construct, IConstruct } from 'constructs';
import { BatchJob, BatchJobProps } from '../compute/batch-job';
import { Errors, invalid, ValidationError } from '../core/errors';
import { StatusContract, StatusSource } from '../core/status-contract';
import { IWorkload, RenderedWorkload, WorkloadBase } from '../core/workload';
import { WorkloadTemplate } from '../core/workload-template';
import { DistributedTraining, DistributedTrainingProps } from '../training/distributed-training';
import { FineTuning, FineTuningProps } from '../training/fine-tuning';

/** Options of {@link TrialTemplate.fromWorkloadTemplate}. */
export interface TrialTemplateOptions {
  /**
   * Labels of the trial's primary pod, where Katib injects the metrics collector (`primaryPodLabels`).
   * @default - the kind's: `training.kubeflow.org/job-role: master` for Training Operator v1 jobs; the first node
   * of a TrainJob; the driver of a SparkApplication; every pod of a batch Job
   */
  readonly primaryPodLabels?: { [key: string]: string };
}

/** The trial, rendered for `spec.trialTemplate`. @internal */
export interface RenderedTrial {
  readonly trialSpec: any;
  readonly primaryContainerName: string;
  readonly primaryPodLabels?: { [key: string]: string };
  readonly successCondition: string;
  readonly failureCondition: string;
  readonly workload: IWorkload;
}

/** Where a trial was declared: how its errors are reported. @internal */
export interface TrialBinding {
  /** The experiment: errors name its path. */
  readonly experiment: IConstruct;
  /** The experiment's namespace. */
  readonly namespace?: string;
}

type Factory = (scope: Construct, id: string) => IWorkload;

/** Id of the private chart the factories declare the trial workload in. */
const TRIAL_CHART = 'trial';

/**
 * The workload each trial of a {@link HyperparameterExperiment} runs: any workload of the library, rendered in
 * isolation (it is not emitted by the app; Katib creates one per trial, named after the trial, in the
 * experiment's namespace). Its primary container, primary pod labels and success and failure conditions come
 * from the workload's own status contract.
 *
 * Put search parameters into it through their placeholders (`lr.placeholder` in `args`, `env` or any string prop).
 *
 * ```ts
 * trial: TrialTemplate.fineTuning({ model, dataset, pool, queue, torchtuneOverrides: [`optimizer.lr=${lr.placeholder}`] }),
 * ```
 */
export class TrialTemplate {
  /** Each trial runs a batch Job (what the Katib examples and the SDK's `tune()` use). */
  public static batchJob(props: BatchJobProps): TrialTemplate {
    return new TrialTemplate((scope, id) => new BatchJob(scope, id, props), {});
  }

  /** Each trial runs a distributed training (a TrainJob or a Training Operator v1 job). */
  public static distributedTraining(props: DistributedTrainingProps): TrialTemplate {
    return new TrialTemplate((scope, id) => new DistributedTraining(scope, id, props), {});
  }

  /**
   * Each trial runs a fine-tune. With the Training Operator v1 its volume becomes a per-pod ephemeral volume
   * (see {@link HyperparameterExperiment}), so a trial has one worker.
   */
  public static fineTuning(props: FineTuningProps): TrialTemplate {
    return new TrialTemplate((scope, id) => new FineTuning(scope, id, props), {});
  }

  /**
   * Each trial runs the workload declared in `template` (any workload of the library; its namespace, if any,
   * must be the experiment's).
   */
  public static fromWorkloadTemplate(template: WorkloadTemplate, options: TrialTemplateOptions = {}): TrialTemplate {
    return new TrialTemplate(undefined, options, template);
  }

  private constructor(
    private readonly factory: Factory | undefined,
    private readonly options: TrialTemplateOptions,
    private readonly given?: WorkloadTemplate,
  ) {}

  /**
   * Declares the trial's workload for `binding.experiment` (a factory's in a private template with the
   * experiment's namespace) and returns the template to render. @internal
   */
  public _bind(binding: TrialBinding): BoundTrial {
    if (this.given !== undefined) {
      if (!(this.given instanceof WorkloadTemplate)) {
        invalid(binding.experiment, 'trial', this.given, 'TrialTemplate.fromWorkloadTemplate() takes a WorkloadTemplate with one workload declared in its scope');
      }
      this.given.renderFor(binding.experiment); // the trial runs on the experiment's platform
      return new BoundTrial(binding, this.given, this.options);
    }
    const template = new WorkloadTemplate({ namespace: binding.namespace, chartId: TRIAL_CHART, platform: binding.experiment });
    try {
      this.factory!(template.scope, binding.experiment.node.id);
    } catch (e) {
      throw asTrialError(e, binding.experiment);
    }
    return new BoundTrial(binding, template, this.options);
  }
}

/** A trial template declared for one experiment. @internal */
export class BoundTrial {
  constructor(
    private readonly binding: TrialBinding,
    public readonly template: WorkloadTemplate,
    private readonly options: TrialTemplateOptions,
  ) {}

  /** The trial's workload. */
  public get workload(): IWorkload {
    const found = this.template.scope.node.children.filter(c => WorkloadBase.isWorkload(c));
    if (found.length !== 1) {
      invalid(this.binding.experiment, 'trial', found.map(w => w.node.id),
        'declare exactly one workload directly in the scope of the WorkloadTemplate given to TrialTemplate.fromWorkloadTemplate()');
    }
    return this.template.workload;
  }

  /** Renders the trial (errors are reported on the experiment as `trial.<field>`). */
  public render(): RenderedTrial {
    const experiment = this.binding.experiment;
    let rendered: RenderedWorkload;
    const workload = this.workload;
    try {
      rendered = this.template.render();
    } catch (e) {
      throw asTrialError(e, experiment);
    }
    const contract = workload.statusContract;
    if (!contract.completes || contract.failed.length === 0) {
      invalid(experiment, 'trial', `${contract.apiVersion}/${contract.kind}`,
        'a trial must run to completion and be able to fail; this kind is long-running (use a batch Job, a training or a fine-tune)');
    }
    const primary = JSON.parse(JSON.stringify(rendered.primary));
    const namespace = primary.metadata?.namespace;
    if (namespace !== undefined && this.binding.namespace !== undefined && namespace !== this.binding.namespace) {
      invalid(experiment, 'trial.namespace', namespace,
        `Katib creates each trial in the experiment's namespace '${this.binding.namespace}' (a queue must be a LocalQueue of that namespace too)`);
    }
    if (primary.metadata) {
      delete primary.metadata.name;
      delete primary.metadata.namespace;
      if (Object.keys(primary.metadata).length === 0) delete primary.metadata;
    }
    for (const object of rendered.supporting) {
      if (object.kind === 'PersistentVolumeClaim' && (object.apiVersion === 'v1')) {
        perPodClaim(experiment, primary, object);
      } else {
        invalid(experiment, 'trial', object.kind,
          `the trial workload also creates ${object.kind} '${object.metadata?.name}', but Katib creates only the trial's primary object for each trial; `
          + 'declare this object in the app and reference it');
      }
    }
    return {
      trialSpec: primary,
      primaryContainerName: workload.primaryContainerName,
      primaryPodLabels: this.options.primaryPodLabels ?? primaryPodLabels(primary),
      successCondition: gjsonCondition(contract, contract.succeeded),
      failureCondition: gjsonCondition(contract, contract.failed),
      workload,
    };
  }
}

/**
 * A ValidationError of a trial workload the library declared (in its private chart `trial`), reported on the
 * experiment with field `trial.<field>`. Errors of other constructs (a queue, a pool, a template the user declared)
 * keep their own path.
 */
function asTrialError(error: unknown, experiment: IConstruct): unknown {
  if (!Errors.isValidationError(error)) return error;
  const e = error as ValidationError;
  if (e.constructPath !== TRIAL_CHART && !e.constructPath.startsWith(`${TRIAL_CHART}/`)) return e;
  const field = e.field === 'synth' || e.field === 'workload' ? 'trial' : `trial.${e.field}`;
  const out = new ValidationError(experiment, field, undefined, e.accepted);
  const message = `[${out.constructPath}] ${field}: ${e.value} is not valid; ${e.accepted}`;
  Object.assign(out, { value: e.value, message });
  return out;
}

/**
 * A claim of the trial's workload becomes a generic ephemeral volume with the claim's spec: each trial pod gets
 * its own claim, created and deleted with the pod, so parallel trials never share (and overwrite) one. Only one
 * pod of each trial may mount it.
 */
function perPodClaim(experiment: IConstruct, primary: any, claim: any): void {
  const name = claim.metadata?.name;
  let pods = 0;
  visitPodTemplates(primary.spec, (template, replicas) => {
    const volumes: any[] = template.spec?.volumes ?? [];
    volumes.forEach((v, i) => {
      if (v.persistentVolumeClaim?.claimName !== name) return;
      pods += replicas;
      volumes[i] = {
        name: v.name,
        ephemeral: { volumeClaimTemplate: { metadata: claim.metadata?.labels ? { labels: claim.metadata.labels } : undefined, spec: claim.spec } },
      };
      if (volumes[i].ephemeral.volumeClaimTemplate.metadata === undefined) delete volumes[i].ephemeral.volumeClaimTemplate.metadata;
    });
  });
  if (pods > 1) {
    invalid(experiment, 'trial', 'PersistentVolumeClaim',
      `${pods} pods of each trial mount the claim the trial workload creates; it becomes a per-pod ephemeral volume (parallel trials must not share it), `
      + 'so only one pod may mount it: use one worker, or mount a claim declared in the app');
  }
}

/** Calls `fn` for each pod template (`{ metadata?, spec: { containers } }`) under `value`, with its replicas. */
function visitPodTemplates(value: any, fn: (template: any, replicas: number) => void, replicas = 1): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach(v => visitPodTemplates(v, fn, replicas));
    return;
  }
  for (const [key, v] of Object.entries<any>(value)) {
    if (key === 'template' && v && typeof v === 'object' && Array.isArray(v.spec?.containers)) {
      const n = typeof value.replicas === 'number' ? value.replicas : typeof value.parallelism === 'number' ? value.parallelism : 1;
      fn(v, replicas * n);
    } else {
      visitPodTemplates(v, fn, replicas);
    }
  }
}

/** Katib's primary pod labels for the trial's kind (Katib's defaults, and the same facts for other kinds). */
function primaryPodLabels(primary: any): { [key: string]: string } | undefined {
  const group = String(primary.apiVersion).split('/')[0];
  if (primary.kind === 'TrainJob' && group === 'trainer.kubeflow.org') {
    return { 'jobset.sigs.k8s.io/replicatedjob-name': 'node', 'batch.kubernetes.io/job-completion-index': '0' };
  }
  if (group === 'kubeflow.org') {
    // every v1 operator labels its leading pod (Master, Chief, Launcher, or worker 0) with job-role: master
    return { 'training.kubeflow.org/job-role': 'master' };
  }
  if (primary.kind === 'SparkApplication') return { 'spark-role': 'driver' };
  return undefined; // a batch Job: every pod is primary
}

/**
 * The GJSON expression (evaluated by Katib on the trial object) that finds any of `values` in the status the
 * contract describes: an object or a non-empty array when it holds.
 */
export function gjsonCondition(contract: StatusContract, values: string[]): string {
  const path = contract.path.replace(/^\./, '');
  const one = (v: string) => {
    if (contract.source === StatusSource.CONDITIONS) return `${path}.#(type==${JSON.stringify(v)})#|#(status=="True")#`;
    const dot = path.lastIndexOf('.');
    return `[${path.slice(0, dot)}]|#(${path.slice(dot + 1)}==${JSON.stringify(v)})#`;
  };
  return values.length === 1 ? one(values[0]) : `[${values.map(one).join(',')}]|@flatten`;
}
