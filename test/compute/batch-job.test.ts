import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  BatchJob, BatchJobProps, BatchQueue, CompletionMode, ExitCodeOperator, PodFailureAction, PodFailureRule, ResourceQuota,
  WorkloadPriorityClass,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

const PATH = 'test/job';

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'team-a' });
}

function job(props: Partial<BatchJobProps> = {}, c: Chart = chart()): BatchJob {
  return new BatchJob(c, 'job', {
    name: 'job',
    containers: [{ name: 'work', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', command: ['/bin/sh'], args: ['-c', 'sleep 60'] }],
    ...props,
  });
}

function spec(c: Chart): any {
  return synthValid(c).find(o => o.kind === 'Job').spec;
}

function queue(c: Chart) {
  const q = new BatchQueue(c, 'cq', {
    name: 'cluster-queue',
    resourceGroups: [{ flavors: [{ flavor: { name: 'default-flavor' }, quotas: [ResourceQuota.cpu('9'), ResourceQuota.memory('36Gi')] }] }],
  });
  return q.addLocalQueue('team-a', 'user-queue');
}

// ------------------------------------------------------------------------------------------------
// Rendering
// ------------------------------------------------------------------------------------------------

test('a plain Job: restricted pod, restartPolicy Never, nothing else set', () => {
  const c = chart();
  job({}, c);
  const s = spec(c);
  expect(Object.keys(s)).toEqual(['template']);
  expect(s.template.spec.restartPolicy).toBe('Never');
  expect(s.template.spec.containers[0].securityContext.allowPrivilegeEscalation).toBe(false);
});

test('parallelism, completions, indexed completion, backoff per index, deadlines, TTL, pod failure policy', () => {
  const c = chart();
  job({
    parallelism: 3,
    completions: 6,
    completionMode: CompletionMode.INDEXED,
    backoffLimit: 10,
    backoffLimitPerIndex: 2,
    maxFailedIndexes: 3,
    activeDeadline: Duration.hours(1),
    ttlAfterFinished: Duration.minutes(10),
    suspend: true,
    podFailurePolicy: [
      PodFailureRule.onExitCodes(PodFailureAction.FAIL_JOB, { operator: ExitCodeOperator.IN, values: [42, 3], containerName: 'work' }),
      PodFailureRule.onExitCodes(PodFailureAction.FAIL_INDEX, { operator: ExitCodeOperator.NOT_IN, values: [0, 1] }),
      PodFailureRule.onPodCondition(PodFailureAction.IGNORE, 'DisruptionTarget'),
    ],
  }, c);
  const s = spec(c);
  expect(s).toMatchObject({
    parallelism: 3,
    completions: 6,
    completionMode: 'Indexed',
    backoffLimit: 10,
    backoffLimitPerIndex: 2,
    maxFailedIndexes: 3,
    activeDeadlineSeconds: 3600,
    ttlSecondsAfterFinished: 600,
    suspend: true,
    podFailurePolicy: {
      rules: [
        { action: 'FailJob', onExitCodes: { containerName: 'work', operator: 'In', values: [3, 42] } },
        { action: 'FailIndex', onExitCodes: { operator: 'NotIn', values: [0, 1] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    },
  });
});

test('a queued Job carries the queue label and is in the queue namespace; suspend is left to Kueue unless set', () => {
  const c = chart();
  const q = queue(c);
  const prio = new WorkloadPriorityClass(c, 'prio', { name: 'high', value: 1000 });
  job({ queue: q, priorityClass: prio, parallelism: 3, completions: 3 }, c);
  const j = synthValid(c).find(o => o.kind === 'Job');
  expect(j.metadata.labels).toEqual({ 'kueue.x-k8s.io/queue-name': 'user-queue', 'kueue.x-k8s.io/priority-class': 'high' });
  expect(j.metadata.namespace).toBe('team-a');
  expect(j.spec.suspend).toBeUndefined();
  const c2 = chart();
  job({ queue: queue(c2), suspend: true }, c2);
  expect(spec(c2).suspend).toBe(true);
});

test('the queue counts parallelism × the pod: a Job larger than the ClusterQueue fails at synth', () => {
  const c = chart();
  const q = queue(c);
  job({ queue: q, parallelism: 10, containers: [{ name: 'work', image: 'busybox:1.36', resources: { cpu: Cpu.units(1), memory: Size.mebibytes(200) } }] }, c);
  expectValidationError(() => Testing.synth(c),
    "[test/job] queue: 'cluster-queue' is not valid; the Job requests 10 cpu in total over its 10 pods, but ClusterQueue 'cluster-queue' can admit at most 9 "
    + '(its nominal quota and borrowing limit): Kueue would keep it pending forever; raise the quota or request less');
});

test('the status contract and primary container', () => {
  const j = job();
  expect(j.statusContract).toBe(BatchJob.STATUS);
  expect(j.statusContract.succeeded).toEqual(['Complete']);
  expect(j.primaryContainerName).toBe('work');
  expect(j.podTemplates).toHaveLength(1);
});

test('a late change through the pod template counts', () => {
  const c = chart();
  const j = job({}, c);
  j.podTemplates[0].placement.selectNodeLabel('pool', 'batch');
  expect(spec(c).template.spec.nodeSelector).toEqual({ pool: 'batch' });
});

// ------------------------------------------------------------------------------------------------
// Validation
// ------------------------------------------------------------------------------------------------

test('containers are required', () => {
  expectValidationError(() => job({ containers: [] }), `[${PATH}] containers: [] is not valid; a Job needs at least one container`);
});

test.each([
  ['parallelism', -1, 'must be an integer of at least 0'],
  ['completions', 1.5, 'must be an integer of at least 0'],
  ['backoffLimit', -1, 'must be an integer of at least 0'],
  ['suspend', 'yes', 'must be true or false'],
])('%s: %p is refused', (field, value, accepted) => {
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  expectValidationError(() => job({ [field]: value } as any), `[${PATH}] ${field}: ${shown} is not valid; ${accepted}`);
});

test('completionMode is a CompletionMode', () => {
  expectValidationError(() => job({ completionMode: 'Sparse' as any }),
    `[${PATH}] completionMode: 'Sparse' is not valid; must be one of CompletionMode: 'NonIndexed', 'Indexed'`);
});

test('indexed completion needs completions, at most 100000', () => {
  expectValidationError(() => job({ completionMode: CompletionMode.INDEXED }),
    `[${PATH}] completions: undefined is not valid; required with CompletionMode.INDEXED (the number of indexes)`);
  expectValidationError(() => job({ completionMode: CompletionMode.INDEXED, completions: 100001 }),
    `[${PATH}] completions: 100001 is not valid; must be at most 100000 with CompletionMode.INDEXED`);
  expectValidationError(() => job({ completionMode: CompletionMode.INDEXED, completions: 4, parallelism: 100001 }),
    `[${PATH}] parallelism: 100001 is not valid; must be at most 100000 with CompletionMode.INDEXED`);
});

test('backoffLimitPerIndex needs indexed completion; maxFailedIndexes needs it and at most completions', () => {
  expectValidationError(() => job({ backoffLimitPerIndex: 1 }),
    `[${PATH}] backoffLimitPerIndex: 1 is not valid; needs completionMode CompletionMode.INDEXED`);
  expectValidationError(() => job({ completionMode: CompletionMode.INDEXED, completions: 4, maxFailedIndexes: 1 }),
    `[${PATH}] maxFailedIndexes: 1 is not valid; needs backoffLimitPerIndex`);
  expectValidationError(() => job({ completionMode: CompletionMode.INDEXED, completions: 4, backoffLimitPerIndex: 1, maxFailedIndexes: 5 }),
    `[${PATH}] maxFailedIndexes: 5 is not valid; must be at most completions (4)`);
});

test('activeDeadline is at least a second; ttlAfterFinished whole seconds', () => {
  expectValidationError(() => job({ activeDeadline: Duration.seconds(0) }),
    `[${PATH}] activeDeadline: '0 seconds' is not valid; must be from 1 to 3153600000 seconds`);
  expectValidationError(() => job({ ttlAfterFinished: Duration.millis(1500) }),
    `[${PATH}] ttlAfterFinished: '1500ms' is not valid; must be a whole number of seconds`);
});

test('a queued Job cannot be created unsuspended; a priority class needs a queue', () => {
  const c = chart();
  const q = queue(c);
  expectValidationError(() => job({ queue: q, suspend: false }, c),
    `[${PATH}] suspend: false is not valid; a queued Job is created suspended and resumed by Kueue when admitted; leave suspend unset (or true), or remove queue`);
  const c2 = chart();
  const prio = new WorkloadPriorityClass(c2, 'prio', { name: 'high', value: 1000 });
  expectValidationError(() => job({ priorityClass: prio }, c2),
    `[${PATH}] priorityClass: 'high' is not valid; a Kueue WorkloadPriorityClass applies only to queued workloads; also set queue`);
});

test('pod failure policy rules', () => {
  expectValidationError(() => job({
    podFailurePolicy: [
      PodFailureRule.onExitCodes(PodFailureAction.FAIL_INDEX, { operator: ExitCodeOperator.IN, values: [1] }),
    ],
  }),
  `[${PATH}] podFailurePolicy[0].action: 'FailIndex' is not valid; FailIndex needs backoffLimitPerIndex`);
  expectValidationError(() => job({
    podFailurePolicy: [
      PodFailureRule.onExitCodes(PodFailureAction.FAIL_JOB, { operator: ExitCodeOperator.IN, values: [0, 1] }),
    ],
  }),
  `[${PATH}] podFailurePolicy[0].onExitCodes.values: [0,1] is not valid; must not contain 0 with operator IN (a pod that exits 0 has not failed)`);
  expectValidationError(() => job({
    podFailurePolicy: [
      PodFailureRule.onExitCodes(PodFailureAction.FAIL_JOB, { operator: ExitCodeOperator.IN, values: [] }),
    ],
  }),
  `[${PATH}] podFailurePolicy[0].onExitCodes.values: [] is not valid; must be an array of 1 to 255 items`);
  expectValidationError(() => job({
    podFailurePolicy: [
      PodFailureRule.onExitCodes(PodFailureAction.COUNT, { operator: ExitCodeOperator.NOT_IN, values: [2, 2] }),
    ],
  }),
  `[${PATH}] podFailurePolicy[0].onExitCodes.values: [2,2] is not valid; must not repeat an exit code`);
  expectValidationError(() => job({
    podFailurePolicy: [
      PodFailureRule.onExitCodes(PodFailureAction.COUNT, { operator: ExitCodeOperator.IN, values: [256] }),
    ],
  }),
  `[${PATH}] podFailurePolicy[0].onExitCodes.values[0]: 256 is not valid; must be an integer from 0 to 255`);
  expectValidationError(() => job({
    podFailurePolicy: [
      PodFailureRule.onPodCondition(PodFailureAction.IGNORE, 'DisruptionTarget', 'yes'),
    ],
  }),
  `[${PATH}] podFailurePolicy[0].onPodConditions[0].status: 'yes' is not valid; must be one of 'True', 'False', 'Unknown'`);
  expectValidationError(() => job({ podFailurePolicy: Array(21).fill(PodFailureRule.onPodCondition(PodFailureAction.IGNORE, 'DisruptionTarget')) }),
    /^\[test\/job\] podFailurePolicy: \[.* is not valid; must be an array of 0 to 20 items$/);
});
