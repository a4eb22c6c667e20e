/**
 * An InferenceGraph over typed InferenceService references: a Sequence classifies an image as cat or dog and,
 * only for dogs, asks a breed classifier; a Splitter sends 80/20 of the fraud traffic to two model versions.
 *
 *   npm run synth -- inference-graph
 */
import { App, Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  GraphNode, GraphStep, InferenceGraph, InferenceProtocol, InferenceService, ModelFormat, Predictor, StepData, StepDependency, StorageUri,
} from '../../src';

export class InferenceGraphChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'ml-serving', ...props });

    const resources = { cpu: Cpu.millis(500), memory: Size.gibibytes(1) };
    const service = (name: string, path: string) => new InferenceService(this, name, {
      name,
      predictor: Predictor.model({
        format: ModelFormat.sklearn(),
        protocol: InferenceProtocol.V2,
        storageUri: StorageUri.s3('ml-models', path),
        serviceAccountName: 'model-reader',
        resources,
      }),
    });
    const catDog = service('cat-dog-classifier', 'cat-dog/v3');
    const dogBreed = service('dog-breed-classifier', 'dog-breed/v1');
    const fraudV1 = service('fraud-v1', 'fraud/v1');
    const fraudV2 = service('fraud-v2', 'fraud/v2');

    new InferenceGraph(this, 'dog-breed', {
      name: 'dog-breed-pipeline',
      root: GraphNode.sequence('root', [
        GraphStep.service(catDog, { name: 'cat-dog' }),
        GraphStep.service(dogBreed, {
          name: 'breed',
          data: StepData.REQUEST,
          condition: '[@this].#(outputs.0.data.0==1)',
          dependency: StepDependency.HARD,
        }),
      ]),
    });

    new InferenceGraph(this, 'fraud', {
      name: 'fraud-ab',
      root: GraphNode.splitter('root', [GraphStep.service(fraudV1, { weight: 80 }), GraphStep.service(fraudV2, { weight: 20 })]),
    });
  }
}

const app = new App();
new InferenceGraphChart(app, 'inference-graph');
app.synth();
