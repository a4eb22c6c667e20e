/**
 * The talk's whole platform in one app (see main.ts and README.md): the platform chart (operators, namespaces, the
 * GPU pool, the queues), the team workloads, serving, and the Argo CD health checks.
 */
import { Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { operatorInstalls } from './operators';
import {
  Accelerator, AiPlatform, ArgoCdHealthChecks, CacheMedium, CacheRuntime, CronSchedule, Dataset, DatasetMount, DistributedTraining,
  EnvVarValue, EventBus, EventSource, EventSourceKind, FineTuning, GpuInstances, GraphNode, GraphStep, HyperparameterExperiment,
  InferenceGraph, InferenceService, IOperatorInstall, LocalQueue, MLPipeline, ModelcarImage, ModelFormat, Objective, PipelineRun,
  PipelineTrigger, PlatformApp, PodVolume, Predictor, QueueFlavors, ResourceQuota, SearchAlgorithm, SearchParameter, SparkApplicationType,
  SparkJob, SparkRun, StorageUri, TrainingBackend, TrialTemplate,
} from '../../src';

/** Knobs of the platform chart (the integration suite re-applies the platform with one changed). */
export interface PlatformChartProps extends ChartProps {
  /** Most GPUs the A10G pool may launch. @default 32 */
  readonly gpuLimit?: number;
}

/** The platform: operators, namespaces, the GPU pool and the queues. */
export class PlatformChart extends Chart {
  public readonly platform: AiPlatform;
  public readonly teamQueue: LocalQueue;
  public readonly installs: IOperatorInstall[];

  constructor(scope: Construct, id: string, props: PlatformChartProps = {}) {
    super(scope, id, props);
    this.installs = operatorInstalls(this);
    // at synth it checks that every workload of the app has its operator here
    this.platform = new AiPlatform(this, 'ai', { operators: this.installs, namespaces: ['ml-team', 'ml-serving'] });
    const gpuLimit = props.gpuLimit ?? 32;
    const pool = this.platform.addGpuPool('a10g', {
      name: 'a10g',
      instances: GpuInstances.families(['g5']),
      gpuLimit,
      nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod' },
    });
    const queue = this.platform.addQueue('gpu', {
      name: 'gpu-batch',
      resourceGroups: [{
        flavors: [{
          flavor: QueueFlavors.forPool(pool),
          quotas: [ResourceQuota.cpu('384'), ResourceQuota.memory('1536Gi'), ResourceQuota.accelerator(Accelerator.nvidia({ product: 'NVIDIA-A10G' }), gpuLimit)],
        }],
      }],
    });
    this.teamQueue = queue.addLocalQueue('ml-team', 'ml-team');
  }
}

/** One workload of each kind, placed on the platform's pool and queue. */
export class WorkloadsChart extends Chart {
  constructor(scope: Construct, id: string, platform: PlatformChart, props: ChartProps = {}) {
    super(scope, id, { namespace: 'ml-team', ...props });
    const pool = platform.platform.gpuPools[0];
    const queue = platform.teamQueue;

    // data: a cached dataset, warmed up, and a nightly Spark job reading it
    const reviews = new Dataset(this, 'reviews', {
      name: 'reviews',
      mounts: [DatasetMount.fromUri('s3://ml-raw/reviews/', { name: 'reviews', readOnly: true })],
      runtime: CacheRuntime.alluxio({ tiers: [{ medium: CacheMedium.MEMORY, quota: Size.gibibytes(4) }] }),
    });
    reviews.warmUp('warm-up', { name: 'reviews-warm-up' });
    new SparkJob(this, 'features', {
      name: 'review-features',
      type: SparkApplicationType.PYTHON,
      sparkVersion: '3.5.5',
      image: 'docker.io/apache/spark:3.5.5-python3',
      mainApplicationFile: 'local:///opt/app/features.py',
      volumeMounts: [reviews.volumeMount('/data')],
      driver: { cores: 1, memory: Size.gibibytes(2) },
      executor: { instances: 4, cores: 2, memory: Size.gibibytes(4) },
      run: SparkRun.scheduled({ schedule: CronSchedule.expression('0 2 * * *'), timeZone: 'Europe/Berlin' }),
    });

    // training: a TrainJob and a LoRA fine-tune on the GPU pool, through the team's queue
    new DistributedTraining(this, 'ddp', {
      name: 'reviews-ddp',
      backend: TrainingBackend.trainerV2(),
      image: 'ghcr.io/example/reviews-ddp:0.4.0',
      command: ['torchrun', '/app/train.py', '--epochs=5'],
      workers: 2,
      processesPerWorker: 2,
      resourcesPerWorker: { cpu: Cpu.units(16), memory: Size.gibibytes(64), accelerator: Accelerator.nvidia({ count: 2, product: 'NVIDIA-A10G' }) },
      checkpoints: { volume: PodVolume.fromPersistentVolumeClaim('checkpoints', 'reviews-checkpoints') },
      pool,
      queue,
    });
    const lora = new FineTuning(this, 'lora', {
      name: 'reviews-lora',
      backend: TrainingBackend.trainerV2(),
      model: { uri: 'hf://meta-llama/Llama-3.2-1B-Instruct' },
      dataset: { repoId: 'yelp_review_full', split: 'train[:3000]' },
      lora: { r: 8, alpha: 16 },
      resourcesPerWorker: { memory: Size.gibibytes(64), accelerator: Accelerator.nvidia({ count: 1, product: 'NVIDIA-A10G' }) },
      hfToken: EnvVarValue.fromSecretKey('hf-token', 'token'),
      pool,
      queue,
    });
    void lora;

    // tuning: a Katib experiment whose trials are small batch jobs
    const lr = SearchParameter.double('lr', { min: 0.01, max: 0.05, trialParameterName: 'learningRate' });
    new HyperparameterExperiment(this, 'hpo', {
      name: 'reviews-hpo',
      objective: Objective.maximize('accuracy', { goal: 0.95 }),
      algorithm: SearchAlgorithm.random(),
      parameters: [lr],
      parallelTrialCount: 2,
      maxTrialCount: 8,
      maxFailedTrialCount: 2,
      trial: TrialTemplate.batchJob({
        containers: [{ name: 'training-container', image: 'ghcr.io/example/reviews-hpo:0.1.0', command: ['python3', '/app/train.py', `--lr=${lr.placeholder}`] }],
      }),
    });

    // pipelines: a nightly evaluation pipeline, and a trigger on new data
    const pipeline = new MLPipeline(this, 'evaluate', { name: 'reviews-evaluate', run: PipelineRun.template(), parameters: [{ name: 'key' }] });
    pipeline.addTask('score', pipeline.addContainer('score', {
      container: { image: 'ghcr.io/example/reviews-eval:0.2.0', command: ['python3', '/app/score.py', '--key={{workflow.parameters.key}}'] },
    }));
    const bus = new EventBus(this, 'bus');
    const uploads = new EventSource(this, 'uploads', {
      name: 'raw-reviews',
      eventBus: bus,
      source: EventSourceKind.bucket({
        bucket: 'ml-raw',
        endpoint: 'minio.storage.svc:9000',
        suffix: '.parquet',
        accessKey: { name: 'minio-credentials', key: 'accesskey' },
        secretKey: { name: 'minio-credentials', key: 'secretkey' },
      }),
    });
    new PipelineTrigger(this, 'on-upload', {
      name: 'reviews-on-upload',
      pipeline,
      source: uploads,
      eventBus: bus,
      parameters: [{ pipelineParameter: 'key', dataKey: 'notification.0.s3.object.key' }],
    });
  }
}

/** Serving: a modelcar build, an InferenceService on the GPU pool and an InferenceGraph in front of it. */
export class ServingChart extends Chart {
  constructor(scope: Construct, id: string, platform: PlatformChart, props: ChartProps = {}) {
    super(scope, id, { namespace: 'ml-serving', ...props });
    const pool = platform.platform.gpuPools[0];
    const image = new ModelcarImage(this, 'modelcar', {
      name: 'reviews-modelcar',
      source: StorageUri.s3('ml-models', 'reviews/v1'),
      image: 'registry.example.com/models/reviews:1.0',
      pushSecretName: 'registry-push',
      scratchSize: Size.gibibytes(20),
    });
    const reviews = new InferenceService(this, 'reviews', {
      name: 'reviews',
      predictor: Predictor.model({
        format: ModelFormat.huggingface(),
        storageUri: image.storageUri(),
        resources: { cpu: Cpu.units(4), memory: Size.gibibytes(16), accelerator: Accelerator.nvidia({ product: 'NVIDIA-A10G' }) },
        pool,
      }),
    });
    new InferenceGraph(this, 'graph', { name: 'reviews-graph', root: GraphNode.sequence('root', [GraphStep.service(reviews)]) });
  }
}

/** The whole app: the platform, the workloads and the Argo CD health checks. */
export function buildPlatformApp(app: PlatformApp, props: PlatformChartProps = {}): PlatformApp {
  const platform = new PlatformChart(app, 'platform', props);
  new WorkloadsChart(app, 'workloads', platform);
  new ServingChart(app, 'serving', platform);
  // applied to the cluster Argo CD runs in (often the same one)
  new ArgoCdHealthChecks(new Chart(app, 'argocd'), 'health-checks');
  return app;
}

