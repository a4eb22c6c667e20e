import { ApiObject, Chart, Testing } from 'cdk8s';
import { TaintEffect } from 'cdk8s-plus-28';
import { Accelerator, BatchQueue, BatchQueueProps, BorrowWithinCohortPreemption, KueueIntegration, KueueIntegrations, LocalQueue, PodTemplate, QueueFlavor, QueueFlavors, QueueingStrategy, QuotaLimitOptions, ReclaimWithinCohortPreemption, ResourceQuota, WithinClusterQueuePreemption, WorkloadPriorityClass } from '../../src';
import { addPodTemplateObject, expectValidationError, synthValid } from '../util';

const GPU_FLAVOR: QueueFlavor = QueueFlavors.forNodes({
  name: 'gpu-a100',
  nodeLabels: { 'karpenter.sh/nodepool': 'gpu-a100' },
  taints: [{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }],
});

function simpleProps(extra: Partial<BatchQueueProps> = {}): BatchQueueProps {
  return {
    name: 'team-a',
    resourceGroups: [{
      flavors: [{
        flavor: GPU_FLAVOR,
        quotas: [ResourceQuota.cpu('32'), ResourceQuota.memory('256Gi'), ResourceQuota.nvidiaGpus(4)],
      }],
    }],
    ...extra,
  };
}

function byKind(objects: any[], kind: string): any[] {
  return objects.filter(o => o.kind === kind);
}

function gpuJob(chart: Chart, name = 'train'): ApiObject {
  const pod = new PodTemplate({
    containers: [{ image: 'ghcr.io/example/train:1.0', resources: { accelerator: Accelerator.nvidia({ count: 2 }) } }],
  });
  return addPodTemplateObject(chart, pod, { name });
}

// ------------------------------------------------------------------------------------------------
// Rendering
// ------------------------------------------------------------------------------------------------

test('renders a v1beta2 ClusterQueue with defaults and one ResourceFlavor per flavor', () => {
  const chart = Testing.chart();
  new BatchQueue(chart, 'queue', simpleProps());
  const objects = synthValid(chart);
  const [cq] = byKind(objects, 'ClusterQueue');
  expect(cq.apiVersion).toBe('kueue.x-k8s.io/v1beta2');
  expect(cq.metadata).toEqual({ name: 'team-a' });
  expect(cq.spec).toEqual({
    namespaceSelector: {},
    queueingStrategy: 'BestEffortFIFO',
    resourceGroups: [{
      coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
      flavors: [{
        name: 'gpu-a100',
        resources: [
          { name: 'cpu', nominalQuota: '32' },
          { name: 'memory', nominalQuota: '256Gi' },
          { name: 'nvidia.com/gpu', nominalQuota: '4' },
        ],
      }],
    }],
  });
  const flavors = byKind(objects, 'ResourceFlavor');
  expect(flavors).toEqual([{
    apiVersion: 'kueue.x-k8s.io/v1beta2',
    kind: 'ResourceFlavor',
    metadata: { name: 'gpu-a100' },
    spec: {
      nodeLabels: { 'karpenter.sh/nodepool': 'gpu-a100' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    },
  }]);
});

test('default name is derived from the construct path', () => {
  const chart = Testing.chart();
  const q = new BatchQueue(chart, 'queue', { ...simpleProps(), name: undefined });
  expect(q.name).toMatch(/^test-queue-[0-9a-f]{8}$/);
  synthValid(chart);
});

test('cohort, strategy, namespace labels, preemption, borrowing and lending limits', () => {
  const chart = Testing.chart();
  new BatchQueue(chart, 'queue', simpleProps({
    cohort: 'ml-platform',
    queueingStrategy: QueueingStrategy.STRICT_FIFO,
    namespaceLabels: { team: 'a' },
    preemption: {
      withinClusterQueue: WithinClusterQueuePreemption.LOWER_OR_NEWER_EQUAL_PRIORITY,
      reclaimWithinCohort: ReclaimWithinCohortPreemption.LOWER_PRIORITY,
      borrowWithinCohort: BorrowWithinCohortPreemption.LOWER_PRIORITY,
      borrowWithinCohortMaxPriorityThreshold: 100,
    },
    resourceGroups: [{
      flavors: [{
        flavor: GPU_FLAVOR,
        quotas: [ResourceQuota.cpu('32', { borrowingLimit: '8' }), ResourceQuota.nvidiaGpus(4, { lendingLimit: '2', borrowingLimit: '4' })],
      }],
    }],
  }));
  const [cq] = byKind(synthValid(chart), 'ClusterQueue');
  expect(cq.spec.cohortName).toBe('ml-platform');
  expect(cq.spec.queueingStrategy).toBe('StrictFIFO');
  expect(cq.spec.namespaceSelector).toEqual({ matchLabels: { team: 'a' } });
  expect(cq.spec.preemption).toEqual({
    withinClusterQueue: 'LowerOrNewerEqualPriority',
    reclaimWithinCohort: 'LowerPriority',
    borrowWithinCohort: { policy: 'LowerPriority', maxPriorityThreshold: 100 },
  });
  expect(cq.spec.resourceGroups[0].flavors[0].resources).toEqual([
    { name: 'cpu', nominalQuota: '32', borrowingLimit: '8' },
    { name: 'nvidia.com/gpu', nominalQuota: '4', borrowingLimit: '4', lendingLimit: '2' },
  ]);
});

test('flavors of a group are rendered in coveredResources order; accelerator quotas use Accelerator.resourceName', () => {
  const chart = Testing.chart();
  const mig = Accelerator.nvidiaMig('1g.10gb');
  const cpuFlavor = QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } });
  new BatchQueue(chart, 'queue', {
    resourceGroups: [{
      flavors: [
        { flavor: GPU_FLAVOR, quotas: [ResourceQuota.accelerator(mig, 14), ResourceQuota.cpu('16')] },
        { flavor: cpuFlavor, quotas: [ResourceQuota.cpu('64'), ResourceQuota.accelerator(mig, 0)] },
      ],
    }],
  });
  const objects = synthValid(chart);
  const [cq] = byKind(objects, 'ClusterQueue');
  expect(cq.spec.resourceGroups[0].coveredResources).toEqual(['nvidia.com/mig-1g.10gb', 'cpu']);
  expect(cq.spec.resourceGroups[0].flavors[1]).toEqual({
    name: 'cpu',
    resources: [{ name: 'nvidia.com/mig-1g.10gb', nominalQuota: '0' }, { name: 'cpu', nominalQuota: '64' }],
  });
  expect(byKind(objects, 'ResourceFlavor').map(f => f.metadata.name)).toEqual(['gpu-a100', 'cpu']);
});

test('QueueFlavors.forAccelerator selects the product and tolerates the NVIDIA taint; requireTolerations records nodeTaints', () => {
  const f = QueueFlavors.forAccelerator(Accelerator.nvidia({ product: 'NVIDIA-H100-80GB-HBM3' }), {
    name: 'h100', nodeLabels: { 'karpenter.sh/nodepool': 'h100' },
  });
  expect(f).toEqual({
    name: 'h100',
    nodeLabels: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3', 'karpenter.sh/nodepool': 'h100' },
    tolerations: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
  });
  expect(QueueFlavors.forAccelerator(Accelerator.amd(), { name: 'mi300' }).tolerations).toEqual([]);
  const strict = QueueFlavors.forNodes({
    name: 'spot', nodeLabels: { capacity: 'spot' }, taints: [{ key: 'spot', value: 'true', effect: TaintEffect.NO_SCHEDULE }], requireTolerations: true,
  });
  const chart = Testing.chart();
  new BatchQueue(chart, 'queue', { resourceGroups: [{ flavors: [{ flavor: strict, quotas: [ResourceQuota.cpu('1')] }] }] });
  const [rf] = byKind(synthValid(chart), 'ResourceFlavor');
  expect(rf.spec).toEqual({ nodeLabels: { capacity: 'spot' }, nodeTaints: [{ key: 'spot', value: 'true', effect: 'NoSchedule' }] });
});

test('ClusterQueues of a chart share a ResourceFlavor; a namespaced chart does not namespace cluster-scoped objects', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: 'ml' });
  new BatchQueue(chart, 'a', simpleProps({ name: 'a', cohort: 'c' }));
  new BatchQueue(chart, 'b', simpleProps({ name: 'b', cohort: 'c' }));
  new WorkloadPriorityClass(chart, 'prio', { name: 'high', value: 1000 });
  const objects = synthValid(chart);
  expect(byKind(objects, 'ResourceFlavor')).toHaveLength(1);
  for (const o of objects) expect(o.metadata.namespace).toBeUndefined();
});

test('LocalQueues in two namespaces; default name is the ClusterQueue name', () => {
  const chart = Testing.chart();
  const q = new BatchQueue(chart, 'queue', simpleProps());
  const a = q.addLocalQueue('ns-a');
  const b = q.addLocalQueue('ns-b', 'gpu');
  expect(a).toBeInstanceOf(LocalQueue);
  expect([a.name, a.namespace, b.name, b.namespace]).toEqual(['team-a', 'ns-a', 'gpu', 'ns-b']);
  const lqs = byKind(synthValid(chart), 'LocalQueue');
  expect(lqs).toEqual([
    { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'team-a', namespace: 'ns-a' }, spec: { clusterQueue: 'team-a' } },
    { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'gpu', namespace: 'ns-b' }, spec: { clusterQueue: 'team-a' } },
  ]);
});

test('WorkloadPriorityClass has top-level value and description', () => {
  const chart = Testing.chart();
  new WorkloadPriorityClass(chart, 'prio', { name: 'urgent', value: 10000, description: 'deadline runs' });
  const [wpc] = synthValid(chart);
  expect(wpc).toEqual({
    apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'WorkloadPriorityClass', metadata: { name: 'urgent' }, value: 10000, description: 'deadline runs',
  });
});

// ------------------------------------------------------------------------------------------------
// Admission of workloads
// ------------------------------------------------------------------------------------------------

test('admit() labels a batch/v1 Job with the queue and priority class and puts it in the queue namespace', () => {
  const chart = Testing.chart();
  const lq = new BatchQueue(chart, 'queue', simpleProps()).addLocalQueue('ml', 'gpu');
  const prio = new WorkloadPriorityClass(chart, 'prio', { name: 'high', value: 100 });
  lq.admit(gpuJob(chart), prio);
  const [job] = byKind(synthValid(chart), 'Job');
  expect(job.metadata.labels).toEqual({ 'kueue.x-k8s.io/queue-name': 'gpu', 'kueue.x-k8s.io/priority-class': 'high' });
  expect(job.metadata.namespace).toBe('ml');
  expect(job.spec.suspend).toBeUndefined();
  expect(lq.labels()).toEqual({ 'kueue.x-k8s.io/queue-name': 'gpu' });
});

test('admit() accepts a Deployment (pod integration) and a kind enabled explicitly', () => {
  const chart = Testing.chart();
  const lq = new BatchQueue(chart, 'queue', simpleProps({
    integrations: [...KueueIntegrations.defaults(), KueueIntegration.PYTORCH_JOB],
  })).addLocalQueue('ml', 'gpu');
  const pod = new PodTemplate({ containers: [{ image: 'ghcr.io/example/serve:1.0' }] });
  const dep = addPodTemplateObject(chart, pod, { kind: 'Deployment', name: 'serve' });
  lq.admit(dep);
  const pt = new ApiObject(chart, 'pt', { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'pt', namespace: 'ml' } });
  lq.admit(pt);
  expect(pt.metadata.getLabel('kueue.x-k8s.io/queue-name')).toBe('gpu');
  chart.node.tryRemoveChild('pt'); // a bare PyTorchJob (no spec) is not schema-valid; only its labels matter here
  const [d] = byKind(synthValid(chart), 'Deployment');
  expect(d.metadata.labels).toEqual({ 'kueue.x-k8s.io/queue-name': 'gpu' });
});

test('KueueIntegrations: v0.19.2 defaults and kind lookup', () => {
  expect(KueueIntegrations.defaults()).toEqual([
    'batch/job', 'kubeflow.org/mpijob', 'ray.io/rayjob', 'ray.io/raycluster', 'ray.io/rayservice', 'jobset.x-k8s.io/jobset',
    'workload.codeflare.dev/appwrapper', 'trainer.kubeflow.org/trainjob', 'pod', 'deployment', 'statefulset',
    'leaderworkerset.x-k8s.io/leaderworkerset',
  ]);
  expect(KueueIntegrations.forKind('v1', 'Pod')).toBe(KueueIntegration.POD);
  expect(KueueIntegrations.forKind('apps/v1', 'StatefulSet')).toBe(KueueIntegration.STATEFULSET);
  expect(KueueIntegrations.forKind('kubeflow.org/v2beta1', 'MPIJob')).toBe(KueueIntegration.MPI_JOB);
  expect(KueueIntegrations.forKind('kubeflow.org/v1', 'MPIJob')).toBeUndefined();
  expect(KueueIntegrations.forKind('v1', 'ConfigMap')).toBeUndefined();
});

// ------------------------------------------------------------------------------------------------
// Validation
// ------------------------------------------------------------------------------------------------

test('admit() rejects a kind whose integration is not enabled', () => {
  const chart = Testing.chart();
  const lq = new BatchQueue(chart, 'queue', simpleProps()).addLocalQueue('ml', 'gpu');
  const pt = new ApiObject(chart, 'pt', { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'pt' } });
  const e = expectValidationError(() => lq.admit(pt),
    /^\[test\/queue\/LocalQueue-ml-gpu\] workload\.kind: 'kubeflow\.org\/PyTorchJob' is not valid; Kueue integrations enabled for ClusterQueue 'team-a' manage batch\/Job, kubeflow\.org\/MPIJob, .*, apps\/Deployment, apps\/StatefulSet, leaderworkerset\.x-k8s\.io\/LeaderWorkerSet$/);
  expect(e.field).toBe('workload.kind');
  const cm = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
  expectValidationError(() => lq.admit(cm), /^\[test\/queue\/LocalQueue-ml-gpu\] workload\.kind: 'ConfigMap' is not valid; /);
  const only = new BatchQueue(chart, 'jobs-only', simpleProps({ name: 'jobs-only', integrations: [KueueIntegration.BATCH_JOB] })).addLocalQueue('ml');
  const pod = new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } });
  expectValidationError(() => only.admit(pod),
    /^\[test\/jobs-only\/LocalQueue-ml-jobs-only\] workload\.kind: 'Pod' is not valid; Kueue integrations enabled for ClusterQueue 'jobs-only' manage batch\/Job$/);
});

test('admit() rejects a workload in another namespace', () => {
  const chart = Testing.chart();
  const lq = new BatchQueue(chart, 'queue', simpleProps()).addLocalQueue('ml', 'gpu');
  const job = new ApiObject(chart, 'job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'other' } });
  expectValidationError(() => lq.admit(job),
    /^\[test\/queue\/LocalQueue-ml-gpu\] workload\.namespace: 'other' is not valid; a LocalQueue serves only workloads of its own namespace 'ml'$/);
});

test('empty flavors and quotas (an empty ClusterQueue, without resource groups, is valid: test/compute/cluster-queue-spec.test.ts)', () => {
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({ resourceGroups: [{ flavors: [] }] })),
    /^\[test\/queue\] resourceGroups\[0\]\.flavors: \[\] is not valid; must have at least one flavor$/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({ resourceGroups: [{ flavors: [{ flavor: GPU_FLAVOR, quotas: [] }] }] })),
    /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.quotas: \[\] is not valid; must give quota for at least one resource$/);
});

test('negative or non-quantity quotas', () => {
  const withQuota = (q: ResourceQuota) => simpleProps({ resourceGroups: [{ flavors: [{ flavor: GPU_FLAVOR, quotas: [q] }] }] });
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', withQuota(ResourceQuota.cpu('-1'))),
    /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.resources\[0\]\.nominalQuota: '-1' is not valid; must be a non-negative Kubernetes quantity/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', withQuota(ResourceQuota.memory('lots'))),
    /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.resources\[0\]\.nominalQuota: 'lots' is not valid; must be a non-negative Kubernetes quantity/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', withQuota(ResourceQuota.nvidiaGpus(-2))),
    /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.resources\[0\]\.nominalQuota: '-2' is not valid; /);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', { ...withQuota(ResourceQuota.cpu('4', { borrowingLimit: '2 cores' })), cohort: 'c' }),
    /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.resources\[0\]\.borrowingLimit: '2 cores' is not valid; /);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', { ...withQuota(ResourceQuota.cpu('4', { lendingLimit: '5' })), cohort: 'c' }),
    /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.resources\[0\]\.lendingLimit: '5' is not valid; must not exceed the nominal quota '4'$/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', withQuota(ResourceQuota.of('not a resource', '1'))),
    /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.resources\[0\]\.name: 'not a resource' is not valid; /);
});

test('borrowing or lending without a cohort', () => {
  const props = (limits: QuotaLimitOptions) => simpleProps({
    resourceGroups: [{ flavors: [{ flavor: GPU_FLAVOR, quotas: [ResourceQuota.nvidiaGpus(4, limits)] }] }],
  });
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', props({ borrowingLimit: '2' })),
    /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.resources\[0\]\.borrowingLimit: '2' is not valid; borrowing needs a cohort: set cohort or remove borrowingLimit$/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', props({ lendingLimit: '2' })),
    /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.resources\[0\]\.lendingLimit: '2' is not valid; lending needs a cohort: set cohort or remove lendingLimit$/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({ preemption: { reclaimWithinCohort: ReclaimWithinCohortPreemption.ANY } })),
    /^\[test\/queue\] preemption\.reclaimWithinCohort: 'Any' is not valid; needs a cohort: set cohort or use NEVER$/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({
    cohort: 'c', preemption: { borrowWithinCohort: BorrowWithinCohortPreemption.LOWER_PRIORITY },
  })), /^\[test\/queue\] preemption\.borrowWithinCohort: 'LowerPriority' is not valid; must be NEVER when reclaimWithinCohort is NEVER$/);
});

test('duplicate flavor names, resources covered twice, mismatched flavor resources', () => {
  const other = QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } });
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({
    resourceGroups: [
      { flavors: [{ flavor: GPU_FLAVOR, quotas: [ResourceQuota.nvidiaGpus(1)] }] },
      { flavors: [{ flavor: GPU_FLAVOR, quotas: [ResourceQuota.cpu('1')] }] },
    ],
  })), /^\[test\/queue\] resourceGroups\[1\]\.flavors\[0\]\.name: 'gpu-a100' is not valid; flavor names must be unique in a ClusterQueue; already used in resourceGroups\[0\]\.flavors\[0\]$/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({
    resourceGroups: [
      { flavors: [{ flavor: GPU_FLAVOR, quotas: [ResourceQuota.cpu('1'), ResourceQuota.nvidiaGpus(1)] }] },
      { flavors: [{ flavor: other, quotas: [ResourceQuota.cpu('1')] }] },
    ],
  })), /^\[test\/queue\] resourceGroups\[1\]\.coveredResources: 'cpu' is not valid; a resource may be covered by one resource group only; already covered by resourceGroups\[0\]$/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({
    resourceGroups: [{ flavors: [{ flavor: GPU_FLAVOR, quotas: [ResourceQuota.cpu('1'), ResourceQuota.cpu('2')] }] }],
  })), /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.resources\[1\]\.name: 'cpu' is not valid; each resource may have only one quota per flavor$/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({
    resourceGroups: [{
      flavors: [
        { flavor: GPU_FLAVOR, quotas: [ResourceQuota.cpu('1'), ResourceQuota.nvidiaGpus(1)] },
        { flavor: other, quotas: [ResourceQuota.cpu('1')] },
      ],
    }],
  })), /^\[test\/queue\] resourceGroups\[0\]\.flavors\[1\]\.quotas: \["cpu"\] is not valid; every flavor of a resource group must give quota for the same resources: cpu, nvidia\.com\/gpu$/);
  const chart = Testing.chart();
  new BatchQueue(chart, 'a', simpleProps({ name: 'a' }));
  expectValidationError(() => new BatchQueue(chart, 'b', simpleProps({
    name: 'b', resourceGroups: [{ flavors: [{ flavor: { name: 'gpu-a100', nodeLabels: { other: 'pool' } }, quotas: [ResourceQuota.cpu('1')] }] }],
  })), /^\[test\/b\] flavors\[0\]: 'gpu-a100' is not valid; a ResourceFlavor named 'gpu-a100' is already defined differently in this chart; give this flavor another name$/);
});

test('invalid names: ClusterQueue, cohort, flavor, node labels, LocalQueue name and namespace, priority class', () => {
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({ name: 'Team_A' })),
    /^\[test\/queue\] name: 'Team_A' is not valid; must be a DNS-1123 subdomain/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({ cohort: 'ML Platform' })),
    /^\[test\/queue\] cohort: 'ML Platform' is not valid; must be a DNS-1123 subdomain/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({
    resourceGroups: [{ flavors: [{ flavor: { name: 'GPU' }, quotas: [ResourceQuota.cpu('1')] }] }],
  })), /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.flavor\.name: 'GPU' is not valid; must be a DNS-1123 subdomain/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({
    resourceGroups: [{ flavors: [{ flavor: { name: 'gpu', nodeLabels: { pool: 'bad value' } }, quotas: [ResourceQuota.cpu('1')] }] }],
  })), /^\[test\/queue\] resourceGroups\[0\]\.flavors\[0\]\.flavor\.nodeLabels\.pool: 'bad value' is not valid; label values/);
  const q = new BatchQueue(Testing.chart(), 'queue', simpleProps());
  expectValidationError(() => q.addLocalQueue('ML'), /^\[test\/queue\] localQueue\.namespace: 'ML' is not valid; must be a DNS-1123 label/);
  expectValidationError(() => q.addLocalQueue('ml', 'gpu.queue'), /^\[test\/queue\] localQueue\.name: 'gpu\.queue' is not valid; must be a DNS-1123 label/);
  q.addLocalQueue('ml', 'gpu');
  expectValidationError(() => q.addLocalQueue('ml', 'gpu'),
    /^\[test\/queue\] localQueue: 'ml\/gpu' is not valid; each LocalQueue \(namespace\/name\) may be added only once$/);
  expectValidationError(() => new WorkloadPriorityClass(Testing.chart(), 'prio', { name: 'High', value: 1 }),
    /^\[test\/prio\] name: 'High' is not valid; must be a DNS-1123 label/);
  expectValidationError(() => new WorkloadPriorityClass(Testing.chart(), 'prio', { value: 1.5 }),
    /^\[test\/prio\] value: 1\.5 is not valid; must be a 32-bit integer$/);
  expectValidationError(() => new BatchQueue(Testing.chart(), 'queue', simpleProps({ integrations: [] })),
    /^\[test\/queue\] integrations: \[\] is not valid; must name at least one Kueue integration$/);
});

// ------------------------------------------------------------------------------------------------
// ClusterQueues another repository owns
// ------------------------------------------------------------------------------------------------

test('a team declares a LocalQueue for a ClusterQueue another repo owns, without re-emitting it', () => {
  const chart = Testing.chart();
  const platform = BatchQueue.fromClusterQueueName(chart, 'platform', 'gpu-batch');
  expect(platform.name).toBe('gpu-batch');
  expect(platform.integrations).toEqual(KueueIntegrations.defaults());
  const team = new LocalQueue(chart, 'queue', { clusterQueue: platform, namespace: 'ml-team', name: 'gpu' });
  const byDefault = new LocalQueue(chart, 'default-name', { clusterQueue: platform, namespace: 'ml-other' });
  expect(byDefault.name).toBe('gpu-batch');
  team.admit(gpuJob(chart));
  const objects = synthValid(chart);
  expect(objects.map(o => o.kind)).toEqual(['LocalQueue', 'LocalQueue', 'Job']);
  expect(objects[0]).toEqual({
    apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'gpu', namespace: 'ml-team' }, spec: { clusterQueue: 'gpu-batch' },
  });
  expect(objects[2].metadata).toEqual({ name: 'train', namespace: 'ml-team', labels: { 'kueue.x-k8s.io/queue-name': 'gpu' } });
});

test('an imported ClusterQueue checks admitted kinds against the integrations it is given', () => {
  const chart = Testing.chart();
  const platform = BatchQueue.fromClusterQueueName(chart, 'platform', 'gpu-batch', { integrations: [KueueIntegration.BATCH_JOB, KueueIntegration.PYTORCH_JOB] });
  const lq = new LocalQueue(chart, 'queue', { clusterQueue: platform, namespace: 'ml', name: 'gpu' });
  const pt = new ApiObject(chart, 'pt', { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'pt' } });
  lq.admit(pt);
  expect(pt.metadata.getLabel('kueue.x-k8s.io/queue-name')).toBe('gpu');
  const dep = addPodTemplateObject(chart, new PodTemplate({ containers: [{ image: 'ghcr.io/example/serve:1.0' }] }), { kind: 'Deployment', name: 'serve' });
  expectValidationError(() => lq.admit(dep),
    /^\[test\/queue\] workload\.kind: 'apps\/Deployment' is not valid; Kueue integrations enabled for ClusterQueue 'gpu-batch' manage batch\/Job, kubeflow\.org\/PyTorchJob$/);
});

test('error: an imported ClusterQueue needs a valid name and at least one integration', () => {
  expectValidationError(() => BatchQueue.fromClusterQueueName(Testing.chart(), 'platform', 'GPU Batch'),
    /^\[test\/platform\] clusterQueueName: 'GPU Batch' is not valid; must be a DNS-1123 subdomain/);
  expectValidationError(() => BatchQueue.fromClusterQueueName(Testing.chart(), 'platform', undefined as any),
    /^\[test\/platform\] clusterQueueName: undefined is not valid; must be the name of a ClusterQueue \(a DNS-1123 subdomain\)$/);
  expectValidationError(() => BatchQueue.fromClusterQueueName(Testing.chart(), 'platform', 'gpu', { integrations: [] }),
    /^\[test\/platform\] integrations: \[\] is not valid; must name at least one Kueue integration$/);
});

test('admit(..., { managedAs }) labels an object whose pods Kueue manages through another integration', () => {
  const chart = Testing.chart();
  const lq = new BatchQueue(chart, 'queue', simpleProps()).addLocalQueue('ml', 'gpu');
  const prio = new WorkloadPriorityClass(chart, 'prio', { name: 'high', value: 100 });
  const app = new ApiObject(chart, 'spark', { apiVersion: 'sparkoperator.k8s.io/v1beta2', kind: 'SparkApplication', metadata: { name: 'pi' } });
  // SparkApplication is not an enabled integration, but its driver and executor pods are managed as plain Pods
  expectValidationError(() => lq.admit(app), /^\[test\/queue\/LocalQueue-ml-gpu\] workload\.kind: 'sparkoperator\.k8s\.io\/SparkApplication' is not valid; /);
  lq.admit(app, prio, { managedAs: KueueIntegration.POD });
  expect(app.toJson().metadata).toEqual({
    name: 'pi', namespace: 'ml', labels: { 'kueue.x-k8s.io/queue-name': 'gpu', 'kueue.x-k8s.io/priority-class': 'high' },
  });
  const jobsOnly = new BatchQueue(chart, 'jobs-only', simpleProps({ name: 'jobs-only', integrations: [KueueIntegration.BATCH_JOB] })).addLocalQueue('ml');
  const app2 = new ApiObject(chart, 'spark2', { apiVersion: 'sparkoperator.k8s.io/v1beta2', kind: 'SparkApplication', metadata: { name: 'pi2' } });
  const e = expectValidationError(() => jobsOnly.admit(app2, undefined, { managedAs: KueueIntegration.POD }),
    /^\[test\/jobs-only\/LocalQueue-ml-jobs-only\] managedAs: 'Pod' is not valid; Kueue integrations enabled for ClusterQueue 'jobs-only' manage batch\/Job$/);
  expect(e.field).toBe('managedAs');
});

test('error: admit() takes an ApiObject; anything else is a ValidationError, not a TypeError', () => {
  const chart = Testing.chart();
  const lq = new BatchQueue(chart, 'queue', simpleProps()).addLocalQueue('ml', 'gpu');
  expectValidationError(() => lq.admit({ kind: 'Job' } as any),
    /^\[test\/queue\/LocalQueue-ml-gpu\] workload: \{.*\} is not valid; must be an ApiObject \(for a cdk8s-plus workload, pass ApiObject\.of\(workload\)\)$/);
});
