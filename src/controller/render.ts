import { PLATFORM_API_GROUP, PLATFORM_API_VERSION, platformKind, platformKindEntries, specError, workloadFromSpec } from './kinds';
import { PlatformSpecContext } from './spec-references';
import { StatusContract } from '../core/status-contract';
import { WorkloadTemplate } from '../core/workload-template';

export { PLATFORM_API_GROUP, PLATFORM_API_VERSION, PlatformKind, platformKinds } from './kinds';
export { platformCrds } from './crds';
export { PlatformSpecContext, platformSpecContext } from './spec-references';

/** What the controller applies for one platform custom resource. */
export interface RenderedResource {
  /** every child object as JSON (primary first), metadata.namespace set, no ownerReferences (the reconciler adds them) */
  readonly children: any[];
  readonly primary: { apiVersion: string; kind: string; name: string; namespace: string };
  readonly statusContract: StatusContract;
}

/** Kinds the workloads may render that are cluster-scoped (they get no namespace). */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'StorageClass', 'PersistentVolume',
  'CustomResourceDefinition', 'ClusterQueue', 'ResourceFlavor', 'WorkloadPriorityClass', 'ClusterServingRuntime',
  'ClusterTrainingRuntime', 'ClusterWorkflowTemplate', 'NodePool', 'EC2NodeClass',
]);

/** Id of the private chart resources are rendered in (the first segment of construct paths in errors). */
export const RENDER_CHART_ID = 'platform';

/**
 * Renders a platform custom resource (apiVersion/kind/metadata{name,namespace}/spec) with the library's constructs in
 * a fresh private app (WorkloadTemplate). Throws the library's ValidationError for an invalid spec (field paths as
 * `spec.<prop path>`). `context`: the platform the controller was installed with, against which the spec's names of
 * node pools, LocalQueues and WorkloadPriorityClasses resolve (without it, a spec naming one is invalid).
 */
export function renderResource(resource: any, context?: PlatformSpecContext): RenderedResource {
  const apiVersion = `${PLATFORM_API_GROUP}/${PLATFORM_API_VERSION}`;
  if (resource?.apiVersion !== apiVersion) throw new Error(`apiVersion must be ${apiVersion}, got ${JSON.stringify(resource?.apiVersion)}`);
  const entry = platformKind(resource.kind);
  if (!entry) throw new Error(`kind must be one of ${platformKindEntries().map(k => k.kind).join(', ')}, got ${JSON.stringify(resource.kind)}`);
  const name = resource.metadata?.name;
  const namespace = resource.metadata?.namespace ?? 'default';
  if (typeof name !== 'string' || name === '') throw new Error('metadata.name is required');
  const template = new WorkloadTemplate({ namespace, chartId: RENDER_CHART_ID });
  const path = `${RENDER_CHART_ID}/${name}`;
  const workload = workloadFromSpec(entry.kind, template.scope, name, resource.spec ?? {}, { name, namespace }, context ?? {});
  let rendered;
  try {
    rendered = template.render();
  } catch (e) {
    throw specError(e, path, resource.spec);
  }
  const children = [rendered.primary, ...rendered.supporting].map(o => {
    if (CLUSTER_SCOPED.has(o.kind) || o.metadata?.namespace) return o;
    return { ...o, metadata: { ...o.metadata, namespace } };
  });
  const primary = children[0];
  return {
    children,
    primary: { apiVersion: primary.apiVersion, kind: primary.kind, name: primary.metadata.name, namespace: primary.metadata.namespace ?? namespace },
    statusContract: workload.statusContract,
  };
}
