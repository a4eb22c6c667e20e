import { Duration } from 'cdk8s';
import { ImagePullPolicy } from 'cdk8s-plus-28';
import { ContainerPortSpec, ContainerSpec } from '../core/container';
import { EnvVarValue } from '../core/env';
import { INodePool } from '../core/node-pool';
import { ComputeResources } from '../core/resources';
import { PodSecurityOptions } from '../core/security';
import { PodVolumeMount } from '../core/volume';
import { WorkloadTemplate } from '../core/workload-template';

/** A parameter of a pipeline (`{{workflow.parameters.<name>}}`) or an input of a step template (`{{inputs.parameters.<name>}}`). */
export interface PipelineParameter {
  /** Name (letters, digits, `-` and `_`). */
  readonly name: string;
  /**
   * Default value.
   * @default - none: every run (or task) must give a value
   */
  readonly defaultValue?: string;
  /**
   * The values accepted (Argo's UI offers them as a list).
   * @default - any value
   */
  readonly allowedValues?: string[];
  /**
   * Description.
   * @default - none
   */
  readonly description?: string;
}

/** A key of a Secret (credentials are referenced, never inlined). */
export interface SecretKeyRef {
  /** Name of the Secret, in the pipeline's namespace. */
  readonly name: string;
  /** Key within the Secret. */
  readonly key: string;
}

/** Where an artifact is in S3 (or an S3-compatible store such as MinIO). */
export interface S3ArtifactLocation {
  /** Key (path) of the object or prefix in the bucket. */
  readonly key: string;
  /**
   * Bucket.
   * @default - the bucket of the controller's default artifact repository
   */
  readonly bucket?: string;
  /**
   * Endpoint (host[:port]) of an S3-compatible store.
   * @default - the default artifact repository's endpoint
   */
  readonly endpoint?: string;
  /**
   * Region.
   * @default - the default artifact repository's region
   */
  readonly region?: string;
  /**
   * Connect without TLS (e.g. an in-cluster MinIO).
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * Secret key holding the access key id.
   * @default - the default artifact repository's credentials (or the pod's IAM role)
   */
  readonly accessKey?: SecretKeyRef;
  /**
   * Secret key holding the secret access key.
   * @default - the default artifact repository's credentials (or the pod's IAM role)
   */
  readonly secretKey?: SecretKeyRef;
}

/** A file or directory a step template reads, put at `path` before its container starts. */
export interface InputArtifact {
  /** Name (`{{inputs.artifacts.<name>.path}}`; tasks pass it with `artifacts`). */
  readonly name: string;
  /** Where it is put in the container. */
  readonly path: string;
  /**
   * Read it from S3. Without it, each task passes it (`artifacts: { name: '{{tasks.x.outputs.artifacts.y}}' }`).
   * @default - passed by the task
   */
  readonly s3?: S3ArtifactLocation;
}

/** A file or directory a step saves as an artifact (`{{tasks.<task>.outputs.artifacts.<name>}}`). */
export interface OutputArtifact {
  /** Name. */
  readonly name: string;
  /** Path of the file or directory in the container. */
  readonly path: string;
  /**
   * Where it is saved.
   * @default - the controller's default artifact repository (under a key derived from the run)
   */
  readonly s3?: S3ArtifactLocation;
}

/** A value a container or script step writes to a file, read as `{{tasks.<task>.outputs.parameters.<name>}}`. */
export interface OutputParameter {
  /** Name. */
  readonly name: string;
  /** File the step writes the value to. */
  readonly path: string;
}

/** When Argo retries a failed step (`retryStrategy.retryPolicy`). */
export enum RetryOn {
  /** Any failure or error. */
  ALWAYS = 'Always',
  /** The main container failed (non-zero exit). */
  FAILURE = 'OnFailure',
  /** The pod or the controller erred (e.g. eviction, image pull). */
  ERROR = 'OnError',
  /** Transient errors only. */
  TRANSIENT_ERROR = 'OnTransientError',
}

/** Backoff between retries. */
export interface RetryBackoff {
  /** First delay. */
  readonly duration: Duration;
  /**
   * Factor the delay is multiplied by after each retry.
   * @default 1
   */
  readonly factor?: number;
  /**
   * Longest delay between two attempts (Argo's `cap`).
   * @default - no limit
   */
  readonly maxDelay?: Duration;
  /**
   * Longest total time spent retrying.
   * @default - no limit
   */
  readonly maxDuration?: Duration;
}

/** How a step is retried. */
export interface StepRetry {
  /** Retries after the first attempt. */
  readonly limit: number;
  /**
   * Which failures are retried.
   * @default RetryOn.FAILURE
   */
  readonly retryOn?: RetryOn;
  /**
   * Backoff between attempts.
   * @default - retry at once
   */
  readonly backoff?: RetryBackoff;
}

/** A ConfigMap key holding a semaphore's limit. */
export interface SemaphoreRef {
  /** ConfigMap name, in the pipeline's namespace. */
  readonly configMapName: string;
  /** Key holding the limit (an integer). */
  readonly key: string;
}

/** Mutexes and semaphores a pipeline run or a step holds while it runs. */
export interface Synchronization {
  /**
   * Mutex names: at most one holder at a time, across runs of every pipeline of the namespace.
   * @default []
   */
  readonly mutexes?: string[];
  /**
   * Semaphores: at most their ConfigMap value of holders at a time.
   * @default []
   */
  readonly semaphores?: SemaphoreRef[];
}

/** Options every step template takes. */
export interface StepTemplateOptions {
  /**
   * Input parameters (`{{inputs.parameters.<name>}}`); each task using the template passes them as `arguments`.
   * @default []
   */
  readonly inputs?: PipelineParameter[];
  /**
   * Retries.
   * @default - none
   */
  readonly retry?: StepRetry;
  /**
   * Longest time the step may take, from its start (pending time included).
   * @default - no limit
   */
  readonly timeout?: Duration;
  /**
   * Mutexes and semaphores held while the step runs.
   * @default - none
   */
  readonly synchronization?: Synchronization;
}

/** Options of a step that runs a pod. */
export interface PodStepOptions extends StepTemplateOptions {
  /**
   * Node pool of the step's pod (GPUs, placement), as for every workload.
   * @default - none
   */
  readonly pool?: INodePool;
  /**
   * Pod security of the step's pod.
   * @default - restricted
   */
  readonly security?: PodSecurityOptions;
  /**
   * Output parameters, read from files.
   * @default []
   */
  readonly outputs?: OutputParameter[];
  /**
   * Input artifacts.
   * @default []
   */
  readonly inputArtifacts?: InputArtifact[];
  /**
   * Output artifacts.
   * @default []
   */
  readonly outputArtifacts?: OutputArtifact[];
  /**
   * Labels of the step's pod.
   * @default {}
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Sidecar containers (e.g. a database the step talks to).
   * @default []
   */
  readonly sidecars?: ContainerSpec[];
}

/** Props of {@link MLPipeline.addContainer}. */
export interface ContainerStepProps extends PodStepOptions {
  /** The step's container (restricted by default; GPUs through `resources.accelerator`). */
  readonly container: ContainerSpec;
}

/** Props of {@link MLPipeline.addScript}. */
export interface ScriptStepProps extends PodStepOptions {
  /** Image that runs the script. */
  readonly image: string;
  /** The script's source. Its standard output is the task's `outputs.result`. */
  readonly source: string;
  /**
   * Interpreter the source is passed to (as a file).
   * @default ['python']
   */
  readonly command?: string[];
  /**
   * The rest of the container (environment, resources, volume mounts...).
   * @default - none
   */
  readonly container?: ScriptContainerOptions;
}

/** Container settings of a script step besides image, command and source. */
export interface ScriptContainerOptions {
  /**
   * Environment variables.
   * @default {}
   */
  readonly env?: { [name: string]: EnvVarValue };
  /**
   * Resources.
   * @default - none
   */
  readonly resources?: ComputeResources;
  /**
   * Volume mounts (e.g. a PersistentVolumeClaim shared between steps).
   * @default []
   */
  readonly volumeMounts?: PodVolumeMount[];
  /**
   * Image pull policy.
   * @default - the Kubernetes default
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * Ports the script's container listens on.
   * @default []
   */
  readonly ports?: ContainerPortSpec[];
}

/** A value a workload step reads from the object it created, as `{{tasks.<task>.outputs.parameters.<name>}}`. */
export interface WorkloadOutput {
  /** Name. */
  readonly name: string;
  /** JSONPath in the object, e.g. `{.status.applicationState.state}`. */
  readonly jsonPath: string;
}

/** Props of {@link MLPipeline.addWorkload}. */
export interface WorkloadStepProps extends StepTemplateOptions {
  /**
   * The workload the step runs, declared alone in a `WorkloadTemplate` of the pipeline's namespace. Its primary
   * object is created by the step (with a generated name and an owner reference to the run); its supporting
   * objects (ServiceAccounts, Roles, claims...) are emitted beside the pipeline, once.
   */
  readonly workload: WorkloadTemplate;
  /**
   * URI of the model the workload produces (e.g. `ModelcarImage.storageUri().uri`, a `pvc://` or `s3://` URI), given
   * to later tasks as the output parameter `model-uri`.
   * @default - no `model-uri` output
   */
  readonly modelUri?: string;
  /**
   * More outputs read from the created object.
   * @default []
   */
  readonly outputs?: WorkloadOutput[];
}

/** Props of {@link MLPipeline.addRollout}. */
export interface RolloutStepProps extends StepTemplateOptions {
  /**
   * The long-running object to apply (an InferenceService with a canary, an InferenceGraph, a Dataset...), declared
   * alone in a `WorkloadTemplate` of the pipeline's namespace. It keeps its name, gets no owner reference (it
   * outlives the run), and the step waits until its status contract says ready.
   */
  readonly workload: WorkloadTemplate;
}

/** How a patch is merged into the object (`kubectl patch --type`). */
export enum PatchStrategy {
  /** JSON merge patch (RFC 7386): works on custom resources. */
  MERGE = 'merge',
  /** Strategic merge patch: built-in kinds only. */
  STRATEGIC = 'strategic',
}

/** Props of {@link MLPipeline.addPatch}. */
export interface PatchStepProps extends StepTemplateOptions {
  /** The object to patch, as declared (in a `WorkloadTemplate`) for the rollout step that applies it. */
  readonly workload: WorkloadTemplate;
  /** The patch, e.g. `{ spec: { predictor: { canaryTrafficPercent: 100 } } }` to promote a KServe canary. */
  readonly patch: { [key: string]: any };
  /**
   * Merge strategy.
   * @default PatchStrategy.MERGE
   */
  readonly strategy?: PatchStrategy;
}

/** Props of {@link MLPipeline.addApproval}. */
export interface ApprovalStepProps {
  /**
   * Resume on its own after this long.
   * @default - wait until resumed (`argo resume`, the UI or the API)
   */
  readonly duration?: Duration;
}
