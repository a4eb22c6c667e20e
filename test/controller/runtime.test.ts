/**
 * Unit tests of the controller's runtime pieces that need no API server: the work queue, the status contract
 * reading, the comparison that decides whether a child is applied, and the command line.
 */
import { EventRecorder } from '../../src/controller/events';
import { Logger } from '../../src/controller/log';
import { parseFlags } from '../../src/controller/main';
import { WorkQueue } from '../../src/controller/queue';
import { containsAll, differingPaths, ownedBy } from '../../src/controller/reconciler';
import { childState, conditionsFor, jsonPath, withTransitionTimes } from '../../src/controller/status';
import { StatusSource } from '../../src/core/status-contract';

describe('WorkQueue', () => {
  test('a key is queued once, and never handed to two workers at once', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.length).toBe(2);
    const first = await q.get();
    expect(first).toBe('a');
    q.add('a'); // changed while processing: queued again when done, not handed out now
    expect(await q.get()).toBe('b');
    let third: string | undefined;
    const waiting = q.get().then((k) => (third = k));
    await Promise.resolve();
    expect(third).toBeUndefined();
    q.done('a');
    await waiting;
    expect(third).toBe('a');
  });

  test('failures back off exponentially per key; forget resets', () => {
    const q = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 1_000, retryQps: 1_000, retryBurst: 1_000 });
    expect([1, 2, 3, 4, 5].map(() => q.addRateLimited('k'))).toEqual([100, 200, 400, 800, 1_000]);
    expect(q.retries('k')).toBe(5);
    q.forget('k');
    expect(q.addRateLimited('k')).toBe(100);
    q.shutdown();
  });

  test('retries of all keys share a token bucket', () => {
    const q = new WorkQueue({ baseDelayMs: 1, retryQps: 10, retryBurst: 2 });
    const delays = ['a', 'b', 'c', 'd'].map((k) => q.addRateLimited(k));
    expect(delays.slice(0, 2)).toEqual([1, 1]);
    expect(delays[2]).toBeGreaterThanOrEqual(90);
    expect(delays[3]).toBeGreaterThan(delays[2]);
    q.shutdown();
  });

  test('shutdown releases waiting workers', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutdown();
    expect(await waiting).toBeUndefined();
  });
});

describe('EventRecorder', () => {
  const quiet = new Logger('error', {}, () => undefined);
  const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

  test('events wait while reconciles run, go out once idle, equal ones folded into one', async () => {
    const sent: any[] = [];
    let busy = true;
    const results: string[] = [];
    const r = new EventRecorder({
      log: quiet,
      maxDelayMs: 3_600_000,
      concurrency: 2,
      send: async (body) => {
        sent.push(body);
      },
      busy: () => busy,
      onResult: (x) => results.push(x),
    });
    r.record('a', { reason: 'Applied', count: 1, lastTimestamp: 'T1' });
    r.record('a', { reason: 'Applied', count: 1, lastTimestamp: 'T2' });
    r.record('b', { reason: 'Pruned', count: 1, lastTimestamp: 'T1' });
    r.kick();
    await flushMicrotasks();
    expect(sent).toEqual([]);
    expect(r.length).toBe(2);
    busy = false;
    r.kick();
    await flushMicrotasks();
    expect(sent).toEqual([{ reason: 'Applied', count: 2, lastTimestamp: 'T2' }, { reason: 'Pruned', count: 1, lastTimestamp: 'T1' }]);
    expect(results).toEqual(['sent', 'sent']);
    expect(r.length + r.sending).toBe(0);
  });

  test('an overdue event goes out one at a time even while busy; a full buffer drops; flush sends the rest', async () => {
    const sent: string[] = [];
    const results: string[] = [];
    const r = new EventRecorder({
      log: quiet,
      maxDelayMs: 0,
      maxPending: 2,
      send: async (body) => {
        sent.push(body.reason);
        if (body.reason === 'Bad') throw new Error('refused');
      },
      busy: () => true,
      onResult: (x) => results.push(x),
    });
    r.record('a', { reason: 'A' });
    r.record('b', { reason: 'Bad' });
    r.record('c', { reason: 'C' });
    expect(r.sending).toBe(1); // overdue (maxDelayMs 0): one in flight while busy
    r.record('d', { reason: 'D' }); // buffer of 2 full: dropped
    await r.flush(60_000);
    expect(sent).toEqual(['A', 'Bad', 'C']);
    expect(results.sort()).toEqual(['dropped', 'failed', 'sent', 'sent']);
  });
});

describe('status contract', () => {
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    source: StatusSource.CONDITIONS,
    path: '.status.conditions',
    succeeded: ['Complete'],
    failed: ['Failed'],
    messagePath: '.status.conditions[?(@.type=="Failed")].message',
    completes: true,
  };
  const spark = {
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'SparkApplication',
    source: StatusSource.FIELD,
    path: '.status.applicationState.state',
    succeeded: ['COMPLETED'],
    failed: ['FAILED'],
    completes: true,
  };

  test('jsonPath reads fields, indexes and filters', () => {
    const o = { status: { conditions: [{ type: 'A', message: 'a' }, { type: 'Failed', message: 'boom' }] } };
    expect(jsonPath(o, '.status.conditions[1].type')).toEqual(['Failed']);
    expect(jsonPath(o, '.status.conditions[?(@.type=="Failed")].message')).toEqual(['boom']);
    expect(jsonPath(o, '.status.missing.x')).toEqual([]);
    expect(() => jsonPath(o, '.status..x')).toThrow('unsupported JSONPath: .status..x');
  });

  test('conditions: failed wins over succeeded, with the message', () => {
    const child = { status: { conditions: [{ type: 'Complete', status: 'False' }, { type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }] } };
    expect(childState(job, child)).toEqual({ state: 'failed', value: 'Failed', message: 'BackoffLimitExceeded' });
    expect(childState(job, { status: { conditions: [{ type: 'Complete', status: 'True' }] } })).toMatchObject({ state: 'succeeded', value: 'Complete' });
    expect(childState(job, { status: {} })).toEqual({ state: 'unknown', value: undefined, message: undefined });
    expect(childState(job, undefined)).toEqual({ state: 'unknown' });
  });

  test('state field', () => {
    expect(childState(spark, { status: { applicationState: { state: 'RUNNING' } } })).toMatchObject({ state: 'progressing', value: 'RUNNING' });
    expect(childState(spark, { status: { applicationState: { state: 'COMPLETED' } } })).toMatchObject({ state: 'succeeded' });
    expect(childState(spark, { status: { applicationState: { state: 'FAILED' } } })).toMatchObject({ state: 'failed' });
  });

  test('Ready / Progressing / Failed', () => {
    const types = (c: any[]) => c.map((x) => `${x.type}=${x.status}/${x.reason}`);
    expect(types(conditionsFor(job, 'BatchJob', { state: 'succeeded', value: 'Complete' }, 3))).toEqual(['Ready=True/Succeeded', 'Progressing=False/Succeeded', 'Failed=False/Succeeded']);
    expect(types(conditionsFor({ ...job, completes: false }, 'X', { state: 'succeeded', value: 'Complete' }, 3))).toEqual(['Ready=True/Ready', 'Progressing=False/Ready', 'Failed=False/Ready']);
    expect(types(conditionsFor(job, 'BatchJob', { state: 'failed', value: 'Failed' }, 3))).toEqual(['Ready=False/ChildFailed', 'Progressing=False/ChildFailed', 'Failed=True/ChildFailed']);
    expect(types(conditionsFor(job, 'BatchJob', { state: 'unknown' }, 3))).toEqual(['Ready=False/InProgress', 'Progressing=True/InProgress', 'Failed=False/InProgress']);
    expect(conditionsFor(job, 'BatchJob', { state: 'unknown' }, 3)[0]).toMatchObject({ observedGeneration: 3, message: 'BatchJob applied; waiting for the Job to report its state' });
  });

  test('lastTransitionTime is kept while a condition keeps its status', () => {
    const previous = [{ type: 'Ready', status: 'False' as const, reason: 'InProgress', message: '', lastTransitionTime: 'T0' }];
    expect(withTransitionTimes([{ type: 'Ready', status: 'False', reason: 'Other', message: '' }], previous, 'T1')[0].lastTransitionTime).toBe('T0');
    expect(withTransitionTimes([{ type: 'Ready', status: 'True', reason: 'Ready', message: '' }], previous, 'T1')[0].lastTransitionTime).toBe('T1');
  });
});

describe('comparison before applying', () => {
  test('fields the API server adds are ignored; a changed or missing field is not', () => {
    const desired = { spec: { backoffLimit: 2, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } };
    const live = { metadata: { uid: 'u' }, spec: { backoffLimit: 2, completions: 1, template: { spec: { containers: [{ name: 'c', image: 'i', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Never' } } } };
    expect(containsAll(live, desired)).toBe(true);
    expect(differingPaths(live, { spec: { backoffLimit: 3 } })).toEqual(['.spec.backoffLimit']);
    expect(differingPaths(live, { spec: { template: { spec: { containers: [{ name: 'c' }, { name: 'd' }] } } } })).toEqual(['.spec.template.spec.containers']);
    expect(differingPaths(live, { spec: { parallelism: 1 } })).toEqual(['.spec.parallelism']);
  });
});

describe('ownership', () => {
  const ref = { apiVersion: 'platform.ai.cdk8s.io/v1alpha1', kind: 'SparkJob', name: 's', uid: 'u1', controller: true };
  test('a namespaced child by its controller owner reference, a cluster-scoped one by its owner-uid label', () => {
    expect(ownedBy({ metadata: { namespace: 'n', ownerReferences: [ref] } }, 'u1')).toBe(true);
    expect(ownedBy({ metadata: { namespace: 'n', ownerReferences: [{ ...ref, controller: false }] } }, 'u1')).toBe(false);
    expect(ownedBy({ metadata: { namespace: 'n', ownerReferences: [ref] } }, 'u2')).toBe(false);
    expect(ownedBy({ metadata: { namespace: 'n', labels: { 'platform.ai.cdk8s.io/owner-uid': 'u1' } } }, 'u1')).toBe(false);
    expect(ownedBy({ metadata: { labels: { 'platform.ai.cdk8s.io/owner-uid': 'u1' } } }, 'u1')).toBe(true);
    expect(ownedBy({ metadata: {} }, 'u1')).toBe(false);
  });
});

describe('command line', () => {
  test('flags and defaults', () => {
    const f = parseFlags(['--namespaces=a,b', '--kubeconfig', '/k', '--concurrency', '4', '--metrics-port=9090', '--leader-elect', '--resync-period=30'], { POD_NAMESPACE: 'sys', POD_NAME: 'pod-1' });
    expect(f).toMatchObject({
      namespaces: ['a', 'b'],
      kubeconfig: '/k',
      concurrency: 4,
      metricsPort: 9090,
      leaderElect: true,
      resyncPeriodSeconds: 30,
      leaderElectionNamespace: 'sys',
      identity: 'pod-1',
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
    });
    expect(parseFlags([], {})).toMatchObject({ namespaces: [], concurrency: 8, metricsPort: 8080, leaderElect: false, leaderElectionNamespace: 'default', resyncPeriodSeconds: 600 });
  });

  test('invalid flags are refused with the usage', () => {
    expect(() => parseFlags(['--concurrency=0'], {})).toThrow(/^--concurrency: expected a number >= 1, got 0\nusage: cdk8s-ai-platform-controller/);
    expect(() => parseFlags(['--bogus'], {})).toThrow(/^unknown flag --bogus\nusage:/);
    expect(() => parseFlags(['--log-level=loud'], {})).toThrow(/^--log-level: loud/);
  });
});
