import './assembly';
import Ajv from 'ajv';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu, ImagePullPolicy } from 'cdk8s-plus-28';
import {
  Accelerator, Autoscaling, BatchJob, CacheMedium, CacheRuntime, CleanPodPolicy, CronSchedule, Dataset, DatasetMount, DeploymentMode,
  DistributedTraining, EnvVarValue, FineTuning, HyperparameterExperiment, InferenceProtocol, InferenceService, LoraBias, MLPipeline,
  ModelFormat, Objective, PipelineRun, PodVolume, Predictor, SearchAlgorithm, SearchParameter, SparkApplicationType, SparkJob,
  SparkRestartPolicy, SparkRun, StorageAccessMode, StorageUri, TrainingBackend, TrainingFramework, TransformerType, TrialTemplate,
} from '../../src';
import { specFromProps } from '../../src/controller/kinds';
import { PLATFORM_API_GROUP, PLATFORM_API_VERSION, platformCrds, platformKinds, renderResource } from '../../src/controller/render';
import { ValidationError } from '../../src/core/errors';
import { expectValid, expectValidationError } from '../util';

/** One platform kind: a custom resource's spec and the TypeScript props it stands for. */
interface Case {
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

const CASES: Case[] = [
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
      trainingArguments: { output_dir: '/workspace/test_trainer', save_strategy: 'no', do_eval: false },
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
      const prep = p.addContainer('prep', { container: { image: 'ghcr.io/example/prep:1.0', args: ['--day', '{{inputs.parameters.day}}'] }, inputs: [{ name: 'day' }], timeout: Duration.minutes(30) });
      const echo = p.addScript('echo', { image: 'python:3.12-alpine', source: 'print("{{inputs.parameters.message}}")', inputs: [{ name: 'message' }] });
      const a = p.addTask('prep', prep, { arguments: { day: 'today' } });
      p.addTask('report', echo, { arguments: { message: 'done' } }).dependsOn(a);
    },
    builderFields: ['templates', 'tasks'],
  },
];

/** The TypeScript construct of each kind. */
const CONSTRUCTS: { [kind: string]: new (scope: Chart, id: string, props: any) => unknown } = {
  SparkJob, DistributedTraining, FineTuning, HyperparameterExperiment, InferenceService, Dataset, BatchJob, MLPipeline,
};

function resource(c: Case, spec: any = c.spec): any {
  return { apiVersion: `${PLATFORM_API_GROUP}/${PLATFORM_API_VERSION}`, kind: c.kind, metadata: { name: c.name, namespace: c.namespace }, spec };
}

/** What the TypeScript construct with the same props synthesizes in an app (chart id and namespace as the controller's). */
function synthesized(c: Case): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'platform', { namespace: c.namespace });
  const construct = new CONSTRUCTS[c.kind](chart, c.name, { ...c.props(), name: c.name });
  c.build?.(construct);
  return Testing.synth(chart);
}

function byKey(objects: any[]): any[] {
  const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
  return [...objects].sort((a, b) => key(a).localeCompare(key(b)));
}

function specSchemaOf(kind: string): any {
  const crd = platformCrds().find(x => x.spec.names.kind === kind);
  return crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
}

/** Applies a structural schema's defaults as the API server does (to a copy). */
function withDefaults(schema: any, value: any): any {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return schema.items ? value.map(v => withDefaults(schema.items, v)) : value;
  const out: any = { ...value };
  for (const [k, s] of Object.entries<any>(schema.properties ?? {})) {
    if (out[k] === undefined && s.default !== undefined) out[k] = JSON.parse(JSON.stringify(s.default));
    if (out[k] !== undefined) out[k] = withDefaults(s, out[k]);
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    for (const k of Object.keys(out)) if (!(k in (schema.properties ?? {}))) out[k] = withDefaults(schema.additionalProperties, out[k]);
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

test('every platform kind has a case', () => {
  expect(platformKinds().map(k => k.kind).sort()).toEqual(CASES.map(c => c.kind).sort());
  for (const k of ['SparkJob', 'DistributedTraining', 'FineTuning', 'HyperparameterExperiment', 'InferenceService', 'MLPipeline', 'Dataset']) {
    expect(platformKinds().map(x => x.kind)).toContain(k);
  }
});

describe.each(CASES.map(c => [c.kind, c] as const))('%s', (_kind, c) => {
  test('the custom resource renders exactly what the TypeScript construct synthesizes', () => {
    const rendered = renderResource(resource(c));
    const expected = synthesized(c);
    expect(byKey(rendered.children)).toEqual(byKey(expected));
    expect(rendered.children[0]).toEqual(expected.find(o => o.kind === rendered.primary.kind && o.metadata.name === rendered.primary.name));
    expect(rendered.primary.namespace).toBe(c.namespace);
    expect(rendered.children.every(o => o.metadata.namespace === c.namespace && o.metadata.ownerReferences === undefined)).toBe(true);
    expect(rendered.statusContract.kind).toBe(rendered.primary.kind);
  });

  test('the generated CRD schema accepts the spec, and its defaults (as the API server applies them) render the same', () => {
    const schema = specSchemaOf(c.kind);
    const validate = ajv.compile(schema);
    expect(validate(c.spec) ? [] : validate.errors).toEqual([]);
    const defaulted = withDefaults(schema, c.spec);
    expect(validate(defaulted) ? [] : validate.errors).toEqual([]);
    expect(byKey(renderResource(resource(c, defaulted)).children)).toEqual(byKey(synthesized(c)));
  });

  test('the generated CRD schema rejects a wrong type', () => {
    const validate = ajv.compile(specSchemaOf(c.kind));
    const [first] = Object.keys(c.spec);
    const wrong = { ...c.spec, [first]: typeof c.spec[first] === 'number' ? 'many' : 42 };
    expect(validate(wrong)).toBe(false);
    expect(validate.errors!.some(e => e.instancePath === `/${first}`)).toBe(true);
  });

  test('toSpec: the props give back the spec', () => {
    const spec = Object.fromEntries(Object.entries(c.spec).filter(([k]) => !(c.builderFields ?? []).includes(k)));
    expect(specFromProps(c.kind, c.props())).toEqual(spec);
  });
});

test('the CRDs are valid apiextensions.k8s.io/v1 objects, one per kind, with the status subresource and printer columns', () => {
  const crds = expectValid(platformCrds());
  expect(crds.map(c => c.metadata.name).sort()).toEqual(platformKinds().map(k => `${k.plural}.${PLATFORM_API_GROUP}`).sort());
  for (const crd of crds) {
    const v = crd.spec.versions[0];
    expect(v.name).toBe(PLATFORM_API_VERSION);
    expect(v.subresources).toEqual({ status: {} });
    expect(v.additionalPrinterColumns.map((c: any) => c.name)).toEqual(['Ready', 'Status', 'Primary', 'State', 'Age']);
    expect(Object.keys(v.schema.openAPIV3Schema.properties.status.properties)).toEqual(['observedGeneration', 'conditions', 'primary', 'children']);
    expect(crd.spec.names.categories).toEqual(['ai-platform']);
  }
});

test('the schema is generated from the jsii types: descriptions, enums, defaults, required fields, one-of choices', () => {
  const spark = specSchemaOf('SparkJob');
  expect(spark.required).toEqual(['image', 'mainApplicationFile', 'sparkVersion', 'type']);
  expect(spark.properties.type).toMatchObject({ type: 'string', enum: ['Java', 'Scala', 'Python', 'R'] });
  expect(spark.properties.imagePullPolicy.enum).toEqual(['Always', 'IfNotPresent', 'Never']);
  expect(spark.properties.run).toMatchObject({ type: 'object', minProperties: 1, maxProperties: 1, default: { once: {} } });
  expect(Object.keys(spark.properties.run.properties)).toEqual(['once', 'scheduled', 'streaming']);
  expect(spark.properties.timeToLive).toMatchObject({ type: 'string', pattern: expect.any(String) });
  expect(spark.properties.args).toMatchObject({ type: 'array', items: { type: 'string' }, default: [] });
  expect(typeof spark.properties.mainClass.description).toBe('string');
  // metadata props and construct references have no spec form
  for (const p of ['name', 'namespace', 'pool', 'queue', 'priorityClass']) expect(spark.properties[p]).toBeUndefined();
  const training = specSchemaOf('DistributedTraining');
  const accelerator = training.properties.resourcesPerWorker.properties.accelerator;
  expect(Object.keys(accelerator.properties)).toEqual(['amd', 'awsNeuron', 'nvidia', 'nvidiaMig', 'resource']);
  expect(accelerator.properties.nvidia.properties.count).toMatchObject({ type: 'number', default: 1 });
  expect(accelerator.properties.nvidiaMig.required).toEqual(['profile']);
  expect(training.properties.workers).toMatchObject({ type: 'number', default: 1 });
  expect(training.properties.suspend).toMatchObject({ type: 'boolean', default: false });
});

test('a field equal to its documented default is the default (as the API server fills it in)', () => {
  const c = CASES.find(x => x.kind === 'DistributedTraining')!;
  const explicit = renderResource(resource(c, { ...c.spec, suspend: false, workers: 4, framework: { pyTorch: {} } }));
  expect(explicit.children).toEqual(renderResource(resource(c)).children);
});

describe('invalid specs throw the ValidationError naming spec.<path>', () => {
  const spark = CASES.find(x => x.kind === 'SparkJob')!;
  const training = CASES.find(x => x.kind === 'DistributedTraining')!;
  const pipeline = CASES.find(x => x.kind === 'MLPipeline')!;
  test.each([
    ['a wrong type', spark, { ...spark.spec, args: 'x' },
      "[platform/click-features] spec.args: 'x' is not valid; must be a list (of string)"],
    ['a wrong element type', spark, { ...spark.spec, args: ['a', 1] },
      '[platform/click-features] spec.args[1]: 1 is not valid; must be a string'],
    ['a missing required field', spark, { ...spark.spec, image: undefined },
      '[platform/click-features] spec.image: undefined is not valid; required (string)'],
    ['an unknown field', spark, { ...spark.spec, imagee: 'x' },
      "[platform/click-features] spec.imagee: 'x' is not valid; not a field of SparkJobProps in a spec; fields: annotations, args, batchScheduler, deps, driver, dynamicAllocation, env, executor, hadoopConf, image, imagePullPolicy, imagePullSecrets, labels, mainApplicationFile, mainClass, memoryOverheadFactor, monitoring, podAnnotations, podLabels, restartPolicy, run, security, serviceAccountName, sharedMemory, sparkConf, sparkVersion, timeToLive, type, volumeMounts"],
    ['the name in the spec', spark, { ...spark.spec, name: 'x' },
      "[platform/click-features] spec.name: 'x' is not valid; not a field of SparkJobProps in a spec; fields: annotations, args, batchScheduler, deps, driver, dynamicAllocation, env, executor, hadoopConf, image, imagePullPolicy, imagePullSecrets, labels, mainApplicationFile, mainClass, memoryOverheadFactor, monitoring, podAnnotations, podLabels, restartPolicy, run, security, serviceAccountName, sharedMemory, sparkConf, sparkVersion, timeToLive, type, volumeMounts"],
    ['a bad enum value', spark, { ...spark.spec, type: 'python' },
      '[platform/click-features] spec.type: \'python\' is not valid; must be one of "Java", "Scala", "Python", "R"'],
    ['a bad duration', spark, { ...spark.spec, timeToLive: '1d' },
      "[platform/click-features] spec.timeToLive: '1d' is not valid; must be a Go duration such as \"1h30m\", \"90s\" or \"500ms\""],
    ['a bad quantity', spark, { ...spark.spec, driver: { memory: '2G' } },
      "[platform/click-features] spec.driver.memory: '2G' is not valid; must be a binary quantity such as \"512Mi\" or \"10Gi\""],
    ['two choices of a one-of', training, { ...training.spec, framework: { pyTorch: {}, jax: {} } },
      '[platform/resnet-ddp] spec.framework: {"pyTorch":{},"jax":{}} is not valid; must be an object with exactly one of the keys deepSpeed, jax, mlx, mpi, paddle, pyTorch, tensorFlow, xgBoost (TrainingFramework.<key>(...))'],
    ['an unknown choice', training, { ...training.spec, framework: { pytorch: {} } },
      '[platform/resnet-ddp] spec.framework.pytorch: {} is not valid; not a choice of TrainingFramework; use one of deepSpeed, jax, mlx, mpi, paddle, pyTorch, tensorFlow, xgBoost'],
    ['an unknown argument of a factory', training, { ...training.spec, resourcesPerWorker: { accelerator: { nvidia: { cnt: 1 } } } },
      '[platform/resnet-ddp] spec.resourcesPerWorker.accelerator.nvidia.cnt: 1 is not valid; not an argument of Accelerator.nvidia(); arguments: count, product, sharing'],
    ['a rule of the construct', training, { ...training.spec, workers: 0 },
      '[platform/resnet-ddp] spec.workers: 0 is not valid; must be an integer from 1 to 2147483647'],
    ['a task naming no template', pipeline, { ...pipeline.spec, tasks: [{ name: 'a', template: 'nope' }] },
      "[platform/nightly] spec.tasks[0].template: 'nope' is not valid; must name one of the templates (prep, echo)"],
    ['a dependency on no task', pipeline, { ...pipeline.spec, tasks: [{ name: 'a', template: 'echo', arguments: { message: 'x' }, dependsOn: ['b'] }] },
      "[platform/nightly] spec.tasks[0].dependsOn[0]: 'b' is not valid; must name another task (a)"],
  ])('%s', (_what, c, spec, message) => {
    const e: ValidationError = expectValidationError(() => renderResource(resource(c, spec)), message);
    expect(e.field.startsWith('spec.')).toBe(true);
  });
});

test.each(CASES.filter(c => !c.build).map(c => [c.kind, c] as const))('%s.fromSpec declares the construct the props declare', (_kind, c) => {
  const viaSpec = new Chart(Testing.app(), 'platform', { namespace: c.namespace });
  const declared = (CONSTRUCTS[c.kind] as any).fromSpec(viaSpec, c.name, c.spec);
  expect(declared).toBeInstanceOf(CONSTRUCTS[c.kind]);
  const viaProps = new Chart(Testing.app(), 'platform', { namespace: c.namespace });
  new CONSTRUCTS[c.kind](viaProps, c.name, c.props());
  expect(Testing.synth(viaSpec)).toEqual(Testing.synth(viaProps));
});

test('fromSpec names the field of an invalid spec', () => {
  const chart = new Chart(Testing.app(), 'team', { namespace: 'ml' });
  expectValidationError(() => BatchJob.fromSpec(chart, 'eval', { containers: [{ image: 'x', resources: { memory: '1GB' } }] }),
    "[team/eval] spec.containers[0].resources.memory: '1GB' is not valid; must be a binary quantity such as \"512Mi\" or \"10Gi\"");
});
