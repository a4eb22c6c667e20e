/**
 * Multi-node PyTorch DDP on the Training Operator v1: a PyTorchJob with 4 workers of 4 A10G GPUs each (one process
 * per GPU), placed on a Karpenter GPU pool (kept safe from consolidation) and submitted through a Kueue queue whose
 * ClusterQueue enables the `kubeflow.org/pytorchjob` integration (off in Kueue's defaults). Checkpoints go to a
 * shared claim; the dataset is mounted read-only.
 *
 *   npm run synth -- pytorch-ddp
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, BatchQueue, CleanPodPolicy, DistributedTraining, EnvVarValue, GpuInstances, GpuNodePool, KueueIntegration, KueueIntegrations,
  NvidiaDevicePlugin, QueueFlavors, ResourceQuota, TrainingBackend, TrainingFramework, PodVolume,
} from '../../src';

export class PyTorchDdpChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const pool = new GpuNodePool(this, 'a10g', {
      instances: GpuInstances.types(['g5.12xlarge']),
      gpuLimit: 16,
      nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod' },
    });
    new NvidiaDevicePlugin(this, 'device-plugin', { pools: [pool] });

    const queue = new BatchQueue(this, 'training-queue', {
      name: 'training',
      integrations: [...KueueIntegrations.defaults(), KueueIntegration.PYTORCH_JOB],
      resourceGroups: [{
        flavors: [{
          flavor: QueueFlavors.forPool(pool),
          quotas: [ResourceQuota.cpu('192'), ResourceQuota.memory('768Gi'), ResourceQuota.nvidiaGpus(16)],
        }],
      }],
    }).addLocalQueue('ml-team');

    new DistributedTraining(this, 'resnet-ddp', {
      name: 'resnet-ddp',
      backend: TrainingBackend.trainingOperatorV1({
        backoffLimit: 3,
        ttlAfterFinished: Duration.days(3),
        cleanPodPolicy: CleanPodPolicy.RUNNING,
      }),
      framework: TrainingFramework.pyTorch(),
      image: 'ghcr.io/example/resnet-ddp:1.2.0',
      command: ['torchrun', 'train.py', '--epochs=30', '--data=/data/imagenet'],
      env: { WANDB_API_KEY: EnvVarValue.fromSecretKey('wandb', 'api-key') },
      workers: 4,
      processesPerWorker: 4,
      resourcesPerWorker: { cpu: Cpu.units(40), memory: Size.gibibytes(160), accelerator: Accelerator.nvidia({ count: 4, product: 'NVIDIA-A10G' }) },
      volumeMounts: [{ volume: PodVolume.fromPersistentVolumeClaim('imagenet', 'imagenet', true), path: '/data/imagenet', readOnly: true }],
      checkpoints: { volume: PodVolume.fromPersistentVolumeClaim('checkpoints', 'resnet-checkpoints') },
      activeDeadline: Duration.hours(24),
      pool,
      queue,
    });
  }
}

const app = new App();
new PyTorchDdpChart(app, 'pytorch-ddp');
app.synth();
