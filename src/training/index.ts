export * from './training-backend';
export {
  TrainingFramework, RendezvousBackend, PyTorchElasticOptions, PyTorchOptions, TensorFlowOptions, MpiOptions, PaddleOptions, PaddleElasticOptions,
} from './training-framework';
export { TrainingRuntimeRef, TrainingRuntimeKind, ITrainingRuntime } from './training-runtime-ref';
export * from './distributed-training';
export * from './fine-tuning';
