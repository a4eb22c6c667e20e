/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go's: the holder renews every `retryPeriod`; a
 * candidate takes the lease once it has seen the same record for `leaseDuration` without a renewal; a holder that
 * cannot renew within `renewDeadline` stops leading (the process exits, so a restart starts clean); a graceful stop
 * releases the lease so a standby takes over at once.
 * @internal
 */
import { ApiError, KubeClient } from './kube';
import { Logger } from './log';

/** @internal */
export interface LeaderElectionOptions {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  /** @default 15000 */
  readonly leaseDurationMs?: number;
  /** @default 10000 */
  readonly renewDeadlineMs?: number;
  /** @default 2000 */
  readonly retryPeriodMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** @internal */
export class LeaderElector {
  public leading = false;
  private stopped = false;
  private observedRecord = '';
  private observedAt = 0;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly path: string;

  constructor(private readonly client: KubeClient, private readonly opts: LeaderElectionOptions, private readonly log: Logger) {
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${opts.namespace}/leases`;
  }

  /**
   * Campaigns until elected (resolves), then keeps renewing in the background; `onLost` is called if renewing
   * fails for longer than the renew deadline.
   */
  public async run(onLost: () => void): Promise<void> {
    while (!this.stopped) {
      if (await this.tryAcquireOrRenew()) break;
      await sleep(this.retryPeriodMs);
    }
    if (this.stopped) return;
    this.leading = true;
    this.log.info('became leader', { lease: `${this.opts.namespace}/${this.opts.name}`, identity: this.opts.identity });
    void this.renewLoop(onLost);
  }

  private async renewLoop(onLost: () => void): Promise<void> {
    let lastRenew = Date.now();
    while (!this.stopped && this.leading) {
      await sleep(this.retryPeriodMs);
      if (this.stopped) return;
      if (await this.tryAcquireOrRenew()) {
        lastRenew = Date.now();
      } else if (Date.now() - lastRenew > this.renewDeadlineMs) {
        this.leading = false;
        this.log.error('lost the leader lease', { lease: `${this.opts.namespace}/${this.opts.name}` });
        onLost();
        return;
      }
    }
  }

  /** Stops campaigning; a leader releases the lease. */
  public async stop(): Promise<void> {
    this.stopped = true;
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.client.request('GET', `${this.path}/${this.opts.name}`);
      if (lease.spec?.holderIdentity !== this.opts.identity) return;
      const now = microTime();
      lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now };
      await this.client.request('PUT', `${this.path}/${this.opts.name}`, lease);
      this.log.info('released the leader lease', { lease: `${this.opts.namespace}/${this.opts.name}` });
    } catch (e) {
      this.log.warn('could not release the leader lease', { error: (e as Error).message });
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = microTime();
    const durationSeconds = Math.max(1, Math.round(this.leaseDurationMs / 1000));
    const mine = { holderIdentity: this.opts.identity, leaseDurationSeconds: durationSeconds, renewTime: now };
    try {
      let lease: any;
      try {
        lease = await this.client.request('GET', `${this.path}/${this.opts.name}`);
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 404) throw e;
        await this.client.request('POST', this.path, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.opts.name, namespace: this.opts.namespace },
          spec: { ...mine, acquireTime: now, leaseTransitions: 0 },
        });
        return true;
      }
      const spec = lease.spec ?? {};
      const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
      if (record !== this.observedRecord) {
        this.observedRecord = record;
        this.observedAt = Date.now();
      }
      const holder: string = spec.holderIdentity ?? '';
      const held = holder !== '' && holder !== this.opts.identity;
      const expired = Date.now() > this.observedAt + (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
      if (held && !expired) {
        return false;
      }
      const transitions = (spec.leaseTransitions ?? 0) + (holder === this.opts.identity ? 0 : 1);
      lease.spec = {
        ...spec,
        ...mine,
        acquireTime: holder === this.opts.identity ? spec.acquireTime ?? now : now,
        leaseTransitions: transitions,
      };
      await this.client.request('PUT', `${this.path}/${this.opts.name}`, lease);
      if (holder !== this.opts.identity) {
        this.log.info('acquired the leader lease', { previousHolder: holder || '(released)', transitions });
      }
      return true;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) {
        this.log.warn('leader election request failed', { error: (e as Error).message });
      }
      return false;
    }
  }
}

/** RFC 3339 with microseconds, as Lease times are written. */
function microTime(): string {
  return new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
