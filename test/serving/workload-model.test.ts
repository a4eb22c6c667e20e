import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, DeploymentMode, EnvVarValue, GpuInstances, GpuNodePool, GpuSharing, GraphNode, GraphStep, InferenceGraph, InferenceProtocol,
  InferenceService, InferenceServiceProps, KServeConfig, KServeRuntime, ModelcarImage, ModelFormat, NvidiaDevicePlugin, PodVolume, Predictor,
  ServingRuntime, StorageUri, WorkloadBase, WorkloadTemplate,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

const nodeClass = { clusterName: 'ml', role: 'KarpenterNodeRole-ml' };
const sklearn = { format: ModelFormat.sklearn(), storageUri: StorageUri.gcs('kfserving-examples', 'models/sklearn/1.0/model') };
const modelcarUri = StorageUri.oci('registry.example.com/models/llama:1.0');

/** The error `fn` throws (or undefined), to compare two declaration orders. */
function outcome(fn: () => unknown): string {
  try {
    return JSON.stringify(fn());
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

describe('the workload contract', () => {
  test('InferenceService, InferenceGraph and ModelcarImage are workloads: primary object, status, pod templates, primary container', () => {
    const chart = Testing.chart();
    const svc = new InferenceService(chart, 'isvc', {
      name: 'iris', mode: DeploymentMode.KNATIVE, predictor: Predictor.model(sklearn), transformer: { container: { image: 'repo/t:1' } },
    });
    const graph = new InferenceGraph(chart, 'graph', { name: 'g', root: GraphNode.sequence('root', [GraphStep.service(svc)]) });
    const image = new ModelcarImage(chart, 'img', {
      name: 'llama-build',
      source: StorageUri.s3('models', 'llama'),
      image: 'registry.example.com/models/llama:1.0',
      pushSecretName: 'push',
      prePull: { pool: new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass }) },
    });
    for (const w of [svc, graph, image]) expect(WorkloadBase.isWorkload(w)).toBe(true);
    expect(svc.apiObject).toBe(svc.node.defaultChild);
    expect(svc.apiObject.kind).toBe('InferenceService');
    expect(svc.statusContract).toBe(InferenceService.STATUS);
    expect(svc.podTemplates).toHaveLength(2);
    expect(svc.primaryContainerName).toBe('kserve-container');
    expect(graph.apiObject.kind).toBe('InferenceGraph');
    expect(graph.statusContract).toBe(InferenceGraph.STATUS);
    expect(graph.podTemplates).toEqual([]);
    expect(graph.primaryContainerName).toBe('g');
    expect(image.apiObject.kind).toBe('Job');
    expect(image.statusContract).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      source: 'conditions',
      path: '.status.conditions',
      succeeded: ['Complete'],
      failed: ['Failed'],
      messagePath: '.status.conditions[?(@.type=="Failed")].message',
      completes: true,
    });
    expect(image.status).toEqual({ contract: ModelcarImage.STATUS, name: 'llama-build', namespace: undefined });
    expect(image.supportingObjects.map(o => o.kind)).toEqual(['DaemonSet']);
    expect(image.podTemplates).toHaveLength(2);
    expect(image.primaryContainerName).toBe('build');
  });

  test('a ModelMesh predictor has no pod template (the runtime pods load the model)', () => {
    const chart = Testing.chart();
    const mm = KServeRuntime.existing('mlserver-1.x', { multiModel: true, supportedModelFormats: [{ name: 'sklearn', autoSelect: true }] });
    const svc = new InferenceService(chart, 'isvc', { name: 'iris', mode: DeploymentMode.MODEL_MESH, predictor: Predictor.model({ ...sklearn, runtime: mm }) });
    expect(svc.podTemplates).toEqual([]);
  });
});

describe('a change after construction counts', () => {
  test('InferenceService: placement, volumes and containers added through podTemplates reach the predictor and the transformer', () => {
    const chart = Testing.chart();
    const svc = new InferenceService(chart, 'isvc', {
      name: 'iris', mode: DeploymentMode.KNATIVE, predictor: Predictor.model(sklearn), transformer: { container: { image: 'repo/t:1' } },
    });
    const [predictor, transformer] = svc.podTemplates;
    predictor.placement.selectNodeLabel('topology.kubernetes.io/zone', 'eu-west-1a');
    predictor.addContainer({ name: 'metrics', image: 'repo/metrics:1' });
    transformer.addVolume(PodVolume.fromConfigMap('vocab', 'vocab'));
    const [isvc] = synthValid(chart);
    expect(isvc.spec.predictor.nodeSelector).toEqual({ 'topology.kubernetes.io/zone': 'eu-west-1a' });
    expect(isvc.spec.predictor.containers.map((c: any) => c.name)).toEqual(['metrics']);
    expect(isvc.spec.transformer.volumes.map((v: any) => v.name)).toEqual(['vocab']);
  });

  test('InferenceService: an invalid change after construction fails at synth with the user-facing field', () => {
    const chart = Testing.chart();
    const svc = new InferenceService(chart, 'isvc', { name: 'iris', mode: DeploymentMode.KNATIVE, predictor: Predictor.model(sklearn) });
    svc.podTemplates[0].addContainer({ name: 'kserve-container', image: 'repo/x:1' });
    expectValidationError(() => Testing.synth(chart),
      "[test/isvc] predictor.containers[1].name: 'kserve-container' is not valid; container names must be unique within a pod");
  });

  test('ModelcarImage: changes to the build and pre-pull templates count', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
    const image = new ModelcarImage(chart, 'img', {
      source: StorageUri.s3('models', 'llama'), image: 'registry.example.com/models/llama:1.0', pushSecretName: 'push', prePull: { pool },
    });
    const [build, prePull] = image.podTemplates;
    build.placement.selectNodeLabel('node.kubernetes.io/instance-type', 'm5.2xlarge');
    prePull.placement.addPodAnnotation('example.com/owner', 'ml-platform');
    const objects = synthValid(chart);
    expect(objects.find(o => o.kind === 'Job').spec.template.spec.nodeSelector).toEqual({ 'node.kubernetes.io/instance-type': 'm5.2xlarge' });
    expect(objects.find(o => o.kind === 'DaemonSet').spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'ml-platform' });
  });

  test('InferenceGraph: a step added to a node after construction counts', () => {
    const chart = Testing.chart();
    const mk = (name: string) => new InferenceService(chart, name, { name, predictor: Predictor.model(sklearn) });
    const steps = [GraphStep.service(mk('a'))];
    new InferenceGraph(chart, 'graph', { name: 'g', root: GraphNode.sequence('root', steps) });
    steps.push(GraphStep.service(mk('b')));
    const graph = synthValid(chart).find(o => o.kind === 'InferenceGraph');
    expect(graph.spec.nodes.root.steps).toEqual([{ serviceName: 'a' }, { serviceName: 'b' }]);
  });
});

describe('declaration order does not change any result', () => {
  const gpuPredictor = (pool?: GpuNodePool, sharing = GpuSharing.NONE) => Predictor.model({
    format: ModelFormat.huggingface(),
    runtime: KServeRuntime.HUGGINGFACE,
    args: ['--model_id=org/model'],
    pool,
    resources: { cpu: Cpu.units(4), memory: Size.gibibytes(16), accelerator: Accelerator.nvidia({ sharing }) },
  });

  test('a GPU predictor without a pool, declared before or after the GpuNodePool', () => {
    const run = (poolFirst: boolean) => outcome(() => {
      const chart = Testing.chart();
      const pool = () => new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
      if (poolFirst) pool();
      new InferenceService(chart, 'isvc', { name: 'llm', predictor: gpuPredictor() });
      if (!poolFirst) pool();
      return Testing.synth(chart);
    });
    expect(run(true)).toEqual(run(false));
    expect(run(true)).toEqual("ValidationError: [test/isvc] predictor.pool: undefined is not valid; the pods request 1 nvidia.com/gpu but are placed on no node pool; pass one of 'gpu'");
  });

  test('a time-sliced GPU predictor on its pool, declared before or after the device plugin that shares the GPUs', () => {
    const run = (pluginFirst: boolean) => outcome(() => {
      const chart = Testing.chart();
      const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
      const plugin = () => new NvidiaDevicePlugin(chart, 'plugin', { pools: [pool], timeSlicingReplicas: 4 });
      if (pluginFirst) plugin();
      new InferenceService(chart, 'isvc', { name: 'llm', predictor: gpuPredictor(pool, GpuSharing.TIME_SLICING) });
      if (!pluginFirst) plugin();
      return Testing.synth(chart).find(o => o.kind === 'InferenceService');
    });
    expect(run(true)).toEqual(run(false));
    expect(JSON.parse(run(true)).spec.predictor.model.resources.limits['nvidia.com/gpu.shared']).toBe('1');
  });

  test('KServeConfig with modelcars off, declared before or after a modelcar InferenceService and a ModelcarImage', () => {
    const run = (configFirst: boolean, what: 'service' | 'image') => outcome(() => {
      const chart = Testing.chart();
      const config = () => new KServeConfig(chart, 'kserve', { enableModelcar: false });
      if (configFirst) config();
      if (what === 'service') {
        new InferenceService(chart, 'isvc', { name: 'llm', predictor: Predictor.model({ format: ModelFormat.huggingface(), storageUri: modelcarUri }) });
      } else {
        new ModelcarImage(chart, 'img', { source: StorageUri.s3('models', 'llama'), image: 'registry.example.com/models/llama:1.0', pushSecretName: 'push' });
      }
      if (!configFirst) config();
      return Testing.synth(chart);
    });
    expect(run(true, 'service')).toEqual(run(false, 'service'));
    expect(run(false, 'service')).toEqual("ValidationError: [test/isvc] predictor.storageUri: 'oci://registry.example.com/models/llama:1.0' is not valid; "
      + 'modelcars are switched off in the KServe configuration (test/kserve): set enableModelcar: true '
      + '(storageInitializer.enableModelcar in inferenceservice-config) or store the model elsewhere');
    expect(run(true, 'image')).toEqual(run(false, 'image'));
    expect(run(false, 'image')).toEqual("ValidationError: [test/img] image: 'registry.example.com/models/llama:1.0' is not valid; "
      + 'modelcars are switched off in the KServe configuration (test/kserve), so KServe cannot serve this image: set enableModelcar: true');
  });

  test("KServeConfig's default mode, storage Secret annotation and modelcar uid, declared before or after the constructs that read them", () => {
    const run = (configFirst: boolean, props: InferenceServiceProps) => outcome(() => {
      const chart = Testing.chart();
      const config = () => new KServeConfig(chart, 'kserve', {
        defaultDeploymentMode: DeploymentMode.STANDARD, storageSecretNameAnnotation: 'example.com/secret', uidModelcar: 2000,
      });
      if (configFirst) config();
      new InferenceService(chart, 'isvc', props);
      new ModelcarImage(chart, 'img', { source: StorageUri.s3('models', 'llama'), image: 'registry.example.com/models/llama:1.0', pushSecretName: 'push' });
      if (!configFirst) config();
      return Testing.synth(chart);
    });
    const ok: InferenceServiceProps = { name: 'iris', storageSecretName: 's3-creds', predictor: Predictor.model(sklearn) };
    expect(run(true, ok)).toEqual(run(false, ok));
    const [isvc, job] = JSON.parse(run(false, ok));
    expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Standard', 'example.com/secret': 's3-creds' });
    expect(job.spec.template.spec.securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 2000 });
    expect(job.spec.template.spec.containers[0].command[2]).toContain('--user 2000');
    // a rule of the mode the configuration sets: Standard mode ignores canaryTrafficPercent
    const bad: InferenceServiceProps = { name: 'iris', predictor: Predictor.model({ ...sklearn, canaryTrafficPercent: 10 }) };
    expect(run(true, bad)).toEqual(run(false, bad));
    expect(run(false, bad)).toMatch(/^ValidationError: \[test\/isvc\] predictor\.canaryTrafficPercent: 10 is not valid; KServe 0\.20\.0 honours canaryTrafficPercent only in Knative mode/);
  });

  test('a ServingRuntime declared after the InferenceService that auto-selects it', () => {
    const run = (runtimeFirst: boolean) => outcome(() => {
      const chart = Testing.chart();
      const rt = () => new ServingRuntime(chart, 'rt', {
        name: 'caffe-server', supportedModelFormats: [{ name: 'caffe', autoSelect: true }], container: { image: 'repo/caffe:1' },
      });
      if (runtimeFirst) rt();
      new InferenceService(chart, 'isvc', { name: 'm', predictor: Predictor.model({ format: ModelFormat.of('caffe') }) });
      if (!runtimeFirst) rt();
      return Testing.synth(chart).find(o => o.kind === 'InferenceService');
    });
    expect(run(true)).toEqual(run(false));
    expect(JSON.parse(run(false)).spec.predictor.model.modelFormat).toEqual({ name: 'caffe' });
  });
});

describe('rendered in a WorkloadTemplate, a workload equals its synth in an app', () => {
  const declareImage = (scope: Construct, pool: GpuNodePool) => new ModelcarImage(scope, 'img', {
    name: 'llama-build',
    source: StorageUri.huggingFace('meta-llama/Llama-2-7b-chat-hf'),
    image: 'registry.example.com/models/llama:1.0',
    pushSecretName: 'push',
    sourceEnv: { HF_TOKEN: EnvVarValue.fromSecretKey('hf-token', 'token') },
    prePull: { pool },
  });
  const declareService = (scope: Construct, pool: GpuNodePool) => new InferenceService(scope, 'isvc', {
    name: 'llama2',
    predictor: Predictor.model({
      format: ModelFormat.huggingface(),
      storageUri: modelcarUri,
      pool,
      timeout: Duration.seconds(120),
      resources: { cpu: Cpu.units(6), memory: Size.gibibytes(24), accelerator: Accelerator.nvidia() },
    }),
    transformer: { container: { image: 'repo/t:1' }, podLabels: { team: 'ml' } },
  });
  const pool = (scope: Construct) => new GpuNodePool(scope, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });

  test.each([['InferenceService', declareService], ['ModelcarImage', declareImage]])('%s', (_kind, declare) => {
    const chart = new Chart(Testing.app(), 'serving', { namespace: 'ml-serving' });
    new KServeConfig(chart, 'kserve', { uidModelcar: 2000 });
    declare(chart, pool(chart));
    const synthesized = Testing.synth(chart);

    const t = new WorkloadTemplate({ chartId: 'serving', namespace: 'ml-serving' });
    const platform = new Chart(t.scope.node.root as Construct, 'platform');
    new KServeConfig(platform, 'kserve', { uidModelcar: 2000 });
    const w = declare(t.scope, pool(platform));
    const { primary, supporting } = t.render();
    expect(primary).toEqual(synthesized.find(o => o.kind === w.apiObject.kind));
    expect(supporting).toEqual(synthesized.filter(o => o.kind === 'DaemonSet'));
  });
});

describe('errors name the prop the user wrote', () => {
  const svc = (predictor: Predictor, extra: Partial<InferenceServiceProps> = {}) => () => new InferenceService(Testing.chart(), 'isvc', {
    name: 'iris', mode: DeploymentMode.KNATIVE, predictor, ...extra,
  });

  test('predictor env, resources and container fields', () => {
    expectValidationError(svc(Predictor.model({ ...sklearn, env: { HF_TOKEN: EnvVarValue.fromValue('hf_abc') } })),
      "[test/isvc] predictor.env.HF_TOKEN: 'HF_TOKEN=<literal>' is not valid; looks like a credential; reference it with "
      + 'EnvVarValue.fromSecretKey(secretName, key) instead of inlining it');
    expectValidationError(svc(Predictor.container({ container: { image: 'repo/server:1', env: { HF_TOKEN: EnvVarValue.fromValue('hf_abc') } } })),
      "[test/isvc] predictor.container.env.HF_TOKEN: 'HF_TOKEN=<literal>' is not valid; looks like a credential; reference it with "
      + 'EnvVarValue.fromSecretKey(secretName, key) instead of inlining it');
    expectValidationError(svc(Predictor.container({ container: { image: 'not an image' } })),
      "[test/isvc] predictor.container.image: 'not an image' is not valid; must be an image reference such as "
      + "'registry.example.com/team/trainer:1.4.2' or 'repo/name@sha256:<digest>'");
    expectValidationError(svc(Predictor.model({ ...sklearn, sidecars: [{ image: 'repo/a:1' }, { image: 'bad image' }] })),
      "[test/isvc] predictor.sidecars[1].image: 'bad image' is not valid; must be an image reference such as "
      + "'registry.example.com/team/trainer:1.4.2' or 'repo/name@sha256:<digest>'");
    expectValidationError(svc(Predictor.model(sklearn), { transformer: { container: { image: 'repo/t:1', env: { '1X': EnvVarValue.fromValue('a') } } } }),
      "[test/isvc] transformer.container.env.1X: '1X' is not valid; environment variable names consist of letters, digits, '_', '-' and '.', and must not start with a digit");
    expectValidationError(svc(Predictor.model({ ...sklearn, serviceAccountName: 'Model_Reader' })),
      "[test/isvc] predictor.serviceAccountName: 'Model_Reader' is not valid; must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters");
    expectValidationError(svc(Predictor.model(sklearn), { canaries: [{ name: 'v2', trafficPercent: 10, predictor: Predictor.model({ ...sklearn, podLabels: { 'a b': 'c' } }) }] }),
      "[test/isvc] canaries[0].predictor.podLabels.a b: 'a b' is not valid; label keys are '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'");
  });

  test('a GPU predictor on a pool that offers no GPUs names predictor.resources.accelerator (at synth)', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
    new NvidiaDevicePlugin(chart, 'plugin', { pools: [pool], timeSlicingReplicas: 4 });
    new InferenceService(chart, 'isvc', {
      name: 'llm', predictor: Predictor.model({ format: ModelFormat.huggingface(), pool, resources: { accelerator: Accelerator.nvidia() } }),
    });
    const e = expectValidationError(() => Testing.synth(chart), /^\[test\/isvc\] predictor\.resources\.accelerator/);
    expect(e.field).toBe('predictor.resources.accelerator.resourceName');
  });

  test('fractional durations fail with the library error, not cdk8s', () => {
    expectValidationError(svc(Predictor.model({ ...sklearn, timeout: Duration.millis(1500) })),
      "[test/isvc] predictor.timeout: '1500ms' is not valid; must be a whole number of seconds");
    expectValidationError(svc(Predictor.model({ ...sklearn, batcher: { maxLatency: Duration.millis(0.5) } })),
      "[test/isvc] predictor.batcher.maxLatency: '0.5 millis' is not valid; must be a whole number of milliseconds");
    expectValidationError(svc(Predictor.model({ ...sklearn, batcher: { timeout: Duration.millis(2500) } })),
      "[test/isvc] predictor.batcher.timeout: '2500ms' is not valid; must be a whole number of seconds");
    expectValidationError(svc(Predictor.model(sklearn), { transformer: { container: { image: 'repo/t:1' }, timeout: Duration.seconds(0) } }),
      '[test/isvc] transformer.timeout: 0 is not valid; must be an integer of at least 1');
    const chart = Testing.chart();
    const a = new InferenceService(chart, 'a', { name: 'a', predictor: Predictor.model(sklearn) });
    expectValidationError(() => new InferenceGraph(chart, 'g', { timeout: Duration.millis(1500), root: GraphNode.sequence('root', [GraphStep.service(a)]) }),
      "[test/g] timeout: '1500ms' is not valid; must be a whole number of seconds");
  });

  test('renamed and moved rules: format, canaries of a container predictor, oci:// on a canary, a second KServeConfig', () => {
    expectValidationError(svc(Predictor.model({ ...sklearn, runtime: KServeRuntime.XGBOOST })),
      "[test/isvc] predictor.format: 'sklearn' is not valid; runtime 'kserve-xgbserver' supports xgboost:2");
    expectValidationError(svc(Predictor.container({ container: { image: 'repo/s:1' } }), {
      mode: DeploymentMode.STANDARD, canaries: [{ name: 'v2', trafficPercent: 10, predictor: Predictor.model(sklearn) }],
    }), '[test/isvc] canaries: ["v2"] is not valid; canaries need a stable predictor with a model (Predictor.model() or a storageUri)');
    const chart = Testing.chart();
    new KServeConfig(chart, 'kserve', { enableModelcar: false });
    new InferenceService(chart, 'isvc', {
      name: 'iris',
      mode: DeploymentMode.STANDARD,
      predictor: Predictor.model(sklearn),
      canaries: [{ name: 'v2', trafficPercent: 10, predictor: Predictor.model({ ...sklearn, storageUri: modelcarUri }) }],
    });
    expectValidationError(() => Testing.synth(chart),
      "[test/isvc] canaries[0].predictor.storageUri: 'oci://registry.example.com/models/llama:1.0' is not valid; modelcars are switched off in "
      + 'the KServe configuration (test/kserve): set enableModelcar: true (storageInitializer.enableModelcar in inferenceservice-config) or store the model elsewhere');
    expectValidationError(() => new KServeConfig(chart, 'kserve2'),
      "[test/kserve2] KServeConfig: 'test/kserve' is not valid; an app targets one KServe installation; declare a single KServeConfig");
  });

  test('ModelcarImage: source env and the pre-pull pool', () => {
    const base = { source: StorageUri.s3('models', 'm'), image: 'registry.example.com/m:1', pushSecretName: 'push' };
    expectValidationError(() => new ModelcarImage(Testing.chart(), 'img', { ...base, sourceEnv: { AWS_SECRET_ACCESS_KEY: EnvVarValue.fromValue('x') } }),
      "[test/img] sourceEnv.AWS_SECRET_ACCESS_KEY: 'AWS_SECRET_ACCESS_KEY=<literal>' is not valid; looks like a credential; reference it with "
      + 'EnvVarValue.fromSecretKey(secretName, key) instead of inlining it');
    expectValidationError(() => new ModelcarImage(Testing.chart(), 'img', { ...base, serviceAccountName: 'Bad_Account' }),
      "[test/img] serviceAccountName: 'Bad_Account' is not valid; must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters");
  });
});

test('inferencePath follows the protocol', () => {
  const chart = Testing.chart();
  const v2 = new InferenceService(chart, 'a', { name: 'a', predictor: Predictor.model({ ...sklearn, protocol: InferenceProtocol.V2 }) });
  expect(v2.inferencePath()).toBe('/v2/models/a/infer');
});
