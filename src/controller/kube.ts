/**
 * The controller's connection to the Kubernetes API: configuration, authentication and watches come from
 * `@kubernetes/client-node` (1.x, an ES module loaded with a real dynamic import); requests go through one
 * keep-alive HTTPS agent, so that a reconcile costs a request, not a TLS handshake.
 * @internal
 */
import * as http from 'http';
import * as https from 'https';
import * as tls from 'tls';
import * as url from 'url';

/** `@kubernetes/client-node`, loaded at run time (ESM-only; this package compiles to CommonJS). @internal */
export type ClientNode = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });

// A dynamic import that TypeScript does not rewrite into require() (the target is an ES module).
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

let clientNode: Promise<ClientNode> | undefined;
/** Loads `@kubernetes/client-node` once. @internal */
export function loadClientNode(): Promise<ClientNode> {
  clientNode ??= importEsm('@kubernetes/client-node') as Promise<ClientNode>;
  return clientNode;
}

/** A Kubernetes object as JSON. @internal */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: any;
  spec?: any;
  status?: any;
  [key: string]: any;
}

/** An API error with its HTTP status and the API server's Status object. @internal */
export class ApiError extends Error {
  public readonly status: number;
  public readonly reason: string;
  public readonly body: any;
  constructor(method: string, path: string, status: number, body: any) {
    const message = typeof body === 'object' && body?.message ? body.message : String(body).slice(0, 300);
    super(`${method} ${path}: ${status} ${message}`);
    this.status = status;
    this.reason = typeof body === 'object' ? body?.reason ?? '' : '';
    this.body = body;
  }
}

/** What discovery says about a kind. @internal */
export interface ApiResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/** Counts of requests by verb, for metrics and for measuring writes. @internal */
export type RequestObserver = (verb: string, resource: string, code: number, seconds: number) => void;

export interface KubeClientOptions {
  /** Path of a kubeconfig file. Default: `$KUBECONFIG`, `~/.kube/config` or the in-cluster service account. */
  readonly kubeconfig?: string;
  /** Most connections open at once. @default 64 */
  readonly maxSockets?: number;
  /** Per-request timeout. @default 30000 */
  readonly timeoutMs?: number;
}

const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A small client for the Kubernetes API. @internal */
export class KubeClient {
  /** Loads configuration the way kubectl does (flag, `$KUBECONFIG`, `~/.kube/config`, in-cluster). */
  public static async load(opts: KubeClientOptions = {}): Promise<KubeClient> {
    const k8s = await loadClientNode();
    const kc = new k8s.KubeConfig();
    if (opts.kubeconfig) {
      kc.loadFromFile(opts.kubeconfig);
    } else {
      kc.loadFromDefault();
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) {
      throw new Error('no current cluster in the Kubernetes configuration');
    }
    return new KubeClient(k8s, kc, cluster.server, opts);
  }

  /** Observers of every request (metrics). */
  public readonly observers: RequestObserver[] = [];
  /** Requests made, by verb. */
  public readonly requests: Record<string, number> = {};
  private readonly agent: http.Agent;
  private readonly discovery = new Map<string, Promise<Map<string, ApiResource>>>();
  private readonly timeoutMs: number;
  private tlsOptions: Promise<https.RequestOptions> | undefined;
  /** The TLS context of every connection (CA, client certificate), built once rather than for each connection. */
  private secureContext: tls.SecureContext | undefined;
  /** The server's address as request options (parsed once) and the path it may start with. */
  private readonly target: http.RequestOptions;
  private readonly basePath: string;

  private constructor(
    public readonly k8s: ClientNode,
    public readonly kubeConfig: InstanceType<ClientNode['KubeConfig']>,
    public readonly server: string,
    opts: KubeClientOptions,
  ) {
    const AgentClass = server.startsWith('http:') ? http.Agent : https.Agent;
    this.agent = new AgentClass({ keepAlive: true, maxSockets: opts.maxSockets ?? 64 });
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    const base = new URL(server.replace(/\/$/, ''));
    const { protocol, hostname, port, auth } = url.urlToHttpOptions(base);
    this.target = { protocol, hostname, port, ...(auth ? { auth } : {}) };
    this.basePath = base.pathname === '/' ? '' : base.pathname;
  }

  /** Number of write requests (POST, PUT, PATCH, DELETE) made so far. */
  public get writes(): number {
    let n = 0;
    for (const [verb, count] of Object.entries(this.requests)) {
      if (WRITE_VERBS.has(verb)) n += count;
    }
    return n;
  }

  /** TLS material and headers from the kubeconfig (tokens from exec plugins are refreshed by client-node). */
  private async requestOptions(): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(opts);
    return opts;
  }

  /** Sends one request. Throws {@link ApiError} for a status >= 400. */
  public async request<T = any>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    this.tlsOptions ??= this.requestOptions();
    const base = await this.tlsOptions;
    // Re-read the credentials for each request only when they may change (exec or auth-provider plugins).
    const user = this.kubeConfig.getCurrentUser();
    const auth = user && (user.exec || user.authProvider) ? await this.requestOptions() : base;
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { 'Accept': 'application/json', 'User-Agent': 'cdk8s-ai-platform-controller' };
    for (const [k, v] of Object.entries(auth.headers ?? {})) {
      if (typeof v === 'string') headers[k] = v;
    }
    if (auth.auth) {
      headers.Authorization = 'Basic ' + Buffer.from(auth.auth).toString('base64');
    }
    if (payload !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const mod = this.target.protocol === 'http:' ? http : https;
    if (mod === https && (base.ca || base.cert || base.key)) {
      this.secureContext ??= tls.createSecureContext({ ca: base.ca, cert: base.cert, key: base.key });
    }
    const started = process.hrtime.bigint();
    const verb = method.toUpperCase();
    return new Promise<T>((resolve, reject) => {
      const req = mod.request({
        ...this.target,
        path: this.basePath + path,
        method: verb,
        headers,
        agent: this.agent,
        ...(this.secureContext ? { secureContext: this.secureContext } : {}),
        rejectUnauthorized: base.rejectUnauthorized,
        timeout: this.timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          this.observe(verb, path, status, started);
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON
          }
          if (status >= 400) {
            reject(new ApiError(verb, path, status, parsed));
          } else {
            resolve(parsed as T);
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.timeoutMs} ms: ${verb} ${path}`)));
      req.on('error', (e) => {
        this.observe(verb, path, 0, started);
        reject(e);
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  private observe(verb: string, path: string, code: number, started: bigint): void {
    this.requests[verb] = (this.requests[verb] ?? 0) + 1;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const resource = resourceOfPath(path);
    for (const o of this.observers) o(verb, resource, code, seconds);
  }

  /** Discovery of `apiVersion`'s resources (cached; refreshed when a kind is not found). */
  public async resource(apiVersion: string, kind: string): Promise<ApiResource> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let entry = this.discovery.get(apiVersion);
      if (!entry || attempt > 0) {
        entry = this.discover(apiVersion);
        this.discovery.set(apiVersion, entry);
        entry.catch(() => this.discovery.delete(apiVersion));
      }
      const found = (await entry).get(kind);
      if (found) return found;
    }
    throw new Error(`the API server does not serve kind ${kind} in ${apiVersion} (is its CRD installed?)`);
  }

  private async discover(apiVersion: string): Promise<Map<string, ApiResource>> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const list = await this.request<any>('GET', path);
    const result = new Map<string, ApiResource>();
    for (const r of list.resources ?? []) {
      if (String(r.name).includes('/')) continue; // subresources
      result.set(r.kind, { apiVersion, kind: r.kind, plural: r.name, namespaced: !!r.namespaced });
    }
    return result;
  }

  /** The collection path of a kind, optionally within one namespace (all namespaces when omitted). */
  public async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return r.namespaced && namespace ? `${prefix}/namespaces/${namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  }

  /** The path of one object. */
  public async objectPath(obj: KObject): Promise<string> {
    const r = await this.resource(obj.apiVersion!, obj.kind!);
    const collection = await this.collectionPath(obj.apiVersion!, obj.kind!, r.namespaced ? obj.metadata.namespace : undefined);
    return `${collection}/${encodeURIComponent(obj.metadata.name)}`;
  }

  /** Server-side apply of `obj` with `fieldManager` (`json`: `obj` already serialized, if the caller has it). */
  public async apply(obj: KObject, fieldManager: string, force: boolean, json?: string): Promise<KObject> {
    const query = `?fieldManager=${encodeURIComponent(fieldManager)}${force ? '&force=true' : ''}`;
    return this.request('PATCH', (await this.objectPath(obj)) + query, json ?? obj, 'application/apply-patch+yaml');
  }

  /** Reads one object; undefined when it does not exist. */
  public async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KObject | undefined> {
    try {
      return await this.request('GET', await this.objectPath({ apiVersion, kind, metadata: { namespace, name } }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Deletes one object if it is still the one with `uid` (a precondition), in the background. */
  public async deleteIfUid(obj: KObject, uid: string): Promise<boolean> {
    try {
      await this.request('DELETE', await this.objectPath(obj), {
        apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', preconditions: { uid },
      });
      return true;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 409)) return false;
      throw e;
    }
  }

  /** JSON merge patch of an object (its main resource, not a subresource). */
  public async mergePatch(obj: KObject, patch: any): Promise<KObject> {
    return this.request('PATCH', await this.objectPath(obj), patch, 'application/merge-patch+json');
  }

  /** JSON merge patch of an object's status subresource. */
  public async patchStatus(obj: KObject, status: any): Promise<KObject> {
    return this.request('PATCH', (await this.objectPath(obj)) + '/status', { status }, 'application/merge-patch+json');
  }

  /** Lists a kind (one namespace, or all), with an optional label selector. */
  public async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<any> {
    const path = await this.collectionPath(apiVersion, kind, namespace);
    return this.request('GET', path + (labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : ''));
  }

  /** Closes idle connections. */
  public close(): void {
    this.agent.destroy();
  }
}

/** `/apis/g/v/namespaces/ns/plural/name/status?x` → `plural/status` (the metrics label). */
export function resourceOfPath(path: string): string {
  const parts = path.split('?')[0].split('/').filter((p) => p);
  let i = parts[0] === 'api' ? 2 : 3;
  if (parts[i] === 'namespaces' && parts.length > i + 2) i += 2;
  const rest = parts.slice(i);
  return rest.length >= 3 ? `${rest[0]}/${rest[2]}` : rest[0] ?? parts.join('/');
}
