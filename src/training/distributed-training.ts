import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { CleanPodPolicy, ReplicaRestartPolicy, TrainingBackend } from './training-backend';
import { TrainingFramework } from './training-framework';
import { TrainingRuntimeRef } from './training-runtime-ref';
import {
  admitToQueue, checkJobName, checkRuntimeNamespace, runtimePatch, trainingStatus, TRAINER_API_VERSION, TRAINING_OPERATOR_API_VERSION,
} from './training-util';
import type { LocalQueue } from '../compute/local-queue';
import type { WorkloadPriorityClass } from '../compute/workload-priority-class';
import { ContainerSpec } from '../core/container';
import { wholeSeconds } from '../core/durations';
import { EnvVarValue } from '../core/env';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Label, checkLabels, ResourceNames } from '../core/names';
import { INodePool } from '../core/node-pool';
import { Placement } from '../core/placement';
import { PodTemplate, prune } from '../core/pod-template';
import { ComputeResources } from '../core/resources';
import { PodSecurityOptions } from '../core/security';
import { WorkloadStatus } from '../core/status-contract';
import { PodVolume, PodVolumeMount } from '../core/volume';
import { placeWorkload } from '../core/workload';

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

/** Gang scheduling through Volcano or the scheduler-plugins coscheduler (Training Operator v1 `runPolicy.schedulingPolicy`). */
export interface GangSchedulingOptions {
  /**
   * Pods that must be schedulable together before any starts.
   * @default - all pods of the job
   */
  readonly minAvailable?: number;
  /**
   * Volcano queue.
   * @default - the scheduler's default queue
   */
  readonly volcanoQueue?: string;
  /**
   * How long the gang may wait to be scheduled.
   * @default - the scheduler's default
   */
  readonly scheduleTimeout?: Duration;
}

/** A Kubeflow Trainer v2 initializer source (downloaded to the runtime's shared volume before training). */
export interface InitializerSource {
  /** Storage URI, e.g. `hf://tatsu-lab/alpaca` or `s3://bucket/prefix`. */
  readonly storageUri: string;
  /**
   * Secret whose keys become the initializer's environment (e.g. `HF_TOKEN`, AWS credentials).
   * @default - none
   */
  readonly secretName?: string;
}

/** Props of {@link DistributedTraining}. */
export interface DistributedTrainingProps {
  /**
   * Name of the job (an RFC 1035 label).
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Namespace of the job.
   * @default - the namespace it is applied to (or the queue's namespace)
   */
  readonly namespace?: string;
  /**
   * API the intent is rendered for.
   * @default TrainingBackend.TRAINER_V2
   */
  readonly backend?: TrainingBackend;
  /**
   * Training framework (decides v1 kind and replica layout, the main container's name and the default v2 runtime).
   * @default TrainingFramework.pyTorch()
   */
  readonly framework?: TrainingFramework;
  /**
   * Trainer v2 runtime.
   * @default - the framework's built-in runtime (e.g. `torch-distributed`); required for frameworks without one
   */
  readonly runtime?: TrainingRuntimeRef;
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
   * Environment variables (secrets by reference: `EnvVarValue.fromSecretKey`).
   * @default {}
   */
  readonly env?: { [name: string]: EnvVarValue };
  /**
   * Number of workers (nodes).
   * @default 1
   */
  readonly workers?: number;
  /**
   * Processes per worker (`nprocPerNode` / `numProcPerNode`); at most the GPUs per worker when GPUs are requested.
   * @default - the operator's default (`auto`: one per GPU)
   */
  readonly processesPerWorker?: number;
  /**
   * CPU, memory and accelerators per worker.
   * @default - none
   */
  readonly resourcesPerWorker?: ComputeResources;
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
   * Trainer v2 dataset initializer (the runtime must have a `dataset-initializer` job).
   * @default - none
   */
  readonly datasetInitializer?: InitializerSource;
  /**
   * Trainer v2 model initializer (the runtime must have a `model-initializer` job).
   * @default - none
   */
  readonly modelInitializer?: InitializerSource;
  /**
   * Memory-backed `/dev/shm` in the training pods.
   * @default - true for PyTorch, MPI, DeepSpeed, JAX and Paddle
   */
  readonly sharedMemory?: boolean;
  /**
   * Retries before the job is marked failed (v1 `runPolicy.backoffLimit`).
   * @default - the operator's default
   */
  readonly backoffLimit?: number;
  /**
   * Longest the job may run.
   * @default - unlimited
   */
  readonly activeDeadline?: Duration;
  /**
   * How long a finished job is kept (v1 `runPolicy.ttlSecondsAfterFinished`).
   * @default - kept until deleted
   */
  readonly ttlAfterFinished?: Duration;
  /**
   * Which pods are deleted when the job finishes (v1).
   * @default - the operator's default
   */
  readonly cleanPodPolicy?: CleanPodPolicy;
  /**
   * Restart policy of the replicas (v1).
   * @default ReplicaRestartPolicy.ON_FAILURE
   */
  readonly restartPolicy?: ReplicaRestartPolicy;
  /**
   * Create the job suspended.
   * @default false
   */
  readonly suspend?: boolean;
  /**
   * GPU node pool the workers run on (adds node selector, tolerations and `karpenter.sh/do-not-disrupt`).
   * @default - none; GPU workers without a pool are an error when the app declares pools
   */
  readonly pool?: INodePool;
  /**
   * Kueue LocalQueue the job is submitted to.
   * @default - not queued
   */
  readonly queue?: LocalQueue;
  /**
   * Kueue WorkloadPriorityClass (with `queue`).
   * @default - the queue's default priority
   */
  readonly priorityClass?: WorkloadPriorityClass;
  /**
   * Kubernetes PriorityClass of the pods (v1 only: a TrainJob cannot patch it).
   * @default - the cluster default priority
   */
  readonly podPriorityClassName?: string;
  /**
   * Gang scheduling (v1; with Trainer v2 the runtime's `podGroupPolicy` decides).
   * @default - none
   */
  readonly gangScheduling?: GangSchedulingOptions;
  /**
   * Pod security. Pods meet the restricted Pod Security Standard (uid 1000) unless this opts out.
   * @default - restricted
   */
  readonly security?: PodSecurityOptions;
  /**
   * Service account of the pods.
   * @default - the namespace default, without an API token
   */
  readonly serviceAccountName?: string;
  /**
   * Image pull secrets.
   * @default []
   */
  readonly imagePullSecrets?: string[];
  /**
   * Labels of the job object.
   * @default {}
   */
  readonly labels?: { [key: string]: string };
}

/**
 * Distributed training: one framework-neutral intent (image, workers, processes, resources, storage, queue,
 * placement), rendered for Kubeflow Trainer v2 (TrainJob) or the Training Operator v1 (PyTorchJob, TFJob, MPIJob,
 * XGBoostJob, JAXJob, PaddleJob). Options the chosen API doesn't have are synth-time errors.
 *
 * Pods meet the restricted Pod Security Standard and run as uid 1000: images that expect root (many framework
 * images do) must tolerate a non-root user, or opt out through `security` with a reason.
 */
export class DistributedTraining extends Construct {
  /** The job object (TrainJob or the v1 kind). */
  public readonly resource: ApiObject;
  /** Name of the job. */
  public readonly name: string;
  /** The API the job is rendered for. */
  public readonly backend: TrainingBackend;
  /** How to read the job's outcome: its conditions, and the object they belong to. */
  public readonly status: WorkloadStatus;
  /** The workers' pod template, as rendered (the job is rendered when constructed: set everything through props). */
  public readonly podTemplate: PodTemplate;

  constructor(scope: Construct, id: string, props: DistributedTrainingProps) {
    super(scope, id);
    this.backend = props.backend ?? TrainingBackend.TRAINER_V2;
    const framework = props.framework ?? TrainingFramework.pyTorch();
    const facts = framework._facts;
    this.name = props.name ?? ResourceNames.uniqueLabel(this);
    checkJobName(this, this.name);
    checkDns1123Label(this, 'namespace', props.namespace);
    checkLabels(this, 'labels', props.labels);
    framework._validate(this, 'framework');
    const workers = props.workers ?? 1;
    checkInteger(this, 'workers', workers, 1);
    checkInteger(this, 'processesPerWorker', props.processesPerWorker, 1);
    checkInteger(this, 'backoffLimit', props.backoffLimit, 0);
    const gpus = props.resourcesPerWorker?.accelerator?.count;
    if (props.processesPerWorker !== undefined && gpus !== undefined && props.processesPerWorker > gpus) {
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
    const checkpointPath = props.checkpoints?.path ?? '/mnt/checkpoints';

    const v1 = this.backend === TrainingBackend.TRAINING_OPERATOR_V1;
    const mounts = [...(props.volumeMounts ?? [])];
    if (props.checkpoints) mounts.push({ volume: props.checkpoints.volume, path: checkpointPath });
    const env = { ...(props.env ?? {}) };
    if (props.checkpoints) env.CHECKPOINT_DIR = EnvVarValue.fromValue(checkpointPath);
    const container: ContainerSpec = {
      image: props.image ?? 'placeholder.invalid/runtime-image',
      command: props.command,
      args: props.args,
      env,
      resources: props.resourcesPerWorker,
      volumeMounts: mounts,
    };
    this.podTemplate = new PodTemplate({
      containers: [container],
      sharedMemory: props.sharedMemory ?? facts.sharedMemory,
      security: props.security,
      serviceAccountName: props.serviceAccountName,
      imagePullSecrets: props.imagePullSecrets,
      placement: new Placement({ priorityClassName: props.podPriorityClassName }),
    });
    placeWorkload(this, 'pool', this.podTemplate, props.pool, { runToCompletion: true });

    const metadata = { name: this.name, namespace: props.namespace, labels: props.labels };
    if (v1) {
      if (!facts.v1Kind) {
        invalid(this, 'framework', facts.id, 'the Training Operator v1 has no job kind for this framework; render with TrainingBackend.TRAINER_V2');
      }
      if (!props.image) invalid(this, 'image', undefined, 'the Training Operator v1 needs the training image');
      const onlyV2 = { runtime: props.runtime, datasetInitializer: props.datasetInitializer, modelInitializer: props.modelInitializer };
      for (const [k, v] of Object.entries(onlyV2)) {
        if (v !== undefined) invalid(this, k, k === 'runtime' ? props.runtime!.name : (v as InitializerSource).storageUri, 'exists only in Kubeflow Trainer v2 (TrainingBackend.TRAINER_V2)');
      }
      this.resource = new ApiObject(this, 'Resource', {
        apiVersion: TRAINING_OPERATOR_API_VERSION,
        kind: facts.v1Kind,
        metadata,
        spec: this.renderV1Spec(props, framework, workers),
      });
    } else {
      this.checkNotInV2(props, framework);
      const runtime = props.runtime ?? (facts.v2Runtime ? TrainingRuntimeRef.builtIn(facts.v2Runtime) : undefined);
      if (!runtime) {
        invalid(this, 'runtime', undefined, `Kubeflow Trainer has no built-in runtime for ${facts.id}; pass a TrainingRuntimeRef or render with TrainingBackend.TRAINING_OPERATOR_V1`);
      }
      runtime._validate(this, 'runtime');
      const jobNames = runtime._layout.jobs.map(j => j.name);
      if (props.datasetInitializer && !jobNames.includes('dataset-initializer')) {
        invalid(this, 'datasetInitializer', props.datasetInitializer.storageUri, `runtime '${runtime.name}' has no dataset-initializer job`);
      }
      if (props.modelInitializer && !jobNames.includes('model-initializer')) {
        invalid(this, 'modelInitializer', props.modelInitializer.storageUri, `runtime '${runtime.name}' has no model-initializer job`);
      }
      this.resource = new ApiObject(this, 'Resource', {
        apiVersion: TRAINER_API_VERSION,
        kind: 'TrainJob',
        metadata,
        spec: this.renderTrainJobSpec(props, runtime, workers),
      });
      if (runtime.runtime) this.node.addDependency(runtime.runtime);
    }
    admitToQueue(this, this.resource, props.queue, props.priorityClass);
    if (!v1 && props.runtime) checkRuntimeNamespace(this, props.runtime, this.resource.metadata.namespace ?? props.queue?.namespace);
    this.status = trainingStatus(this.backend, this.resource.kind, this.name, this.resource.metadata.namespace ?? props.queue?.namespace);
  }

  private checkNotInV2(props: DistributedTrainingProps, framework: TrainingFramework): void {
    const v1Only: Array<[string, unknown, string]> = [
      ['backoffLimit', props.backoffLimit, 'set the runtime\'s JobSet failurePolicy.maxRestarts'],
      ['ttlAfterFinished', wholeSeconds(this, 'ttlAfterFinished', props.ttlAfterFinished), 'set the runtime\'s JobSet ttlSecondsAfterFinished'],
      ['cleanPodPolicy', props.cleanPodPolicy, 'the runtime\'s JobSet decides'],
      ['restartPolicy', props.restartPolicy, 'the runtime\'s Job templates decide'],
      ['podPriorityClassName', props.podPriorityClassName, 'a TrainJob cannot patch pod priority; set it in the runtime or use a Kueue priorityClass'],
      ['gangScheduling', props.gangScheduling, 'gang scheduling is the runtime\'s podGroupPolicy'],
      ['framework.elastic', framework._elastic ?? framework._paddleElastic, 'elasticity is configured in the runtime\'s mlPolicy'],
      ['framework.parameterServers', framework._tf?.parameterServers, 'TensorFlow replica roles exist only in the Training Operator v1'],
      ['framework.slotsPerWorker', framework._mpi?.slotsPerWorker, 'Trainer v2 MPI runtimes take processesPerWorker'],
    ];
    for (const [field, value, why] of v1Only) {
      if (value !== undefined) invalid(this, field, value, `exists only in the Training Operator v1 (TrainingBackend.TRAINING_OPERATOR_V1); ${why}`);
    }
  }

  private renderV1Spec(props: DistributedTrainingProps, framework: TrainingFramework, workers: number): any {
    const facts = framework._facts;
    const restartPolicy = props.restartPolicy ?? ReplicaRestartPolicy.ON_FAILURE;
    const template = this.podTemplate.toPodTemplateSpec(this, facts.v1Container);
    const replica = (replicas: number, t: any = template) => ({ replicas, restartPolicy, template: t });
    const replicaSpecs: Record<string, any> = {};
    let extra: any = {};
    const elastic = framework._elastic;
    switch (facts.id) {
      case 'pytorch':
        if (elastic) {
          replicaSpecs.Worker = replica(workers);
          extra.elasticPolicy = {
            minReplicas: elastic.minWorkers,
            maxReplicas: elastic.maxWorkers,
            maxRestarts: elastic.maxRestarts,
            rdzvBackend: elastic.rendezvousBackend ?? 'c10d',
            rdzvPort: elastic.rendezvousPort,
            rdzvConf: elastic.rendezvousConfig ? Object.entries(elastic.rendezvousConfig).map(([key, value]) => ({ key, value })) : undefined,
          };
        } else {
          replicaSpecs.Master = replica(1);
          if (workers > 1) replicaSpecs.Worker = replica(workers - 1);
        }
        extra.nprocPerNode = props.processesPerWorker !== undefined ? String(props.processesPerWorker) : undefined;
        break;
      case 'tensorflow': {
        const tf = framework._tf ?? {};
        if (tf.chief) replicaSpecs.Chief = replica(1);
        if (tf.parameterServers) replicaSpecs.PS = replica(tf.parameterServers);
        replicaSpecs.Worker = replica(workers);
        if (tf.evaluator) replicaSpecs.Evaluator = replica(1);
        break;
      }
      case 'mpi': {
        const launcher = this.launcherTemplate(props).toPodTemplateSpec(this, facts.v1Container);
        // The launcher starts ranks with `kubectl exec` (the operator's kubexec.sh), authenticated by its
        // ServiceAccount token (the operator creates `<job>-launcher` with pods/exec rights): it must be mounted.
        launcher.spec.automountServiceAccountToken = props.serviceAccountName ? undefined : true;
        replicaSpecs.Launcher = replica(1, launcher);
        replicaSpecs.Worker = replica(workers);
        extra = { slotsPerWorker: framework._mpi?.slotsPerWorker };
        break;
      }
      case 'xgboost':
        replicaSpecs.Master = replica(1);
        if (workers > 1) replicaSpecs.Worker = replica(workers - 1);
        break;
      default: // jax, paddle
        replicaSpecs.Worker = replica(workers);
        if (framework._paddleElastic) {
          extra.elasticPolicy = { minReplicas: framework._paddleElastic.minWorkers, maxReplicas: framework._paddleElastic.maxWorkers };
        }
    }
    const gang = props.gangScheduling;
    checkInteger(this, 'gangScheduling.minAvailable', gang?.minAvailable, 1);
    return prune({
      ...extra,
      [facts.v1ReplicaField!]: replicaSpecs,
      runPolicy: {
        cleanPodPolicy: props.cleanPodPolicy,
        ttlSecondsAfterFinished: wholeSeconds(this, 'ttlAfterFinished', props.ttlAfterFinished),
        activeDeadlineSeconds: wholeSeconds(this, 'activeDeadline', props.activeDeadline),
        backoffLimit: props.backoffLimit,
        suspend: props.suspend,
        schedulingPolicy: gang ? {
          minAvailable: gang.minAvailable ?? Object.values(replicaSpecs).reduce((n, r: any) => n + r.replicas, 0),
          queue: gang.volcanoQueue,
          scheduleTimeoutSeconds: wholeSeconds(this, 'gangScheduling.scheduleTimeout', gang.scheduleTimeout),
        } : undefined,
      },
    });
  }

  /** The MPI launcher runs the same command without accelerators (it only starts mpirun). */
  private launcherTemplate(props: DistributedTrainingProps): PodTemplate {
    const r = props.resourcesPerWorker;
    const launcher = new PodTemplate({
      containers: [{
        image: props.image!,
        command: props.command,
        args: props.args,
        env: props.env,
        resources: r ? { cpu: r.cpu, memory: r.memory, cpuLimit: r.cpuLimit, memoryLimit: r.memoryLimit } : undefined,
        volumeMounts: props.volumeMounts,
      }],
      security: props.security,
      serviceAccountName: props.serviceAccountName,
      imagePullSecrets: props.imagePullSecrets,
      placement: new Placement({ priorityClassName: props.podPriorityClassName }),
    });
    return launcher;
  }

  private renderTrainJobSpec(props: DistributedTrainingProps, runtime: TrainingRuntimeRef, workers: number): any {
    const podTemplateSpec = this.podTemplate.toPodTemplateSpec(this, 'node');
    const main = podTemplateSpec.spec.containers[0];
    const initializer = (src: InitializerSource | undefined) => src && {
      storageUri: src.storageUri,
      secretRef: src.secretName ? { name: src.secretName } : undefined,
    };
    for (const [field, src] of [['datasetInitializer', props.datasetInitializer], ['modelInitializer', props.modelInitializer]] as const) {
      if (src && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\/.+$/.test(src.storageUri)) {
        invalid(this, `${field}.storageUri`, src.storageUri, "must be a URI such as 'hf://org/name' or 's3://bucket/prefix'");
      }
      checkDns1123Label(this, `${field}.secretName`, src?.secretName);
    }
    return prune({
      runtimeRef: runtime._render(),
      initializer: {
        dataset: initializer(props.datasetInitializer),
        model: initializer(props.modelInitializer),
      },
      trainer: {
        image: props.image,
        command: props.command,
        args: props.args,
        env: main.env,
        numNodes: workers,
        numProcPerNode: props.processesPerWorker,
        resourcesPerNode: main.resources,
      },
      suspend: props.suspend,
      activeDeadlineSeconds: wholeSeconds(this, 'activeDeadline', props.activeDeadline),
      runtimePatches: [runtimePatch(podTemplateSpec, runtime._layout, true)],
    });
  }
}
