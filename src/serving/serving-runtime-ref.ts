import { IConstruct } from 'constructs';
import { InferenceProtocol } from './model-format';
import { PlatformContext } from '../core/context';

/** Registry key of the serving runtimes declared in an app. @internal */
export const SERVING_RUNTIMES = 'serving-runtime';

/** Serving runtimes (ServingRuntime and ClusterServingRuntime constructs) declared in the app of `scope`. @internal */
export function servingRuntimesOf(scope: IConstruct): IServingRuntime[] {
  return PlatformContext.of(scope).list<IServingRuntime>(SERVING_RUNTIMES);
}

/** A model format a serving runtime can load. */
export interface SupportedModelFormat {
  /** Format name, e.g. `sklearn`. */
  readonly name: string;
  /**
   * Format version.
   * @default - any version
   */
  readonly version?: string;
  /**
   * Whether InferenceServices that name only the format may select this runtime automatically.
   * @default false
   */
  readonly autoSelect?: boolean;
  /**
   * Priority among auto-selectable runtimes for the format (higher wins).
   * @default - none
   */
  readonly priority?: number;
}

/** A serving runtime that InferenceServices can name: a `ServingRuntime` or a `ClusterServingRuntime`. */
export interface IServingRuntime {
  /** Name of the runtime object (what `predictor.model.runtime` holds). */
  readonly runtimeName: string;
  /** Whether the runtime is a ClusterServingRuntime (usable from every namespace). */
  readonly clusterScoped: boolean;
  /** Namespace of a namespaced runtime (undefined for cluster runtimes, or when not known). */
  readonly runtimeNamespace?: string;
  /** Model formats the runtime loads. */
  readonly supportedModelFormats: SupportedModelFormat[];
  /** Protocols the runtime serves (empty: any). */
  readonly protocolVersions: InferenceProtocol[];
  /** Whether the runtime serves many models per pod (required by ModelMesh). */
  readonly multiModel: boolean;
}

/** Options for {@link KServeRuntime.existing}. */
export interface ExistingRuntimeOptions {
  /**
   * Model formats the runtime loads.
   * @default []
   */
  readonly supportedModelFormats?: SupportedModelFormat[];
  /**
   * Protocols the runtime serves.
   * @default [] - not checked
   */
  readonly protocolVersions?: InferenceProtocol[];
  /**
   * Whether it is a multi-model (ModelMesh) runtime.
   * @default false
   */
  readonly multiModel?: boolean;
  /**
   * Whether it is a ClusterServingRuntime.
   * @default true
   */
  readonly clusterScoped?: boolean;
}

const P = InferenceProtocol;
const f = (name: string, version: string | undefined, autoSelect: boolean | undefined, priority?: number): SupportedModelFormat =>
  ({ name, version, autoSelect, priority });

/**
 * The ClusterServingRuntimes KServe v0.20.0 installs (`config/runtimes/`), with the formats and protocols
 * each declares, plus references to runtimes installed some other way.
 */
export class KServeRuntime implements IServingRuntime {
  /** `kserve-sklearnserver`: sklearn 1 (v1, v2). */
  public static readonly SKLEARN = new KServeRuntime('kserve-sklearnserver', [f('sklearn', '1', true, 1)], [P.V1, P.V2]);
  /** `kserve-xgbserver`: xgboost 2 (v1, v2). */
  public static readonly XGBOOST = new KServeRuntime('kserve-xgbserver', [f('xgboost', '2', true, 1)], [P.V1, P.V2]);
  /** `kserve-lgbserver`: lightgbm 4 (v1, v2). */
  public static readonly LIGHTGBM = new KServeRuntime('kserve-lgbserver', [f('lightgbm', '4', true, 1)], [P.V1, P.V2]);
  /** `kserve-mlserver`: sklearn, xgboost, lightgbm, mlflow (v2). */
  public static readonly MLSERVER = new KServeRuntime('kserve-mlserver', [
    f('sklearn', '0', true, 2), f('sklearn', '1', true, 2), f('xgboost', '1', true, 2), f('xgboost', '2', true, 2),
    f('lightgbm', '3', true, 2), f('lightgbm', '4', true, 2), f('mlflow', '1', true, 1), f('mlflow', '2', true, 1),
  ], [P.V2]);
  /** `kserve-tensorflow-serving`: tensorflow 1, 2 (v1, grpc-v1). */
  public static readonly TENSORFLOW = new KServeRuntime('kserve-tensorflow-serving', [f('tensorflow', '1', true, 2), f('tensorflow', '2', true, 2)], [P.V1, P.GRPC_V1]);
  /** `kserve-torchserve`: pytorch 1 (v1, v2, grpc-v2). */
  public static readonly TORCHSERVE = new KServeRuntime('kserve-torchserve', [f('pytorch', '1', true, 2)], [P.V1, P.V2, P.GRPC_V2]);
  /** `kserve-tritonserver`: tensorrt, tensorflow, onnx, pytorch (not auto-selected), triton (v2, grpc-v2). */
  public static readonly TRITON = new KServeRuntime('kserve-tritonserver', [
    f('tensorrt', '8', true, 1), f('tensorflow', '1', true, 1), f('tensorflow', '2', true, 1), f('onnx', '1', true, 1),
    f('pytorch', '1', undefined), f('triton', '2', true, 1),
  ], [P.V2, P.GRPC_V2]);
  /** `kserve-huggingfaceserver`: huggingface 1 (v2, v1), with vLLM and the OpenAI-compatible API. */
  public static readonly HUGGINGFACE = new KServeRuntime('kserve-huggingfaceserver', [f('huggingface', '1', true, 1)], [P.V2, P.V1]);
  /** `kserve-pmmlserver`: pmml 3, 4 (v1, v2). */
  public static readonly PMML = new KServeRuntime('kserve-pmmlserver', [f('pmml', '3', true, 1), f('pmml', '4', true, 1)], [P.V1, P.V2]);
  /** `kserve-paddleserver`: paddle 2 (v1, v2). */
  public static readonly PADDLE = new KServeRuntime('kserve-paddleserver', [f('paddle', '2', true, 1)], [P.V1, P.V2]);
  /**
   * `kserve-openvino`: openvino, onnx, tensorflow, huggingface (v1, v2, grpc-v2). KServe v0.20.0 ships its manifest
   * (`config/runtimes/kserve-openvino.yaml`) but installs it neither with kustomize nor with Helm, so it is not in
   * {@link KServeRuntime.BUILT_IN}: apply it yourself and pass this runtime explicitly.
   */
  public static readonly OPENVINO = new KServeRuntime('kserve-openvino', [
    f('openvino', '10', true, 1), f('onnx', '1', true, 2), f('tensorflow', '1', true, 3), f('huggingface', undefined, true),
  ], [P.V1, P.V2, P.GRPC_V2]);

  /** The ClusterServingRuntimes a KServe v0.20.0 install creates (kustomize `config/runtimes/` or Helm `kserve-runtime-configs`), as far as listed here. */
  public static readonly BUILT_IN: KServeRuntime[] = [
    KServeRuntime.SKLEARN, KServeRuntime.XGBOOST, KServeRuntime.LIGHTGBM, KServeRuntime.MLSERVER, KServeRuntime.TENSORFLOW,
    KServeRuntime.TORCHSERVE, KServeRuntime.TRITON, KServeRuntime.HUGGINGFACE, KServeRuntime.PMML, KServeRuntime.PADDLE,
  ];

  /**
   * A runtime installed outside this app (e.g. a ModelMesh runtime shipped by modelmesh-serving).
   * @param name name of the ServingRuntime or ClusterServingRuntime
   */
  public static existing(name: string, options: ExistingRuntimeOptions = {}): IServingRuntime {
    return new KServeRuntime(name, options.supportedModelFormats ?? [], options.protocolVersions ?? [], options.multiModel ?? false,
      options.clusterScoped ?? true);
  }

  private constructor(
    /** Name of the runtime. */
    public readonly runtimeName: string,
    /** Formats it loads. */
    public readonly supportedModelFormats: SupportedModelFormat[],
    /** Protocols it serves. */
    public readonly protocolVersions: InferenceProtocol[],
    /** Whether it is multi-model. */
    public readonly multiModel: boolean = false,
    /** Whether it is cluster-scoped. */
    public readonly clusterScoped: boolean = true,
  ) {}
}

/** @internal Whether `runtime` loads format `name` (and `version`, when both are given). */
export function runtimeSupports(runtime: IServingRuntime, name: string, version: string | undefined, autoSelectOnly: boolean): boolean {
  return runtime.supportedModelFormats.some(m => m.name === name
    && (version === undefined || m.version === undefined || m.version === version)
    && (!autoSelectOnly || m.autoSelect === true));
}

/** @internal Whether `runtime` serves `protocol` (runtimes that list none serve any, as in KServe). */
export function runtimeServes(runtime: IServingRuntime, protocol: InferenceProtocol | undefined): boolean {
  // KServe treats a model without protocolVersion as v1 when it selects runtimes (ModelSpec.GetProtocol)
  return runtime.protocolVersions.length === 0 || runtime.protocolVersions.includes(protocol ?? InferenceProtocol.V1);
}
