import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { BadInputCase, call, ref } from './harness';
import {
  Accelerator, Autoscaling, ClusterServingRuntime, ContainerProbe, DeploymentMode, EnvVarValue, GpuInstances, GpuNodePool, GraphNode, GraphStep,
  InferenceGraph, InferenceProtocol, InferenceService, KServeConfig, KServeRuntime, LoggerMode, ModelcarImage, ModelFormat, PodVolume, Predictor,
  ServingRuntime, StepData, StepDependency, StorageUri,
} from '../../src';

const pool = (chart: any) => new GpuNodePool(chart, 'pool', { instances: GpuInstances.families(['g5']), gpuLimit: 8, nodeClass: { clusterName: 'c', role: 'r' } });

const modelService: BadInputCase = {
  name: 'InferenceService (model predictor, canary, transformer)',
  namespace: 'ml-serving',
  setup: chart => ({ pool: pool(chart) }),
  recipe: () => ({
    name: 'sklearn-iris',
    labels: { team: 'ml' },
    annotations: { 'example.com/owner': 'ml' },
    mode: DeploymentMode.STANDARD,
    storageSecretName: 'models-s3',
    predictor: call('Predictor.model', Predictor.model, {
      format: call('ModelFormat.sklearn', ModelFormat.sklearn, '1'),
      protocol: InferenceProtocol.V2,
      storageUri: call('StorageUri.gcs', StorageUri.gcs, 'kfserving-examples', 'models/sklearn/1.0/model'),
      runtimeVersion: '1.5.0',
      args: ['--workers=2'],
      env: { LOG_LEVEL: call('EnvVarValue.fromValue', EnvVarValue.fromValue, 'info') },
      resources: { cpu: Cpu.millis(500), cpuLimit: Cpu.units(1), memory: Size.gibibytes(1) },
      volumeMounts: [{ volume: call('PodVolume.fromConfigMap', PodVolume.fromConfigMap, 'cfg', 'iris-config'), path: '/etc/iris', readOnly: true }],
      readiness: call('ContainerProbe.httpGet', ContainerProbe.httpGet, '/v2/health/ready', { port: 8080 }),
      minReplicas: 2,
      maxReplicas: 10,
      autoscaling: call('Autoscaling.cpuUtilization', Autoscaling.cpuUtilization, 70),
      containerConcurrency: 4,
      timeout: Duration.seconds(60),
      logger: { url: 'http://logger.ml-serving.svc.cluster.local', mode: LoggerMode.ALL },
      batcher: { maxBatchSize: 32, maxLatency: Duration.millis(500), timeout: Duration.seconds(5) },
      podLabels: { tier: 'serving' },
      serviceAccountName: 'model-reader',
    }),
    transformer: {
      container: { image: 'ghcr.io/example/iris-transformer:1.0', args: ['--predictor_host=iris'] },
      minReplicas: 1,
      autoscaling: call('Autoscaling.cpuUtilization', Autoscaling.cpuUtilization, 80),
    },
    canaries: [{
      name: 'sklearn-iris-v2',
      trafficPercent: 10,
      predictor: call('Predictor.model', Predictor.model, {
        format: call('ModelFormat.sklearn', ModelFormat.sklearn),
        storageUri: call('StorageUri.s3', StorageUri.s3, 'ml-models', 'iris/v2'),
        resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) },
      }),
    }],
  }),
  build: (chart, props) => {
    new InferenceService(chart, 'isvc', props);
  },
  extraBadValues: [{ path: /\(\d\)$/, values: ['s3://', 'hf://', 'gs://b/../x', 'pvc://Bad/x', '../model'] }],
};

const gpuService: BadInputCase = {
  name: 'InferenceService (Knative, GPU, Hugging Face runtime, container predictor)',
  namespace: 'ml-serving',
  setup: chart => ({ pool: pool(chart), kserve: new KServeConfig(chart, 'kserve', { enableModelcar: true, uidModelcar: 1010, defaultDeploymentMode: DeploymentMode.KNATIVE }) }),
  recipe: () => ({
    llm: {
      name: 'llama2',
      mode: DeploymentMode.KNATIVE,
      predictor: call('Predictor.model', Predictor.model, {
        format: call('ModelFormat.huggingface', ModelFormat.huggingface),
        runtime: KServeRuntime.HUGGINGFACE,
        storageUri: call('StorageUri.huggingFace', StorageUri.huggingFace, 'meta-llama/Llama-2-7b-chat-hf', 'main'),
        env: { HF_TOKEN: call('EnvVarValue.fromSecretKey', EnvVarValue.fromSecretKey, 'hf-token', 'token') },
        resources: { cpu: Cpu.units(6), memory: Size.gibibytes(24), accelerator: call('Accelerator.nvidia', Accelerator.nvidia, { count: 1 }) },
        autoscaling: call('Autoscaling.requestsPerSecond', Autoscaling.requestsPerSecond, 20),
        canaryTrafficPercent: 100,
        pool: ref('pool'),
      }),
    },
    custom: {
      name: 'custom',
      predictor: call('Predictor.container', Predictor.container, {
        container: { image: 'ghcr.io/example/server:2.0', ports: [{ number: 8080, name: 'http1' }] },
        minReplicas: 1,
        sidecars: [{ image: 'ghcr.io/example/proxy:1.0', name: 'proxy' }],
      }),
    },
  }),
  build: (chart, p) => {
    new InferenceService(chart, 'llm', p.llm);
    new InferenceService(chart, 'custom', p.custom);
  },
};

const graph: BadInputCase = {
  name: 'InferenceGraph (sequence, splitter, switch)',
  namespace: 'ml-serving',
  setup: chart => {
    const svc = (name: string) => new InferenceService(chart, name, {
      name,
      predictor: Predictor.model({ format: ModelFormat.sklearn(), storageUri: StorageUri.s3('ml-models', name), resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) } }),
    });
    return { a: svc('cat-dog'), b: svc('breed'), c: svc('fraud-v1') };
  },
  recipe: () => ({
    name: 'pipeline',
    mode: DeploymentMode.STANDARD,
    minReplicas: 1,
    maxReplicas: 3,
    timeout: Duration.seconds(30),
    root: call('GraphNode.sequence', GraphNode.sequence, 'root', [
      call('GraphStep.service', GraphStep.service, ref('a'), { name: 'cat-dog' }),
      call('GraphStep.service', GraphStep.service, ref('b'), { name: 'breed', data: StepData.REQUEST, condition: '[@this].#(outputs.0.data.0==1)', dependency: StepDependency.HARD }),
      call('GraphStep.node', GraphStep.node, call('GraphNode.splitter', GraphNode.splitter, 'split', [
        call('GraphStep.service', GraphStep.service, ref('a'), { weight: 80 }),
        call('GraphStep.service', GraphStep.service, ref('c'), { weight: 20 }),
      ])),
    ]),
  }),
  build: (chart, props) => {
    new InferenceGraph(chart, 'graph', props);
  },
};

const modelcar: BadInputCase = {
  name: 'ModelcarImage',
  namespace: 'ml-serving',
  setup: chart => ({ pool: pool(chart), kserve: new KServeConfig(chart, 'kserve', { enableModelcar: true }) }),
  recipe: () => ({
    name: 'llama-modelcar',
    source: call('StorageUri.huggingFace', StorageUri.huggingFace, 'meta-llama/Llama-2-7b-chat-hf'),
    image: 'registry.example.com/models/llama-2-7b-chat:1.0',
    pushSecretName: 'registry-push',
    sourceEnv: { HF_TOKEN: call('EnvVarValue.fromSecretKey', EnvVarValue.fromSecretKey, 'hf-token', 'token') },
    scratchSize: Size.gibibytes(60),
    resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) },
    backoffLimit: 2,
    prePull: { pool: ref('pool'), pullSecretName: 'registry-pull' },
  }),
  build: (chart, props) => {
    new ModelcarImage(chart, 'image', props);
  },
};

const runtimes: BadInputCase = {
  name: 'ServingRuntime / ClusterServingRuntime',
  namespace: 'ml-serving',
  recipe: () => ({
    ns: {
      name: 'vllm',
      supportedModelFormats: [{ name: 'huggingface', version: '1', autoSelect: true, priority: 2 }],
      protocolVersions: [InferenceProtocol.V2],
      container: { image: 'vllm/vllm-openai:v0.6.3', args: ['--port=8080'], ports: [{ number: 8080, name: 'http1' }] },
      volumes: [call('PodVolume.sharedMemory', PodVolume.sharedMemory, Size.gibibytes(2))],
      sharedMemory: false,
      podLabels: { runtime: 'vllm' },
    },
    cluster: {
      name: 'triton',
      supportedModelFormats: [{ name: 'onnx', version: '1' }],
      container: { image: 'nvcr.io/nvidia/tritonserver:24.08-py3' },
      disabled: false,
    },
  }),
  build: (chart, p) => {
    new ServingRuntime(chart, 'ns', p.ns);
    new ClusterServingRuntime(chart, 'cluster', p.cluster);
  },
};

export const cases: BadInputCase[] = [modelService, gpuService, graph, modelcar, runtimes];
