import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AutoscalerClass } from './autoscaling';
import {
  CanaryPredictor, ComponentOptions, CustomComponentOptions, LoggerMode, ModelPredictorOptions, Predictor,
  PredictorBaseOptions,
} from './inference-service-options';
import { DeploymentMode, KServeConfig, resolveKServeConfig } from './kserve-config';
import { InferenceProtocol } from './model-format';
import { IServingRuntime, KServeRuntime, runtimeServes, runtimeSupports, servingRuntimesOf } from './serving-runtime-ref';
import { StorageScheme, StorageUri } from './storage-uri';
import { check, checkProps, checkWorkloadProps, Is, Rule, WORKLOAD_RULES } from '../core/checks';
import { ContainerSpec } from '../core/container';
import { PlatformContext } from '../core/context';
import { wholeMillis, wholeSeconds } from '../core/durations';
import { EnvVarValue } from '../core/env';
import { checkInteger, invalid } from '../core/errors';
import { checkLabels, ResourceNames } from '../core/names';
import { PodTemplate, prune } from '../core/pod-template';
import { StatusContract, StatusSource } from '../core/status-contract';
import { upstreamPin } from '../core/versions';
import { MOUNT } from '../core/volume';
import { placeWorkload, WorkloadBase, WorkloadMetadataProps } from '../core/workload';

/**
 * Ports a Knative-mode container may not use: the queue-proxy's (8012, 8013, 8022, 9090, 9091) and the profiling
 * port (8008) — `reservedPorts` in knative.dev/serving v0.48.1 (KServe v0.20.0's), pkg/apis/serving/k8s_validation.go.
 */
const KNATIVE_RESERVED_PORTS = [8008, 8012, 8013, 8022, 9090, 9091];

/** Props of {@link InferenceService}. */
export interface InferenceServiceProps extends WorkloadMetadataProps {
  /**
   * Deployment mode; written to `serving.kserve.io/deploymentMode` and used for validation.
   * @default - the KServe configuration's default mode, written to the annotation when a KServeConfig is given or
   * declared in the app; with neither, KServe v0.20.0's default (Knative) is validated for and no annotation is written (Knative for KServe v0.20.0); the rules that depend on the
   * mode are then checked at synth, once the app's KServeConfig is known
   */
  readonly mode?: DeploymentMode;
  /**
   * The KServe installation's configuration.
   * @default - the KServeConfig declared in the app, or KServe v0.20.0's defaults
   */
  readonly kserve?: KServeConfig;
  /** The predictor: `Predictor.model({ format, ... })` or `Predictor.container({ container, ... })`. */
  readonly predictor: Predictor;
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
}

/** Name of the main container KServe expects. */
const MAIN = 'kserve-container';
/** Stand-in image for a model-format predictor (KServe takes the image from the runtime); never rendered. */
const RUNTIME_IMAGE = 'serving-runtime.invalid/runtime:provided';
const ISVC_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** One component of the service: its user-facing field, options and pod template. */
interface Component {
  readonly field: string;
  readonly options: ComponentOptions;
  readonly template: PodTemplate;
  /** The predictor, for the stable predictor and canaries. */
  readonly predictor?: Predictor;
  readonly canary: boolean;
}

/**
 * A KServe `InferenceService` (serving.kserve.io/v1beta1): a predictor (a model in a known format, or a
 * custom container) with optional transformer, explainer and canaries, in an explicit deployment mode.
 *
 * Every pod is rendered through the library's secure pod template; fields the chosen mode would silently
 * ignore (scale-to-zero, `canaryTrafficPercent`, metrics of the wrong autoscaler, modelcars switched off)
 * are errors. Props are checked where the service is declared; rules that depend on the mode are checked there
 * too when `mode` (or `kserve`) is given, otherwise at synth; rules that involve other constructs (the app's
 * KServeConfig, serving runtimes, node pools) are checked at synth, whatever the declaration order. The spec is
 * rendered at synth, so changes made through {@link InferenceService.podTemplates} after construction count.
 */
export class InferenceService extends WorkloadBase {
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

  /**
   * Declares a InferenceService from its spec: the JSON form of its props, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` InferenceService custom resource (quantities as strings, durations as Go durations,
   * one-of choices as `{ "<factory>": { <arguments> } }`; see docs/platform-apis.md). The workload's name is
   * derived from the construct path. An invalid spec throws the library's ValidationError naming `spec.<field>`.
   * @param spec the spec
   */
  public static fromSpec(scope: Construct, id: string, spec: any): InferenceService {
    // the controller module reads the jsii assembly: loaded on first use, not when the library is imported
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadFromSpec('InferenceService', scope, id, spec) as InferenceService;
  }

  /** The InferenceService object. */
  public readonly apiObject: ApiObject;
  /** {@link InferenceService.STATUS}. */
  public readonly statusContract: StatusContract = InferenceService.STATUS;
  /**
   * The predictor's model server container: `kserve-container` (the name KServe gives it), or the name of a custom
   * predictor container that has sidecars (the only case in which KServe keeps another name).
   */
  public readonly primaryContainerName: string;
  /** The predictor's protocol, if set. */
  public readonly protocol?: InferenceProtocol;

  private readonly props: InferenceServiceProps;
  private readonly components: Component[];

  constructor(scope: Construct, id: string, props: InferenceServiceProps) {
    super(scope, id, { ...props, maxNameLength: 63 });
    checkInferenceServiceProps(this, props);
    this.props = props;
    this.protocol = props.predictor.protocol;
    this.primaryContainerName = props.predictor._container?.container?.name ?? MAIN;
    this.components = [
      this.component('predictor', props.predictor.options, props.predictor, false),
      ...(props.transformer ? [this.component('transformer', props.transformer, undefined, false)] : []),
      ...(props.explainer ? [this.component('explainer', props.explainer, undefined, false)] : []),
      ...(props.canaries ?? []).map((c, i) => this.component(`canaries[${i}].predictor`, c.predictor?.options ?? {}, c.predictor, true)),
    ];
    const security = this.components.map(c => c.template.securityAnnotations).reduce((a, b) => ({ ...a, ...b }), {});
    this.apiObject = this.createApiObject('serving.kserve.io/v1beta1', 'InferenceService', security);

    // validate eagerly: every check of the props alone; with a known mode, its rules too (a trial render)
    this.checkProps();
    const mode = props.mode ?? props.kserve?.defaultDeploymentMode;
    if (mode !== undefined) this.renderIn(mode);
    PlatformContext.of(this).check(() => this.checkAcrossApp());
  }

  /**
   * The spec of this InferenceService: the JSON form of its props as declared, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` InferenceService custom resource — the inverse of {@link InferenceService.fromSpec}:
   * `InferenceService.fromSpec(scope, id, x.toSpec())` at the same construct path synthesizes what `x` synthesizes. `name` and
   * `namespace` are left out (a resource's metadata); node pools, queues and priority classes are written by name. A value
   * with no spec form (another construct reference, a static constant, an object not made by a static factory), or a
   * change after construction the spec cannot hold (through a pod template's methods or a JSON patch), throws the
   * library's ValidationError naming the field.
   */
  public toSpec(): any {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadToSpec('InferenceService', this, this.props);
  }

  /** Deployment mode: `mode`, or the default of the KServe configuration (read at synth when not given). */
  public get mode(): DeploymentMode {
    return this.props.mode ?? resolveKServeConfig(this, this.props.kserve).defaultDeploymentMode;
  }

  /**
   * The pod templates of the components that have pods (predictor, transformer, explainer, canaries; not a
   * ModelMesh predictor, whose model is loaded into the runtime's pods). Rendered at synth: changes through them
   * (e.g. `placement`, `addVolume`) after construction count.
   */
  public get podTemplates(): PodTemplate[] {
    const mm = this.mode === DeploymentMode.MODEL_MESH;
    return this.components.filter(c => !(mm && c.predictor)).map(c => c.template);
  }

  /** Path of the predictor's REST inference endpoint for this service's protocol (e.g. `/v2/models/<name>/infer`). */
  public inferencePath(modelName?: string): string {
    const name = modelName ?? this.name;
    return this.protocol === InferenceProtocol.V2 ? `/v2/models/${name}/infer` : `/v1/models/${name}:predict`;
  }

  /** Cluster-internal host name of the service (`<name>.<namespace>.svc.cluster.local`, or without namespace when unknown). */
  public get host(): string {
    return this.namespace ? `${this.name}.${this.namespace}.svc.cluster.local` : this.name;
  }

  protected renderSpec(): any {
    return this.renderIn(this.mode);
  }

  /** A component's pod template; its errors name the props the user wrote (`predictor.env.HF_TOKEN`). */
  private component(field: string, options: ComponentOptions, predictor: Predictor | undefined, canary: boolean): Component {
    const sidecars = options.sidecars ?? [];
    const custom = predictor ? predictor._container?.container : (options as CustomComponentOptions).container;
    const model = predictor?._model;
    let main: ContainerSpec;
    if (model) {
      main = {
        name: MAIN,
        image: RUNTIME_IMAGE,
        args: model.args,
        env: model.env,
        resources: model.resources,
        volumeMounts: model.volumeMounts,
        readiness: model.readiness,
      };
    } else {
      const uri = predictor?.options.storageUri;
      const c = custom ?? { image: '' };
      const name = this.containerName(field, predictor !== undefined, c, options, uri !== undefined);
      main = { ...c, name, env: uri ? { ...(c.env ?? {}), STORAGE_URI: EnvVarValue.fromValue(uri.uri) } : c.env };
    }
    const template = new PodTemplate({
      containers: [main, ...sidecars],
      volumes: options.volumes,
      serviceAccountName: options.serviceAccountName,
      security: options.security,
      sharedMemory: options.sharedMemory,
      imagePullSecrets: options.imagePullSecrets,
    });
    const names: { [path: string]: string } = { '': field, 'containers[0]': model ? field : `${field}.container` };
    sidecars.forEach((_, i) => { names[`containers[${i + 1}]`] = `${field}.sidecars[${i}]`; });
    template._nameFields(names);
    placeWorkload(this, `${field}.pool`, template, options.pool); // long-running pods: no do-not-disrupt
    return { field, options, template, predictor, canary };
  }

  /**
   * The name of a custom container, as KServe (pinned version) treats it: its defaulting webhook renames the first
   * container of a transformer or explainer, and of a predictor without sidecars, to `kserve-container`; a
   * predictor's container keeps another name only beside sidecars, and then the storage initializer (storageUri)
   * and the agent (logger, batcher) do not find it.
   */
  private containerName(field: string, isPredictor: boolean, c: ContainerSpec, options: ComponentOptions, hasStorageUri: boolean): string {
    const name = c.name;
    if (name === undefined || name === MAIN) return MAIN;
    const version = upstreamPin('kserve').version;
    const nameField = `${field}.container.name`;
    if (!isPredictor) {
      invalid(this, nameField, name, `KServe ${version}'s defaulting webhook renames the first container of a transformer or explainer to '${MAIN}', `
        + 'so the InferenceService in the cluster would differ from this one; leave name unset');
    }
    if ((options.sidecars ?? []).length === 0) {
      invalid(this, nameField, name, `KServe ${version}'s defaulting webhook renames the only container of a custom predictor to '${MAIN}', `
        + 'so the InferenceService in the cluster would differ from this one; leave name unset (a predictor container keeps another name only beside sidecars)');
    }
    if (hasStorageUri) {
      invalid(this, nameField, name, `with a storageUri, KServe ${version} downloads the model (storage initializer, STORAGE_URI) only for the container named '${MAIN}'; `
        + `name it '${MAIN}' or leave name unset`);
    }
    const port = (c.ports ?? [])[0]?.number;
    if ((options.logger !== undefined || options.batcher !== undefined) && port !== undefined && port !== 8080) {
      invalid(this, nameField, name, `KServe ${version}'s agent (logger, batcher) forwards to the port of the container named '${MAIN}' and to 8080 without one, `
        + `but this container listens on ${port}; name it '${MAIN}' or leave name unset`);
    }
    return name;
  }

  /** Checks that need only the props (run where the service is declared). */
  private checkProps(): void {
    const props = this.props;
    if (!ISVC_NAME.test(this.name) || this.name.length > 63) {
      invalid(this, 'name', this.name, "must start with a lowercase letter and hold only lowercase letters, digits and '-' (at most 63 characters)");
    }
    if (props.storageSecretName !== undefined && !ResourceNames.isDns1123Subdomain(props.storageSecretName)) {
      invalid(this, 'storageSecretName', props.storageSecretName, 'must be the name of a Secret (DNS-1123 subdomain)');
    }
    for (const c of this.components) {
      if (c.predictor) {
        c.predictor.options.storageUri?._validate(this, `${c.field}.storageUri`);
        checkInteger(this, `${c.field}.canaryTrafficPercent`, c.predictor.options.canaryTrafficPercent, 0, 100);
      }
      this.extension(c);
      checkLabels(this, `${c.field}.podLabels`, c.options.podLabels);
      c.template.toPodSpec(this, MAIN);
    }
    this.checkCanaries();
  }

  private checkCanaries(): void {
    const canaries = this.props.canaries ?? [];
    if (canaries.length === 0) return;
    const stable = this.props.predictor;
    if (!stable._model && !stable.options.storageUri) {
      invalid(this, 'canaries', canaries.map(c => c.name), 'canaries need a stable predictor with a model (Predictor.model() or a storageUri)');
    }
    const names = new Set<string>();
    let total = 0;
    const stableMin = stable.options.minReplicas ?? 1;
    canaries.forEach((c, i) => {
      const field = `canaries[${i}]`;
      if (!ResourceNames.isDns1123Label(c.name)) invalid(this, `${field}.name`, c.name, 'must be a DNS-1123 label');
      if (names.has(c.name)) invalid(this, `${field}.name`, c.name, 'canary names must be unique');
      names.add(c.name);
      checkInteger(this, `${field}.trafficPercent`, c.trafficPercent, 0, 100);
      total += c.trafficPercent;
      if (total > 100) invalid(this, `${field}.trafficPercent`, c.trafficPercent, `the canaries' traffic adds up to ${total}; the sum must be at most 100`);
      const p = c.predictor.options;
      if (p.maxReplicas !== undefined) invalid(this, `${field}.predictor.maxReplicas`, p.maxReplicas, 'canaries run fixed replicas (minReplicas); remove maxReplicas');
      if (p.autoscaling?._setsMetric) invalid(this, `${field}.predictor.autoscaling`, p.autoscaling.autoscalerClass, 'canaries run fixed replicas (minReplicas); remove autoscaling');
      if (p.canaryTrafficPercent !== undefined) invalid(this, `${field}.predictor.canaryTrafficPercent`, p.canaryTrafficPercent, 'set the canary share with trafficPercent');
      if (p.minReplicas !== undefined && p.minReplicas > stableMin) {
        invalid(this, `${field}.predictor.minReplicas`, p.minReplicas, `must not exceed the stable predictor's minReplicas (${stableMin})`);
      }
    });
  }

  /** Checks that involve other constructs of the app: run at synth, once everything is declared. */
  private checkAcrossApp(): void {
    const mode = this.mode;
    for (const c of this.components) {
      const model = c.predictor?._model;
      if (!model || model.runtime) continue;
      const format = model.format;
      if (mode === DeploymentMode.MODEL_MESH) {
        const candidates = servingRuntimesOf(this).filter(r => r.multiModel && runtimeSupports(r, format.name, format.version, true));
        if (candidates.length === 0) {
          invalid(this, `${c.field}.runtime`, undefined,
            `ModelMesh mode needs a multi-model runtime for '${format.name}'; none of KServe's built-in runtimes is multi-model, so declare a ServingRuntime with multiModel: true or pass one`);
        }
        continue;
      }
      const candidates = [...KServeRuntime.BUILT_IN, ...servingRuntimesOf(this)]
        .filter(r => !r.multiModel && runtimeSupports(r, format.name, format.version, true));
      if (candidates.length === 0) {
        invalid(this, `${c.field}.format`, format.name, 'no auto-selectable serving runtime loads this format; pass a runtime (a ServingRuntime declared in the app, or KServeRuntime.existing())');
      }
      if (!candidates.some(r => runtimeServes(r, model.protocol))) {
        invalid(this, `${c.field}.protocol`, model.protocol ?? 'v1 (default)',
          `no auto-selectable runtime for '${format.name}' serves it; ${candidates.map(r => `'${r.runtimeName}' serves ${r.protocolVersions.join(', ')}`).join('; ')}`);
      }
    }
    const oci = this.components.find(c => c.predictor?.options.storageUri?.scheme === StorageScheme.OCI);
    const cfg = resolveKServeConfig(this, this.props.kserve);
    if (oci && !cfg.enableModelcar) {
      invalid(this, `${oci.field}.storageUri`, (oci.predictor!.options.storageUri as StorageUri).uri,
        `modelcars are switched off in the KServe configuration${cfg.path ? ` (${cfg.path})` : ''}: set enableModelcar: true `
        + '(storageInitializer.enableModelcar in inferenceservice-config) or store the model elsewhere');
    }
  }

  /** Checks the mode's rules and renders the spec (and the annotations that depend on the mode and the KServe configuration). */
  private renderIn(mode: DeploymentMode): any {
    const props = this.props;
    const classes = new Set<AutoscalerClass>();
    for (const c of this.components.filter(x => !x.canary)) {
      const cls = c.options.autoscaling?.autoscalerClass;
      if (cls && mode === DeploymentMode.STANDARD) classes.add(cls);
      if (cls && classes.size > 1) {
        invalid(this, `${c.field}.autoscaling`, cls, `all components share one autoscaler class (serving.kserve.io/autoscalerClass); the service already uses '${[...classes][0]}'`);
      }
    }
    const autoscalerClass = classes.size ? [...classes][0] : undefined;
    const canaries = props.canaries ?? [];
    if (canaries.length && mode !== DeploymentMode.STANDARD) {
      invalid(this, 'canaries', canaries.map(c => c.name), mode === DeploymentMode.KNATIVE
        ? 'spec.canary is only supported in Standard mode; in Knative mode update the predictor and set predictor.canaryTrafficPercent'
        : 'spec.canary is only supported in Standard mode');
    }
    const rendered = this.components.map(c => (c.predictor
      ? this.renderPredictor(c, mode, autoscalerClass)
      : this.renderCustom(c, mode, autoscalerClass)));
    if (mode === DeploymentMode.MODEL_MESH && props.explainer) {
      invalid(this, 'explainer', 'explainer', 'ModelMesh mode serves predictors from shared runtime pods and reconciles no explainer; use Knative or Standard mode');
    }

    const metadata = this.apiObject.metadata;
    // The mode is written when it was chosen (`mode`, or a KServeConfig given or declared in the app); without
    // either, the service is validated for KServe's default and leaves the annotation to the cluster, as KServe's
    // own examples do.
    if (props.mode !== undefined || resolveKServeConfig(this, props.kserve).path !== undefined) {
      metadata.addAnnotation(InferenceService.DEPLOYMENT_MODE_ANNOTATION, mode);
    }
    if (autoscalerClass && autoscalerClass !== AutoscalerClass.HPA) {
      metadata.addAnnotation(InferenceService.AUTOSCALER_CLASS_ANNOTATION, autoscalerClass);
    }
    if (props.storageSecretName !== undefined) {
      metadata.addAnnotation(resolveKServeConfig(this, props.kserve).storageSecretNameAnnotation, props.storageSecretName);
    }

    const byField = (f: string) => rendered[this.components.findIndex(c => c.field === f)];
    return prune({
      predictor: byField('predictor'),
      transformer: props.transformer ? byField('transformer') : undefined,
      explainer: props.explainer ? byField('explainer') : undefined,
      canary: canaries.length ? canaries.map((c, i) => ({
        predictor: { name: c.name, ...byField(`canaries[${i}].predictor`) },
        trafficPercent: c.trafficPercent,
      })) : undefined,
    });
  }

  private renderPredictor(c: Component, mode: DeploymentMode, autoscalerClass: AutoscalerClass | undefined): any {
    const { field } = c;
    const p = c.predictor!;
    const storageUri = p.options.storageUri?.uri;
    if (p.options.canaryTrafficPercent !== undefined && mode !== DeploymentMode.KNATIVE) {
      invalid(this, `${field}.canaryTrafficPercent`, p.options.canaryTrafficPercent, mode === DeploymentMode.STANDARD
        ? `KServe ${upstreamPin('kserve').version} honours canaryTrafficPercent only in Knative mode (Standard mode ignores it); declare the candidate in canaries instead`
        : 'ModelMesh mode has no revisions to split traffic between');
    }
    if (mode === DeploymentMode.MODEL_MESH) return this.renderModelMeshPredictor(field, p, storageUri);
    const extension = this.extension(c, mode, autoscalerClass);
    const pod = this.renderPod(c, mode);
    const model = p._model;
    if (!model) return prune({ ...pod, ...extension });
    const runtime = this.checkRuntime(field, model, mode);
    const [main, ...sidecars] = pod.containers;
    // KServe's webhook rejects a name on the stable predictor's model, while the pinned CRD requires one on a canary's
    if (!c.canary) delete main.name;
    delete main.image;
    return prune({
      ...pod,
      containers: sidecars.length ? sidecars : undefined,
      model: {
        modelFormat: { name: model.format.name, version: model.format.version },
        runtime: runtime?.runtimeName,
        runtimeVersion: model.runtimeVersion,
        protocolVersion: model.protocol,
        storageUri,
        ...main,
      },
      ...extension,
    });
  }

  private renderModelMeshPredictor(field: string, p: Predictor, storageUri: string | undefined): any {
    const model = p._model;
    if (!model) {
      invalid(this, `${field}.container`, p._container!.container.image,
        'ModelMesh serves models in a known format from multi-model runtimes; use Predictor.model() with a multi-model runtime');
    }
    const podFields: Array<keyof ModelPredictorOptions> = [
      'args', 'env', 'resources', 'volumeMounts', 'readiness', 'pool', 'minReplicas', 'maxReplicas', 'autoscaling', 'containerConcurrency',
      'timeout', 'logger', 'batcher', 'sharedMemory', 'sidecars', 'volumes', 'security', 'serviceAccountName', 'runtimeVersion',
    ];
    const set = podFields.find(k => model[k] !== undefined);
    if (set) {
      invalid(this, `${field}.${set}`, String(set),
        'ModelMesh mode loads the model into the shared pods of its multi-model runtime; set pod, resource and scaling settings on the ServingRuntime');
    }
    const runtime = model.runtime;
    const format = model.format;
    if (runtime && !runtime.multiModel) {
      invalid(this, `${field}.runtime`, runtime.runtimeName, 'ModelMesh mode needs a multi-model runtime (multiModel: true), e.g. a ServingRuntime with a ModelMesh adapter');
    }
    if (runtime && !runtimeSupports(runtime, format.name, format.version, false)) {
      invalid(this, `${field}.format`, format.name, `runtime '${runtime.runtimeName}' supports ${formatsOf(runtime)}`);
    }
    return {
      model: {
        modelFormat: { name: format.name, version: format.version },
        runtime: runtime?.runtimeName,
        protocolVersion: model.protocol,
        storageUri,
      },
    };
  }

  /** The runtime the model names, checked against the mode, format and protocol (auto-selection is checked at synth). */
  private checkRuntime(field: string, model: ModelPredictorOptions, mode: DeploymentMode): IServingRuntime | undefined {
    const { format, runtime } = model;
    if (!runtime) return undefined;
    if (runtime.multiModel) {
      invalid(this, `${field}.runtime`, runtime.runtimeName, `a multi-model runtime serves only ModelMesh InferenceServices; this one is in ${mode} mode`);
    }
    if (!runtimeSupports(runtime, format.name, format.version, false)) {
      invalid(this, `${field}.format`, `${format.name}${format.version ? `:${format.version}` : ''}`, `runtime '${runtime.runtimeName}' supports ${formatsOf(runtime)}`);
    }
    if (!runtimeServes(runtime, model.protocol)) {
      invalid(this, `${field}.protocol`, model.protocol ?? 'v1 (default)', `runtime '${runtime.runtimeName}' serves ${runtime.protocolVersions.join(', ')}`);
    }
    return runtime;
  }

  private renderCustom(c: Component, mode: DeploymentMode, autoscalerClass: AutoscalerClass | undefined): any {
    const extension = this.extension(c, mode, autoscalerClass);
    return prune({ ...this.renderPod(c, mode), ...extension });
  }

  /**
   * Knative Serving (which runs Knative-mode components) routes to one port of one container: at most one port in
   * the pod, TCP, named `http1` or `h2c` (HTTP/1.1 or cleartext HTTP/2) or not named, and none of its reserved ports
   * (knative.dev/serving v0.48.1, `validateContainersPorts` and `validateContainerPorts`).
   */
  private checkKnativePorts(field: string, containers: any[]): void {
    const ports: Array<{ port: any; field: string }> = [];
    containers.forEach((container: any, i: number) => {
      const where = i === 0 ? `${field}.container.ports` : `${field}.sidecars[${i - 1}].ports`;
      (container.ports ?? []).forEach((port: any, j: number) => ports.push({ port, field: `${where}[${j}]` }));
    });
    if (ports.length > 1) {
      invalid(this, ports[1].field, ports[1].port.containerPort,
        'Knative mode routes to one container port per pod (Knative Serving rejects more than one); keep one port, or use Standard mode');
    }
    for (const { port, field: portField } of ports) {
      if (port.name !== undefined && port.name !== 'http1' && port.name !== 'h2c') {
        invalid(this, `${portField}.name`, port.name, "in Knative mode a container port is named 'http1' (HTTP/1.1) or 'h2c' (cleartext HTTP/2), or not named");
      }
      if (port.protocol !== undefined && port.protocol !== 'TCP') {
        invalid(this, `${portField}.protocol`, port.protocol, 'in Knative mode the container port is TCP');
      }
      if (KNATIVE_RESERVED_PORTS.includes(port.containerPort)) {
        invalid(this, `${portField}.number`, port.containerPort, `in Knative mode ports ${KNATIVE_RESERVED_PORTS.join(', ')} are reserved by Knative Serving; use another port`);
      }
    }
  }

  private renderPod(c: Component, mode: DeploymentMode): any {
    const spec = c.template.toPodSpec(this, MAIN);
    if (mode === DeploymentMode.KNATIVE) this.checkKnativePorts(c.field, spec.containers ?? []);
    const labels = { ...(c.options.podLabels ?? {}), ...c.template.placement.podLabels };
    const annotations = { ...(c.options.podAnnotations ?? {}), ...c.template.placement.podAnnotations };
    checkLabels(this, `${c.field}.podLabels`, labels);
    return { ...spec, labels, annotations };
  }

  /**
   * KServe's component extension (replicas, timeout, logger, batcher, autoscaling). Without a mode, checks only
   * the props; with one, checks the mode's rules too and renders.
   */
  private extension(c: Component, mode?: DeploymentMode, autoscalerClass?: AutoscalerClass): any {
    const { field, options: o } = c;
    checkInteger(this, `${field}.minReplicas`, o.minReplicas, 0);
    checkInteger(this, `${field}.maxReplicas`, o.maxReplicas, 1);
    checkInteger(this, `${field}.containerConcurrency`, o.containerConcurrency, 0);
    if (o.minReplicas !== undefined && o.maxReplicas !== undefined && o.minReplicas > o.maxReplicas) {
      invalid(this, `${field}.maxReplicas`, o.maxReplicas, `must be at least minReplicas (${o.minReplicas})`);
    }
    const timeout = wholeSeconds(this, `${field}.timeout`, o.timeout);
    checkInteger(this, `${field}.timeout`, timeout, 1);
    const batcher = o.batcher ? {
      maxBatchSize: o.batcher.maxBatchSize,
      maxLatency: wholeMillis(this, `${field}.batcher.maxLatency`, o.batcher.maxLatency),
      timeout: wholeSeconds(this, `${field}.batcher.timeout`, o.batcher.timeout),
    } : undefined;
    checkInteger(this, `${field}.batcher.maxBatchSize`, batcher?.maxBatchSize, 1);
    checkInteger(this, `${field}.batcher.maxLatency`, batcher?.maxLatency, 1);
    checkInteger(this, `${field}.batcher.timeout`, batcher?.timeout, 1);
    if (o.logger && !/^https?:\/\/\S+$/.test(o.logger.url)) {
      invalid(this, `${field}.logger.url`, o.logger.url, "must be an 'http(s)://' URL of the log sink");
    }
    if (mode === undefined) return undefined;
    if (o.minReplicas === 0 && mode === DeploymentMode.STANDARD && !o.autoscaling?._scalesToZeroInStandard) {
      const cls = o.autoscaling?.autoscalerClass ?? autoscalerClass ?? AutoscalerClass.HPA;
      invalid(this, `${field}.minReplicas`, 0, cls === AutoscalerClass.NONE
        ? 'with fixed replicas, 0 means the component never runs; to stop a service use the serving.kserve.io/stop annotation'
        : `Standard mode cannot scale to zero with the '${cls}' autoscaler (KServe raises minReplicas 0 to 1); use Knative mode, or Autoscaling.kedaPrometheus() in Standard mode`);
    }
    return {
      minReplicas: o.minReplicas,
      maxReplicas: o.maxReplicas,
      containerConcurrency: o.containerConcurrency,
      canaryTrafficPercent: (o as PredictorBaseOptions).canaryTrafficPercent,
      timeout,
      logger: o.logger ? { url: o.logger.url, mode: o.logger.mode ?? LoggerMode.ALL } : undefined,
      batcher,
      ...(o.autoscaling && !c.canary ? o.autoscaling._render(this, `${field}.autoscaling`, mode) : {}),
    };
  }
}

function formatsOf(r: IServingRuntime): string {
  const list = r.supportedModelFormats.map(m => `${m.name}${m.version ? `:${m.version}` : ''}`);
  return list.length ? list.join(', ') : 'no declared formats';
}

const INT32 = 2147483647;
const ENV_RULE = Is.present('must be a map of environment variable names to EnvVarValues');
const CONTAINER = Is.shape({}, 'must be a container: { image, command?, args?, ... }');

/** The rules of ComponentOptions (each component's pods). */
const COMPONENT_RULES: { [name: string]: Rule } = {
  ...Object.fromEntries(['security', 'serviceAccountName', 'imagePullSecrets', 'sharedMemory', 'pool', 'podLabels', 'podAnnotations']
    .map(k => [k, WORKLOAD_RULES[k]])),
  minReplicas: Is.integer(0, INT32),
  maxReplicas: Is.integer(1, INT32),
  autoscaling: Is.instance('_render', 'must be an Autoscaling, e.g. Autoscaling.concurrency(4)'),
  containerConcurrency: Is.integer(0, INT32),
  logger: Is.shape({ url: Is.required(Is.string()), mode: Is.enumOf(LoggerMode, 'LoggerMode') }, 'must be a RequestLogger: { url, mode? }'),
  batcher: Is.shape({ maxBatchSize: Is.integer(1, INT32) }, 'must be a Batcher: { maxBatchSize?, maxLatency?, timeout? }'),
  volumes: Is.arrayOf(Is.instance('_sameAs', "must be a PodVolume, e.g. PodVolume.fromConfigMap('cfg', 'my-config')")),
  sidecars: Is.arrayOf(CONTAINER),
};

const PREDICTOR_RULES: { [name: string]: Rule } = {
  ...COMPONENT_RULES,
  storageUri: Is.instance('_validate', "must be a StorageUri, e.g. StorageUri.s3('bucket', 'key')"),
  canaryTrafficPercent: Is.integer(0, 100),
};

const MODEL_RULES: { [name: string]: Rule } = {
  ...PREDICTOR_RULES,
  format: Is.required(Is.instance('version', 'must be a ModelFormat, e.g. ModelFormat.sklearn()')),
  runtime: Is.instance('runtimeName', 'must be a serving runtime, e.g. KServeRuntime.HUGGINGFACE or a ServingRuntime'),
  protocol: Is.enumOf(InferenceProtocol, 'InferenceProtocol'),
  runtimeVersion: Is.string(),
  args: Is.strings(),
  env: ENV_RULE,
  resources: Is.shape({}, 'must be ComputeResources'),
  volumeMounts: Is.arrayOf(MOUNT),
  readiness: Is.instance('_render', "must be a ContainerProbe, e.g. ContainerProbe.httpGet('/v2/health/ready')"),
};

const PREDICTOR = Is.instance('options', 'must be a Predictor, e.g. Predictor.model({ format, storageUri })');

function checkPredictor(scope: IConstruct, field: string, p: Predictor): void {
  check(scope, field, p, Is.required(PREDICTOR));
  if (p._model !== undefined) checkProps(scope, p._model, MODEL_RULES, `${field}.`, true);
  else checkProps(scope, p._container, CONTAINER_PREDICTOR_RULES, `${field}.`, true);
}

const CONTAINER_PREDICTOR_RULES: { [name: string]: Rule } = { ...PREDICTOR_RULES, container: Is.required(CONTAINER) };
const CUSTOM_COMPONENT = Is.shape({ ...COMPONENT_RULES, container: Is.required(CONTAINER) }, 'must be CustomComponentOptions: { container, ... }');

/** The rules of {@link InferenceServiceProps}: types first, so that no wrong type reaches the rendering. */
function checkInferenceServiceProps(scope: IConstruct, props: InferenceServiceProps): void {
  checkWorkloadProps(scope, props, INFERENCE_SERVICE_RULES);
  checkPredictor(scope, 'predictor', props.predictor);
  (props.canaries ?? []).forEach((c, i) => checkPredictor(scope, `canaries[${i}].predictor`, c.predictor));
}

/** The rules are made once (not per InferenceService): checking runs for every one of an app's services. */
const INFERENCE_SERVICE_RULES: { [name: string]: Rule } = {
  mode: Is.enumOf(DeploymentMode, 'DeploymentMode'),
  kserve: Is.instance('enableModelcar', 'must be a KServeConfig'),
  predictor: Is.required(PREDICTOR),
  transformer: CUSTOM_COMPONENT,
  explainer: CUSTOM_COMPONENT,
  canaries: Is.arrayOf(Is.shape({
    name: Is.required(Is.string()),
    trafficPercent: Is.required(Is.number(0, 100)),
    predictor: Is.required(PREDICTOR),
  }, 'must be a CanaryPredictor: { name, trafficPercent, predictor }')),
  storageSecretName: Is.dnsSubdomain(),
};
