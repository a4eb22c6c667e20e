export * from './core';
export * from './compute';
export * from './data';
export * from './training';
export * from './serving';
