export * from './training-backend';
export {
  TrainingFramework, RendezvousBackend, PyTorchElasticOptions, PyTorchOptions, TensorFlowOptions, MpiOptions, PaddleOptions, PaddleElasticOptions,
} from './training-framework';
export { TrainingRuntimeRef, TrainingRuntimeKind, ITrainingRuntime } from './training-runtime-ref';
export { DistributedTraining, DistributedTrainingProps, CheckpointStorage, TrainingWorkerOptions } from './distributed-training';
export * from './fine-tuning';
export { MlPolicy, MpiImplementation, EnvInjectionTarget, TorchPolicyOptions, MpiPolicyOptions, FluxPolicyOptions } from './ml-policy';
export * from './pod-group-policy';
export {
  TrainingRuntimeBase, TrainingRuntimeBaseProps, StartupOrder, RuntimeInitializer, RuntimeWorkspace,
} from './training-runtime-base';
export * from './training-runtime';
export * from './cluster-training-runtime';
export * from './replica-role';
