/**
 * `npm run demo`: the platform kinds as Kubernetes-native APIs, reconciled by the runtime controller, on the
 * project's own local control plane (etcd, kube-apiserver and kube-controller-manager; no cluster needed).
 *
 * Starts the control plane, installs the platform CRDs and the upstream CRDs the children need, runs the controller
 * (`cdk8s-ai-platform-controller`, as a separate process), applies one custom resource of each kind with kubectl,
 * prints their status, conditions and children as they change, plays an operator that reports success, shows an
 * invalid spec and a deletion, and cleans up.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import {
  assemblyPath, condition, ControllerProcess, getObject, installCrds, platformPath, send, spawnController,
  startControllerCluster, waitFor,
} from '../test/controller/harness';
import { SAMPLE_SPECS, sampleResource } from '../test/controller/samples';
import { assertBinaries, Cluster } from '../test/integration/cluster';

const NS = 'demo';
const started = Date.now();
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
function say(msg: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`${dim(`[${t}s]`)} ${msg}`);
}
function step(title: string): void {
  console.log(`\n${bold(`== ${title}`)}`);
}

async function kubectl(cluster: Cluster, args: string[], input?: string): Promise<string> {
  console.log(dim(`$ kubectl ${args.join(' ')}`));
  const r = await cluster.kubectl(args, { input });
  const out = (r.stdout + r.stderr).trimEnd();
  if (out) console.log(out.split('\n').map((l) => `  ${l}`).join('\n'));
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed`);
  return r.stdout;
}

function summary(o: any): string {
  const ready = condition(o, 'Ready');
  const failed = condition(o, 'Failed');
  const state = failed?.status === 'True' ? `Failed/${failed.reason}` : ready?.status === 'True' ? `Ready/${ready.reason}` : ready ? `NotReady/${ready.reason}` : 'pending';
  const children = (o.status?.children ?? []).map((c: any) => `${c.kind}/${c.name}`).join(', ');
  return `${o.kind.padEnd(25)} ${o.metadata.name.padEnd(22)} gen ${o.metadata.generation} observed ${o.status?.observedGeneration ?? '-'}  ${state.padEnd(24)} ${children}`;
}

async function main(): Promise<void> {
  assertBinaries();
  step('1. The library\'s platform kinds (read from its jsii assembly)');
  say(`assembly: ${assemblyPath()}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { platformCrds, platformKinds, renderResource } = require('../src/controller/render') as typeof import('../src/controller/render');
  const kinds = platformKinds();
  say(`kinds: ${kinds.map((k) => k.kind).join(', ')}`);

  step('2. A local control plane: etcd, kube-apiserver, kube-controller-manager');
  const cluster = await startControllerCluster({ controllerManager: true, log: (m) => say(dim(m)) });
  let controller: ControllerProcess | undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-demo-'));
  try {
    say(`API server ${cluster.server} (${cluster.version}) ready in ${(cluster.startupMs / 1000).toFixed(1)} s`);
    const n = await installCrds(cluster, platformCrds(), renderResource);
    say(`installed ${n} CRDs (${kinds.length} platform kinds + the upstream kinds their children use)`);
    await send(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });

    step('3. The controller (cdk8s-ai-platform-controller, a separate process)');
    controller = await spawnController({
      kubeconfig: cluster.kubeconfig,
      args: [`--namespaces=${NS}`, '--concurrency=4'],
      onLine: (l) => {
        if (['applied', 'pruned', 'invalid spec', 'controller started', 'field manager conflict', 'reconcile failed; retrying'].includes(l.msg)) {
          const what = [l.kind && `${l.kind}/${l.name}`, l.objects, l.error].filter(Boolean).join(' ');
          say(`${dim('controller |')} ${l.level} ${l.msg}${what ? `: ${what}` : ''}`);
        }
      },
    });
    await controller.waitReady();
    say(`metrics, /healthz and /readyz on 127.0.0.1:${controller.port}; readyz: ${(await controller.get('/readyz')).body}`);

    step('4. One custom resource of each kind, applied with kubectl');
    const resources = kinds.map((k) => sampleResource(k.kind, `demo-${k.singular}`, NS));
    console.log(dim('For example:'));
    console.log(YAML.stringify(resources.find((r) => r.kind === 'DistributedTraining')).split('\n').map((l) => `  ${l}`).join('\n'));
    const file = path.join(tmp, 'resources.yaml');
    fs.writeFileSync(file, resources.map((r) => YAML.stringify(r)).join('---\n'));
    await kubectl(cluster, ['apply', '-f', file]);

    const plural = Object.fromEntries(kinds.map((k) => [k.kind, k.plural]));
    const read = async () => Promise.all(resources.map((r) => getObject(cluster, platformPath(plural[r.kind], NS, r.metadata.name))));
    let last = '';
    await waitFor('every resource reconciled', async () => {
      const all = await read();
      const text = all.map((o) => summary(o)).join('\n');
      if (text !== last) {
        say('status:');
        console.log(text.split('\n').map((l) => `  ${l}`).join('\n'));
        last = text;
      }
      return all.every((o) => o.status?.observedGeneration === o.metadata.generation) || undefined;
    }, 180_000, 500);

    step('5. What kubectl shows (printer columns, the ai-platform category, the children by label)');
    await kubectl(cluster, ['get', 'ai-platform', '-n', NS]);
    await kubectl(cluster, ['get', 'pytorchjobs,jobs,sparkapplications,serviceaccounts', '-n', NS, '-l', 'platform.ai.cdk8s.io/owner-kind']);
    const dt = resources.find((r) => r.kind === 'DistributedTraining');
    await kubectl(cluster, ['get', `${plural.DistributedTraining}.platform.ai.cdk8s.io`, dt.metadata.name, '-n', NS, '-o', 'jsonpath={range .status.conditions[*]}{.type}={.status} ({.reason}): {.message}{"\\n"}{end}']);

    step('6. An operator reports success: Ready comes from the child\'s status contract');
    const rendered = renderResource(dt);
    say(`no operators run here, so the demo plays the training operator: ${rendered.primary.kind} ${rendered.primary.name} gets condition ${rendered.statusContract.succeeded[0]}=True`);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await send(cluster, 'PATCH', `/apis/${rendered.primary.apiVersion}/namespaces/${NS}/pytorchjobs/${rendered.primary.name}/status`,
      { status: { conditions: [{ type: rendered.statusContract.succeeded[0], status: 'True', reason: 'JobSucceeded', message: 'training finished', lastUpdateTime: now, lastTransitionTime: now }] } },
      'application/merge-patch+json');
    const done = await waitFor('Ready', async () => {
      const o = await getObject(cluster, platformPath(plural.DistributedTraining, NS, dt.metadata.name));
      return condition(o, 'Ready')?.status === 'True' ? o : undefined;
    }, 60_000);
    say(summary(done));

    step('7. An invalid spec: a terminal condition naming the field, no retries');
    const bad = sampleResource('DistributedTraining', 'demo-invalid', NS, { ...SAMPLE_SPECS.DistributedTraining, workers: 0 });
    await kubectl(cluster, ['apply', '-f', '-'], JSON.stringify(bad));
    const invalid = await waitFor('InvalidSpec', async () => {
      const o = await getObject(cluster, platformPath(plural.DistributedTraining, NS, 'demo-invalid'));
      return condition(o, 'Failed')?.status === 'True' ? o : undefined;
    }, 60_000);
    say(`Failed=True (${condition(invalid, 'Failed').reason}): ${condition(invalid, 'Failed').message}`);
    // Events are sent off the reconcile path, just after it: wait for the one about this resource
    await waitFor('the InvalidSpec Event', async () => {
      const list = await getObject(cluster, `/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.name%3Ddemo-invalid`);
      return list?.items?.length ? list : undefined;
    }, 30_000);
    await kubectl(cluster, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=demo-invalid', '-o', 'custom-columns=TYPE:.type,REASON:.reason,MESSAGE:.message']);

    step('8. Deleting a resource: kube-controller-manager garbage-collects its children');
    const sj = resources.find((r) => r.kind === 'SparkJob');
    const sjLive = await getObject(cluster, platformPath(plural.SparkJob, NS, sj.metadata.name));
    await kubectl(cluster, ['delete', `${plural.SparkJob}.platform.ai.cdk8s.io`, sj.metadata.name, '-n', NS]);
    await waitFor('children gone', async () => {
      const r = await cluster.kubectl(['get', 'sparkapplications,serviceaccounts,roles,rolebindings', '-n', NS, '-l', `platform.ai.cdk8s.io/owner-uid=${sjLive.metadata.uid}`, '-o', 'name']);
      return r.code === 0 && r.stdout.trim() === '' || undefined;
    }, 120_000, 500);
    say(`the ${sjLive.status.children.length} children of SparkJob ${sj.metadata.name} are gone`);

    step('9. Metrics');
    const metrics = (await controller.get('/metrics')).body.split('\n')
      .filter((l) => /^platform_controller_(reconcile_total|objects_applied_total|objects_pruned_total|queue_depth|leader)/.test(l));
    console.log(metrics.map((l) => `  ${l}`).join('\n'));
  } finally {
    step('Cleaning up');
    await controller?.stop('SIGTERM');
    say('controller stopped (SIGTERM: graceful)');
    await cluster.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    say('control plane stopped');
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
