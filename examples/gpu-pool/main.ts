/**
 * Karpenter GPU node pools, the NVIDIA device plugin (one of them with time-slicing), and GPU workloads
 * placed on them: a fine-tuning Job (protected from consolidation, submitted through a Kueue queue) and a
 * Deployment on time-sliced GPUs.
 *
 *   npm run synth -- gpu-pool
 */
import { ApiObject, App, Chart, ChartProps, Size } from 'cdk8s';
import { Cpu, RestartPolicy } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator, BatchQueue, CapacityType, GpuInstances, GpuNodePool, GpuSharing, NvidiaDevicePlugin, PodTemplate, QueueFlavors, ResourceQuota } from '../../src';

export class GpuPoolChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const pool = new GpuNodePool(this, 'a10g', {
      instances: GpuInstances.families(['g5']),
      capacityTypes: [CapacityType.ON_DEMAND, CapacityType.SPOT],
      zones: ['us-east-1a', 'us-east-1b'],
      gpuLimit: 32,
      nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod' },
    });

    // Small models share L4 GPUs: each GPU is advertised 4 times as nvidia.com/gpu.shared.
    const shared = new GpuNodePool(this, 'l4-shared', {
      instances: GpuInstances.types(['g6.xlarge', 'g6.2xlarge']),
      gpuLimit: 8,
      nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod' },
    });

    new NvidiaDevicePlugin(this, 'device-plugin', { pools: [pool] });
    new NvidiaDevicePlugin(this, 'device-plugin-shared', { name: 'nvidia-device-plugin-shared', pools: [shared], timeSlicingReplicas: 4 });

    // Batch work on the A10G pool goes through a Kueue queue with a quota matching the pool's limit.
    const a10g = Accelerator.nvidia({ product: 'NVIDIA-A10G' });
    const queue = new BatchQueue(this, 'gpu-queue', {
      name: 'gpu-batch',
      resourceGroups: [{
        flavors: [{
          flavor: QueueFlavors.forPool(pool),
          quotas: [ResourceQuota.cpu('384'), ResourceQuota.memory('1536Gi'), ResourceQuota.accelerator(a10g, 32)],
        }],
      }],
    });
    const teamQueue = queue.addLocalQueue('ml-team', 'gpu');

    const train = new PodTemplate({
      restartPolicy: RestartPolicy.NEVER,
      sharedMemory: true,
      containers: [{
        image: 'ghcr.io/example/finetune:0.3.0',
        args: ['--epochs', '3'],
        resources: { cpu: Cpu.units(8), memory: Size.gibibytes(32), accelerator: Accelerator.nvidia({ count: 4, product: 'NVIDIA-A10G' }) },
      }],
    });
    pool.place(this, train, { runToCompletion: true });
    const job = new ApiObject(this, 'finetune', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'finetune', namespace: 'ml-team' },
      spec: { backoffLimit: 1, template: train.toPodTemplateSpec(this, 'trainer') },
    });
    teamQueue.admit(job);

    const labels = { 'app.kubernetes.io/name': 'notebook-inference' };
    const serve = new PodTemplate({
      labels,
      containers: [{
        image: 'ghcr.io/example/small-model-server:1.0.0',
        ports: [{ number: 8080, name: 'http' }],
        resources: { cpu: Cpu.units(1), memory: Size.gibibytes(4), accelerator: Accelerator.nvidia({ sharing: GpuSharing.TIME_SLICING }) },
      }],
    });
    shared.place(this, serve);
    new ApiObject(this, 'notebook-inference', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'notebook-inference', namespace: 'ml-team' },
      spec: { replicas: 3, selector: { matchLabels: labels }, template: serve.toPodTemplateSpec(this, 'server') },
    });
  }
}

const app = new App();
new GpuPoolChart(app, 'gpu-pool');
app.synth();
