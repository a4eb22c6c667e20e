// Public API of src/tuning/ (one export line per construct file; internal helpers stay unexported).
export { ParameterDistribution, SearchParameter, SearchParameterType, TrialMetadata, TrialMetadataField } from './search-space';
export type { RangeOptions, SearchParameterOptions } from './search-space';
export { AcquisitionFunction, AcquisitionOptimizer, BaseEstimator, CmaEsRestartStrategy, EarlyStopping, SearchAlgorithm } from './algorithm';
export type {
  BayesianOptimizationOptions, CmaEsOptions, GridSearchOptions, HyperbandOptions, MedianStopOptions, MultivariateTpeOptions, PbtOptions,
  RandomSearchOptions, SobolOptions, TpeOptions,
} from './algorithm';
export { MetricsCollector, MetricsFileFormat, MetricsPathKind } from './metrics-collector';
export type {
  CustomCollectorOptions, FileCollectorOptions, MetricsFilterOptions, PrometheusCollectorOptions, TensorFlowEventCollectorOptions,
} from './metrics-collector';
export { KatibConfig } from './katib-config';
export type { KatibConfigProps } from './katib-config';
export { TrialTemplate } from './trial-template';
export type { TrialTemplateOptions } from './trial-template';
export { HyperparameterExperiment, MetricStrategy, Objective, ObjectiveType, ResumePolicy } from './hyperparameter-experiment';
export type { HyperparameterExperimentProps, ObjectiveOptions } from './hyperparameter-experiment';
