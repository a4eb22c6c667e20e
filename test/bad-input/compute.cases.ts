import { Duration, Size } from 'cdk8s';
import { Cpu, TaintEffect } from 'cdk8s-plus-28';
import { BadInputCase, call, ref } from './harness';
import {
  Accelerator, BatchQueue, BorrowWithinCohortPreemption, CapacityType, ConsolidationPolicy, CpuArchitecture, ExistingGpuNodes, GpuInstances,
  GpuNodePool, KueueIntegration, LocalQueue, MigStrategy, NvidiaDevicePlugin, PodTemplate, QueueFlavors, QueueingStrategy,
  ReclaimWithinCohortPreemption, ResourceQuota, WithinClusterQueuePreemption, WorkloadPriorityClass,
} from '../../src';
import { addPodTemplateObject } from '../util';

const gpuNodePool: BadInputCase = {
  name: 'GpuNodePool',
  recipe: () => ({
    instances: call('GpuInstances.families', GpuInstances.families, ['g5', 'g6e']),
    nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod', amiAlias: 'al2023@latest', rootVolumeSize: Size.gibibytes(200) },
    name: 'gpu',
    capacityTypes: [CapacityType.ON_DEMAND, CapacityType.SPOT],
    architecture: CpuArchitecture.AMD64,
    zones: ['eu-west-1a'],
    taint: { key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE },
    labels: { 'example.com/team': 'ml' },
    gpuLimit: 32,
    cpuLimit: Cpu.units(512),
    memoryLimit: Size.gibibytes(2048),
    consolidationPolicy: ConsolidationPolicy.WHEN_EMPTY,
    consolidateAfter: Duration.minutes(5),
    disruptionBudgets: [{ nodes: '10%' }, { nodes: '0', schedule: '0 9 * * 1-5', duration: Duration.hours(8) }],
    expireAfter: Duration.days(30),
    weight: 10,
  }),
  build: (chart, props) => {
    new GpuNodePool(chart, 'pool', props);
  },
  extraBadValues: [{ path: /schedule$/, values: ['0 0 30 2 *', '61 * * * *', 'every day'] }, { path: /\(0\)\.0$/, values: ['p4d.24xlarge', 'x1'] }],
};

const devicePlugin: BadInputCase = {
  name: 'NvidiaDevicePlugin',
  setup: chart => ({
    pool: new GpuNodePool(chart, 'pool', { instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'c', role: 'r' } }),
  }),
  recipe: () => ({
    pools: [ref('pool')],
    name: 'nvidia-device-plugin',
    namespace: 'kube-system',
    migStrategy: MigStrategy.NONE,
    timeSlicingReplicas: 4,
    image: 'nvcr.io/nvidia/k8s-device-plugin:v0.19.3',
  }),
  build: (chart, props) => {
    new NvidiaDevicePlugin(chart, 'plugin', props);
  },
};

const existingNodes: BadInputCase = {
  name: 'ExistingGpuNodes',
  recipe: () => ({
    nodeLabels: { 'example.com/gpu': 'a100' },
    taints: [{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }],
    accelerator: call('Accelerator.nvidia', Accelerator.nvidia, { product: 'NVIDIA-A100-SXM4-80GB' }),
    acceleratorsPerNode: 8,
    name: 'a100',
  }),
  build: (chart, props) => {
    const nodes = new ExistingGpuNodes(chart, 'nodes', props);
    const template = new PodTemplate({ containers: [{ image: 'busybox:1.36', resources: { accelerator: Accelerator.nvidia({ count: 2 }) } }] });
    nodes.place(chart, template);
    addPodTemplateObject(chart, template);
  },
};

const batchQueue: BadInputCase = {
  name: 'BatchQueue + LocalQueue',
  namespace: 'ml-team',
  recipe: () => ({
    props: {
      name: 'research',
      cohort: 'ml-platform',
      queueingStrategy: QueueingStrategy.BEST_EFFORT_FIFO,
      namespaceLabels: { 'example.com/team': 'ml' },
      integrations: [KueueIntegration.BATCH_JOB, KueueIntegration.PYTORCH_JOB],
      preemption: {
        withinClusterQueue: WithinClusterQueuePreemption.LOWER_PRIORITY,
        reclaimWithinCohort: ReclaimWithinCohortPreemption.ANY,
        borrowWithinCohort: BorrowWithinCohortPreemption.LOWER_PRIORITY,
        borrowWithinCohortMaxPriorityThreshold: 100,
      },
      resourceGroups: [{
        flavors: [{
          flavor: call('QueueFlavors.forNodes', QueueFlavors.forNodes, {
            name: 'gpu-a100', nodeLabels: { 'karpenter.sh/nodepool': 'gpu-a100' }, taints: [{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }],
          }),
          quotas: [
            call('ResourceQuota.cpu', ResourceQuota.cpu, '96', { borrowingLimit: '32' }),
            call('ResourceQuota.memory', ResourceQuota.memory, '768Gi', { lendingLimit: '256Gi' }),
            call('ResourceQuota.nvidiaGpus', ResourceQuota.nvidiaGpus, 8),
          ],
        }, {
          flavor: call('QueueFlavors.forAccelerator', QueueFlavors.forAccelerator, Accelerator.nvidia({ product: 'NVIDIA-L4' }), { name: 'gpu-l4' }),
          quotas: [
            call('ResourceQuota.cpu', ResourceQuota.cpu, '32'),
            call('ResourceQuota.memory', ResourceQuota.memory, '128Gi'),
            call('ResourceQuota.accelerator', ResourceQuota.accelerator, Accelerator.nvidia(), 4),
          ],
        }],
      }, {
        flavors: [{ flavor: { name: 'default' }, quotas: [call('ResourceQuota.of', ResourceQuota.of, 'pods', '100')] }],
      }],
    },
    localQueue: { namespace: 'ml-team', name: 'research' },
    priority: { name: 'high', value: 1000, description: 'urgent' },
  }),
  build: (chart, p) => {
    const queue = new BatchQueue(chart, 'queue', p.props);
    const local = p.localQueue == null ? queue.addLocalQueue('ml-team') : queue.addLocalQueue(p.localQueue.namespace, p.localQueue.name);
    const priority = new WorkloadPriorityClass(chart, 'priority', p.priority);
    const template = new PodTemplate({ containers: [{ image: 'busybox:1.36' }] });
    local.admit(addPodTemplateObject(chart, template), priority);
  },
};

const localQueue: BadInputCase = {
  name: 'LocalQueue of an imported ClusterQueue',
  recipe: () => ({ clusterQueueName: 'platform-gpu', namespace: 'ml-team', name: 'gpu' }),
  build: (chart, p) => {
    const clusterQueue = BatchQueue.fromClusterQueueName(chart, 'platform', p.clusterQueueName);
    new LocalQueue(chart, 'local', { clusterQueue, namespace: p.namespace, name: p.name });
  },
};

export const cases: BadInputCase[] = [gpuNodePool, devicePlugin, existingNodes, batchQueue, localQueue];
