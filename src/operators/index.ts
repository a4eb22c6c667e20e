// Public API of src/operators/ (one export line per construct file).
export * from './operator-install';
export * from './cert-manager-install';
export * from './kserve-install';
export * from './kueue-install';
export * from './training-operator-install';
export * from './trainer-install';
export * from './katib-install';
export * from './spark-operator-install';
export * from './argo-workflows-install';
export * from './argo-events-install';
export * from './fluid-install';
export * from './karpenter-install';
export * from './nvidia-device-plugin-install';
