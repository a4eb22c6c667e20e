export * from './node-pool-base';
export * from './gpu-node-pool';
export * from './existing-gpu-nodes';
export * from './nvidia-device-plugin';
