/**
 * Kubernetes Events, recorded off the reconcile path as client-go's EventRecorder does: `record` never blocks and
 * never throws; the events wait in a bounded buffer and are sent in the background at a lower priority than
 * reconciles — while resources are queued or being reconciled they wait (up to `maxDelayMs`, then they go one at a
 * time), once the work queue is idle they go `concurrency` at a time. An event equal to one still waiting (same
 * object, type, reason and message) is folded into it (`count` + 1). A full buffer drops new events (counted).
 * @internal
 */
import { Logger } from './log';

/** @internal */
export interface EventRecorderOptions {
  readonly log: Logger;
  /** Longest wait of an event while reconciles keep the controller busy. @default 5000 */
  readonly maxDelayMs?: number;
  /** Events sent at once when the controller is idle. @default 4 */
  readonly concurrency?: number;
  /** Events waiting at most; more are dropped. @default 1000 */
  readonly maxPending?: number;
  /** Sends one Event (a `v1` Event body). */
  send(body: any): Promise<void>;
  /** Whether reconciles are queued or running (events then wait). */
  busy(): boolean;
  /** Called for each event sent, failed or dropped (once it no longer counts as pending or sending). */
  onResult?(result: 'sent' | 'failed' | 'dropped'): void;
}

interface Pending {
  readonly body: any;
  readonly at: number;
}

/** @internal */
export class EventRecorder {
  private readonly pending = new Map<string, Pending>();
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private flushing = false;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly maxDelayMs: number;
  private readonly concurrency: number;
  private readonly maxPending: number;

  constructor(private readonly opts: EventRecorderOptions) {
    this.maxDelayMs = opts.maxDelayMs ?? 5_000;
    this.concurrency = opts.concurrency ?? 4;
    this.maxPending = opts.maxPending ?? 1_000;
  }

  /** Events waiting to be sent (not counting those being sent). */
  public get length(): number {
    return this.pending.size;
  }

  /** Events being sent. */
  public get sending(): number {
    return this.inFlight;
  }

  /** Queues an Event; `key` identifies equal events (folded into one with a count). */
  public record(key: string, body: any): void {
    const same = this.pending.get(key);
    if (same) {
      same.body.count = (same.body.count ?? 1) + 1;
      same.body.lastTimestamp = body.lastTimestamp;
      return;
    }
    if (this.pending.size >= this.maxPending) {
      this.opts.onResult?.('dropped');
      this.opts.log.debug('event dropped (buffer full)', { reason: body.reason });
      return;
    }
    this.pending.set(key, { body, at: Date.now() });
    this.kick();
  }

  /** Sends what the current load allows; call when the controller may have become idle. */
  public kick(): void {
    while (this.pending.size > 0) {
      const [key, oldest] = this.pending.entries().next().value as [string, Pending];
      const idle = this.flushing || !this.opts.busy();
      const overdue = Date.now() - oldest.at >= this.maxDelayMs;
      const limit = idle ? this.concurrency : overdue ? 1 : 0;
      if (this.inFlight >= limit) break;
      this.pending.delete(key);
      this.inFlight++;
      void this.opts.send(oldest.body).then(
        () => 'sent' as const,
        (e) => {
          this.opts.log.debug('event not recorded', { reason: oldest.body.reason, error: (e as Error).message });
          return 'failed' as const;
        },
      ).then((result) => {
        this.inFlight--;
        this.opts.onResult?.(result);
        this.kick();
      });
    }
    if (this.pending.size === 0) {
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    // Busy: wake up when the oldest event is due (kick() is also called whenever a reconcile ends).
    const due = this.pending.values().next().value!.at + this.maxDelayMs;
    if (this.timer && this.timerAt <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, Math.max(0, due - Date.now()));
    this.timer.unref?.();
  }

  /** Sends every waiting event regardless of load (on shutdown); resolves when done or after `timeoutMs`. */
  public async flush(timeoutMs: number): Promise<void> {
    this.flushing = true;
    const done = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.kick();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    })]);
    clearTimeout(timer);
    if (this.timer) clearTimeout(this.timer);
  }
}
