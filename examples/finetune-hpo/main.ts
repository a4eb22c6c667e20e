/**
 * Learning-rate and LoRA-rank search over an LLM fine-tune: every trial is a FineTuning of Qwen2.5-1.5B-Instruct
 * on Alpaca (Kubeflow Trainer v2, the built-in torchtune runtime) on one L4 GPU of a Karpenter pool, admitted by
 * Kueue through the team's queue. Katib's TPE samples the learning rate on a log scale and the rank from a list,
 * runs 12 trials 3 at a time and minimizes the training loss, which torchtune's stdout logger prints as
 * `Step 10 | loss:1.2345 lr:0.0002 ...` (read with a metrics filter for `name:value`).
 *
 *   npm run synth -- finetune-hpo
 */
import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, BatchQueue, EarlyStopping, GpuInstances, GpuNodePool, HyperparameterExperiment, MetricsCollector, NvidiaDevicePlugin, Objective,
  ParameterDistribution, QueueFlavors, ResourceQuota, SearchAlgorithm, SearchParameter, TrainingBackend, TrialTemplate,
} from '../../src';

export class FineTuneHpoChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'ml-team' });

    const pool = new GpuNodePool(this, 'l4', {
      instances: GpuInstances.types(['g6.2xlarge']),
      gpuLimit: 8,
      nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod' },
    });
    new NvidiaDevicePlugin(this, 'device-plugin', { pools: [pool] });
    const queue = new BatchQueue(this, 'tuning-queue', {
      name: 'tuning',
      resourceGroups: [{
        flavors: [{
          flavor: QueueFlavors.forPool(pool),
          quotas: [ResourceQuota.cpu('64'), ResourceQuota.memory('256Gi'), ResourceQuota.nvidiaGpus(8)],
        }],
      }],
    }).addLocalQueue('ml-team');

    const lr = SearchParameter.double('learning-rate', { min: 0.00001, max: 0.001, distribution: ParameterDistribution.LOG_UNIFORM, trialParameterName: 'learningRate' });
    const rank = SearchParameter.discrete('lora-rank', [4, 8, 16, 32], { trialParameterName: 'loraRank' });

    new HyperparameterExperiment(this, 'qwen-lora-hpo', {
      name: 'qwen-lora-hpo',
      objective: Objective.minimize('loss'),
      algorithm: SearchAlgorithm.tpe({ randomState: 42 }),
      parameters: [lr, rank],
      maxTrialCount: 12,
      parallelTrialCount: 3,
      maxFailedTrialCount: 3,
      earlyStopping: EarlyStopping.medianStop({ minTrialsRequired: 3, startStep: 20 }),
      metricsCollector: MetricsCollector.stdOut({ metricsFormat: ['([\\w|-]+):([+-]?\\d*(\\.\\d+)?([Ee][+-]?\\d+)?)'] }),
      trial: TrialTemplate.fineTuning({
        backend: TrainingBackend.trainerV2(),
        model: { uri: 'hf://Qwen/Qwen2.5-1.5B-Instruct' },
        dataset: { repoId: 'tatsu-lab/alpaca', split: 'train[:2000]' },
        torchtuneOverrides: [
          `optimizer.lr=${lr.placeholder}`,
          `model.lora_rank=${rank.placeholder}`,
          'epochs=1',
          'metric_logger._component_=torchtune.training.metric_logging.StdoutLogger',
        ],
        resourcesPerWorker: { cpu: Cpu.units(6), memory: Size.gibibytes(24), accelerator: Accelerator.nvidia({ count: 1, product: 'NVIDIA-L4' }) },
        pool,
        queue,
      }),
    });
  }
}

const app = new App();
new FineTuneHpoChart(app, 'finetune-hpo');
app.synth();
