#!/usr/bin/env node
/**
 * `cdk8s-ai-platform-controller`: the runtime controller of the platform kinds (see docs/controller.md).
 *
 *   cdk8s-ai-platform-controller [--namespaces a,b] [--kubeconfig FILE] [--concurrency N] [--metrics-port N]
 *                                [--leader-elect] [--resync-period SECONDS] ...
 *
 * Serves `/metrics`, `/healthz` and `/readyz` on the metrics port; logs one JSON object per line; SIGTERM stops it
 * gracefully (running reconciles finish, the leader lease is released); SIGHUP queues every resource (a resync).
 * @internal
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import { PlatformController } from './controller';
import { KubeClient } from './kube';
import { LeaderElector } from './leader';
import { Logger, LogLevel } from './log';
import { ControllerMetrics } from './metrics';
import { RenderFn } from './reconciler';
import { PLATFORM_API_GROUP, PLATFORM_API_VERSION, platformKinds, renderResource } from './render';
import { PlatformSpecContext } from './spec-references';
// The library's constructs, which the render requires lazily: loaded at start, so that the first reconciles do not
// wait for them.
import '../index';

/** Parsed command line. @internal */
export interface ControllerFlags {
  namespaces: string[];
  kubeconfig?: string;
  concurrency: number;
  metricsPort: number;
  bindAddress: string;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  resyncPeriodSeconds: number;
  kinds: string[];
  logLevel: LogLevel;
  identity: string;
  /** JSON file of the platform context (node pools, LocalQueues, priority classes that specs name) */
  platformContext?: string;
}

const USAGE = `usage: cdk8s-ai-platform-controller [flags]
  --namespaces a,b              namespaces to watch (default: all)
  --kubeconfig FILE             kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster)
  --concurrency N               resources reconciled at once (default 8)
  --metrics-port N              port of /metrics, /healthz and /readyz (default 8080; 0: any free port)
  --bind-address ADDR           address to serve on (default 0.0.0.0)
  --leader-elect                elect a leader through a Lease (run two replicas, one is active)
  --leader-election-namespace   namespace of the Lease (default: $POD_NAMESPACE or default)
  --leader-election-id NAME     name of the Lease (default cdk8s-ai-platform-controller)
  --lease-duration SECONDS      (default 15)  --renew-deadline SECONDS (default 10)  --retry-period SECONDS (default 2)
  --resync-period SECONDS       queue every resource again this often (default 600; 0: never)
  --kinds A,B                   platform kinds to reconcile (default: all)
  --platform-context FILE       JSON of the platform's node pools, LocalQueues and priority classes, which specs name
                                (written by PlatformController; default: none, so a spec naming one is invalid)
  --log-level debug|info|warn|error (default info)`;

/** Parses the command line; throws with the usage on an unknown or invalid flag. @internal */
export function parseFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): ControllerFlags {
  const flags: ControllerFlags = {
    namespaces: [],
    concurrency: 8,
    metricsPort: 8080,
    bindAddress: '0.0.0.0',
    leaderElect: false,
    leaderElectionNamespace: env.POD_NAMESPACE || 'default',
    leaderElectionId: 'cdk8s-ai-platform-controller',
    leaseDurationSeconds: 15,
    renewDeadlineSeconds: 10,
    retryPeriodSeconds: 2,
    resyncPeriodSeconds: 600,
    kinds: [],
    logLevel: 'info',
    identity: env.POD_NAME || `${os.hostname()}-${process.pid}`,
  };
  const number = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new Error(`${name}: expected a number >= ${min}, got ${v}\n${USAGE}`);
    return n;
  };
  const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s);
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => value ?? argv[++i];
    switch (arg) {
      case '--namespaces': flags.namespaces = list(next()); break;
      case '--kubeconfig': flags.kubeconfig = next(); break;
      case '--concurrency': flags.concurrency = Math.floor(number(arg, next(), 1)); break;
      case '--metrics-port': flags.metricsPort = Math.floor(number(arg, next(), 0)); break;
      case '--bind-address': flags.bindAddress = next() ?? ''; break;
      case '--leader-elect': flags.leaderElect = value === undefined ? true : value !== 'false'; break;
      case '--leader-election-namespace': flags.leaderElectionNamespace = next() ?? ''; break;
      case '--leader-election-id': flags.leaderElectionId = next() ?? ''; break;
      case '--lease-duration': flags.leaseDurationSeconds = number(arg, next(), 1); break;
      case '--renew-deadline': flags.renewDeadlineSeconds = number(arg, next(), 1); break;
      case '--retry-period': flags.retryPeriodSeconds = number(arg, next(), 0.1); break;
      case '--resync-period': flags.resyncPeriodSeconds = number(arg, next(), 0); break;
      case '--kinds': flags.kinds = list(next()); break;
      case '--platform-context': flags.platformContext = next(); break;
      case '--log-level': {
        const l = next();
        if (!['debug', 'info', 'warn', 'error'].includes(l ?? '')) throw new Error(`--log-level: ${l}\n${USAGE}`);
        flags.logLevel = l as LogLevel;
        break;
      }
      case '--identity': flags.identity = next() ?? flags.identity; break;
      case '--help': case '-h': throw new Error(USAGE);
      default: throw new Error(`unknown flag ${argv[i]}\n${USAGE}`);
    }
  }
  return flags;
}

/**
 * Reads the platform context file (`--platform-context`): what custom resources may name. Throws, naming the file,
 * when it cannot be read or is not a JSON object. @internal
 */
export function readPlatformContext(file: string): PlatformSpecContext {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`--platform-context: cannot read ${file}: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`--platform-context: ${file} must hold a JSON object (pools, queues, priorityClasses)`);
  }
  return parsed as PlatformSpecContext;
}

/**
 * Runs the controller until SIGTERM/SIGINT. `wrapRender` (tests) wraps the library's render.
 * @internal
 */
export async function runController(flags: ControllerFlags, wrapRender?: (render: RenderFn) => RenderFn): Promise<void> {
  const log = new Logger(flags.logLevel, { component: 'cdk8s-ai-platform-controller', identity: flags.identity });
  const metrics = new ControllerMetrics();
  const client = await KubeClient.load({ kubeconfig: flags.kubeconfig, maxSockets: Math.max(16, flags.concurrency * 4) });
  const known = platformKinds().map((k) => k.kind);
  const unknown = flags.kinds.filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`--kinds: unknown platform kind(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const context = flags.platformContext === undefined ? undefined : readPlatformContext(flags.platformContext);
  const render: RenderFn = (resource) => renderResource(resource, context);
  const controller = new PlatformController({
    client,
    render: wrapRender ? wrapRender(render) : render,
    apiVersion: `${PLATFORM_API_GROUP}/${PLATFORM_API_VERSION}`,
    kinds: flags.kinds.length > 0 ? flags.kinds : known,
    namespaces: flags.namespaces,
    concurrency: flags.concurrency,
    resyncPeriodMs: flags.resyncPeriodSeconds * 1000,
    log,
    metrics,
  });
  const elector = flags.leaderElect
    ? new LeaderElector(client, {
      namespace: flags.leaderElectionNamespace,
      name: flags.leaderElectionId,
      identity: flags.identity,
      leaseDurationMs: flags.leaseDurationSeconds * 1000,
      renewDeadlineMs: flags.renewDeadlineSeconds * 1000,
      retryPeriodMs: flags.retryPeriodSeconds * 1000,
    }, log)
    : undefined;
  let started = false;

  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const reply = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'Content-Type': type });
      res.end(body);
    };
    if (url === '/healthz' || url === '/livez') {
      reply(200, 'ok');
    } else if (url === '/readyz') {
      if (elector && !elector.leading) reply(200, 'ok (standby)');
      else if (started && controller.ready) reply(200, 'ok');
      else reply(503, 'informers not synced');
    } else if (url === '/metrics') {
      metrics.queueDepth.set(controller.queue.length);
      metrics.registry.metrics().then(
        (text) => reply(200, text, metrics.registry.contentType),
        (e) => reply(500, String(e)),
      );
    } else {
      reply(404, 'not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(flags.metricsPort, flags.bindAddress, () => resolve());
  });
  const address = server.address();
  log.info('serving metrics and probes', {
    address: typeof address === 'object' && address ? `${address.address}:${address.port}` : String(address),
  });

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info('shutting down', { signal });
    await controller.stop();
    await elector?.stop();
    metrics.leader.set(0);
    server.close();
    client.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => {
    log.info('resync requested (SIGHUP)');
    controller.resync();
  });

  if (elector) {
    log.info('waiting to become leader', { lease: `${flags.leaderElectionNamespace}/${flags.leaderElectionId}` });
    await elector.run(() => {
      metrics.leader.set(0);
      log.error('leadership lost; exiting so that a restart campaigns again');
      process.exit(1);
    });
    if (shuttingDown) return;
  }
  metrics.leader.set(1);
  await controller.start();
  started = true;
}

if (require.main === module) {
  // A closed stdout (e.g. piped into `head`) must not kill the controller.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  let flags: ControllerFlags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  runController(flags).catch((e) => {
    process.stdout.write(JSON.stringify({ ts: new Date().toISOString(), level: 'error', msg: 'controller failed', error: String(e?.stack ?? e) }) + '\n');
    process.exit(1);
  });
}
