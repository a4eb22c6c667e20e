/**
 * A scikit-learn model on the Open Inference Protocol (v2) in Standard mode: an HPA scales the stable
 * predictor on CPU, and a canary predictor (KServe v0.20.0's `spec.canary`, the canary mechanism Standard
 * mode honours) takes 10% of the traffic.
 *
 *   npm run synth -- sklearn-canary
 */
import { App, Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Autoscaling, DeploymentMode, InferenceProtocol, InferenceService, ModelFormat, Predictor, StorageUri } from '../../src';

export class SklearnCanaryChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const resources = { cpu: Cpu.millis(500), cpuLimit: Cpu.units(1), memory: Size.gibibytes(1) };
    new InferenceService(this, 'iris', {
      name: 'sklearn-iris',
      namespace: 'ml-serving',
      mode: DeploymentMode.STANDARD,
      predictor: Predictor.model({
        format: ModelFormat.sklearn(),
        protocol: InferenceProtocol.V2,
        storageUri: StorageUri.gcs('kfserving-examples', 'models/sklearn/1.0/model'),
        resources,
        minReplicas: 2,
        maxReplicas: 10,
        autoscaling: Autoscaling.cpuUtilization(70),
      }),
      canaries: [{
        name: 'sklearn-iris-v2',
        trafficPercent: 10,
        predictor: Predictor.model({
          format: ModelFormat.sklearn(),
          protocol: InferenceProtocol.V2,
          storageUri: StorageUri.gcs('kfserving-examples', 'models/sklearn/1.0/model-2'),
          resources,
          minReplicas: 1,
        }),
      }],
    });
  }
}

const app = new App();
new SklearnCanaryChart(app, 'sklearn-canary');
app.synth();
