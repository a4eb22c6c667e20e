// Public API of src/tuning/ (one export line per construct file).
export * from './search-space';
export * from './algorithm';
export * from './metrics-collector';
export * from './katib-config';
export * from './batch-job';
export * from './trial-template';
export * from './hyperparameter-experiment';
