import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Autoscaling, AutoscalerClass } from './autoscaling';
import { DeploymentMode, KServeConfig, resolveKServeConfig } from './kserve-config';
import { InferenceProtocol, ModelFormat } from './model-format';
import { IServingRuntime, KServeRuntime, runtimeServes, runtimeSupports } from './serving-runtime-ref';
import { StorageScheme, StorageUri } from './storage-uri';
import { ContainerSpec } from '../core/container';
import { EnvVarValue } from '../core/env';
import { checkInteger, describeValue, invalid } from '../core/errors';
import { checkLabels, ResourceNames } from '../core/names';
import { INodePool } from '../core/node-pool';
import { PodTemplate, prune } from '../core/pod-template';
import { ContainerProbe } from '../core/probe';
import { ComputeResources } from '../core/resources';
import { PodSecurityOptions } from '../core/security';
import { StatusContract, StatusSource, WorkloadStatus } from '../core/status-contract';
import { upstreamPin } from '../core/versions';
import { PodVolume, PodVolumeMount } from '../core/volume';
import { placeWorkload } from '../core/workload';

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

/** Deployment settings every InferenceService component (predictor, transformer, explainer) shares. */
export interface ComponentOptions {
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
   * Service account of the pods (storage credentials: e.g. an IRSA role for S3, or Secrets listed on it).
   * @default - the namespace's default account, with no API token mounted
   */
  readonly serviceAccountName?: string;
  /**
   * GPU node pool the pods run on. Required when the pods request accelerators and the app declares pools.
   * @default - no pool
   */
  readonly pool?: INodePool;
  /**
   * Pod security. Pods meet the restricted Pod Security Standard unless this opts out.
   * @default - restricted, uid/gid 1000
   */
  readonly security?: PodSecurityOptions;
  /**
   * Mount memory-backed shared memory at `/dev/shm` (model servers with several worker processes need it).
   * @default false
   */
  readonly sharedMemory?: boolean;
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
  /**
   * Labels of the pods.
   * @default {}
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Annotations of the pods.
   * @default {}
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Secrets used to pull images.
   * @default []
   */
  readonly imagePullSecrets?: string[];
}

/** The predictor: a model in a known format served by a runtime, or a custom container. */
export interface PredictorOptions extends ComponentOptions {
  /**
   * Format of the model; selects the serving runtime. Set this or `container`.
   * @default - none (then `container` is required)
   */
  readonly modelFormat?: ModelFormat;
  /**
   * Serving runtime that loads the model.
   * @default - KServe picks an auto-selectable runtime that supports the format and protocol
   */
  readonly runtime?: IServingRuntime;
  /**
   * Where the model is stored.
   * @default - none (the runtime's args name the model, e.g. `--model_id` for Hugging Face)
   */
  readonly storageUri?: StorageUri;
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
  /**
   * A custom model server container (named `kserve-container`). Set this or `modelFormat`.
   * @default - none
   */
  readonly container?: ContainerSpec;
  /**
   * Knative mode only: percentage of traffic sent to the latest revision; the rest stays on the last
   * revision that took all traffic.
   * @default - all traffic to the latest ready revision
   */
  readonly canaryTrafficPercent?: number;
}

/** A transformer or explainer: a custom container. */
export interface CustomComponentOptions extends ComponentOptions {
  /** The component's container (named `kserve-container`). */
  readonly container: ContainerSpec;
}

/** A canary predictor of a Standard-mode InferenceService (`spec.canary`): its own Deployment with fixed replicas. */
export interface CanaryPredictor {
  /** Name of the canary predictor, unique within the service. */
  readonly name: string;
  /** Percentage of traffic it receives (0-100; the canaries' sum is at most 100). */
  readonly trafficPercent: number;
  /** The candidate predictor (no `maxReplicas` or autoscaling: canaries run `minReplicas`). */
  readonly predictor: PredictorOptions;
}

/** Props of {@link InferenceService}. */
export interface InferenceServiceProps {
  /**
   * Name (a DNS-1123 label starting with a letter).
   * @default - derived from the construct path
   */
  readonly name?: string;
  /**
   * Namespace.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Deployment mode; written to `serving.kserve.io/deploymentMode` and used for validation.
   * @default - the KServe configuration's default mode (Knative for KServe v0.20.0)
   */
  readonly mode?: DeploymentMode;
  /**
   * The KServe installation's configuration.
   * @default - the KServeConfig declared in the app, or KServe v0.20.0's defaults
   */
  readonly kserve?: KServeConfig;
  /** The predictor. */
  readonly predictor: PredictorOptions;
  /**
   * Pre/post-processing in front of the predictor.
   * @default - none
   */
  readonly transformer?: CustomComponentOptions;
  /**
   * Explainer.
   * @default - none
   */
  readonly explainer?: CustomComponentOptions;
  /**
   * Standard mode only: canary predictors that receive a share of the traffic.
   * @default []
   */
  readonly canaries?: CanaryPredictor[];
  /**
   * Secret with storage credentials, named by the `serving.kserve.io/storageSecretName` annotation.
   * @default - credentials from the service account, if any
   */
  readonly storageSecretName?: string;
  /**
   * Labels of the InferenceService.
   * @default {}
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the InferenceService.
   * @default {}
   */
  readonly annotations?: { [key: string]: string };
}

/** Name of the main container KServe expects. */
const MAIN = 'kserve-container';
/** Stand-in image for a model-format predictor (KServe takes the image from the runtime); never rendered. */
const RUNTIME_IMAGE = 'serving-runtime.invalid/runtime:provided';
const ISVC_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A KServe `InferenceService` (serving.kserve.io/v1beta1): a predictor (a model in a known format, or a
 * custom container) with optional transformer, explainer and canaries, in an explicit deployment mode.
 *
 * Every pod is rendered through the library's secure pod template; fields the chosen mode would silently
 * ignore (scale-to-zero, `canaryTrafficPercent`, metrics of the wrong autoscaler, modelcars switched off)
 * are synth-time errors.
 */
export class InferenceService extends Construct {
  /** Annotation holding the deployment mode. */
  public static readonly DEPLOYMENT_MODE_ANNOTATION = 'serving.kserve.io/deploymentMode';
  /** Annotation holding the Standard-mode autoscaler class. */
  public static readonly AUTOSCALER_CLASS_ANNOTATION = 'serving.kserve.io/autoscalerClass';
  /**
   * How an InferenceService's readiness is read: it is ready when condition `Ready` is `"True"` (KServe sets it once
   * the predictor and its ingress are ready). It never completes, and KServe has no terminal failure: it keeps
   * reconciling, with `Ready` `"False"` and the reason in its message (also while stopped, with condition `Stopped`).
   */
  public static readonly STATUS: StatusContract = {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    source: StatusSource.CONDITIONS,
    path: '.status.conditions',
    succeeded: ['Ready'],
    failed: [],
    messagePath: '.status.conditions[?(@.type=="Ready")].message',
    completes: false,
  };

  /** Name of the InferenceService. */
  public readonly name: string;
  /** Namespace, if set. */
  public readonly namespace?: string;
  /** Deployment mode. */
  public readonly mode: DeploymentMode;
  /** The predictor's protocol, if set. */
  public readonly protocol?: InferenceProtocol;
  /** The emitted object. */
  public readonly apiObject: ApiObject;
  /** How to read this service's readiness: {@link InferenceService.STATUS} and the object it applies to. */
  public readonly status: WorkloadStatus;

  constructor(scope: Construct, id: string, props: InferenceServiceProps) {
    super(scope, id);
    this.name = props.name ?? ResourceNames.uniqueLabel(this);
    this.namespace = props.namespace;
    const config = resolveKServeConfig(this, props.kserve);
    this.mode = props.mode ?? config.defaultDeploymentMode;
    this.protocol = props.predictor.protocol;
    if (!ISVC_NAME.test(this.name) || this.name.length > 63) {
      invalid(this, 'name', this.name, "must start with a lowercase letter and hold only lowercase letters, digits and '-' (at most 63 characters)");
    }
    checkLabels(this, 'labels', props.labels);

    const classes = new Set<AutoscalerClass>();
    const components: Array<[string, ComponentOptions | undefined]> = [['predictor', props.predictor], ['transformer', props.transformer], ['explainer', props.explainer]];
    components.forEach(([field, c]) => {
      const cls = c?.autoscaling?.autoscalerClass;
      if (cls && this.mode === DeploymentMode.STANDARD) classes.add(cls);
      if (c && cls && classes.size > 1) {
        invalid(this, `${field}.autoscaling`, cls, `all components share one autoscaler class (serving.kserve.io/autoscalerClass); the service already uses '${[...classes][0]}'`);
      }
    });
    const autoscalerClass = classes.size ? [...classes][0] : undefined;

    const spec: any = {
      predictor: this.renderPredictor('predictor', props.predictor, autoscalerClass),
      transformer: props.transformer ? this.renderCustom('transformer', props.transformer, autoscalerClass) : undefined,
      explainer: props.explainer ? this.renderCustom('explainer', props.explainer, autoscalerClass) : undefined,
      canary: this.renderCanaries(props),
    };
    if (this.mode === DeploymentMode.MODEL_MESH && props.explainer) {
      invalid(this, 'explainer', 'explainer', 'ModelMesh mode serves predictors from shared runtime pods and reconciles no explainer; use Knative or Standard mode');
    }

    const podAnnotations = [props.predictor, props.transformer, props.explainer, ...(props.canaries ?? []).map(c => c.predictor)];
    const security = podAnnotations.filter((c): c is ComponentOptions => !!c).map(c => new PodTemplate({ security: c.security }).securityAnnotations)
      .reduce((a, b) => ({ ...a, ...b }), {});
    const annotations: Record<string, string> = {
      ...(props.annotations ?? {}),
      ...security,
      [InferenceService.DEPLOYMENT_MODE_ANNOTATION]: this.mode,
    };
    if (autoscalerClass && autoscalerClass !== AutoscalerClass.HPA) annotations[InferenceService.AUTOSCALER_CLASS_ANNOTATION] = autoscalerClass;
    if (props.storageSecretName !== undefined) {
      if (!ResourceNames.isDns1123Subdomain(props.storageSecretName)) {
        invalid(this, 'storageSecretName', props.storageSecretName, 'must be the name of a Secret (DNS-1123 subdomain)');
      }
      annotations[config.storageSecretNameAnnotation] = props.storageSecretName;
    }

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: prune({ name: this.name, namespace: props.namespace, labels: props.labels, annotations }),
      spec: prune(spec),
    });
    this.status = { contract: InferenceService.STATUS, name: this.name, namespace: this.apiObject.metadata.namespace };

    // modelcars: checked at synth, so a KServeConfig declared anywhere in the app counts
    const ociUris = [props.predictor, ...(props.canaries ?? []).map(c => c.predictor)]
      .map(p => p.storageUri).filter((u): u is StorageUri => u?.scheme === StorageScheme.OCI);
    if (ociUris.length) {
      this.node.addValidation({
        validate: () => {
          const cfg = resolveKServeConfig(this, props.kserve);
          return cfg.enableModelcar ? [] : [`predictor.storageUri: ${describeValue(ociUris[0].uri)} is not valid; `
            + `modelcars are switched off in the KServe configuration${cfg.path ? ` (${cfg.path})` : ''}: set enableModelcar: true `
            + '(storageInitializer.enableModelcar in inferenceservice-config) or store the model elsewhere'];
        },
      });
    }
  }

  /** Path of the predictor's REST inference endpoint for this service's protocol (e.g. `/v2/models/<name>/infer`). */
  public inferencePath(modelName?: string): string {
    const name = modelName ?? this.name;
    return this.protocol === InferenceProtocol.V2 ? `/v2/models/${name}/infer` : `/v1/models/${name}:predict`;
  }

  /** Cluster-internal host name of the service (`<name>.<namespace>.svc.cluster.local`, or without namespace when unset). */
  public get host(): string {
    return this.namespace ? `${this.name}.${this.namespace}.svc.cluster.local` : this.name;
  }

  private renderCanaries(props: InferenceServiceProps): any[] | undefined {
    const canaries = props.canaries ?? [];
    if (canaries.length === 0) return undefined;
    if (this.mode !== DeploymentMode.STANDARD) {
      invalid(this, 'canaries', canaries.map(c => c.name), this.mode === DeploymentMode.KNATIVE
        ? 'spec.canary is only supported in Standard mode; in Knative mode update the predictor and set predictor.canaryTrafficPercent'
        : 'spec.canary is only supported in Standard mode');
    }
    if (!props.predictor.modelFormat && !props.predictor.storageUri) {
      invalid(this, 'canaries', canaries.map(c => c.name), 'canaries need a stable predictor with a model (modelFormat or storageUri)');
    }
    const names = new Set<string>();
    let total = 0;
    const stableMin = props.predictor.minReplicas ?? 1;
    return canaries.map((c, i) => {
      const field = `canaries[${i}]`;
      if (!ResourceNames.isDns1123Label(c.name)) invalid(this, `${field}.name`, c.name, 'must be a DNS-1123 label');
      if (names.has(c.name)) invalid(this, `${field}.name`, c.name, 'canary names must be unique');
      names.add(c.name);
      checkInteger(this, `${field}.trafficPercent`, c.trafficPercent, 0, 100);
      total += c.trafficPercent;
      if (total > 100) invalid(this, `${field}.trafficPercent`, c.trafficPercent, `the canaries' traffic adds up to ${total}; the sum must be at most 100`);
      const p = c.predictor;
      if (p.maxReplicas !== undefined) invalid(this, `${field}.predictor.maxReplicas`, p.maxReplicas, 'canaries run fixed replicas (minReplicas); remove maxReplicas');
      if (p.autoscaling?._setsMetric) invalid(this, `${field}.predictor.autoscaling`, p.autoscaling.autoscalerClass, 'canaries run fixed replicas (minReplicas); remove autoscaling');
      if (p.canaryTrafficPercent !== undefined) invalid(this, `${field}.predictor.canaryTrafficPercent`, p.canaryTrafficPercent, 'set the canary share with trafficPercent');
      if (p.minReplicas !== undefined && p.minReplicas > stableMin) {
        invalid(this, `${field}.predictor.minReplicas`, p.minReplicas, `must not exceed the stable predictor's minReplicas (${stableMin})`);
      }
      return { predictor: { name: c.name, ...this.renderPredictor(`${field}.predictor`, p, undefined, true) }, trafficPercent: c.trafficPercent };
    });
  }

  private renderPredictor(field: string, p: PredictorOptions, autoscalerClass: AutoscalerClass | undefined, canary = false): any {
    if (!!p.modelFormat === !!p.container) {
      invalid(this, field, p.modelFormat ? 'modelFormat and container' : 'neither modelFormat nor container',
        'set exactly one of modelFormat (a model served by a runtime) or container (a custom model server)');
    }
    if (p.container && (p.args || p.env || p.resources || p.volumeMounts || p.readiness || p.runtime || p.protocol || p.runtimeVersion)) {
      invalid(this, field, 'container with model server fields', 'with a custom container, set args, env, resources, mounts and probes on the container; runtime, protocol and runtimeVersion need modelFormat');
    }
    const storageUri = p.storageUri?._validate(this, `${field}.storageUri`);
    if (p.canaryTrafficPercent !== undefined) {
      checkInteger(this, `${field}.canaryTrafficPercent`, p.canaryTrafficPercent, 0, 100);
      if (this.mode !== DeploymentMode.KNATIVE) {
        invalid(this, `${field}.canaryTrafficPercent`, p.canaryTrafficPercent, this.mode === DeploymentMode.STANDARD
          ? `KServe ${upstreamPin('kserve').version} honours canaryTrafficPercent only in Knative mode (Standard mode ignores it); declare the candidate in canaries instead`
          : 'ModelMesh mode has no revisions to split traffic between');
      }
    }
    if (this.mode === DeploymentMode.MODEL_MESH) return this.renderModelMeshPredictor(field, p, storageUri);

    const runtime = this.checkRuntime(field, p);
    const main: ContainerSpec = p.container ? {
      ...p.container,
      name: MAIN,
      env: storageUri ? { ...(p.container.env ?? {}), STORAGE_URI: EnvVarValue.fromValue(storageUri) } : p.container.env,
    } : {
      name: MAIN,
      image: RUNTIME_IMAGE,
      args: p.args,
      env: p.env,
      resources: p.resources,
      volumeMounts: p.volumeMounts,
      readiness: p.readiness,
    };
    const pod = this.renderPod(field, p, main);
    if (p.container) {
      return prune({ ...pod, ...this.renderExtension(field, p, autoscalerClass, canary) });
    }
    const [model, ...sidecars] = pod.containers;
    // KServe's webhook rejects a name on the stable predictor's model, while the pinned CRD requires one on a canary's
    if (!canary) delete model.name;
    delete model.image;
    return prune({
      ...pod,
      containers: sidecars.length ? sidecars : undefined,
      model: {
        modelFormat: { name: p.modelFormat!.name, version: p.modelFormat!.version },
        runtime: runtime?.runtimeName,
        runtimeVersion: p.runtimeVersion,
        protocolVersion: p.protocol,
        storageUri,
        ...model,
      },
      ...this.renderExtension(field, p, autoscalerClass, canary),
    });
  }

  private renderModelMeshPredictor(field: string, p: PredictorOptions, storageUri: string | undefined): any {
    if (p.container) {
      invalid(this, `${field}.container`, p.container.image, 'ModelMesh serves models in a known format from multi-model runtimes; set modelFormat and runtime');
    }
    const podFields: Array<keyof PredictorOptions> = [
      'args', 'env', 'resources', 'volumeMounts', 'readiness', 'pool', 'minReplicas', 'maxReplicas', 'autoscaling', 'containerConcurrency',
      'timeout', 'logger', 'batcher', 'sharedMemory', 'sidecars', 'volumes', 'security', 'serviceAccountName', 'runtimeVersion',
    ];
    const set = podFields.find(k => p[k] !== undefined);
    if (set) {
      invalid(this, `${field}.${set}`, p[set] === undefined ? undefined : String(set),
        'ModelMesh mode loads the model into the shared pods of its multi-model runtime; set pod, resource and scaling settings on the ServingRuntime');
    }
    const runtime = p.runtime;
    const format = p.modelFormat!;
    if (runtime && !runtime.multiModel) {
      invalid(this, `${field}.runtime`, runtime.runtimeName, 'ModelMesh mode needs a multi-model runtime (multiModel: true), e.g. a ServingRuntime with a ModelMesh adapter');
    }
    if (!runtime) {
      const candidates = appRuntimes(this).filter(r => r.multiModel && runtimeSupports(r, format.name, format.version, true));
      if (candidates.length === 0) {
        invalid(this, `${field}.runtime`, undefined,
          `ModelMesh mode needs a multi-model runtime for '${format.name}'; none of KServe's built-in runtimes is multi-model, so declare a ServingRuntime with multiModel: true or pass one`);
      }
    } else if (!runtimeSupports(runtime, format.name, format.version, false)) {
      invalid(this, `${field}.modelFormat`, format.name, `runtime '${runtime.runtimeName}' supports ${formatsOf(runtime)}`);
    }
    return {
      model: { modelFormat: { name: format.name, version: format.version }, runtime: runtime?.runtimeName, protocolVersion: p.protocol, storageUri },
    };
  }

  private checkRuntime(field: string, p: PredictorOptions): IServingRuntime | undefined {
    if (!p.modelFormat) return undefined;
    const format = p.modelFormat;
    if (p.runtime) {
      if (p.runtime.multiModel) {
        invalid(this, `${field}.runtime`, p.runtime.runtimeName, `a multi-model runtime serves only ModelMesh InferenceServices; this one is in ${this.mode} mode`);
      }
      if (!runtimeSupports(p.runtime, format.name, format.version, false)) {
        invalid(this, `${field}.modelFormat`, `${format.name}${format.version ? `:${format.version}` : ''}`, `runtime '${p.runtime.runtimeName}' supports ${formatsOf(p.runtime)}`);
      }
      if (!runtimeServes(p.runtime, p.protocol)) {
        invalid(this, `${field}.protocol`, p.protocol ?? 'v1 (default)', `runtime '${p.runtime.runtimeName}' serves ${p.runtime.protocolVersions.join(', ')}`);
      }
      return p.runtime;
    }
    const candidates = [...KServeRuntime.BUILT_IN, ...appRuntimes(this)]
      .filter(r => !r.multiModel && runtimeSupports(r, format.name, format.version, true));
    if (candidates.length === 0) {
      invalid(this, `${field}.modelFormat`, format.name, 'no auto-selectable serving runtime loads this format; pass a runtime (a ServingRuntime declared in the app, or KServeRuntime.existing())');
    }
    if (!candidates.some(r => runtimeServes(r, p.protocol))) {
      invalid(this, `${field}.protocol`, p.protocol ?? 'v1 (default)',
        `no auto-selectable runtime for '${format.name}' serves it; ${candidates.map(r => `'${r.runtimeName}' serves ${r.protocolVersions.join(', ')}`).join('; ')}`);
    }
    return undefined;
  }

  private renderCustom(field: string, c: CustomComponentOptions, autoscalerClass: AutoscalerClass | undefined): any {
    const pod = this.renderPod(field, c, { ...c.container, name: MAIN });
    return prune({ ...pod, ...this.renderExtension(field, c, autoscalerClass, false) });
  }

  private renderPod(field: string, c: ComponentOptions, main: ContainerSpec): any {
    const template = new PodTemplate({
      containers: [main, ...(c.sidecars ?? [])],
      volumes: c.volumes,
      serviceAccountName: c.serviceAccountName,
      security: c.security,
      sharedMemory: c.sharedMemory,
      imagePullSecrets: c.imagePullSecrets,
    });
    placeWorkload(this, `${field}.pool`, template, c.pool); // long-running pods: no do-not-disrupt
    const spec = template.toPodSpec(this, MAIN);
    const labels = { ...(c.podLabels ?? {}), ...template.placement.podLabels };
    const annotations = { ...(c.podAnnotations ?? {}), ...template.placement.podAnnotations };
    checkLabels(this, `${field}.podLabels`, labels);
    return { ...spec, labels, annotations };
  }

  private renderExtension(field: string, c: ComponentOptions, autoscalerClass: AutoscalerClass | undefined, canary: boolean): any {
    checkInteger(this, `${field}.minReplicas`, c.minReplicas, 0);
    checkInteger(this, `${field}.maxReplicas`, c.maxReplicas, 1);
    checkInteger(this, `${field}.containerConcurrency`, c.containerConcurrency, 0);
    if (c.minReplicas !== undefined && c.maxReplicas !== undefined && c.minReplicas > c.maxReplicas) {
      invalid(this, `${field}.maxReplicas`, c.maxReplicas, `must be at least minReplicas (${c.minReplicas})`);
    }
    if (c.minReplicas === 0 && this.mode === DeploymentMode.STANDARD && !c.autoscaling?._scalesToZeroInStandard) {
      const cls = c.autoscaling?.autoscalerClass ?? autoscalerClass ?? AutoscalerClass.HPA;
      invalid(this, `${field}.minReplicas`, 0, cls === AutoscalerClass.NONE
        ? 'with fixed replicas, 0 means the component never runs; to stop a service use the serving.kserve.io/stop annotation'
        : `Standard mode cannot scale to zero with the '${cls}' autoscaler (KServe raises minReplicas 0 to 1); use Knative mode, or Autoscaling.kedaPrometheus() in Standard mode`);
    }
    if (c.timeout !== undefined) checkInteger(this, `${field}.timeout`, c.timeout.toSeconds(), 1);
    const batcher = c.batcher ? {
      maxBatchSize: c.batcher.maxBatchSize,
      maxLatency: c.batcher.maxLatency?.toMilliseconds(),
      timeout: c.batcher.timeout?.toSeconds(),
    } : undefined;
    checkInteger(this, `${field}.batcher.maxBatchSize`, batcher?.maxBatchSize, 1);
    checkInteger(this, `${field}.batcher.maxLatency`, batcher?.maxLatency, 1);
    checkInteger(this, `${field}.batcher.timeout`, batcher?.timeout, 1);
    if (c.logger && !/^https?:\/\/\S+$/.test(c.logger.url)) {
      invalid(this, `${field}.logger.url`, c.logger.url, "must be an 'http(s)://' URL of the log sink");
    }
    return {
      minReplicas: c.minReplicas,
      maxReplicas: c.maxReplicas,
      containerConcurrency: c.containerConcurrency,
      canaryTrafficPercent: (c as PredictorOptions).canaryTrafficPercent,
      timeout: c.timeout?.toSeconds(),
      logger: c.logger ? { url: c.logger.url, mode: c.logger.mode ?? LoggerMode.ALL } : undefined,
      batcher: batcher ? { ...batcher } : undefined,
      ...(c.autoscaling && !canary ? c.autoscaling._render(this, `${field}.autoscaling`, this.mode) : {}),
    };
  }
}

function formatsOf(r: IServingRuntime): string {
  const list = r.supportedModelFormats.map(m => `${m.name}${m.version ? `:${m.version}` : ''}`);
  return list.length ? list.join(', ') : 'no declared formats';
}

/** Serving runtimes declared in the app of `scope` (ServingRuntime and ClusterServingRuntime constructs). */
function appRuntimes(scope: Construct): IServingRuntime[] {
  return scope.node.root.node.findAll().filter((c): c is Construct & IServingRuntime =>
    typeof (c as any).runtimeName === 'string' && Array.isArray((c as any).supportedModelFormats) && typeof (c as any).multiModel === 'boolean');
}

