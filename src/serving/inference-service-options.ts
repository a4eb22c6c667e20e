import { Duration } from 'cdk8s';
import { Autoscaling } from './autoscaling';
import { InferenceProtocol, ModelFormat } from './model-format';
import { IServingRuntime } from './serving-runtime-ref';
import { StorageUri } from './storage-uri';
import { ContainerSpec } from '../core/container';
import { EnvVarValue } from '../core/env';
import { ContainerProbe } from '../core/probe';
import { ComputeResources } from '../core/resources';
import { PodVolume, PodVolumeMount } from '../core/volume';
import { WorkloadPodOptions } from '../core/workload';

/** What the request logger records. */
export enum LoggerMode {
  /** Requests and responses. */
  ALL = 'all',
  /** Requests only. */
  REQUEST = 'request',
  /** Responses only. */
  RESPONSE = 'response',
}

/** Sends a copy of requests and/or responses to an HTTP sink (as CloudEvents). */
export interface RequestLogger {
  /** URL of the sink, e.g. `http://message-dumper.default/`. */
  readonly url: string;
  /**
   * What is logged.
   * @default LoggerMode.ALL
   */
  readonly mode?: LoggerMode;
}

/** Server-side request batching (KServe's batcher sidecar). */
export interface Batcher {
  /**
   * Largest batch.
   * @default - KServe's default (32)
   */
  readonly maxBatchSize?: number;
  /**
   * Longest time a request waits for its batch to fill (whole milliseconds).
   * @default - KServe's default (500 ms)
   */
  readonly maxLatency?: Duration;
  /**
   * Timeout of a batch call (whole seconds).
   * @default - KServe's default (60 s)
   */
  readonly timeout?: Duration;
}

/**
 * Deployment settings every InferenceService component (predictor, transformer, explainer) shares: the shared pod
 * options ({@link WorkloadPodOptions}: `security`, `serviceAccountName` — e.g. an IRSA role for S3 —,
 * `imagePullSecrets`, `sharedMemory`, `pool`, `podLabels`, `podAnnotations`) plus KServe's component extension.
 */
export interface ComponentOptions extends WorkloadPodOptions {
  /**
   * Minimum replicas; 0 lets the component scale to zero, which only Knative mode does (or Standard mode with
   * KEDA on an external metric).
   * @default - 1
   */
  readonly minReplicas?: number;
  /**
   * Maximum replicas.
   * @default - the autoscaler's default
   */
  readonly maxReplicas?: number;
  /**
   * Autoscaling metric and target; valid choices depend on the deployment mode.
   * @default - Knative: concurrency 100 (KPA); Standard: an HPA on 80% CPU
   */
  readonly autoscaling?: Autoscaling;
  /**
   * Hard limit of requests a replica handles at once (Knative `containerConcurrency`; 0 = unlimited).
   * @default 0
   */
  readonly containerConcurrency?: number;
  /**
   * Request timeout (whole seconds).
   * @default - KServe's default (Knative: 300 s)
   */
  readonly timeout?: Duration;
  /**
   * Request/response logging.
   * @default - none
   */
  readonly logger?: RequestLogger;
  /**
   * Server-side batching.
   * @default - none
   */
  readonly batcher?: Batcher;
  /**
   * Extra pod volumes (volumes mounted by containers are added automatically).
   * @default []
   */
  readonly volumes?: PodVolume[];
  /**
   * Extra containers in the pods.
   * @default []
   */
  readonly sidecars?: ContainerSpec[];
}

/** Options every predictor takes, whichever way it serves the model. */
export interface PredictorBaseOptions extends ComponentOptions {
  /**
   * Where the model is stored.
   * @default - none (e.g. the runtime's args name the model, such as `--model_id` for Hugging Face)
   */
  readonly storageUri?: StorageUri;
  /**
   * Knative mode only: percentage of traffic sent to the latest revision; the rest stays on the last
   * revision that took all traffic.
   * @default - all traffic to the latest ready revision
   */
  readonly canaryTrafficPercent?: number;
}

/** A model in a known format, loaded by a serving runtime ({@link Predictor.model}). */
export interface ModelPredictorOptions extends PredictorBaseOptions {
  /** Format of the model; selects the serving runtime. */
  readonly format: ModelFormat;
  /**
   * Serving runtime that loads the model.
   * @default - KServe picks an auto-selectable runtime that supports the format and protocol
   */
  readonly runtime?: IServingRuntime;
  /**
   * Inference protocol.
   * @default - the runtime's default (KServe selects runtimes as if v1 was asked for)
   */
  readonly protocol?: InferenceProtocol;
  /**
   * Runtime version (image tag) override.
   * @default - the runtime's image
   */
  readonly runtimeVersion?: string;
  /**
   * Extra arguments of the model server (e.g. `--model_name=llama2`).
   * @default []
   */
  readonly args?: string[];
  /**
   * Environment of the model server (secrets by reference only).
   * @default {}
   */
  readonly env?: { [name: string]: EnvVarValue };
  /**
   * CPU, memory and accelerators of the model server.
   * @default - the runtime's defaults
   */
  readonly resources?: ComputeResources;
  /**
   * Volumes mounted into the model server.
   * @default []
   */
  readonly volumeMounts?: PodVolumeMount[];
  /**
   * Readiness probe of the model server.
   * @default - the runtime's
   */
  readonly readiness?: ContainerProbe;
}

/** A custom model server container ({@link Predictor.container}). */
export interface ContainerPredictorOptions extends PredictorBaseOptions {
  /**
   * The model server container; args, env, resources, mounts and probes are set on it. A `storageUri` reaches it as
   * `STORAGE_URI`. Its name (`container.name`, default `kserve-container`) is what KServe's storage initializer and
   * agent look for: KServe's defaulting webhook renames the only container of a predictor to `kserve-container`, so
   * another name is accepted only beside `sidecars`, and then not with a `storageUri` (the model would not be
   * downloaded) nor with a logger or batcher when the container listens on a port other than 8080.
   */
  readonly container: ContainerSpec;
}

/**
 * The predictor of an InferenceService: either a model in a known format served by a runtime
 * ({@link Predictor.model}) or a custom model server container ({@link Predictor.container}).
 */
export class Predictor {
  /** A model in a known format, loaded by a serving runtime (KServe's `predictor.model`). */
  public static model(options: ModelPredictorOptions): Predictor {
    return new Predictor(options, options, undefined);
  }

  /** A custom model server container (KServe's `predictor.containers`). */
  public static container(options: ContainerPredictorOptions): Predictor {
    return new Predictor(options, undefined, options);
  }

  private constructor(
    /** The options common to both kinds of predictor. */
    public readonly options: PredictorBaseOptions,
    /** @internal */ public readonly _model: ModelPredictorOptions | undefined,
    /** @internal */ public readonly _container: ContainerPredictorOptions | undefined,
  ) {}

  /** The model's format, for a model predictor. */
  public get format(): ModelFormat | undefined {
    return this._model?.format;
  }

  /** The inference protocol, for a model predictor that sets one. */
  public get protocol(): InferenceProtocol | undefined {
    return this._model?.protocol;
  }
}

/** A transformer or explainer: a custom container. */
export interface CustomComponentOptions extends ComponentOptions {
  /**
   * The component's container. KServe's defaulting webhook names the first container of a transformer or explainer
   * `kserve-container` whatever it was called, so `container.name` may only be unset or `kserve-container`.
   */
  readonly container: ContainerSpec;
}

/** A canary predictor of a Standard-mode InferenceService (`spec.canary`): its own Deployment with fixed replicas. */
export interface CanaryPredictor {
  /** Name of the canary predictor, unique within the service. */
  readonly name: string;
  /** Percentage of traffic it receives (0-100; the canaries' sum is at most 100). */
  readonly trafficPercent: number;
  /** The candidate predictor (no `maxReplicas` or autoscaling: canaries run `minReplicas`). */
  readonly predictor: Predictor;
}
