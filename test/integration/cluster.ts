/**
 * A real Kubernetes control plane for tests: etcd + kube-apiserver (+ optionally kube-controller-manager),
 * built from the Go module proxy by `scripts/k8s-binaries.sh`.
 *
 * Plain module (no jest imports) so it is usable from jest suites and from the `cluster` CLI
 * (`scripts/cluster.ts`). Talks to the API server with the built `kubectl` or with Node's https module.
 */
import { ChildProcess, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** Repository root (this file lives in test/integration/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The binaries `scripts/k8s-binaries.sh` produces. */
export const BINARIES = ['kube-apiserver', 'kube-controller-manager', 'kubectl', 'etcd'] as const;

const HOST = '127.0.0.1';

export interface PinnedVersions {
  /** e.g. `1.34.4` */
  readonly kubernetes: string;
  /** e.g. `3.6.4` */
  readonly etcd: string;
}

/**
 * Reads the pinned Kubernetes and etcd versions from `src/core/versions.ts`, the single source of truth
 * shared with `scripts/k8s-binaries.sh` (which parses the same lines with sed).
 */
export function pinnedVersions(root: string = REPO_ROOT): PinnedVersions {
  const file = path.join(root, 'src', 'core', 'versions.ts');
  if (!fs.existsSync(file)) {
    throw new Error(`version file not found: ${file}`);
  }
  const text = fs.readFileSync(file, 'utf8');
  const read = (name: string): string => {
    const m = new RegExp(`^export const ${name} = '([0-9][0-9.]*)';\\s*$`, 'm').exec(text);
    if (!m) {
      throw new Error(`cannot read "export const ${name} = '<x.y.z>';" from ${file}`);
    }
    return m[1];
  };
  return { kubernetes: read('KUBERNETES_VERSION'), etcd: read('ETCD_VERSION') };
}

/** `${AIP_K8S_CACHE:-~/.cache/cdk8s-ai-platform/k8s}/v<kubernetes>` */
export function cacheDir(versions: PinnedVersions = pinnedVersions()): string {
  const base = process.env.AIP_K8S_CACHE || path.join(os.homedir(), '.cache', 'cdk8s-ai-platform', 'k8s');
  return path.join(base, `v${versions.kubernetes}`);
}

/** Directory holding the built binaries. */
export function binDir(versions: PinnedVersions = pinnedVersions()): string {
  return path.join(cacheDir(versions), 'bin');
}

/** Names of binaries missing from `dir`. */
export function missingBinaries(dir: string = binDir()): string[] {
  return BINARIES.filter((b) => {
    try {
      fs.accessSync(path.join(dir, b), fs.constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** Throws an explanatory error if any binary is missing. */
export function assertBinaries(dir: string = binDir()): void {
  const missing = missingBinaries(dir);
  if (missing.length > 0) {
    throw new Error(
      `Kubernetes test binaries missing in ${dir}: ${missing.join(', ')}.\n`
      + 'Build them with `npm run cluster -- build` (runs scripts/k8s-binaries.sh; needs Go >= 1.24 and access to the '
      + 'Go module proxy; a cold build takes about 10 minutes). `npm test` does this automatically.',
    );
  }
}

export interface StartClusterOptions {
  /** Directory with the binaries. Default: {@link binDir}. */
  readonly binDir?: string;
  /** Working directory (etcd data, certificates, logs). Default: a fresh directory on tmpfs (/dev/shm). */
  readonly workDir?: string;
  /** Where to write the kubeconfig. Default: `<workDir>/kubeconfig`. */
  readonly kubeconfigPath?: string;
  /** Fixed ports (default: free loopback ports). A busy fixed port is an error. */
  readonly apiserverPort?: number;
  readonly etcdPort?: number;
  readonly etcdPeerPort?: number;
  /**
   * Also run kube-controller-manager (garbage collection, namespace deletion, service accounts and their tokens).
   * Without it the ServiceAccount admission plugin is disabled, since no default ServiceAccount would ever appear.
   * @default false
   */
  readonly controllerManager?: boolean;
  /** How long to wait for `/readyz`. @default 120000 */
  readonly readyTimeoutMs?: number;
  /**
   * Leave the processes running when this Node process exits (used by `cluster up`). No exit handlers or
   * watchdog are installed; stop the cluster later with {@link stopClusterState}.
   * @default false
   */
  readonly detached?: boolean;
  /** Extra kube-apiserver flags, e.g. `['--feature-gates=Foo=true']`. */
  readonly extraApiserverArgs?: string[];
  /** Progress messages. Default: silent. */
  readonly log?: (msg: string) => void;
}

/** Serializable description of a running cluster (written to disk by `cluster up`). */
export interface ClusterState {
  readonly kubeconfig: string;
  readonly server: string;
  readonly token: string;
  readonly version: string;
  readonly workDir: string;
  readonly binDir: string;
  readonly startupMs: number;
  /** Processes to stop, in stop order. */
  readonly processes: ReadonlyArray<{ readonly name: string; readonly pid: number; readonly binary: string }>;
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (use with `-f -`). */
  readonly input?: string;
  /** @default 120000 */
  readonly timeoutMs?: number;
}

export interface Cluster extends ClusterState {
  /** Runs the built kubectl against this cluster. Never throws for a non-zero exit code; check `code`. */
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** Raw HTTPS request to the API server as the admin user. */
  request(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<HttpResult>;
  /** Stops every process this cluster started and removes its working directory. Idempotent. */
  stop(): Promise<void>;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Process bookkeeping: everything started in non-detached mode is killed when this process exits.

const liveKillers = new Set<() => void>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) {
    return;
  }
  handlersInstalled = true;
  const killAll = () => {
    for (const kill of [...liveKillers]) {
      kill();
    }
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      // Nobody else handles the signal: restore the default behaviour (terminate with that signal).
      if (process.listenerCount(sig) === 0) {
        process.kill(process.pid, sig);
      }
    });
  }
}

/**
 * A detached watchdog that kills the cluster's processes and deletes its working directory if this Node process
 * dies without running its exit handlers (e.g. SIGKILL of a jest worker). It reads the pids from a file that is
 * updated after every spawn.
 */
const WATCHDOG_SOURCE = `
const fs = require('fs');
const [parent, pidFile, workDir] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
setInterval(() => {
  if (alive(Number(parent))) return;
  let pids = [];
  try { pids = JSON.parse(fs.readFileSync(pidFile, 'utf8')); } catch (e) {}
  for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch (e) {} }
  setTimeout(() => { try { fs.rmSync(workDir, { recursive: true, force: true }); } catch (e) {} process.exit(0); }, 500);
}, 1000);
`;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True if `pid` is alive and (where /proc exists) still runs `binary`, so a recycled pid is never killed. */
export function isClusterProcess(pid: number, binary: string): boolean {
  if (!processAlive(pid)) {
    return false;
  }
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0')[0] === binary;
  } catch {
    return !fs.existsSync('/proc/self');
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function terminate(pid: number, binary: string, graceMs: number): Promise<void> {
  if (!isClusterProcess(pid, binary)) {
    return;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isClusterProcess(pid, binary)) {
      return;
    }
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  for (let i = 0; i < 50 && isClusterProcess(pid, binary); i++) {
    await sleep(100);
  }
}

/** Stops the processes of a cluster described by `state` and removes its working directory. */
export async function stopClusterState(state: ClusterState): Promise<void> {
  for (const p of state.processes) {
    await terminate(p.pid, p.binary, 10_000);
  }
  fs.rmSync(state.workDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------------
// Ports

async function listenOnce(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: HOST, port, exclusive: true }, () => resolve(server));
  });
}

/**
 * Resolves the requested ports: fixed ones must be free (otherwise a "port in use" error), the rest are picked
 * from the kernel's free ephemeral ports. All are held open until every port is chosen, so they are distinct.
 */
async function reservePorts(requested: Record<string, number | undefined>): Promise<Record<string, number>> {
  const held: net.Server[] = [];
  const result: Record<string, number> = {};
  try {
    for (const [name, port] of Object.entries(requested)) {
      let server: net.Server;
      try {
        server = await listenOnce(port ?? 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new Error(`port in use: ${HOST}:${port} (requested for ${name})`);
        }
        throw e;
      }
      held.push(server);
      result[name] = (server.address() as net.AddressInfo).port;
    }
  } finally {
    await Promise.all(held.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP helpers

function httpRequest(
  url: string,
  opts: { method?: string; token?: string; body?: string; contentType?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.token) {
      headers.Authorization = `Bearer ${opts.token}`;
    }
    if (opts.body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(opts.body));
    }
    const req = mod.request(
      u,
      {
        method: opts.method ?? 'GET',
        headers,
        // Loopback only; kube-apiserver serves a self-signed certificate it generated at start-up.
        rejectUnauthorized: false,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${opts.method ?? 'GET'} ${url}`)));
    req.on('error', reject);
    if (opts.body !== undefined) {
      req.write(opts.body);
    }
    req.end();
  });
}

function tail(file: string, lines = 40): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

/** Runs a binary, collecting output. Never rejects for a non-zero exit code. */
export function runCommand(
  binary: string,
  args: string[],
  opts: KubectlOptions & { env?: NodeJS.ProcessEnv } = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8') + (signal ? `\n(killed by ${signal})` : '');
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
    child.stdin.on('error', () => undefined); // kubectl may exit before reading all input
    child.stdin.end(opts.input ?? '');
  });
}

/** Kubeconfig for the admin token. */
export function kubeconfigYaml(server: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: ai-platform-test',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: ai-platform-test',
    '  context:',
    '    cluster: ai-platform-test',
    '    user: admin',
    'current-context: ai-platform-test',
    '',
  ].join('\n');
}

function defaultWorkDir(): string {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  return fs.mkdtempSync(path.join(base, 'aip-k8s-'));
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Starts etcd and kube-apiserver (and optionally kube-controller-manager) on loopback, waits until the API server
 * is ready, and writes a kubeconfig for an admin user (static token, group `system:masters`).
 */
export async function startCluster(opts: StartClusterOptions = {}): Promise<Cluster> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const bin = opts.binDir ?? binDir();
  assertBinaries(bin);

  const ports = await reservePorts({
    'kube-apiserver': opts.apiserverPort,
    'etcd client': opts.etcdPort,
    'etcd peer': opts.etcdPeerPort,
  });
  const apiPort = ports['kube-apiserver'];
  const etcdPort = ports['etcd client'];
  const peerPort = ports['etcd peer'];

  const workDir = opts.workDir ?? defaultWorkDir();
  fs.mkdirSync(workDir, { recursive: true });
  const logDir = path.join(workDir, 'logs');
  const certDir = path.join(workDir, 'certs');
  fs.mkdirSync(logDir, { recursive: true });
  fs.mkdirSync(certDir, { recursive: true, mode: 0o700 });

  const server = `https://${HOST}:${apiPort}`;
  const token = crypto.randomBytes(24).toString('hex');
  const kubeconfig = opts.kubeconfigPath ?? path.join(workDir, 'kubeconfig');
  fs.mkdirSync(path.dirname(kubeconfig), { recursive: true });
  fs.writeFileSync(kubeconfig, kubeconfigYaml(server, token), { mode: 0o600 });

  const tokenFile = path.join(certDir, 'tokens.csv');
  fs.writeFileSync(tokenFile, `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const saPub = path.join(certDir, 'sa.pub');
  const saKey = path.join(certDir, 'sa.key');
  fs.writeFileSync(saPub, publicKey);
  fs.writeFileSync(saKey, privateKey, { mode: 0o600 });

  const processes: Array<{ name: string; pid: number; binary: string; child: ChildProcess; logFile: string }> = [];
  const pidFile = path.join(workDir, 'pids.json');
  const writePids = () => fs.writeFileSync(pidFile, JSON.stringify(processes.map((p) => p.pid)));
  let watchdog: ChildProcess | undefined;
  let stopped = false;

  const killNow = () => {
    for (const p of [...processes].reverse()) {
      if (isClusterProcess(p.pid, p.binary)) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    if (watchdog?.pid !== undefined) {
      try {
        process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    try {
      fs.rmSync(workDir, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  };

  if (!opts.detached) {
    installExitHandlers();
    liveKillers.add(killNow);
    writePids();
    watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(process.pid), pidFile, workDir], {
      detached: true,
      stdio: 'ignore',
    });
    watchdog.unref();
  }

  const launch = (name: string, args: string[]) => {
    const binary = path.join(bin, name);
    const logFile = path.join(logDir, `${name}.log`);
    const fd = fs.openSync(logFile, 'a');
    try {
      const child = spawn(binary, args, {
        stdio: ['ignore', fd, fd],
        // Detached processes get their own session so they outlive the CLI; attached ones stay in our process
        // group so a terminal Ctrl-C reaches them too.
        detached: !!opts.detached,
        cwd: workDir,
      });
      if (child.pid === undefined) {
        throw new Error(`failed to start ${binary}`);
      }
      if (opts.detached) {
        child.unref();
      }
      processes.push({ name, pid: child.pid, binary, child, logFile });
      if (!opts.detached) {
        writePids();
      }
      log(`started ${name} (pid ${child.pid}), log ${logFile}`);
      return processes[processes.length - 1];
    } finally {
      fs.closeSync(fd);
    }
  };

  const exited = (p: { child: ChildProcess }) => p.child.exitCode !== null || p.child.signalCode !== null;

  const state = (version: string): ClusterState => ({
    kubeconfig,
    server,
    token,
    version,
    workDir,
    binDir: bin,
    startupMs: Date.now() - started,
    // Stop order: controllers, then the API server, then its storage.
    processes: [...processes].reverse().map((p) => ({ name: p.name, pid: p.pid, binary: p.binary })),
  });

  const stop = async () => {
    if (stopped) {
      return;
    }
    stopped = true;
    liveKillers.delete(killNow);
    await stopClusterState(state(''));
    if (watchdog?.pid !== undefined && processAlive(watchdog.pid)) {
      try {
        process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  };

  try {
    // --- etcd ---
    const etcdUrl = `http://${HOST}:${etcdPort}`;
    const peerUrl = `http://${HOST}:${peerPort}`;
    const etcd = launch('etcd', [
      '--name=ai-platform-test',
      `--data-dir=${path.join(workDir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=ai-platform-test=${peerUrl}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ]);
    await waitFor('etcd', 30_000, etcd, exited, async () => {
      const res = await httpRequest(`${etcdUrl}/health`, { timeoutMs: 2_000 });
      return res.status === 200 && /"health":\s*"true"/.test(res.body);
    });

    // --- kube-apiserver ---
    const apiserver = launch('kube-apiserver', [
      `--etcd-servers=${etcdUrl}`,
      `--bind-address=${HOST}`,
      `--advertise-address=${HOST}`,
      `--secure-port=${apiPort}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
      `--service-account-issuer=${server}`,
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--allow-privileged=true',
      // A loopback advertise address is not a valid Endpoints address; nothing needs the `kubernetes` Service endpoints.
      '--endpoint-reconciler-type=none',
      ...(opts.controllerManager ? [] : ['--disable-admission-plugins=ServiceAccount']),
      ...(opts.extraApiserverArgs ?? []),
    ]);
    await waitFor('kube-apiserver /readyz', opts.readyTimeoutMs ?? 120_000, apiserver, exited, async () => {
      const res = await httpRequest(`${server}/readyz`, { token, timeoutMs: 5_000 });
      return res.status === 200;
    });

    // --- kube-controller-manager (optional) ---
    if (opts.controllerManager) {
      const kcm = launch('kube-controller-manager', [
        `--kubeconfig=${kubeconfig}`,
        '--controllers=garbagecollector,namespace,serviceaccount,serviceaccount-token',
        `--service-account-private-key-file=${saKey}`,
        '--leader-elect=false',
        `--bind-address=${HOST}`,
        '--secure-port=0',
      ]);
      await waitFor('kube-controller-manager (default ServiceAccount)', 60_000, kcm, exited, async () => {
        const res = await httpRequest(`${server}/api/v1/namespaces/default/serviceaccounts/default`, { token, timeoutMs: 5_000 });
        return res.status === 200;
      });
    }

    const versionRes = await httpRequest(`${server}/version`, { token });
    const version = String(JSON.parse(versionRes.body).gitVersion);
    const st = state(version);
    log(`cluster ready at ${server} (${version}) in ${st.startupMs} ms`);
    return {
      ...st,
      kubectl: (args, kopts) => runCommand(path.join(bin, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], kopts),
      request: (method, urlPath, body, contentType) =>
        httpRequest(`${server}${urlPath}`, {
          method,
          token,
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
          contentType,
        }),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Polls `probe` until it returns true; fails early (with the log tail) if the process exits. */
async function waitFor<P extends { name: string; logFile: string }>(
  what: string,
  timeoutMs: number,
  proc: P,
  exited: (p: P) => boolean,
  probe: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (exited(proc)) {
      throw new Error(`${proc.name} exited before ${what} was ready. Last lines of ${proc.logFile}:\n${tail(proc.logFile)}`);
    }
    try {
      if (await probe()) {
        return;
      }
      lastError = '';
    } catch (e) {
      lastError = (e as Error).message;
    }
    await sleep(200);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}. `
    + `Last lines of ${proc.logFile}:\n${tail(proc.logFile)}`,
  );
}
