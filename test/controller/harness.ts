/**
 * A real control plane for the runtime controller: the project's kube-apiserver (+ kube-controller-manager) with
 * the platform CRDs and the upstream CRDs of the children installed, and the controller run as a child process
 * (`src/controller/main.ts` through ts-node), as in production. Plain module (no jest imports): the tests, the demo
 * (scripts/controller-demo.ts) and the benchmark (bench/controller.bench.ts) share it.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import * as YAML from 'yaml';
import { SAMPLE_SPECS, sampleResource } from './samples';
import { ASSEMBLY_ENV } from '../../src/controller/spec-assembly';
import { Cluster, REPO_ROOT, StartClusterOptions, startCluster } from '../integration/cluster';

export const CRD_DIR = path.join(REPO_ROOT, '.upstream-cache', 'crds');
// `CONTROLLER_MAIN` runs another copy of the controller's sources (e.g. an older one, to compare in the benchmark).
const MAIN = process.env.CONTROLLER_MAIN ?? path.join(REPO_ROOT, 'src', 'controller', 'main.ts');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value that is not undefined/false; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
      last = undefined;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** The jsii assembly the controller reads its kinds from: `$CDK8S_AI_PLATFORM_JSII`, else one built from the sources. */
export function assemblyPath(): string {
  if (process.env[ASSEMBLY_ENV]) return process.env[ASSEMBLY_ENV]!;
  try {
    const out = execFileSync(path.join(REPO_ROOT, 'scripts', 'jsii-assembly.sh'), { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    process.env[ASSEMBLY_ENV] = out.trim().split('\n').pop()!;
  } catch {
    process.env[ASSEMBLY_ENV] = path.join(REPO_ROOT, '.jsii');
  }
  return process.env[ASSEMBLY_ENV]!;
}

/** Upstream CRDs (as objects) of the given `group/Kind`s, from the pinned CRD cache. */
export function upstreamCrds(kinds: Set<string>): any[] {
  const out: any[] = [];
  const files = fs.readdirSync(CRD_DIR, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
  if (files.length === 0) throw new Error(`no CRDs in ${CRD_DIR}; run \`npm run upstream\``);
  const seen = new Set<string>();
  for (const file of files) {
    // Only parse the files of the groups asked for.
    const text = fs.readFileSync(file, 'utf8');
    if (![...kinds].some((k) => text.includes(`group: ${k.split('/')[0]}`))) continue;
    for (const doc of YAML.parseAllDocuments(text)) {
      const crd = doc.toJS({ maxAliasCount: -1 });
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const key = `${crd.spec.group}/${crd.spec.names.kind}`;
      if (kinds.has(key) && !seen.has(crd.metadata.name)) {
        seen.add(crd.metadata.name);
        out.push(crd);
      }
    }
  }
  return out;
}

const BUILT_IN_GROUPS = new Set([
  'apps', 'batch', 'policy', 'autoscaling', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'scheduling.k8s.io',
  'storage.k8s.io', 'coordination.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'discovery.k8s.io',
]);

/** `group/Kind` of every child the sample resources render (core and built-in groups excluded). */
export function childKinds(render: (r: any) => { children: any[] }): Set<string> {
  const kinds = new Set<string>();
  for (const kind of Object.keys(SAMPLE_SPECS)) {
    let children: any[];
    try {
      children = render(sampleResource(kind, 'probe', 'default')).children;
    } catch {
      continue; // a sample the library rejects renders no children
    }
    for (const c of children) {
      const group = String(c.apiVersion).includes('/') ? String(c.apiVersion).split('/')[0] : '';
      // Built-in groups need no CRD; upstreamCrds() finds the others in the pinned cache.
      if (group !== '' && !BUILT_IN_GROUPS.has(group)) kinds.add(`${group}/${c.kind}`);
    }
  }
  return kinds;
}

/** Applies objects with server-side apply through kubectl (one call). */
export async function kubectlApply(cluster: Cluster, objects: any[], fieldManager = 'controller-test'): Promise<void> {
  const input = objects.map((o) => JSON.stringify(o)).join('\n');
  const r = await cluster.kubectl(['apply', '--server-side', '--force-conflicts', `--field-manager=${fieldManager}`, '-f', '-'], { input, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`kubectl apply failed: ${r.stderr || r.stdout}`);
}

/** Installs the platform CRDs and the upstream CRDs the samples' children need; waits until Established. */
export async function installCrds(cluster: Cluster, platformCrds: any[], render: (r: any) => { children: any[] }): Promise<number> {
  const crds = [...platformCrds, ...upstreamCrds(childKinds(render))];
  await kubectlApply(cluster, crds, 'controller-test-crds');
  const names = crds.map((c) => `crd/${c.metadata.name}`);
  const r = await cluster.kubectl(['wait', '--for=condition=Established', ...names, '--timeout=180s'], { timeoutMs: 200_000 });
  if (r.code !== 0) throw new Error(`CRDs not established: ${r.stderr || r.stdout}`);
  return crds.length;
}

/** Starts a cluster for the controller. */
export function startControllerCluster(opts: StartClusterOptions = {}): Promise<Cluster> {
  return startCluster(opts);
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A JSON log line of the controller. */
export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [key: string]: any;
}

/** A controller process. */
export class ControllerProcess {
  public readonly logs: LogLine[] = [];
  public readonly stderr: string[] = [];
  public exitCode: number | null = null;
  public exited: Promise<number | null>;
  private buffer = '';

  constructor(public readonly child: ChildProcess, public readonly port: number, public readonly identity: string, onLine?: (l: LogLine) => void) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.buffer += chunk;
      let i: number;
      while ((i = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 1);
        try {
          const parsed = JSON.parse(line) as LogLine;
          this.logs.push(parsed);
          onLine?.(parsed);
        } catch {
          this.stderr.push(line);
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => this.stderr.push(chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.exitCode = code ?? (signal ? 128 : null);
      resolve(this.exitCode);
    }));
  }

  public get alive(): boolean {
    return this.exitCode === null;
  }

  /** GET on the metrics port. */
  public get(urlPath: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: this.port, path: urlPath, timeout: 5_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
    });
  }

  /** The value of one metric (summed over its series matching `labels`). */
  public async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const { body } = await this.get('/metrics');
    return sumMetric(body, name, labels);
  }

  /** Waits until a log line matches. */
  public waitForLog(what: string, pred: (l: LogLine) => boolean, timeoutMs = 120_000): Promise<LogLine> {
    return waitFor(`log line: ${what} (${this.identity})`, () => {
      if (!this.alive && !this.logs.some(pred)) throw new Error(`controller exited (${this.exitCode}): ${this.tail()}`);
      return this.logs.find(pred);
    }, timeoutMs, 100);
  }

  /** Waits until /readyz answers 200 and the controller has started (or is a standby). */
  public async waitReady(timeoutMs = 180_000): Promise<void> {
    await this.waitForLog('controller started or standby', (l) => l.msg === 'controller started' || l.msg === 'waiting to become leader', timeoutMs);
  }

  public tail(n = 15): string {
    return [...this.logs.slice(-n).map((l) => JSON.stringify(l)), ...this.stderr.slice(-5)].join('\n');
  }

  /** Sends a signal and waits for the exit. */
  public async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<number | null> {
    if (!this.alive) return this.exitCode;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([this.exited, new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    })]);
    clearTimeout(timer);
    if (code === 'timeout') {
      this.child.kill('SIGKILL');
      return this.exited;
    }
    return code;
  }
}

/** Sums the series of `name` whose labels include `labels` in Prometheus text output. */
export function sumMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const got: Record<string, string> = {};
    for (const kv of (m[3] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) got[kv[1]] = kv[2];
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) total += Number(m[4]);
  }
  return total;
}

/** Options of a controller process. */
export interface SpawnControllerOptions {
  readonly kubeconfig: string;
  readonly args?: string[];
  readonly identity?: string;
  /** Entry point (default: src/controller/main.ts, or `$CONTROLLER_MAIN`). */
  readonly main?: string;
  /** Each parsed log line (e.g. to print it). */
  readonly onLine?: (l: LogLine) => void;
}

/** Starts `cdk8s-ai-platform-controller` from the sources (ts-node), on a free metrics port. */
export async function spawnController(opts: SpawnControllerOptions): Promise<ControllerProcess> {
  const port = await freePort();
  const identity = opts.identity ?? `controller-${port}`;
  // Extra Node flags for the controller process, e.g. CONTROLLER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.CONTROLLER_NODE_ARGS ?? '').split(' ').filter((a) => a);
  const child = spawn(process.execPath, [
    ...nodeArgs, '-r', 'ts-node/register/transpile-only', opts.main ?? MAIN,
    `--kubeconfig=${opts.kubeconfig}`, `--metrics-port=${port}`, '--bind-address=127.0.0.1', `--identity=${identity}`,
    ...(opts.args ?? []),
  ], {
    cwd: REPO_ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'scripts', 'tsconfig.json'), [ASSEMBLY_ENV]: assemblyPath() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = new ControllerProcess(child, port, identity, opts.onLine);
  liveControllers.add(proc);
  void proc.exited.then(() => liveControllers.delete(proc));
  return proc;
}

const liveControllers = new Set<ControllerProcess>();
process.on('exit', () => {
  for (const p of liveControllers) p.child.kill('SIGKILL');
});

/** GET of an object through the cluster's admin connection; undefined when absent. */
export async function getObject(cluster: Cluster, urlPath: string): Promise<any | undefined> {
  const r = await cluster.request('GET', urlPath);
  if (r.status === 404) return undefined;
  if (r.status >= 400) throw new Error(`GET ${urlPath}: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

/** Sends a request; throws on a status >= 400. */
export async function send(cluster: Cluster, method: string, urlPath: string, body?: unknown, contentType?: string): Promise<any> {
  const r = await cluster.request(method, urlPath, body, contentType);
  if (r.status >= 400) throw new Error(`${method} ${urlPath}: ${r.status} ${r.body}`);
  return r.body ? JSON.parse(r.body) : undefined;
}

/** Path of a platform resource. */
export function platformPath(plural: string, namespace: string, name?: string): string {
  return `/apis/platform.ai.cdk8s.io/v1alpha1/namespaces/${namespace}/${plural}${name ? `/${name}` : ''}`;
}

/** A condition of an object's status. */
export function condition(obj: any, type: string): any | undefined {
  return (obj?.status?.conditions ?? []).find((c: any) => c.type === type);
}

/**
 * A TCP proxy in front of the API server, for cutting a controller off (its watches expire meanwhile) while the
 * API server stays up for everyone else.
 */
export class TcpProxy {
  public port = 0;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private paused = false;

  constructor(private readonly targetPort: number, private readonly targetHost = '127.0.0.1') {}

  public async listen(): Promise<number> {
    this.server = net.createServer((client) => {
      if (this.paused) {
        client.destroy();
        return;
      }
      const upstream = net.connect(this.targetPort, this.targetHost);
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop);
      upstream.on('error', drop);
      client.on('close', drop);
      upstream.on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Drops every connection and refuses new ones. */
  public pause(): void {
    this.paused = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  public resume(): void {
    this.paused = false;
  }

  public async close(): Promise<void> {
    this.pause();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A kubeconfig like the cluster's, pointing at `server`. */
export function kubeconfigVia(cluster: Cluster, server: string, file: string): string {
  const text = fs.readFileSync(cluster.kubeconfig, 'utf8').replace(/server: \S+/, `server: ${server}`);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** The command line of a cluster process (from /proc). */
export function processArgs(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
}

/** The etcd client URL of a cluster. */
export function etcdUrl(cluster: Cluster): string {
  const etcd = cluster.processes.find((p) => p.name === 'etcd');
  if (!etcd) throw new Error('no etcd process');
  const arg = processArgs(etcd.pid).find((a) => a.startsWith('--listen-client-urls='));
  return arg!.split('=')[1].split(',')[0];
}

/** Compacts etcd's history up to its current revision: every older resourceVersion is gone (watches get 410). */
export async function compactEtcd(cluster: Cluster): Promise<number> {
  const url = etcdUrl(cluster);
  const post = (p: string, body: unknown) => new Promise<any>((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(`${url}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`etcd ${p}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(data);
  });
  const range = await post('/v3/kv/range', { key: Buffer.from('/registry').toString('base64') });
  const revision = String(range.header.revision);
  await post('/v3/kv/compaction', { revision, physical: true });
  return Number(revision);
}

/** Kills the cluster's kube-apiserver and starts it again with the same flags; returns a function to stop the new one. */
export async function restartApiserver(cluster: Cluster, downMs = 0): Promise<() => Promise<void>> {
  const current = apiserverPid ?? cluster.processes.find((p) => p.name === 'kube-apiserver')!.pid;
  const args = processArgs(current);
  process.kill(current, 'SIGKILL');
  await waitFor('kube-apiserver to exit', () => {
    try {
      process.kill(current, 0);
      return false;
    } catch {
      return true;
    }
  }, 30_000, 50);
  if (downMs > 0) await sleep(downMs);
  const log = fs.openSync(path.join(cluster.workDir, 'kube-apiserver.restarted.log'), 'a');
  const child = spawn(args[0], args.slice(1), { stdio: ['ignore', log, log], detached: false });
  fs.closeSync(log);
  apiserverPid = child.pid!;
  restartedApiservers.add(child);
  child.once('exit', () => restartedApiservers.delete(child));
  await waitFor('kube-apiserver /readyz after the restart', async () => (await cluster.request('GET', '/readyz')).status === 200, 120_000, 250);
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  };
}

let apiserverPid: number | undefined;
const restartedApiservers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of restartedApiservers) c.kill('SIGKILL');
});
