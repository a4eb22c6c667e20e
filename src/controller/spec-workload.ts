import { IConstruct } from 'constructs';
import { runtimeValue } from './spec-assembly';
import type { Schema, SpecErrors, ToSpecContext } from './spec-convert';
import { Errors, ValidationError } from '../core/errors';
import { WorkloadTemplate } from '../core/workload-template';

/*
 * The spec form of a workload declared for another construct — a `WorkloadTemplate` (a pipeline's workload, rollout
 * and patch steps, a Katib trial from a template): a nested platform resource, `{kind, name, spec}`, whose `spec` is
 * that kind's spec. It is declared in a WorkloadTemplate of the holding resource's namespace that renders for the
 * holding resource's app (its pools, queues, priority classes and platform settings).
 */

/** The jsii type written as a nested platform resource. @internal */
export const WORKLOAD_TEMPLATE = 'cdk8s-ai-platform.WorkloadTemplate';

// the kinds module uses the spec conversion: required when called
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinds = (): typeof import('./kinds') => require('./kinds');

/**
 * Schema of a nested platform resource. Its `spec` is checked when the holding resource is rendered (with the field
 * path), not by the API server: the nested kinds' full schemas would repeat in every holding CRD.
 * @internal
 */
export function nestedWorkloadSchema(): Schema {
  return {
    type: 'object',
    description: 'A workload as a platform resource of its own: kind, name and spec (that kind\'s spec).',
    required: ['kind', 'spec'],
    properties: {
      kind: { type: 'string', enum: kinds().platformKinds().map(k => k.kind), description: 'The platform kind of the workload.' },
      name: { type: 'string', minLength: 1, description: 'Name of the workload\'s primary object. @default - derived from the step or trial' },
      spec: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true, 'description': 'The spec of that kind, as in a resource of its own.' },
    },
  };
}

/** A nested platform resource's workload, in a WorkloadTemplate (the inverse of {@link nestedWorkloadToSpec}). @internal */
export function nestedWorkloadFromSpec(value: any, field: string, errors: SpecErrors): WorkloadTemplate {
  const k = kinds();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    errors.fail(field, value, 'must be an object: kind (a platform kind), name and spec');
  }
  const { kind, name, spec, ...rest } = value;
  for (const key of Object.keys(rest)) errors.fail(`${field}.${key}`, rest[key], 'not a field of a nested workload; fields: kind, name, spec');
  if (!k.platformKind(kind)) errors.fail(`${field}.kind`, kind, `must be a platform kind: ${k.platformKinds().map(x => x.kind).join(', ')}`);
  if (name !== undefined && (typeof name !== 'string' || name === '')) errors.fail(`${field}.name`, name, 'must be a non-empty string');
  const references = errors.references;
  const template = new WorkloadTemplate({ namespace: references?.namespace, chartId: 'workload' });
  if (references) template.renderFor(references.lookup);
  try {
    k.workloadFromSpec(kind, template.scope, name ?? 'workload', spec ?? {}, { name }, references?.context, references);
  } catch (e) {
    if (!Errors.isValidationError(e)) throw e;
    const inner = e as ValidationError;
    const where = inner.field.startsWith('spec.') || inner.field === 'spec' ? inner.field : `spec.${inner.field}`;
    throw reported(errors.reporter, `${field}.${where}`, inner);
  }
  return template;
}

/** A WorkloadTemplate's workload as a nested platform resource (the inverse of {@link nestedWorkloadFromSpec}). @internal */
export function nestedWorkloadToSpec(value: any, field: string, ctx: ToSpecContext): any {
  const k = kinds();
  if (!(value instanceof WorkloadTemplate)) throw new ValidationError(ctx.scope, field, typeof value, 'must be a WorkloadTemplate');
  const workload = value.workload as any;
  const entry = k.platformKindEntries().find(e => Object.getPrototypeOf(workload).constructor === runtimeValue(e.constructFqn));
  if (!entry) {
    throw new ValidationError(ctx.scope, field, workload.constructor?.name ?? 'workload',
      `only a workload of a platform kind has a spec form (${k.platformKinds().map(x => x.kind).join(', ')})`);
  }
  return { kind: entry.kind, name: workload.name, spec: workload.toSpec() };
}

/** `inner` reported for the holding resource, at `field` (the value as `inner` printed it). */
function reported(reporter: IConstruct, field: string, inner: ValidationError): ValidationError {
  const out = new ValidationError(reporter, field, undefined, inner.accepted);
  Object.assign(out, { value: inner.value, message: `[${out.constructPath}] ${field}: ${inner.value} is not valid; ${inner.accepted}` });
  return out;
}
