/**
 * The controller: informers on every platform kind and on the child kinds it applies, a rate-limited work queue,
 * workers running the reconciler, periodic resync, Kubernetes Events and metrics.
 * @internal
 */
import * as os from 'os';
import { EventRecorder } from './events';
import { Informer } from './informer';
import { KObject, KubeClient } from './kube';
import { Logger } from './log';
import { ControllerMetrics } from './metrics';
import { WorkQueue } from './queue';
import { childKey, FIELD_MANAGER, queueKey, Reconciler, RenderFn } from './reconciler';

/** @internal */
export interface PlatformControllerOptions {
  readonly client: KubeClient;
  readonly render: RenderFn;
  /** API group and version of the platform kinds. */
  readonly apiVersion: string;
  /** Platform kinds to watch. */
  readonly kinds: string[];
  /** Namespaces to watch (empty: all). */
  readonly namespaces: string[];
  /** Workers (keys reconciled at once). @default 8 */
  readonly concurrency?: number;
  /** Every resource is queued again this often. @default 600000 */
  readonly resyncPeriodMs?: number;
  readonly log: Logger;
  readonly metrics: ControllerMetrics;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** @internal */
export class PlatformController {
  public readonly queue = new WorkQueue();
  private readonly owners = new Map<string, Informer>();
  private readonly children = new Map<string, Promise<Informer>>();
  private readonly reconciler: Reconciler;
  private readonly workers: Promise<void>[] = [];
  private resyncTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly instance = `${os.hostname()}-${process.pid}`;
  private readonly pendingOwners = new Set<string>();
  private readonly seen = new Map<string, string>();
  /** Child events that arrived while their owner was being reconciled, looked at once it is done. */
  private readonly childEventsDuring = new Map<string, KObject[]>();
  private readonly events: EventRecorder;

  constructor(private readonly opts: PlatformControllerOptions) {
    const { client, metrics } = opts;
    client.observers.push((verb, resource, code) => metrics.requests.inc({ verb, resource, code: String(code) }));
    this.events = new EventRecorder({
      send: async (body) => {
        await client.request('POST', `/api/v1/namespaces/${body.metadata.namespace}/events`, body);
      },
      busy: () => this.queue.length > 0 || this.queue.active > 0,
      log: opts.log,
      onResult: (result) => {
        metrics.events.inc({ result });
        metrics.eventsPending.set(this.events.length + this.events.sending);
      },
    });
    this.reconciler = new Reconciler({
      client,
      render: opts.render,
      log: opts.log,
      owner: (kind, ns, name) => this.owners.get(kind)?.get(ns, name),
      childCache: (apiVersion, kind) => this.childInformer(apiVersion, kind),
      namespaced: async (apiVersion, kind) => (await client.resource(apiVersion, kind)).namespaced,
      event: (owner, type, reason, message) => this.event(owner, type, reason, message),
      applied: (kind) => metrics.applied.inc({ kind }),
      pruned: (kind) => metrics.pruned.inc({ kind }),
    });
  }

  /** Whether every platform kind's informer has synced. */
  public get ready(): boolean {
    return this.pendingOwners.size === 0 && [...this.owners.values()].every((i) => i.synced);
  }

  /** Starts the informers (waiting for them to sync), the workers and the resync timer. */
  public async start(): Promise<void> {
    const { log } = this.opts;
    for (const kind of this.opts.kinds) this.pendingOwners.add(kind);
    await Promise.all(this.opts.kinds.map((kind) => this.startOwnerInformer(kind)));
    for (let i = 0; i < (this.opts.concurrency ?? 8); i++) {
      this.workers.push(this.worker());
    }
    const period = this.opts.resyncPeriodMs ?? 600_000;
    if (period > 0) {
      this.resyncTimer = setInterval(() => this.resync(), period);
    }
    log.info('controller started', {
      kinds: this.opts.kinds,
      namespaces: this.opts.namespaces.length ? this.opts.namespaces : ['*'],
      concurrency: this.opts.concurrency ?? 8,
      resyncPeriodMs: period,
    });
  }

  /** Platform kinds that cannot be watched yet (CRD not installed, API server unreachable) are retried every 5 s. */
  private async startOwnerInformer(kind: string, attempt = 0): Promise<void> {
    if (this.stopping) return;
    const informer = new Informer(this.opts.client, this.opts.apiVersion, kind, this.opts.namespaces,
      (event, obj) => this.onOwner(event, obj), this.opts.log);
    try {
      await informer.start();
      this.owners.set(kind, informer);
      this.pendingOwners.delete(kind);
      if (attempt > 0) this.opts.log.info('watching platform kind', { kind });
    } catch (e) {
      await informer.stop();
      if (attempt === 0) {
        this.opts.log.warn('cannot watch platform kind yet; retrying every 5 s', { kind, error: (e as Error).message });
      }
      // In the background: the kinds that can be watched do not wait.
      const timer = setTimeout(() => void this.startOwnerInformer(kind, attempt + 1), 5_000);
      timer.unref?.();
    }
  }

  /** Queues every platform resource (the periodic resync; also on SIGHUP). */
  public resync(): void {
    this.opts.metrics.resyncs.inc();
    let n = 0;
    for (const [kind, informer] of this.owners) {
      for (const o of informer.list()) {
        this.queue.add(keyOf(kind, o.metadata.namespace, o.metadata.name));
        n++;
      }
    }
    this.opts.log.debug('resync', { queued: n });
    this.opts.metrics.queueDepth.set(this.queue.length);
  }

  /** Stops taking work, lets running reconciles finish (up to `graceMs`) and stops the informers. */
  public async stop(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.queue.shutdown();
    await Promise.race([Promise.all(this.workers), sleep(graceMs)]);
    await this.events.flush(5_000);
    const informers = [...this.owners.values()];
    for (const p of this.children.values()) {
      try {
        informers.push(await p);
      } catch {
        // never started
      }
    }
    await Promise.all(informers.map((i) => i.stop()));
  }

  private onOwner(event: string, obj: KObject): void {
    const key = keyOf(obj.kind!, obj.metadata.namespace, obj.metadata.name);
    const uid = obj.metadata.uid;
    if (event === 'delete') {
      this.reconciler.forget(uid);
      this.seen.delete(uid);
    } else {
      // Our own status writes change neither generation, labels, annotations nor deletion: nothing to do.
      const stamp = JSON.stringify([obj.metadata.generation, obj.metadata.labels, obj.metadata.annotations, obj.metadata.deletionTimestamp]);
      if (event === 'update' && this.seen.get(uid) === stamp) return;
      this.seen.set(uid, stamp);
    }
    this.queue.add(key);
    this.opts.metrics.queueDepth.set(this.queue.length);
  }

  /**
   * A child changed: its controlling platform resource is reconciled (drift, deletion, primary's state) — unless the
   * change is the controller's own apply (the resourceVersion the apply answered with): that needs no reconcile.
   * An event that arrives while the owner is being reconciled may precede the apply's answer; it is looked at once
   * the reconcile is done.
   */
  private onChild(event: string, obj: KObject): void {
    if (event === 'delete') this.reconciler.forgetChild(obj.metadata?.uid);
    const blocked = this.reconciler.blockers.get(childKey(obj));
    if (blocked) this.queue.add(blocked);
    const group = this.opts.apiVersion.split('/')[0];
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      if (ref.controller === true && String(ref.apiVersion).split('/')[0] === group && this.owners.has(ref.kind)) {
        const key = keyOf(ref.kind, obj.metadata.namespace, ref.name);
        if (event !== 'delete' && this.queue.isProcessing(key)) {
          const during = this.childEventsDuring.get(key);
          if (during) during.push(obj);
          else this.childEventsDuring.set(key, [obj]);
          continue;
        }
        if (event !== 'delete' && this.reconciler.ownApply(obj)) continue;
        this.queue.add(key);
        this.opts.metrics.queueDepth.set(this.queue.length);
      }
    }
  }

  /** The child events seen during the reconcile of `key`: queued again unless they were all its own applies. */
  private childEventsAfter(key: string): void {
    const during = this.childEventsDuring.get(key);
    if (!during) return;
    this.childEventsDuring.delete(key);
    if (during.some((o) => !this.reconciler.ownApply(o))) this.queue.add(key);
  }

  private childInformer(apiVersion: string, kind: string): Promise<Informer> {
    const key = `${apiVersion}/${kind}`;
    let p = this.children.get(key);
    if (!p) {
      const informer = new Informer(this.opts.client, apiVersion, kind, this.opts.namespaces,
        (event, obj) => this.onChild(event, obj), this.opts.log);
      p = informer.start().then(() => informer);
      this.children.set(key, p);
      p.catch(() => {
        this.children.delete(key);
        void informer.stop();
      });
    }
    return p;
  }

  private async worker(): Promise<void> {
    const { metrics, log } = this.opts;
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      metrics.queueDepth.set(this.queue.length);
      const [kind, namespace, name] = splitKey(key);
      const end = metrics.duration.startTimer({ kind });
      try {
        const result = await this.reconciler.reconcile(kind, namespace, name);
        metrics.reconciles.inc({ kind, result: result.terminal ? 'terminal' : 'success' });
        this.queue.forget(key);
      } catch (e) {
        metrics.reconciles.inc({ kind, result: 'error' });
        metrics.errors.inc({ kind });
        const delay = this.queue.addRateLimited(key);
        log.warn('reconcile failed; retrying', {
          kind, namespace, name, error: (e as Error).message, retryInMs: delay, retries: this.queue.retries(key),
        });
      } finally {
        end();
        this.childEventsAfter(key);
        this.queue.done(key);
        // Events wait while reconciles run; this may have been the last one.
        this.events.kick();
      }
    }
  }

  /** Records an Event about `owner`, sent in the background at a lower priority than reconciles (best effort). */
  private event(owner: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ns = owner.metadata.namespace;
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${owner.metadata.name}.`, namespace: ns },
      involvedObject: {
        apiVersion: owner.apiVersion,
        kind: owner.kind,
        name: owner.metadata.name,
        namespace: ns,
        uid: owner.metadata.uid,
        resourceVersion: owner.metadata.resourceVersion,
      },
      reason,
      message: message.length > 1000 ? message.slice(0, 997) + '...' : message,
      type,
      source: { component: FIELD_MANAGER },
      reportingComponent: FIELD_MANAGER,
      reportingInstance: this.instance,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.events.record(JSON.stringify([owner.metadata.uid, type, reason, body.message]), body);
    this.opts.metrics.eventsPending.set(this.events.length + this.events.sending);
  }
}

const keyOf = queueKey;

function splitKey(key: string): [string, string, string] {
  const [kind, namespace, ...rest] = key.split('/');
  return [kind, namespace, rest.join('/')];
}
