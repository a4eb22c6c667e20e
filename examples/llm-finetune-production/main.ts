/**
 * The reference talk's fine-tune as a team would run it in production (examples/llm-finetune-lora is the talk's
 * own values): BERT with LoRA on the whole Yelp training split on two workers with one A10G each, from a Karpenter GPU
 * pool, admitted by Kueue through the team's queue, the model and dataset downloaded with a Hugging Face token from a
 * Secret onto a ReadWriteMany volume (EFS) that both workers mount, and a memory-backed `/dev/shm` for the data loaders.
 * Resources are mapped as the SDK's `train()` maps `resources_per_worker`: the same quantities as requests and limits.
 *
 *   npm run synth -- llm-finetune-production
 */
import { App, Chart } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, BatchQueue, EnvVarValue, FineTuning, GpuInstances, GpuNodePool, KueueIntegration, KueueIntegrations, LoraBias, Memory,
  NvidiaDevicePlugin, QueueFlavors, ResourceQuota, StorageAccessMode, TransformerType,
} from '../../src';

export class LlmFineTuneProductionChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'ml-team' });

    const pool = new GpuNodePool(this, 'a10g', {
      instances: GpuInstances.families(['g5']),
      gpuLimit: 8,
      nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod' },
    });
    new NvidiaDevicePlugin(this, 'device-plugin', { pools: [pool] });
    const queue = new BatchQueue(this, 'training-queue', {
      name: 'training',
      integrations: [...KueueIntegrations.defaults(), KueueIntegration.PYTORCH_JOB],
      resourceGroups: [{
        flavors: [{
          flavor: QueueFlavors.forPool(pool),
          quotas: [ResourceQuota.cpu('64'), ResourceQuota.memory('256Gi'), ResourceQuota.nvidiaGpus(8)],
        }],
      }],
    }).addLocalQueue('ml-team');

    new FineTuning(this, 'bert-lora', {
      name: 'fine-tune-bert-prod',
      workers: 2,
      processesPerWorker: 1,
      model: { uri: 'hf://google-bert/bert-base-cased', transformerType: TransformerType.SEQUENCE_CLASSIFICATION, numLabels: 5 },
      dataset: { repoId: 'yelp_review_full', split: 'train' },
      storage: { size: Memory.gibibytes(50), accessModes: [StorageAccessMode.READ_WRITE_MANY], storageClassName: 'efs-sc' },
      hfToken: EnvVarValue.fromSecretKey('hf-token', 'token'),
      trainingArguments: {
        output_dir: '/workspace/output', num_train_epochs: 2, per_device_train_batch_size: 16, save_strategy: 'epoch', log_level: 'info', disable_tqdm: true,
      },
      lora: { r: 8, alpha: 16, dropout: 0.1, bias: LoraBias.NONE },
      resourcesPerWorker: { cpu: Cpu.units(6), memory: Memory.gibibytes(24), accelerator: Accelerator.nvidia({ count: 1 }) },
      pool,
      queue,
    });
  }
}

const app = new App();
new LlmFineTuneProductionChart(app, 'llm-finetune-production');
app.synth();
