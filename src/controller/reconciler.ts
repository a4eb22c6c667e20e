/**
 * The reconciler: level-triggered and idempotent. For one platform custom resource it renders the library's
 * construct from the spec in a fresh app, server-side applies every child (one field manager, a controller owner
 * reference, labels naming the owner), prunes the children it no longer renders, leaves alone objects it does not
 * control, and writes status (observedGeneration, Ready/Progressing/Failed from the primary child's status
 * contract). A resource whose children and status already match makes no write.
 * @internal
 */
import { ApiError, KObject, KubeClient } from './kube';
import { Logger } from './log';
import {
  ChildState, childState, Condition, conditionsFor, errorConditions, invalidSpecConditions, withTransitionTimes,
} from './status';
import { StatusContract } from '../core/status-contract';

/** The field manager of every apply. @internal */
export const FIELD_MANAGER = 'cdk8s-ai-platform-controller';
/** Label on every child: the owner's uid (what pruning selects by, with the owner reference). @internal */
export const OWNER_UID_LABEL = 'platform.ai.cdk8s.io/owner-uid';
/** Label on every child: the owner's kind. @internal */
export const OWNER_KIND_LABEL = 'platform.ai.cdk8s.io/owner-kind';
/** Label on every child: the owner's name (when it fits a label value). @internal */
export const OWNER_NAME_LABEL = 'platform.ai.cdk8s.io/owner-name';
/**
 * Finalizer of a resource whose render includes cluster-scoped children (which cannot have a namespaced owner, so the
 * garbage collector does not remove them): set before such a child is applied; on deletion the controller deletes
 * them by label, then removes it. @internal
 */
export const CLUSTER_CHILDREN_FINALIZER = 'platform.ai.cdk8s.io/cluster-scoped-children';

/** What the render API gives for one resource (src/controller/render.ts). @internal */
export interface Rendered {
  readonly children: any[];
  readonly primary: { apiVersion: string; kind: string; name: string; namespace: string };
  readonly statusContract: StatusContract;
}

/** A read-only object cache (an informer's). @internal */
export interface ObjectCache {
  get(namespace: string | undefined, name: string): KObject | undefined;
  list(namespace?: string): KObject[];
}

/** @internal */
export type RenderFn = (resource: any) => Rendered;

/** The caches and hooks the reconciler reads and calls (given by the controller). @internal */
export interface ReconcilerContext {
  readonly client: KubeClient;
  readonly render: RenderFn;
  readonly log: Logger;
  /** The platform resource from the owner informer's cache. */
  owner(kind: string, namespace: string, name: string): KObject | undefined;
  /** The cache of a child kind, started (and synced) on first use. */
  childCache(apiVersion: string, kind: string): Promise<ObjectCache>;
  /** Whether `kind` in `apiVersion` is namespaced. */
  namespaced(apiVersion: string, kind: string): Promise<boolean>;
  /** Emits a Kubernetes Event about `owner` (never throws, never blocks). */
  event(owner: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** Metrics hooks. */
  applied(kind: string): void;
  pruned(kind: string): void;
}

/** The outcome of one reconcile. @internal */
export interface ReconcileResult {
  /** Objects applied (created or changed). */
  readonly applied: number;
  /** Objects deleted. */
  readonly pruned: number;
  /** Whether the status was written. */
  readonly statusWritten: boolean;
  /** Terminal outcome (invalid spec, a child owned by someone else): not retried until something changes. */
  readonly terminal?: string;
}

interface RenderCacheEntry {
  readonly stamp: string;
  readonly rendered?: Rendered;
  readonly error?: Error;
}

/** @internal */
export class Reconciler {
  /** Renders by owner uid, reused while the spec, labels and annotations are unchanged. */
  private readonly renders = new Map<string, RenderCacheEntry>();
  /**
   * Objects in the way of a resource (a child's name taken by an object it does not control), by the object's key
   * (`apiVersion/kind/namespace/name`), to the resource's queue key: a change of that object queues the resource.
   */
  public readonly blockers = new Map<string, string>();
  /** The status last written for each resource (by uid) and the resourceVersion it got. */
  private readonly statuses = new Map<string, { resourceVersion: string; status: any }>();
  /** What was last applied to each child (by child uid): its resourceVersion after the apply and the intent. */
  private readonly lastApplied = new Map<string, { resourceVersion: string; intent: string }>();

  constructor(private readonly ctx: ReconcilerContext) {}

  /** Forgets what was applied to a child (it was deleted). */
  public forgetChild(uid: string | undefined): void {
    if (uid) this.lastApplied.delete(uid);
  }

  /**
   * Whether `child` is exactly what this controller's last apply of it returned (same uid and resourceVersion): the
   * watch event of the controller's own write, which needs no reconcile. Any other change (drift, an operator's status,
   * another manager) has another resourceVersion.
   */
  public ownApply(child: KObject): boolean {
    const last = child.metadata?.uid ? this.lastApplied.get(child.metadata.uid) : undefined;
    return last !== undefined && last.resourceVersion === child.metadata.resourceVersion;
  }

  /** Forgets what is cached about an owner (it was deleted). */
  public forget(uid: string): void {
    this.renders.delete(uid);
    this.statuses.delete(uid);
  }

  public async reconcile(kind: string, namespace: string, name: string): Promise<ReconcileResult> {
    const owner = this.ctx.owner(kind, namespace, name);
    const none: ReconcileResult = { applied: 0, pruned: 0, statusWritten: false };
    if (!owner) {
      // Deleted: the garbage collector removes the children through their owner references.
      return none;
    }
    const uid: string = owner.metadata.uid;
    const generation: number = owner.metadata.generation ?? 0;
    const log = this.ctx.log.with({ kind, namespace, name, generation });
    if (owner.metadata.deletionTimestamp) {
      // Namespaced children go with the garbage collector; cluster-scoped ones only with the finalizer.
      if (!(owner.metadata.finalizers ?? []).includes(CLUSTER_CHILDREN_FINALIZER)) return none;
      return { ...none, pruned: await this.deleteClusterScopedChildren(owner, log) };
    }

    const rendered = this.renderCached(owner);
    if (rendered.error) {
      const e = rendered.error;
      const message = e.message;
      const conditions = invalidSpecConditions(message, generation);
      const written = await this.writeStatus(owner, { observedGeneration: generation, conditions });
      if (written) {
        log.warn('invalid spec', { error: message });
        this.ctx.event(owner, 'Warning', 'InvalidSpec', message);
      }
      return { ...none, statusWritten: written, terminal: 'InvalidSpec' };
    }
    const r = rendered.rendered!;

    // The desired children, each labelled with and owned by the resource.
    const ownerRef = {
      apiVersion: owner.apiVersion, kind: owner.kind, name, uid, controller: true, blockOwnerDeletion: true,
    };
    const desired: KObject[] = [];
    let clusterScoped = false;
    for (const child of r.children) {
      const c = JSON.parse(JSON.stringify(child));
      c.metadata ??= {};
      c.metadata.labels = { ...(c.metadata.labels ?? {}), ...ownerLabels(kind, name, uid) };
      if (await this.ctx.namespaced(c.apiVersion, c.kind)) {
        c.metadata.namespace ??= namespace;
        c.metadata.ownerReferences = [ownerRef];
      } else {
        delete c.metadata.namespace;
        clusterScoped = true;
      }
      desired.push(c);
    }

    // Children that exist but are controlled by someone else are left alone, and nothing is applied.
    const caches = await Promise.all(desired.map((c) => this.ctx.childCache(c.apiVersion!, c.kind!)));
    const lives = desired.map((c, i) => caches[i].get(c.metadata.namespace, c.metadata.name));
    const foreign = desired.filter((_, i) => lives[i] && !ownedBy(lives[i]!, uid));
    for (const c of desired) this.blockers.delete(childKey(c));
    if (foreign.length > 0) {
      for (const c of foreign) this.blockers.set(childKey(c), queueKey(kind, namespace, name));
      const list = foreign.map((c) => `${c.kind} ${c.metadata.name}`).join(', ');
      const message = `${list} already exist${foreign.length === 1 ? 's' : ''} and ${foreign.length === 1 ? 'is' : 'are'} not controlled by this ${kind}; left alone`;
      const conditions = errorConditions('ChildConflict', message, generation);
      const written = await this.writeStatus(owner, { observedGeneration: generation, conditions, children: refs(desired) });
      if (written) {
        log.warn('child owned by another object', { children: list });
        this.ctx.event(owner, 'Warning', 'ChildConflict', message);
      }
      return { ...none, statusWritten: written, terminal: 'ChildConflict' };
    }

    // A cluster-scoped child is not garbage-collected: the finalizer comes first, so a deletion cannot miss it.
    if (clusterScoped && !(owner.metadata.finalizers ?? []).includes(CLUSTER_CHILDREN_FINALIZER)) {
      await this.ctx.client.mergePatch(owner, {
        metadata: { finalizers: [...(owner.metadata.finalizers ?? []), CLUSTER_CHILDREN_FINALIZER], resourceVersion: owner.metadata.resourceVersion },
      });
      log.info('finalizer added (cluster-scoped children)', { finalizer: CLUSTER_CHILDREN_FINALIZER });
    }

    // Apply what differs from the cache.
    const drifted: string[] = [];
    const results = await Promise.all(desired.map(async (c, i) => {
      const live = lives[i];
      const intent = JSON.stringify(c);
      if (live && this.upToDate(c, live, intent)) {
        return undefined;
      }
      if (live && this.currentStatus(owner).observedGeneration === generation) {
        drifted.push(`${c.kind} ${c.metadata.name}`);
      }
      if (live && log.enabled('debug')) log.debug('child differs', { child: `${c.kind}/${c.metadata.name}`, paths: differingPaths(live, c).slice(0, 10) });
      const result = await this.applyChild(owner, c, intent, log);
      this.lastApplied.set(result.metadata.uid, { resourceVersion: result.metadata.resourceVersion, intent });
      const changed = !live || live.metadata.resourceVersion !== result.metadata.resourceVersion;
      if (changed) this.ctx.applied(c.kind!);
      return changed ? result : undefined;
    }));
    const applied = results.filter((x) => x !== undefined) as KObject[];
    if (applied.length > 0) {
      const what = applied.map((o) => `${o.kind} ${o.metadata.name}`).join(', ');
      log.info('applied', { objects: what });
      if (drifted.length > 0) {
        this.ctx.event(owner, 'Normal', 'DriftCorrected', `Restored ${drifted.join(', ')}`);
      } else {
        this.ctx.event(owner, 'Normal', 'Applied', `Applied ${what}`);
      }
    }

    // Prune: children this resource controls (label and owner reference) that it no longer renders.
    const wanted = new Set(desired.map(childKey));
    const kinds = this.childKindsOf(owner, desired);
    let pruned = 0;
    const prunedNames: string[] = [];
    for (const { apiVersion, kind: childKind } of kinds.values()) {
      let cache;
      try {
        cache = await this.ctx.childCache(apiVersion, childKind);
      } catch (e) {
        log.warn('cannot list a kind to prune', { childKind, error: (e as Error).message });
        continue;
      }
      const scoped = await this.ctx.namespaced(apiVersion, childKind).catch(() => true);
      for (const live of scoped ? cache.list(namespace) : cache.list()) {
        const key = childKey({ apiVersion, kind: childKind, metadata: live.metadata });
        if (wanted.has(key)) continue;
        if (live.metadata?.labels?.[OWNER_UID_LABEL] !== uid || !ownedBy(live, uid)) continue;
        if (live.metadata.deletionTimestamp) continue;
        if (await this.ctx.client.deleteIfUid({ apiVersion, kind: childKind, metadata: live.metadata }, live.metadata.uid)) {
          pruned++;
          prunedNames.push(`${childKind} ${live.metadata.name}`);
          this.ctx.pruned(childKind);
        }
      }
    }
    if (pruned > 0) {
      log.info('pruned', { objects: prunedNames.join(', ') });
      this.ctx.event(owner, 'Normal', 'Pruned', `Deleted ${prunedNames.join(', ')} (no longer in the spec)`);
    }

    // Status from the primary child's contract.
    const primaryCache = await this.ctx.childCache(r.primary.apiVersion, r.primary.kind);
    // The cache may not have seen a child just applied: the apply's answer is as fresh.
    const primaryLive = primaryCache.get(r.primary.namespace, r.primary.name)
      ?? applied.find((o) => o.kind === r.primary.kind && o.metadata.name === r.primary.name && o.metadata.namespace === r.primary.namespace);
    const state: ChildState = childState(r.statusContract, primaryLive);
    const conditions = conditionsFor(r.statusContract, kind, state, generation);
    const status: any = {
      observedGeneration: generation,
      conditions,
      primary: {
        apiVersion: r.primary.apiVersion,
        kind: r.primary.kind,
        name: r.primary.name,
        state: state.value ?? (primaryLive ? '' : 'Pending'),
        ...(state.message ? { message: state.message } : {}),
      },
      children: refs(desired),
    };
    const previousConditions: Condition[] | undefined = this.currentStatus(owner).conditions;
    const statusWritten = await this.writeStatus(owner, status);
    if (statusWritten && previousConditions) {
      const before = previousConditions.find((c) => c.type === 'Ready');
      const after = conditions.find((c) => c.type === 'Ready')!;
      if (before && (before.status !== after.status || before.reason !== after.reason)) {
        this.ctx.event(owner, after.reason === 'ChildFailed' ? 'Warning' : 'Normal', after.reason, after.message);
      }
    }
    return { applied: applied.length, pruned, statusWritten };
  }

  /**
   * A resource with the finalizer is being deleted: deletes its cluster-scoped children (by the owner-uid label, listed
   * from the API server, of every cluster-scoped kind it renders or its status names), then removes the finalizer
   * (with the resourceVersion as precondition: a conflict is retried). Returns the number deleted.
   */
  private async deleteClusterScopedChildren(owner: KObject, log: Logger): Promise<number> {
    const uid: string = owner.metadata.uid;
    const kinds = this.childKindsOf(owner, this.renderCached(owner).rendered?.children ?? []);
    const deleted: string[] = [];
    for (const { apiVersion, kind } of kinds.values()) {
      if (await this.ctx.namespaced(apiVersion, kind)) continue;
      const list = await this.ctx.client.list(apiVersion, kind, undefined, `${OWNER_UID_LABEL}=${uid}`);
      for (const live of list.items ?? []) {
        if (live.metadata.deletionTimestamp) continue;
        if (await this.ctx.client.deleteIfUid({ apiVersion, kind, metadata: live.metadata }, live.metadata.uid)) {
          deleted.push(`${kind} ${live.metadata.name}`);
          this.ctx.pruned(kind);
        }
      }
    }
    if (deleted.length > 0) {
      log.info('deleted cluster-scoped children', { objects: deleted.join(', ') });
      this.ctx.event(owner, 'Normal', 'Deleted', `Deleted ${deleted.join(', ')} (cluster-scoped: not garbage-collected)`);
    }
    try {
      await this.ctx.client.mergePatch(owner, {
        metadata: {
          finalizers: (owner.metadata.finalizers ?? []).filter((f: string) => f !== CLUSTER_CHILDREN_FINALIZER),
          resourceVersion: owner.metadata.resourceVersion,
        },
      });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    return deleted.length;
  }

  /** The kinds of `children` and of the children the resource's status names (what it may have left behind), by key. */
  private childKindsOf(owner: KObject, children: KObject[]): Map<string, { apiVersion: string; kind: string }> {
    const kinds = new Map<string, { apiVersion: string; kind: string }>();
    for (const c of [...children, ...(this.currentStatus(owner).children ?? [])]) {
      if (c?.apiVersion && c?.kind) kinds.set(`${c.apiVersion}/${c.kind}`, { apiVersion: c.apiVersion, kind: c.kind });
    }
    return kinds;
  }

  /** Renders the resource, or reuses the render of the same uid, generation, labels and annotations. */
  private renderCached(owner: KObject): RenderCacheEntry {
    const uid = owner.metadata.uid;
    const stamp = JSON.stringify([owner.metadata.generation, owner.metadata.labels ?? {}, owner.metadata.annotations ?? {}]);
    const cached = this.renders.get(uid);
    if (cached && cached.stamp === stamp) return cached;
    let entry: RenderCacheEntry;
    try {
      const resource = {
        apiVersion: owner.apiVersion,
        kind: owner.kind,
        metadata: {
          name: owner.metadata.name,
          namespace: owner.metadata.namespace,
          ...(owner.metadata.labels ? { labels: owner.metadata.labels } : {}),
          ...(owner.metadata.annotations ? { annotations: withoutLastApplied(owner.metadata.annotations) } : {}),
        },
        spec: owner.spec ?? {},
      };
      entry = { stamp, rendered: this.ctx.render(resource) };
    } catch (e) {
      entry = { stamp, error: e as Error };
    }
    this.renders.set(uid, entry);
    return entry;
  }

  /** Whether the live child already carries the intent (applied by us at this version, or every desired field equal). */
  private upToDate(desired: KObject, live: KObject, intent: string): boolean {
    const last = this.lastApplied.get(live.metadata.uid);
    if (last && last.resourceVersion === live.metadata.resourceVersion && last.intent === intent) {
      return true;
    }
    return containsAll(live, desired);
  }

  /** Server-side apply; a conflict with another field manager is reported, then our intent is forced. */
  private async applyChild(owner: KObject, child: KObject, intent: string, log: Logger): Promise<KObject> {
    try {
      return await this.ctx.client.apply(child, FIELD_MANAGER, false, intent);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 409) throw e;
      const causes = (e.body?.details?.causes ?? []).map((c: any) => [c.message, c.field].filter((x) => x).join(': ')).join('; ');
      const message = `${child.kind} ${child.metadata.name}: ${causes || e.message}; the controller's values were restored`;
      log.warn('field manager conflict', { child: `${child.kind}/${child.metadata.name}`, causes });
      this.ctx.event(owner, 'Warning', 'FieldConflict', message);
      return this.ctx.client.apply(child, FIELD_MANAGER, true, intent);
    }
  }

  /** Writes `status` unless the live status already says the same (transition times kept). */
  private async writeStatus(owner: KObject, status: any): Promise<boolean> {
    const previous = this.currentStatus(owner);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const next = { ...status, conditions: withTransitionTimes(status.conditions, previous.conditions, now) };
    if (sameStatus(previous, next)) return false;
    // Fields of the old status that the new one lacks are removed (merge patch: null).
    const patch: any = { ...next };
    for (const k of Object.keys(previous)) {
      if (!(k in next)) patch[k] = null;
    }
    try {
      const result = await this.ctx.client.patchStatus(owner, patch);
      this.statuses.set(owner.metadata.uid, { resourceVersion: result.metadata.resourceVersion, status: result.status ?? {} });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return false; // deleted meanwhile
      throw e;
    }
    return true;
  }

  /**
   * The resource's status: the cached one, or the one this controller last wrote if the cache has not seen that
   * write yet (so that a reconcile right after a status write does not write the same status again).
   */
  private currentStatus(owner: KObject): any {
    const written = this.statuses.get(owner.metadata.uid);
    if (written && notOlder(written.resourceVersion, owner.metadata.resourceVersion)) return written.status;
    return owner.status ?? {};
  }
}

/** Whether resourceVersion `a` is at least `b` (the API server's are etcd revisions; anything else: false). */
function notOlder(a: string, b: string): boolean {
  try {
    return BigInt(a) >= BigInt(b);
  } catch {
    return false;
  }
}

function ownerLabels(kind: string, name: string, uid: string): Record<string, string> {
  const labels: Record<string, string> = { [OWNER_UID_LABEL]: uid, [OWNER_KIND_LABEL]: kind };
  if (name.length <= 63) labels[OWNER_NAME_LABEL] = name;
  return labels;
}

function withoutLastApplied(annotations: Record<string, string>): Record<string, string> {
  const out = { ...annotations };
  delete out['kubectl.kubernetes.io/last-applied-configuration'];
  return out;
}

/**
 * Whether `obj` belongs to the resource with `uid`: a namespaced object by its controller owner reference, a
 * cluster-scoped one (which cannot have a namespaced owner) by its owner-uid label. @internal
 */
export function ownedBy(obj: KObject, uid: string): boolean {
  return obj.metadata?.namespace ? controlledBy(obj, uid) : obj.metadata?.labels?.[OWNER_UID_LABEL] === uid;
}

/** Whether `obj` has a controller owner reference to `uid`. @internal */
export function controlledBy(obj: KObject, uid: string): boolean {
  return (obj.metadata?.ownerReferences ?? []).some((r: any) => r.controller === true && r.uid === uid);
}

/** The work queue's key of a platform resource. @internal */
export function queueKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** `apiVersion/kind/namespace/name` of an object. @internal */
export function childKey(o: KObject): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

function refs(children: KObject[]): Array<{ apiVersion: string; kind: string; name: string }> {
  return children.map((c) => ({ apiVersion: c.apiVersion!, kind: c.kind!, name: c.metadata.name }));
}

/**
 * Whether every field of `desired` is in `live` with the same value (lists element by element, same length).
 * Fields the API server defaults are ignored, so an unchanged object compares equal. @internal
 */
export function containsAll(live: any, desired: any): boolean {
  if (desired === null || typeof desired !== 'object') {
    return live === desired || (live !== undefined && live !== null && typeof live !== 'object' && String(live) === String(desired));
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return false;
    return desired.every((d, i) => containsAll(live[i], d));
  }
  if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
  for (const [k, v] of Object.entries(desired)) {
    if (v === undefined) continue;
    if (!containsAll(live[k], v)) return false;
  }
  return true;
}

/** The paths of `desired` whose value `live` lacks or differs in (for logs and tests). @internal */
export function differingPaths(live: any, desired: any, at = ''): string[] {
  if (desired === null || typeof desired !== 'object') {
    return containsAll(live, desired) ? [] : [at || '.'];
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return [at || '.'];
    return desired.flatMap((d, i) => differingPaths(live[i], d, `${at}[${i}]`));
  }
  if (live === null || typeof live !== 'object' || Array.isArray(live)) return [at || '.'];
  return Object.entries(desired).flatMap(([k, v]) => (v === undefined ? [] : differingPaths(live[k], v, `${at}.${k}`)));
}

function sameStatus(a: any, b: any): boolean {
  const strip = (s: any) => JSON.stringify(sortKeys({
    ...s,
    conditions: (s.conditions ?? []).map((c: Condition) => ({ ...c, lastTransitionTime: undefined })),
  }));
  return strip(a) === strip(b);
}

function sortKeys(x: any): any {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x === null || typeof x !== 'object') return x;
  const out: any = {};
  for (const k of Object.keys(x).sort()) {
    if (x[k] !== undefined) out[k] = sortKeys(x[k]);
  }
  return out;
}
