import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { checkReferences, DagDeclarations, TemplateDeclarations } from './references';
import { goDurationOf, PipelineRun, PipelineRunKind } from './run-mode';
import {
  ApprovalStepProps, ContainerStepProps, OutputArtifact, PatchStepProps, PatchStrategy, PipelineParameter, PodStepOptions,
  RetryOn, RolloutStepProps, S3ArtifactLocation, ScriptStepProps, StepRetry, StepTemplateOptions, Synchronization,
  WorkloadStepProps,
} from './steps';
import { ContainerSpec, isImageReference } from '../core/container';
import { wholeSeconds } from '../core/durations';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Subdomain, checkLabels, ResourceNames } from '../core/names';
import { PodTemplate, prune } from '../core/pod-template';
import { PodSecurity, PodSecurityOptions } from '../core/security';
import { StatusContract, StatusSource } from '../core/status-contract';
import { PodVolume } from '../core/volume';
import { placeWorkload, WorkloadBase, WorkloadMetadataProps } from '../core/workload';
import { WorkloadTemplate } from '../core/workload-template';

/** API version of Argo Workflows' objects. */
export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';
const PIPELINE_LABEL = 'ai-platform.cdk8s.io/pipeline';
const NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;
const PARAM_NAME = /^[a-zA-Z0-9_][-a-zA-Z0-9_]*$/;
const ENTRYPOINT = 'main';
/** Names of the templates a resource step waited on by a kubectl step adds after its own. */
const INTERNAL_SUFFIXES = ['-create', '-apply', '-patch', '-wait'];

/** When Argo deletes the pods of finished steps (`podGC.strategy`). */
export enum PodGcStrategy {
  /** Each pod once it completes. */
  ON_POD_COMPLETION = 'OnPodCompletion',
  /** Each pod once it succeeds (failed pods are kept for debugging). */
  ON_POD_SUCCESS = 'OnPodSuccess',
  /** Every pod once the run completes. */
  ON_WORKFLOW_COMPLETION = 'OnWorkflowCompletion',
  /** Every pod once the run succeeds. */
  ON_WORKFLOW_SUCCESS = 'OnWorkflowSuccess',
}

/** How long finished runs are kept (`ttlStrategy`). */
export interface PipelineTtl {
  /**
   * After completion, whatever the outcome.
   * @default - kept
   */
  readonly afterCompletion?: Duration;
  /**
   * After success.
   * @default - kept
   */
  readonly afterSuccess?: Duration;
  /**
   * After failure.
   * @default - kept
   */
  readonly afterFailure?: Duration;
}

/** Props of {@link MLPipeline}. */
export interface MLPipelineProps extends WorkloadMetadataProps {
  /**
   * How the pipeline runs, which decides its kind: once (`Workflow`), as a template (`WorkflowTemplate`) or on
   * schedules (`CronWorkflow`).
   * @default PipelineRun.once()
   */
  readonly run?: PipelineRun;
  /**
   * Parameters of each run (`{{workflow.parameters.<name>}}`).
   * @default []
   */
  readonly parameters?: PipelineParameter[];
  /**
   * Pod security of every step's pod (the pod-level context is set for the whole run).
   * @default - restricted
   */
  readonly security?: PodSecurityOptions;
  /**
   * Service account of the run's pods. When given, the pipeline generates no ServiceAccount or Role: the account
   * must allow what the steps do (see `MLPipeline.rbacRules`).
   * @default - a generated ServiceAccount with a least-privilege Role
   */
  readonly serviceAccountName?: string;
  /**
   * Secrets used to pull the steps' images.
   * @default []
   */
  readonly imagePullSecrets?: string[];
  /**
   * Labels of every pod of a run.
   * @default {}
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Annotations of every pod of a run.
   * @default {}
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Most steps running at the same time.
   * @default - no limit
   */
  readonly parallelism?: number;
  /**
   * Longest time a run may take.
   * @default - no limit
   */
  readonly timeout?: Duration;
  /**
   * Retries of every step that sets none.
   * @default - none
   */
  readonly retry?: StepRetry;
  /**
   * Mutexes and semaphores each run holds.
   * @default - none
   */
  readonly synchronization?: Synchronization;
  /**
   * When the pods of finished steps are deleted.
   * @default - kept until the run is deleted
   */
  readonly podGc?: PodGcStrategy;
  /**
   * How long finished runs are kept.
   * @default - the controller's default
   */
  readonly ttl?: PipelineTtl;
  /**
   * Image of the steps that wait on a workload whose status Argo's resource conditions cannot read (conditions
   * lists): it needs `sh` and `kubectl`.
   * @default MLPipeline.DEFAULT_WAIT_IMAGE
   */
  readonly waitImage?: string;
}

/** The kind of a step template. */
export enum StepKind {
  /** A container. */
  CONTAINER = 'container',
  /** A script run by an interpreter. */
  SCRIPT = 'script',
  /** A workload of the library, created and waited on. */
  WORKLOAD = 'workload',
  /** A long-running object applied and waited on until ready. */
  ROLLOUT = 'rollout',
  /** A patch of a long-running object, waited on until ready. */
  PATCH = 'patch',
  /** A pause until resumed (approval). */
  APPROVAL = 'approval',
}

/**
 * A step template of a pipeline: what a task runs. Created with the pipeline's `add*` methods; tasks run it with
 * {@link MLPipeline.addTask}, each with its own arguments.
 */
export class StepTemplate {
  /** @internal */
  public static _create(
    pipeline: MLPipeline, name: string, kind: StepKind, decl: Omit<TemplateDeclarations, 'name'>, inputs: PipelineParameter[],
    podTemplate?: PodTemplate,
  ): StepTemplate {
    const t = new StepTemplate(pipeline, name, kind, podTemplate);
    t._decl = { name, ...decl };
    t._requiredInputs = inputs.filter(i => i.defaultValue === undefined).map(i => i.name);
    return t;
  }

  /** @internal */
  public _decl!: TemplateDeclarations;
  /** @internal */
  public _requiredInputs: string[] = [];
  /** @internal */
  public _render!: () => any[];
  /** @internal */
  public _rbac: Array<{ apiGroup: string; resource: string; verbs: string[] }> = [];

  private constructor(
    /** The pipeline the template belongs to. */
    public readonly pipeline: MLPipeline,
    /** Name of the Argo template. */
    public readonly name: string,
    /** What the template runs. */
    public readonly kind: StepKind,
    /** The pod template of a container or script step. */
    public readonly podTemplate?: PodTemplate,
  ) {}

  /** Names of the template's output parameters (`{{tasks.<task>.outputs.parameters.<name>}}`). */
  public get outputNames(): string[] {
    return [...this._decl.outputs];
  }
}

/** What a dependency waits for (`depends: "task.Succeeded"`). */
export enum TaskResult {
  /** Succeeded (or was skipped by its `when`): Argo's default for a bare dependency. */
  SUCCEEDED = 'Succeeded',
  /** Failed (failure routing: the dependent runs only then). */
  FAILED = 'Failed',
  /** Erred. */
  ERRORED = 'Errored',
  /** Was skipped by its `when` condition. */
  SKIPPED = 'Skipped',
  /** Completed, whatever the outcome (succeeded, failed or erred). */
  COMPLETED = 'Completed',
}

/** Options of a sequence loop. */
export interface SequenceOptions {
  /**
   * Number of items (from `start`).
   * @default - from start to end
   */
  readonly count?: number;
  /**
   * First number.
   * @default 0
   */
  readonly start?: number;
  /**
   * Last number (with start, instead of count).
   * @default - start + count - 1
   */
  readonly end?: number;
  /**
   * printf format of each item, e.g. `shard-%02d`.
   * @default '%d'
   */
  readonly format?: string;
}

/** A task's loop: it runs once per item, with `{{item}}` (or `{{item.<key>}}`) set. */
export class Loop {
  /** Over a list of strings (`withItems`). */
  public static items(items: string[]): Loop {
    return new Loop({ withItems: items }, undefined);
  }

  /** Over a list of records (`withItems`), read as `{{item.<key>}}`. */
  public static records(records: Array<{ [key: string]: string }>): Loop {
    const keys = records.length ? Object.keys(records[0]).filter(k => records.every(r => k in r)) : [];
    return new Loop({ withItems: records }, keys);
  }

  /** Over a JSON list another task outputs, e.g. `{{tasks.split.outputs.result}}` (`withParam`). */
  public static param(reference: string): Loop {
    return new Loop({ withParam: reference }, undefined);
  }

  /** Over numbers (`withSequence`). */
  public static sequence(options: SequenceOptions): Loop {
    const text = (n: number | undefined) => n?.toString();
    const withSequence = { count: text(options.count), start: text(options.start), end: text(options.end), format: options.format };
    return new Loop({ withSequence }, undefined);
  }

  private constructor(
    /** @internal */ public readonly _rendered: any,
    /** @internal */ public readonly _itemKeys: string[] | undefined,
  ) {}
}

/** Options of {@link MLPipeline.addTask}. */
export interface TaskOptions {
  /**
   * Values of the template's input parameters (references such as `{{tasks.etl.outputs.parameters.name}}` and
   * `{{workflow.parameters.bucket}}` are checked at synth).
   * @default {}
   */
  readonly arguments?: { [name: string]: string };
  /**
   * Input artifacts of the template, each from another task's output, e.g. `{{tasks.prep.outputs.artifacts.data}}`.
   * @default {}
   */
  readonly artifacts?: { [name: string]: string };
  /**
   * Run only when this condition holds, e.g. `{{tasks.eval.outputs.result}} > 0.9`.
   * @default - always
   */
  readonly when?: string;
  /**
   * Run once per item.
   * @default - once
   */
  readonly loop?: Loop;
  /**
   * Let the pipeline continue when this task fails (its dependents still run).
   * @default false
   */
  readonly continueOnFailure?: boolean;
  /**
   * Tasks this one runs after (they must succeed).
   * @default []
   */
  readonly dependsOn?: PipelineTask[];
}

/** A task of a pipeline's DAG: a step template run with arguments, after the tasks it depends on. */
export class PipelineTask {
  /** @internal */
  public readonly _depends: Array<{ task: PipelineTask; result: TaskResult }> = [];

  /** @internal */
  constructor(
    /** The pipeline. */
    public readonly pipeline: MLPipeline,
    /** Name of the task (`{{tasks.<name>...}}`). */
    public readonly name: string,
    /** The template it runs. */
    public readonly template: StepTemplate,
    /** Its options. */
    public readonly options: TaskOptions,
  ) {}

  /** Runs this task after `tasks` succeed. Returns this task. */
  public dependsOn(...tasks: PipelineTask[]): PipelineTask {
    for (const t of tasks) this._depends.push({ task: t, result: TaskResult.SUCCEEDED });
    return this;
  }

  /** Runs this task only when `task` ends with `result` (e.g. `TaskResult.FAILED` for failure routing). Returns this task. */
  public runsOn(task: PipelineTask, result: TaskResult): PipelineTask {
    this._depends.push({ task, result });
    return this;
  }

  /** Runs `tasks` after this one: `a.then(b, c)` is Hera's `A >> [B, C]`. Returns this task. */
  public then(...tasks: PipelineTask[]): PipelineTask {
    for (const t of tasks) t.dependsOn(this);
    return this;
  }
}

/** A rule of the pipeline's Role. */
export interface PipelineRbacRule {
  /** API group (`''` for core). */
  readonly apiGroup: string;
  /** Resource (plural). */
  readonly resource: string;
  /** Verbs. */
  readonly verbs: string[];
}

/**
 * An ML pipeline on Argo Workflows: a typed DAG of steps (containers and scripts on the library's restricted pods,
 * any workload of the library created and waited on through its status contract, rollouts and patches of
 * long-running objects, approvals), emitted as a `Workflow`, `WorkflowTemplate` or `CronWorkflow` depending on
 * how it runs, with the ServiceAccount and least-privilege Role its pods need. Every `{{...}}` reference is checked
 * at synth against what the pipeline declares; cycles and unknown dependencies are synth-time errors.
 *
 * ```ts
 * const p = new MLPipeline(this, 'diamond');
 * const echo = p.addScript('echo', { image: 'python:3.12', source: 'print("{{inputs.parameters.message}}")', inputs: [{ name: 'message' }] });
 * const [a, b, c, d] = ['A', 'B', 'C', 'D'].map(n => p.addTask(n, echo, { arguments: { message: n } }));
 * p.chain([a], [b, c], [d]);
 * ```
 */
export class MLPipeline extends WorkloadBase {
  /** Default image of the steps that wait on conditions (`sh` and `kubectl` 1.34). */
  public static readonly DEFAULT_WAIT_IMAGE = 'docker.io/alpine/k8s:1.34.1';

  /**
   * How a pipeline run's state is read: a Workflow's `.status.phase` is `Succeeded`, or `Failed`/`Error`; the message
   * is in `.status.message`. A WorkflowTemplate has no status: its runs are Workflows, read with this contract.
   */
  public static readonly STATUS: StatusContract = {
    apiVersion: ARGO_API_VERSION,
    kind: 'Workflow',
    source: StatusSource.FIELD,
    path: '.status.phase',
    succeeded: ['Succeeded'],
    failed: ['Failed', 'Error'],
    inProgress: ['Pending', 'Running'],
    messagePath: '.status.message',
    completes: true,
  };

  /**
   * How a scheduled pipeline's state is read: a CronWorkflow's `.status.phase` is `Active` while it schedules runs
   * and `Stopped` once its stop strategy ended it; each run is a Workflow read with {@link MLPipeline.STATUS}.
   */
  public static readonly SCHEDULED_STATUS: StatusContract = {
    apiVersion: ARGO_API_VERSION,
    kind: 'CronWorkflow',
    source: StatusSource.FIELD,
    path: '.status.phase',
    succeeded: ['Active'],
    failed: ['Stopped'],
    completes: false,
  };

  /**
   * Declares a MLPipeline from its spec: the JSON form of its props, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` MLPipeline custom resource (quantities as strings, durations as Go durations,
   * one-of choices as `{ "<factory>": { <arguments> } }`; see docs/platform-apis.md). The workload's name is
   * derived from the construct path. An invalid spec throws the library's ValidationError naming `spec.<field>`.
   * @param spec the spec
   */
  public static fromSpec(scope: Construct, id: string, spec: any): MLPipeline {
    // the controller module reads the jsii assembly: loaded on first use, not when the library is imported
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadFromSpec('MLPipeline', scope, id, spec) as MLPipeline;
  }

  public readonly apiObject: ApiObject;
  public readonly statusContract: StatusContract;
  /** `main`: the container of a container or script step. */
  public readonly primaryContainerName = 'main';
  /** The kind emitted: `Workflow`, `WorkflowTemplate` or `CronWorkflow`. */
  public readonly kind: string;
  /** The ServiceAccount of the run's pods (generated unless `serviceAccountName` is given). */
  public readonly serviceAccountName: string;

  private readonly props: MLPipelineProps;
  private readonly run: PipelineRun;
  private readonly security: PodSecurity;
  private readonly templates: StepTemplate[] = [];
  private readonly tasks: PipelineTask[] = [];
  private readonly hoisted = new Map<string, any>();
  private exitHandler?: StepTemplate;
  /** The add<Kind>(name, props) call of each template (for toSpec). */
  private readonly stepCalls = new Map<StepTemplate, { method: string; props: any }>();

  constructor(scope: Construct, id: string, props: MLPipelineProps = {}) {
    super(scope, id, {
      ...props,
      labels: { ...(props.labels ?? {}) },
      maxNameLength: 63,
    });
    this.props = props;
    this.run = props.run ?? PipelineRun.once();
    this.kind = this.run.kind;
    this.statusContract = this.run.kind === PipelineRunKind.SCHEDULED ? MLPipeline.SCHEDULED_STATUS : MLPipeline.STATUS;
    this.security = new PodSecurity(props.security);
    const params = props.parameters ?? [];
    params.forEach((p, i) => checkParameter(this, `parameters[${i}]`, p));
    duplicates(this, 'parameters', params.map(p => p.name));
    checkInteger(this, 'parallelism', props.parallelism, 1);
    checkLabels(this, 'podLabels', props.podLabels);
    checkDns1123Subdomain(this, 'serviceAccountName', props.serviceAccountName);
    (props.imagePullSecrets ?? []).forEach((s, i) => checkDns1123Subdomain(this, `imagePullSecrets[${i}]`, s));
    if (props.waitImage !== undefined && !isImageReference(props.waitImage)) invalid(this, 'waitImage', props.waitImage, 'must be an image reference');
    this.run._renderSchedule(this);
    this.security.validate(this, 'security');

    this.apiObject = this.createApiObject(ARGO_API_VERSION, this.run.kind, this.security.annotations());
    this.serviceAccountName = props.serviceAccountName ?? `${this.name.slice(0, 57).replace(/-+$/, '')}-steps`;
    if (props.serviceAccountName === undefined) this.createRbac();
  }

  /**
   * The spec of this MLPipeline: the JSON form of its props as declared and its DAG (`templates`, `tasks`, `exitHandler`: the add<Kind>, addTask and onExit calls), as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` MLPipeline custom resource — the inverse of {@link MLPipeline.fromSpec}:
   * `MLPipeline.fromSpec(scope, id, x.toSpec())` at the same construct path synthesizes what `x` synthesizes. `name` and
   * `namespace` are left out (a resource's metadata); node pools, queues and priority classes are written by name. A value
   * with no spec form (another construct reference, a static constant, an object not made by a static factory), or a
   * change after construction the spec cannot hold (through a pod template's methods or a JSON patch), throws the
   * library's ValidationError naming the field.
   */
  public toSpec(): any {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadToSpec('MLPipeline', this, this.props);
  }

  /** The pod templates of the container and script steps. */
  public get podTemplates(): PodTemplate[] {
    return this.templates.map(t => t.podTemplate).filter((t): t is PodTemplate => t !== undefined);
  }

  /** The rules of the pipeline's Role: the executor's `workflowtaskresults`, and what the resource steps do. */
  public get rbacRules(): PipelineRbacRule[] {
    const rules = new Map<string, { apiGroup: string; resource: string; verbs: Set<string> }>();
    const add = (apiGroup: string, resource: string, verbs: string[]) => {
      const key = `${apiGroup}/${resource}`;
      const rule = rules.get(key) ?? { apiGroup, resource, verbs: new Set<string>() };
      verbs.forEach(v => rule.verbs.add(v));
      rules.set(key, rule);
    };
    add('argoproj.io', 'workflowtaskresults', ['create', 'patch']);
    for (const t of this.templates) for (const r of t._rbac) add(r.apiGroup, r.resource, r.verbs);
    const order = ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'];
    return [...rules.values()].map(r => ({ apiGroup: r.apiGroup, resource: r.resource, verbs: order.filter(v => r.verbs.has(v)) }));
  }

  /** Adds a container step template. */
  public addContainer(name: string, props: ContainerStepProps): StepTemplate {
    return this.recordStep('addContainer', props, this.podStep(name, StepKind.CONTAINER, props, props.container, undefined));
  }

  /** Adds a script step template: `source` run by `command` (Python by default), its standard output the task's `result`. */
  public addScript(name: string, props: ScriptStepProps): StepTemplate {
    const c = props.container ?? {};
    return this.recordStep('addScript', props, this.podStep(name, StepKind.SCRIPT, props, {
      image: props.image,
      command: props.command ?? ['python'],
      env: c.env,
      resources: c.resources,
      volumeMounts: c.volumeMounts,
      imagePullPolicy: c.imagePullPolicy,
      ports: c.ports,
    }, props.source));
  }

  /**
   * Adds a step template that runs a workload of the library: it creates the workload's primary object (named after
   * it, with a generated suffix, owned by the run) and waits until its status contract says it succeeded or failed.
   * Outputs: `name` (the created object's name), `model-uri` when `modelUri` is given, and `outputs`.
   */
  public addWorkload(name: string, props: WorkloadStepProps): StepTemplate {
    this.checkTemplateName(name);
    const field = `templates.${name}`;
    const { workload, rendered } = this.renderWorkload(`${field}.workload`, props.workload);
    const contract = this.contractOf(`${field}.workload`, workload);
    if (!contract.completes) {
      invalid(this, `${field}.workload`, workload.node.id,
        `a ${contract.kind} never completes (its status contract has completes: false); apply it with addRollout(), which waits until it is ready`);
    }
    const outputs = [...(props.outputs ?? [])];
    outputs.forEach((o, i) => checkParamName(this, `${field}.outputs[${i}].name`, o.name));
    if (props.modelUri !== undefined && (typeof props.modelUri !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(props.modelUri))) {
      invalid(this, `${field}.modelUri`, props.modelUri, "must be a URI such as 'oci://registry/models/m:1', 'pvc://claim/path' or 's3://bucket/key'");
    }
    const outputNames = ['name', ...(props.modelUri !== undefined ? ['model-uri'] : []), ...outputs.map(o => o.name)];
    duplicates(this, `${field}.outputs`, outputNames);
    this.hoistAll(`${field}.workload`, rendered.supporting);
    return this.recordStep('addWorkload', props, this.resourceStep(name, StepKind.WORKLOAD, props, contract, outputNames, () => {
      const { rendered: latest } = this.renderWorkload(`${field}.workload`, props.workload);
      const manifest = { ...latest.primary, metadata: { ...latest.primary.metadata, name: undefined, generateName: `${latest.primary.metadata.name}-` } };
      return {
        action: 'create',
        setOwnerReference: true,
        manifest,
        outputs: [
          { name: 'name', valueFrom: { jsonPath: '{.metadata.name}' } },
          ...(props.modelUri !== undefined ? [{ name: 'model-uri', valueFrom: { jqFilter: JSON.stringify(props.modelUri) } }] : []),
          ...outputs.map(o => ({ name: o.name, valueFrom: { jsonPath: o.jsonPath } })),
        ],
      };
    }));
  }

  /**
   * Adds a step template that applies a long-running object (e.g. an InferenceService rollout with a canary) and
   * waits until its status contract says ready. The object keeps its name and outlives the run. Output: `name`.
   */
  public addRollout(name: string, props: RolloutStepProps): StepTemplate {
    this.checkTemplateName(name);
    const field = `templates.${name}`;
    const { workload, rendered } = this.renderWorkload(`${field}.workload`, props.workload);
    const contract = this.contractOf(`${field}.workload`, workload);
    this.hoistAll(`${field}.workload`, rendered.supporting);
    return this.recordStep('addRollout', props, this.resourceStep(name, StepKind.ROLLOUT, props, contract, ['name'], () => {
      const { rendered: latest } = this.renderWorkload(`${field}.workload`, props.workload);
      return { action: 'apply', manifest: latest.primary, outputs: [{ name: 'name', valueFrom: { jsonPath: '{.metadata.name}' } }] };
    }));
  }

  /**
   * Adds a step template that patches a long-running object (e.g. promotes a KServe canary with
   * `{ spec: { predictor: { canaryTrafficPercent: 100 } } }`) and waits until it is ready again.
   */
  public addPatch(name: string, props: PatchStepProps): StepTemplate {
    this.checkTemplateName(name);
    const field = `templates.${name}`;
    const { workload } = this.renderWorkload(`${field}.workload`, props.workload);
    const contract = this.contractOf(`${field}.workload`, workload);
    if (props.patch === null || typeof props.patch !== 'object' || Array.isArray(props.patch) || Object.keys(props.patch).length === 0) {
      invalid(this, `${field}.patch`, props.patch, 'must be a non-empty object, e.g. { spec: { predictor: { canaryTrafficPercent: 100 } } }');
    }
    for (const k of ['apiVersion', 'kind', 'metadata']) {
      if (k in props.patch) invalid(this, `${field}.patch.${k}`, props.patch[k], 'the patched object is the workload; patch its spec');
    }
    return this.recordStep('addPatch', props, this.resourceStep(name, StepKind.PATCH, props, contract, ['name'], () => ({
      action: 'patch',
      mergeStrategy: props.strategy ?? PatchStrategy.MERGE,
      manifest: {
        apiVersion: workload.apiObject.apiVersion,
        kind: workload.apiObject.kind,
        metadata: { name: workload.name, namespace: workload.apiObject.metadata.namespace },
        ...props.patch,
      },
      outputs: [{ name: 'name', valueFrom: { jsonPath: '{.metadata.name}' } }],
    })));
  }

  /** Adds an approval step template: the run pauses there until resumed (or for `duration`). */
  public addApproval(name: string, props: ApprovalStepProps = {}): StepTemplate {
    this.checkTemplateName(name);
    const none = { inputs: [], inputArtifacts: [], outputs: [], outputArtifacts: [], result: false };
    const t = StepTemplate._create(this, name, StepKind.APPROVAL, none, []);
    t._render = () => [{ name, suspend: { duration: goDurationOf(this, `templates.${name}.duration`, props.duration) } }];
    this.templates.push(t);
    return this.recordStep('addApproval', props, t);
  }

  /** Adds a task that runs `template` with `options.arguments`. Task names are unique in the pipeline. */
  public addTask(name: string, template: StepTemplate, options: TaskOptions = {}): PipelineTask {
    const field = `tasks.${name}`;
    if (typeof name !== 'string' || !NAME.test(name) || name.length > 63) {
      invalid(this, 'tasks', name, "task names are letters, digits and '-', starting with a letter or digit, at most 63 characters");
    }
    if (this.tasks.some(t => t.name === name)) invalid(this, 'tasks', name, 'task names must be unique in a pipeline');
    if (!(template instanceof StepTemplate) || template.pipeline !== this) {
      invalid(this, `${field}.template`, template?.name ?? template, 'must be a step template of this pipeline (from its add* methods)');
    }
    const args = options.arguments ?? {};
    for (const k of Object.keys(args)) {
      if (!template._decl.inputs.includes(k)) {
        invalid(this, `${field}.arguments.${k}`, args[k], `template '${template.name}' declares no input parameter '${k}' (declared: ${template._decl.inputs.map(i => `'${i}'`).join(', ') || 'none'})`);
      }
      if (typeof args[k] !== 'string') invalid(this, `${field}.arguments.${k}`, args[k], 'must be a string');
    }
    for (const required of template._requiredInputs) {
      if (!(required in args)) invalid(this, `${field}.arguments`, args, `template '${template.name}' needs a value for its input parameter '${required}'`);
    }
    for (const k of Object.keys(options.artifacts ?? {})) {
      if (!template._decl.inputArtifacts.includes(k)) invalid(this, `${field}.artifacts.${k}`, options.artifacts![k], `template '${template.name}' declares no input artifact '${k}'`);
    }
    const task = new PipelineTask(this, name, template, options);
    for (const d of options.dependsOn ?? []) task.dependsOn(d);
    this.tasks.push(task);
    return task;
  }

  /**
   * Runs stages one after another, each stage's tasks in parallel: `chain([a], [b, c], [d])` is Hera's
   * `A >> [B, C] >> D`; `chain([a], [b], [c])` is a plain sequence.
   */
  public chain(...stages: PipelineTask[][]): void {
    for (let i = 1; i < stages.length; i++) {
      for (const next of stages[i]) next.dependsOn(...stages[i - 1]);
    }
  }

  /** Runs `template` when a run ends, whatever its outcome (`{{workflow.status}}` tells which). */
  public onExit(template: StepTemplate): void {
    if (!(template instanceof StepTemplate) || template.pipeline !== this) invalid(this, 'exitHandler', template, 'must be a step template of this pipeline');
    if (template._requiredInputs.length) invalid(this, 'exitHandler', template.name, 'an exit handler takes no arguments: give its inputs defaults');
    this.exitHandler = template;
  }

  protected renderSpec(): any {
    const workflowSpec = this.renderWorkflowSpec();
    if (this.run.kind === PipelineRunKind.SCHEDULED) {
      return { ...this.run._renderSchedule(this), workflowMetadata: { labels: this._runLabels() }, workflowSpec };
    }
    return workflowSpec;
  }

  /** The Workflow spec (shared by every run mode). @internal */
  public _workflowSpec(): any {
    return this.renderWorkflowSpec();
  }

  /**
   * The DAG as it was built: each template with the `add<Kind>(name, props)` call that made it, the tasks (name,
   * template, options, dependencies) in order, and the exit handler (for toSpec). @internal
   */
  public _builderCalls(): { templates: Array<{ name: string; method: string; props: any }>; tasks: PipelineTask[]; exitHandler?: string } {
    return {
      templates: this.templates.map(t => ({ name: t.name, ...this.stepCalls.get(t)! })),
      tasks: [...this.tasks],
      exitHandler: this.exitHandler?.name,
    };
  }

  /** Labels every run carries (archive-friendly: select a pipeline's archived runs by them). @internal */
  public _runLabels(): { [key: string]: string } {
    return { [PIPELINE_LABEL]: this.name, ...(this.props.labels ?? {}) };
  }

  /** The parameters of the pipeline. @internal */
  public get _parameters(): PipelineParameter[] {
    return this.props.parameters ?? [];
  }

  private renderWorkflowSpec(): any {
    if (this.tasks.length === 0) invalid(this, 'tasks', [], 'a pipeline needs at least one task (addTask)');
    const byName = new Map(this.tasks.map(t => [t.name, t]));
    // unknown dependencies, then cycles
    for (const t of this.tasks) {
      for (const d of t._depends) {
        if (byName.get(d.task.name) !== d.task) {
          invalid(this, `tasks.${t.name}.dependsOn`, d.task.name, `the pipeline has no such task (tasks: ${this.tasks.map(x => `'${x.name}'`).join(', ')}); add it with addTask() on this pipeline`);
        }
      }
    }
    const cycle = findCycle(this.tasks);
    if (cycle) invalid(this, 'tasks', cycle.join(' -> '), 'the dependencies form a cycle; a pipeline is a DAG');
    const ancestors = new Map<string, Set<string>>();
    const ancestorsOf = (t: PipelineTask): Set<string> => {
      const known = ancestors.get(t.name);
      if (known) return known;
      const out = new Set<string>();
      for (const d of t._depends) {
        out.add(d.task.name);
        ancestorsOf(d.task).forEach(a => out.add(a));
      }
      ancestors.set(t.name, out);
      return out;
    };
    this.tasks.forEach(ancestorsOf);
    const dag: DagDeclarations = {
      parameters: this._parameters.map(p => p.name),
      tasks: new Map(this.tasks.map(t => [t.name, t.template._decl])),
      ancestors,
    };

    const templates: any[] = [];
    for (const t of this.templates) {
      const rendered = t._render();
      for (const r of rendered.filter(x => x.name !== `${t.name}-wait`)) checkReferences(this, { field: `templates.${t.name}`, template: t._decl }, dag, withoutInternalDag(r));
      templates.push(...rendered);
    }
    const tasks = this.tasks.map(t => {
      const o = t.options;
      const task = prune({
        name: t.name,
        template: t.template.name,
        depends: t._depends.length ? t._depends.map(d => dependsTerm(d.task.name, d.result)).join(' && ') : undefined,
        arguments: {
          parameters: Object.keys(o.arguments ?? {}).length ? Object.entries(o.arguments!).map(([name, value]) => ({ name, value })) : undefined,
          artifacts: Object.keys(o.artifacts ?? {}).length ? Object.entries(o.artifacts!).map(([name, from]) => ({ name, from })) : undefined,
        },
        when: o.when,
        continueOn: o.continueOnFailure ? { failed: true } : undefined,
        ...(o.loop ? o.loop._rendered : {}),
      });
      checkReferences(this, { field: `tasks.${t.name}`, task: t.name, loops: o.loop !== undefined, itemKeys: o.loop?._itemKeys }, dag, task);
      return task;
    });
    const podLabels = { ...(this.props.podLabels ?? {}), [PIPELINE_LABEL]: this.name };
    const params = this._parameters;
    return prune({
      entrypoint: ENTRYPOINT,
      serviceAccountName: this.serviceAccountName,
      arguments: params.length ? {
        parameters: params.map(p => ({ name: p.name, value: p.defaultValue, enum: p.allowedValues, description: p.description })),
      } : undefined,
      parallelism: this.props.parallelism,
      activeDeadlineSeconds: wholeSeconds(this, 'timeout', this.props.timeout),
      retryStrategy: renderRetry(this, 'retry', this.props.retry),
      synchronization: renderSync(this, 'synchronization', this.props.synchronization),
      podGC: this.props.podGc ? { strategy: this.props.podGc } : undefined,
      ttlStrategy: this.props.ttl ? {
        secondsAfterCompletion: wholeSeconds(this, 'ttl.afterCompletion', this.props.ttl.afterCompletion),
        secondsAfterSuccess: wholeSeconds(this, 'ttl.afterSuccess', this.props.ttl.afterSuccess),
        secondsAfterFailure: wholeSeconds(this, 'ttl.afterFailure', this.props.ttl.afterFailure),
      } : undefined,
      securityContext: this.security.podSecurityContext(),
      imagePullSecrets: this.props.imagePullSecrets?.map(name => ({ name })),
      podMetadata: { labels: podLabels, annotations: this.props.podAnnotations },
      workflowMetadata: this.run.kind === PipelineRunKind.SCHEDULED ? undefined : { labels: this._runLabels() },
      onExit: this.exitHandler?.name,
      templates: [{ name: ENTRYPOINT, dag: { tasks } }, ...templates],
    });
  }

  private createRbac(): void {
    const name = this.serviceAccountName;
    const namespace = this.props.namespace;
    new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
    new ApiObject(this, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace },
      rules: Lazy.any({ produce: () => this.rbacRules.map(r => ({ apiGroups: [r.apiGroup], resources: [r.resource], verbs: r.verbs })) }),
    });
    new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: namespace ?? this.namespace }],
    });
  }

  private checkTemplateName(name: string): void {
    if (typeof name !== 'string' || !NAME.test(name) || name.length > 56) {
      invalid(this, 'templates', name, "template names are letters, digits and '-', starting with a letter or digit, at most 56 characters");
    }
    if (name === ENTRYPOINT) invalid(this, 'templates', name, `'${ENTRYPOINT}' is the pipeline's own DAG template; choose another name`);
    const suffixes = ['', ...INTERNAL_SUFFIXES];
    const mine = suffixes.map(x => `${name}${x}`);
    if (this.templates.some(t => suffixes.some(x => mine.includes(`${t.name}${x}`)))) {
      invalid(this, 'templates', name, 'template names must be unique in a pipeline (resource steps also use <name>-create, -apply, -patch and -wait)');
    }
  }

  private recordStep(method: string, props: any, t: StepTemplate): StepTemplate {
    this.stepCalls.set(t, { method, props });
    return t;
  }

  private podStep(name: string, kind: StepKind, props: PodStepOptions, container: ContainerSpec, source: string | undefined): StepTemplate {
    this.checkTemplateName(name);
    const field = `templates.${name}`;
    const inputs = props.inputs ?? [];
    inputs.forEach((p, i) => checkParameter(this, `${field}.inputs[${i}]`, p));
    duplicates(this, `${field}.inputs`, inputs.map(p => p.name));
    const outputs = props.outputs ?? [];
    outputs.forEach((o, i) => checkParamName(this, `${field}.outputs[${i}].name`, o.name));
    duplicates(this, `${field}.outputs`, outputs.map(o => o.name));
    const inArts = props.inputArtifacts ?? [];
    const outArts = props.outputArtifacts ?? [];
    inArts.forEach((a, i) => checkParamName(this, `${field}.inputArtifacts[${i}].name`, a.name));
    outArts.forEach((a, i) => checkParamName(this, `${field}.outputArtifacts[${i}].name`, a.name));
    if (container === null || typeof container !== 'object') invalid(this, `${field}.container`, container, 'must be a ContainerSpec');
    if (kind === StepKind.SCRIPT && (typeof source !== 'string' || source.trim() === '')) invalid(this, `${field}.source`, source, 'must be a non-empty script');
    const pod = new PodTemplate({
      containers: [{ ...container, name: 'main' }, ...(props.sidecars ?? [])],
      security: props.security ?? this.props.security,
      labels: props.podLabels,
    });
    pod._nameFields({ 'containers[0]': `${field}.container`, '': field });
    placeWorkload(this, `${field}.pool`, pod, props.pool, { runToCompletion: true });
    const t = StepTemplate._create(this, name, kind, {
      inputs: inputs.map(i => i.name),
      inputArtifacts: inArts.map(a => a.name),
      outputs: outputs.map(o => o.name),
      outputArtifacts: outArts.map(a => a.name),
      result: true,
    }, inputs, pod);
    t._render = () => {
      const tpl = pod.toPodTemplateSpec(this, 'main');
      const spec = { ...tpl.spec };
      const [main, ...sidecars] = spec.containers;
      const picked = ['nodeSelector', 'tolerations', 'affinity', 'priorityClassName', 'schedulerName', 'volumes', 'initContainers', 'securityContext'];
      const rest: any = {};
      for (const [k, v] of Object.entries(spec)) {
        if (!picked.includes(k) && !['containers', 'automountServiceAccountToken', 'serviceAccountName', 'restartPolicy', 'terminationGracePeriodSeconds', 'imagePullSecrets'].includes(k)) rest[k] = v;
      }
      return [prune({
        name,
        inputs: {
          parameters: inputs.length ? inputs.map(renderParam) : undefined,
          artifacts: inArts.length ? inArts.map(a => ({ name: a.name, path: a.path, s3: renderS3(a.s3) })) : undefined,
        },
        outputs: {
          parameters: outputs.length ? outputs.map(o => ({ name: o.name, valueFrom: { path: o.path } })) : undefined,
          artifacts: outArts.length ? outArts.map((a: OutputArtifact) => ({ name: a.name, path: a.path, s3: renderS3(a.s3) })) : undefined,
        },
        metadata: tpl.metadata,
        ...(kind === StepKind.SCRIPT ? { script: { ...main, source } } : { container: main }),
        sidecars: sidecars.length ? sidecars : undefined,
        initContainers: spec.initContainers,
        volumes: spec.volumes,
        // the run's pod security context is set once, for every pod
        securityContext: sameJson(spec.securityContext, this.security.podSecurityContext()) ? undefined : spec.securityContext,
        nodeSelector: spec.nodeSelector,
        tolerations: spec.tolerations,
        affinity: spec.affinity,
        priorityClassName: spec.priorityClassName,
        schedulerName: spec.schedulerName,
        podSpecPatch: Object.keys(rest).length ? JSON.stringify(rest) : undefined,
        ...common(this, field, props),
      })];
    };
    t._render(); // fail at declaration
    this.templates.push(t);
    return t;
  }

  private renderWorkload(field: string, template: WorkloadTemplate): { workload: any; rendered: any } {
    if (!(template instanceof WorkloadTemplate)) invalid(this, field, template, 'must be a WorkloadTemplate with one workload declared in its scope');
    const workload = template.workload;
    // the step runs on this pipeline's platform: the workload sees its app's installs, configuration and pools
    template.renderFor(this);
    const rendered = template.render();
    const ns = rendered.primary.metadata?.namespace;
    const mine = this.namespace;
    if (ns !== undefined && mine !== undefined && ns !== mine) {
      invalid(this, field, ns, `the workload is in namespace '${ns}' but the pipeline runs in '${mine}' (a run owns and waits on objects of its own namespace); declare the WorkloadTemplate with namespace '${mine}'`);
    }
    return { workload, rendered };
  }

  private hoistAll(field: string, objects: any[]): void {
    // check every object first: a conflict leaves nothing emitted
    for (const o of objects) this.hoist(field, o, false);
    for (const o of objects) this.hoist(field, o, true);
  }

  private hoist(field: string, obj: any, emit: boolean): void {
    const key = `${obj.apiVersion}/${obj.kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    const known = this.hoisted.get(key);
    if (known !== undefined) {
      if (JSON.stringify(known) !== JSON.stringify(obj)) {
        invalid(this, field, `${obj.kind}/${obj.metadata?.name}`, 'another step emits a different object of the same kind and name; give the workloads different names');
      }
      return;
    }
    if (!emit) return;
    this.hoisted.set(key, obj);
    const id = `${obj.kind}-${obj.metadata?.name}`.replace(/[^A-Za-z0-9-]/g, '-');
    new ApiObject(this, id, { ...obj });
  }

  private contractOf(field: string, workload: any): StatusContract {
    const c: StatusContract | undefined = workload.statusContract;
    const ok = c && typeof c === 'object' && typeof c.apiVersion === 'string' && typeof c.kind === 'string'
      && (c.source === StatusSource.FIELD || c.source === StatusSource.CONDITIONS) && typeof c.path === 'string' && c.path.startsWith('.')
      && Array.isArray(c.succeeded) && c.succeeded.length > 0 && Array.isArray(c.failed);
    if (!ok) {
      invalid(this, field, workload.node?.id ?? workload,
        'the workload has no usable status contract (source, a path such as .status.phase and at least one succeeded value): a step cannot tell when it is done');
    }
    return c!;
  }

  private resourceStep(
    name: string, kind: StepKind, options: StepTemplateOptions, contract: StatusContract, outputNames: string[],
    produce: () => { action: string; manifest: any; setOwnerReference?: boolean; mergeStrategy?: string; outputs: any[] },
  ): StepTemplate {
    const field = `templates.${name}`;
    const inputs = options.inputs ?? [];
    inputs.forEach((p, i) => checkParameter(this, `${field}.inputs[${i}]`, p));
    duplicates(this, `${field}.inputs`, inputs.map(p => p.name));
    const decl = { inputs: inputs.map(i => i.name), inputArtifacts: [], outputs: outputNames, outputArtifacts: [], result: false };
    const t = StepTemplate._create(this, name, kind, decl, inputs);
    const [group, version] = contract.apiVersion.includes('/') ? contract.apiVersion.split('/') : ['', contract.apiVersion];
    const resource = plural(contract.kind);
    const verbs = kind === StepKind.WORKLOAD ? ['create', 'get'] : kind === StepKind.ROLLOUT ? ['get', 'create', 'patch'] : ['get', 'patch'];
    t._rbac = [{ apiGroup: group, resource, verbs }];
    const conditions = fieldConditions(contract);
    t._render = () => {
      const r = produce();
      const manifest = YAML.stringify(prune(r.manifest), { lineWidth: 0 });
      const inputParams = inputs.length ? { parameters: inputs.map(renderParam) } : undefined;
      const resourceTemplate = (tplName: string, withConditions: boolean) => prune({
        name: tplName,
        inputs: inputParams,
        outputs: { parameters: r.outputs },
        resource: {
          action: r.action,
          mergeStrategy: r.mergeStrategy,
          setOwnerReference: r.setOwnerReference,
          manifest,
          successCondition: withConditions ? conditions?.success : undefined,
          failureCondition: withConditions ? conditions?.failure : undefined,
        },
      });
      if (conditions) {
        return [{ ...resourceTemplate(name, true), ...common(this, field, options) }];
      }
      // Argo's resource conditions are label selectors over gjson paths: they cannot pick an element of a
      // conditions list. A restricted kubectl step waits on the contract instead.
      const passInputs = inputs.length ? { parameters: inputs.map(i => ({ name: i.name, value: `{{inputs.parameters.${i.name}}}` })) } : undefined;
      const { timeout, ...outer } = common(this, field, options);
      const waitPod = new PodTemplate({
        containers: [{
          name: 'main',
          image: this.props.waitImage ?? MLPipeline.DEFAULT_WAIT_IMAGE,
          command: ['sh'],
          env: {},
          volumeMounts: [{ volume: PodVolume.fromEmptyDir('home'), path: '/home/wait' }],
        }],
        security: this.props.security,
      });
      const waitSpec = waitPod.toPodTemplateSpec(this, 'main').spec;
      const resourceArg = group ? `${resource}.${version}.${group}` : resource;
      return [
        prune({
          name,
          inputs: inputParams,
          outputs: { parameters: outputNames.map(o => ({ name: o, valueFrom: { parameter: `{{tasks.${r.action}.outputs.parameters.${o}}}` } })) },
          dag: {
            tasks: [
              { name: r.action, template: `${name}-${r.action}`, arguments: passInputs },
              {
                name: 'wait',
                template: `${name}-wait`,
                depends: r.action,
                arguments: { parameters: [{ name: 'name', value: `{{tasks.${r.action}.outputs.parameters.name}}` }] },
              },
            ],
          },
          ...outer,
        }),
        resourceTemplate(`${name}-${r.action}`, false),
        prune({
          name: `${name}-wait`,
          inputs: { parameters: [{ name: 'name' }] },
          script: { ...waitSpec.containers[0], env: [{ name: 'HOME', value: '/home/wait' }], source: waitScript(resourceArg, contract) },
          volumes: waitSpec.volumes,
          securityContext: waitSpec.securityContext,
          timeout,
        }),
      ];
    };
    t._render();
    this.templates.push(t);
    return t;
  }
}

function sameJson(a: any, b: any): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function withoutInternalDag(template: any): any {
  // the nested DAG of a waited workload reads its own internal tasks: not user references
  if (!template.dag) return template;
  const { dag, outputs, ...rest } = template;
  return rest;
}

function dependsTerm(task: string, result: TaskResult): string {
  switch (result) {
    case TaskResult.SUCCEEDED: return task;
    case TaskResult.COMPLETED: return `(${task}.Succeeded || ${task}.Failed || ${task}.Errored)`;
    default: return `${task}.${result}`;
  }
}

function findCycle(tasks: PipelineTask[]): string[] | undefined {
  const state = new Map<string, number>(); // 1 visiting, 2 done
  const stack: string[] = [];
  const byName = new Map(tasks.map(t => [t.name, t]));
  const visit = (t: PipelineTask): string[] | undefined => {
    state.set(t.name, 1);
    stack.push(t.name);
    for (const d of t._depends) {
      const s = state.get(d.task.name);
      if (s === 1) return [...stack.slice(stack.indexOf(d.task.name)), d.task.name];
      if (s === undefined) {
        const found = visit(byName.get(d.task.name)!);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(t.name, 2);
    return undefined;
  };
  for (const t of tasks) {
    if (state.get(t.name) === undefined) {
      const found = visit(t);
      if (found) return found.reverse();
    }
  }
  return undefined;
}

/** Label-selector conditions over the contract's state field, when Argo can express them. */
function fieldConditions(contract: StatusContract): { success: string; failure?: string } | undefined {
  if (contract.source !== StatusSource.FIELD) return undefined;
  const key = contract.path.replace(/^\./, '');
  if (!ResourceNames.isQualifiedName(key)) return undefined;
  const values = [...contract.succeeded, ...contract.failed];
  if (!values.every(v => v !== '' && ResourceNames.isLabelValue(v))) return undefined;
  const sel = (vals: string[]) => (vals.length === 1 ? `${key} == ${vals[0]}` : `${key} in (${vals.join(',')})`);
  return { success: sel(contract.succeeded), failure: contract.failed.length ? sel(contract.failed) : undefined };
}

function waitScript(resource: string, contract: StatusContract): string {
  const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const get = (jsonPath: string) => `kubectl get ${resource} "{{inputs.parameters.name}}" -o jsonpath=${q(jsonPath)}`;
  const read = contract.source === StatusSource.CONDITIONS
    ? get(`{range ${contract.path}[?(@.status=="True")]}{.type}{"\\n"}{end}`)
    : get(`{${contract.path}}{"\\n"}`);
  const message = contract.messagePath ? `  ${get(`{${contract.messagePath}}`)} >&2 || true\n` : '';
  return [
    `# waits until ${contract.kind} {{inputs.parameters.name}} ${contract.completes ? 'succeeds' : 'is ready'} (${contract.source} ${contract.path})`,
    'set -u',
    'while true; do',
    '  # a condition of before the latest change does not count: wait until the operator has seen it',
    `  generations=$(${get('{.metadata.generation} {.status.observedGeneration}')}) || generations=""`,
    '  set -- $generations',
    '  if [ $# -eq 2 ] && [ "$1" != "$2" ]; then sleep 10; continue; fi',
    `  state=$(${read}) || state=""`,
    ...contract.succeeded.map(s => `  if printf '%s\\n' "$state" | grep -qx ${q(s)}; then echo ${q(`${contract.kind} ${s}`)}; exit 0; fi`),
    ...contract.failed.map(f => `  if printf '%s\\n' "$state" | grep -qx ${q(f)}; then echo ${q(`${contract.kind} ${f}`)} >&2\n${message}  exit 1; fi`),
    '  sleep 10',
    'done',
    '',
  ].join('\n');
}

/** Lowercase plural of a kind, as Kubernetes resource names are formed. */
export function plural(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

function common(scope: Construct, field: string, o: StepTemplateOptions): any {
  return prune({
    retryStrategy: renderRetry(scope, `${field}.retry`, o.retry),
    timeout: goDurationOf(scope, `${field}.timeout`, o.timeout),
    synchronization: renderSync(scope, `${field}.synchronization`, o.synchronization),
  });
}

function renderRetry(scope: Construct, field: string, r: StepRetry | undefined): any {
  if (!r) return undefined;
  checkInteger(scope, `${field}.limit`, r.limit, 0);
  if (r.limit === undefined) invalid(scope, `${field}.limit`, r.limit, 'must be an integer of at least 0');
  const b = r.backoff;
  if (b && b.factor !== undefined && (!Number.isInteger(b.factor) || b.factor < 1)) invalid(scope, `${field}.backoff.factor`, b.factor, 'must be an integer of at least 1');
  return prune({
    limit: r.limit,
    retryPolicy: r.retryOn ?? RetryOn.FAILURE,
    backoff: b ? {
      duration: goDurationOf(scope, `${field}.backoff.duration`, b.duration),
      factor: b.factor,
      cap: goDurationOf(scope, `${field}.backoff.maxDelay`, b.maxDelay),
      maxDuration: goDurationOf(scope, `${field}.backoff.maxDuration`, b.maxDuration),
    } : undefined,
  });
}

function renderSync(scope: Construct, field: string, s: Synchronization | undefined): any {
  if (!s) return undefined;
  (s.mutexes ?? []).forEach((m, i) => checkParamName(scope, `${field}.mutexes[${i}]`, m));
  (s.semaphores ?? []).forEach((m, i) => checkDns1123Subdomain(scope, `${field}.semaphores[${i}].configMapName`, m.configMapName));
  return prune({
    mutexes: s.mutexes?.length ? s.mutexes.map(name => ({ name })) : undefined,
    semaphores: s.semaphores?.length ? s.semaphores.map(m => ({ configMapKeyRef: { name: m.configMapName, key: m.key } })) : undefined,
  });
}

function renderParam(p: PipelineParameter): any {
  return { name: p.name, default: p.defaultValue, enum: p.allowedValues, description: p.description };
}

function renderS3(s: S3ArtifactLocation | undefined): any {
  if (!s) return undefined;
  return prune({
    key: s.key,
    bucket: s.bucket,
    endpoint: s.endpoint,
    region: s.region,
    insecure: s.insecure,
    accessKeySecret: s.accessKey ? { name: s.accessKey.name, key: s.accessKey.key } : undefined,
    secretKeySecret: s.secretKey ? { name: s.secretKey.name, key: s.secretKey.key } : undefined,
  });
}

function checkParamName(scope: Construct, field: string, name: string): void {
  if (typeof name !== 'string' || !PARAM_NAME.test(name) || name.length > 63) {
    invalid(scope, field, name, "names are letters, digits, '-' and '_', starting with a letter, digit or '_', at most 63 characters");
  }
}

function checkParameter(scope: Construct, field: string, p: PipelineParameter): void {
  checkParamName(scope, `${field}.name`, p?.name);
  if (p.allowedValues !== undefined && p.defaultValue !== undefined && !p.allowedValues.includes(p.defaultValue)) {
    invalid(scope, `${field}.defaultValue`, p.defaultValue, `must be one of the parameter's allowedValues (${p.allowedValues.map(e => `'${e}'`).join(', ')})`);
  }
}

function duplicates(scope: Construct, field: string, names: string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) invalid(scope, field, n, 'names must be unique');
    seen.add(n);
  }
}
