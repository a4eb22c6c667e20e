import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { InferenceProtocol } from './model-format';
import { IServingRuntime, SERVING_RUNTIMES, SupportedModelFormat } from './serving-runtime-ref';
import { clusterScoped as withoutNamespace } from '../core/api-objects';
import { checkProps, Is, NODE_POOL_RULE } from '../core/checks';
import { ContainerSpec } from '../core/container';
import { PlatformContext } from '../core/context';
import { checkInteger, invalid } from '../core/errors';
import { ResourceNames } from '../core/names';
import { INodePool } from '../core/node-pool';
import { PodTemplate, prune } from '../core/pod-template';
import { PodSecurityOptions } from '../core/security';
import { PodVolume } from '../core/volume';
import { placeWorkload } from '../core/workload';

/** Model server types ModelMesh's built-in adapter can drive. */
export enum ModelMeshServerType {
  /** NVIDIA Triton. */
  TRITON = 'triton',
  /** Seldon MLServer. */
  MLSERVER = 'mlserver',
  /** OpenVINO Model Server. */
  OVMS = 'ovms',
}

/** ModelMesh's built-in adapter for a multi-model runtime. */
export interface BuiltInAdapter {
  /** Model server the adapter drives. */
  readonly serverType: ModelMeshServerType;
  /**
   * Port the model server's management API listens on.
   * @default - the adapter's default for the server type
   */
  readonly runtimeManagementPort?: number;
  /**
   * Memory reserved for buffers, in bytes.
   * @default - the adapter's default
   */
  readonly memBufferBytes?: number;
  /**
   * How long a model may take to load.
   * @default - the adapter's default
   */
  readonly modelLoadingTimeout?: Duration;
}

/** Props shared by {@link ServingRuntime} and {@link ClusterServingRuntime}. */
export interface ServingRuntimeBaseProps {
  /**
   * Name of the runtime (what InferenceServices name in `runtime`).
   * @default - derived from the construct path
   */
  readonly name?: string;
  /** Model formats the runtime loads (with auto-select and priority). */
  readonly supportedModelFormats: SupportedModelFormat[];
  /**
   * Protocols the runtime serves.
   * @default [] - KServe then matches any protocol
   */
  readonly protocolVersions?: InferenceProtocol[];
  /**
   * Whether the runtime serves many models per pod (ModelMesh).
   * @default false
   */
  readonly multiModel?: boolean;
  /** The model server container (named `kserve-container`; args may use `{{.Name}}`). */
  readonly container: ContainerSpec;
  /**
   * Extra containers (e.g. a ModelMesh puller).
   * @default []
   */
  readonly sidecars?: ContainerSpec[];
  /**
   * Extra pod volumes.
   * @default []
   */
  readonly volumes?: PodVolume[];
  /**
   * ModelMesh's built-in adapter (multi-model runtimes only).
   * @default - none
   */
  readonly builtInAdapter?: BuiltInAdapter;
  /**
   * ModelMesh: the model management gRPC endpoint, e.g. `port:8085` (multi-model runtimes only).
   * @default - none
   */
  readonly grpcEndpoint?: string;
  /**
   * ModelMesh: the inference gRPC endpoint, e.g. `port:8001` (multi-model runtimes only).
   * @default - none
   */
  readonly grpcDataEndpoint?: string;
  /**
   * Whether the runtime is disabled.
   * @default false
   */
  readonly disabled?: boolean;
  /**
   * GPU node pool the runtime's pods run on.
   * @default - no pool
   */
  readonly pool?: INodePool;
  /**
   * Container security (runtimes carry no pod security context; each InferenceService's predictor does).
   * @default - restricted
   */
  readonly security?: PodSecurityOptions;
  /**
   * Mount memory-backed shared memory at `/dev/shm`.
   * @default false
   */
  readonly sharedMemory?: boolean;
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

/** @internal Shared implementation of ServingRuntime and ClusterServingRuntime. */
export abstract class ServingRuntimeBase extends Construct implements IServingRuntime {
  /** Name of the runtime. */
  public readonly runtimeName: string;
  /** Whether it is a ClusterServingRuntime. */
  public abstract readonly clusterScoped: boolean;
  /** Model formats it loads. */
  public readonly supportedModelFormats: SupportedModelFormat[];
  /** Protocols it serves. */
  public readonly protocolVersions: InferenceProtocol[];
  /** Whether it is a multi-model runtime. */
  public readonly multiModel: boolean;
  /** The emitted object. */
  public readonly apiObject: ApiObject;

  protected constructor(scope: Construct, id: string, kind: string, props: ServingRuntimeBaseProps, namespace?: string) {
    super(scope, id);
    checkProps(this, props, {
      name: Is.string(),
      supportedModelFormats: Is.required(Is.arrayOf(Is.shape({
        name: Is.required(Is.string({ nonEmpty: true })),
        version: Is.string(),
        autoSelect: Is.boolean(),
        priority: Is.integer(1, 2147483647),
      }, 'must be a SupportedModelFormat: { name, version?, autoSelect?, priority? }'))),
      protocolVersions: Is.arrayOf(Is.enumOf(InferenceProtocol, 'InferenceProtocol')),
      multiModel: Is.boolean(),
      container: Is.required(Is.shape({}, 'must be a container: { image, ... }')),
      sidecars: Is.arrayOf(Is.shape({}, 'must be a container: { image, ... }')),
      volumes: Is.arrayOf(Is.instance('_sameAs', 'must be a PodVolume')),
      builtInAdapter: Is.shape({
        serverType: Is.required(Is.enumOf(ModelMeshServerType, 'ModelMeshServerType')),
        runtimeManagementPort: Is.port(),
        memBufferBytes: Is.integer(0, 2147483647),
        modelLoadingTimeout: Is.duration('millis'),
      }, 'must be a BuiltInAdapter: { serverType, ... }'),
      grpcEndpoint: Is.string(),
      grpcDataEndpoint: Is.string(),
      disabled: Is.boolean(),
      pool: NODE_POOL_RULE,
      security: Is.shape({}, 'must be PodSecurityOptions'),
      sharedMemory: Is.boolean(),
      podLabels: Is.labels(),
    }, '', true);
    PlatformContext.of(this).register(SERVING_RUNTIMES, this);
    this.runtimeName = props.name ?? ResourceNames.uniqueLabel(this);
    this.supportedModelFormats = [...props.supportedModelFormats];
    this.protocolVersions = [...(props.protocolVersions ?? [])];
    this.multiModel = props.multiModel ?? false;
    if (!ResourceNames.isDns1123Label(this.runtimeName)) {
      invalid(this, 'name', this.runtimeName, 'must be a DNS-1123 label');
    }
    if (this.supportedModelFormats.length === 0) {
      invalid(this, 'supportedModelFormats', [], 'a runtime must declare at least one model format');
    }
    const seen = new Set<string>();
    this.supportedModelFormats.forEach((f, i) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(f.name)) invalid(this, `supportedModelFormats[${i}].name`, f.name, "must be a format name such as 'sklearn'");
      checkInteger(this, `supportedModelFormats[${i}].priority`, f.priority, 1);
      if (f.priority !== undefined && !f.autoSelect) {
        invalid(this, `supportedModelFormats[${i}].priority`, f.priority, 'a priority only ranks auto-selectable formats; set autoSelect: true');
      }
      const key = `${f.name}:${f.version ?? ''}`;
      if (seen.has(key)) invalid(this, `supportedModelFormats[${i}]`, key, 'each format and version may be listed once');
      seen.add(key);
    });
    if (!this.multiModel) {
      const mm = props.builtInAdapter ? 'builtInAdapter' : props.grpcEndpoint ? 'grpcEndpoint' : props.grpcDataEndpoint ? 'grpcDataEndpoint' : undefined;
      if (mm) invalid(this, mm, mm, 'ModelMesh settings need a multi-model runtime (multiModel: true)');
    }
    [['grpcEndpoint', props.grpcEndpoint], ['grpcDataEndpoint', props.grpcDataEndpoint]].forEach(([field, v]) => {
      if (v !== undefined && !/^(port:[0-9]{1,5}|unix:\/\S+)$/.test(v)) invalid(this, field!, v, "must be 'port:<number>' or 'unix:<path>'");
    });
    const adapter = props.builtInAdapter;
    if (adapter) {
      checkInteger(this, 'builtInAdapter.runtimeManagementPort', adapter.runtimeManagementPort, 1, 65535);
      checkInteger(this, 'builtInAdapter.memBufferBytes', adapter.memBufferBytes, 0);
    }

    const template = new PodTemplate({
      containers: [{ ...props.container, name: props.container.name ?? 'kserve-container' }, ...(props.sidecars ?? [])],
      volumes: props.volumes,
      security: props.security,
      sharedMemory: props.sharedMemory,
      imagePullSecrets: props.imagePullSecrets,
    });
    placeWorkload(this, 'pool', template, props.pool);
    const pod = template.toPodSpec(this, 'kserve-container');
    // a runtime has no pod security context: carry the seccomp profile and user on each container
    const podSecurity = pod.securityContext ?? {};
    const withSeccomp = (c: any) => ({
      ...c,
      securityContext: c.securityContext ? prune({
        ...c.securityContext,
        runAsUser: podSecurity.runAsUser,
        runAsGroup: podSecurity.runAsGroup,
        seccompProfile: podSecurity.seccompProfile,
      }) : undefined,
    });
    const labels = { ...(props.podLabels ?? {}), ...template.placement.podLabels };
    const annotations = { ...(props.podAnnotations ?? {}), ...template.placement.podAnnotations, ...template.securityAnnotations };

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind,
      metadata: prune({ name: this.runtimeName, namespace }),
      spec: prune({
        supportedModelFormats: this.supportedModelFormats.map(f => ({
          name: f.name, version: f.version, autoSelect: f.autoSelect, priority: f.priority,
        })),
        protocolVersions: this.protocolVersions.length ? this.protocolVersions : undefined,
        multiModel: props.multiModel,
        disabled: props.disabled,
        grpcEndpoint: props.grpcEndpoint,
        grpcDataEndpoint: props.grpcDataEndpoint,
        builtInAdapter: adapter ? {
          serverType: adapter.serverType,
          runtimeManagementPort: adapter.runtimeManagementPort,
          memBufferBytes: adapter.memBufferBytes,
          modelLoadingTimeoutMillis: adapter.modelLoadingTimeout?.toMilliseconds(),
        } : undefined,
        containers: pod.containers.map(withSeccomp),
        volumes: pod.volumes,
        nodeSelector: pod.nodeSelector,
        affinity: pod.affinity,
        tolerations: pod.tolerations,
        imagePullSecrets: pod.imagePullSecrets,
        labels,
        annotations,
      }),
    });
    if (kind === 'ClusterServingRuntime') withoutNamespace(this.apiObject);
  }
}
