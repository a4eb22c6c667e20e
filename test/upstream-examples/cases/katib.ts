import { Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';

import { CmaEsRestartStrategy, EarlyStopping, HyperparameterExperiment, Objective, SearchAlgorithm, SearchParameter, TrialTemplate } from '../../../src';
import { Outcome, UpstreamCase } from '../harness';

const C = 'katib';
const DIR = 'examples/v1beta1/hp-tuning';

/** The PyTorch MNIST experiment of Katib's hp-tuning examples, with a given algorithm. */
/** What varies between the MNIST experiments. */
interface MnistOptions {
  readonly step?: boolean;
  readonly resources?: boolean;
  readonly parallelTrialCount?: number;
  readonly maxTrialCount?: number;
  readonly earlyStopping?: EarlyStopping;
  readonly retainTrials?: boolean;
}

function mnist(chart: Chart, name: string, algorithm: SearchAlgorithm, options: MnistOptions = {}): void {
  const lr = SearchParameter.double('lr', {
    min: 0.01, max: 0.05, step: options.step ? 0.005 : undefined, trialParameterName: 'learningRate', description: 'Learning rate for the training model',
  });
  const momentum = SearchParameter.double('momentum', {
    min: 0.5, max: 0.9, step: options.step ? 0.1 : undefined, trialParameterName: 'momentum', description: 'Momentum for the training model',
  });
  new HyperparameterExperiment(chart, name, {
    name,
    objective: Objective.minimize('loss', { goal: 0.001 }),
    algorithm,
    parameters: [lr, momentum],
    parallelTrialCount: options.parallelTrialCount ?? 3,
    maxTrialCount: options.maxTrialCount ?? 12,
    maxFailedTrialCount: 3,
    earlyStopping: options.earlyStopping,
    retainTrials: options.retainTrials,
    trial: TrialTemplate.batchJob({
      containers: [{
        name: 'training-container',
        image: 'ghcr.io/kubeflow/katib/pytorch-mnist-cpu:v0.19.0',
        command: ['python3', '/opt/pytorch-mnist/mnist.py', '--epochs=1', '--batch-size=16', `--lr=${lr.placeholder}`, `--momentum=${momentum.placeholder}`],
        resources: options.resources ? { cpuLimit: Cpu.millis(500), memoryLimit: Size.gibibytes(1) } : undefined,
      }],
    }),
  });
}

export const KATIB_CASES: UpstreamCase[] = [
  {
    component: C,
    file: `${DIR}/random.yaml`,
    outcome: Outcome.EQUAL,
    build: chart => mnist(chart, 'random', SearchAlgorithm.random(), { resources: true }),
  },
  {
    component: C,
    file: `${DIR}/grid.yaml`,
    outcome: Outcome.EQUAL,
    build: chart => mnist(chart, 'grid', SearchAlgorithm.grid(), { step: true }),
  },

  ...([
    ['tpe', 'tpe', SearchAlgorithm.tpe()],
    ['multivariate-tpe', 'multivariate-tpe', SearchAlgorithm.multivariateTpe()],
    ['sobol', 'sobol', SearchAlgorithm.sobol()],
    ['bayesian-optimization', 'bayesian-optimization', SearchAlgorithm.bayesianOptimization({ randomState: 10 })],
    ['cma-es', 'cmaes', SearchAlgorithm.cmaEs({ restartStrategy: CmaEsRestartStrategy.IPOP })],
  ] as [string, string, SearchAlgorithm][]).map(([file, name, algorithm]) => ({
    component: C,
    file: `${DIR}/${file}.yaml`,
    outcome: Outcome.EQUAL,
    build: (chart: Chart) => mnist(chart, name, algorithm),
  })),

  {
    component: C,
    file: 'examples/v1beta1/early-stopping/median-stop.yaml',
    outcome: Outcome.EQUAL,
    build: chart => mnist(chart, 'median-stop', SearchAlgorithm.random(), {
      parallelTrialCount: 2, maxTrialCount: 15, retainTrials: true, earlyStopping: EarlyStopping.medianStop({ minTrialsRequired: 1, startStep: 2 }),
    }),
  },
];
