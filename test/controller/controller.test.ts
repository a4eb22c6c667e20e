/**
 * The runtime controller against the project's real kube-apiserver and kube-controller-manager (no mocks): the
 * controller runs as a child process (`cdk8s-ai-platform-controller` from the sources), as in production.
 *
 * One cluster for the file; the main controller reaches the API server through a TCP proxy so that a test can cut
 * it off while its watches expire. Tests run in order and poll with generous timeouts (2 busy cores).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  assemblyPath, compactEtcd, condition, ControllerProcess, getObject, installCrds, kubeconfigVia, platformPath,
  restartApiserver, send, sleep, spawnController, startControllerCluster, TcpProxy, waitFor,
} from './harness';
import { SAMPLE_SPECS, sampleResource } from './samples';
import { Accelerator, BatchQueue, ExistingGpuNodes, KueueIntegration, LocalQueue, PlatformController, WorkloadPriorityClass } from '../../src';
import { CLUSTER_CHILDREN_FINALIZER, containsAll, differingPaths, FIELD_MANAGER, OWNER_UID_LABEL } from '../../src/controller/reconciler';
import { assertBinaries, Cluster } from '../integration/cluster';

assemblyPath(); // the controller (and the render below) read the platform kinds from the current sources
// eslint-disable-next-line import/order
import { platformCrds, platformKinds, renderResource } from '../../src/controller/render';

const NS = 'ctl';
const LEADER_NS = 'ctl-leader';
const PLURAL: Record<string, string> = Object.fromEntries(platformKinds().map((k) => [k.kind, k.plural]));
const WRITE_VERBS = ['POST', 'PUT', 'PATCH', 'DELETE'];

let cluster: Cluster;
let proxy: TcpProxy;
let controller: ControllerProcess;
let stopRestarted: (() => Promise<void>) | undefined;
const others: ControllerProcess[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'controller-test-'));

beforeAll(async () => {
  assertBinaries();
  cluster = await startControllerCluster({
    controllerManager: true,
    // No watch cache for BatchJobs: their watches are served by etcd, so a compaction expires them (410 Gone).
    extraApiserverArgs: ['--watch-cache-sizes=batchjobs.platform.ai.cdk8s.io#0'],
  });
  await installCrds(cluster, platformCrds(), renderResource);
  for (const name of [NS, LEADER_NS]) {
    await send(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  proxy = new TcpProxy(Number(new URL(cluster.server).port));
  await proxy.listen();
  controller = await spawnController({
    kubeconfig: kubeconfigVia(cluster, `https://127.0.0.1:${proxy.port}`, path.join(tmp, 'kubeconfig-proxied')),
    args: [`--namespaces=${NS}`, '--resync-period=0', '--concurrency=4', '--log-level=debug'],
  });
  await controller.waitReady();
}, 900_000);

afterAll(async () => {
  for (const p of [controller, ...others]) await p?.stop('SIGKILL');
  await proxy?.close();
  await stopRestarted?.();
  await cluster?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}, 120_000);

function onFailure(p: ControllerProcess = controller): string {
  return `\ncontroller log tail:\n${p.tail(25)}`;
}

async function create(kind: string, name: string, spec: any = SAMPLE_SPECS[kind], ns = NS): Promise<any> {
  return send(cluster, 'POST', platformPath(PLURAL[kind], ns), sampleResource(kind, name, ns, spec));
}

async function resource(kind: string, name: string, ns = NS): Promise<any> {
  return getObject(cluster, platformPath(PLURAL[kind], ns, name));
}

/** Waits until the resource's status describes its current generation and `pred` holds. */
async function settled(kind: string, name: string, pred: (o: any) => boolean = () => true, ns = NS, p = controller): Promise<any> {
  try {
    return await waitFor(`${kind} ${name} reconciled`, async () => {
      const o = await resource(kind, name, ns);
      return o && o.status?.observedGeneration === o.metadata.generation && pred(o) ? o : undefined;
    }, 120_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}; last: ${JSON.stringify((await resource(kind, name, ns))?.status)}${onFailure(p)}`);
  }
}

async function childPath(c: any): Promise<string> {
  const [group, version] = String(c.apiVersion).includes('/') ? String(c.apiVersion).split('/') : ['', c.apiVersion];
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const discovery = JSON.parse((await cluster.request('GET', base)).body);
  const r = discovery.resources.find((x: any) => x.kind === c.kind && !x.name.includes('/'));
  return `${base}/namespaces/${c.metadata?.namespace ?? NS}/${r.name}/${c.metadata?.name ?? c.name}`;
}

async function child(apiVersion: string, kind: string, name: string, ns = NS): Promise<any> {
  return getObject(cluster, await childPath({ apiVersion, kind, metadata: { name, namespace: ns } }));
}

async function events(name: string, ns = NS): Promise<any[]> {
  const r = await send(cluster, 'GET', `/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name=${name}`);
  return r.items;
}

async function writes(p: ControllerProcess = controller): Promise<number> {
  let n = 0;
  for (const verb of WRITE_VERBS) n += await p.metric('platform_controller_api_requests_total', { verb });
  return n;
}

/** The controller's write requests by verb and resource (for messages). */
async function writeSeries(p: ControllerProcess = controller): Promise<string[]> {
  const { body } = await p.get('/metrics');
  return body.split('\n').filter((l) => l.startsWith('platform_controller_api_requests_total{') && WRITE_VERBS.some((v) => l.includes(`verb="${v}"`)));
}

function renders(kind: string, spec: any = SAMPLE_SPECS[kind]): boolean {
  try {
    renderResource(sampleResource(kind, 'probe', NS, spec));
    return true;
  } catch {
    return false;
  }
}

describe('runtime controller against a real API server', () => {
  test('serves /healthz, /readyz and Prometheus metrics', async () => {
    expect((await controller.get('/healthz')).status).toBe(200);
    expect((await controller.get('/readyz')).status).toBe(200);
    const metrics = (await controller.get('/metrics')).body;
    for (const name of ['platform_controller_reconcile_total', 'platform_controller_reconcile_duration_seconds',
      'platform_controller_queue_depth', 'platform_controller_objects_applied_total', 'platform_controller_objects_pruned_total',
      'platform_controller_reconcile_errors_total']) {
      expect(metrics).toContain(`# TYPE ${name}`);
    }
  });

  test('creates the children of one resource of every kind, owned and labelled, with status and events', async () => {
    const kinds = platformKinds().map((k) => k.kind);
    await Promise.all(kinds.map((kind) => create(kind, `c-${kind.toLowerCase()}`)));
    for (const kind of kinds) {
      const name = `c-${kind.toLowerCase()}`;
      const o = await settled(kind, name);
      let rendered;
      try {
        // The spec as the API server stores it (free-form maps come back with their keys sorted).
        rendered = renderResource(sampleResource(kind, name, NS, o.spec));
      } catch (e) {
        // A spec the library rejects is reported as the library words it (see the invalid-spec test).
        expect(condition(o, 'Failed')).toMatchObject({ status: 'True', reason: 'InvalidSpec', message: (e as Error).message });
        continue;
      }
      expect(condition(o, 'Progressing')).toMatchObject({ status: 'True', observedGeneration: 1 });
      expect(condition(o, 'Ready')).toMatchObject({ status: 'False' });
      expect(o.status.primary).toMatchObject({ apiVersion: rendered.primary.apiVersion, kind: rendered.primary.kind, name: rendered.primary.name });
      expect(o.status.children).toHaveLength(rendered.children.length);
      for (const c of rendered.children) {
        const live = await child(c.apiVersion, c.kind, c.metadata.name);
        expect(live).toBeDefined();
        // What the construct renders is what is in the cluster (the API server may add defaults).
        expect({ child: `${c.kind}/${c.metadata.name}`, differing: differingPaths(live, c) }).toEqual({ child: `${c.kind}/${c.metadata.name}`, differing: [] });
        expect(live.metadata.labels[OWNER_UID_LABEL]).toBe(o.metadata.uid);
        expect(live.metadata.ownerReferences).toEqual([
          { apiVersion: o.apiVersion, kind, name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true },
        ]);
        expect(live.metadata.managedFields.map((m: any) => m.manager)).toContain(FIELD_MANAGER);
      }
      await waitFor(`Applied event of ${name}`, async () => (await events(name)).find((e) => e.reason === 'Applied'), 30_000);
    }
    expect(await controller.metric('platform_controller_objects_applied_total')).toBeGreaterThan(0);
  }, 300_000);

  test('Ready and Failed come from the primary object\'s status contract', async () => {
    const r = renderResource(sampleResource('DistributedTraining', 'c-distributedtraining', NS));
    expect(r.statusContract.source).toBe('conditions');
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const setCondition = async (type: string) => send(
      cluster, 'PATCH', `${await childPath({ apiVersion: r.primary.apiVersion, kind: r.primary.kind, metadata: { name: r.primary.name } })}/status`,
      { status: { conditions: [{ type, status: 'True', reason: 'Test', message: `${type} by the test`, lastUpdateTime: now, lastTransitionTime: now }] } },
      'application/merge-patch+json');
    await setCondition(r.statusContract.succeeded[0]);
    const ready = await settled('DistributedTraining', 'c-distributedtraining', (o) => condition(o, 'Ready')?.status === 'True');
    expect(condition(ready, 'Ready')).toMatchObject({ reason: 'Succeeded' });
    expect(condition(ready, 'Progressing')).toMatchObject({ status: 'False' });
    expect(ready.status.primary.state).toBe(r.statusContract.succeeded[0]);

    await setCondition(r.statusContract.failed[0]);
    const failed = await settled('DistributedTraining', 'c-distributedtraining', (o) => condition(o, 'Failed')?.status === 'True');
    expect(condition(failed, 'Failed')).toMatchObject({ reason: 'ChildFailed' });
    expect(condition(failed, 'Failed').message).toContain('by the test');
  }, 120_000);

  test('an update of the spec is applied to the children', async () => {
    const spec = { ...SAMPLE_SPECS.BatchJob, backoffLimit: 4 };
    await send(cluster, 'PATCH', platformPath(PLURAL.BatchJob, NS, 'c-batchjob'), { spec: { backoffLimit: 4 } }, 'application/merge-patch+json');
    const o = await settled('BatchJob', 'c-batchjob', (x) => x.metadata.generation === 2);
    expect(o.status.observedGeneration).toBe(2);
    const expected = renderResource(sampleResource('BatchJob', 'c-batchjob', NS, spec)).children[0];
    const job = await waitFor('the Job updated', async () => {
      const j = await child('batch/v1', 'Job', 'c-batchjob');
      return j?.spec.backoffLimit === 4 ? j : undefined;
    });
    expect(containsAll(job, expected)).toBe(true);
  }, 120_000);

  test('drift on a child is corrected', async () => {
    await send(cluster, 'PATCH', await childPath({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'c-batchjob' } }),
      { spec: { backoffLimit: 9 } }, 'application/merge-patch+json');
    await waitFor('the drift corrected', async () => (await child('batch/v1', 'Job', 'c-batchjob'))?.spec.backoffLimit === 4 || undefined, 60_000)
      .catch((e) => {
        throw new Error(e.message + onFailure());
      });
    expect((await events('c-batchjob')).map((e) => e.reason)).toContain('DriftCorrected');
  }, 120_000);

  test('a conflicting field manager is reported and the controller\'s value restored', async () => {
    const jobPath = await childPath({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'c-batchjob' } });
    await send(cluster, 'PATCH', `${jobPath}?fieldManager=other-team&force=true`,
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'c-batchjob', namespace: NS }, spec: { backoffLimit: 7 } },
      'application/apply-patch+yaml');
    const job = await waitFor('backoffLimit restored', async () => {
      const j = await child('batch/v1', 'Job', 'c-batchjob');
      return j?.spec.backoffLimit === 4 ? j : undefined;
    }, 60_000);
    const conflict = await waitFor('FieldConflict event', async () =>
      (await events('c-batchjob')).find((e) => e.reason === 'FieldConflict' && e.message.includes('"other-team"')), 30_000);
    expect(conflict.message).toContain('.spec.backoffLimit');
    const ours = job.metadata.managedFields.find((m: any) => m.manager === FIELD_MANAGER && m.operation === 'Apply');
    expect(ours.fieldsV1['f:spec']['f:backoffLimit']).toBeDefined();
  }, 120_000);

  test('a removed part of the spec prunes its children', async () => {
    const before = renderResource(sampleResource('SparkJob', 'c-sparkjob', NS)).children;
    const spec = { ...SAMPLE_SPECS.SparkJob, serviceAccountName: 'spark-existing' };
    const after = renderResource(sampleResource('SparkJob', 'c-sparkjob', NS, spec)).children;
    const gone = before.filter((b) => !after.some((a) => a.kind === b.kind && a.metadata.name === b.metadata.name));
    expect(gone.map((g) => g.kind).sort()).toEqual(['Role', 'RoleBinding', 'ServiceAccount']);
    await send(cluster, 'PATCH', platformPath(PLURAL.SparkJob, NS, 'c-sparkjob'), { spec: { serviceAccountName: 'spark-existing' } }, 'application/merge-patch+json');
    const o = await settled('SparkJob', 'c-sparkjob', (x) => x.metadata.generation === 2);
    expect(o.status.children).toHaveLength(after.length);
    for (const g of gone) {
      await waitFor(`${g.kind} ${g.metadata.name} pruned`, async () => (await child(g.apiVersion, g.kind, g.metadata.name)) === undefined, 60_000);
    }
    expect((await child('sparkoperator.k8s.io/v1beta2', 'SparkApplication', 'c-sparkjob')).spec.driver.serviceAccount).toBe('spark-existing');
    expect((await events('c-sparkjob')).map((e) => e.reason)).toContain('Pruned');
    expect(await controller.metric('platform_controller_objects_pruned_total')).toBeGreaterThanOrEqual(3);
  }, 120_000);

  test('a child owned by someone else is left alone', async () => {
    const sa = await send(cluster, 'POST', `/api/v1/namespaces/${NS}/serviceaccounts`,
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'foreign-driver', labels: { team: 'someone-else' } } });
    await create('SparkJob', 'foreign');
    const o = await settled('SparkJob', 'foreign', (x) => condition(x, 'Ready')?.reason === 'ChildConflict');
    expect(condition(o, 'Ready').message).toBe('ServiceAccount foreign-driver already exists and is not controlled by this SparkJob; left alone');
    const after = await child('v1', 'ServiceAccount', 'foreign-driver');
    expect(after.metadata.resourceVersion).toBe(sa.metadata.resourceVersion);
    expect(after.metadata.ownerReferences).toBeUndefined();
    expect(await child('sparkoperator.k8s.io/v1beta2', 'SparkApplication', 'foreign')).toBeUndefined();
    expect((await events('foreign')).map((e) => e.reason)).toContain('ChildConflict');
    // Once the other object is gone, the resource is applied.
    await send(cluster, 'DELETE', `/api/v1/namespaces/${NS}/serviceaccounts/foreign-driver`);
    await settled('SparkJob', 'foreign', (x) => condition(x, 'Progressing')?.reason === 'InProgress');
    expect(await child('sparkoperator.k8s.io/v1beta2', 'SparkApplication', 'foreign')).toBeDefined();
  }, 300_000);

  test('an invalid spec gets the terminal Failed/InvalidSpec condition with the field path, and no retries', async () => {
    const errorsBefore = await controller.metric('platform_controller_reconcile_errors_total');
    await create('DistributedTraining', 'invalid', { ...SAMPLE_SPECS.DistributedTraining, workers: 0 });
    const o = await settled('DistributedTraining', 'invalid', (x) => condition(x, 'Failed')?.status === 'True');
    expect(condition(o, 'Failed')).toMatchObject({
      reason: 'InvalidSpec',
      message: '[platform/invalid] spec.workers: 0 is not valid; must be an integer from 1 to 2147483647',
    });
    expect(condition(o, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(condition(o, 'Progressing')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(await child('kubeflow.org/v1', 'PyTorchJob', 'invalid')).toBeUndefined();
    // No retry storm: the invalid resource is not retried (a retry would fail again and count as an error).
    const reconcilesOf = () => controller.logs.filter((l) => l.name === 'invalid' && l.msg === 'reconcile failed; retrying').length;
    await sleep(3_000);
    expect(reconcilesOf()).toBe(0);
    expect(await controller.metric('platform_controller_reconcile_errors_total')).toBe(errorsBefore);
    expect((await events('invalid')).filter((e) => e.reason === 'InvalidSpec')).toHaveLength(1);
    // Fixing the spec recovers.
    await send(cluster, 'PATCH', platformPath(PLURAL.DistributedTraining, NS, 'invalid'), { spec: { workers: 2 } }, 'application/merge-patch+json');
    await settled('DistributedTraining', 'invalid', (x) => condition(x, 'Progressing')?.status === 'True');
    expect(await child('kubeflow.org/v1', 'PyTorchJob', 'invalid')).toBeDefined();
  }, 120_000);

  test('a resync of unchanged resources makes zero writes', async () => {
    // Let everything settle: no queued work, no write for a moment.
    await waitFor('the queue drained', async () => (await controller.metric('platform_controller_queue_depth')) === 0, 60_000);
    let last = await writes();
    await waitFor('no writes for 2 s', async () => {
      await sleep(2_000);
      const now = await writes();
      const quiet = now === last;
      last = now;
      return quiet;
    }, 60_000, 0);
    const snapshot = async () => {
      const list = await send(cluster, 'GET', `/apis/batch/v1/namespaces/${NS}/jobs`);
      const owners = await Promise.all(Object.values(PLURAL).map((p) => send(cluster, 'GET', platformPath(p, NS))));
      return [...list.items, ...owners.flatMap((l) => l.items)].map((o: any) => `${o.kind}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
    };
    const before = await snapshot();
    const resyncs = await controller.metric('platform_controller_resyncs_total');
    const reconciles = await controller.metric('platform_controller_reconcile_total');
    const writesBefore = await writes();
    const seriesBefore = await writeSeries();
    controller.child.kill('SIGHUP');
    const owners = before.filter((s) => !s.startsWith('Job/') && !s.startsWith('undefined/')).length;
    await waitFor('the resync reconciled every resource', async () =>
      (await controller.metric('platform_controller_resyncs_total')) === resyncs + 1
      && (await controller.metric('platform_controller_reconcile_total')) >= reconciles + owners
      && (await controller.metric('platform_controller_queue_depth')) === 0, 60_000);
    const seriesAfter = await writeSeries();
    expect(seriesAfter.filter((l) => !seriesBefore.includes(l))).toEqual([]);
    expect(await writes()).toBe(writesBefore);
    expect(await snapshot()).toEqual(before);
  }, 180_000);

  test('a watch that expires (410 Gone) is resumed by a new list', async () => {
    const listsOf = () => controller.logs.filter((l) => l.msg === 'informer list' && l.kind === 'BatchJob').length;
    const listsBefore = listsOf();
    proxy.pause();
    try {
      await send(cluster, 'PATCH', platformPath(PLURAL.BatchJob, NS, 'c-batchjob'), { spec: { backoffLimit: 5 } }, 'application/merge-patch+json');
      // Enough writes after the change that the compaction removes the watch's resourceVersion.
      await compactEtcd(cluster);
      await waitFor('the controller to notice the lost connection', () =>
        controller.logs.some((l) => l.msg === 'watch interrupted, restarting' && l.kind === 'BatchJob') || undefined, 60_000);
    } finally {
      proxy.resume();
    }
    await settled('BatchJob', 'c-batchjob', (x) => x.metadata.generation === 3);
    expect((await child('batch/v1', 'Job', 'c-batchjob')).spec.backoffLimit).toBe(5);
    expect(listsOf()).toBeGreaterThan(listsBefore);
  }, 180_000);

  test('the API server restarted in the middle of reconciles', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `restart-${i}`);
    await Promise.all(names.map((n) => create('BatchJob', n)));
    stopRestarted = await restartApiserver(cluster, 1_000);
    for (const n of names) {
      await settled('BatchJob', n, (x) => condition(x, 'Progressing')?.status === 'True');
      expect(await child('batch/v1', 'Job', n)).toBeDefined();
    }
    expect(controller.alive).toBe(true);
  }, 300_000);

  test('deleting a resource garbage-collects its children (kube-controller-manager)', async () => {
    const kinds = platformKinds().map((k) => k.kind).filter((k) => renders(k));
    const doomed: any[] = [];
    for (const kind of kinds) {
      const name = `c-${kind.toLowerCase()}`;
      const o = await resource(kind, name);
      for (const c of o.status.children) doomed.push({ ...c, owner: name });
      await send(cluster, 'DELETE', platformPath(PLURAL[kind], NS, name));
    }
    expect(doomed.length).toBeGreaterThan(kinds.length - 1);
    for (const c of doomed) {
      // Deleted by the garbage collector (a PVC then waits for kubernetes.io/pvc-protection, whose controller does not run here).
      await waitFor(`${c.kind} ${c.name} garbage-collected`, async () => {
        const live = await child(c.apiVersion, c.kind, c.name);
        return live === undefined || live.metadata.deletionTimestamp !== undefined;
      }, 120_000);
    }
  }, 300_000);

  test('cluster-scoped children: a finalizer first, deleted by label when their resource is deleted', async () => {
    // No platform kind renders a cluster-scoped object today: a controller process on its own namespace gets a render
    // that adds a ClusterRole to the library's children of the resources named cs-with-* (cluster-scoped-main.ts).
    const ns = 'ctl-cluster';
    await send(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const p = await spawnController({
      kubeconfig: cluster.kubeconfig,
      main: path.join(__dirname, 'cluster-scoped-main.ts'),
      args: [`--namespaces=${ns}`, '--kinds=BatchJob', '--resync-period=0', '--concurrency=2'],
    });
    others.push(p);
    await p.waitReady();
    // What cluster-scoped-main.ts renders for cs-with-role.
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `${ns}-cs-with-role` },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    };
    const rolePath = `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role.metadata.name}`;
    await create('BatchJob', 'cs-with-role', SAMPLE_SPECS.BatchJob, ns);
    await create('BatchJob', 'cs-without', SAMPLE_SPECS.BatchJob, ns);
    const withRole = await settled('BatchJob', 'cs-with-role', () => true, ns, p);
    const without = await settled('BatchJob', 'cs-without', () => true, ns, p);
    expect(withRole.metadata.finalizers).toEqual([CLUSTER_CHILDREN_FINALIZER]);
    expect(without.metadata.finalizers).toBeUndefined();
    const live = await getObject(cluster, rolePath);
    expect(containsAll(live, role)).toBe(true);
    expect(live.metadata.labels[OWNER_UID_LABEL]).toBe(withRole.metadata.uid);
    expect(live.metadata.ownerReferences).toBeUndefined();
    expect(withRole.status.children).toContainEqual({ apiVersion: role.apiVersion, kind: 'ClusterRole', name: role.metadata.name });
    expect(await child('batch/v1', 'Job', 'cs-with-role', ns)).toBeDefined();

    // Deleted: the ClusterRole goes, then the finalizer, then the resource.
    await send(cluster, 'DELETE', platformPath(PLURAL.BatchJob, ns, 'cs-with-role'));
    await waitFor('the resource gone', async () => (await resource('BatchJob', 'cs-with-role', ns)) === undefined, 60_000)
      .catch((e) => {
        throw new Error(e.message + onFailure(p));
      });
    expect(await getObject(cluster, rolePath)).toBeUndefined();
    await waitFor('the Deleted event', async () => (await events('cs-with-role', ns)).find((e) => e.reason === 'Deleted'
      && e.message === `Deleted ClusterRole ${role.metadata.name} (cluster-scoped: not garbage-collected)`), 30_000);
    // Without cluster-scoped children no finalizer holds the deletion.
    await send(cluster, 'DELETE', platformPath(PLURAL.BatchJob, ns, 'cs-without'));
    await waitFor('cs-without gone', async () => (await resource('BatchJob', 'cs-without', ns)) === undefined, 60_000);
    await p.stop('SIGTERM');
  }, 240_000);

  test('the platform context: a running controller resolves the pool, queue and priority class a resource names', async () => {
    const ns = 'ctl-context';
    await send(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // the platform's app: what PlatformController writes into its ConfigMap is what the controller reads
    const platform = new Chart(Testing.app(), 'platform');
    const installed = new PlatformController(platform, 'controller', { installCrds: false });
    new ExistingGpuNodes(platform, 'gpus', { name: 'gpu-a10g', nodeLabels: { 'node-group': 'gpu-a10g' }, accelerator: Accelerator.nvidia() });
    const clusterQueue = BatchQueue.fromClusterQueueName(platform, 'cq', 'gpu-batch', { integrations: [KueueIntegration.BATCH_JOB] });
    new LocalQueue(platform, 'team-a', { clusterQueue, namespace: ns, name: 'team-a' });
    new WorkloadPriorityClass(platform, 'high', { name: 'high', value: 1000 });
    const configMap = Testing.synth(platform).find((o) => o.kind === 'ConfigMap' && o.metadata.name === installed.contextConfigMap.name);
    const file = path.join(tmp, 'context.json');
    fs.writeFileSync(file, configMap.data['context.json']);
    const p = await spawnController({
      kubeconfig: cluster.kubeconfig,
      args: [`--namespaces=${ns}`, '--kinds=BatchJob', '--resync-period=0', `--platform-context=${file}`],
    });
    others.push(p);
    await p.waitReady();

    const container = { ...SAMPLE_SPECS.BatchJob.containers[0], resources: { cpu: '1', memory: '1Gi', accelerator: { nvidia: {} } } };
    await create('BatchJob', 'on-pool', { ...SAMPLE_SPECS.BatchJob, containers: [container], pool: 'gpu-a10g', queue: 'team-a', priorityClass: 'high' }, ns);
    await settled('BatchJob', 'on-pool', () => true, ns, p);
    const job = await child('batch/v1', 'Job', 'on-pool', ns);
    expect(job.spec.template.spec.nodeSelector).toEqual({ 'node-group': 'gpu-a10g' });
    expect(job.metadata.labels).toMatchObject({ 'kueue.x-k8s.io/queue-name': 'team-a', 'kueue.x-k8s.io/priority-class': 'high' });

    await create('BatchJob', 'unknown-pool', { ...SAMPLE_SPECS.BatchJob, containers: [container], pool: 'gpu-h100' }, ns);
    const failed = await settled('BatchJob', 'unknown-pool', (o) => condition(o, 'Failed')?.status === 'True', ns, p);
    expect(condition(failed, 'Failed')).toMatchObject({
      reason: 'InvalidSpec', message: "[platform/unknown-pool] spec.pool: 'gpu-h100' is not valid; must name a node pool of the platform: 'gpu-a10g'",
    });
    await p.stop('SIGTERM');
  }, 240_000);

  test('leader election: one of two replicas reconciles; failover on a crash; a graceful stop hands over at once', async () => {
    const leaderArgs = [`--namespaces=${LEADER_NS}`, '--leader-elect', `--leader-election-namespace=${LEADER_NS}`,
      '--lease-duration=4', '--renew-deadline=3', '--retry-period=0.5', '--resync-period=0'];
    const a = await spawnController({ kubeconfig: cluster.kubeconfig, args: leaderArgs, identity: 'replica-a' });
    others.push(a);
    await a.waitForLog('became leader', (l) => l.msg === 'became leader');
    const b = await spawnController({ kubeconfig: cluster.kubeconfig, args: leaderArgs, identity: 'replica-b' });
    others.push(b);
    await b.waitForLog('standby', (l) => l.msg === 'waiting to become leader');
    await create('BatchJob', 'leader-1', SAMPLE_SPECS.BatchJob, LEADER_NS);
    await settled('BatchJob', 'leader-1', () => true, LEADER_NS, a);
    expect(b.logs.some((l) => l.msg === 'became leader')).toBe(false);
    expect((await b.get('/readyz')).status).toBe(200);
    expect(await b.metric('platform_controller_leader')).toBe(0);
    expect(await a.metric('platform_controller_leader')).toBe(1);

    // Crash of the leader: the standby takes the lease once it expires.
    await a.stop('SIGKILL');
    await b.waitForLog('became leader', (l) => l.msg === 'became leader', 60_000);
    await create('BatchJob', 'leader-2', SAMPLE_SPECS.BatchJob, LEADER_NS);
    await settled('BatchJob', 'leader-2', () => true, LEADER_NS, b);
    const lease = await send(cluster, 'GET', `/apis/coordination.k8s.io/v1/namespaces/${LEADER_NS}/leases/cdk8s-ai-platform-controller`);
    expect(lease.spec.holderIdentity).toBe('replica-b');

    // Graceful stop (SIGTERM): the lease is released, the next replica leads without waiting for it to expire.
    const c = await spawnController({ kubeconfig: cluster.kubeconfig, args: leaderArgs, identity: 'replica-c' });
    others.push(c);
    await c.waitForLog('standby', (l) => l.msg === 'waiting to become leader');
    expect(await b.stop('SIGTERM')).toBe(0);
    expect(b.logs.some((l) => l.msg === 'released the leader lease')).toBe(true);
    await c.waitForLog('became leader', (l) => l.msg === 'became leader', 60_000);
    await create('BatchJob', 'leader-3', SAMPLE_SPECS.BatchJob, LEADER_NS);
    await settled('BatchJob', 'leader-3', () => true, LEADER_NS, c);
  }, 300_000);
});
