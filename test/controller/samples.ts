/**
 * One custom resource of each platform kind, as a user writes it (used by the controller tests, the demo and the
 * benchmark). Plain module: no jest imports.
 */
import { PLATFORM_API_GROUP, PLATFORM_API_VERSION } from '../../src/controller/render';

export const PLATFORM_API = `${PLATFORM_API_GROUP}/${PLATFORM_API_VERSION}`;

/** Spec of one resource of each kind. */
export const SAMPLE_SPECS: Record<string, any> = {
  SparkJob: {
    type: 'Python',
    sparkVersion: '3.5.5',
    image: 'ghcr.io/example/click-features:2.3.1',
    mainApplicationFile: 'local:///opt/app/build_features.py',
    args: ['--input', '/data/clicks'],
    driver: { cores: 1, memory: '2Gi' },
    executor: { instances: 2, cores: 2, memory: '4Gi' },
  },
  DistributedTraining: {
    backend: { trainingOperatorV1: { backoffLimit: 3 } },
    framework: { pyTorch: {} },
    image: 'ghcr.io/example/resnet-ddp:1.2.0',
    command: ['torchrun', 'train.py', '--epochs=30'],
    workers: 2,
    resourcesPerWorker: { cpu: '4', memory: '16Gi' },
  },
  FineTuning: {
    workers: 1,
    processesPerWorker: 1,
    model: { uri: 'hf://google-bert/bert-base-cased', transformerType: 'AutoModelForSequenceClassification' },
    storage: { accessModes: ['ReadWriteOnce'] },
    dataset: { repoId: 'yelp_review_full', split: 'train[:3000]' },
    trainingArguments: { output_dir: '/workspace/test_trainer', save_strategy: 'no', do_eval: false },
    lora: { r: 8, alpha: 8, dropout: 0.1, bias: 'none' },
    resourcesPerWorker: { cpu: '5', memory: '10Gi', accelerator: { nvidia: { count: 1 } } },
  },
  HyperparameterExperiment: {
    objective: { maximize: { metric: 'Validation-accuracy', goal: 0.99 } },
    algorithm: { random: {} },
    parameters: [
      { double: { name: 'lr', min: 0.01, max: 0.05, trialParameterName: 'learningRate' } },
    ],
    parallelTrialCount: 2,
    maxTrialCount: 6,
    trial: {
      batchJob: {
        containers: [{
          name: 'training-container',
          image: 'docker.io/kubeflowkatib/mxnet-mnist:v1beta1-45c5727',
          command: ['python3', '/opt/mxnet-mnist/mnist.py', '--lr=${trialParameters.learningRate}'],
        }],
      },
    },
  },
  InferenceService: {
    mode: 'Standard',
    predictor: {
      model: {
        format: { sklearn: {} },
        protocol: 'v2',
        storageUri: { gcs: { bucket: 'kfserving-examples', path: 'models/sklearn/1.0/model' } },
        resources: { cpu: '500m', cpuLimit: '1', memory: '1Gi' },
        minReplicas: 1,
      },
    },
  },
  MLPipeline: {
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
  Dataset: {
    mounts: [{ fromUri: { uri: 's3://analytics-raw/click-logs/', name: 'clicks', readOnly: true } }],
    runtime: { alluxio: { replicas: 1, tiers: [{ medium: 'MEM', quota: '2Gi', highWatermark: 0.95, lowWatermark: 0.7 }] } },
  },
  BatchJob: {
    containers: [{ image: 'ghcr.io/example/eval:1.0', args: ['--split', 'test'], resources: { cpu: '2', memory: '4Gi' } }],
    backoffLimit: 2,
  },
};

/** A custom resource of `kind` named `name` in `namespace`. */
export function sampleResource(kind: string, name: string, namespace: string, spec: any = SAMPLE_SPECS[kind]): any {
  return { apiVersion: PLATFORM_API, kind, metadata: { name, namespace }, spec: JSON.parse(JSON.stringify(spec)) };
}
