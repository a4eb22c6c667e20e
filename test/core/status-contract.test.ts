import {
  DataLoad, Dataset, InferenceGraph, InferenceService, SparkJob, StatusContract, StatusSource,
} from '../../src';

test('status sources are conditions or a state field', () => {
  expect(StatusSource.CONDITIONS).toBe('conditions');
  expect(StatusSource.FIELD).toBe('field');
});

test('every static contract reads its kind the same way', () => {
  const contracts: StatusContract[] = [
    SparkJob.STATUS, SparkJob.STREAMING_STATUS, SparkJob.SCHEDULED_STATUS, Dataset.STATUS, DataLoad.STATUS,
    InferenceService.STATUS, InferenceGraph.STATUS,
  ];
  expect(contracts.map(c => [c.kind, c.source, c.completes])).toEqual([
    ['SparkApplication', 'field', true],
    ['SparkApplication', 'field', false],
    ['ScheduledSparkApplication', 'field', false],
    ['Dataset', 'field', false],
    ['DataLoad', 'field', true],
    ['InferenceService', 'conditions', false],
    ['InferenceGraph', 'conditions', false],
  ]);
  for (const c of contracts) {
    expect(c.path).toMatch(/^\.status\./);
    expect(c.succeeded.length).toBeGreaterThan(0);
    // a value never means two outcomes
    const values = [...c.succeeded, ...c.failed, ...(c.inProgress ?? [])];
    expect(new Set(values).size).toBe(values.length);
  }
});
