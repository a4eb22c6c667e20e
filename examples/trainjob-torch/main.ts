/**
 * Kubeflow Trainer v2: a multi-node PyTorch TrainJob on the built-in `torch-distributed` runtime and a LoRA
 * fine-tune of Llama 3.2 1B Instruct on the built-in torchtune runtime, both on a GPU pool and submitted through
 * a Kueue queue (TrainJob is one of Kueue's default integrations). The pods' security context, placement and
 * volumes reach the runtime's jobs through TrainJob runtime patches.
 *
 *   npm run synth -- trainjob-torch
 */
import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, BatchQueue, DistributedTraining, EnvVarValue, FineTuning, GpuInstances, GpuNodePool, QueueFlavors, ResourceQuota, TrainingBackend,
  PodVolume,
} from '../../src';

export class TrainJobTorchChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const pool = new GpuNodePool(this, 'l40s', {
      instances: GpuInstances.families(['g6e']),
      gpuLimit: 16,
      nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod' },
    });
    const queue = new BatchQueue(this, 'queue', {
      name: 'trainer',
      resourceGroups: [{
        flavors: [{ flavor: QueueFlavors.forPool(pool), quotas: [ResourceQuota.cpu('256'), ResourceQuota.memory('1Ti'), ResourceQuota.nvidiaGpus(16)] }],
      }],
    }).addLocalQueue('ml-team');

    new DistributedTraining(this, 'mnist', {
      name: 'mnist-ddp',
      backend: TrainingBackend.trainerV2(),
      image: 'ghcr.io/example/mnist-ddp:0.4.0',
      command: ['torchrun', '/app/train.py', '--epochs=5'],
      workers: 2,
      processesPerWorker: 2,
      resourcesPerWorker: { cpu: Cpu.units(8), memory: Size.gibibytes(32), accelerator: Accelerator.nvidia({ count: 2 }) },
      checkpoints: { volume: PodVolume.fromPersistentVolumeClaim('checkpoints', 'mnist-checkpoints') },
      pool,
      queue,
    });

    new FineTuning(this, 'llama-lora', {
      name: 'llama-alpaca-lora',
      backend: TrainingBackend.trainerV2(),
      model: { uri: 'hf://meta-llama/Llama-3.2-1B-Instruct' },
      dataset: { repoId: 'tatsu-lab/alpaca', split: 'train[:1000]' },
      lora: { r: 8, alpha: 16 },
      torchtuneOverrides: ['epochs=1'],
      resourcesPerWorker: { memory: Size.gibibytes(64), accelerator: Accelerator.nvidia({ count: 1 }) },
      hfToken: EnvVarValue.fromSecretKey('hf-token', 'token'),
      pool,
      queue,
    });
  }
}

const app = new App();
new TrainJobTorchChart(app, 'trainjob-torch');
app.synth();
