import { Chart, Testing } from 'cdk8s';
import { ImagePullPolicy, Protocol } from 'cdk8s-plus-28';
import {
  HyperparameterExperiment, InferenceService, MLPipeline, Objective, Predictor, SearchAlgorithm, SearchParameter, TrialTemplate,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

// imagePullPolicy and ports reach every container the library builds, through the shared container block
// (ContainerSpec): pipeline steps, KServe custom containers and Katib trials here; training and Spark in their own tests.

const IMAGE = 'ghcr.io/example/app:1.0.0';
const PORT = { number: 8080, name: 'http', protocol: Protocol.TCP };
const RENDERED = { containerPort: 8080, name: 'http', protocol: 'TCP' };

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'ml' });
}

test('pipeline container and script steps render the pull policy and ports', () => {
  const c = chart();
  const p = new MLPipeline(c, 'p', { name: 'p' });
  const step = p.addContainer('serve', { container: { image: IMAGE, imagePullPolicy: ImagePullPolicy.ALWAYS, ports: [PORT] } });
  const script = p.addScript('probe', { image: 'python:3.12-alpine', source: 'print(1)', container: { imagePullPolicy: ImagePullPolicy.NEVER, ports: [{ number: 9000 }] } });
  p.chain([p.addTask('a', step)], [p.addTask('b', script)]);
  const wf = synthValid(c).find(o => o.kind === 'WorkflowTemplate' || o.kind === 'Workflow');
  const templates = wf.spec.templates;
  const serve = templates.find((t: any) => t.name === 'serve').container;
  expect(serve).toMatchObject({ imagePullPolicy: 'Always', ports: [RENDERED] });
  const probe = templates.find((t: any) => t.name === 'probe').script;
  expect(probe).toMatchObject({ imagePullPolicy: 'Never', ports: [{ containerPort: 9000 }] });
});

test('a pipeline step port mistake names the step prop', () => {
  const p = new MLPipeline(chart(), 'p', { name: 'p' });
  expectValidationError(() => p.addContainer('serve', { container: { image: IMAGE, ports: [{ number: 8080, name: 'http' }, { number: 8080, name: 'alt' }] } }),
    '[test/p] templates.serve.container.ports[1].number: 8080 is not valid; each port may be listed only once per protocol (TCP) in a container');
  expectValidationError(() => p.addScript('probe', { image: IMAGE, source: 'print(1)', container: { ports: [{ number: 99999 }] } }),
    '[test/p] templates.probe.container.ports[0].number: 99999 is not valid; must be an integer from 1 to 65535');
});

test('a KServe custom predictor container renders the pull policy and ports', () => {
  const c = chart();
  new InferenceService(c, 'isvc', {
    name: 'custom',
    // Knative (KServe's default mode) takes one port named http1 or h2c
    predictor: Predictor.container({ container: { image: IMAGE, imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT, ports: [{ ...PORT, name: 'http1' }] } }),
  });
  const isvc = synthValid(c).find(o => o.kind === 'InferenceService');
  expect(isvc.spec.predictor.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', ports: [{ ...RENDERED, name: 'http1' }] });
});

test('a KServe custom container port mistake names the predictor prop', () => {
  expectValidationError(() => new InferenceService(chart(), 'isvc', {
    name: 'custom',
    predictor: Predictor.container({ container: { image: IMAGE, ports: [{ number: 8080, protocol: 'HTTP' as Protocol }] } }),
  }), "[test/isvc] predictor.container.ports[0].protocol: 'HTTP' is not valid; must be one of Protocol: 'TCP', 'UDP', 'SCTP'");
});

test('a Katib trial Job renders the pull policy and ports', () => {
  const c = chart();
  const lr = SearchParameter.double('lr', { min: 0.01, max: 0.05, trialParameterName: 'learningRate' });
  new HyperparameterExperiment(c, 'exp', {
    name: 'exp',
    objective: Objective.maximize('accuracy'),
    algorithm: SearchAlgorithm.random(),
    parameters: [lr],
    trial: TrialTemplate.batchJob({
      containers: [{ image: IMAGE, imagePullPolicy: ImagePullPolicy.ALWAYS, ports: [PORT], command: ['python', 'train.py', `--lr=${lr.placeholder}`] }],
    }),
  });
  const exp = synthValid(c).find(o => o.kind === 'Experiment');
  expect(exp.spec.trialTemplate.trialSpec.spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: 'Always', ports: [RENDERED] });
});
