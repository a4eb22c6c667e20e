/**
 * Informers: client-node's list-and-watch cache (which re-lists when a watch expires with 410 Gone), restarted with
 * backoff when the API server goes away, one per kind and namespace.
 * @internal
 */
import { KObject, KubeClient } from './kube';
import { Logger } from './log';

/** Called for every change seen by an informer. @internal */
export type ObjectHandler = (event: 'add' | 'update' | 'delete', obj: KObject) => void;

/** One kind, watched in some namespaces (or all). @internal */
export class Informer {
  /** Lists made (the first one, and one after every expired watch or lost connection). */
  public lists = 0;
  private readonly caches: any[] = [];
  private readonly syncedCaches = new Set<number>();
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly client: KubeClient,
    public readonly apiVersion: string,
    public readonly kind: string,
    private readonly namespaces: string[],
    private readonly handler: ObjectHandler,
    private readonly log: Logger,
  ) {}

  /** Whether every namespace's cache has listed once. */
  public get synced(): boolean {
    return this.caches.length > 0 && this.syncedCaches.size === this.caches.length;
  }

  /** Starts watching; resolves when every cache has listed once (or rejects if the kind is not served). */
  public async start(): Promise<void> {
    const scopes = this.namespaces.length > 0 ? this.namespaces : [undefined];
    const r = await this.client.resource(this.apiVersion, this.kind);
    const scoped = r.namespaced ? scopes : [undefined];
    for (const ns of scoped) {
      const index = this.caches.length;
      const path = await this.client.collectionPath(this.apiVersion, this.kind, ns);
      const listFn = async () => {
        this.lists++;
        this.log.debug('informer list', { kind: this.kind, namespace: ns ?? '*', lists: this.lists });
        const list = await this.client.request<any>('GET', path);
        this.syncedCaches.add(index);
        // Lists carry no kind on their items; the handlers need it.
        for (const item of list.items ?? []) {
          item.apiVersion ??= this.apiVersion;
          item.kind ??= this.kind;
        }
        return list;
      };
      const informer = this.client.k8s.makeInformer(this.client.kubeConfig, path, (() => listAndReset()) as any);
      informer.on('add', (o: KObject) => this.handler('add', withoutManagedFields(o)));
      informer.on('update', (o: KObject) => this.handler('update', withoutManagedFields(o)));
      informer.on('delete', (o: KObject) => this.handler('delete', o));
      let failures = 0;
      const listed = listFn;
      const listAndReset = async () => {
        const list = await listed();
        failures = 0;
        return list;
      };
      informer.on('error', (err: any) => {
        if (this.stopped) return;
        failures++;
        const delay = Math.min(200 * 2 ** Math.min(failures, 8), 5_000);
        this.log.warn('watch interrupted, restarting', {
          kind: this.kind, namespace: ns ?? '*', error: String(err?.message ?? err), code: err?.statusCode ?? err?.code, retryInMs: delay,
        });
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!this.stopped) void informer.start();
        }, delay);
        this.timers.add(timer);
      });
      this.caches.push(informer);
      void informer.start();
    }
    const deadline = Date.now() + 120_000;
    while (!this.synced && !this.stopped) {
      if (Date.now() > deadline) throw new Error(`informer for ${this.kind} did not sync in 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** One object from the cache. */
  public get(namespace: string | undefined, name: string): KObject | undefined {
    for (const c of this.caches) {
      const o = c.get(name, namespace);
      if (o) return withKind(o, this.apiVersion, this.kind);
    }
    return undefined;
  }

  /** Every cached object (of one namespace, or all). */
  public list(namespace?: string): KObject[] {
    const out: KObject[] = [];
    for (const c of this.caches) {
      for (const o of c.list(namespace)) out.push(withKind(o, this.apiVersion, this.kind));
    }
    return out;
  }

  public async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.all(this.caches.map((c) => c.stop()));
  }
}

function withKind(o: KObject, apiVersion: string, kind: string): KObject {
  o.apiVersion ??= apiVersion;
  o.kind ??= kind;
  return o;
}

/**
 * Drops an object's managedFields (often the bigger part of it), which nothing the controller reads from its caches
 * looks at: the cache holds the same object, so the caches keep less for the garbage collector to trace.
 */
function withoutManagedFields(o: KObject): KObject {
  if (o.metadata?.managedFields !== undefined) o.metadata.managedFields = undefined;
  return o;
}
