export * from './autoscaling';
export * from './inference-service';
export { DeploymentMode, KServeConfig, KServeConfigProps } from './kserve-config';
export * from './model-format';
export { ExistingRuntimeOptions, IServingRuntime, KServeRuntime, SupportedModelFormat } from './serving-runtime-ref';
export * from './storage-uri';
