import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { ITrainingRuntime } from './training-runtime-ref';
import { checkProps, Is } from '../core/checks';
import { EnvVarValue } from '../core/env';

/** Which pods the Training Operator v1 deletes when a job finishes (`runPolicy.cleanPodPolicy`). */
export enum CleanPodPolicy {
  /** Keep every pod (logs stay readable). */
  NONE = 'None',
  /** Delete the pods still running (e.g. parameter servers). */
  RUNNING = 'Running',
  /** Delete all pods. */
  ALL = 'All',
}

/** Restart policy of the replicas of a Training Operator v1 job. */
export enum ReplicaRestartPolicy {
  /** Always restart. */
  ALWAYS = 'Always',
  /** Restart on failure (the pod's containers restart in place). */
  ON_FAILURE = 'OnFailure',
  /** Never restart; a failed pod counts against the backoff limit. */
  NEVER = 'Never',
  /** Restart only on retryable exit codes (130, 137, 143 and codes above 128 from signals); other failures are permanent. */
  EXIT_CODE = 'ExitCode',
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
  /**
   * Environment of the initializer (secrets by reference, e.g. `HF_TOKEN: EnvVarValue.fromSecretKey(...)`).
   * @default {}
   */
  readonly env?: { [name: string]: EnvVarValue };
}

/** Options of {@link TrainingBackend.trainerV2}: what only a Kubeflow Trainer v2 TrainJob has. */
export interface TrainerV2Options {
  /**
   * The runtime the TrainJob runs on: a `TrainingRuntime` or `ClusterTrainingRuntime` of this app, or a
   * `TrainingRuntimeRef` (built-in, or installed separately).
   * @default - the framework's built-in runtime (e.g. `torch-distributed`); required for frameworks without one
   */
  readonly runtime?: ITrainingRuntime;
  /**
   * Dataset initializer (the runtime must have a `dataset-initializer` job).
   * @default - none
   */
  readonly datasetInitializer?: InitializerSource;
  /**
   * Model initializer (the runtime must have a `model-initializer` job).
   * @default - none
   */
  readonly modelInitializer?: InitializerSource;
}

/**
 * Options of {@link TrainingBackend.trainingOperatorV1}: what only a Training Operator v1 job has (with Trainer v2
 * the runtime decides them: JobSet `failurePolicy.maxRestarts` and `ttlSecondsAfterFinished`, the Job templates'
 * restart policy, `podGroupPolicy`).
 */
export interface TrainingOperatorV1Options {
  /**
   * Retries before the job is marked failed (`runPolicy.backoffLimit`).
   * @default - the operator's default
   */
  readonly backoffLimit?: number;
  /**
   * How long a finished job is kept (`runPolicy.ttlSecondsAfterFinished`).
   * @default - kept until deleted
   */
  readonly ttlAfterFinished?: Duration;
  /**
   * Which pods are deleted when the job finishes (`runPolicy.cleanPodPolicy`).
   * @default - the operator's default
   */
  readonly cleanPodPolicy?: CleanPodPolicy;
  /**
   * Restart policy of the replicas.
   * @default ReplicaRestartPolicy.ON_FAILURE (FineTuning: the operator's default, as the Kubeflow SDK)
   */
  readonly restartPolicy?: ReplicaRestartPolicy;
  /**
   * Gang scheduling (`runPolicy.schedulingPolicy`).
   * @default - none
   */
  readonly gangScheduling?: GangSchedulingOptions;
  /**
   * Kubernetes PriorityClass of the pods (a TrainJob cannot patch it: use the runtime or a Kueue priorityClass).
   * @default - the cluster default priority
   */
  readonly podPriorityClassName?: string;
}

const INT32 = 2147483647;

/**
 * Which Kubeflow API a training intent is rendered for, with the options only that API has.
 */
export class TrainingBackend {
  /**
   * Kubeflow Trainer v2 (`trainer.kubeflow.org/v1alpha1` TrainJob referencing a ClusterTrainingRuntime or
   * TrainingRuntime). Needs the Trainer controller and JobSet; TrainJob is one of Kueue's default integrations.
   */
  public static trainerV2(options: TrainerV2Options = {}): TrainingBackend {
    return new TrainingBackend('trainer-v2', options, undefined);
  }

  /**
   * Kubeflow Training Operator v1 (`kubeflow.org/v1` PyTorchJob, TFJob, MPIJob, XGBoostJob, JAXJob, PaddleJob).
   * Kueue manages these kinds only when their integration is enabled in the Kueue configuration.
   */
  public static trainingOperatorV1(options: TrainingOperatorV1Options = {}): TrainingBackend {
    return new TrainingBackend('training-operator-v1', undefined, options);
  }

  private constructor(
    /** `trainer-v2` or `training-operator-v1`. */
    public readonly apiName: string,
    private readonly v2?: TrainerV2Options,
    private readonly v1?: TrainingOperatorV1Options,
  ) {
    if (apiName === 'trainer-v2') this.v2 = v2 ?? {};
    else this.v1 = v1 ?? {};
  }

  /** Checks the backend's options (their types; combinations are checked by the job). @internal */
  public _check(scope: IConstruct, field: string): void {
    if (this.v1 !== undefined) {
      checkProps(scope, this.v1, {
        backoffLimit: Is.integer(0, INT32),
        ttlAfterFinished: Is.duration('seconds', 0, INT32),
        cleanPodPolicy: Is.enumOf(CleanPodPolicy, 'CleanPodPolicy'),
        restartPolicy: Is.enumOf(ReplicaRestartPolicy, 'ReplicaRestartPolicy'),
        gangScheduling: Is.shape({
          minAvailable: Is.integer(1, INT32),
          volcanoQueue: Is.dnsSubdomain(),
          scheduleTimeout: Is.duration('seconds', 0, INT32),
        }, 'must be GangSchedulingOptions: { minAvailable?, volcanoQueue?, scheduleTimeout? }'),
        podPriorityClassName: Is.dnsSubdomain(),
      }, `${field}.`, true);
    } else {
      const initializer = Is.shape({
        storageUri: Is.required(Is.string({ nonEmpty: true })),
        secretName: Is.string(),
        env: Is.present('must be a map of environment variable names to EnvVarValues'),
      }, 'must be an InitializerSource: { storageUri, secretName?, env? }');
      checkProps(scope, this.v2, {
        runtime: Is.instance('runtimeName', 'must be a training runtime: a TrainingRuntime, ClusterTrainingRuntime or TrainingRuntimeRef'),
        datasetInitializer: initializer,
        modelInitializer: initializer,
      }, `${field}.`, true);
    }
  }

  /** Whether this is the Training Operator v1. */
  public get isTrainingOperatorV1(): boolean {
    return this.v1 !== undefined;
  }

  /** The Trainer v2 options (undefined for the Training Operator v1). @internal */
  public get _v2(): TrainerV2Options | undefined {
    return this.v2;
  }

  /** The Training Operator v1 options (undefined for Trainer v2). @internal */
  public get _v1(): TrainingOperatorV1Options | undefined {
    return this.v1;
  }
}
