/**
 * The runtime controller, installed by the platform: teams who never run `cdk8s synth` (kubectl, CI jobs, other
 * languages) get the library's workloads as custom resources (`platform.ai.cdk8s.io/v1alpha1` SparkJob,
 * DistributedTraining, FineTuning, HyperparameterExperiment, InferenceService, MLPipeline, Dataset, BatchJob),
 * reconciled by the same constructs. The platform emits the generated CRDs, the controller's Deployment (two
 * replicas, one leader, restricted pods), its least-privilege ClusterRole (exactly the kinds it renders), a
 * PodDisruptionBudget and the metrics Service; here it reconciles the `ml-team` and `ml-serving` namespaces only.
 *
 * With the controller running, a data scientist applies e.g.
 *
 *   apiVersion: platform.ai.cdk8s.io/v1alpha1
 *   kind: DistributedTraining
 *   metadata: { name: resnet, namespace: ml-team }
 *   spec:
 *     image: ghcr.io/example/resnet:1.0
 *     workers: 2
 *     resourcesPerWorker: { cpu: "8", memory: 32Gi, accelerator: { nvidia: { count: 1 } } }
 *
 * and gets the TrainJob the DistributedTraining construct synthesizes (docs/platform-apis.md).
 *
 *   npm run synth -- platform-controller
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AiPlatform } from '../../src';

export class PlatformControllerChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new AiPlatform(this, 'platform', {
      namespaces: ['ml-team', 'ml-serving'],
      checkOperators: false, // the operators are installed by the platform example
      controller: {
        image: 'ghcr.io/cdk8s-ai-platform/controller:0.1.0',
        watchNamespaces: ['ml-team', 'ml-serving'],
      },
    });
  }
}

const app = new App();
new PlatformControllerChart(app, 'platform-controller');
app.synth();
