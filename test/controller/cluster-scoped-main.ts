/**
 * The controller process with a render that adds a cluster-scoped child (a ClusterRole) to the library's children of
 * the resources named `cs-with-*`: no platform kind renders a cluster-scoped object today, and the finalizer that
 * cleans them up is tested with this one (test/controller/controller.test.ts).
 */
import { parseFlags, runController } from '../../src/controller/main';

/** The ClusterRole rendered for `name` in `namespace`. */
function clusterRoleOf(namespace: string, name: string): any {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `${namespace}-${name}` },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
  };
}

if (require.main === module) {
  runController(parseFlags(process.argv.slice(2)), (render) => (r) => {
    const rendered = render(r);
    if (!String(r.metadata.name).startsWith('cs-with-')) return rendered;
    return { ...rendered, children: [...rendered.children, clusterRoleOf(r.metadata.namespace, r.metadata.name)] };
  }).catch((e) => {
    process.stdout.write(JSON.stringify({ ts: new Date().toISOString(), level: 'error', msg: 'controller failed', error: String(e?.stack ?? e) }) + '\n');
    process.exit(1);
  });
}
