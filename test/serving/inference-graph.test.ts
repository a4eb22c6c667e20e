import { Testing } from 'cdk8s';
import {
  DeploymentMode, GraphNode, GraphStep, InferenceGraph, InferenceProtocol, InferenceService, ModelFormat, Predictor, StatusSource, StepData,
  StepDependency, StorageUri,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

function services(chart: any, namespace?: string) {
  const mk = (id: string) => new InferenceService(chart, id, {
    name: id, namespace, predictor: Predictor.model({ format: ModelFormat.sklearn(), protocol: InferenceProtocol.V2, storageUri: StorageUri.s3('models', id) }),
  });
  return [mk('cat-dog'), mk('dog-breed'), mk('fraud-a'), mk('fraud-b')];
}

test('Sequence, Switch, Ensemble and Splitter nodes with typed references to InferenceServices', () => {
  const chart = Testing.chart();
  const [catDog, dogBreed, a, b] = services(chart, 'ml');
  const split = GraphNode.splitter('ab', [GraphStep.service(a, { weight: 80 }), GraphStep.service(b, { weight: 20 })]);
  const ensemble = GraphNode.ensemble('vote', [GraphStep.service(a, { name: 'a' }), GraphStep.service(b, { name: 'b' })]);
  const sw = GraphNode.conditional('route', [GraphStep.node(split, { condition: '[@this].#(amount>100)' }), GraphStep.node(ensemble, { condition: '[@this].#(amount<=100)' })]);
  new InferenceGraph(chart, 'graph', {
    name: 'dog-pipeline',
    namespace: 'ml',
    root: GraphNode.sequence('root', [
      GraphStep.service(catDog, { name: 'classify' }),
      GraphStep.service(dogBreed, { name: 'breed', data: StepData.RESPONSE, condition: '[@this].#(predictions.0==1)', dependency: StepDependency.HARD }),
      GraphStep.node(sw),
    ]),
    minReplicas: 0,
  });
  const graph = synthValid(chart).find(o => o.kind === 'InferenceGraph');
  expect(graph.apiVersion).toBe('serving.kserve.io/v1alpha1');
  expect(graph.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Knative' });
  expect(Object.keys(graph.spec.nodes).sort()).toEqual(['ab', 'root', 'route', 'vote']);
  expect(graph.spec.nodes.root.steps[1]).toEqual({
    name: 'breed', serviceName: 'dog-breed', data: '$response', condition: '[@this].#(predictions.0==1)', dependency: 'Hard',
  });
  expect(graph.spec.nodes.root.steps[2]).toEqual({ nodeName: 'route' });
  expect(graph.spec.nodes.ab).toEqual({ routerType: 'Splitter', steps: [{ serviceName: 'fraud-a', weight: 80 }, { serviceName: 'fraud-b', weight: 20 }] });
  expect(graph.spec.minReplicas).toBe(0);
});

test('errors: splitter weights, switch conditions, duplicate steps, cycles, namespaces, scale-to-zero in Standard mode', () => {
  const chart = Testing.chart();
  const [a, b] = services(chart);
  expectValidationError(() => new InferenceGraph(chart, 'g1', { root: GraphNode.splitter('s', [GraphStep.service(a, { weight: 50 }), GraphStep.service(b, { weight: 40 })]) }),
    /^\[test\/g1\] nodes\.root\.steps: 90 is not valid; the weights of a Splitter node must add up to 100$/);
  expectValidationError(() => new InferenceGraph(chart, 'g2', { root: GraphNode.splitter('s', [GraphStep.service(a), GraphStep.service(b, { weight: 40 })]) }),
    /^\[test\/g2\] nodes\.root\.steps\[0\]\.weight: undefined is not valid; every step of a Splitter node needs a weight$/);
  expectValidationError(() => new InferenceGraph(chart, 'g3', { root: GraphNode.conditional('s', [GraphStep.service(a)]) }),
    /^\[test\/g3\] nodes\.root\.steps\[0\]\.condition: undefined is not valid; every step of a Switch node needs a condition$/);
  expectValidationError(() => new InferenceGraph(chart, 'g4', { root: GraphNode.ensemble('e', [GraphStep.service(a, { name: 'x' }), GraphStep.service(b, { name: 'x' })]) }),
    /^\[test\/g4\] nodes\.root\.steps\[1\]\.name: 'x' is not valid; step names must be unique within a node$/);
  const steps: GraphStep[] = [];
  const loop = GraphNode.sequence('loop', steps);
  steps.push(GraphStep.node(loop));
  expectValidationError(() => new InferenceGraph(chart, 'g5', { root: loop }), /^\[test\/g5\] nodes\.loop: 'root -> root' is not valid; the graph must not have cycles$/);
  expectValidationError(() => new InferenceGraph(chart, 'g6', { namespace: 'other', root: GraphNode.sequence('r', [GraphStep.service(a)]) }),
    /^\[test\/g6\] nodes\.root\.steps\[0\]: 'cat-dog' is not valid; the graph calls services in its own namespace \(other\); this one is in the default namespace$/);
  expectValidationError(() => new InferenceGraph(chart, 'g7', { mode: DeploymentMode.STANDARD, minReplicas: 0, root: GraphNode.sequence('r', [GraphStep.service(a)]) }),
    /^\[test\/g7\] minReplicas: 0 is not valid; only Knative mode scales an InferenceGraph to zero$/);
  expectValidationError(() => new InferenceGraph(chart, 'g8', { root: GraphNode.ensemble('e', [GraphStep.service(a, { data: StepData.RESPONSE })]) }),
    /^\[test\/g8\] nodes\.root\.steps\[0\]\.data: '\$response' is not valid; only Sequence steps receive the previous step's '\$response'$/);
});

test('status: ready when condition Ready is True; never completes, no terminal failure', () => {
  expect(InferenceGraph.STATUS).toEqual({
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'InferenceGraph',
    source: StatusSource.CONDITIONS,
    path: '.status.conditions',
    succeeded: ['Ready'],
    failed: [],
    messagePath: '.status.conditions[?(@.type=="Ready")].message',
    completes: false,
  });
  const chart = Testing.chart();
  const [catDog] = services(chart, 'ml-serving');
  const graph = new InferenceGraph(chart, 'g', { name: 'pipeline', namespace: 'ml-serving', root: GraphNode.sequence('root', [GraphStep.service(catDog)]) });
  expect(graph.status).toEqual({ contract: InferenceGraph.STATUS, name: 'pipeline', namespace: 'ml-serving' });
});
