import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  ClusterServingRuntime, DeploymentMode, InferenceProtocol, InferenceService, ModelFormat, ModelMeshServerType, Predictor, ServingRuntime, StorageUri,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

const container = { image: 'ghcr.io/example/server:1.2.0', args: ['--model_name={{.Name}}'], resources: { cpu: Cpu.units(1), memory: Size.gibibytes(2) } };

test('a ServingRuntime renders formats, protocols and a restricted container; an InferenceService selects it by format', () => {
  const chart = Testing.chart();
  const rt = new ServingRuntime(chart, 'rt', {
    name: 'custom-onnx',
    namespace: 'ml',
    supportedModelFormats: [{ name: 'onnx', version: '1', autoSelect: true, priority: 5 }],
    protocolVersions: [InferenceProtocol.V2, InferenceProtocol.GRPC_V2],
    container,
  });
  new InferenceService(chart, 'isvc', {
    name: 'resnet', namespace: 'ml', predictor: Predictor.model({ format: ModelFormat.onnx('1'), runtime: rt, protocol: InferenceProtocol.GRPC_V2, storageUri: StorageUri.s3('models', 'resnet') }),
  });
  const [runtime, isvc] = synthValid(chart);
  expect(runtime).toMatchObject({ apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', metadata: { name: 'custom-onnx', namespace: 'ml' } });
  expect(runtime.spec.supportedModelFormats).toEqual([{ name: 'onnx', version: '1', autoSelect: true, priority: 5 }]);
  expect(runtime.spec.protocolVersions).toEqual(['v2', 'grpc-v2']);
  expect(runtime.spec.containers[0].name).toBe('kserve-container');
  expect(runtime.spec.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
  expect(isvc.spec.predictor.model.runtime).toBe('custom-onnx');
});

test('a multi-model ClusterServingRuntime with the ModelMesh adapter serves ModelMesh InferenceServices it auto-selects', () => {
  const chart = Testing.chart();
  new ClusterServingRuntime(chart, 'mlserver', {
    name: 'mlserver-1-x',
    supportedModelFormats: [{ name: 'sklearn', version: '0', autoSelect: true }],
    multiModel: true,
    grpcEndpoint: 'port:8085',
    grpcDataEndpoint: 'port:8001',
    builtInAdapter: {
      serverType: ModelMeshServerType.MLSERVER,
      runtimeManagementPort: 8001,
      memBufferBytes: 134217728,
      modelLoadingTimeout: Duration.seconds(90),
    },
    container: { image: 'seldonio/mlserver:1.6.1', resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) } },
  });
  new InferenceService(chart, 'isvc', {
    name: 'iris', mode: DeploymentMode.MODEL_MESH, predictor: Predictor.model({ format: ModelFormat.sklearn(), storageUri: StorageUri.s3('models', 'iris') }),
  });
  const [rt, isvc] = synthValid(chart);
  expect(rt.kind).toBe('ClusterServingRuntime');
  expect(rt.metadata.namespace).toBeUndefined();
  expect(rt.spec).toMatchObject({ multiModel: true, grpcEndpoint: 'port:8085', builtInAdapter: { serverType: 'mlserver', modelLoadingTimeoutMillis: 90000 } });
  expect(isvc.spec.predictor.model.runtime).toBeUndefined();
});

test('errors: no formats, priority without auto-select, ModelMesh settings on a single-model runtime', () => {
  expectValidationError(() => new ServingRuntime(Testing.chart(), 'rt', { supportedModelFormats: [], container }),
    /^\[test\/rt\] supportedModelFormats: \[\] is not valid; a runtime must declare at least one model format$/);
  expectValidationError(() => new ServingRuntime(Testing.chart(), 'rt', { supportedModelFormats: [{ name: 'onnx', priority: 2 }], container }),
    /^\[test\/rt\] supportedModelFormats\[0\]\.priority: 2 is not valid; a priority only ranks auto-selectable formats; set autoSelect: true$/);
  expectValidationError(() => new ClusterServingRuntime(Testing.chart(), 'rt', {
    supportedModelFormats: [{ name: 'onnx' }], container, builtInAdapter: { serverType: ModelMeshServerType.TRITON },
  }), /^\[test\/rt\] builtInAdapter: 'builtInAdapter' is not valid; ModelMesh settings need a multi-model runtime \(multiModel: true\)$/);
});

test('a ClusterServingRuntime in a namespaced chart carries no namespace', () => {
  const chart = new Chart(Testing.app(), 'serving', { namespace: 'ml-serving' });
  new ClusterServingRuntime(chart, 'rt', { supportedModelFormats: [{ name: 'onnx', version: '1', autoSelect: true }], container });
  const [rt] = synthValid(chart);
  expect(rt.metadata).toEqual({ name: expect.any(String) });
});
