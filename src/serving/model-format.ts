/** The inference protocol a model server speaks (`protocolVersion`). */
export enum InferenceProtocol {
  /** KServe V1 REST (`/v1/models/<name>:predict`). */
  V1 = 'v1',
  /** Open Inference Protocol (KServe V2) over REST (`/v2/models/<name>/infer`). */
  V2 = 'v2',
  /** KServe V1 over gRPC (TensorFlow Serving's gRPC API). */
  GRPC_V1 = 'grpc-v1',
  /** Open Inference Protocol (KServe V2) over gRPC. */
  GRPC_V2 = 'grpc-v2',
}

/**
 * The format of a model (`modelFormat`), which selects the serving runtime that can load it.
 */
export class ModelFormat {
  /** scikit-learn (joblib/pickle). */
  public static sklearn(version?: string): ModelFormat { return new ModelFormat('sklearn', version); }
  /** XGBoost. */
  public static xgboost(version?: string): ModelFormat { return new ModelFormat('xgboost', version); }
  /** LightGBM. */
  public static lightgbm(version?: string): ModelFormat { return new ModelFormat('lightgbm', version); }
  /** PyTorch (TorchServe model archive, or TorchScript on Triton). */
  public static pytorch(version?: string): ModelFormat { return new ModelFormat('pytorch', version); }
  /** TensorFlow SavedModel. */
  public static tensorflow(version?: string): ModelFormat { return new ModelFormat('tensorflow', version); }
  /** ONNX. */
  public static onnx(version?: string): ModelFormat { return new ModelFormat('onnx', version); }
  /** A Triton model repository. */
  public static triton(version?: string): ModelFormat { return new ModelFormat('triton', version); }
  /** A Hugging Face model (LLMs and transformers, served by the Hugging Face runtime with vLLM). */
  public static huggingface(version?: string): ModelFormat { return new ModelFormat('huggingface', version); }
  /** PMML. */
  public static pmml(version?: string): ModelFormat { return new ModelFormat('pmml', version); }
  /** PaddlePaddle. */
  public static paddle(version?: string): ModelFormat { return new ModelFormat('paddle', version); }
  /**
   * Any other format a serving runtime declares (e.g. `mlflow`, `tensorrt`, `openvino`).
   * @param name format name as the runtime's `supportedModelFormats` spells it
   * @param version format version (default: any)
   */
  public static of(name: string, version?: string): ModelFormat { return new ModelFormat(name, version); }

  private constructor(
    /** Format name. */
    public readonly name: string,
    /** Format version, if pinned. */
    public readonly version?: string,
  ) {}
}
