import { Testing } from 'cdk8s';
import { Protocol } from 'cdk8s-plus-28';
import { DeploymentMode, InferenceService, InferenceServiceProps, KServeConfig, ModelFormat, Predictor, StorageUri } from '../../src';
import { expectValidationError, synthValid } from '../util';

const IMAGE = 'ghcr.io/example/server:1.0.0';
const RESERVED = '8008, 8012, 8013, 8022, 9090, 9091';
const knative = (ports: any[]) => declare({ mode: DeploymentMode.KNATIVE, predictor: Predictor.container({ container: { image: IMAGE, ports } }) });

function declare(props: Partial<InferenceServiceProps>, config?: (chart: any) => void) {
  const chart = Testing.chart();
  config?.(chart);
  new InferenceService(chart, 'isvc', {
    name: 'custom',
    predictor: Predictor.container({ container: { image: IMAGE } }),
    ...props,
  });
  return chart;
}

describe('the deployment mode annotation', () => {
  const MODE = 'serving.kserve.io/deploymentMode';

  test('is not written when neither mode nor a KServeConfig chose it (KServe applies its default)', () => {
    const [isvc] = synthValid(declare({}));
    expect(isvc.metadata.annotations?.[MODE]).toBeUndefined();
  });

  test('is written when mode is given', () => {
    const [isvc] = synthValid(declare({ mode: DeploymentMode.KNATIVE }));
    expect(isvc.metadata.annotations[MODE]).toBe('Knative');
  });

  test("is written from the app's KServeConfig, declared before or after the service", () => {
    const before = declare({}, chart => new KServeConfig(chart, 'kserve', { defaultDeploymentMode: DeploymentMode.STANDARD }));
    expect(synthValid(before).find(o => o.kind === 'InferenceService').metadata.annotations[MODE]).toBe('Standard');
    const after = declare({});
    new KServeConfig(after, 'kserve', { defaultDeploymentMode: DeploymentMode.STANDARD });
    expect(synthValid(after).find(o => o.kind === 'InferenceService').metadata.annotations[MODE]).toBe('Standard');
  });

  test('the rules of the default mode (Knative) still apply without the annotation', () => {
    expectValidationError(() => Testing.synth(declare({
      predictor: Predictor.model({ format: ModelFormat.sklearn(), storageUri: StorageUri.gcs('kfserving-examples', 'models/sklearn/1.0/model'), canaryTrafficPercent: 10 }),
      mode: DeploymentMode.STANDARD,
    })), /canaryTrafficPercent/);
  });
});

describe('Knative mode: one TCP port, named http1 or h2c, not reserved', () => {
  test('one port named h2c is accepted and rendered', () => {
    const [isvc] = synthValid(knative([{ number: 8080, name: 'h2c' }]));
    expect(isvc.spec.predictor.containers[0].ports).toEqual([{ containerPort: 8080, name: 'h2c' }]);
  });

  test('two ports in one container', () => {
    expectValidationError(() => knative([{ number: 8080 }, { number: 8081 }]),
      '[test/isvc] predictor.container.ports[1]: 8081 is not valid; Knative mode routes to one container port per pod (Knative Serving rejects more than one); keep one port, or use Standard mode');
  });

  test('a port on a sidecar beside the main container port', () => {
    expectValidationError(() => declare({
      mode: DeploymentMode.KNATIVE,
      predictor: Predictor.container({ container: { image: IMAGE, ports: [{ number: 8080 }] }, sidecars: [{ name: 'proxy', image: IMAGE, ports: [{ number: 9000 }] }] }),
    }), '[test/isvc] predictor.sidecars[0].ports[0]: 9000 is not valid; Knative mode routes to one container port per pod (Knative Serving rejects more than one); keep one port, or use Standard mode');
  });

  test('a port name other than http1 or h2c', () => {
    expectValidationError(() => knative([{ number: 8080, name: 'http' }]),
      "[test/isvc] predictor.container.ports[0].name: 'http' is not valid; in Knative mode a container port is named 'http1' (HTTP/1.1) or 'h2c' (cleartext HTTP/2), or not named");
  });

  test('a UDP port', () => {
    expectValidationError(() => knative([{ number: 8080, protocol: Protocol.UDP }]),
      "[test/isvc] predictor.container.ports[0].protocol: 'UDP' is not valid; in Knative mode the container port is TCP");
  });

  test.each([8008, 8012, 8013, 8022, 9090, 9091])('reserved port %d', (port) => {
    expectValidationError(() => knative([{ number: port }]),
      `[test/isvc] predictor.container.ports[0].number: ${port} is not valid; in Knative mode ports ${RESERVED} are reserved by Knative Serving; use another port`);
  });

  test('Standard mode takes several ports and any name', () => {
    const [isvc] = synthValid(declare({ mode: DeploymentMode.STANDARD, predictor: Predictor.container({ container: { image: IMAGE, ports: [{ number: 8080, name: 'http' }, { number: 8081, name: 'grpc' }] } }) }));
    expect(isvc.spec.predictor.containers[0].ports).toHaveLength(2);
  });

  test('the Knative rules apply at synth when the mode comes from a KServeConfig declared later', () => {
    const chart = declare({ predictor: Predictor.container({ container: { image: IMAGE, ports: [{ number: 9090 }] } }) });
    new KServeConfig(chart, 'kserve', { defaultDeploymentMode: DeploymentMode.KNATIVE });
    expectValidationError(() => Testing.synth(chart),
      `[test/isvc] predictor.container.ports[0].number: 9090 is not valid; in Knative mode ports ${RESERVED} are reserved by Knative Serving; use another port`);
  });
});
