/**
 * A rate-limited work queue with per-key serialization, as client-go's: a key is queued at most once, a key being
 * processed is never handed to a second worker (it is queued again once done if it changed meanwhile), failed keys
 * come back after an exponential per-key backoff, and retries share a token bucket so a failing API server does not
 * see a retry storm.
 * @internal
 */

/** @internal */
export interface WorkQueueOptions {
  /** First retry delay. @default 200 */
  readonly baseDelayMs?: number;
  /** Longest retry delay. @default 60000 */
  readonly maxDelayMs?: number;
  /** Retries per second, all keys together. @default 20 */
  readonly retryQps?: number;
  /** Burst of retries. @default 100 */
  readonly retryBurst?: number;
}

/** @internal */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private shuttingDown = false;
  private tokens: number;
  private lastRefill = Date.now();
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly retryQps: number;
  private readonly retryBurst: number;

  constructor(opts: WorkQueueOptions = {}) {
    this.baseDelayMs = opts.baseDelayMs ?? 200;
    this.maxDelayMs = opts.maxDelayMs ?? 60_000;
    this.retryQps = opts.retryQps ?? 20;
    this.retryBurst = opts.retryBurst ?? 100;
    this.tokens = this.retryBurst;
  }

  /** Keys waiting (not counting those being processed or waiting for a retry). */
  public get length(): number {
    return this.queue.length;
  }

  /** Keys being processed. */
  public get active(): number {
    return this.processing.size;
  }

  /** Whether `key` is being processed. */
  public isProcessing(key: string): boolean {
    return this.processing.has(key);
  }

  /** Keys waiting for their retry. */
  public get waitingRetry(): number {
    return this.delayed.size;
  }

  /** Queues `key` now (no-op if already queued). */
  public add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    const pending = this.delayed.get(key);
    if (pending) {
      clearTimeout(pending.timer);
      this.delayed.delete(key);
    }
    this.dirty.add(key);
    if (this.processing.has(key)) return; // queued again by done()
    const waiter = this.waiters.shift();
    if (waiter) {
      this.processing.add(key);
      this.dirty.delete(key);
      waiter(key);
    } else {
      this.queue.push(key);
    }
  }

  /** Queues `key` after `ms` (an earlier pending time wins). */
  public addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    timer.unref?.();
    this.delayed.set(key, { at, timer });
  }

  /** Queues `key` after its backoff (which doubles with each failure) and the shared retry budget. */
  public addRateLimited(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const perKey = Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs);
    const delay = Math.max(perKey, this.bucketDelay());
    this.addAfter(key, delay);
    return delay;
  }

  /** How often `key` failed in a row. */
  public retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Forgets `key`'s failures (call after a success). */
  public forget(key: string): void {
    this.failures.delete(key);
  }

  /** The next key, or undefined once shut down. The key is then processing until {@link done}. */
  public get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` as processed; if it was added meanwhile it is queued again. */
  public done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  /** Stops handing out keys; waiting workers get undefined. */
  public shutdown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** Token bucket shared by all retries: the delay until a token is free (and takes it). */
  private bucketDelay(): number {
    const now = Date.now();
    this.tokens = Math.min(this.retryBurst, this.tokens + ((now - this.lastRefill) / 1000) * this.retryQps);
    this.lastRefill = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.retryQps) * 1000);
  }
}
