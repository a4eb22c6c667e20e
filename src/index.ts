export * from './core';
export * from './compute';
export * from './compute/batch-queue';
export * from './compute/kueue-integration';
