/**
 * The reference talk's Katib example: random search over the learning rate and the number of epochs of the
 * MXNet MNIST trainer, 15 trials, 2 at a time, at most 3 failures, stopping at 99 % validation accuracy. Each
 * trial is a batch Job; Katib reads `Validation-accuracy=...` from its standard output.
 *
 * Beyond the talk's YAML, the library writes out what Katib's webhook would otherwise default (success and failure
 * conditions, the StdOut collector, 2 parallel trials, resume policy) and runs the trial under the restricted Pod
 * Security Standard: as uid 1000, so the trainer works in an emptyDir (it downloads MNIST to its working directory).
 *
 *   npm run synth -- katib-mnist-random
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HyperparameterExperiment, Objective, PodVolume, SearchAlgorithm, SearchParameter, TrialTemplate } from '../../src';

export class KatibMnistRandomChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'ml-team' });

    const lr = SearchParameter.double('lr', { min: 0.01, max: 0.05, trialParameterName: 'learningRate', description: 'Learning rate for the training model' });
    const epochs = SearchParameter.categorical('num-epochs', ['5', '10'], { trialParameterName: 'numberEpochs', description: 'Number of epochs to train the model' });
    const work = PodVolume.fromEmptyDir('work');

    new HyperparameterExperiment(this, 'random', {
      name: 'random',
      objective: Objective.maximize('Validation-accuracy', { goal: 0.99 }),
      algorithm: SearchAlgorithm.random(),
      parameters: [lr, epochs],
      parallelTrialCount: 2,
      maxTrialCount: 15,
      maxFailedTrialCount: 3,
      retainTrials: true,
      trial: TrialTemplate.batchJob({
        containers: [{
          name: 'training-container',
          image: 'docker.io/kubeflowkatib/mxnet-mnist:v1beta1-45c5727',
          command: ['python3', '/opt/mxnet-mnist/mnist.py', '--batch-size=64', `--lr=${lr.placeholder}`, `--num-epochs=${epochs.placeholder}`],
          workingDir: '/work',
          volumeMounts: [{ volume: work, path: '/work' }],
        }],
      }),
    });
  }
}

const app = new App();
new KatibMnistRandomChart(app, 'katib-mnist-random');
app.synth();
