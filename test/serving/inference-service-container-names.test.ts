import { Testing } from 'cdk8s';
import { DeploymentMode, InferenceService, InferenceServiceProps, LoggerMode, Predictor, StorageUri } from '../../src';
import { expectValidationError, synthValid } from '../util';

const SIDECAR = { name: 'metrics-proxy', image: 'ghcr.io/example/proxy:1.0' };

function isvc(props: Partial<InferenceServiceProps>): () => any {
  return () => {
    const chart = Testing.chart();
    const svc = new InferenceService(chart, 'isvc', { name: 'custom', mode: DeploymentMode.STANDARD, predictor: Predictor.container({ container: { image: 'repo/server:1' } }), ...props });
    return { svc, spec: synthValid(chart).find(o => o.kind === 'InferenceService').spec };
  };
}

test('an unnamed custom container is kserve-container (as KServe names it)', () => {
  const { svc, spec } = isvc({})();
  expect(spec.predictor.containers[0].name).toBe('kserve-container');
  expect(svc.primaryContainerName).toBe('kserve-container');
});

test('a predictor container beside sidecars keeps its name (KServe keeps it too) and is the primary container', () => {
  const { svc, spec } = isvc({
    predictor: Predictor.container({ container: { name: 'torchserve', image: 'pytorch/torchserve:0.12.0-cpu' }, sidecars: [SIDECAR] }),
  })();
  expect(spec.predictor.containers.map((c: any) => c.name)).toEqual(['torchserve', 'metrics-proxy']);
  expect(svc.primaryContainerName).toBe('torchserve');
});

test('naming it kserve-container explicitly is fine everywhere', () => {
  const { spec } = isvc({
    predictor: Predictor.container({ container: { name: 'kserve-container', image: 'repo/server:1' }, storageUri: StorageUri.pvc('models', 'iris') }),
    transformer: { container: { name: 'kserve-container', image: 'repo/transformer:1' } },
  })();
  expect(spec.predictor.containers[0].name).toBe('kserve-container');
  expect(spec.transformer.containers[0].name).toBe('kserve-container');
});

test('error: the only container of a predictor is renamed by KServe', () => {
  expectValidationError(isvc({ predictor: Predictor.container({ container: { name: 'torchserve-container', image: 'repo/server:1' } }) }),
    "[test/isvc] predictor.container.name: 'torchserve-container' is not valid; KServe 0.20.0's defaulting webhook renames the only container of a custom "
    + "predictor to 'kserve-container', so the InferenceService in the cluster would differ from this one; leave name unset (a predictor container keeps "
    + 'another name only beside sidecars)');
});

test('error: a transformer or explainer container is renamed by KServe', () => {
  expectValidationError(isvc({ transformer: { container: { name: 'transformer', image: 'repo/t:1' } } }),
    "[test/isvc] transformer.container.name: 'transformer' is not valid; KServe 0.20.0's defaulting webhook renames the first container of a transformer or "
    + "explainer to 'kserve-container', so the InferenceService in the cluster would differ from this one; leave name unset");
  expectValidationError(isvc({ explainer: { container: { name: 'explainer', image: 'repo/e:1' } } }),
    "[test/isvc] explainer.container.name: 'explainer' is not valid; KServe 0.20.0's defaulting webhook renames the first container of a transformer or "
    + "explainer to 'kserve-container', so the InferenceService in the cluster would differ from this one; leave name unset");
});

test('error: a renamed predictor container with a storageUri gets no model', () => {
  expectValidationError(isvc({
    predictor: Predictor.container({ container: { name: 'server', image: 'repo/server:1' }, sidecars: [SIDECAR], storageUri: StorageUri.pvc('models', 'iris') }),
  }), "[test/isvc] predictor.container.name: 'server' is not valid; with a storageUri, KServe 0.20.0 downloads the model (storage initializer, STORAGE_URI) "
    + "only for the container named 'kserve-container'; name it 'kserve-container' or leave name unset");
});

test('error: a renamed predictor container on another port than 8080 with a logger', () => {
  expectValidationError(isvc({
    predictor: Predictor.container({
      container: { name: 'server', image: 'repo/server:1', ports: [{ number: 9000 }] },
      sidecars: [SIDECAR],
      logger: { mode: LoggerMode.ALL, url: 'http://logger.default.svc' },
    }),
  }), "[test/isvc] predictor.container.name: 'server' is not valid; KServe 0.20.0's agent (logger, batcher) forwards to the port of the container named "
    + "'kserve-container' and to 8080 without one, but this container listens on 9000; name it 'kserve-container' or leave name unset");
});

test('a canary predictor follows the same rules', () => {
  expectValidationError(isvc({
    predictor: Predictor.container({ container: { image: 'repo/server:1' }, storageUri: StorageUri.pvc('models', 'iris') }),
    canaries: [{ name: 'next', trafficPercent: 10, predictor: Predictor.container({ container: { name: 'server', image: 'repo/server:2' }, storageUri: StorageUri.pvc('models', 'iris2') }) }],
  }), /^\[test\/isvc\] canaries\[0\]\.predictor\.container\.name: 'server' is not valid; KServe 0\.20\.0's defaulting webhook renames the only container/);
});
