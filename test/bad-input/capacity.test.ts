/**
 * Capacity and cross-object checks at synth: a job's pods summed against its queue's quota, quotas a flavor's pool
 * cannot offer, MIG profiles that do not exist, a gang larger than the job.
 */
import { ApiObject, App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, BatchQueue, DistributedTraining, GpuInstances, GpuSharing, GpuNodePool, KueueIntegration, KueueIntegrations, NvidiaDevicePlugin,
  QueueFlavors, ResourceQuota, TrainingBackend, TrainingFramework,
} from '../../src';
import { workloadDemand } from '../../src/compute/queue-demand';
import { expectValidationError } from '../util';

const gpuJob = (chart: Chart, parallelism: number, gpus: number, name = 'train') => new ApiObject(chart, name, {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: {
    parallelism,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', resources: { limits: { 'nvidia.com/gpu': String(gpus) }, requests: { cpu: '2', memory: '8Gi' } } }] } },
  },
});

const queue = (chart: Chart, gpus: number, options: { cohort?: string; borrowingLimit?: string } = {}) => new BatchQueue(chart, 'queue', {
  name: 'gpu',
  cohort: options.cohort,
  integrations: [...KueueIntegrations.defaults(), KueueIntegration.PYTORCH_JOB],
  resourceGroups: [{
    flavors: [{
      flavor: QueueFlavors.forNodes({ name: 'a10g', nodeLabels: { pool: 'a10g' } }),
      quotas: [ResourceQuota.cpu('64'), ResourceQuota.memory('256Gi'), ResourceQuota.nvidiaGpus(gpus, { borrowingLimit: options.borrowingLimit })],
    }],
  }],
}).addLocalQueue('team-a');

describe('a job against the quota of its queue', () => {
  test('more GPUs over all pods than the ClusterQueue can ever admit is an error at synth', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    queue(chart, 8).admit(gpuJob(chart, 3, 4));
    expectValidationError(() => app.synthYaml(), "[c] queue: 'gpu' is not valid; the Job requests 12 nvidia.com/gpu in total over its 3 pods, "
      + "but ClusterQueue 'gpu' can admit at most 8 (its nominal quota and borrowing limit): Kueue would keep it pending forever; raise the quota or request less");
  });

  test('CPU is summed over the pods too', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    queue(chart, 64).admit(gpuJob(chart, 40, 1));
    expectValidationError(() => app.synthYaml(), "[c] queue: 'gpu' is not valid; the Job requests 80 cpu in total over its 40 pods, "
      + "but ClusterQueue 'gpu' can admit at most 64 (its nominal quota and borrowing limit): Kueue would keep it pending forever; raise the quota or request less");
  });

  test('a job that fits, or a queue that may borrow without limit, passes', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    queue(chart, 8).admit(gpuJob(chart, 2, 4));
    expect(() => app.synthYaml()).not.toThrow();
    const app2 = new App();
    const chart2 = new Chart(app2, 'c', { namespace: 'team-a' });
    queue(chart2, 8, { cohort: 'ml' }).admit(gpuJob(chart2, 4, 4));
    expect(() => app2.synthYaml()).not.toThrow();
  });

  test('the borrowing limit counts', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    queue(chart, 8, { cohort: 'ml', borrowingLimit: '4' }).admit(gpuJob(chart, 4, 4));
    expectValidationError(() => app.synthYaml(), "[c] queue: 'gpu' is not valid; the Job requests 16 nvidia.com/gpu in total over its 4 pods, "
      + "but ClusterQueue 'gpu' can admit at most 12 (its nominal quota and borrowing limit): Kueue would keep it pending forever; raise the quota or request less");
  });

  test('a distributed training counts all its replicas', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    new DistributedTraining(chart, 'ddp', {
      name: 'ddp',
      backend: TrainingBackend.trainingOperatorV1(),
      framework: TrainingFramework.pyTorch(),
      image: 'ghcr.io/example/ddp:1.0',
      workers: 4,
      resourcesPerWorker: { cpu: Cpu.units(8), memory: Size.gibibytes(32), accelerator: Accelerator.nvidia({ count: 4 }) },
      queue: queue(chart, 8),
    });
    expectValidationError(() => app.synthYaml(), "[c/ddp] queue: 'gpu' is not valid; the PyTorchJob requests 16 nvidia.com/gpu in total over its 4 pods, "
      + "but ClusterQueue 'gpu' can admit at most 8 (its nominal quota and borrowing limit): Kueue would keep it pending forever; raise the quota or request less");
  });
});

test('workloadDemand multiplies replicas and parallelism down to the pods (JobSet) and counts TrainJob nodes', () => {
  const jobSet = {
    spec: {
      replicatedJobs: [{
        name: 'w',
        replicas: 2,
        template: { spec: { parallelism: 3, template: { spec: { containers: [{ name: 'a', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' } } }] } } } },
      }],
    },
  };
  const d = workloadDemand(jobSet);
  expect(d.pods).toBe(6);
  expect(d.total.get('nvidia.com/gpu')).toBe(6);
  const trainJob = workloadDemand({ spec: { trainer: { numNodes: 3, resourcesPerNode: { requests: { cpu: '500m' }, limits: { 'nvidia.com/gpu': '2' } } } } });
  expect(trainJob.pods).toBe(3);
  expect(trainJob.total.get('cpu')).toBe(1.5);
  expect(trainJob.total.get('nvidia.com/gpu')).toBe(6);
});

describe('quotas a flavor cannot offer', () => {
  test('whole GPUs on a pool whose GPUs are time-sliced', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const pool = new GpuNodePool(chart, 'pool', { name: 'shared', instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'c', role: 'r' } });
    new BatchQueue(chart, 'queue', {
      name: 'gpu',
      resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forPool(pool), quotas: [ResourceQuota.cpu('64'), ResourceQuota.nvidiaGpus(8)] }] }],
    });
    new NvidiaDevicePlugin(chart, 'plugin', { pools: [pool], timeSlicingReplicas: 4 });
    expectValidationError(() => app.synthYaml(), "[c/queue] resourceGroups[0].flavors[0].resources[1].name: 'nvidia.com/gpu' is not valid; "
      + "flavor 'shared' is node pool 'shared', which offers 'nvidia.com/gpu.shared' (its GPUs are time-sliced by the device plugin); "
      + 'give quota for what the pool offers, or no workload can use it');
  });

  test('the shared GPUs the time-sliced pool offers are fine', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const pool = new GpuNodePool(chart, 'pool', { name: 'shared', instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'c', role: 'r' } });
    new NvidiaDevicePlugin(chart, 'plugin', { pools: [pool], timeSlicingReplicas: 4 });
    new BatchQueue(chart, 'queue', {
      name: 'gpu',
      resourceGroups: [{
        flavors: [{
          flavor: QueueFlavors.forPool(pool),
          quotas: [ResourceQuota.accelerator(Accelerator.nvidia({ sharing: GpuSharing.TIME_SLICING }), 32)],
        }],
      }],
    });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('a MIG profile no GPU has', () => {
    const chart = new Chart(new App(), 'c');
    expectValidationError(() => new BatchQueue(chart, 'queue', {
      name: 'mig',
      resourceGroups: [{ flavors: [{ flavor: { name: 'mig' }, quotas: [ResourceQuota.accelerator(Accelerator.nvidiaMig('3g.30gb'), 2)] }] }],
    }), new RegExp("^\\[c/queue\\] resourceGroups\\[0\\]\\.flavors\\[0\\]\\.resources\\[0\\]\\.name: 'nvidia\\.com/mig-3g\\.30gb' is not valid; "
      + "no NVIDIA GPU offers MIG profile '3g\\.30gb'; profiles are '1g\\.6gb', "));
  });
});

test('a gang larger than the job is an error', () => {
  const chart = new Chart(new App(), 'c', { namespace: 'team-a' });
  expectValidationError(() => new DistributedTraining(chart, 'ddp', {
    name: 'ddp',
    backend: TrainingBackend.trainingOperatorV1({ gangScheduling: { minAvailable: 5 } }),
    image: 'ghcr.io/example/ddp:1.0',
    workers: 4,
  }), "[c/ddp] backend.gangScheduling.minAvailable: 5 is not valid; must not exceed the job's 4 pods: a gang larger than the job is never scheduled");
});

describe('a pod against the largest instance of its pool', () => {
  const place = (instances: GpuInstances, cpu: number, memoryGi: number, limits: { cpuLimit?: Cpu; memoryLimit?: Size } = {}) => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    const pool = new GpuNodePool(chart, 'pool', { name: 'gpu', instances, nodeClass: { clusterName: 'c', role: 'r' }, ...limits });
    new DistributedTraining(chart, 'ddp', {
      name: 'ddp',
      image: 'ghcr.io/example/ddp:1.0',
      resourcesPerWorker: { cpu: Cpu.units(cpu), memory: Size.gibibytes(memoryGi), accelerator: Accelerator.nvidia({ count: 1 }) },
      pool,
    });
    return () => app.synthYaml();
  };
  test('more CPU than any instance of the pool has', () => {
    expectValidationError(place(GpuInstances.types(['g5.xlarge', 'g5.2xlarge']), 12, 16), "[c/ddp] resourcesPerWorker.cpu: '12' is not valid; "
      + "the pod requests 12 cpu but the largest instance node pool 'gpu' may launch has 8 vCPUs and 32Gi of memory; no node of the pool can run it");
  });
  test('more memory than any instance of the pool has', () => {
    expectValidationError(place(GpuInstances.families(['g5']), 8, 1024), "[c/ddp] resourcesPerWorker.memory: '1024Gi' is not valid; "
      + "the pod requests 1024Gi memory but the largest instance node pool 'gpu' may launch has 192 vCPUs and 768Gi of memory; no node of the pool can run it");
  });
  test('the pool limits count too', () => {
    expectValidationError(place(GpuInstances.families(['g5']), 64, 64, { cpuLimit: Cpu.units(32) }), "[c/ddp] resourcesPerWorker.cpu: '64' is not valid; "
      + "the pod requests 64 cpu but the largest instance node pool 'gpu' may launch has 192 vCPUs and 768Gi of memory and the pool's cpuLimit is 32; "
      + 'no node of the pool can run it');
  });
  test('a pod that fits passes', () => {
    expect(place(GpuInstances.families(['g5']), 40, 160)).not.toThrow();
  });
});
