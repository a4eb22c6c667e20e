import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PlatformContext } from './context';
import { invalid } from './errors';

const INSTALLED = new WeakSet<IConstruct>();

/** Whether a JSON patch of `obj` removes its namespace (a cluster-scoped object, see `clusterScoped`). */
function clusterScoped(obj: ApiObject): boolean {
  const patches: any[] = (obj as any).patches ?? [];
  return patches.some(p => p?.operation?.op === 'remove' && p.operation.path === '/metadata/namespace');
}

/**
 * Adds, once per app, the synth-time check that no two ApiObjects of the app are the same Kubernetes object (API
 * group, kind, namespace and name): the second would silently replace the first when applied. It is the one check
 * that reads every ApiObject of the app (a duplicate can come from any construct, this library's or not).
 * @internal
 */
export function checkUniqueObjects(scope: IConstruct): void {
  const root = scope.node.root;
  if (INSTALLED.has(root)) return;
  INSTALLED.add(root);
  PlatformContext.of(root).check(() => {
    const seen = new Map<string, ApiObject>();
    for (const c of root.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      const obj = c as ApiObject;
      const name = obj.metadata.name;
      if (typeof name !== 'string') continue;
      const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
      const namespace = clusterScoped(obj) ? undefined : obj.metadata.namespace;
      const key = `${group}|${obj.kind}|${namespace ?? ''}|${name}`;
      const first = seen.get(key);
      if (first) {
        const owner = obj.node.scope ?? obj;
        invalid(owner, 'name', name, `${obj.kind} '${namespace ? `${namespace}/` : ''}${name}' is also emitted by ${first.node.path}; `
          + 'an app may hold each object (kind, namespace and name) only once: give one of them another name');
      }
      seen.set(key, obj);
    }
  });
}
