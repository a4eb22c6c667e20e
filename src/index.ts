import * as compute from './compute';
import * as core from './core';
import { recordFactoryCalls } from './core/spec-record';
import * as data from './data';
import * as operators from './operators';
import * as pipeline from './pipeline';
import * as platform from './platform';
import * as serving from './serving';
import * as training from './training';
import * as tuning from './tuning';

export * from './core';
export * from './compute';
export * from './data';
export * from './training';
export * from './serving';
export * from './tuning';
export * from './pipeline';
export * from './operators';
export * from './platform';

// Every value made by a public static factory remembers how (a WeakMap entry per call), so that a workload's
// toSpec() can write its props as JSON; see src/core/spec-record.ts.
recordFactoryCalls([core, compute, data, training, serving, tuning, pipeline, operators, platform]);
