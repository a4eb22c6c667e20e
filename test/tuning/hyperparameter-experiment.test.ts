import { Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, BatchJobProps, BatchQueue, DistributedTraining, EarlyStopping, EnvVarValue, GpuInstances, GpuNodePool, HyperparameterExperiment,
  HyperparameterExperimentProps, InferenceService, KatibConfig, MetricsCollector, MetricsFileFormat, MetricStrategy, ModelFormat, Objective,
  ParameterDistribution, PodSecurityLevel, Predictor, QueueFlavors, ResourceQuota, ResumePolicy, SearchAlgorithm, SearchParameter, StatusSource,
  StorageUri, TrainingBackend, TrainingFramework, TransformerType, TrialMetadata, TrialMetadataField, TrialTemplate, WorkloadTemplate,
} from '../../src';
import { PlatformContext } from '../../src/core/context';
import { NAMESPACES } from '../../src/tuning/hyperparameter-experiment';
import { gjsonCondition } from '../../src/tuning/trial-template';
import { expectValid, expectValidationError, synthValid } from '../util';

const MNIST_IMAGE = 'docker.io/kubeflowkatib/mxnet-mnist:v1beta1-45c5727';
const nodeClass = { clusterName: 'ml', role: 'KarpenterNodeRole-ml' };
const lr = () => SearchParameter.double('lr', { min: 0.01, max: 0.05, trialParameterName: 'learningRate', description: 'Learning rate for the training model' });
const epochs = () => SearchParameter.categorical('num-epochs', ['5', '10'], { trialParameterName: 'numberEpochs', description: 'Number of epochs to train the model' });

function job(args: string[], props: Partial<BatchJobProps> = {}): TrialTemplate {
  return TrialTemplate.batchJob({ containers: [{ name: 'training-container', image: MNIST_IMAGE, command: ['python3', '/opt/mxnet-mnist/mnist.py', ...args] }], ...props });
}

/** The talk's experiment, with overrides. */
function talk(overrides: Partial<HyperparameterExperimentProps> = {}, chart: Chart = Testing.chart()): HyperparameterExperiment {
  const l = lr();
  const e = epochs();
  return new HyperparameterExperiment(chart, 'exp', {
    name: 'random',
    objective: Objective.maximize('Validation-accuracy', { goal: 0.99 }),
    algorithm: SearchAlgorithm.random(),
    parameters: [l, e],
    parallelTrialCount: 2,
    maxTrialCount: 15,
    maxFailedTrialCount: 3,
    retainTrials: true,
    trial: job(['--batch-size=64', `--lr=${l.placeholder}`, `--num-epochs=${e.placeholder}`]),
    ...overrides,
  });
}

function spec(experiment: HyperparameterExperiment): any {
  return Testing.synth(Chart.of(experiment)).find(o => o.kind === 'Experiment').spec;
}

/** A trial spec as Katib creates it (name and namespace set), for schema validation. */
function asTrialObject(trialSpec: any): any {
  return { ...trialSpec, metadata: { ...(trialSpec.metadata ?? {}), name: 'random-abc123', namespace: 'default' } };
}

// ------------------------------------------------------------------------------------------------
// The talk's example

test("the talk's MNIST random search: same objective, algorithm, parameters, budgets and trial as the seed's YAML", () => {
  const chart = Testing.chart();
  talk({}, chart);
  const [experiment] = synthValid(chart);
  expect(experiment.apiVersion).toBe('kubeflow.org/v1beta1');
  expect(experiment.kind).toBe('Experiment');
  expect(experiment.metadata).toEqual({ name: 'random' });
  const s = experiment.spec;
  expect(s.objective).toEqual({ type: 'maximize', goal: 0.99, objectiveMetricName: 'Validation-accuracy' });
  expect(s.algorithm).toEqual({ algorithmName: 'random' });
  expect([s.parallelTrialCount, s.maxTrialCount, s.maxFailedTrialCount]).toEqual([2, 15, 3]);
  expect(s.parameters).toEqual([
    { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.01', max: '0.05' } },
    { name: 'num-epochs', parameterType: 'categorical', feasibleSpace: { list: ['5', '10'] } },
  ]);
  expect(s.trialTemplate.retain).toBe(true);
  expect(s.trialTemplate.primaryContainerName).toBe('training-container');
  expect(s.trialTemplate.trialParameters).toEqual([
    { name: 'learningRate', description: 'Learning rate for the training model', reference: 'lr' },
    { name: 'numberEpochs', description: 'Number of epochs to train the model', reference: 'num-epochs' },
  ]);
  const trial = s.trialTemplate.trialSpec;
  expect(trial.apiVersion).toBe('batch/v1');
  expect(trial.kind).toBe('Job');
  expect(trial.metadata).toBeUndefined();
  expect(trial.spec.template.spec.restartPolicy).toBe('Never');
  expect(trial.spec.template.spec.containers[0].command).toEqual([
    'python3', '/opt/mxnet-mnist/mnist.py', '--batch-size=64', '--lr=${trialParameters.learningRate}', '--num-epochs=${trialParameters.numberEpochs}',
  ]);
  // written out instead of left to Katib's webhook defaults
  expect(s.trialTemplate.successCondition).toBe('status.conditions.#(type=="Complete")#|#(status=="True")#');
  expect(s.trialTemplate.failureCondition).toBe('status.conditions.#(type=="Failed")#|#(status=="True")#');
  expect(s.trialTemplate.primaryPodLabels).toBeUndefined();
  expect(s.metricsCollectorSpec).toEqual({ collector: { kind: 'StdOut' } });
  expect(s.resumePolicy).toBe('Never');
  // the trial object Katib creates validates against the pinned batch/v1 schema
  expectValid([asTrialObject(trial)]);
});

test("same search as the Katib SDK's tune(): objective, algorithm, parameters and budgets are equal", () => {
  // What KatibClient.tune(name='random', objective=fn, parameters={'lr': katib.search.double(0.01, 0.05),
  // 'num-epochs': katib.search.categorical(['5', '10'])}, objective_metric_name='Validation-accuracy',
  // objective_goal=0.99, algorithm_name='random', max_trial_count=15, parallel_trial_count=2,
  // max_failed_trial_count=3, retain_trials=True) sends (katib_client.py and utils.py of Katib v0.19.0): trial
  // parameters named like the search parameters, a Job whose container `training-container` runs the pickled function.
  const sdk = {
    objective: { type: 'maximize', objectiveMetricName: 'Validation-accuracy', additionalMetricNames: [], goal: 0.99 },
    algorithm: { algorithmName: 'random' },
    maxTrialCount: 15,
    parallelTrialCount: 2,
    maxFailedTrialCount: 3,
    parameters: [
      { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.01', max: '0.05' } },
      { name: 'num-epochs', parameterType: 'categorical', feasibleSpace: { list: ['5', '10'] } },
    ],
    metricsCollectorSpec: { collector: { kind: 'StdOut' } },
    trialTemplate: { primaryContainerName: 'training-container', retain: true, trialParameters: [{ name: 'lr', reference: 'lr' }, { name: 'num-epochs', reference: 'num-epochs' }] },
  };
  const l = SearchParameter.double('lr', { min: 0.01, max: 0.05 });
  const e = SearchParameter.categorical('num-epochs', ['5', '10']);
  const s = spec(talk({ parameters: [l, e], trial: job([`--lr=${l.placeholder}`, `--num-epochs=${e.placeholder}`]) }));
  const { additionalMetricNames, ...sdkObjective } = sdk.objective;
  expect(additionalMetricNames).toEqual([]); // the SDK sends an empty list; the library omits it
  expect(s.objective).toEqual(sdkObjective);
  expect(s.algorithm).toEqual(sdk.algorithm);
  expect(s.parameters).toEqual(sdk.parameters);
  expect([s.maxTrialCount, s.parallelTrialCount, s.maxFailedTrialCount])
    .toEqual([sdk.maxTrialCount, sdk.parallelTrialCount, sdk.maxFailedTrialCount]);
  expect(s.metricsCollectorSpec).toEqual(sdk.metricsCollectorSpec);
  expect(s.trialTemplate.primaryContainerName).toBe(sdk.trialTemplate.primaryContainerName);
  expect(s.trialTemplate.retain).toBe(sdk.trialTemplate.retain);
  expect(s.trialTemplate.trialParameters).toEqual(sdk.trialTemplate.trialParameters);
});

test('the experiment is a workload: status contract, best trial path, the trial\'s pod templates', () => {
  const e = talk();
  expect(e.statusContract).toEqual({
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Experiment',
    source: StatusSource.CONDITIONS,
    path: '.status.conditions',
    succeeded: ['Succeeded'],
    failed: ['Failed'],
    inProgress: ['Created', 'Running', 'Restarting'],
    messagePath: '.status.conditions[?(@.type=="Failed")].message',
    completes: true,
  });
  expect(HyperparameterExperiment.OPTIMAL_TRIAL_PATH).toBe('.status.currentOptimalTrial');
  expect(e.status).toEqual({ contract: e.statusContract, name: 'random', namespace: undefined });
  expect(e.podTemplates).toHaveLength(1);
  expect(e.podTemplates[0].containers[0].name).toBe('training-container');
  expect(e.primaryContainerName).toBe('');
  expect(e.node.defaultChild).toBe(e.apiObject);
  const rendered = e.render();
  expect(rendered.supporting).toEqual([]);
  expect(rendered.primary.spec.trialTemplate.trialSpec.kind).toBe('Job');
});

test('defaults: random search, StdOut, parallelTrialCount 3 or maxTrialCount when lower, no retain', () => {
  const l = lr();
  const s = spec(new HyperparameterExperiment(Testing.chart(), 'exp', {
    objective: Objective.minimize('loss'), parameters: [l], maxTrialCount: 2, trial: job([`--lr=${l.placeholder}`]),
  }));
  expect(s.algorithm).toEqual({ algorithmName: 'random' });
  expect(s.parallelTrialCount).toBe(2);
  expect(s.trialTemplate.retain).toBe(false);
  const s2 = spec(new HyperparameterExperiment(Testing.chart(), 'exp', { objective: Objective.minimize('loss'), parameters: [l], trial: job([`--lr=${l.placeholder}`]) }));
  expect(s2.parallelTrialCount).toBe(3);
  expect(s2.maxTrialCount).toBeUndefined();
});

// ------------------------------------------------------------------------------------------------
// Trials from the library's workloads

test('a Training Operator v1 trial: PyTorchJob, master pod labels, Succeeded/Failed conditions, schema-valid', () => {
  const l = lr();
  const s = spec(talk({
    parameters: [l],
    trial: TrialTemplate.distributedTraining({
      backend: TrainingBackend.trainingOperatorV1(),
      framework: TrainingFramework.pyTorch(),
      image: 'ghcr.io/kubeflow/katib/pytorch-mnist-cpu:v0.19.0',
      command: ['python3', '/opt/pytorch-mnist/mnist.py', '--epochs=1', `--lr=${l.placeholder}`],
      workers: 2,
    }),
  }));
  const t = s.trialTemplate;
  expect(t.primaryContainerName).toBe('pytorch');
  expect(t.primaryPodLabels).toEqual({ 'training.kubeflow.org/job-role': 'master' });
  expect(t.successCondition).toBe('status.conditions.#(type=="Succeeded")#|#(status=="True")#');
  expect(t.failureCondition).toBe('status.conditions.#(type=="Failed")#|#(status=="True")#');
  expect(t.trialSpec.kind).toBe('PyTorchJob');
  expect(Object.keys(t.trialSpec.spec.pytorchReplicaSpecs)).toEqual(['Master', 'Worker']);
  expectValid([asTrialObject(t.trialSpec)]);
});

test('a Trainer v2 trial: TrainJob, the first node as primary pod, Complete/Failed conditions, schema-valid; env carries a parameter', () => {
  const l = lr();
  const s = spec(talk({
    parameters: [l],
    trial: TrialTemplate.distributedTraining({
      image: 'ghcr.io/kubeflow/trainer/pytorch-mnist:latest',
      env: { LEARNING_RATE: EnvVarValue.fromValue(l.placeholder) },
      command: ['torchrun', 'train.py', '--epochs=1'],
    }),
  }));
  const t = s.trialTemplate;
  expect(t.primaryContainerName).toBe('node');
  expect(t.primaryPodLabels).toEqual({ 'jobset.sigs.k8s.io/replicatedjob-name': 'node', 'batch.kubernetes.io/job-completion-index': '0' });
  expect(t.successCondition).toBe('status.conditions.#(type=="Complete")#|#(status=="True")#');
  expect(t.trialSpec.kind).toBe('TrainJob');
  expect(t.trialSpec.spec.trainer.env).toEqual([{ name: 'LEARNING_RATE', value: '${trialParameters.learningRate}' }]);
  expectValid([asTrialObject(t.trialSpec)]);
});

test('a Training Operator v1 fine-tune trial: its claim becomes a per-pod ephemeral volume (parallel trials never share it)', () => {
  const l = SearchParameter.double('learning_rate', { min: 0.00001, max: 0.0001, distribution: ParameterDistribution.LOG_UNIFORM });
  const chart = Testing.chart();
  new HyperparameterExperiment(chart, 'exp', {
    name: 'bert-lr',
    objective: Objective.minimize('train_loss', { additionalMetrics: ['eval_loss'] }),
    algorithm: SearchAlgorithm.tpe(),
    parameters: [l],
    maxTrialCount: 4,
    metricsCollector: MetricsCollector.stdOut({ metricsFormat: ["'([\\w|-]+)'\\s*:\\s*([+-]?\\d*(\\.\\d+)?([Ee][+-]?\\d+)?)"] }),
    trial: TrialTemplate.fineTuning({
      model: { uri: 'hf://google-bert/bert-base-cased', transformerType: TransformerType.SEQUENCE_CLASSIFICATION },
      dataset: { repoId: 'yelp_review_full', split: 'train[:3000]' },
      trainingArguments: { output_dir: '/workspace/output', learning_rate: l.placeholder },
      storage: { size: Size.gibibytes(20) },
    }),
  });
  const objects = synthValid(chart);
  expect(objects.map(o => o.kind)).toEqual(['Experiment']); // no shared claim is emitted
  const t = objects[0].spec.trialTemplate;
  expect(t.trialSpec.kind).toBe('PyTorchJob');
  const master = t.trialSpec.spec.pytorchReplicaSpecs.Master.template.spec;
  expect(master.volumes).toEqual([{
    name: 'storage-initializer',
    ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], resources: { requests: { storage: '20Gi' } } } } },
  }, { name: 'dshm', emptyDir: { medium: 'Memory' } }]);
  expect(master.initContainers[0].volumeMounts).toEqual([{ name: 'storage-initializer', mountPath: '/workspace' }]);
  expect(master.containers[0].args).toContain('{"learning_rate": "${trialParameters.learning_rate}", "output_dir": "/workspace/output"}'); // keys sorted
  expectValid([asTrialObject(t.trialSpec)]);
});

test('a fine-tune trial whose claim several pods mount is an error', () => {
  const l = SearchParameter.double('learning_rate', { min: 0.00001, max: 0.0001 });
  expectValidationError(() => new HyperparameterExperiment(Testing.chart(), 'exp', {
    objective: Objective.minimize('train_loss'),
    parameters: [l],
    trial: TrialTemplate.fineTuning({
      model: { uri: 'hf://google-bert/bert-base-cased', transformerType: TransformerType.SEQUENCE_CLASSIFICATION },
      dataset: { repoId: 'yelp_review_full' },
      workers: 2,
      storage: { accessModes: [] as any },
      trainingArguments: { learning_rate: l.placeholder },
    }),
  }), '[test/exp] trial.storage.accessModes: [] is not valid; name at least one access mode');
  expectValidationError(() => new HyperparameterExperiment(Testing.chart(), 'exp', {
    objective: Objective.minimize('train_loss'),
    parameters: [l],
    trial: TrialTemplate.fineTuning({
      model: { uri: 'hf://google-bert/bert-base-cased', transformerType: TransformerType.SEQUENCE_CLASSIFICATION },
      dataset: { repoId: 'yelp_review_full' },
      workers: 2,
      trainingArguments: { learning_rate: l.placeholder },
    }),
  }), "[test/exp] trial: 'PersistentVolumeClaim' is not valid; 2 pods of each trial mount the claim the trial workload creates; it becomes a per-pod ephemeral volume "
    + '(parallel trials must not share it), so only one pod may mount it: use one worker, or mount a claim declared in the app');
});

test('any workload through a WorkloadTemplate; changes after construction count', () => {
  const t = new WorkloadTemplate({ namespace: 'ml' });
  const l = lr();
  const training = new DistributedTraining(t.scope, 'trial', {
    backend: TrainingBackend.trainingOperatorV1(), framework: TrainingFramework.xgBoost(), image: 'ghcr.io/example/xgb:1', args: [`--eta=${l.placeholder}`], workers: 2,
  });
  const chart = new Chart(Testing.app(), 'c', { namespace: 'ml' });
  new HyperparameterExperiment(chart, 'exp', { objective: Objective.maximize('auc'), parameters: [l], trial: TrialTemplate.fromWorkloadTemplate(t) });
  training.podTemplates[0].placement.selectNodeLabel('team', 'ml');
  const [experiment] = synthValid(chart);
  const trial = experiment.spec.trialTemplate.trialSpec;
  expect(trial.kind).toBe('XGBoostJob');
  expect(trial.metadata).toBeUndefined();
  expect(trial.spec.xgbReplicaSpecs.Master.template.spec.nodeSelector).toEqual({ team: 'ml' });
  expect(experiment.spec.trialTemplate.primaryContainerName).toBe('xgboost');
  expect(experiment.spec.trialTemplate.primaryPodLabels).toEqual({ 'training.kubeflow.org/job-role': 'master' });
});

test('a WorkloadTemplate in another namespace is an error; so is a queue of another namespace', () => {
  const t = new WorkloadTemplate({ namespace: 'other' });
  const l = lr();
  new DistributedTraining(t.scope, 'trial', { backend: TrainingBackend.trainingOperatorV1(), image: 'ghcr.io/example/t:1', args: [l.placeholder] });
  const chart = new Chart(Testing.app(), 'c', { namespace: 'ml' });
  expectValidationError(() => new HyperparameterExperiment(chart, 'exp', { objective: Objective.maximize('auc'), parameters: [l], trial: TrialTemplate.fromWorkloadTemplate(t) }),
    "[c/exp] trial.namespace: 'other' is not valid; Katib creates each trial in the experiment's namespace 'ml' (a queue must be a LocalQueue of that namespace too)");

  const c2 = new Chart(Testing.app(), 'c', { namespace: 'ml' });
  const queue = new BatchQueue(c2, 'q', {
    name: 'q', resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } }), quotas: [ResourceQuota.cpu('8')] }] }],
  }).addLocalQueue('team-b');
  expectValidationError(() => new HyperparameterExperiment(c2, 'exp', {
    objective: Objective.maximize('auc'), parameters: [l], trial: TrialTemplate.distributedTraining({ image: 'ghcr.io/example/t:1', args: [l.placeholder], queue }),
  }), "[c/q/LocalQueue-team-b-q] workload.namespace: 'ml' is not valid; a LocalQueue serves only workloads of its own namespace 'team-b'");
});

test('a queued trial carries the queue label (Kueue admits each trial)', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'ml' });
  const queue = new BatchQueue(chart, 'q', {
    name: 'q', resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } }), quotas: [ResourceQuota.cpu('8')] }] }],
  }).addLocalQueue('ml');
  const l = lr();
  new HyperparameterExperiment(chart, 'exp', { objective: Objective.maximize('acc'), parameters: [l], trial: job([l.placeholder], { queue }) });
  const experiment = synthValid(chart).find(o => o.kind === 'Experiment');
  expect(experiment.spec.trialTemplate.trialSpec.metadata).toEqual({ labels: { 'kueue.x-k8s.io/queue-name': 'q' } });
});

test('errors of the trial workload name the experiment and the trial\'s field', () => {
  expectValidationError(() => talk({ trial: TrialTemplate.batchJob({ containers: [] }) }),
    '[test/exp] trial.containers: [] is not valid; a Job needs at least one container');
  expectValidationError(() => talk({ trial: job(['x'], { backoffLimit: -1 }) }),
    '[test/exp] trial.backoffLimit: -1 is not valid; must be an integer of at least 0');
  expectValidationError(() => talk({ trial: {} as any }),
    '[test/exp] trial: {} is not valid; must be a TrialTemplate, e.g. TrialTemplate.batchJob({ containers: [...] })');
  expectValidationError(() => talk({ trial: TrialTemplate.fromWorkloadTemplate(new WorkloadTemplate()) }),
    '[test/exp] trial: [] is not valid; declare exactly one workload directly in the scope of the WorkloadTemplate given to TrialTemplate.fromWorkloadTemplate()');
});

test('a long-running workload cannot be a trial', () => {
  const t = new WorkloadTemplate();
  const l = lr();
  new InferenceService(t.scope, 'isvc', {
    predictor: Predictor.model({ format: ModelFormat.sklearn(), storageUri: StorageUri.gcs('models', l.placeholder) }),
  });
  expectValidationError(() => talk({ parameters: [l], trial: TrialTemplate.fromWorkloadTemplate(t) }),
    "[test/exp] trial: 'serving.kserve.io/v1beta1/InferenceService' is not valid; a trial must run to completion and be able to fail; "
    + 'this kind is long-running (use a batch Job, a training or a fine-tune)');
});

// ------------------------------------------------------------------------------------------------
// Trial parameters: every placeholder defined, every parameter used

test('a trial parameter referenced but not defined is an error', () => {
  const l = lr();
  expectValidationError(() => talk({ parameters: [l], trial: job([`--lr=${l.placeholder}`, '--epochs=${trialParameters.epochs}']) }),
    "[test/exp] trial: '${trialParameters.epochs}' is not valid; no trial parameter 'epochs' is defined; define a search parameter (or its trialParameterName) "
    + 'or a TrialMetadata with that name, or use one of ${trialParameters.learningRate}');
});

test('a search parameter the trial does not use is an error', () => {
  const l = lr();
  expectValidationError(() => talk({ parameters: [l, epochs()], trial: job([`--lr=${l.placeholder}`]) }),
    "[test/exp] parameters[1]: 'numberEpochs' is not valid; is not used by the trial: put its placeholder ${trialParameters.numberEpochs} in the trial's args, env or a string prop");
});

test('a placeholder added after construction is checked at synth', () => {
  const t = new WorkloadTemplate();
  const l = lr();
  const training = new DistributedTraining(t.scope, 'trial', { backend: TrainingBackend.trainingOperatorV1(), image: 'ghcr.io/example/t:1', args: [l.placeholder] });
  const e = talk({ parameters: [l], trial: TrialTemplate.fromWorkloadTemplate(t) });
  training.podTemplates[0].placement.addPodAnnotation('run', '${trialParameters.run}');
  expectValidationError(() => Testing.synth(Chart.of(e)), /^\[test\/exp\] trial: '\$\{trialParameters.run\}' is not valid; no trial parameter 'run' is defined/);
});

test('trial metadata parameters carry the trial name; an unused one is an error', () => {
  const l = lr();
  const trialName = TrialMetadata.field('trialName', TrialMetadataField.NAME, 'Name of the trial');
  const team = TrialMetadata.label('team', 'team');
  const s = spec(talk({ parameters: [l], trialMetadata: [trialName], trial: job([`--lr=${l.placeholder}`, `--out=/out/${trialName.placeholder}`]) }));
  expect(s.trialTemplate.trialParameters).toEqual([
    { name: 'learningRate', description: 'Learning rate for the training model', reference: 'lr' },
    { name: 'trialName', description: 'Name of the trial', reference: '${trialSpec.Name}' },
  ]);
  expectValidationError(() => talk({ parameters: [l], trialMetadata: [trialName, team], trial: job([l.placeholder, trialName.placeholder]) }),
    "[test/exp] trialMetadata[1]: 'team' is not valid; is not used by the trial: put its placeholder ${trialParameters.team} in the trial's args, env or a string prop");
  expectValidationError(() => talk({ parameters: [l], trialMetadata: [TrialMetadata.field('learningRate', TrialMetadataField.KIND)], trial: job([l.placeholder]) }),
    "[test/exp] trialMetadata[0].trialParameterName: 'learningRate' is not valid; is already the trial parameter of parameters[0]");
  expectValidationError(() => talk({
    parameters: [l], trialMetadata: [TrialMetadata.field('a', TrialMetadataField.NAME), TrialMetadata.field('b', TrialMetadataField.NAME)], trial: job([l.placeholder, '${trialParameters.a}', '${trialParameters.b}']),
  }), "[test/exp] trialMetadata[1]: '${trialSpec.Name}' is not valid; another trial parameter carries the same metadata");
  expectValidationError(() => talk({ parameters: [l], trialMetadata: [TrialMetadata.annotation('a', 'x[1]')], trial: job([l.placeholder, '${trialParameters.a}']) }),
    "[test/exp] trialMetadata[0].key: 'x[1]' is not valid; must be a non-empty label or annotation key without brackets or braces");
});

// ------------------------------------------------------------------------------------------------
// Search space

test('every parameter type renders as Katib takes it (strings), with step and distribution', () => {
  const p = [
    SearchParameter.double('lr', { min: 0.0001, max: 0.1, distribution: ParameterDistribution.LOG_UNIFORM }),
    SearchParameter.integer('batch', { min: 16, max: 128, step: 16 }),
    SearchParameter.discrete('rank', [4, 8, 16]),
    SearchParameter.categorical('optimizer', ['adam', 'sgd']),
  ];
  const s = spec(talk({ parameters: p, trial: job(p.map(x => x.placeholder)) }));
  expect(s.parameters).toEqual([
    { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.0001', max: '0.1', distribution: 'logUniform' } },
    { name: 'batch', parameterType: 'int', feasibleSpace: { min: '16', max: '128', step: '16' } },
    { name: 'rank', parameterType: 'discrete', feasibleSpace: { list: ['4', '8', '16'] } },
    { name: 'optimizer', parameterType: 'categorical', feasibleSpace: { list: ['adam', 'sgd'] } },
  ]);
});

test('search space rules', () => {
  const use = (p: SearchParameter) => () => talk({ parameters: [p], trial: job([p.placeholder]) });
  expectValidationError(use(SearchParameter.double('lr', { min: 0.5, max: 0.1 })), '[test/exp] parameters[0].min: 0.5 is not valid; must be below max (0.1)');
  expectValidationError(use(SearchParameter.integer('n', { min: 1.5, max: 4 })), '[test/exp] parameters[0].min: 1.5 is not valid; must be an integer');
  expectValidationError(use(SearchParameter.double('lr', { min: 0, max: NaN })), '[test/exp] parameters[0].max: NaN is not valid; must be a finite number');
  expectValidationError(use(SearchParameter.double('lr', { min: 0, max: 1, step: 2 })), '[test/exp] parameters[0].step: 2 is not valid; must not exceed max - min (1)');
  expectValidationError(use(SearchParameter.double('lr', { min: 0, max: 1, step: 0 })), '[test/exp] parameters[0].step: 0 is not valid; must be a number above 0');
  expectValidationError(use(SearchParameter.integer('n', { min: 0, max: 10, step: 0.5 })), '[test/exp] parameters[0].step: 0.5 is not valid; must be an integer of at least 1');
  expectValidationError(use(SearchParameter.double('lr', { min: 0, max: 1, distribution: ParameterDistribution.LOG_UNIFORM })),
    '[test/exp] parameters[0].min: 0 is not valid; must be above 0 for the logUniform distribution (it samples the logarithm)');
  expectValidationError(use(SearchParameter.double('lr', { min: 0, max: 1, distribution: 'exp' as any })),
    "[test/exp] parameters[0].distribution: 'exp' is not valid; must be one of uniform, logUniform, normal, logNormal");
  expectValidationError(use(SearchParameter.categorical('o', [])), '[test/exp] parameters[0].values: [] is not valid; must list at least one value');
  expectValidationError(use(SearchParameter.categorical('o', ['a', 'a'])), "[test/exp] parameters[0].values[1]: 'a' is not valid; is listed twice");
  expectValidationError(use(SearchParameter.discrete('d', [1, Infinity])), '[test/exp] parameters[0].values[1]: Infinity is not valid; must be a finite number');
  expectValidationError(use(SearchParameter.categorical('o', ['a', ''])), "[test/exp] parameters[0].values[1]: '' is not valid; must be a non-empty string");
  expectValidationError(use(SearchParameter.double('l r', { min: 0, max: 1 })),
    "[test/exp] parameters[0].name: 'l r' is not valid; must be letters, digits, '_', '.' or '-' (e.g. 'lr' or 'num-epochs')");
  expectValidationError(use(SearchParameter.double('lr', { min: 0, max: 1, trialParameterName: 'a{b}' })),
    "[test/exp] parameters[0].trialParameterName: 'a{b}' is not valid; must start with a letter or '_' and contain letters, digits, '_', '.' or '-' (it is written as ${trialParameters.<name>})");
  const a = SearchParameter.double('lr', { min: 0, max: 1 });
  const b = SearchParameter.double('lr', { min: 0, max: 2, trialParameterName: 'other' });
  expectValidationError(() => talk({ parameters: [a, b], trial: job([a.placeholder, b.placeholder]) }), "[test/exp] parameters[1].name: 'lr' is not valid; is the name of another parameter");
  const c = SearchParameter.double('c', { min: 0, max: 2, trialParameterName: 'lr' });
  expectValidationError(() => talk({ parameters: [a, c], trial: job([a.placeholder]) }), "[test/exp] parameters[1].trialParameterName: 'lr' is not valid; is already the trial parameter of parameters[0]");
  expectValidationError(() => talk({ parameters: [] }), '[test/exp] parameters: [] is not valid; list at least one SearchParameter');
});

// ------------------------------------------------------------------------------------------------
// Algorithms

test('every algorithm renders its name and typed settings as strings', () => {
  const x = SearchParameter.double('x', { min: 0, max: 1, step: 0.1 });
  const y = SearchParameter.integer('y', { min: 1, max: 9 });
  const epochsParam = SearchParameter.integer('epochs', { min: 1, max: 9 });
  const render = (algorithm: SearchAlgorithm, params: SearchParameter[] = [x, y], extra: Partial<HyperparameterExperimentProps> = {}) =>
    spec(talk({
      algorithm,
      parameters: params,
      trial: job(params.map(p => p.placeholder)),
      maxTrialCount: 50,
      parallelTrialCount: 9,
      maxFailedTrialCount: 3,
      ...extra,
    })).algorithm;
  expect(render(SearchAlgorithm.random({ randomState: 7 }))).toEqual({ algorithmName: 'random', algorithmSettings: [{ name: 'random_state', value: '7' }] });
  expect(render(SearchAlgorithm.grid(), [x, y], { maxTrialCount: 99 })).toEqual({ algorithmName: 'grid' });
  expect(render(SearchAlgorithm.tpe({ gamma: 0.25, priorWeight: 1, eiCandidates: 24, randomState: 1 }))).toEqual({
    algorithmName: 'tpe',
    algorithmSettings: [{ name: 'gamma', value: '0.25' }, { name: 'prior_weight', value: '1' }, { name: 'n_EI_candidates', value: '24' }, { name: 'random_state', value: '1' }],
  });
  expect(render(SearchAlgorithm.multivariateTpe({ startupTrials: 5, eiCandidates: 10 }))).toEqual({
    algorithmName: 'multivariate-tpe', algorithmSettings: [{ name: 'n_startup_trials', value: '5' }, { name: 'n_ei_candidates', value: '10' }],
  });
  expect(render(SearchAlgorithm.cmaEs({ sigma: 0.3, restartStrategy: 'ipop' as any }))).toEqual({
    algorithmName: 'cmaes', algorithmSettings: [{ name: 'sigma', value: '0.3' }, { name: 'restart_strategy', value: 'ipop' }],
  });
  expect(render(SearchAlgorithm.sobol())).toEqual({ algorithmName: 'sobol' });
  expect(render(SearchAlgorithm.bayesianOptimization({ baseEstimator: 'GP' as any, initialPoints: 5, acquisitionFunction: 'EI' as any, acquisitionOptimizer: 'lbfgs' as any }))).toEqual({
    algorithmName: 'bayesianoptimization',
    algorithmSettings: [{ name: 'base_estimator', value: 'GP' }, { name: 'n_initial_points', value: '5' }, { name: 'acq_func', value: 'EI' }, { name: 'acq_optimizer', value: 'lbfgs' }],
  });
  expect(render(SearchAlgorithm.hyperband({ resourceParameter: epochsParam, maxResource: 9, eta: 3 }), [x, epochsParam])).toEqual({
    algorithmName: 'hyperband', algorithmSettings: [{ name: 'r_l', value: '9' }, { name: 'eta', value: '3' }, { name: 'resource_name', value: 'epochs' }],
  });
  const lrStep = SearchParameter.double('lr', { min: 0.0001, max: 0.02, step: 0.0001 });
  expect(render(SearchAlgorithm.pbt({ population: 40, truncationThreshold: 0.2 }), [lrStep], { resumePolicy: ResumePolicy.FROM_VOLUME })).toEqual({
    algorithmName: 'pbt',
    algorithmSettings: [{ name: 'suggestion_trial_dir', value: '/var/log/katib/checkpoints/' }, { name: 'n_population', value: '40' }, { name: 'truncation_threshold', value: '0.2' }],
  });
});

test('algorithm constraints', () => {
  const x = SearchParameter.double('x', { min: 0, max: 1 });
  const y = SearchParameter.integer('y', { min: 1, max: 4 });
  const c = SearchParameter.categorical('c', ['a', 'b']);
  const run = (algorithm: SearchAlgorithm, params: SearchParameter[], extra: Partial<HyperparameterExperimentProps> = {}) =>
    () => talk({ algorithm, parameters: params, trial: job(params.map(p => p.placeholder)), ...extra });
  expectValidationError(run(SearchAlgorithm.grid(), [x, y]),
    '[test/exp] parameters[0].step: undefined is not valid; grid search needs a step on every double parameter (the grid is min, min + step, ... max)');
  const noBudget = { maxTrialCount: undefined, parallelTrialCount: undefined, maxFailedTrialCount: undefined };
  expectValidationError(run(SearchAlgorithm.grid(), [y, c], noBudget),
    "[test/exp] maxTrialCount: undefined is not valid; grid search needs a trial budget (Katib's grid service compares it with the 8 combinations)");
  expectValidationError(run(SearchAlgorithm.grid(), [y, c], { maxTrialCount: 9 }), '[test/exp] maxTrialCount: 9 is not valid; must be at most the 8 combinations of the grid');
  expectValidationError(run(SearchAlgorithm.cmaEs(), [x, c]), '[test/exp] parameters: ["x","c"] is not valid; CMA-ES needs at least two double or integer parameters');
  const epochsParam = SearchParameter.integer('epochs', { min: 1, max: 27 });
  const hyperband27 = SearchAlgorithm.hyperband({ resourceParameter: epochsParam, maxResource: 27 });
  expectValidationError(run(hyperband27, [x, epochsParam], { parallelTrialCount: 9, maxTrialCount: 50 }),
    '[test/exp] parallelTrialCount: 9 is not valid; Hyperband with maxResource 27 and eta 3 runs 27 trials in its first round; set at least 27');
  expectValidationError(run(SearchAlgorithm.hyperband({ resourceParameter: epochsParam, maxResource: 9 }), [x]),
    "[test/exp] algorithm.resourceParameter: 'epochs' is not valid; must be one of the experiment's parameters (Hyperband assigns it the budget)");
  expectValidationError(run(SearchAlgorithm.hyperband({ resourceParameter: c, maxResource: 3 }), [c]),
    "[test/exp] algorithm.resourceParameter: 'c' is not valid; must be an integer or double parameter (the budget is a number)");
  expectValidationError(run(SearchAlgorithm.hyperband({ resourceParameter: y, maxResource: 0.5 }), [y]),
    '[test/exp] algorithm.maxResource: 0.5 is not valid; must be a number of at least 1');
  expectValidationError(run(SearchAlgorithm.hyperband({ resourceParameter: y, maxResource: 9, eta: 1 }), [y]),
    '[test/exp] algorithm.eta: 1 is not valid; must be an integer of at least 2');
  expectValidationError(run(SearchAlgorithm.pbt({ population: 4, truncationThreshold: 0.2 }), [x]), '[test/exp] algorithm.population: 4 is not valid; must be an integer of at least 5');
  expectValidationError(run(SearchAlgorithm.pbt({ population: 5, truncationThreshold: 1.2 }), [x]), '[test/exp] algorithm.truncationThreshold: 1.2 is not valid; must be from 0 to 1');
  expectValidationError(run(SearchAlgorithm.pbt({ population: 5, truncationThreshold: 0.2, suggestionTrialDir: 'ckpt' }), [x]),
    "[test/exp] algorithm.suggestionTrialDir: 'ckpt' is not valid; must be an absolute path");
  expectValidationError(run(SearchAlgorithm.pbt({ population: 5, truncationThreshold: 0.2 }), [x]),
    '[test/exp] parameters[0].step: undefined is not valid; PBT samples each range on a grid of its step; set a step');
  expectValidationError(run(SearchAlgorithm.tpe({ gamma: 1 }), [x]), '[test/exp] algorithm.gamma: 1 is not valid; must be above 0 and below 1');
  expectValidationError(run(SearchAlgorithm.tpe({ priorWeight: 0 }), [x]), '[test/exp] algorithm.priorWeight: 0 is not valid; must be a number above 0');
  expectValidationError(run(SearchAlgorithm.random({ randomState: -1 }), [x]), '[test/exp] algorithm.randomState: -1 is not valid; must be an integer of at least 0');
  expectValidationError(run(SearchAlgorithm.cmaEs({ restartStrategy: 'bipop' as any }), [x, y]), "[test/exp] algorithm.restartStrategy: 'bipop' is not valid; must be one of none, ipop");
  expectValidationError(run(SearchAlgorithm.cmaEs({ sigma: -1 }), [x, y]), '[test/exp] algorithm.sigma: -1 is not valid; must be a number of at least 0');
  expectValidationError(run(SearchAlgorithm.bayesianOptimization({ acquisitionFunction: 'UCB' as any }), [x]),
    "[test/exp] algorithm.acquisitionFunction: 'UCB' is not valid; must be one of gp_hedge, LCB, EI, PI, EIps, PIps");
  const logX = SearchParameter.double('x', { min: 0.1, max: 1, distribution: ParameterDistribution.LOG_UNIFORM });
  const normalX = SearchParameter.double('x', { min: 0.1, max: 1, distribution: ParameterDistribution.NORMAL });
  expectValidationError(run(SearchAlgorithm.sobol(), [logX]),
    "[test/exp] parameters[0].distribution: 'logUniform' is not valid; Katib's sobol service samples uniformly and ignores it; use a uniform distribution or an algorithm that honours logUniform (random, tpe, multivariate-tpe)");
  expectValidationError(run(SearchAlgorithm.multivariateTpe(), [normalX]),
    "[test/exp] parameters[0].distribution: 'normal' is not valid; Katib's multivariate-tpe service samples uniformly and ignores it; use a uniform distribution or an algorithm that honours normal (random, tpe)");
  expect(() => run(SearchAlgorithm.multivariateTpe(), [logX])()).not.toThrow();
  expect(() => run(SearchAlgorithm.tpe(), [normalX])()).not.toThrow();
});

test('early stopping: median stop with its settings, only with the StdOut and File collectors', () => {
  const s = spec(talk({ earlyStopping: EarlyStopping.medianStop({ minTrialsRequired: 3, startStep: 4 }) }));
  expect(s.earlyStopping).toEqual({ algorithmName: 'medianstop', algorithmSettings: [{ name: 'min_trials_required', value: '3' }, { name: 'start_step', value: '4' }] });
  expect(spec(talk({ earlyStopping: EarlyStopping.medianStop() })).earlyStopping).toEqual({ algorithmName: 'medianstop' });
  expectValidationError(() => talk({ earlyStopping: EarlyStopping.medianStop({ minTrialsRequired: 0 }) }),
    '[test/exp] earlyStopping.minTrialsRequired: 0 is not valid; must be an integer of at least 1');
  expectValidationError(() => talk({ earlyStopping: EarlyStopping.medianStop(), metricsCollector: MetricsCollector.tensorFlowEvent() }),
    "[test/exp] earlyStopping: 'medianstop' is not valid; Katib applies early stopping in its file metrics collector only (StdOut or File), not with the TensorFlowEvent collector");
});

// ------------------------------------------------------------------------------------------------
// Objective and budgets

test('objective: additional metrics and strategies; rules', () => {
  const s = spec(talk({
    objective: Objective.maximize('Validation-accuracy', { goal: 0.99, additionalMetrics: ['Train-accuracy'], metricStrategies: { 'Train-accuracy': MetricStrategy.LATEST } }),
  }));
  expect(s.objective).toEqual({
    type: 'maximize',
    goal: 0.99,
    objectiveMetricName: 'Validation-accuracy',
    additionalMetricNames: ['Train-accuracy'],
    metricStrategies: [{ name: 'Train-accuracy', value: 'latest' }],
  });
  expectValidationError(() => talk({ objective: Objective.maximize('accuracy', { metricStrategies: { loss: MetricStrategy.MIN } }) }),
    "[test/exp] objective.metricStrategies.loss: 'min' is not valid; names a metric the experiment does not collect; the metrics are 'accuracy'");
  expectValidationError(() => talk({ objective: Objective.maximize('accuracy', { additionalMetrics: ['accuracy'] }) }),
    "[test/exp] objective.additionalMetrics[0]: 'accuracy' is not valid; is the objective metric; list only other metrics");
  expectValidationError(() => talk({ objective: Objective.maximize('a', { additionalMetrics: ['b', 'b'] }) }), "[test/exp] objective.additionalMetrics[1]: 'b' is not valid; is listed twice");
  expectValidationError(() => talk({ objective: Objective.maximize('') }), "[test/exp] objective.metricName: '' is not valid; must be a metric name without spaces, e.g. 'Validation-accuracy'");
  expectValidationError(() => talk({ objective: Objective.maximize('a', { goal: NaN }) }), '[test/exp] objective.goal: NaN is not valid; must be a finite number');
  expectValidationError(() => talk({ objective: Objective.maximize('a', { metricStrategies: { a: 'best' as any } }) }),
    "[test/exp] objective.metricStrategies.a: 'best' is not valid; must be one of min, max, latest");
  expectValidationError(() => talk({ objective: Objective.minimize('eval/loss') }),
    "[test/exp] objective.metricName: 'eval/loss' is not valid; Katib's default metrics filter reads names of letters, digits, '_', '|' and '-' "
    + "(lines like 'accuracy=0.9'); rename the metric or give the collector a metricsFormat");
  expect(() => talk({ objective: Objective.minimize('eval/loss'), metricsCollector: MetricsCollector.stdOut({ metricsFormat: ['([\\w/]+)=(\\S+)'] }) })).not.toThrow();
});

test('budgets', () => {
  expectValidationError(() => talk({ parallelTrialCount: 16 }), '[test/exp] parallelTrialCount: 16 is not valid; must be at most maxTrialCount (15)');
  expectValidationError(() => talk({ maxFailedTrialCount: 16 }), '[test/exp] maxFailedTrialCount: 16 is not valid; must be at most maxTrialCount (15)');
  expectValidationError(() => talk({ maxTrialCount: 0 }), '[test/exp] maxTrialCount: 0 is not valid; must be an integer of at least 1');
  expectValidationError(() => talk({ parallelTrialCount: 0 }), '[test/exp] parallelTrialCount: 0 is not valid; must be an integer of at least 1');
  expectValidationError(() => talk({ maxFailedTrialCount: -1 }), '[test/exp] maxFailedTrialCount: -1 is not valid; must be an integer of at least 0');
  expectValidationError(() => talk({ resumePolicy: 'Always' as any }), "[test/exp] resumePolicy: 'Always' is not valid; must be one of Never, LongRunning, FromVolume");
  expectValidationError(() => talk({ name: 'a-very-long-experiment-name-that-katib-rejects' }),
    "[test/exp] name: 'a-very-long-experiment-name-that-katib-rejects' is not valid; must start with a lowercase letter, contain lowercase letters, digits and '-', "
    + "end with a letter or digit and have at most 40 characters (Katib's rule)");
  expectValidationError(() => talk({ name: '1st' }), /^\[test\/exp\] name: '1st' is not valid; must start with a lowercase letter/);
  expect(talk({ name: undefined }).name.length).toBeLessThanOrEqual(40);
});

// ------------------------------------------------------------------------------------------------
// Metrics collectors

test('every metrics collector kind renders with its source', () => {
  const render = (c: MetricsCollector, katib?: KatibConfig) => spec(talk({ metricsCollector: c, katib })).metricsCollectorSpec;
  expect(render(MetricsCollector.stdOut({ metricsFormat: ['(\\w+)=(\\S+)'] }))).toEqual({ collector: { kind: 'StdOut' }, source: { filter: { metricsFormat: ['(\\w+)=(\\S+)'] } } });
  expect(render(MetricsCollector.file())).toEqual({ collector: { kind: 'File' }, source: { fileSystemPath: { path: '/var/log/katib/metrics.log', kind: 'File', format: 'TEXT' } } });
  expect(render(MetricsCollector.file({ path: '/out/metrics.json', format: MetricsFileFormat.JSON }))).toEqual({
    collector: { kind: 'File' }, source: { fileSystemPath: { path: '/out/metrics.json', kind: 'File', format: 'JSON' } },
  });
  expect(render(MetricsCollector.tensorFlowEvent())).toEqual({ collector: { kind: 'TensorFlowEvent' }, source: { fileSystemPath: { path: '/var/log/katib/tfevent/', kind: 'Directory' } } });
  expect(render(MetricsCollector.prometheus({ port: 9090 }), new KatibConfig({ metricsCollectors: ['StdOut', 'PrometheusMetric'] }))).toEqual({
    collector: { kind: 'PrometheusMetric' }, source: { httpGet: { port: 9090, path: '/metrics' } },
  });
  expect(render(MetricsCollector.push())).toEqual({ collector: { kind: 'Push' } });
  const custom = render(MetricsCollector.custom({ container: { image: 'ghcr.io/example/collector:1', args: ['--dir=/out'] }, path: '/out', pathKind: 'Directory' as any }));
  expect(custom.source).toEqual({ fileSystemPath: { path: '/out', kind: 'Directory' } });
  expect(custom.collector.kind).toBe('Custom');
  expect(custom.collector.customCollector).toMatchObject({
    name: 'metrics-collector', image: 'ghcr.io/example/collector:1', args: ['--dir=/out'], securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
  });
});

test('metrics collector rules', () => {
  const run = (c: MetricsCollector, katib?: KatibConfig) => () => Testing.synth(Chart.of(talk({ metricsCollector: c, katib })));
  expectValidationError(run(MetricsCollector.file({ path: 'metrics.log' })), "[test/exp] metricsCollector.path: 'metrics.log' is not valid; must be an absolute path");
  expectValidationError(run(MetricsCollector.tensorFlowEvent({ directory: 'tfevent' })), "[test/exp] metricsCollector.directory: 'tfevent' is not valid; must be an absolute path");
  expectValidationError(run(MetricsCollector.file({ format: MetricsFileFormat.JSON, metricsFormat: ['(\\w+)=(\\S+)'] })),
    '[test/exp] metricsCollector.metricsFormat: ["(\\\\w+)=(\\\\S+)"] is not valid; a JSON metrics file is read without a filter');
  expectValidationError(run(MetricsCollector.stdOut({ metricsFormat: ['accuracy=(\\S+)'] })),
    "[test/exp] metricsCollector.metricsFormat[0]: 'accuracy=(\\S+)' is not valid; needs two top-level groups: the metric name, then its value");
  expectValidationError(run(MetricsCollector.stdOut({ metricsFormat: ['((\\w+)=(\\S+)'] })),
    /^\[test\/exp\] metricsCollector.metricsFormat\[0\]: '\(\(\\w\+\)=\(\\S\+\)' is not valid; must be a regular expression/);
  expectValidationError(run(MetricsCollector.prometheus({ port: 0 })), '[test/exp] metricsCollector.port: 0 is not valid; must be an integer from 1 to 65535');
  expectValidationError(run(MetricsCollector.prometheus({ path: 'metrics' })), "[test/exp] metricsCollector.path: 'metrics' is not valid; must start with '/'");
  expectValidationError(run(MetricsCollector.prometheus()),
    "[test/exp] metricsCollector: 'PrometheusMetric' is not valid; the Katib configuration has no image for this collector (StdOut, File, TensorFlowEvent); add it to runtime.metricsCollectors");
  expectValidationError(run(MetricsCollector.custom({ container: { image: 'not an image' } })),
    /^\[test\/exp\] metricsCollector.container.image: 'not an image' is not valid/);
});

// ------------------------------------------------------------------------------------------------
// Platform cross-checks

test("the trial kind must be one Katib watches: JAXJob and PaddleJob need Katib's configuration", () => {
  const l = lr();
  const jax = () => TrialTemplate.distributedTraining({ backend: TrainingBackend.trainingOperatorV1(), framework: TrainingFramework.jax(), image: 'ghcr.io/example/jax:1', args: [l.placeholder] });
  expectValidationError(() => Testing.synth(Chart.of(talk({ parameters: [l], trial: jax() })),
  ), "[test/exp] trial: 'JAXJob.v1.kubeflow.org' is not valid; Katib watches only the trial kinds of its configuration (TrainJob.v1alpha1.trainer.kubeflow.org, "
    + 'Job.v1.batch, TFJob.v1.kubeflow.org, PyTorchJob.v1.kubeflow.org, MPIJob.v1.kubeflow.org, XGBoostJob.v1.kubeflow.org); add JAXJob.v1.kubeflow.org to trialResources '
    + '(and give the katib-controller RBAC on it), or run the trial as another kind');
  const katib = new KatibConfig({ trialResources: [...KatibConfig.DEFAULT_TRIAL_RESOURCES, 'JAXJob.v1.kubeflow.org'] });
  expect(spec(talk({ parameters: [l], trial: jax(), katib })).trialTemplate.trialSpec.kind).toBe('JAXJob');
  // registered in the app (what a Katib installation construct does), whatever the declaration order
  const chart = Testing.chart();
  talk({ parameters: [l], trial: jax() }, chart);
  katib.register(chart);
  expect(Testing.synth(chart)[0].spec.trialTemplate.trialSpec.kind).toBe('JAXJob');
  expectValidationError(() => new KatibConfig().register(chart), /^\[test\] katib: .* is not valid; the app already has a Katib configuration; register one per app$/);
});

test('the algorithm, early stopping and collector must be in the Katib configuration', () => {
  const katib = new KatibConfig({ suggestions: ['random'], earlyStoppings: [], metricsCollectors: ['StdOut'] });
  const x = SearchParameter.double('x', { min: 0, max: 1 });
  const tpe = () => talk({ katib, algorithm: SearchAlgorithm.tpe(), parameters: [x], trial: job([x.placeholder]) });
  expectValidationError(() => Testing.synth(Chart.of(tpe())),
    "[test/exp] algorithm: 'tpe' is not valid; the Katib configuration has no suggestion service for it (random)");
  expectValidationError(() => Testing.synth(Chart.of(talk({ katib, earlyStopping: EarlyStopping.medianStop() }))),
    "[test/exp] earlyStopping: 'medianstop' is not valid; the Katib configuration has no early stopping service for it ()");
  expectValidationError(() => Testing.synth(Chart.of(talk({ katib, metricsCollector: MetricsCollector.file() }))),
    "[test/exp] metricsCollector: 'File' is not valid; the Katib configuration has no image for this collector (StdOut); add it to runtime.metricsCollectors");
});

test('GPU trials are placed on a node pool of the app, like any workload, whatever the declaration order', () => {
  const perWorker = { cpu: Cpu.units(4), memory: Size.gibibytes(16), accelerator: Accelerator.nvidia({ count: 1 }) };
  const l = lr();
  const unplaced = () => TrialTemplate.distributedTraining({ image: 'ghcr.io/example/t:1', args: [l.placeholder], resourcesPerWorker: perWorker });
  const message = "[test/exp] trial.pool: undefined is not valid; the pods request 1 nvidia.com/gpu but are placed on no node pool; pass one of 'gpu'";
  // the pool declared first: the trial, rendered for the experiment's app, sees it where the experiment is declared
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  expectValidationError(() => talk({ parameters: [l], trial: unplaced() }, chart), message);
  // the pool declared after the experiment: the same error at synth
  const later = Testing.chart();
  talk({ parameters: [l], trial: unplaced() }, later);
  new GpuNodePool(later, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  expectValidationError(() => Testing.synth(later), message);

  const placed = Testing.chart();
  const p2 = new GpuNodePool(placed, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  talk({ parameters: [l], trial: TrialTemplate.distributedTraining({ image: 'ghcr.io/example/t:1', args: [l.placeholder], resourcesPerWorker: perWorker, pool: p2 }) }, placed);
  const experiment = Testing.synth(placed).find(o => o.kind === 'Experiment');
  const node = experiment.spec.trialTemplate.trialSpec.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs.find((j: any) => j.name === 'node');
  expect(node.template.spec.template.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
  expect(pool.poolName).toBe('gpu');
});

test('a namespace declared in the app must allow metrics collector injection (not needed for Push)', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'ml' });
  PlatformContext.of(chart).register(NAMESPACES, { name: 'ml', labels: {}, path: 'c/ns' });
  talk({}, chart);
  expectValidationError(() => Testing.synth(chart),
    "[c/exp] namespace: 'ml' is not valid; Katib injects the StdOut metrics collector only in namespaces labelled katib.kubeflow.org/metrics-collector-injection: enabled; "
    + "label namespace 'ml' (c/ns) or use MetricsCollector.push()");
  const push = new Chart(Testing.app(), 'c', { namespace: 'ml' });
  PlatformContext.of(push).register(NAMESPACES, { name: 'ml', labels: {}, path: 'c/ns' });
  talk({ metricsCollector: MetricsCollector.push() }, push);
  expect(Testing.synth(push)).toHaveLength(1);
  const labelled = new Chart(Testing.app(), 'c', { namespace: 'ml' });
  PlatformContext.of(labelled).register(NAMESPACES, { name: 'ml', labels: { [HyperparameterExperiment.METRICS_COLLECTOR_INJECTION_LABEL]: 'enabled' }, path: 'c/ns' });
  talk({}, labelled);
  expect(Testing.synth(labelled)).toHaveLength(1);
});

test("trial pods with Katib's injected sidecar meet baseline, restricted with Push or injectSecurityContext", () => {
  expect(talk().trialPodSecurity).toBe(PodSecurityLevel.BASELINE);
  expect(talk({ metricsCollector: MetricsCollector.push() }).trialPodSecurity).toBe(PodSecurityLevel.RESTRICTED);
  expect(talk({ katib: new KatibConfig({ injectSecurityContext: true }) }).trialPodSecurity).toBe(PodSecurityLevel.RESTRICTED);
  const chart = Testing.chart();
  const e = talk({}, chart);
  new KatibConfig({ injectSecurityContext: true }).register(chart); // registered after the experiment: read when asked
  expect(e.trialPodSecurity).toBe(PodSecurityLevel.RESTRICTED);
});

test('GJSON conditions from any status contract (conditions or a state field, one or several values)', () => {
  expect(gjsonCondition({
    apiVersion: 'x/v1', kind: 'X', source: StatusSource.FIELD, path: '.status.applicationState.state', succeeded: ['COMPLETED'], failed: ['FAILED'], completes: true,
  }, ['COMPLETED'])).toBe('[status.applicationState]|#(state=="COMPLETED")#');
  expect(gjsonCondition({
    apiVersion: 'x/v1', kind: 'X', source: StatusSource.CONDITIONS, path: '.status.conditions', succeeded: ['A', 'B'], failed: [], completes: true,
  }, ['A', 'B'])).toBe('[status.conditions.#(type=="A")#|#(status=="True")#,status.conditions.#(type=="B")#|#(status=="True")#]|@flatten');
});

test('the trial workload is not emitted by the app, and the experiment renders the same in a WorkloadTemplate', () => {
  const chart = Testing.chart();
  talk({}, chart);
  const inApp = Testing.synth(chart);
  const t = new WorkloadTemplate({ chartId: 'test' });
  talk({}, t.scope as Chart);
  const rendered = t.render();
  expect([rendered.primary, ...rendered.supporting]).toEqual(inApp);
});
