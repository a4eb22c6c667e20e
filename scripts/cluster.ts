/**
 * Local Kubernetes control plane for development and tests.
 *
 *   npm run cluster -- build                 build etcd, kube-apiserver, kube-controller-manager, kubectl (cached)
 *   npm run cluster -- up [--controller-manager] [--port N]
 *                                            start a cluster in the background; prints the kubeconfig path
 *   npm run cluster -- status                show the running cluster
 *   npm run cluster -- kubectl get crds      run the built kubectl against the running cluster
 *   npm run cluster -- down                  stop it
 *
 * State (kubeconfig, pids) lives in the binary cache directory, outside the repository.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  assertBinaries,
  binDir,
  cacheDir,
  ClusterState,
  isClusterProcess,
  REPO_ROOT,
  startCluster,
  stopClusterState,
} from '../test/integration/cluster';

const stateDir = () => path.join(cacheDir(), 'cluster');
const stateFile = () => path.join(stateDir(), 'state.json');

function readState(): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

function running(state: ClusterState): boolean {
  return state.processes.length > 0 && state.processes.every((p) => isClusterProcess(p.pid, p.binary));
}

function usage(): never {
  console.error('usage: cluster build | up [--controller-manager] [--port N] | status | down | kubectl <args...>');
  process.exit(2);
}

function build(): number {
  const res = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'k8s-binaries.sh')], { stdio: 'inherit' });
  return res.status ?? 1;
}

async function up(args: string[]): Promise<number> {
  let controllerManager = false;
  let port: number | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--controller-manager') {
      controllerManager = true;
    } else if (args[i] === '--port') {
      port = Number(args[++i]);
      if (!Number.isInteger(port) || port <= 0 || port > 65535) {
        usage();
      }
    } else {
      usage();
    }
  }
  const existing = readState();
  if (existing && running(existing)) {
    console.log(`cluster already running at ${existing.server} (${existing.version})`);
    console.log(`kubeconfig: ${existing.kubeconfig}`);
    return 0;
  }
  if (existing) {
    // Leftovers of a cluster that died: clean them up.
    await stopClusterState(existing);
  }
  assertBinaries();
  fs.mkdirSync(stateDir(), { recursive: true });
  const cluster = await startCluster({
    detached: true,
    controllerManager,
    apiserverPort: port,
    kubeconfigPath: path.join(stateDir(), 'kubeconfig'),
    log: (m) => console.log(m),
  });
  const state: ClusterState = {
    kubeconfig: cluster.kubeconfig,
    server: cluster.server,
    token: cluster.token,
    version: cluster.version,
    workDir: cluster.workDir,
    binDir: cluster.binDir,
    startupMs: cluster.startupMs,
    processes: cluster.processes,
  };
  fs.writeFileSync(stateFile(), JSON.stringify(state, undefined, 2), { mode: 0o600 });
  console.log(`kube-apiserver ${cluster.version} ready at ${cluster.server} in ${cluster.startupMs} ms`);
  console.log(`kubeconfig: ${cluster.kubeconfig}`);
  console.log(`logs: ${path.join(cluster.workDir, 'logs')}`);
  console.log(`export KUBECONFIG=${cluster.kubeconfig}`);
  return 0;
}

function status(): number {
  const state = readState();
  if (!state || !running(state)) {
    console.log('no cluster running');
    return 1;
  }
  console.log(`running: ${state.server} (${state.version})`);
  console.log(`kubeconfig: ${state.kubeconfig}`);
  for (const p of state.processes) {
    console.log(`  ${p.name}: pid ${p.pid}`);
  }
  return 0;
}

async function down(): Promise<number> {
  const state = readState();
  if (!state) {
    console.log('no cluster state found; nothing to stop');
    return 0;
  }
  await stopClusterState(state);
  fs.rmSync(stateFile(), { force: true });
  fs.rmSync(state.kubeconfig, { force: true });
  console.log('cluster stopped');
  return 0;
}

function kubectl(args: string[]): number {
  const state = readState();
  if (!state || !running(state)) {
    console.error('no cluster running; start one with `npm run cluster -- up`');
    return 1;
  }
  const res = spawnSync(path.join(binDir(), 'kubectl'), ['--kubeconfig', state.kubeconfig, ...args], { stdio: 'inherit' });
  return res.status ?? 1;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'build':
      return build();
    case 'up':
      return up(rest);
    case 'status':
      return status();
    case 'down':
      return down();
    case 'kubectl':
      return kubectl(rest);
    default:
      return usage();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`cluster: ${e.message}`);
    process.exit(1);
  },
);
