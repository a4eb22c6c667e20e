import { Testing } from 'cdk8s';
import {
  AdmissionFairSharingMode, BatchQueue, BatchQueueProps, FlavorFungibilityPolicy, FlavorMigrationMode, FlavorPreference, LabelSelectorOperator,
  QueueStopPolicy, ResourceQuota,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

const PATH = 'test/cq';

function props(extra: Partial<BatchQueueProps> = {}): BatchQueueProps {
  return {
    name: 'team-a',
    resourceGroups: [{
      flavors: [
        { flavor: { name: 'on-demand' }, quotas: [ResourceQuota.cpu('16'), ResourceQuota.memory('64Gi')] },
        { flavor: { name: 'spot' }, quotas: [ResourceQuota.cpu('32'), ResourceQuota.memory('128Gi')] },
      ],
    }],
    ...extra,
  };
}

function clusterQueueSpec(p: BatchQueueProps): any {
  const chart = Testing.chart();
  new BatchQueue(chart, 'cq', p);
  return synthValid(chart).find(o => o.kind === 'ClusterQueue').spec;
}

function make(p: Partial<BatchQueueProps>): () => BatchQueue {
  return () => new BatchQueue(Testing.chart(), 'cq', props(p));
}

// ------------------------------------------------------------------------------------------------
// Rendering
// ------------------------------------------------------------------------------------------------

test('an empty ClusterQueue (no resource groups) renders without resourceGroups and is schema-valid', () => {
  expect(clusterQueueSpec({ name: 'placeholder', cohort: 'org' })).toEqual({
    cohortName: 'org', namespaceSelector: {}, queueingStrategy: 'BestEffortFIFO',
  });
  expect(clusterQueueSpec({ name: 'placeholder', resourceGroups: [] })).toEqual({ namespaceSelector: {}, queueingStrategy: 'BestEffortFIFO' });
});

test('the whole v0.19.2 spec: fungibility, stop policy, admission checks, fair sharing, namespace selector, concurrent admission', () => {
  const spec = clusterQueueSpec(props({
    cohort: 'org',
    namespaceLabels: { team: 'a' },
    namespaceExpressions: [
      { key: 'env', operator: LabelSelectorOperator.IN, values: ['prod', 'staging'] },
      { key: 'frozen', operator: LabelSelectorOperator.DOES_NOT_EXIST },
    ],
    flavorFungibility: {
      whenCanBorrow: FlavorFungibilityPolicy.TRY_NEXT_FLAVOR,
      whenCanPreempt: FlavorFungibilityPolicy.TRY_NEXT_FLAVOR,
      preference: FlavorPreference.PREEMPTION_OVER_BORROWING,
    },
    stopPolicy: QueueStopPolicy.HOLD,
    admissionChecks: [{ name: 'provisioning' }, { name: 'spot-capacity', onFlavors: ['spot'] }],
    fairSharingWeight: 2,
    admissionFairSharing: AdmissionFairSharingMode.USAGE_BASED,
    concurrentAdmission: { mode: FlavorMigrationMode.TRY_PREFERRED_FLAVORS, lastAcceptableFlavor: 'on-demand' },
  }));
  expect(spec).toMatchObject({
    cohortName: 'org',
    namespaceSelector: {
      matchLabels: { team: 'a' },
      matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }, { key: 'frozen', operator: 'DoesNotExist' }],
    },
    flavorFungibility: { whenCanBorrow: 'TryNextFlavor', whenCanPreempt: 'TryNextFlavor', preference: 'PreemptionOverBorrowing' },
    stopPolicy: 'Hold',
    admissionChecksStrategy: { admissionChecks: [{ name: 'provisioning' }, { name: 'spot-capacity', onFlavors: ['spot'] }] },
    fairSharing: { weight: 2 },
    admissionScope: { admissionMode: 'UsageBasedAdmissionFairSharing' },
    concurrentAdmissionPolicy: { migration: { mode: 'TryPreferredFlavors', constraints: { lastAcceptableFlavorName: 'on-demand' } } },
  });
  expect(spec.admissionChecksStrategy.admissionChecks[0]).toEqual({ name: 'provisioning' });
});

test('a fractional fair-sharing weight is a quantity string; 0 is allowed', () => {
  expect(clusterQueueSpec(props({ fairSharingWeight: 0.5 })).fairSharing).toEqual({ weight: '0.5' });
  expect(clusterQueueSpec(props({ fairSharingWeight: 0 })).fairSharing).toEqual({ weight: 0 });
});

test('the stop policy is readable; only what is set is rendered', () => {
  const q = new BatchQueue(Testing.chart(), 'cq', props({ stopPolicy: QueueStopPolicy.HOLD_AND_DRAIN }));
  expect(q.stopPolicy).toBe(QueueStopPolicy.HOLD_AND_DRAIN);
  expect(new BatchQueue(Testing.chart(), 'cq', props()).stopPolicy).toBe(QueueStopPolicy.NONE);
  const spec = clusterQueueSpec(props({ flavorFungibility: { whenCanBorrow: FlavorFungibilityPolicy.TRY_NEXT_FLAVOR } }));
  expect(spec.flavorFungibility).toEqual({ whenCanBorrow: 'TryNextFlavor' });
  expect(spec.stopPolicy).toBeUndefined();
});

// ------------------------------------------------------------------------------------------------
// Validation
// ------------------------------------------------------------------------------------------------

test('enums are closed sets', () => {
  expectValidationError(make({ stopPolicy: 'Pause' as any }),
    `[${PATH}] stopPolicy: 'Pause' is not valid; must be one of QueueStopPolicy: 'None', 'Hold', 'HoldAndDrain'`);
  expectValidationError(make({ flavorFungibility: { whenCanBorrow: 'Borrow' as any } }),
    `[${PATH}] flavorFungibility.whenCanBorrow: 'Borrow' is not valid; must be one of FlavorFungibilityPolicy: 'MayStopSearch', 'TryNextFlavor'`);
  expectValidationError(make({ flavorFungibility: { preference: 'Any' as any } }),
    `[${PATH}] flavorFungibility.preference: 'Any' is not valid; must be one of FlavorPreference: 'BorrowingOverPreemption', 'PreemptionOverBorrowing'`);
  expectValidationError(make({ admissionFairSharing: 'On' as any }),
    `[${PATH}] admissionFairSharing: 'On' is not valid; must be one of AdmissionFairSharingMode: 'UsageBasedAdmissionFairSharing', 'NoAdmissionFairSharing'`);
  expectValidationError(make({ concurrentAdmission: { mode: 'Sticky' as any } }),
    `[${PATH}] concurrentAdmission.mode: 'Sticky' is not valid; must be one of FlavorMigrationMode: 'TryPreferredFlavors', 'RetainFirstAdmission'`);
  expectValidationError(make({ namespaceExpressions: [{ key: 'env', operator: 'Gt' as any, values: ['1'] }] }),
    `[${PATH}] namespaceExpressions[0].operator: 'Gt' is not valid; must be one of LabelSelectorOperator: 'In', 'NotIn', 'Exists', 'DoesNotExist'`);
});

test('a flavor preference needs both policies TRY_NEXT_FLAVOR (Kueue\'s CEL rule)', () => {
  const fungibility = { whenCanBorrow: FlavorFungibilityPolicy.TRY_NEXT_FLAVOR, preference: FlavorPreference.BORROWING_OVER_PREEMPTION };
  expectValidationError(make({ flavorFungibility: fungibility }),
    `[${PATH}] flavorFungibility.preference: 'BorrowingOverPreemption' is not valid; can only be set when both whenCanBorrow and whenCanPreempt are TRY_NEXT_FLAVOR`);
});

test('admission checks: names unique, flavors of this ClusterQueue, at most 64', () => {
  expectValidationError(make({ admissionChecks: [{ name: 'prov' }, { name: 'prov' }] }),
    `[${PATH}] admissionChecks[1].name: 'prov' is not valid; each AdmissionCheck may be listed only once`);
  expectValidationError(make({ admissionChecks: [{ name: 'prov', onFlavors: ['gpu'] }] }),
    `[${PATH}] admissionChecks[0].onFlavors[0]: 'gpu' is not valid; must be a flavor of this ClusterQueue: 'on-demand', 'spot'`);
  expectValidationError(make({ admissionChecks: [{ name: 'prov', onFlavors: ['spot', 'spot'] }] }),
    `[${PATH}] admissionChecks[0].onFlavors[1]: 'spot' is not valid; each flavor may be listed only once`);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'cq', { admissionChecks: [{ name: 'prov', onFlavors: ['spot'] }] }),
    `[${PATH}] admissionChecks[0].onFlavors[0]: 'spot' is not valid; this ClusterQueue has no flavors`);
  expectValidationError(make({ admissionChecks: [{ name: '' }] }),
    `[${PATH}] admissionChecks[0].name: '' is not valid; must be a non-empty string of at most 316 characters`);
  expectValidationError(make({ admissionChecks: Array.from({ length: 65 }, (_, i) => ({ name: `c${i}` })) }),
    /^\[test\/cq\] admissionChecks: \[.* is not valid; must be an array of 0 to 64 items$/);
});

test('fair-sharing weight: 0 or more than 10^-9, a plain decimal', () => {
  expectValidationError(make({ fairSharingWeight: -1 }), `[${PATH}] fairSharingWeight: -1 is not valid; must be a finite number at least 0`);
  expectValidationError(make({ fairSharingWeight: 1e-10 }), `[${PATH}] fairSharingWeight: 1e-10 is not valid; must be 0 or more than 10^-9`);
  expectValidationError(make({ fairSharingWeight: 1e-7 }),
    `[${PATH}] fairSharingWeight: 1e-7 is not valid; must be written as a plain decimal number (at most 9 decimal places)`);
});

test('namespace expressions: values by operator, label keys', () => {
  expectValidationError(make({ namespaceExpressions: [{ key: 'env', operator: LabelSelectorOperator.NOT_IN }] }),
    `[${PATH}] namespaceExpressions[0].values: [] is not valid; must be non-empty with operator NotIn`);
  expectValidationError(make({ namespaceExpressions: [{ key: 'env', operator: LabelSelectorOperator.EXISTS, values: ['x'] }] }),
    `[${PATH}] namespaceExpressions[0].values: ["x"] is not valid; must be empty with operator Exists`);
  expectValidationError(make({ namespaceExpressions: [{ key: 'bad key', operator: LabelSelectorOperator.EXISTS }] }),
    `[${PATH}] namespaceExpressions[0].key: 'bad key' is not valid; label keys are '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'`);
});

test('concurrent admission: the last acceptable flavor is a flavor of this queue, with TRY_PREFERRED_FLAVORS', () => {
  expectValidationError(make({ concurrentAdmission: { mode: FlavorMigrationMode.RETAIN_FIRST_ADMISSION, lastAcceptableFlavor: 'spot' } }),
    `[${PATH}] concurrentAdmission.lastAcceptableFlavor: 'spot' is not valid; is only used with mode TRY_PREFERRED_FLAVORS`);
  expectValidationError(make({ concurrentAdmission: { mode: FlavorMigrationMode.TRY_PREFERRED_FLAVORS, lastAcceptableFlavor: 'gpu' } }),
    `[${PATH}] concurrentAdmission.lastAcceptableFlavor: 'gpu' is not valid; must be a flavor of this ClusterQueue: 'on-demand', 'spot'`);
});

test('resource groups: at most 16', () => {
  const groups = Array.from({ length: 17 }, (_, i) => ({ flavors: [{ flavor: { name: `f${i}` }, quotas: [ResourceQuota.of(`example.com/r${i}`, '1')] }] }));
  expectValidationError(make({ resourceGroups: groups }), `[${PATH}] resourceGroups: '17 groups' is not valid; must have at most 16 resource groups`);
});
