export * from './core';
export * from './compute';
