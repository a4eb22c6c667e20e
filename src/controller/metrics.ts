/**
 * Prometheus metrics of the controller (prom-client), served on `/metrics`.
 * @internal
 */
import * as client from 'prom-client';

/** @internal */
export class ControllerMetrics {
  public readonly registry = new client.Registry();
  public readonly reconciles = new client.Counter({
    name: 'platform_controller_reconcile_total',
    help: 'Reconciles by kind and result (success, error, terminal).',
    labelNames: ['kind', 'result'],
    registers: [this.registry],
  });
  public readonly errors = new client.Counter({
    name: 'platform_controller_reconcile_errors_total',
    help: 'Reconciles that failed and will be retried, by kind.',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  public readonly duration = new client.Histogram({
    name: 'platform_controller_reconcile_duration_seconds',
    help: 'Time of one reconcile, by kind.',
    labelNames: ['kind'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  public readonly queueDepth = new client.Gauge({
    name: 'platform_controller_queue_depth',
    help: 'Keys waiting in the work queue.',
    registers: [this.registry],
  });
  public readonly applied = new client.Counter({
    name: 'platform_controller_objects_applied_total',
    help: 'Child objects created or changed by server-side apply, by kind.',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  public readonly pruned = new client.Counter({
    name: 'platform_controller_objects_pruned_total',
    help: 'Child objects deleted because their resource no longer renders them, by kind.',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  public readonly requests = new client.Counter({
    name: 'platform_controller_api_requests_total',
    help: 'Requests to the Kubernetes API by verb, resource and status code.',
    labelNames: ['verb', 'resource', 'code'],
    registers: [this.registry],
  });
  public readonly leader = new client.Gauge({
    name: 'platform_controller_leader',
    help: '1 while this replica holds the leader lease.',
    registers: [this.registry],
  });
  public readonly events = new client.Counter({
    name: 'platform_controller_events_total',
    help: 'Kubernetes Events by result (sent, failed, dropped when the buffer is full).',
    labelNames: ['result'],
    registers: [this.registry],
  });
  public readonly eventsPending = new client.Gauge({
    name: 'platform_controller_events_pending',
    help: 'Kubernetes Events waiting to be sent or being sent (they wait while reconciles run).',
    registers: [this.registry],
  });
  public readonly resyncs = new client.Counter({
    name: 'platform_controller_resyncs_total',
    help: 'Periodic (or SIGHUP) resyncs of every resource.',
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
  }
}
