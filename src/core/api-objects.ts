import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * Marks an object as cluster-scoped: removes the namespace that a namespaced chart gives every
 * object, which cluster-scoped kinds (NodePool, ClusterQueue, ClusterServingRuntime, ...) must not carry.
 * @internal
 */
export function clusterScoped(obj: ApiObject): ApiObject {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}
