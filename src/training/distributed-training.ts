import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { InitializerSource, ReplicaRestartPolicy, TrainingBackend } from './training-backend';
import { TrainingFramework } from './training-framework';
import { TrainingRuntimeRef } from './training-runtime-ref';
import {
  admitToQueue, checkJobName, checkRuntimeNamespace, reportAs, runtimePatch, trainingStatusContract, TRAINER_API_VERSION,
  TRAINING_OPERATOR_API_VERSION,
} from './training-util';
import { QueueOptions } from '../compute/queue-options';
import { checkWorkloadProps, Is, Rule } from '../core/checks';
import { ContainerSpec } from '../core/container';
import { wholeSeconds } from '../core/durations';
import { EnvVarValue, renderEnv } from '../core/env';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Label } from '../core/names';
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
  // the TrainJob and runPolicy CRDs: activeDeadlineSeconds has a minimum of 1
  activeDeadline: Is.duration('seconds', 1, INT32),
};

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
      }

      const { worker, launcher, leader } = this.createTemplates();
      this.workerTemplate = worker;
      this.launcherTemplate = launcher;
      this.leaderTemplate = leader;
      const owner = this.composition?.owner ?? this;
      placeWorkload(owner, 'pool', worker, props.pool, { runToCompletion: true });

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
      this.renderSpecNow();
    } catch (e) {
      throw this.report(e);
    }
  }

  /**
   * The pod templates, rendered at synth: the workers' first, then the v1 MPI launcher's. Changes through their
   * methods after construction count.
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
      command: props.command,
      args: props.args,
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
    if (this.backend._v1 && facts.id === 'mpi') {
      // The MPI launcher runs the same command without accelerators (it only starts mpirun).
      const r = props.resourcesPerWorker;
      launcher = new PodTemplate({
        ...pod,
        containers: [{
          image: props.image!,
          command: props.command,
          args: props.args,
          env: props.env,
          resources: r ? { cpu: r.cpu, memory: r.memory, cpuLimit: r.cpuLimit, memoryLimit: r.memoryLimit } : undefined,
          volumeMounts: props.volumeMounts,
        }],
        placement: new Placement({ priorityClassName }),
      });
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
    return { worker, launcher, leader };
  }

  /** The templates the job renders, workers' first. */
  private renderedTemplates(): PodTemplate[] {
    if (!this.backend._v1) return [this.workerTemplate];
    const used = this.framework._v1Layout(this.workers).roles.map(r => this.templateOf(r.template));
    return [this.workerTemplate, this.leaderTemplate, this.launcherTemplate].filter((t): t is PodTemplate => t !== undefined && used.includes(t));
  }

  private templateOf(role: 'worker' | 'launcher' | 'leader'): PodTemplate {
    if (role === 'launcher') return this.launcherTemplate!;
    return (role === 'leader' ? this.leaderTemplate : undefined) ?? this.workerTemplate;
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
        if (t === this.launcherTemplate) spec.spec.automountServiceAccountToken = props.serviceAccountName ? undefined : true;
        rendered.set(t, spec);
      }
      return rendered.get(t);
    };
    const replicaSpecs: Record<string, any> = {};
    for (const r of layout.roles) {
      replicaSpecs[r.role] = { replicas: r.replicas, restartPolicy, template: templateSpec(this.templateOf(r.template)) };
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
      runtimePatches: [runtimePatch(podTemplateSpec, runtime._layout, true)],
    });
  }
}
