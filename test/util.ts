import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct, Node } from 'constructs';
import { Errors, ValidationError } from '../src/core/errors';
import { PodTemplate } from '../src/core/pod-template';
import { SchemaValidator } from '../src/validation/schema-validator';

/**
 * Asserts that every object validates against the schemas of the pinned upstream versions
 * (and that a schema was found for each of them), and returns the objects.
 */
export function expectValid(objects: any[]): any[] {
  expect(objects.length).toBeGreaterThan(0);
  const result = SchemaValidator.default().validateAll(objects);
  expect(result.violations).toEqual([]);
  expect(result.unchecked).toEqual([]);
  return objects;
}

/** Synthesizes `chart`, asserts that all of its objects are schema-valid, and returns them. */
export function synthValid(chart: Chart): any[] {
  return expectValid(Testing.synth(chart));
}

/** Kinds that embed a pod template, for {@link addPodTemplateObject}. */
export type PodTemplateKind = 'Job' | 'Deployment';

/** Options of {@link addPodTemplateObject} and {@link synthPodTemplate}. */
export interface PodTemplateObjectOptions {
  /** Kind of the object that embeds the pod template (default `Job`). */
  readonly kind?: PodTemplateKind;
  /** Object name (default `workload`). */
  readonly name?: string;
  /** Name given to the first container when it has none. */
  readonly defaultContainerName?: string;
}

/**
 * Renders `template` into a batch/v1 Job or an apps/v1 Deployment (whose selector is the pod labels,
 * or `app: <name>` added to the pod labels when there are none) in `scope`.
 */
export function addPodTemplateObject(scope: Construct, template: PodTemplate, options: PodTemplateObjectOptions = {}): ApiObject {
  const name = options.name ?? 'workload';
  const podTemplateSpec = template.toPodTemplateSpec(scope, options.defaultContainerName);
  if (options.kind === 'Deployment') {
    const labels = podTemplateSpec.metadata?.labels ?? { app: name };
    podTemplateSpec.metadata = { ...(podTemplateSpec.metadata ?? {}), labels };
    return new ApiObject(scope, name, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: podTemplateSpec },
    });
  }
  return new ApiObject(scope, name, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: { backoffLimit: 0, template: podTemplateSpec },
  });
}

/** What {@link synthPodTemplate} returns. */
export interface SynthesizedPodTemplate {
  /** All synthesized objects (schema-valid). */
  readonly objects: any[];
  /** The pod template (`metadata` + `spec`) as synthesized. */
  readonly template: any;
  /** The pod spec as synthesized. */
  readonly spec: any;
}

/**
 * Renders `template` into a Job (or Deployment) in a fresh `Testing.chart()`, synthesizes it,
 * asserts that the result is schema-valid and returns the synthesized pod template.
 */
export function synthPodTemplate(template: PodTemplate, options: PodTemplateObjectOptions = {}): SynthesizedPodTemplate {
  const chart = Testing.chart();
  addPodTemplateObject(chart, template, options);
  const objects = synthValid(chart);
  const obj = objects.find(o => o.kind === (options.kind ?? 'Job'));
  return { objects, template: obj.spec.template, spec: obj.spec.template.spec };
}

/**
 * Runs `fn`, asserts that it throws the library's validation error (both `instanceof ValidationError`
 * and `Errors.isValidationError`) with a message matching `message`, and returns the error.
 */
export function expectValidationError(fn: () => unknown, message: RegExp | string): ValidationError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeDefined();
  expect(thrown).toBeInstanceOf(ValidationError);
  expect(Errors.isValidationError(thrown)).toBe(true);
  if (typeof message === 'string') expect((thrown as Error).message).toEqual(message);
  else expect((thrown as Error).message).toMatch(message);
  return thrown as ValidationError;
}

/** Runs `f` and counts the construct-tree nodes that traversals (constructs' `findAll`) visit meanwhile. */
export function countVisitedNodes<T>(f: () => T): { visited: number; result: T } {
  const original = Node.prototype.findAll;
  let visited = 0;
  Node.prototype.findAll = function (this: Node, ...args: any[]) {
    const found = (original as any).apply(this, args);
    visited += found.length;
    return found;
  };
  try {
    const result = f();
    return { visited, result };
  } finally {
    Node.prototype.findAll = original;
  }
}
