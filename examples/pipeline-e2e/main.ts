/**
 * The talk's end-to-end flow: a new object in a MinIO bucket triggers a pipeline run — Spark ETL of the new data,
 * LoRA fine-tune on the GPU pool, modelcar image build of the tuned model, InferenceService canary rollout (10 %),
 * an approval, then promotion of the canary to all traffic. Every step's workload is one of the library's; the
 * pipeline's Role may only create, get and patch those kinds, and the Sensor's may only create Workflows.
 *
 *   npm run synth -- pipeline-e2e
 */
import { App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, DeploymentMode, EventBus, EventSource, EventSourceKind, FineTuning, GpuInstances, GpuNodePool, KServeRuntime,
  LoraBias, MLPipeline, ModelcarImage, ModelFormat, PipelineRun, PipelineTrigger, Predictor, InferenceService, RetryOn,
  SparkApplicationType, SparkJob, StorageAccessMode, StorageUri, TransformerType, WorkloadTemplate,
} from '../../src';

const NAMESPACE = 'ml-pipelines';

export class PipelineE2eChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: NAMESPACE, ...props });

    const gpus = new GpuNodePool(this, 'gpu', {
      instances: GpuInstances.families(['g5']),
      gpuLimit: 8,
      nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod' },
    });

    // each step's workload, declared alone in the pipeline's namespace
    const etl = new WorkloadTemplate({ namespace: NAMESPACE, chartId: 'etl' });
    new SparkJob(etl.scope, 'prepare', {
      name: 'prepare-reviews',
      type: SparkApplicationType.PYTHON,
      sparkVersion: '3.5.5',
      image: 'docker.io/apache/spark:3.5.5-python3',
      mainApplicationFile: 'local:///opt/app/prepare.py',
      args: ['--input', 's3a://{{workflow.parameters.bucket}}/{{workflow.parameters.key}}', '--output', 's3a://curated/reviews/'],
      driver: { cores: 1, memory: Size.gibibytes(2) },
      executor: { cores: 2, instances: 4, memory: Size.gibibytes(4) },
    });

    const tune = new WorkloadTemplate({ namespace: NAMESPACE, chartId: 'tune' });
    const fineTuning = new FineTuning(tune.scope, 'lora', {
      name: 'reviews-lora',
      workers: 1,
      processesPerWorker: 1,
      model: { uri: 'hf://google-bert/bert-base-cased', transformerType: TransformerType.SEQUENCE_CLASSIFICATION },
      storage: { accessModes: [StorageAccessMode.READ_WRITE_ONCE], size: Size.gibibytes(50) },
      dataset: { repoId: 'yelp_review_full', split: 'train[:3000]' },
      trainingArguments: { output_dir: '/workspace/output', save_strategy: 'no', evaluation_strategy: 'no', disable_tqdm: true },
      lora: { r: 8, alpha: 8, dropout: 0.1, bias: LoraBias.NONE },
      resourcesPerWorker: { cpu: Cpu.units(5), memory: Size.gibibytes(10), accelerator: Accelerator.nvidia({ count: 1 }) },
      pool: gpus,
    });
    const tunedModel = StorageUri.pvc(fineTuning.claim!.name, 'output');

    const build = new WorkloadTemplate({ namespace: NAMESPACE, chartId: 'build' });
    const image = new ModelcarImage(build.scope, 'modelcar', {
      name: 'reviews-modelcar',
      source: tunedModel,
      image: 'registry.example.com/models/reviews-bert:1.0',
      pushSecretName: 'registry-push',
      scratchSize: Size.gibibytes(20),
    });

    const serve = new WorkloadTemplate({ namespace: NAMESPACE, chartId: 'serve' });
    const isvc = new InferenceService(serve.scope, 'reviews', {
      name: 'reviews',
      mode: DeploymentMode.KNATIVE,
      predictor: Predictor.model({
        format: ModelFormat.huggingface(),
        runtime: KServeRuntime.HUGGINGFACE,
        storageUri: image.storageUri(),
        args: ['--model_name=reviews'],
        canaryTrafficPercent: 10,
        resources: { cpu: Cpu.units(4), memory: Size.gibibytes(16), accelerator: Accelerator.nvidia() },
        pool: gpus,
      }),
    });

    const pipeline = new MLPipeline(this, 'reviews', {
      name: 'reviews-to-production',
      run: PipelineRun.template(),
      parameters: [{ name: 'bucket' }, { name: 'key' }],
      retry: { limit: 2, retryOn: RetryOn.ERROR, backoff: { duration: Duration.seconds(30), factor: 2 } },
      timeout: Duration.hours(12),
      ttl: { afterSuccess: Duration.days(1), afterFailure: Duration.days(7) },
      synchronization: { mutexes: ['reviews-model'] },
    });
    const prepare = pipeline.addTask('prepare', pipeline.addWorkload('spark-etl', { workload: etl }));
    const train = pipeline.addTask('fine-tune', pipeline.addWorkload('lora', { workload: tune, modelUri: tunedModel.uri, timeout: Duration.hours(8) }));
    const pack = pipeline.addTask('modelcar', pipeline.addWorkload('modelcar-build', { workload: build, modelUri: image.storageUri().uri }));
    const canary = pipeline.addTask('canary', pipeline.addRollout('rollout', { workload: serve, timeout: Duration.minutes(30) }));
    const approve = pipeline.addTask('approve', pipeline.addApproval('approval', { duration: Duration.hours(24) }));
    const promote = pipeline.addTask('promote', pipeline.addPatch('promotion', {
      workload: serve, patch: { spec: { predictor: { canaryTrafficPercent: 100 } } }, timeout: Duration.minutes(30),
    }));
    pipeline.chain([prepare], [train], [pack], [canary], [approve], [promote]);
    void isvc;

    // new data in the bucket submits a run, with the object's bucket and key as parameters
    const bus = new EventBus(this, 'bus');
    const uploads = new EventSource(this, 'uploads', {
      name: 'raw-reviews',
      eventBus: bus,
      source: EventSourceKind.bucket({
        bucket: 'raw-reviews',
        endpoint: 'minio.storage.svc:9000',
        insecure: true,
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
      parameters: [
        { pipelineParameter: 'bucket', dataKey: 'notification.0.s3.bucket.name' },
        { pipelineParameter: 'key', dataKey: 'notification.0.s3.object.key' },
      ],
    });
  }
}

const app = new App();
new PipelineE2eChart(app, 'pipeline-e2e');
app.synth();
