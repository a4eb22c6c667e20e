/** The comparison cases of the platform kinds: a custom resource's spec and the TypeScript props it stands for. */
import { Duration, Size } from 'cdk8s';
import { Cpu, ImagePullPolicy } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, Autoscaling, BatchJob, CacheMedium, CacheRuntime, CleanPodPolicy, CronSchedule, Dataset, DatasetMount, DeploymentMode,
  DistributedTraining, EnvVarValue, FineTuning, HyperparameterExperiment, InferenceProtocol, InferenceService, LoraBias, MLPipeline,
  ModelFormat, Objective, PipelineRun, PodVolume, Predictor, SearchAlgorithm, SearchParameter, SparkApplicationType, SparkJob,
  SparkRestartPolicy, SparkRun, StorageAccessMode, StorageUri, TrainingBackend, TrainingFramework, TransformerType, TrialTemplate,
  PatchStrategy, WorkloadTemplate,
} from '../../src';
import { PLATFORM_API_GROUP, PLATFORM_API_VERSION } from '../../src/controller/render';

/** One platform kind: a custom resource's spec and the TypeScript props it stands for. */
export interface Case {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** the spec as a user writes it in YAML */
  readonly spec: any;
  /** the equivalent props of the TypeScript construct (named as the kind) */
  readonly props: () => any;
  /** the builder calls the spec's extra fields stand for */
  readonly build?: (construct: any) => void;
  /** spec fields that are builder calls, not props */
  readonly builderFields?: string[];
}

export const CASES: Case[] = [
  {
    kind: 'SparkJob',
    name: 'click-features',
    namespace: 'analytics',
    spec: {
      type: 'Python',
      sparkVersion: '3.5.5',
      image: 'ghcr.io/example/click-features:2.3.1',
      imagePullPolicy: 'IfNotPresent',
      mainApplicationFile: 'local:///opt/app/build_features.py',
      args: ['--input', '/data/clicks'],
      driver: { cores: 1, memory: '2Gi' },
      executor: { instances: 4, cores: 2, memory: '8Gi' },
      env: { AWS_ACCESS_KEY_ID: { fromSecretKey: { secretName: 's3', key: 'id' } }, MODE: { fromValue: { value: 'nightly' } } },
      run: { scheduled: { schedule: { daily: {} }, timeZone: 'Europe/Berlin' } },
      restartPolicy: { onFailure: { retries: 3, retryInterval: '5m' } },
      timeToLive: '1h30m',
    },
    props: () => ({
      type: SparkApplicationType.PYTHON,
      sparkVersion: '3.5.5',
      image: 'ghcr.io/example/click-features:2.3.1',
      imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
      mainApplicationFile: 'local:///opt/app/build_features.py',
      args: ['--input', '/data/clicks'],
      driver: { cores: 1, memory: Size.gibibytes(2) },
      executor: { instances: 4, cores: 2, memory: Size.gibibytes(8) },
      env: { AWS_ACCESS_KEY_ID: EnvVarValue.fromSecretKey('s3', 'id'), MODE: EnvVarValue.fromValue('nightly') },
      run: SparkRun.scheduled({ schedule: CronSchedule.daily(), timeZone: 'Europe/Berlin' }),
      restartPolicy: SparkRestartPolicy.onFailure({ retries: 3, retryInterval: Duration.minutes(5) }),
      timeToLive: Duration.minutes(90),
    }),
  },
  {
    kind: 'DistributedTraining',
    name: 'resnet-ddp',
    namespace: 'ml-team',
    spec: {
      backend: { trainingOperatorV1: { backoffLimit: 3, ttlAfterFinished: '72h', cleanPodPolicy: 'Running' } },
      framework: { pyTorch: {} },
      image: 'ghcr.io/example/resnet-ddp:1.2.0',
      command: ['torchrun', 'train.py', '--epochs=30'],
      env: { WANDB_API_KEY: { fromSecretKey: { secretName: 'wandb', key: 'api-key' } } },
      workers: 4,
      processesPerWorker: 4,
      resourcesPerWorker: { cpu: '40', memory: '160Gi', accelerator: { nvidia: { count: 4, product: 'NVIDIA-A10G' } } },
      volumeMounts: [{ volume: { fromPersistentVolumeClaim: { name: 'imagenet', claimName: 'imagenet', readOnly: true } }, path: '/data/imagenet', readOnly: true }],
      checkpoints: { volume: { fromPersistentVolumeClaim: { name: 'checkpoints', claimName: 'resnet-checkpoints' } } },
      activeDeadline: '24h',
    },
    props: () => ({
      backend: TrainingBackend.trainingOperatorV1({ backoffLimit: 3, ttlAfterFinished: Duration.days(3), cleanPodPolicy: CleanPodPolicy.RUNNING }),
      framework: TrainingFramework.pyTorch(),
      image: 'ghcr.io/example/resnet-ddp:1.2.0',
      command: ['torchrun', 'train.py', '--epochs=30'],
      env: { WANDB_API_KEY: EnvVarValue.fromSecretKey('wandb', 'api-key') },
      workers: 4,
      processesPerWorker: 4,
      resourcesPerWorker: { cpu: Cpu.units(40), memory: Size.gibibytes(160), accelerator: Accelerator.nvidia({ count: 4, product: 'NVIDIA-A10G' }) },
      volumeMounts: [{ volume: PodVolume.fromPersistentVolumeClaim('imagenet', 'imagenet', true), path: '/data/imagenet', readOnly: true }],
      checkpoints: { volume: PodVolume.fromPersistentVolumeClaim('checkpoints', 'resnet-checkpoints') },
      activeDeadline: Duration.hours(24),
    }),
  },
  {
    kind: 'FineTuning',
    name: 'fine-tune-bert',
    namespace: 'ml-team',
    spec: {
      workers: 1,
      processesPerWorker: 1,
      model: { uri: 'hf://google-bert/bert-base-cased', transformerType: 'AutoModelForSequenceClassification' },
      storage: { accessModes: ['ReadWriteOnce'] },
      dataset: { repoId: 'yelp_review_full', split: 'train[:3000]' },
      trainingArguments: { output_dir: '/workspace/test_trainer', save_strategy: 'no', do_eval: false },
      lora: { r: 16, alpha: 32, dropout: 0.1, bias: 'all' },
      resourcesPerWorker: { cpu: '5', memory: '10Gi', accelerator: { nvidia: { count: 1 } } },
    },
    props: () => ({
      workers: 1,
      processesPerWorker: 1,
      model: { uri: 'hf://google-bert/bert-base-cased', transformerType: TransformerType.SEQUENCE_CLASSIFICATION },
      storage: { accessModes: [StorageAccessMode.READ_WRITE_ONCE] },
      dataset: { repoId: 'yelp_review_full', split: 'train[:3000]' },
      // maps in key order, as the API server stores the spec
      trainingArguments: { do_eval: false, output_dir: '/workspace/test_trainer', save_strategy: 'no' },
      lora: { r: 16, alpha: 32, dropout: 0.1, bias: LoraBias.ALL },
      resourcesPerWorker: { cpu: Cpu.units(5), memory: Size.gibibytes(10), accelerator: Accelerator.nvidia({ count: 1 }) },
    }),
  },
  {
    kind: 'HyperparameterExperiment',
    name: 'random',
    namespace: 'ml-team',
    spec: {
      objective: { maximize: { metric: 'Validation-accuracy', goal: 0.99 } },
      algorithm: { random: {} },
      parameters: [
        { double: { name: 'lr', min: 0.01, max: 0.05, trialParameterName: 'learningRate' } },
        { categorical: { name: 'num-epochs', values: ['5', '10'], trialParameterName: 'numberEpochs' } },
      ],
      parallelTrialCount: 2,
      maxTrialCount: 15,
      maxFailedTrialCount: 3,
      retainTrials: true,
      trial: {
        batchJob: {
          containers: [{
            name: 'training-container',
            image: 'docker.io/kubeflowkatib/mxnet-mnist:v1beta1-45c5727',
            command: ['python3', '/opt/mxnet-mnist/mnist.py', '--lr=${trialParameters.learningRate}', '--num-epochs=${trialParameters.numberEpochs}'],
            workingDir: '/work',
            volumeMounts: [{ volume: { fromEmptyDir: { name: 'work' } }, path: '/work' }],
          }],
        },
      },
    },
    props: () => {
      const lr = SearchParameter.double('lr', { min: 0.01, max: 0.05, trialParameterName: 'learningRate' });
      const epochs = SearchParameter.categorical('num-epochs', ['5', '10'], { trialParameterName: 'numberEpochs' });
      return {
        objective: Objective.maximize('Validation-accuracy', { goal: 0.99 }),
        algorithm: SearchAlgorithm.random(),
        parameters: [lr, epochs],
        parallelTrialCount: 2,
        maxTrialCount: 15,
        maxFailedTrialCount: 3,
        retainTrials: true,
        trial: TrialTemplate.batchJob({
          containers: [{
            name: 'training-container',
            image: 'docker.io/kubeflowkatib/mxnet-mnist:v1beta1-45c5727',
            command: ['python3', '/opt/mxnet-mnist/mnist.py', `--lr=${lr.placeholder}`, `--num-epochs=${epochs.placeholder}`],
            workingDir: '/work',
            volumeMounts: [{ volume: PodVolume.fromEmptyDir('work'), path: '/work' }],
          }],
        }),
      };
    },
  },
  {
    kind: 'InferenceService',
    name: 'sklearn-iris',
    namespace: 'ml-serving',
    spec: {
      mode: 'Standard',
      predictor: {
        model: {
          format: { sklearn: {} },
          protocol: 'v2',
          storageUri: { gcs: { bucket: 'kfserving-examples', path: 'models/sklearn/1.0/model' } },
          resources: { cpu: '500m', cpuLimit: '1', memory: '1Gi' },
          minReplicas: 2,
          maxReplicas: 10,
          autoscaling: { cpuUtilization: { percent: 70 } },
        },
      },
      canaries: [{
        name: 'sklearn-iris-v2',
        trafficPercent: 10,
        predictor: {
          model: {
            format: { sklearn: {} },
            protocol: 'v2',
            storageUri: { gcs: { bucket: 'kfserving-examples', path: 'models/sklearn/1.0/model-2' } },
            resources: { cpu: '500m', cpuLimit: '1', memory: '1Gi' },
            minReplicas: 1,
          },
        },
      }],
    },
    props: () => {
      const resources = { cpu: Cpu.millis(500), cpuLimit: Cpu.units(1), memory: Size.gibibytes(1) };
      return {
        mode: DeploymentMode.STANDARD,
        predictor: Predictor.model({
          format: ModelFormat.sklearn(),
          protocol: InferenceProtocol.V2,
          storageUri: StorageUri.gcs('kfserving-examples', 'models/sklearn/1.0/model'),
          resources,
          minReplicas: 2,
          maxReplicas: 10,
          autoscaling: Autoscaling.cpuUtilization(70),
        }),
        canaries: [{
          name: 'sklearn-iris-v2',
          trafficPercent: 10,
          predictor: Predictor.model({
            format: ModelFormat.sklearn(),
            protocol: InferenceProtocol.V2,
            storageUri: StorageUri.gcs('kfserving-examples', 'models/sklearn/1.0/model-2'),
            resources,
            minReplicas: 1,
          }),
        }],
      };
    },
  },
  {
    kind: 'Dataset',
    name: 'click-logs',
    namespace: 'analytics',
    spec: {
      mounts: [{
        fromUri: {
          uri: 's3://analytics-raw/click-logs/',
          name: 'clicks',
          readOnly: true,
          options: { 'alluxio.underfs.s3.region': 'eu-central-1' },
          secretOptions: [{ name: 'aws.accessKeyId', secretName: 'analytics-raw-s3', secretKey: 'access-key-id' }],
        },
      }],
      runtime: {
        alluxio: {
          replicas: 3,
          tiers: [
            { medium: 'MEM', quota: '2Gi', highWatermark: 0.95, lowWatermark: 0.7 },
            { medium: 'SSD', paths: ['/mnt/nvme0/alluxio'], quota: '100Gi', highWatermark: 0.9, lowWatermark: 0.6 },
          ],
        },
      },
    },
    props: () => ({
      mounts: [DatasetMount.fromUri('s3://analytics-raw/click-logs/', {
        name: 'clicks',
        readOnly: true,
        options: { 'alluxio.underfs.s3.region': 'eu-central-1' },
        secretOptions: [{ name: 'aws.accessKeyId', secretName: 'analytics-raw-s3', secretKey: 'access-key-id' }],
      })],
      runtime: CacheRuntime.alluxio({
        replicas: 3,
        tiers: [
          { medium: CacheMedium.MEMORY, quota: Size.gibibytes(2), highWatermark: 0.95, lowWatermark: 0.7 },
          { medium: CacheMedium.SSD, paths: ['/mnt/nvme0/alluxio'], quota: Size.gibibytes(100), highWatermark: 0.9, lowWatermark: 0.6 },
        ],
      }),
    }),
  },
  {
    kind: 'BatchJob',
    name: 'eval',
    namespace: 'ml-team',
    spec: {
      containers: [{
        image: 'ghcr.io/example/eval:1.0',
        args: ['--split', 'test'],
        resources: { cpu: '2', memory: '4Gi', accelerator: { nvidiaMig: { profile: '1g.10gb' } } },
        env: { RUN: { fromFieldPath: { fieldPath: 'metadata.name' } } },
      }],
      backoffLimit: 2,
      activeDeadline: '45m',
    },
    props: () => ({
      containers: [{
        image: 'ghcr.io/example/eval:1.0',
        args: ['--split', 'test'],
        resources: { cpu: Cpu.units(2), memory: Size.gibibytes(4), accelerator: Accelerator.nvidiaMig('1g.10gb') },
        env: { RUN: EnvVarValue.fromFieldPath('metadata.name') },
      }],
      backoffLimit: 2,
      activeDeadline: Duration.minutes(45),
    }),
  },
  {
    kind: 'MLPipeline',
    name: 'nightly',
    namespace: 'ml-team',
    spec: {
      run: { scheduled: { schedules: [{ expression: { expression: '0 3 * * *' } }] } },
      parallelism: 2,
      timeout: '2h',
      templates: {
        prep: { container: { container: { image: 'ghcr.io/example/prep:1.0', args: ['--day', '{{inputs.parameters.day}}'] }, inputs: [{ name: 'day' }], timeout: '30m' } },
        echo: { script: { image: 'python:3.12-alpine', source: 'print("{{inputs.parameters.message}}")', inputs: [{ name: 'message' }] } },
      },
      tasks: [
        { name: 'prep', template: 'prep', arguments: { day: 'today' } },
        { name: 'report', template: 'echo', arguments: { message: 'done' }, dependsOn: ['prep'] },
      ],
    },
    props: () => ({
      run: PipelineRun.scheduled({ schedules: [CronSchedule.expression('0 3 * * *')] }),
      parallelism: 2,
      timeout: Duration.hours(2),
    }),
    build: (p: MLPipeline) => {
      // templates in name order, as the API server stores the spec's map
      const echo = p.addScript('echo', { image: 'python:3.12-alpine', source: 'print("{{inputs.parameters.message}}")', inputs: [{ name: 'message' }] });
      const prep = p.addContainer('prep', { container: { image: 'ghcr.io/example/prep:1.0', args: ['--day', '{{inputs.parameters.day}}'] }, inputs: [{ name: 'day' }], timeout: Duration.minutes(30) });
      const a = p.addTask('prep', prep, { arguments: { day: 'today' } });
      p.addTask('report', echo, { arguments: { message: 'done' } }).dependsOn(a);
    },
    builderFields: ['templates', 'tasks'],
  },
];

/** The TypeScript construct of each kind. */
export const CONSTRUCTS: { [kind: string]: new (scope: Construct, id: string, props: any) => unknown } = {
  SparkJob, DistributedTraining, FineTuning, HyperparameterExperiment, InferenceService, Dataset, BatchJob, MLPipeline,
};


/** Namespace of {@link declareNestedPipeline}'s pipeline. */
export const NESTED_PIPELINE_NAMESPACE = 'ml-team';

/** A pipeline that runs a batch Job, rolls out an InferenceService and patches it, declared in TypeScript. */
export function declareNestedPipeline(chart: Construct, pool?: any): MLPipeline {
  const pipeline = new MLPipeline(chart, 'release', { name: 'release' });
  const evalJob = new WorkloadTemplate({ namespace: NESTED_PIPELINE_NAMESPACE, platform: chart });
  new BatchJob(evalJob.scope, 'eval', {
    name: 'eval',
    containers: [{ name: 'eval', image: 'ghcr.io/example/eval:1.0', command: ['python', 'eval.py'], resources: { cpu: Cpu.units(2), accelerator: pool ? Accelerator.nvidia() : undefined } }],
    pool,
  });
  const serve = new WorkloadTemplate({ namespace: NESTED_PIPELINE_NAMESPACE, platform: chart });
  new InferenceService(serve.scope, 'iris', {
    name: 'iris',
    predictor: Predictor.model({ format: ModelFormat.sklearn(), storageUri: StorageUri.s3('models', 'iris'), canaryTrafficPercent: 10 }),
  });
  const a = pipeline.addTask('eval', pipeline.addWorkload('eval', { workload: evalJob, timeout: Duration.hours(1) }));
  const b = pipeline.addTask('rollout', pipeline.addRollout('rollout', { workload: serve }));
  const c = pipeline.addTask('promote', pipeline.addPatch('promote', { workload: serve, patch: { spec: { predictor: { canaryTrafficPercent: 100 } } }, strategy: PatchStrategy.MERGE }));
  b.dependsOn(a);
  c.dependsOn(b);
  return pipeline;
}

/** The custom resource of a case (`spec` replaced when given). */
export function resource(c: Case, spec: any = c.spec): any {
  return { apiVersion: `${PLATFORM_API_GROUP}/${PLATFORM_API_VERSION}`, kind: c.kind, metadata: { name: c.name, namespace: c.namespace }, spec };
}
