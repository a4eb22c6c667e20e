import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, Autoscaling, DeploymentMode, EnvVarValue, GpuInstances, GpuNodePool, InferenceProtocol, InferenceService, KServeConfig,
  InferenceServiceProps, KServeRuntime, LoggerMode, ModelFormat, PodSecurityLevel, Predictor, StatusSource, StorageUri,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

const sklearn = { format: ModelFormat.sklearn(), storageUri: StorageUri.gcs('kfserving-examples', 'models/sklearn/1.0/model') };
const nodeClass = { clusterName: 'ml', role: 'KarpenterNodeRole-ml' };

/**
 * Declares the service in a fresh chart (which must not throw) and returns its synth: the rules of a mode that is not
 * given (it may come from a KServeConfig declared later) and the checks across the app (runtimes) run there.
 */
function atSynth(props: InferenceServiceProps): () => unknown {
  const chart = Testing.chart();
  new InferenceService(chart, 'isvc', props);
  return () => Testing.synth(chart);
}

test("renders the talk's Llama 2 service: Hugging Face format, args, GPU, secure pod, KServe's default mode, not written", () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  new InferenceService(chart, 'llm', {
    name: 'huggingface-llama2',
    predictor: Predictor.model({
      format: ModelFormat.huggingface(),
      args: ['--model_name=llama2', '--model_id=meta-llama/Llama-2-7b-chat-hf'],
      env: { HF_TOKEN: EnvVarValue.fromSecretKey('hf-token', 'token') },
      resources: { cpu: Cpu.units(6), cpuLimit: Cpu.units(6), memory: Size.gibibytes(24), accelerator: Accelerator.nvidia() },
      pool,
    }),
  });
  const isvc = synthValid(chart).find(o => o.kind === 'InferenceService');
  expect(isvc.apiVersion).toBe('serving.kserve.io/v1beta1');
  expect(isvc.metadata).toEqual({ name: 'huggingface-llama2' }); // no mode chosen: KServe's default applies, as in the talk
  const p = isvc.spec.predictor;
  expect(p.model.modelFormat).toEqual({ name: 'huggingface' });
  expect(p.model.name).toBeUndefined(); // KServe rejects a name on predictor.model
  expect(p.model.image).toBeUndefined();
  expect(p.containers).toBeUndefined();
  expect(p.model.args).toEqual(['--model_name=llama2', '--model_id=meta-llama/Llama-2-7b-chat-hf']);
  expect(p.model.env).toEqual([{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } }]);
  expect(p.model.resources).toEqual({ requests: { cpu: '6', memory: '24Gi' }, limits: { 'cpu': '6', 'memory': '24Gi', 'nvidia.com/gpu': '1' } });
  expect(p.model.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  expect(p.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(p.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
  expect(p.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
  expect(p.annotations).toBeUndefined(); // serving pods may be consolidated
});

test('storage credentials: service account on the predictor, Secret through the configured annotation', () => {
  const chart = Testing.chart();
  new KServeConfig(chart, 'kserve', { storageSecretNameAnnotation: 'serving.kserve.io/secretName' });
  new InferenceService(chart, 'isvc', {
    name: 'iris',
    namespace: 'ml',
    storageSecretName: 's3-creds',
    predictor: Predictor.model({ ...sklearn, storageUri: StorageUri.s3('models', 'iris/v1'), serviceAccountName: 'model-reader' }),
  });
  const [isvc] = synthValid(chart);
  expect(isvc.metadata.annotations['serving.kserve.io/secretName']).toBe('s3-creds');
  expect(isvc.spec.predictor.serviceAccountName).toBe('model-reader');
  expect(isvc.spec.predictor.automountServiceAccountToken).toBeUndefined();
  expect(isvc.spec.predictor.model.storageUri).toBe('s3://models/iris/v1');
});

test('Knative: scale-to-zero, concurrency autoscaling, canaryTrafficPercent, timeout, logger, batcher, transformer and explainer', () => {
  const chart = Testing.chart();
  new InferenceService(chart, 'isvc', {
    name: 'iris',
    mode: DeploymentMode.KNATIVE,
    predictor: Predictor.model({
      ...sklearn,
      protocol: InferenceProtocol.V2,
      minReplicas: 0,
      maxReplicas: 4,
      autoscaling: Autoscaling.concurrency(10),
      canaryTrafficPercent: 20,
      timeout: Duration.seconds(60),
      logger: { url: 'http://message-dumper.default/', mode: LoggerMode.REQUEST },
      batcher: { maxBatchSize: 32, maxLatency: Duration.millis(500) },
    }),
    transformer: { container: { image: 'ghcr.io/example/iris-transformer:1.0.0', args: ['--protocol=v2'] } },
    explainer: { container: { image: 'ghcr.io/example/iris-explainer:1.0.0' }, minReplicas: 0 },
  });
  const [isvc] = synthValid(chart);
  const p = isvc.spec.predictor;
  expect(p).toMatchObject({
    minReplicas: 0,
    maxReplicas: 4,
    scaleMetric: 'concurrency',
    scaleTarget: 10,
    canaryTrafficPercent: 20,
    timeout: 60,
    logger: { url: 'http://message-dumper.default/', mode: 'request' },
    batcher: { maxBatchSize: 32, maxLatency: 500 },
  });
  expect(p.model.protocolVersion).toBe('v2');
  expect(isvc.spec.transformer.containers[0]).toMatchObject({ name: 'kserve-container', image: 'ghcr.io/example/iris-transformer:1.0.0' });
  expect(isvc.spec.transformer.securityContext.runAsNonRoot).toBe(true);
  expect(isvc.spec.explainer.minReplicas).toBe(0);
});

test('Standard: HPA metrics, KEDA with an annotation, canaries in spec.canary', () => {
  const chart = Testing.chart();
  new InferenceService(chart, 'hpa', {
    name: 'iris-hpa',
    mode: DeploymentMode.STANDARD,
    predictor: Predictor.model({ ...sklearn, minReplicas: 2, maxReplicas: 6, autoscaling: Autoscaling.cpuUtilization(70) }),
    canaries: [{ name: 'iris-v2', trafficPercent: 10, predictor: Predictor.model({ ...sklearn, storageUri: StorageUri.gcs('kfserving-examples', 'models/sklearn/2.0/model'), minReplicas: 1 }) }],
  });
  new InferenceService(chart, 'keda', {
    name: 'iris-keda',
    mode: DeploymentMode.STANDARD,
    predictor: Predictor.model({
      ...sklearn,
      minReplicas: 0,
      maxReplicas: 5,
      autoscaling: Autoscaling.kedaPrometheus({ serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(requests_total[1m]))', threshold: '50' }),
    }),
  });
  const [hpa, keda] = synthValid(chart);
  expect(hpa.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Standard' });
  expect(hpa.spec.predictor).toMatchObject({ scaleMetric: 'cpu', scaleTarget: 70 });
  expect(hpa.spec.canary).toHaveLength(1);
  expect(hpa.spec.canary[0]).toMatchObject({ trafficPercent: 10, predictor: { name: 'iris-v2', minReplicas: 1 } });
  expect(hpa.spec.canary[0].predictor.model).toMatchObject({ name: 'kserve-container', storageUri: 'gs://kfserving-examples/models/sklearn/2.0/model' });
  expect(keda.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('keda');
  expect(keda.spec.predictor.autoScaling.metrics[0]).toEqual({
    type: 'External',
    external: { metric: { backend: 'prometheus', serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(requests_total[1m]))' }, target: { type: 'Value', value: '50' } },
  });
});

test('custom predictor container gets STORAGE_URI and the main container name KServe expects', () => {
  const chart = Testing.chart();
  new InferenceService(chart, 'isvc', {
    name: 'custom',
    predictor: Predictor.container({ container: { image: 'ghcr.io/example/server:1.0.0', ports: [{ number: 8080 }] }, storageUri: StorageUri.pvc('models', 'iris') }),
  });
  const [isvc] = synthValid(chart);
  const c = isvc.spec.predictor.containers[0];
  expect(c.name).toBe('kserve-container');
  expect(c.env).toEqual([{ name: 'STORAGE_URI', value: 'pvc://models/iris' }]);
  expect(isvc.spec.predictor.model).toBeUndefined();
});

test('a security opt-out is recorded on the InferenceService', () => {
  const chart = Testing.chart();
  new InferenceService(chart, 'isvc', {
    name: 'legacy',
    predictor: Predictor.model({ ...sklearn, security: { level: PodSecurityLevel.BASELINE, optOutReason: 'the image writes to /root' } }),
  });
  const [isvc] = synthValid(chart);
  expect(isvc.metadata.annotations['ai-platform.cdk8s.io/pod-security']).toBe('baseline');
});

test('ModelMesh: multi-model runtime, model fields only', () => {
  const chart = Testing.chart();
  const mlserver = KServeRuntime.existing('mlserver-1.x', { multiModel: true, supportedModelFormats: [{ name: 'sklearn', autoSelect: true }] });
  new InferenceService(chart, 'isvc', { name: 'iris-mm', mode: DeploymentMode.MODEL_MESH, predictor: Predictor.model({ ...sklearn, runtime: mlserver }) });
  const [isvc] = synthValid(chart);
  expect(isvc.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('ModelMesh');
  expect(isvc.spec.predictor).toEqual({
    model: { modelFormat: { name: 'sklearn' }, runtime: 'mlserver-1.x', storageUri: 'gs://kfserving-examples/models/sklearn/1.0/model' },
  });
});

describe('mode rules', () => {
  test('error: scale-to-zero in Standard mode with the HPA', () => {
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.STANDARD, predictor: Predictor.model({ ...sklearn, minReplicas: 0 }),
    }), /^\[test\/isvc\] predictor\.minReplicas: 0 is not valid; Standard mode cannot scale to zero with the 'hpa' autoscaler \(KServe raises minReplicas 0 to 1\); use Knative mode, or Autoscaling\.kedaPrometheus\(\) in Standard mode$/);
  });

  test('error: scale-to-zero in Standard mode with KEDA on CPU', () => {
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.STANDARD, predictor: Predictor.model({ ...sklearn, minReplicas: 0, autoscaling: Autoscaling.kedaCpuUtilization(60) }),
    }), /^\[test\/isvc\] predictor\.minReplicas: 0 is not valid; Standard mode cannot scale to zero with the 'keda' autoscaler/);
  });

  test('error: zero fixed replicas in Standard mode', () => {
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.STANDARD, predictor: Predictor.model({ ...sklearn, minReplicas: 0, autoscaling: Autoscaling.fixedReplicas() }),
    }), /^\[test\/isvc\] predictor\.minReplicas: 0 is not valid; with fixed replicas, 0 means the component never runs; to stop a service use the serving\.kserve\.io\/stop annotation$/);
  });

  test('error: canaryTrafficPercent in Standard mode (ignored by KServe v0.20.0)', () => {
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.STANDARD, predictor: Predictor.model({ ...sklearn, canaryTrafficPercent: 10 }),
    }), /^\[test\/isvc\] predictor\.canaryTrafficPercent: 10 is not valid; KServe 0\.20\.0 honours canaryTrafficPercent only in Knative mode \(Standard mode ignores it\); declare the candidate in canaries instead$/);
  });

  test('error: canaryTrafficPercent in ModelMesh mode', () => {
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.MODEL_MESH, predictor: Predictor.model({ ...sklearn, canaryTrafficPercent: 10 }),
    }), /^\[test\/isvc\] predictor\.canaryTrafficPercent: 10 is not valid; ModelMesh mode has no revisions to split traffic between$/);
  });

  test('error: spec.canary in Knative mode', () => {
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.KNATIVE, predictor: Predictor.model(sklearn), canaries: [{ name: 'v2', trafficPercent: 10, predictor: Predictor.model(sklearn) }],
    }), /^\[test\/isvc\] canaries: \["v2"\] is not valid; spec\.canary is only supported in Standard mode; in Knative mode update the predictor and set predictor\.canaryTrafficPercent$/);
  });

  test('error: canary traffic over 100, canary autoscaling, canary minReplicas above stable, duplicate names', () => {
    const std = (canaries: any[], predictor: Predictor = Predictor.model(sklearn)) => () => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.STANDARD, predictor, canaries,
    });
    expectValidationError(std([{ name: 'a', trafficPercent: 60, predictor: Predictor.model(sklearn) }, { name: 'b', trafficPercent: 50, predictor: Predictor.model(sklearn) }]),
      /^\[test\/isvc\] canaries\[1\]\.trafficPercent: 50 is not valid; the canaries' traffic adds up to 110; the sum must be at most 100$/);
    expectValidationError(std([{ name: 'a', trafficPercent: 10, predictor: Predictor.model({ ...sklearn, maxReplicas: 3 }) }]),
      /^\[test\/isvc\] canaries\[0\]\.predictor\.maxReplicas: 3 is not valid; canaries run fixed replicas \(minReplicas\); remove maxReplicas$/);
    expectValidationError(std([{ name: 'a', trafficPercent: 10, predictor: Predictor.model({ ...sklearn, autoscaling: Autoscaling.cpuUtilization(50) }) }]),
      /^\[test\/isvc\] canaries\[0\]\.predictor\.autoscaling: 'hpa' is not valid; canaries run fixed replicas \(minReplicas\); remove autoscaling$/);
    expectValidationError(std([{ name: 'a', trafficPercent: 10, predictor: Predictor.model({ ...sklearn, minReplicas: 3 }) }]),
      /^\[test\/isvc\] canaries\[0\]\.predictor\.minReplicas: 3 is not valid; must not exceed the stable predictor's minReplicas \(1\)$/);
    expectValidationError(std([{ name: 'a', trafficPercent: 10, predictor: Predictor.model(sklearn) }, { name: 'a', trafficPercent: 10, predictor: Predictor.model(sklearn) }]),
      /^\[test\/isvc\] canaries\[1\]\.name: 'a' is not valid; canary names must be unique$/);
    expectValidationError(std([{ name: 'a', trafficPercent: 10, predictor: Predictor.model(sklearn) }], Predictor.container({ container: { image: 'repo/server:1' } })),
      /^\[test\/isvc\] canaries: \["a"\] is not valid; canaries need a stable predictor with a model \(Predictor\.model\(\) or a storageUri\)$/);
  });

  test('error: Standard metrics in Knative mode, request metrics in Standard mode', () => {
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.KNATIVE, predictor: Predictor.model({ ...sklearn, autoscaling: Autoscaling.cpuUtilization(80) }),
    }), /^\[test\/isvc\] predictor\.autoscaling: 'cpu\(80\)' is not valid; Knative mode scales with the Knative Pod Autoscaler: use Autoscaling\.concurrency\(\) or Autoscaling\.requestsPerSecond\(\)$/);
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.STANDARD, predictor: Predictor.model({ ...sklearn, autoscaling: Autoscaling.requestsPerSecond(5) }),
    }), /^\[test\/isvc\] predictor\.autoscaling: 'rps\(5\)' is not valid; Standard mode has no request-based autoscaler/);
  });

  test('error: components with different autoscaler classes', () => {
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris',
      mode: DeploymentMode.STANDARD,
      predictor: Predictor.model({ ...sklearn, autoscaling: Autoscaling.cpuUtilization(80) }),
      transformer: { container: { image: 'repo/t:1' }, autoscaling: Autoscaling.kedaCpuUtilization(80) },
    }), /^\[test\/isvc\] transformer\.autoscaling: 'keda' is not valid; all components share one autoscaler class \(serving\.kserve\.io\/autoscalerClass\); the service already uses 'hpa'$/);
  });

  test('error: ModelMesh with a single-model runtime, without any multi-model runtime, with pod settings, with an explainer', () => {
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.MODEL_MESH, predictor: Predictor.model({ ...sklearn, runtime: KServeRuntime.SKLEARN }),
    }), /^\[test\/isvc\] predictor\.runtime: 'kserve-sklearnserver' is not valid; ModelMesh mode needs a multi-model runtime \(multiModel: true\)/);
    expectValidationError(atSynth({
      name: 'iris', mode: DeploymentMode.MODEL_MESH, predictor: Predictor.model(sklearn),
    }), /^\[test\/isvc\] predictor\.runtime: undefined is not valid; ModelMesh mode needs a multi-model runtime for 'sklearn'; none of KServe's built-in runtimes is multi-model/);
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.MODEL_MESH, predictor: Predictor.model({ ...sklearn, minReplicas: 2 }),
    }), /^\[test\/isvc\] predictor\.minReplicas: 'minReplicas' is not valid; ModelMesh mode loads the model into the shared pods of its multi-model runtime/);
    const mm = KServeRuntime.existing('mlserver-1.x', { multiModel: true, supportedModelFormats: [{ name: 'sklearn', autoSelect: true }] });
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', {
      name: 'iris', mode: DeploymentMode.MODEL_MESH, predictor: Predictor.model({ ...sklearn, runtime: mm }), explainer: { container: { image: 'repo/e:1' } },
    }), /^\[test\/isvc\] explainer: 'explainer' is not valid; ModelMesh mode serves predictors from shared runtime pods and reconciles no explainer/);
  });

  test('error: a multi-model runtime outside ModelMesh mode', () => {
    const mm = KServeRuntime.existing('mlserver-1.x', { multiModel: true, supportedModelFormats: [{ name: 'sklearn' }] });
    expectValidationError(atSynth({ name: 'iris', predictor: Predictor.model({ ...sklearn, runtime: mm }) }),
      /^\[test\/isvc\] predictor\.runtime: 'mlserver-1\.x' is not valid; a multi-model runtime serves only ModelMesh InferenceServices; this one is in Knative mode$/);
  });

  test('error: oci:// model when the KServe configuration has modelcars off (checked at synth)', () => {
    const chart = Testing.chart();
    new InferenceService(chart, 'isvc', { name: 'llm', predictor: Predictor.model({ format: ModelFormat.huggingface(), storageUri: StorageUri.oci('registry.example.com/models/llama:1.0') }) });
    new KServeConfig(chart, 'kserve', { enableModelcar: false });
    expectValidationError(() => Testing.synth(chart),
      "[test/isvc] predictor.storageUri: 'oci://registry.example.com/models/llama:1.0' is not valid; modelcars are switched off in the KServe configuration (test/kserve): "
      + 'set enableModelcar: true (storageInitializer.enableModelcar in inferenceservice-config) or store the model elsewhere');
  });

  test('oci:// model with the default KServe configuration (modelcars on in v0.20.0)', () => {
    const chart = Testing.chart();
    new InferenceService(chart, 'isvc', { name: 'llm', predictor: Predictor.model({ format: ModelFormat.huggingface(), storageUri: StorageUri.oci('registry.example.com/models/llama:1.0') }) });
    expect(synthValid(chart)[0].spec.predictor.model.storageUri).toBe('oci://registry.example.com/models/llama:1.0');
  });
});

describe('runtime, format and protocol', () => {
  test('error: runtime that does not load the format', () => {
    expectValidationError(atSynth({ name: 'iris', predictor: Predictor.model({ ...sklearn, runtime: KServeRuntime.XGBOOST }) }),
      /^\[test\/isvc\] predictor\.format: 'sklearn' is not valid; runtime 'kserve-xgbserver' supports xgboost:2$/);
  });

  test('error: protocol the chosen runtime does not serve', () => {
    expectValidationError(atSynth({
      name: 'iris', predictor: Predictor.model({ ...sklearn, runtime: KServeRuntime.SKLEARN, protocol: InferenceProtocol.GRPC_V2 }),
    }), /^\[test\/isvc\] predictor\.protocol: 'grpc-v2' is not valid; runtime 'kserve-sklearnserver' serves v1, v2$/);
  });

  test('error: no auto-selectable runtime serves the protocol', () => {
    expectValidationError(atSynth({ name: 'iris', predictor: Predictor.model({ ...sklearn, protocol: InferenceProtocol.GRPC_V2 }) }),
      /^\[test\/isvc\] predictor\.protocol: 'grpc-v2' is not valid; no auto-selectable runtime for 'sklearn' serves it; 'kserve-sklearnserver' serves v1, v2; 'kserve-mlserver' serves v2$/);
  });

  test('error: format no runtime auto-selects', () => {
    expectValidationError(atSynth({ name: 'm', predictor: Predictor.model({ format: ModelFormat.of('caffe') }) }),
      /^\[test\/isvc\] predictor\.format: 'caffe' is not valid; no auto-selectable serving runtime loads this format/);
  });

  test('kserve-openvino is not installed by KServe v0.20.0: ONNX over v1 has no auto-selected runtime, but OpenVINO can be named', () => {
    expectValidationError(atSynth({ name: 'm', predictor: Predictor.model({ format: ModelFormat.onnx() }) }),
      /^\[test\/isvc\] predictor\.protocol: 'v1 \(default\)' is not valid; no auto-selectable runtime for 'onnx' serves it; 'kserve-tritonserver' serves v2, grpc-v2$/);
    expectValidationError(atSynth({ name: 'm', predictor: Predictor.model({ format: ModelFormat.of('openvino') }) }),
      /^\[test\/isvc\] predictor\.format: 'openvino' is not valid; no auto-selectable serving runtime loads this format/);
    const chart = Testing.chart();
    new InferenceService(chart, 'isvc', { name: 'm', predictor: Predictor.model({ format: ModelFormat.onnx(), runtime: KServeRuntime.OPENVINO }) });
    expect(synthValid(chart)[0].spec.predictor.model.runtime).toBe('kserve-openvino');
  });

  test('a predictor is a model or a container, never both: a container predictor in ModelMesh mode is an error', () => {
    const container = Predictor.container({ container: { image: 'repo/x:1' } });
    expect(container.format).toBeUndefined();
    expect(Predictor.model(sklearn).format).toBe(sklearn.format);
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', { name: 'm', mode: DeploymentMode.MODEL_MESH, predictor: container }),
      /^\[test\/isvc\] predictor\.container: 'repo\/x:1' is not valid; ModelMesh serves models in a known format from multi-model runtimes; use Predictor\.model\(\) with a multi-model runtime$/);
  });
});

describe('field checks', () => {
  test('error: name, replicas, GPU pods without a pool', () => {
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', { name: '1iris', predictor: Predictor.model(sklearn) }),
      /^\[test\/isvc\] name: '1iris' is not valid; must start with a lowercase letter/);
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', { name: 'iris', predictor: Predictor.model({ ...sklearn, minReplicas: 3, maxReplicas: 2 }) }),
      /^\[test\/isvc\] predictor\.maxReplicas: 2 is not valid; must be at least minReplicas \(3\)$/);
    const chart = Testing.chart();
    new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
    new InferenceService(chart, 'isvc', { name: 'llm', predictor: Predictor.model({ format: ModelFormat.huggingface(), resources: { accelerator: Accelerator.nvidia() } }) });
    expectValidationError(() => Testing.synth(chart),
      "[test/isvc] predictor.pool: undefined is not valid; the pods request 1 nvidia.com/gpu but are placed on no node pool; pass one of 'gpu'");
  });

  test('error: bad storage URIs name the field', () => {
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', { name: 'llm', predictor: Predictor.model({ format: ModelFormat.huggingface(), storageUri: StorageUri.huggingFace('llama') }) }),
      /^\[test\/isvc\] predictor\.storageUri: 'hf:\/\/llama' is not valid; must be 'org\/model'/);
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', { name: 'llm', predictor: Predictor.model({ ...sklearn, storageUri: StorageUri.pvc('Models') }) }),
      /^\[test\/isvc\] predictor\.storageUri: 'pvc:\/\/Models' is not valid; the claim name must be a DNS-1123 subdomain$/);
    expectValidationError(() => new InferenceService(Testing.chart(), 'isvc', { name: 'llm', predictor: Predictor.model({ ...sklearn, storageUri: StorageUri.oci('registry.example.com/models/llama') }) }),
      /^\[test\/isvc\] predictor\.storageUri: 'oci:\/\/registry\.example\.com\/models\/llama' is not valid; must be an image reference with a tag or digest/);
  });
});

test('status: ready when condition Ready is True; never completes, no terminal failure', () => {
  expect(InferenceService.STATUS).toEqual({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    source: StatusSource.CONDITIONS,
    path: '.status.conditions',
    succeeded: ['Ready'],
    failed: [],
    messagePath: '.status.conditions[?(@.type=="Ready")].message',
    completes: false,
  });
  const chart = Testing.chart();
  const named = new InferenceService(chart, 'a', { name: 'sklearn-iris', namespace: 'ml-serving', predictor: Predictor.model(sklearn) });
  const unnamespaced = new InferenceService(chart, 'b', { name: 'sklearn-b', predictor: Predictor.model(sklearn) });
  expect(named.status).toEqual({ contract: InferenceService.STATUS, name: 'sklearn-iris', namespace: 'ml-serving' });
  expect(named.status.contract).toBe(InferenceService.STATUS);
  expect(unnamespaced.status).toEqual({ contract: InferenceService.STATUS, name: 'sklearn-b', namespace: undefined });
});

test("status: the namespace falls back to the chart's", () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'team-a' });
  const svc = new InferenceService(chart, 'a', { name: 'sklearn-iris', predictor: Predictor.model(sklearn) });
  expect(svc.status.namespace).toBe('team-a');
  expect(svc.namespace).toBe('team-a');
  expect(svc.host).toBe('sklearn-iris.team-a.svc.cluster.local');
});
