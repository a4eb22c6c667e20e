import { ApiObject, Duration } from 'cdk8s';
import { ImagePullPolicy } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { ReplicaRole, ReplicaRoleOptions } from './replica-role';
import { InitializerSource, ReplicaRestartPolicy, TrainingBackend } from './training-backend';
import { TrainingFramework, V1ReplicaRole } from './training-framework';
import { TrainingRuntimeRef } from './training-runtime-ref';
import {
  admitToQueue, checkJobName, checkRuntimeNamespace, reportAs, runtimePatch, trainingStatusContract, TRAINER_API_VERSION,
  TRAINING_OPERATOR_API_VERSION,
} from './training-util';
import { QueueOptions } from '../compute/queue-options';
import { checkWorkloadProps, Is, NODE_POOL_RULE, Rule } from '../core/checks';
import { ContainerPortSpec, ContainerSpec, PORT_RULE } from '../core/container';
import { wholeSeconds } from '../core/durations';
import { EnvVarValue, renderEnv } from '../core/env';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Label } from '../core/names';
import { INodePool } from '../core/node-pool';
import { Placement } from '../core/placement';
import { PodTemplate, prune } from '../core/pod-template';
import { ComputeResources } from '../core/resources';
import { StatusContract, WorkloadStatus } from '../core/status-contract';
import { MOUNT, PodVolume, PodVolumeMount } from '../core/volume';
import { placeWorkload, WorkloadBase, WorkloadMetadataProps, WorkloadPodOptions } from '../core/workload';

/** Where checkpoints and outputs are written. */
export interface CheckpointStorage {
  /** The volume (usually a PersistentVolumeClaim shared by all workers). */
  readonly volume: PodVolume;
  /**
   * Mount path in the training container; also exported as `CHECKPOINT_DIR`.
   * @default '/mnt/checkpoints'
   */
  readonly path?: string;
}

/** The workers of a training job: how many, their processes, resources and environment. */
export interface TrainingWorkerOptions {
  /**
   * Number of workers (nodes).
   * @default 1
   */
  readonly workers?: number;
  /**
   * Processes per worker (`nprocPerNode` / `numProcPerNode`); at most the GPUs per worker when GPUs are requested.
   * @default - the operator's default (`auto`: one per GPU); FineTuning on the Training Operator v1: 1, as the Kubeflow SDK
   */
  readonly processesPerWorker?: number;
  /**
   * CPU, memory and accelerators per worker.
   * @default - none
   */
  readonly resourcesPerWorker?: ComputeResources;
  /**
   * Environment variables of the training container (secrets by reference: `EnvVarValue.fromSecretKey`).
   * @default {}
   */
  readonly env?: { [name: string]: EnvVarValue };
}

/** Props of {@link DistributedTraining}. `name` must be an RFC 1035 label; `labels` and `annotations` go on the job object. */
export interface DistributedTrainingProps extends WorkloadMetadataProps, WorkloadPodOptions, QueueOptions, TrainingWorkerOptions {
  /**
   * API the intent is rendered for, with the options only that API has (runtime and initializers; run policy).
   * @default TrainingBackend.trainerV2()
   */
  readonly backend?: TrainingBackend;
  /**
   * Training framework (decides v1 kind and replica layout, the main container's name and the default v2 runtime).
   * @default TrainingFramework.pyTorch()
   */
  readonly framework?: TrainingFramework;
  /**
   * Training image. Images must run as a non-root user: pods run as uid 1000 unless `security` says otherwise.
   * @default - required for the Training Operator v1; the runtime's image for Trainer v2
   */
  readonly image?: string;
  /**
   * Entrypoint.
   * @default - the image's (v1) or the runtime's (v2)
   */
  readonly command?: string[];
  /**
   * Arguments.
   * @default - none
   */
  readonly args?: string[];
  /**
   * Image pull policy of the training containers (Training Operator v1; a TrainJob's pull policy is its runtime's,
   * e.g. `TrainingRuntime`'s `trainer.imagePullPolicy`).
   * @default - Kubernetes default (Always for `:latest` or untagged images, IfNotPresent otherwise)
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * Ports of the training container, on every role unless the role sets its own (Training Operator v1; a TrainJob's
   * ports are its runtime's).
   * @default []
   */
  readonly ports?: ContainerPortSpec[];
  /**
   * Per-role pods: what each replica role (launcher, master, chief, parameter server, worker, evaluator) changes in
   * the shared worker spec: command, args, env, resources, restart policy, ports and pool. Each role must exist in the
   * job (e.g. `ReplicaRole.LAUNCHER` for MPI, `ReplicaRole.CHIEF` for a TFJob with a chief) and may be listed once.
   * A Trainer v2 TrainJob can change only `env` per replicated job.
   * @default [] - every role runs the shared worker spec (the v1 MPI launcher: without accelerators)
   */
  readonly roles?: ReplicaRoleOptions[];
  /**
   * Volumes (datasets, caches) mounted into the training container.
   * @default []
   */
  readonly volumeMounts?: PodVolumeMount[];
  /**
   * Checkpoint and output storage.
   * @default - none
   */
  readonly checkpoints?: CheckpointStorage;
  /**
   * Longest the job may run.
   * @default - unlimited
   */
  readonly activeDeadline?: Duration;
  /**
   * Create the job suspended.
   * @default false
   */
  readonly suspend?: boolean;
}

/**
 * What a construct that composes a DistributedTraining (FineTuning) adds to it.
 * @internal
 */
export interface TrainingComposition {
  /** The composing construct: errors name its path, pools and synth-time checks name it. */
  readonly owner: IConstruct;
  /** Maps this construct's error fields to the owner's props. */
  readonly rename: (field: string) => string;
  /** Field names of the pod templates' paths (see `PodTemplate._nameFields`), replacing this construct's own. */
  readonly fieldNames: { [templatePath: string]: string };
  /** Init containers of the leader pod only (the v1 `Master`), e.g. a downloader into a shared volume. */
  readonly leaderInitContainers?: ContainerSpec[];
  /** As the Kubeflow SDK: no replica restart policy unless given, and an empty `runPolicy` kept. */
  readonly sdkRunPolicy?: boolean;
  /**
   * Whether the runtime must have the initializers' jobs (off when the runtime's shape is not known here).
   * @default true
   */
  readonly checkInitializerJobs?: boolean;
}

let composing: TrainingComposition | undefined;

const INT32 = 2147483647;

/** The rules of the training worker props (shared with FineTuning). @internal */
export const TRAINING_WORKER_RULES: { [name: string]: Rule } = {
  workers: Is.integer(1, INT32),
  processesPerWorker: Is.integer(1, INT32),
  resourcesPerWorker: Is.shape({}, 'must be ComputeResources: { cpu?, memory?, accelerator?, ... }'),
  env: Is.present('must be a map of environment variable names to EnvVarValues'),
};

/** The rules of {@link DistributedTrainingProps}; combinations are checked by the constructor. */
const DISTRIBUTED_TRAINING_RULES: { [name: string]: Rule } = {
  ...TRAINING_WORKER_RULES,
  backend: Is.instance('apiName', 'must be a TrainingBackend, e.g. TrainingBackend.trainerV2()'),
  framework: Is.instance('_validate', 'must be a TrainingFramework, e.g. TrainingFramework.pyTorch()'),
  image: Is.string(),
  command: Is.strings(),
  args: Is.strings(),
  volumeMounts: Is.arrayOf(MOUNT),
  checkpoints: Is.shape({
    volume: Is.required(Is.instance('_sameAs', "must be a PodVolume, e.g. PodVolume.fromPersistentVolumeClaim('ckpt', 'my-claim')")),
    path: Is.absolutePath(),
  }, 'must be CheckpointStorage: { volume, path? }'),
  suspend: Is.boolean(),
  imagePullPolicy: Is.enumOf(ImagePullPolicy, 'ImagePullPolicy'),
  ports: Is.arrayOf(PORT_RULE),
  roles: Is.arrayOf(Is.shape({
    role: Is.required(Is.enumOf(ReplicaRole, 'ReplicaRole')),
    command: Is.strings(),
    args: Is.strings(),
    env: Is.present('must be a map of environment variable names to EnvVarValues'),
    resources: Is.shape({}, 'must be ComputeResources: { cpu?, memory?, accelerator?, ... }'),
    restartPolicy: Is.enumOf(ReplicaRestartPolicy, 'ReplicaRestartPolicy'),
    ports: Is.arrayOf(PORT_RULE),
    pool: NODE_POOL_RULE,
  }, 'must be ReplicaRoleOptions: { role, command?, args?, env?, resources?, restartPolicy?, ports?, pool? }')),
  // the TrainJob and runPolicy CRDs: activeDeadlineSeconds has a minimum of 1
  activeDeadline: Is.duration('seconds', 1, INT32),
};

/** The replicated job of a Trainer v2 runtime each role changes. */
const V2_ROLE_JOBS: { [role: string]: string | undefined } = { [ReplicaRole.WORKER]: 'node', [ReplicaRole.LAUNCHER]: 'launcher' };

/** Role options that change the role's pods (the others change its replica spec). */
const ROLE_POD_FIELDS = ['command', 'args', 'env', 'resources', 'ports', 'pool'] as const;

function hasAccelerator(r: ComputeResources | undefined): boolean {
  return r?.accelerator !== undefined && r.accelerator !== null;
}

/** Field names of the workers' pod template after the props the user wrote. */
const FIELD_NAMES = {
  '': '',
  'labels': 'podLabels',
  'annotations': 'podAnnotations',
  'containers[0]': '',
  'containers[0].resources': 'resourcesPerWorker',
};

/**
 * Distributed training: one framework-neutral intent (image, workers, processes, resources, storage, queue,
 * placement), rendered for Kubeflow Trainer v2 (TrainJob) or the Training Operator v1 (PyTorchJob, TFJob, MPIJob,
 * XGBoostJob, JAXJob, PaddleJob). What only one API has is in its {@link TrainingBackend}.
 *
 * Props are checked when the job is declared; the job is rendered at synth, so changes through `podTemplates`
 * (e.g. `podTemplates[0].placement`) made after construction count.
 *
 * Pods meet the restricted Pod Security Standard and run as uid 1000: images that expect root (many framework
 * images do) must tolerate a non-root user, or opt out through `security` with a reason.
 */
export class DistributedTraining extends WorkloadBase {
  /** @internal */
  public static _compose(scope: Construct, id: string, props: DistributedTrainingProps, composition: TrainingComposition): DistributedTraining {
    composing = composition;
    try {
      return new DistributedTraining(scope, id, props);
    } finally {
      composing = undefined;
    }
  }

  /**
   * Declares a DistributedTraining from its spec: the JSON form of its props, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` DistributedTraining custom resource (quantities as strings, durations as Go durations,
   * one-of choices as `{ "<factory>": { <arguments> } }`; see docs/platform-apis.md). The workload's name is
   * derived from the construct path. An invalid spec throws the library's ValidationError naming `spec.<field>`.
   * @param spec the spec
   */
  public static fromSpec(scope: Construct, id: string, spec: any): DistributedTraining {
    // the controller module reads the jsii assembly: loaded on first use, not when the library is imported
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadFromSpec('DistributedTraining', scope, id, spec) as DistributedTraining;
  }

  /** The job object (TrainJob or the v1 kind). */
  public readonly apiObject: ApiObject;
  /** Conditions `Complete` (TrainJob) or `Succeeded` (v1) and `Failed`. */
  public readonly statusContract: StatusContract;
  /** `node` for a TrainJob; the v1 kind's container (`pytorch`, `tensorflow`, `mpi`, `xgboost`, `jax`, `paddle`). */
  public readonly primaryContainerName: string;
  /** The API the job is rendered for. */
  public readonly backend: TrainingBackend;
  /** The training framework. */
  public readonly framework: TrainingFramework;

  private readonly props: DistributedTrainingProps;
  private readonly composition?: TrainingComposition;
  private readonly workers: number;
  private readonly runtime?: TrainingRuntimeRef;
  private readonly workerTemplate: PodTemplate;
  private readonly launcherTemplate?: PodTemplate;
  private readonly leaderTemplate?: PodTemplate;
  /** The v1 roles whose pods a role option changes, with their templates and pools. */
  private readonly launcherTemplates = new Set<PodTemplate>();
  private readonly roleTemplates = new Map<string, { template: PodTemplate; pool?: INodePool; field: string }>();
  private readonly templates: PodTemplate[];

  constructor(scope: Construct, id: string, props: DistributedTrainingProps = {}) {
    super(scope, id, props ?? {});
    this.composition = composing;
    composing = undefined;
    this.props = props;
    try {
      checkWorkloadProps(this, props, DISTRIBUTED_TRAINING_RULES);
      checkJobName(this, this.name);
      this.backend = props.backend ?? TrainingBackend.trainerV2();
      this.backend._check(this, 'backend');
      const framework = this.framework = props.framework ?? TrainingFramework.pyTorch();
      const facts = framework._facts;
      framework._validate(this, 'framework');
      const workers = this.workers = props.workers ?? 1;
      checkInteger(this, 'workers', workers, 1);
      checkInteger(this, 'processesPerWorker', props.processesPerWorker, 1);
      const gpus = props.resourcesPerWorker?.accelerator?.count;
      // (a count below 1 is reported as such when the pods render)
      if (props.processesPerWorker !== undefined && typeof gpus === 'number' && gpus >= 1 && props.processesPerWorker > gpus) {
        invalid(this, 'processesPerWorker', props.processesPerWorker, `must not exceed the GPUs per worker (${gpus}): each process drives one GPU`);
      }
      if (props.processesPerWorker !== undefined && !facts.processes) {
        invalid(this, 'processesPerWorker', props.processesPerWorker, `${facts.id} has no processes-per-worker setting`
          + (facts.id === 'mpi' ? '; set TrainingFramework.mpi({ slotsPerWorker })' : ''));
      }
      const elastic = framework._elastic ?? framework._paddleElastic;
      if (elastic && (workers < elastic.minWorkers || workers > elastic.maxWorkers)) {
        invalid(this, 'workers', workers, `must be between the elastic minWorkers (${elastic.minWorkers}) and maxWorkers (${elastic.maxWorkers})`);
      }
      if (props.checkpoints && props.env?.CHECKPOINT_DIR !== undefined) {
        const given = props.env.CHECKPOINT_DIR._render(this, 'env.CHECKPOINT_DIR', 'CHECKPOINT_DIR');
        invalid(this, 'env.CHECKPOINT_DIR', given.value ?? given.valueFrom,
          `is set to the checkpoint path (${props.checkpoints.path ?? '/mnt/checkpoints'}) when checkpoints is set; remove it from env, or set checkpoints.path`);
      }

      const v1 = this.backend._v1;
      if (v1) {
        if (!facts.v1Kind) {
          invalid(this, 'framework', facts.id, 'the Training Operator v1 has no job kind for this framework; render with TrainingBackend.trainerV2()');
        }
        if (!props.image) invalid(this, 'image', undefined, 'the Training Operator v1 needs the training image');
        checkInteger(this, 'backend.backoffLimit', v1.backoffLimit, 0);
        checkInteger(this, 'backend.gangScheduling.minAvailable', v1.gangScheduling?.minAvailable, 1);
      } else {
        framework._checkTrainerV2(this, 'framework');
        this.runtime = this.checkRuntime();
        for (const f of ['imagePullPolicy', 'ports'] as const) {
          if (props[f] !== undefined) {
            invalid(this, f, props[f], `a Trainer v2.3.0 TrainJob has no ${f} setting (neither trainer nor runtimePatches); `
              + `set it on the runtime's trainer container (TrainingRuntime trainer.${f}), or render with TrainingBackend.trainingOperatorV1()`);
          }
        }
      }
      this.checkRoles();

      const { worker, launcher, leader } = this.createTemplates();
      this.workerTemplate = worker;
      this.launcherTemplate = launcher;
      this.leaderTemplate = leader;
      const owner = this.composition?.owner ?? this;
      placeWorkload(owner, 'pool', worker, props.pool, { runToCompletion: true });
      // the v1 MPI launcher requests no accelerators: on the job's pool only when the workers request none either
      if (launcher && !hasAccelerator(props.resourcesPerWorker)) placeWorkload(owner, 'pool', launcher, props.pool, { runToCompletion: true });
      for (const { template, pool, field } of this.roleTemplates.values()) placeWorkload(owner, field, template, pool, { runToCompletion: true });

      this.apiObject = v1
        ? this.createApiObject(TRAINING_OPERATOR_API_VERSION, facts.v1Kind!)
        : this.createApiObject(TRAINER_API_VERSION, 'TrainJob');
      this.statusContract = trainingStatusContract(v1 !== undefined, this.apiObject.kind);
      this.primaryContainerName = v1 ? facts.v1Container! : 'node';
      this.templates = this.renderedTemplates();
      admitToQueue(this, this.apiObject, props.queue, props.priorityClass);
      if (this.runtime) {
        if (this.backend._v2?.runtime) checkRuntimeNamespace(this, this.runtime, this.apiObject.metadata.namespace ?? props.queue?.namespace);
        const source = this.runtime._source;
        if (source && Construct.isConstruct(source)) this.node.addDependency(source);
      }
      // validate eagerly: what only rendering finds (pods, durations) fails where the job is declared
      this._renderAndKeepSpec(() => this.renderSpecNow());
    } catch (e) {
      throw this.report(e);
    }
  }

  /**
   * The spec of this DistributedTraining: the JSON form of its props as declared, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` DistributedTraining custom resource — the inverse of {@link DistributedTraining.fromSpec}:
   * `DistributedTraining.fromSpec(scope, id, x.toSpec())` at the same construct path synthesizes what `x` synthesizes. `name` and
   * `namespace` are left out (a resource's metadata); node pools, queues and priority classes are written by name. A value
   * with no spec form (another construct reference, a static constant, an object not made by a static factory), or a
   * change after construction the spec cannot hold (through a pod template's methods or a JSON patch), throws the
   * library's ValidationError naming the field.
   */
  public toSpec(): any {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadToSpec('DistributedTraining', this, this.props);
  }

  /**
   * The pod templates, rendered at synth: the workers' first, then those of the other v1 roles in the kind's order
   * (e.g. the MPI launcher's, or a role's that `roles` changes). Changes through their methods after construction
   * count.
   */
  public get podTemplates(): PodTemplate[] {
    return [...this.templates];
  }

  /** How to read the job's outcome (a job put in a queue's namespace is read there). */
  public get status(): WorkloadStatus {
    const namespace = this.apiObject.metadata.namespace ?? this.props.queue?.namespace ?? this.namespace;
    return { contract: this.statusContract, name: this.name, namespace };
  }

  protected renderSpec(): any {
    try {
      return this.renderSpecNow();
    } catch (e) {
      throw this.report(e);
    }
  }

  private report(e: unknown): unknown {
    const c = this.composition;
    return c ? reportAs(e, c.owner, c.rename) : e;
  }

  private renderSpecNow(): any {
    return this.backend._v1 ? this.renderV1Spec() : this.renderTrainJobSpec();
  }

  private checkRuntime(): TrainingRuntimeRef {
    const facts = this.framework._facts;
    const v2 = this.backend._v2 ?? {};
    const runtime = v2.runtime ? TrainingRuntimeRef._of(v2.runtime) : (facts.v2Runtime ? TrainingRuntimeRef.builtIn(facts.v2Runtime) : undefined);
    if (!runtime) {
      invalid(this, 'backend.runtime', undefined, `Kubeflow Trainer has no built-in runtime for ${facts.id}; `
        + 'pass a TrainingRuntimeRef or render with TrainingBackend.trainingOperatorV1()');
    }
    runtime._validate(this, 'backend.runtime');
    const jobNames = runtime._layout.jobs.map(j => j.name);
    for (const [field, src] of [['datasetInitializer', v2.datasetInitializer], ['modelInitializer', v2.modelInitializer]] as const) {
      if (!src) continue;
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/.+$/.test(src.storageUri)) {
        invalid(this, `backend.${field}.storageUri`, src.storageUri, "must be a URI such as 'hf://org/name' or 's3://bucket/prefix'");
      }
      checkDns1123Label(this, `backend.${field}.secretName`, src.secretName);
      const job = field === 'datasetInitializer' ? 'dataset-initializer' : 'model-initializer';
      if (this.composition?.checkInitializerJobs !== false && !jobNames.includes(job)) {
        invalid(this, `backend.${field}`, src.storageUri, `runtime '${runtime.runtimeName}' has no ${job} job`);
      }
    }
    return runtime;
  }

  /** Checks `roles` against the job's roles (v1) or the runtime's replicated jobs (v2). */
  private checkRoles(): void {
    const props = this.props;
    const roles = props.roles ?? [];
    const facts = this.framework._facts;
    const seen = new Set<string>();
    roles.forEach((r, i) => {
      if (seen.has(r.role)) invalid(this, `roles[${i}].role`, r.role, 'each role may be listed only once');
      seen.add(r.role);
    });
    const list = (xs: string[]) => xs.map(x => `'${x}'`).join(', ');
    if (this.backend._v1) {
      const layout = this.framework._v1Layout(this.workers).roles.map(r => r.role);
      roles.forEach((r, i) => {
        const field = `roles[${i}]`;
        if (!facts.v1Roles!.includes(r.role)) {
          invalid(this, `${field}.role`, r.role, `a ${facts.v1Kind} has the roles ${list(facts.v1Roles!)}`);
        }
        if (!layout.includes(r.role)) {
          invalid(this, `${field}.role`, r.role, `this ${facts.v1Kind} has no ${r.role} replicas (its roles: ${list(layout)}); ${this.missingRoleHint(r.role)}`);
        }
        const gpus = r.resources?.accelerator?.count;
        if (r.role !== ReplicaRole.LAUNCHER && props.processesPerWorker !== undefined && typeof gpus === 'number' && gpus >= 1 && props.processesPerWorker > gpus) {
          invalid(this, 'processesPerWorker', props.processesPerWorker, `must not exceed the GPUs per ${r.role} replica (${gpus}, ${field}.resources): each process drives one GPU`);
        }
      });
      return;
    }
    const runtime = this.runtime!;
    const jobs = runtime._layout.jobs.map(j => j.name);
    roles.forEach((r, i) => {
      const field = `roles[${i}]`;
      const job = V2_ROLE_JOBS[r.role];
      if (!job) {
        invalid(this, `${field}.role`, r.role, "a TrainJob's roles are its runtime's replicated jobs: ReplicaRole.WORKER (the 'node' job) and "
          + "ReplicaRole.LAUNCHER (the 'launcher' job of MPI runtimes); other roles exist only in the Training Operator v1");
      }
      if (!jobs.includes(job)) invalid(this, `${field}.role`, r.role, `runtime '${runtime.runtimeName}' has no '${job}' job (its jobs: ${list(jobs)})`);
      for (const f of ['command', 'args', 'resources', 'restartPolicy', 'ports', 'pool'] as const) {
        const value = r[f];
        if (value === undefined) continue;
        invalid(this, `${field}.${f}`, f === 'pool' ? (value as INodePool).poolName : value,
          'a Trainer v2.3.0 TrainJob can change only env per replicated job (runtimePatches); set the other settings in the runtime '
          + '(TrainingRuntime), or render with TrainingBackend.trainingOperatorV1()');
      }
      for (const name of Object.keys(r.env ?? {})) {
        if (props.env?.[name] !== undefined || (name === 'CHECKPOINT_DIR' && props.checkpoints)) {
          invalid(this, `${field}.env.${name}`, name, "is also in the job's env, which the TrainJob applies to the trainer's job itself; set it in one place");
        }
      }
    });
  }

  private missingRoleHint(role: string): string {
    const facts = this.framework._facts;
    switch (role) {
      case 'Chief': return 'add it with TrainingFramework.tensorFlow({ chief: true })';
      case 'PS': return 'add them with TrainingFramework.tensorFlow({ parameterServers })';
      case 'Evaluator': return 'add it with TrainingFramework.tensorFlow({ evaluator: true })';
      case 'Master':
        if (facts.id === 'tensorflow') return 'add it with TrainingFramework.tensorFlow({ master: true })';
        if (facts.id === 'paddle') return 'add it with TrainingFramework.paddle({ master: true })';
        return 'an elastic PyTorchJob has only Worker replicas';
      default: return 'with workers: 1 the job is only its Master; raise workers';
    }
  }

  private createTemplates(): { worker: PodTemplate; launcher?: PodTemplate; leader?: PodTemplate } {
    const props = this.props;
    const facts = this.framework._facts;
    const checkpointPath = props.checkpoints?.path ?? '/mnt/checkpoints';
    const mounts = [...(props.volumeMounts ?? [])];
    if (props.checkpoints) mounts.push({ volume: props.checkpoints.volume, path: checkpointPath });
    const env = { ...(props.env ?? {}) };
    if (props.checkpoints) env.CHECKPOINT_DIR = EnvVarValue.fromValue(checkpointPath);
    const priorityClassName = this.backend._v1?.podPriorityClassName;
    const pod = {
      security: props.security,
      serviceAccountName: props.serviceAccountName,
      imagePullSecrets: props.imagePullSecrets,
      labels: props.podLabels,
      annotations: props.podAnnotations,
    };
    const container: ContainerSpec = {
      image: props.image ?? 'placeholder.invalid/runtime-image',
      imagePullPolicy: props.imagePullPolicy,
      command: props.command,
      args: props.args,
      ports: props.ports,
      env,
      resources: props.resourcesPerWorker,
      volumeMounts: mounts,
    };
    const worker = new PodTemplate({
      ...pod,
      containers: [container],
      sharedMemory: props.sharedMemory ?? facts.sharedMemory,
      placement: new Placement({ priorityClassName }),
    });
    const names = this.composition?.fieldNames ?? FIELD_NAMES;
    worker._nameFields(names);
    let launcher: PodTemplate | undefined;
    // The MPI launcher runs the same command without accelerators (it only starts mpirun).
    const r = props.resourcesPerWorker;
    const launcherContainer: ContainerSpec = {
      image: props.image!,
      imagePullPolicy: props.imagePullPolicy,
      command: props.command,
      args: props.args,
      ports: props.ports,
      env: props.env,
      resources: r ? { cpu: r.cpu, memory: r.memory, cpuLimit: r.cpuLimit, memoryLimit: r.memoryLimit } : undefined,
      volumeMounts: props.volumeMounts,
    };
    if (this.backend._v1 && facts.id === 'mpi') {
      launcher = new PodTemplate({ ...pod, containers: [launcherContainer], placement: new Placement({ priorityClassName }) });
      launcher._nameFields(names);
    }
    let leader: PodTemplate | undefined;
    const init = this.composition?.leaderInitContainers;
    if (init?.length) {
      // the same pods plus the init containers, placed together with the workers (one placement)
      leader = new PodTemplate({
        ...pod, containers: [container], initContainers: init, sharedMemory: props.sharedMemory ?? facts.sharedMemory, placement: worker.placement,
      });
      leader._nameFields(names);
    }
    // the roles whose pods a role option changes (a restart policy alone changes the replica spec, not the pods)
    const layout = this.backend._v1 ? this.framework._v1Layout(this.workers).roles : [];
    (props.roles ?? []).forEach((o, i) => {
      if (!this.backend._v1 || !ROLE_POD_FIELDS.some(f => o[f] !== undefined)) return;
      const base = layout.find(x => x.role === o.role)!.template;
      const from = base === 'launcher' ? launcherContainer : container;
      const f = `roles[${i}]`;
      const template = new PodTemplate({
        ...pod,
        containers: [{
          ...from,
          command: o.command ?? from.command,
          args: o.args ?? from.args,
          env: { ...(from.env ?? {}), ...(o.env ?? {}) },
          resources: o.resources ?? from.resources,
          ports: o.ports ?? from.ports,
        }],
        initContainers: base === 'leader' ? init : undefined,
        sharedMemory: base === 'launcher' ? undefined : props.sharedMemory ?? facts.sharedMemory,
        placement: new Placement({ priorityClassName }),
      });
      const roleNames: { [path: string]: string } = { ...names };
      if (o.command) roleNames['containers[0].command'] = `${f}.command`;
      if (o.args) roleNames['containers[0].args'] = `${f}.args`;
      if (o.resources) roleNames['containers[0].resources'] = `${f}.resources`;
      if (o.ports) roleNames['containers[0].ports'] = `${f}.ports`;
      for (const k of Object.keys(o.env ?? {})) roleNames[`containers[0].env.${k}`] = `${f}.env.${k}`;
      template._nameFields(roleNames);
      // a role without accelerators in a job whose workers request some stays off the (GPU) pool
      const onPool = hasAccelerator(o.resources ?? from.resources) || !hasAccelerator(props.resourcesPerWorker);
      this.roleTemplates.set(o.role, { template, pool: o.pool ?? (onPool ? props.pool : undefined), field: o.pool ? `${f}.pool` : 'pool' });
      if (base === 'launcher') this.launcherTemplates.add(template);
    });
    if (launcher) this.launcherTemplates.add(launcher);
    return { worker, launcher, leader };
  }

  /** The templates the job renders, the Worker role's first, then the others in the kind's order. */
  private renderedTemplates(): PodTemplate[] {
    if (!this.backend._v1) return [this.workerTemplate];
    const roles = this.framework._v1Layout(this.workers).roles;
    const workers = roles.filter(r => r.role === 'Worker');
    const out: PodTemplate[] = [];
    for (const r of [...workers, ...roles.filter(x => x.role !== 'Worker')]) {
      const t = this.templateOf(r);
      if (!out.includes(t)) out.push(t);
    }
    return out;
  }

  private templateOf(r: V1ReplicaRole): PodTemplate {
    const changed = this.roleTemplates.get(r.role);
    if (changed) return changed.template;
    if (r.template === 'launcher') return this.launcherTemplate!;
    return (r.template === 'leader' ? this.leaderTemplate : undefined) ?? this.workerTemplate;
  }

  private renderV1Spec(): any {
    const props = this.props;
    const v1 = this.backend._v1!;
    const facts = this.framework._facts;
    const layout = this.framework._v1Layout(this.workers, props.processesPerWorker);
    const restartPolicy = v1.restartPolicy ?? (this.composition?.sdkRunPolicy ? undefined : ReplicaRestartPolicy.ON_FAILURE);
    const rendered = new Map<PodTemplate, any>();
    const templateSpec = (t: PodTemplate) => {
      if (!rendered.has(t)) {
        const spec = t.toPodTemplateSpec(this, facts.v1Container);
        // The launcher starts ranks with `kubectl exec` (the operator's kubexec.sh), authenticated by its
        // ServiceAccount token (the operator creates `<job>-launcher` with pods/exec rights): it must be mounted.
        if (this.launcherTemplates.has(t)) spec.spec.automountServiceAccountToken = props.serviceAccountName ? undefined : true;
        rendered.set(t, spec);
      }
      return rendered.get(t);
    };
    // the shared spec first, so that its mistakes are named after the shared props, not a role's
    if (this.roleTemplates.size) templateSpec(this.workerTemplate);
    const roleOptions = new Map((props.roles ?? []).map(o => [o.role as string, o]));
    const replicaSpecs: Record<string, any> = {};
    for (const r of layout.roles) {
      replicaSpecs[r.role] = {
        replicas: r.replicas,
        restartPolicy: roleOptions.get(r.role)?.restartPolicy ?? restartPolicy,
        template: templateSpec(this.templateOf(r)),
      };
    }
    const gang = v1.gangScheduling;
    const pods = layout.roles.reduce((n, r) => n + r.replicas, 0);
    if (gang?.minAvailable !== undefined && gang.minAvailable > pods) {
      invalid(this, 'backend.gangScheduling.minAvailable', gang.minAvailable,
        `must not exceed the job's ${pods} pods: a gang larger than the job is never scheduled`);
    }
    const spec: any = prune({
      ...layout.extra,
      [facts.v1ReplicaField!]: replicaSpecs,
      runPolicy: {
        cleanPodPolicy: v1.cleanPodPolicy,
        ttlSecondsAfterFinished: wholeSeconds(this, 'backend.ttlAfterFinished', v1.ttlAfterFinished),
        activeDeadlineSeconds: wholeSeconds(this, 'activeDeadline', props.activeDeadline),
        backoffLimit: v1.backoffLimit,
        suspend: props.suspend,
        schedulingPolicy: gang ? {
          minAvailable: gang.minAvailable ?? layout.roles.reduce((n, r) => n + r.replicas, 0),
          queue: gang.volcanoQueue,
          scheduleTimeoutSeconds: wholeSeconds(this, 'backend.gangScheduling.scheduleTimeout', gang.scheduleTimeout),
        } : undefined,
      },
    });
    if (this.composition?.sdkRunPolicy && !spec.runPolicy) spec.runPolicy = {};
    return spec;
  }

  /** The env of each replicated job that `roles` changes (Trainer v2). */
  private roleEnv(): { [job: string]: any[] } {
    const out: { [job: string]: any[] } = {};
    (this.props.roles ?? []).forEach((o, i) => {
      const env = renderEnv(this, `roles[${i}].env`, o.env);
      if (env) out[V2_ROLE_JOBS[o.role]!] = env;
    });
    return out;
  }

  private renderTrainJobSpec(): any {
    const props = this.props;
    const v2 = this.backend._v2 ?? {};
    const runtime = this.runtime!;
    const podTemplateSpec = this.workerTemplate.toPodTemplateSpec(this, 'node');
    const main = podTemplateSpec.spec.containers[0];
    const initializer = (field: string, src: InitializerSource | undefined) => src && {
      storageUri: src.storageUri,
      env: renderEnv(this, `backend.${field}.env`, src.env),
      secretRef: src.secretName ? { name: src.secretName } : undefined,
    };
    return prune({
      runtimeRef: runtime._render(),
      initializer: {
        dataset: initializer('datasetInitializer', v2.datasetInitializer),
        model: initializer('modelInitializer', v2.modelInitializer),
      },
      trainer: {
        image: props.image,
        command: props.command,
        args: props.args,
        env: main.env,
        numNodes: this.workers,
        numProcPerNode: props.processesPerWorker,
        resourcesPerNode: main.resources,
      },
      suspend: props.suspend,
      activeDeadlineSeconds: wholeSeconds(this, 'activeDeadline', props.activeDeadline),
      runtimePatches: [runtimePatch(podTemplateSpec, runtime._layout, true, this.roleEnv())],
    });
  }
}
