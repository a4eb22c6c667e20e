/**
 * Benchmark of the runtime controller against the project's test API server (`npm run bench`; not a timed test).
 *
 *   1. raw floor: the children of N resources (rendered beforehand) applied by concurrent server-side apply, no
 *      controller, through the same HTTP client the controller uses;
 *   2. kubectl: `kubectl apply --server-side` of the same children as YAML;
 *   3. controller: N custom resources created first, then the controller started; the time from its informers being
 *      synced to every resource reconciled (children applied, status written);
 *   4. a no-op resync of all N (SIGHUP): writes made (by the controller's count and the API server's) and
 *      resourceVersions changed — both must be zero.
 *
 * Each phase uses its own namespace, so all three apply the same number of new objects to the same server.
 *
 *   npm run bench:controller -- [--resources 500] [--concurrency 16]
 *
 * Environment: CONTROLLER_MAIN (another copy of src/controller/main.ts, to compare versions), CONTROLLER_NODE_ARGS
 * (e.g. "--cpu-prof --cpu-prof-dir=DIR" to profile the controller), BENCH_TIMELINE=1 (resources applied per 0.5 s).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { KubeClient } from '../src/controller/kube';
import {
  assemblyPath, ControllerProcess, installCrds, send, spawnController, startControllerCluster, sumMetric, waitFor,
} from '../test/controller/harness';
import { SAMPLE_SPECS, sampleResource } from '../test/controller/samples';
import { assertBinaries, Cluster } from '../test/integration/cluster';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const N = arg('resources', 500);
const CONCURRENCY = arg('concurrency', 16);
const WRITE_VERBS = ['POST', 'PUT', 'PATCH', 'DELETE'];

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function apiserverWrites(cluster: Cluster): Promise<number> {
  const text = (await cluster.request('GET', '/metrics')).body;
  let n = 0;
  for (const verb of ['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY']) n += sumMetric(text, 'apiserver_request_total', { verb });
  return n;
}

async function controllerWrites(p: ControllerProcess): Promise<number> {
  const text = (await p.get('/metrics')).body;
  return WRITE_VERBS.reduce((n, verb) => n + sumMetric(text, 'platform_controller_api_requests_total', { verb }), 0);
}

/** CPU seconds (user + system) a process used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
}

function serverCpu(cluster: Cluster): number {
  return cluster.processes.filter((p) => p.name === 'kube-apiserver' || p.name === 'etcd').reduce((n, p) => n + cpuSeconds(p.pid), 0);
}

async function namespace(cluster: Cluster, name: string): Promise<void> {
  await send(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  assertBinaries();
  console.log(`controller benchmark: ${N} resources, concurrency ${CONCURRENCY}, ${os.cpus().length} cores`);
  assemblyPath();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { platformCrds, platformKinds, renderResource } = require('../src/controller/render') as typeof import('../src/controller/render');
  const kinds = platformKinds().filter((k) => {
    try {
      renderResource(sampleResource(k.kind, 'probe', 'default'));
      return true;
    } catch {
      return false;
    }
  });
  const plural = Object.fromEntries(kinds.map((k) => [k.kind, k.plural]));
  const resources = (ns: string) => Array.from({ length: N }, (_, i) => {
    const k = kinds[i % kinds.length];
    return sampleResource(k.kind, `b-${k.singular}-${i}`, ns, SAMPLE_SPECS[k.kind]);
  });

  const cluster = await startControllerCluster({});
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'controller-bench-'));
  let controller: ControllerProcess | undefined;
  const results: Record<string, string | number> = {};
  try {
    await installCrds(cluster, platformCrds(), renderResource);
    for (const ns of ['bench-raw', 'bench-kubectl', 'bench-ctl']) await namespace(cluster, ns);
    console.log(`kinds: ${kinds.map((k) => k.kind).join(', ')} (round robin)`);

    // --- 1. raw floor ---
    let t = Date.now();
    const rawChildren = resources('bench-raw').flatMap((r) => renderResource(r).children);
    const renderMs = Date.now() - t;
    results.children = rawChildren.length;
    results['render (all resources, in-process)'] = secs(renderMs);
    const client = await KubeClient.load({ kubeconfig: cluster.kubeconfig, maxSockets: CONCURRENCY * 4 });
    t = Date.now();
    let cpu = serverCpu(cluster);
    const clientCpu = process.cpuUsage();
    await mapLimit(rawChildren, CONCURRENCY, async (c) => {
      await client.apply(c, 'bench-raw', true);
    });
    const rawMs = Date.now() - t;
    const rawClientCpu = process.cpuUsage(clientCpu);
    client.close();
    results['raw floor: concurrent server-side apply'] = secs(rawMs);
    results['raw floor: API server + etcd CPU'] = `${(serverCpu(cluster) - cpu).toFixed(1)} s`;
    results['raw floor: client CPU (the benchmark process)'] = `${((rawClientCpu.user + rawClientCpu.system) / 1e6).toFixed(1)} s`;

    // --- 2. kubectl ---
    const kubectlChildren = resources('bench-kubectl').flatMap((r) => renderResource(r).children);
    const file = path.join(tmp, 'children.yaml');
    fs.writeFileSync(file, kubectlChildren.map((c) => YAML.stringify(c)).join('---\n'));
    t = Date.now();
    cpu = serverCpu(cluster);
    const r = await cluster.kubectl(['apply', '--server-side', '--field-manager=bench-kubectl', '-f', file], { timeoutMs: 1_800_000 });
    const kubectlMs = Date.now() - t;
    if (r.code !== 0) throw new Error(`kubectl apply failed: ${r.stderr}`);
    results['kubectl apply --server-side'] = secs(kubectlMs);
    results['kubectl: API server + etcd CPU'] = `${(serverCpu(cluster) - cpu).toFixed(1)} s`;

    // --- 3. controller ---
    const crs = resources('bench-ctl');
    const creator = await KubeClient.load({ kubeconfig: cluster.kubeconfig, maxSockets: CONCURRENCY * 4 });
    await mapLimit(crs, CONCURRENCY, async (cr) => {
      await creator.request('POST', `/apis/platform.ai.cdk8s.io/v1alpha1/namespaces/bench-ctl/${plural[cr.kind]}`, cr);
    });
    creator.close();
    const spawned = Date.now();
    let startedAt = 0;
    let cpuAtStart = { server: 0, controller: 0 };
    controller = await spawnController({
      kubeconfig: cluster.kubeconfig,
      args: ['--namespaces=bench-ctl', `--concurrency=${CONCURRENCY}`, '--resync-period=0'],
      onLine: (l) => {
        if (l.msg === 'controller started') {
          startedAt = Date.parse(l.ts);
          cpuAtStart = { server: serverCpu(cluster), controller: cpuSeconds(controller!.child.pid!) };
        }
      },
    });
    const expected = crs.flatMap((cr) => renderResource(cr).children).length;
    const steadyAt = await waitFor('steady state', async () => {
      const text = (await controller!.get('/metrics')).body;
      const applied = sumMetric(text, 'platform_controller_objects_applied_total');
      if (applied < expected || sumMetric(text, 'platform_controller_queue_depth') > 0) return undefined;
      const at = Date.now();
      // Confirm with the API server: every resource's status describes its generation.
      const lists = await Promise.all(kinds.map((k) => send(cluster, 'GET', `/apis/platform.ai.cdk8s.io/v1alpha1/namespaces/bench-ctl/${k.plural}`)));
      const all = lists.flatMap((l) => l.items);
      return all.length === N && all.every((o: any) => o.status?.observedGeneration === o.metadata.generation) ? at : undefined;
    }, 1_800_000, 100);
    const controllerMs = steadyAt - startedAt;
    results['controller: API server + etcd CPU'] = `${(serverCpu(cluster) - cpuAtStart.server).toFixed(1)} s`;
    results['controller: controller process CPU'] = `${(cpuSeconds(controller.child.pid!) - cpuAtStart.controller).toFixed(1)} s`;
    results['controller: process start to informers synced'] = secs(startedAt - spawned);
    results['controller: informers synced to steady state'] = secs(controllerMs);
    const atSteady = (await controller.get('/metrics')).body;
    // Events are sent off the reconcile path, at a lower priority: the time until every one is sent.
    const flushedAt = await waitFor('events flushed', async () => {
      const text = (await controller!.get('/metrics')).body;
      return sumMetric(text, 'platform_controller_events_pending') === 0 ? Date.now() : undefined;
    }, 120_000, 50);
    results['controller: informers synced to events flushed'] = secs(flushedAt - startedAt);
    results['controller: API server + etcd CPU to events flushed'] = `${(serverCpu(cluster) - cpuAtStart.server).toFixed(1)} s`;
    results['controller: controller process CPU to events flushed'] = `${(cpuSeconds(controller.child.pid!) - cpuAtStart.controller).toFixed(1)} s`;
    const metricsText = (await controller.get('/metrics')).body;
    for (const verb of ['GET', ...WRITE_VERBS]) {
      results[`controller requests ${verb}`] = sumMetric(metricsText, 'platform_controller_api_requests_total', { verb });
    }
    results['controller requests POST by steady state'] = sumMetric(atSteady, 'platform_controller_api_requests_total', { verb: 'POST' });
    results['controller events sent'] = sumMetric(metricsText, 'platform_controller_events_total', { result: 'sent' });
    results['controller reconciles'] = sumMetric(metricsText, 'platform_controller_reconcile_total');
    results['controller reconcile errors (retried)'] = sumMetric(metricsText, 'platform_controller_reconcile_errors_total');
    if (process.env.BENCH_TIMELINE) {
      const byHalfSecond = new Map<number, number>();
      for (const l of controller.logs) {
        if (l.msg !== 'applied') continue;
        const k = Math.floor((Date.parse(l.ts) - startedAt) / 500);
        byHalfSecond.set(k, (byHalfSecond.get(k) ?? 0) + 1);
      }
      console.log('applied per 0.5 s:', [...byHalfSecond].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k / 2}s:${v}`).join(' '));
      console.log('warnings:', controller.logs.filter((l) => l.level !== 'info' && l.level !== 'debug').slice(0, 5).map((l) => JSON.stringify(l)).join('\n'));
    }

    // --- 4. no-op resync ---
    let last = await controllerWrites(controller);
    await waitFor('no writes for 2 s', async () => {
      await new Promise((res) => setTimeout(res, 2_000));
      const now = await controllerWrites(controller!);
      const quiet = now === last;
      last = now;
      return quiet;
    }, 120_000, 0);
    const snapshot = async () => {
      const items: any[] = [];
      for (const k of kinds) items.push(...(await send(cluster, 'GET', `/apis/platform.ai.cdk8s.io/v1alpha1/namespaces/bench-ctl/${k.plural}`)).items);
      for (const c of new Set(crs.flatMap((cr) => renderResource(cr).children).map((x) => `${x.apiVersion}|${x.kind}`))) {
        const [apiVersion, kind] = c.split('|');
        const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
        const res = JSON.parse((await cluster.request('GET', base)).body).resources.find((x: any) => x.kind === kind && !x.name.includes('/'));
        items.push(...(await send(cluster, 'GET', `${base}/namespaces/bench-ctl/${res.name}`)).items);
      }
      return new Map(items.map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]));
    };
    const before = await snapshot();
    const ctlWritesBefore = await controllerWrites(controller);
    const apiWritesBefore = await apiserverWrites(cluster);
    const reconcilesBefore = sumMetric((await controller.get('/metrics')).body, 'platform_controller_reconcile_total');
    t = Date.now();
    controller.child.kill('SIGHUP');
    await waitFor('resync done', async () => {
      const text = (await controller!.get('/metrics')).body;
      return sumMetric(text, 'platform_controller_reconcile_total') >= reconcilesBefore + N && sumMetric(text, 'platform_controller_queue_depth') === 0;
    }, 600_000, 50);
    const resyncMs = Date.now() - t;
    const after = await snapshot();
    const changed = [...before].filter(([k, v]) => after.get(k) !== v).length;
    results['no-op resync of all resources'] = secs(resyncMs);
    results['no-op resync: controller writes'] = (await controllerWrites(controller)) - ctlWritesBefore;
    // The API server's count includes the benchmark's own reads only as GET, so writes are everyone's writes.
    results['no-op resync: API server writes (all clients)'] = (await apiserverWrites(cluster)) - apiWritesBefore;
    results['no-op resync: objects whose resourceVersion changed'] = `${changed} of ${before.size}`;

    results['controller / raw floor'] = (controllerMs / rawMs).toFixed(2);
    results['controller / kubectl'] = (controllerMs / kubectlMs).toFixed(2);
  } finally {
    await controller?.stop('SIGTERM');
    await cluster.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log('');
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(width)}  ${v}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
