import { PLATFORM_API_GROUP, PLATFORM_API_VERSION, platformKindEntries } from './kinds';
import { jsiiType } from './spec-assembly';
import { METADATA_PROPS, Schema, structSchema } from './spec-convert';

/** kubectl category of every platform kind (`kubectl get ai-platform`). */
export const PLATFORM_CATEGORY = 'ai-platform';

/** The condition types the controller writes on a platform resource. */
export const CONDITION_TYPES = ['Ready', 'Progressing', 'Failed'];

/** The status schema shared by every platform kind (written by the controller). @internal */
export function statusSchema(): Schema {
  return {
    type: 'object',
    description: 'Observed state, written by the controller.',
    properties: {
      observedGeneration: { type: 'integer', format: 'int64', description: 'The spec generation the status describes.' },
      conditions: {
        'type': 'array',
        'description': `Conditions: ${CONDITION_TYPES.join(', ')} (from the primary object's status contract); an invalid spec is a terminal Failed condition with reason InvalidSpec naming the field.`,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
        'items': {
          type: 'object',
          required: ['type', 'status'],
          properties: {
            type: { type: 'string' },
            status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
            observedGeneration: { type: 'integer', format: 'int64' },
            lastTransitionTime: { type: 'string', format: 'date-time' },
            reason: { type: 'string' },
            message: { type: 'string' },
          },
        },
      },
      primary: {
        type: 'object',
        description: 'The primary object the resource renders and its state as the status contract reads it.',
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          name: { type: 'string' },
          state: { type: 'string' },
          message: { type: 'string' },
        },
      },
      children: {
        type: 'array',
        description: 'The objects applied for the resource.',
        items: {
          type: 'object',
          properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' } },
        },
      },
    },
  };
}

/** The OpenAPI v3 schema of a platform kind's `spec`, generated from the construct's props in the jsii assembly. @internal */
export function specSchema(kind: string): Schema {
  const entry = platformKindEntries().find(k => k.kind === kind);
  if (!entry) throw new Error(`${kind} is not a platform kind`);
  const props = jsiiType(entry.propsFqn);
  const base = structSchema(entry.propsFqn, [], METADATA_PROPS);
  const ext = entry.extension?.schema();
  const required = [...(base.required ?? []), ...(ext?.required ?? [])];
  return {
    type: 'object',
    properties: { ...base.properties, ...(ext?.properties ?? {}) },
    ...(required.length ? { required } : {}),
    description: `The props of ${kind} (${props.name}) in JSON form: quantities as strings, durations as Go durations, one-of choices as objects with one key (the static factory's name).`,
  };
}

/** CustomResourceDefinition objects (apiextensions.k8s.io/v1) for every platform kind. */
export function platformCrds(): any[] {
  return platformKindEntries().map(k => {
    const summary = jsiiType(k.constructFqn).docs?.summary;
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${k.plural}.${PLATFORM_API_GROUP}` },
      spec: {
        group: PLATFORM_API_GROUP,
        scope: 'Namespaced',
        names: {
          kind: k.kind,
          listKind: `${k.kind}List`,
          plural: k.plural,
          singular: k.singular,
          shortNames: k.shortNames,
          categories: [PLATFORM_CATEGORY],
        },
        versions: [{
          name: PLATFORM_API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
            { name: 'Primary', type: 'string', jsonPath: '.status.primary.kind', priority: 1 },
            { name: 'State', type: 'string', jsonPath: '.status.primary.state', priority: 1 },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              ...(summary ? { description: summary } : {}),
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: specSchema(k.kind),
                status: statusSchema(),
              },
            },
          },
        }],
      },
    };
  });
}
