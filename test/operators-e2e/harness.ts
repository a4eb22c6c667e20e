/**
 * Runs the pinned operators (built by `scripts/operator-binaries.sh`) as local processes against the test
 * kube-apiserver of `test/integration/cluster.ts`, the way their own e2e suites run them on kind clusters:
 *
 * - the platform's rendered install of each operator (the library's `src/operators` constructs: CRDs, RBAC,
 *   ConfigMaps, webhook configurations, Secrets) is applied first, with the webhooks pointed at the local process
 *   (`clientConfig.url: https://127.0.0.1:<port>/<path>`, `caBundle` of a CA generated here with openssl) and the
 *   controller Deployments left out (the controller runs here instead);
 * - each controller runs with a token of its own ServiceAccount, so the install's RBAC is what it gets;
 * - kube-controller-manager runs the controllers that turn the operators' children into pods (job, deployment,
 *   replicaset ...); there is no kubelet, so pods are created, admitted (Pod Security admission included) and stay
 *   Pending.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { IOperatorInstall } from '../../src';
import { KUBERNETES_VERSION, upstreamPin } from '../../src/core/versions';
import { binDir, Cluster, REPO_ROOT, runCommand, startCluster } from '../integration/cluster';

export { REPO_ROOT };

/** Root of the operator builds (`scripts/operator-binaries.sh`). */
export const OPERATORS_CACHE = process.env.AIP_OPERATORS_CACHE || path.join(os.homedir(), '.cache', 'cdk8s-ai-platform', 'operators');

/** The operator builds: name of the build → versions.ts pin id and binary. */
const BUILDS: Record<string, { pin: string; binary: string }> = {
  'training-operator': { pin: 'training-operator', binary: 'training-operator' },
  'kueue': { pin: 'kueue', binary: 'kueue' },
  'kserve': { pin: 'kserve', binary: 'kserve-manager' },
  'jobset': { pin: 'jobset', binary: 'jobset' },
  'trainer': { pin: 'trainer', binary: 'trainer-controller-manager' },
  'katib': { pin: 'katib', binary: 'katib-controller' },
  'argo-workflows': { pin: 'argo-workflows', binary: 'workflow-controller' },
  'spark-operator': { pin: 'spark-operator', binary: 'spark-operator' },
};

/** Path of an operator's built binary (it may not exist: see {@link operatorBuilt}). */
export function operatorBinary(build: string): string {
  const b = BUILDS[build];
  if (!b) throw new Error(`unknown operator build '${build}'`);
  const version = upstreamPin(b.pin).goModuleVersion.replace(/^v/, '');
  return path.join(OPERATORS_CACHE, `${build}-${version}`, 'bin', b.binary);
}

/** Whether the operator's binary has been built. */
export function operatorBuilt(build: string): boolean {
  try {
    fs.accessSync(operatorBinary(build), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Webhook certificates

/** A CA and a serving certificate for 127.0.0.1 and the operators' service names. */
export interface WebhookCerts {
  readonly dir: string;
  readonly caCrt: string;
  readonly caKey: string;
  readonly tlsCrt: string;
  readonly tlsKey: string;
}

/**
 * Service DNS names the serving certificate covers besides 127.0.0.1: operators that manage their certificate with
 * cert-controller keep a certificate already in their Secret only if it is valid for their service's name.
 */
const SERVICE_NAMES = [
  'training-operator.kubeflow.svc',
  'kueue-webhook-service.kueue-system.svc',
  'kserve-webhook-server-service.kserve.svc',
  'jobset-webhook-service.kubeflow-system.svc',
  'kubeflow-trainer-controller-manager.kubeflow-system.svc',
  'katib-controller.kubeflow.svc',
  'spark-operator-webhook-svc.spark-operator.svc',
];

/** cert-controller keeps a CA of an operator's Secret only if it is valid for the operator's CA name. */
const CA_NAMES = ['training-operator-ca', 'kueue-ca', 'jobset-ca', 'kubeflow-trainer-ca', 'katib-ca'];

/**
 * Generates (once per machine; cert-controller based operators write the certificate to a fixed path under /tmp,
 * so every run must use the same one) a CA and a serving certificate with openssl, valid for 10 years: cert-controller
 * replaces certificates that expire within 90 days.
 */
export async function webhookCerts(): Promise<WebhookCerts> {
  const dir = path.join(OPERATORS_CACHE, 'webhook-certs');
  const files = { caCrt: 'ca.crt', caKey: 'ca.key', tlsCrt: 'tls.crt', tlsKey: 'tls.key' };
  const read = (): WebhookCerts => ({
    dir,
    caCrt: fs.readFileSync(path.join(dir, files.caCrt), 'utf8'),
    caKey: fs.readFileSync(path.join(dir, files.caKey), 'utf8'),
    tlsCrt: fs.readFileSync(path.join(dir, files.tlsCrt), 'utf8'),
    tlsKey: fs.readFileSync(path.join(dir, files.tlsKey), 'utf8'),
  });
  const sansFile = path.join(dir, 'sans');
  // what the certificates were made for: regenerated when the names or the key format change
  const sans = ['IP:127.0.0.1', 'DNS:localhost', ...SERVICE_NAMES.flatMap(n => [`DNS:${n}`, `DNS:${n}.cluster.local`])].join(',');
  const stamp = `pkcs1 ${CA_NAMES.join(',')} ${sans}`;
  if (fs.existsSync(path.join(dir, files.tlsKey)) && fs.existsSync(sansFile) && fs.readFileSync(sansFile, 'utf8') === stamp) return read();
  const tmp = fs.mkdtempSync(path.join(OPERATORS_CACHE, '.certs-'));
  const openssl = async (args: string[]) => {
    const r = await runCommand('openssl', args, { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  };
  const p = (f: string) => path.join(tmp, f);
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '3650',
    '-subj', '/CN=ai-platform-operators-e2e-ca', '-addext', `subjectAltName=${CA_NAMES.map(n => `DNS:${n}`).join(',')}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('tls.key'), '-out', p('tls.csr'), '-subj', '/CN=127.0.0.1']);
  fs.writeFileSync(p('ext'), `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`);
  await openssl(['x509', '-req', '-in', p('tls.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('tls.crt'),
    '-days', '3650', '-extfile', p('ext')]);
  // cert-controller (Training Operator, Kueue, JobSet, Trainer) parses PKCS#1 keys only
  for (const key of ['ca.key', 'tls.key']) await openssl(['rsa', '-in', p(key), '-out', p(key), '-traditional']);
  fs.writeFileSync(p('sans'), stamp);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return read();
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

export type KObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** Free loopback ports (distinct). */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      servers.push(await new Promise<net.Server>((resolve, reject) => {
        const s = net.createServer();
        s.once('error', reject);
        s.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolve(s));
      }));
    }
    return servers.map(s => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map(s => new Promise<void>(resolve => s.close(() => resolve()))));
  }
}

/** The JSON of every object an install (and its chart) synthesizes, in order. */
export function installObjects(install: IOperatorInstall): KObject[] {
  return install.objects.map(o => o.toJson());
}

/** Synthesizes a chart's objects as JSON (what `cdk8s synth` writes). */
export function synthChart(chart: Chart): KObject[] {
  return chart.toJson();
}

/** A fresh app for building the test's platform. */
export function newApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'aip-op-e2e-')) });
}

/**
 * Points every webhook of the install objects that calls one of `services` at `https://127.0.0.1:<port>` (the
 * local process), with the test CA, and returns the objects to apply: the controller Deployments are left out.
 */
export function patchInstall(objects: KObject[], opts: {
  readonly services: Record<string, number>;
  readonly ca: string;
  readonly omit?: (o: KObject) => boolean;
}): KObject[] {
  const caBundle = Buffer.from(opts.ca).toString('base64');
  const point = (cc: any) => {
    if (!cc?.service) return cc;
    const port = opts.services[`${cc.service.namespace}/${cc.service.name}`];
    if (port === undefined) return cc;
    return { url: `https://127.0.0.1:${port}${cc.service.path ?? '/'}`, caBundle };
  };
  const out: KObject[] = [];
  for (const o of objects) {
    if (opts.omit?.(o)) continue;
    if (o.kind === 'Deployment' || o.kind === 'DaemonSet') continue;
    const c: KObject = JSON.parse(JSON.stringify(o));
    if (c.kind === 'ValidatingWebhookConfiguration' || c.kind === 'MutatingWebhookConfiguration') {
      for (const w of c.webhooks ?? []) w.clientConfig = point(w.clientConfig);
      // cert-manager's CA injector does not run here
      delete c.metadata.annotations?.['cert-manager.io/inject-ca-from'];
    }
    if (c.kind === 'CustomResourceDefinition' && c.spec?.conversion?.webhook?.clientConfig) {
      c.spec.conversion.webhook.clientConfig = point(c.spec.conversion.webhook.clientConfig);
      delete c.metadata.annotations?.['cert-manager.io/inject-ca-from'];
    }
    // cert-manager does not run here: its objects are left out
    if (c.apiVersion?.startsWith('cert-manager.io/')) continue;
    out.push(c);
  }
  return out;
}

/** Pods in `namespace`. */
export interface PodList { items: KObject[] }

/** A process the harness started. */
interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
}

/** Options of {@link Harness.start}. */
export interface HarnessOptions {
  /**
   * kube-controller-manager controllers besides the cluster's own (garbage collection, namespaces, service accounts):
   * e.g. `job`, `deployment`, `replicaset`.
   * @default ['job', 'deployment', 'replicaset']
   */
  readonly controllers?: string[];
  /** Progress messages. @default - silent */
  readonly log?: (msg: string) => void;
}

/** Options of {@link Harness.runOperator}. */
export interface RunOperatorOptions {
  /** Name of the build (`scripts/operator-binaries.sh`). */
  readonly build: string;
  /** Arguments. */
  readonly args: string[];
  /** The ServiceAccount the controller runs as (its token is passed in the kubeconfig). */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** Extra environment. */
  readonly env?: Record<string, string>;
  /** Working directory. @default - a fresh directory */
  readonly cwd?: string;
  /** Waits until this resolves true (e.g. the webhook port answers). */
  readonly ready?: () => Promise<boolean>;
  /** @default 180000 */
  readonly readyTimeoutMs?: number;
}

/**
 * A test API server with kube-controller-manager, and the operators started with {@link runOperator}.
 */
export class Harness {
  /** Starts etcd, kube-apiserver and kube-controller-manager (with the extra controllers). */
  public static async start(opts: HarnessOptions = {}): Promise<Harness> {
    const log = opts.log ?? (() => undefined);
    const cluster = await startCluster({ controllerManager: true, log });
    const h = new Harness(cluster, log);
    try {
      const controllers = opts.controllers ?? ['job', 'deployment', 'replicaset'];
      if (controllers.length > 0) {
        await h.spawn('kube-controller-manager-workloads', path.join(cluster.binDir, 'kube-controller-manager'), [
          `--kubeconfig=${cluster.kubeconfig}`,
          `--controllers=${controllers.join(',')}`,
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          '--concurrent-job-syncs=5',
        ], {});
      }
      h.certs = await webhookCerts();
    } catch (e) {
      await h.stop();
      throw e;
    }
    return h;
  }

  public certs!: WebhookCerts;
  private readonly procs: Proc[] = [];
  private readonly workDir: string;
  private stopped = false;
  private readonly killAll: () => void;
  private readonly pidFile: string;
  private readonly watchdogPid?: number;

  private constructor(public readonly cluster: Cluster, private readonly log: (msg: string) => void) {
    this.workDir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'aip-operators-'));
    this.killAll = () => {
      for (const p of this.procs) {
        if (p.child.exitCode === null && p.child.signalCode === null) {
          try {
            p.child.kill('SIGKILL');
          } catch {
            // gone
          }
        }
      }
    };
    process.on('exit', this.killAll);
    // if this process dies without exit handlers (a killed jest worker), a detached watchdog kills what it started
    this.pidFile = path.join(this.workDir, 'pids.json');
    fs.writeFileSync(this.pidFile, '[]');
    const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), this.pidFile], { detached: true, stdio: 'ignore' });
    watchdog.unref();
    this.watchdogPid = watchdog.pid;
  }

  /** kubectl of the test cluster; throws on a non-zero exit code. */
  public async kubectl(args: string[], input?: string): Promise<string> {
    const r = await this.cluster.kubectl(args, { input, timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  }

  /**
   * Applies objects with server-side apply: Namespaces and CRDs first (waiting until the CRDs are established),
   * then the rest.
   */
  public async apply(objects: KObject[]): Promise<void> {
    const first = objects.filter(o => o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition');
    const rest = objects.filter(o => !first.includes(o));
    if (first.length > 0) {
      await this.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=operators-e2e', '-f', '-'], toList(first));
      // (not `kubectl wait`: it fails on a CRD whose status has no conditions yet)
      for (const crd of first.filter(o => o.kind === 'CustomResourceDefinition')) {
        await this.waitFor(`CRD ${crd.metadata.name} to be established`, async () => {
          const live = await this.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
          return live?.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True');
        }, 60_000);
      }
    }
    if (rest.length > 0) await this.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=operators-e2e', '-f', '-'], toList(rest));
  }

  /** Applies objects and returns kubectl's output and exit code (for objects that may be refused). */
  public async tryApply(objects: KObject[]): Promise<{ code: number; output: string }> {
    const r = await this.cluster.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=operators-e2e', '-f', '-'],
      { input: toList(objects), timeoutMs: 120_000 });
    return { code: r.code, output: `${r.stdout}${r.stderr}` };
  }

  /** GET of an API path as JSON; undefined on 404. */
  public async get(urlPath: string): Promise<any> {
    const r = await this.cluster.request('GET', urlPath);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new Error(`GET ${urlPath}: ${r.status} ${r.body.slice(0, 500)}`);
    return JSON.parse(r.body);
  }

  /** Items of a list API path. */
  public async list(urlPath: string): Promise<any[]> {
    return (await this.get(urlPath))?.items ?? [];
  }

  /** Polls `probe` until it returns a value other than undefined/false; the error names `what` and the operator logs. */
  public async waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const v = await probe();
        if (v !== undefined && v !== false) return v;
      } catch (e) {
        last = (e as Error).message;
      }
      for (const p of this.procs) {
        if (p.child.exitCode !== null || p.child.signalCode !== null) {
          throw new Error(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}) while waiting for ${what}:\n${tail(p.logFile)}`);
        }
      }
      await sleep(500);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}\n${this.logs()}`);
  }

  /** The last lines of every process log. */
  public logs(lines = 30): string {
    return this.procs.map(p => `--- ${p.name} (${p.logFile}) ---\n${tail(p.logFile, lines)}`).join('\n');
  }

  /** The full log of a process the harness started. */
  public logOf(name: string): string {
    const p = this.procs.find(x => x.name === name);
    return p ? fs.readFileSync(p.logFile, 'utf8') : '';
  }

  /** A kubeconfig for a ServiceAccount's token (so the controller gets exactly the install's RBAC). */
  public async serviceAccountKubeconfig(namespace: string, name: string): Promise<string> {
    const token = (await this.kubectl(['create', 'token', name, '-n', namespace, '--duration=6h'])).trim();
    const file = path.join(this.workDir, `kubeconfig-${namespace}-${name}`);
    fs.writeFileSync(file, [
      'apiVersion: v1', 'kind: Config',
      'clusters:', '- name: test', '  cluster:', `    server: ${this.cluster.server}`, '    insecure-skip-tls-verify: true',
      'users:', `- name: ${name}`, '  user:', `    token: ${token}`,
      'contexts:', '- name: test', '  context:', '    cluster: test', `    user: ${name}`, `    namespace: ${namespace}`,
      'current-context: test', '',
    ].join('\n'), { mode: 0o600 });
    return file;
  }

  /** Starts an operator's controller as its ServiceAccount and waits until it is ready. */
  public async runOperator(opts: RunOperatorOptions): Promise<void> {
    const binary = operatorBinary(opts.build);
    if (!operatorBuilt(opts.build)) {
      throw new Error(`${binary} is missing: build it with \`bash scripts/operator-binaries.sh ${opts.build}\` (npm test runs operators:build)`);
    }
    const kubeconfig = await this.serviceAccountKubeconfig(opts.serviceAccount.namespace, opts.serviceAccount.name);
    const cwd = opts.cwd ?? fs.mkdtempSync(path.join(this.workDir, `${opts.build}-`));
    const p = await this.spawn(opts.build, binary, opts.args, {
      KUBECONFIG: kubeconfig,
      POD_NAMESPACE: opts.serviceAccount.namespace,
      ...opts.env,
    }, cwd);
    if (opts.ready) {
      const ready = opts.ready;
      await this.waitFor(`${opts.build} to be ready`, async () => {
        if (p.child.exitCode !== null) throw new Error(`${opts.build} exited:\n${tail(p.logFile)}`);
        return ready();
      }, opts.readyTimeoutMs ?? 180_000);
    }
  }

  /** Stops every process the harness started (the operators, then the cluster). Idempotent. */
  public async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const p of [...this.procs].reverse()) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGTERM');
        for (let i = 0; i < 50 && p.child.exitCode === null && p.child.signalCode === null; i++) await sleep(100);
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      }
    }
    process.removeListener('exit', this.killAll);
    if (this.watchdogPid !== undefined) {
      try {
        process.kill(this.watchdogPid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await this.cluster.stop();
    if (!process.env.AIP_KEEP_OPERATOR_LOGS) fs.rmSync(this.workDir, { recursive: true, force: true });
    else this.log(`operator logs kept in ${this.workDir}`);
  }

  private async spawn(name: string, binary: string, args: string[], env: Record<string, string>, cwd?: string): Promise<Proc> {
    const logFile = path.join(this.workDir, `${name}.log`);
    const fd = fs.openSync(logFile, 'a');
    const tmp = cwd ?? this.workDir;
    try {
      const child = spawn(binary, args, {
        stdio: ['ignore', fd, fd],
        cwd: tmp,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, ...env },
      });
      if (child.pid === undefined) throw new Error(`failed to start ${binary}`);
      const p = { name, child, logFile };
      this.procs.push(p);
      fs.writeFileSync(this.pidFile, JSON.stringify(this.procs.map(x => x.child.pid)));
      this.log(`started ${name} (pid ${child.pid}), log ${logFile}`);
      return p;
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Kills the pids of a file when the parent process is gone (run with `node -e`: parent pid, pid file). */
const WATCHDOG = `
const fs = require('fs');
const [parent, pidFile] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
setInterval(() => {
  if (alive(Number(parent))) return;
  let pids = [];
  try { pids = JSON.parse(fs.readFileSync(pidFile, 'utf8')); } catch (e) {}
  for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch (e) {} }
  process.exit(0);
}, 1000);
`;

function toList(objects: KObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.setTimeout(2000, () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** The binaries the cluster needs (for a skip message). */
export function clusterBinDir(): string {
  return binDir();
}

// ---------------------------------------------------------------------------------------------------------------
// The controller as the install runs it

/** The command line of a controller container as the install declares it, for running it locally. */
export interface ControllerCommand {
  /** The container's args, with every path under a mounted ConfigMap or Secret moved to the local copy. */
  readonly args: string[];
  /** Literal env values, and the downward API's namespace and pod name. */
  readonly env: Record<string, string>;
  /** Mount path in the pod → local directory holding the ConfigMap's or Secret's files. */
  readonly mounts: Record<string, string>;
}

/**
 * Reads the container `container` of the install's Deployment `deployment`: its args and env, and materializes the
 * ConfigMaps and Secrets it mounts (from the install's own objects) under `dir`, so the local process reads the
 * same configuration files the pod would.
 */
export function controllerCommand(objects: KObject[], deployment: string, container: string, dir: string): ControllerCommand {
  const d = objects.find(o => o.kind === 'Deployment' && o.metadata.name === deployment);
  if (!d) throw new Error(`the install has no Deployment '${deployment}'`);
  const pod = d.spec.template.spec;
  const c = (pod.containers ?? []).find((x: any) => x.name === container);
  if (!c) throw new Error(`Deployment '${deployment}' has no container '${container}'`);
  const ns: string = d.metadata.namespace ?? 'default';
  const mounts: Record<string, string> = {};
  for (const m of c.volumeMounts ?? []) {
    const v = (pod.volumes ?? []).find((x: any) => x.name === m.name);
    const local = path.join(dir, 'mounts', m.name);
    let data: Record<string, string> | undefined;
    if (v?.configMap) {
      const cm = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === v.configMap.name && o.metadata.namespace === ns);
      data = cm?.data ?? {};
    } else if (v?.secret) {
      const s = objects.find(o => o.kind === 'Secret' && o.metadata.name === v.secret.secretName && o.metadata.namespace === ns);
      data = Object.fromEntries(Object.entries<string>(s?.data ?? {}).map(([k, x]) => [k, Buffer.from(x, 'base64').toString('utf8')]));
      Object.assign(data, s?.stringData ?? {});
    }
    if (!data) continue;
    fs.mkdirSync(local, { recursive: true });
    for (const [k, x] of Object.entries(data)) fs.writeFileSync(path.join(local, k), x);
    mounts[m.mountPath] = m.subPath ? path.join(local, m.subPath) : local;
  }
  const relocatePath = (a: string) => {
    for (const [mp, local] of Object.entries(mounts)) {
      const i = a.indexOf(mp);
      if (i >= 0 && (a.length === i + mp.length || a[i + mp.length] === '/')) return a.slice(0, i) + local + a.slice(i + mp.length);
    }
    return a;
  };
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = relocatePath(String(e.value));
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = ns;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = `${deployment}-local`;
  }
  return { args: (c.args ?? []).map(relocatePath), env, mounts };
}

/**
 * Replaces or adds `--name=value` flags in an argument list (flags given as `--name value` pairs are not used by
 * the installs).
 */
export function setFlags(args: string[], flags: Record<string, string | undefined>): string[] {
  const out = args.filter(a => {
    const m = /^--?([^=]+)(=.*)?$/.exec(a);
    return !m || !(m[1] in flags);
  });
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) out.push(`--${k}=${v}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Pod Security

/** A pod and how Pod Security admission judges it. */
export interface PodVerdict {
  readonly name: string;
  /** `ok` or the API server's refusal (which containers break which rule). */
  readonly restricted: string;
  readonly baseline: string;
}

/** Labels enforcing `level` at the pinned Kubernetes minor, as the platform's namespaces do. */
function podSecurityLabelsOf(level: string): Record<string, string> {
  const minor = `v${KUBERNETES_VERSION.split('.').slice(0, 2).join('.')}`;
  return { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': minor };
}

const PSS_NAMESPACES: Record<string, string> = { restricted: 'e2e-pss-restricted', baseline: 'e2e-pss-baseline' };

/**
 * Dry-runs each pod (as the operator created it) in namespaces that enforce `restricted` and `baseline`: the API
 * server's PodSecurity admission says which level each pod meets.
 */
export async function podSecurityVerdicts(h: Harness, pods: KObject[]): Promise<PodVerdict[]> {
  for (const [level, ns] of Object.entries(PSS_NAMESPACES)) {
    await h.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: podSecurityLabelsOf(level) } }]);
  }
  const judge = async (pod: KObject, ns: string) => {
    const spec = JSON.parse(JSON.stringify(pod.spec));
    delete spec.nodeName;
    // the ServiceAccount admission plugin needs the account to exist in the scratch namespace; it is not a Pod Security matter
    delete spec.serviceAccountName;
    delete spec.serviceAccount;
    spec.volumes = (spec.volumes ?? []).filter((v: any) => !v.projected?.sources?.some((s: any) => s.serviceAccountToken));
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      c.volumeMounts = (c.volumeMounts ?? []).filter((m: any) => spec.volumes.some((v: any) => v.name === m.name));
    }
    const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata.name, namespace: ns, labels: pod.metadata.labels }, spec };
    const r = await h.cluster.request('POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, body);
    if (r.status === 201 || r.status === 200) return 'ok';
    const msg = JSON.parse(r.body).message as string;
    return msg.replace(/^pods "[^"]*" is forbidden: /, '');
  };
  const out: PodVerdict[] = [];
  for (const pod of pods) {
    out.push({
      name: pod.metadata.name,
      restricted: await judge(pod, PSS_NAMESPACES.restricted),
      baseline: await judge(pod, PSS_NAMESPACES.baseline),
    });
  }
  return out;
}

/** Events of a namespace whose message says Pod Security admission refused a pod. */
export async function podSecurityRefusals(h: Harness, namespace: string): Promise<string[]> {
  const events = await h.list(`/api/v1/namespaces/${namespace}/events`);
  return events.filter(e => /violates PodSecurity/.test(e.message ?? '')).map(e => `${e.involvedObject?.kind} ${e.involvedObject?.name}: ${e.message}`);
}

/** Loads an example's module (its own synth at the bottom writes into a scratch directory) and returns its exports. */
export function loadExample(name: string): any {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `aip-op-e2e-example-${name}-`));
  const before = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(REPO_ROOT, 'examples', name, 'main.ts'));
  } finally {
    if (before === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = before;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
