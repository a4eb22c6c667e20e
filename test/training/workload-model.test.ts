/**
 * DistributedTraining and FineTuning on the workload model: changes after construction count, declaration order
 * does not matter, a workload renders the same in a WorkloadTemplate as in an app, and every error is the
 * library's ValidationError naming the prop the user wrote.
 */
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, BatchQueue, DistributedTraining, DistributedTrainingProps, EnvVarValue, FineTuning, FineTuningProps, GpuInstances, GpuNodePool,
  GpuSharing, NvidiaDevicePlugin, PodVolume, QueueFlavors, ResourceQuota, TrainingBackend, TrainingFramework, TrainingRuntimeRef, TransformerType,
  WorkloadBase, WorkloadTemplate,
} from '../../src';
import { ValidationError } from '../../src/core/errors';
import { expectValidationError, synthValid } from '../util';

const IMAGE = 'ghcr.io/example/ddp:1.0.0';
const V1 = TrainingBackend.trainingOperatorV1();
const BERT = { uri: 'hf://google-bert/bert-base-cased', transformerType: TransformerType.SEQUENCE_CLASSIFICATION };
const YELP = { repoId: 'yelp_review_full', split: 'train[:3000]' };
const LLAMA = { uri: 'hf://meta-llama/Llama-3.2-1B-Instruct' };
const nodeClass = { clusterName: 'c', role: 'r' };
const gpus = (count: number) => ({ cpu: Cpu.units(8), memory: Size.gibibytes(32), accelerator: Accelerator.nvidia({ count }) });

function training(props: Partial<DistributedTrainingProps> = {}, chart: Chart = Testing.chart()): DistributedTraining {
  return new DistributedTraining(chart, 'train', { name: 'ddp', image: IMAGE, ...props });
}

function fineTuning(props: Partial<FineTuningProps> = {}, chart: Chart = Testing.chart()): FineTuning {
  return new FineTuning(chart, 'ft', { name: 'bert', model: BERT, dataset: YELP, ...props });
}

/** The pod spec of the TrainJob's `node` job. */
const trainJobPod = (job: any) => job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs
  .find((j: any) => j.name === 'node').template.spec.template.spec;

/** Synthesizes, returning the objects or the error message (asserting it is the library's error). */
function outcome(declare: (chart: Chart) => void): { objects?: any[]; error?: string } {
  const chart = Testing.chart();
  declare(chart);
  try {
    return { objects: Testing.synth(chart) };
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return { error: (e as Error).message };
  }
}

// ------------------------------------------------------------------------------------------------
// The IWorkload surface

test('DistributedTraining: the job is the apiObject; status contract, pod templates and primary container per API', () => {
  const v2 = training();
  expect(WorkloadBase.isWorkload(v2)).toBe(true);
  expect(v2.apiObject.kind).toBe('TrainJob');
  expect(v2.node.defaultChild).toBe(v2.apiObject);
  expect(v2.primaryContainerName).toBe('node');
  expect(v2.statusContract.succeeded).toEqual(['Complete']);
  expect(v2.podTemplates).toHaveLength(1);
  expect(v2.supportingObjects).toEqual([]);

  const tf = training({ backend: V1, framework: TrainingFramework.tensorFlow() });
  expect([tf.apiObject.kind, tf.primaryContainerName, tf.statusContract.succeeded]).toEqual(['TFJob', 'tensorflow', ['Succeeded']]);
  const mpi = training({ backend: V1, framework: TrainingFramework.mpi({ slotsPerWorker: 1 }) });
  expect(mpi.primaryContainerName).toBe('mpi');
  expect(mpi.podTemplates).toHaveLength(2); // the workers' and the launcher's
});

test('FineTuning: the job is the apiObject, the PVC a supporting object', () => {
  const ft = fineTuning();
  expect(WorkloadBase.isWorkload(ft)).toBe(true);
  expect(ft.apiObject.kind).toBe('PyTorchJob');
  expect(ft.apiObject).toBe(ft.training.apiObject);
  expect(ft.supportingObjects.map(o => o.kind)).toEqual(['PersistentVolumeClaim']);
  expect(ft.primaryContainerName).toBe('pytorch');
  const v2 = fineTuning({ backend: TrainingBackend.trainerV2(), model: LLAMA });
  expect([v2.apiObject.kind, v2.primaryContainerName, v2.supportingObjects.length]).toEqual(['TrainJob', 'node', 0]);
});

test('metadata, pod labels and pod annotations from the shared props', () => {
  const chart = Testing.chart();
  training({ labels: { team: 'ml' }, annotations: { owner: 'ana' }, podLabels: { app: 'ddp' }, podAnnotations: { note: 'x' } }, chart);
  const [job] = synthValid(chart);
  expect(job.metadata).toEqual({ name: 'ddp', labels: { team: 'ml' }, annotations: { owner: 'ana' } });
  const pod = job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template;
  expect(pod.metadata).toEqual({ labels: { app: 'ddp' }, annotations: { note: 'x' } });
});

// ------------------------------------------------------------------------------------------------
// (a) changes after construction count

test('a placement change after construction reaches a TrainJob (v2), every v1 replica and the FineTuning master', () => {
  const chart = Testing.chart();
  const v2 = training({}, chart);
  const v1 = new DistributedTraining(chart, 'v1', { name: 'v1', image: IMAGE, backend: V1, workers: 2 });
  const ft = fineTuning({ workers: 2 }, chart);
  for (const t of [v2, v1, ft]) t.podTemplates[0].placement.selectNodeLabel('zone', 'a');
  const objects = synthValid(chart);
  expect(trainJobPod(objects.find(o => o.kind === 'TrainJob')).nodeSelector).toEqual({ zone: 'a' });
  const pytorch = objects.filter(o => o.kind === 'PyTorchJob');
  expect(pytorch).toHaveLength(2);
  for (const job of pytorch) {
    expect(job.spec.pytorchReplicaSpecs.Master.template.spec.nodeSelector).toEqual({ zone: 'a' });
    expect(job.spec.pytorchReplicaSpecs.Worker.template.spec.nodeSelector).toEqual({ zone: 'a' });
  }
});

test('the list of pod templates cannot be changed (a copy is returned), its templates can', () => {
  const t = training();
  t.podTemplates.push(t.podTemplates[0]);
  expect(t.podTemplates).toHaveLength(1);
  const ft = fineTuning();
  ft.podTemplates.pop();
  expect(ft.podTemplates).toHaveLength(1);
});

test('a container added after construction is rendered; an invalid change fails at synth with the library error', () => {
  const t = training({ backend: V1 });
  t.podTemplates[0].addContainer({ name: 'sidecar', image: 'repo/sidecar:1' });
  const [job] = synthValid(Chart.of(t));
  expect(job.spec.pytorchReplicaSpecs.Master.template.spec.containers.map((c: any) => c.name)).toEqual(['pytorch', 'sidecar']);

  const bad = training();
  bad.podTemplates[0].placement.selectNodeLabel('bad key', 'a');
  expectValidationError(() => Testing.synth(Chart.of(bad)),
    /^\[test\/train\] placement\.nodeSelector: 'bad key' is not valid; node selector keys are label keys/);
});

// ------------------------------------------------------------------------------------------------
// (b) declaration order does not change any result

test('a GPU training without a pool, declared before or after the GpuNodePool: the same error', () => {
  const message = "[test/train] pool: undefined is not valid; the pods request 1 nvidia.com/gpu but are placed on no node pool; pass one of 'gpu'";
  const before = outcome(chart => {
    training({ resourcesPerWorker: gpus(1) }, chart);
    new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  });
  const after = outcome(chart => {
    new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
    training({ resourcesPerWorker: gpus(1) }, chart);
  });
  expect(before).toEqual({ error: message });
  expect(after).toEqual({ error: message });
  const ft = (chart: Chart) => fineTuning({ resourcesPerWorker: gpus(1) }, chart);
  const ftMessage = message.replace('[test/train]', '[test/ft]');
  expect(outcome(chart => { ft(chart); new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass }); })).toEqual({ error: ftMessage });
  expect(outcome(chart => { new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass }); ft(chart); })).toEqual({ error: ftMessage });
});

describe('time-sliced training and the NvidiaDevicePlugin', () => {
  const shared = (chart: Chart) => new GpuNodePool(chart, 'shared', { instances: GpuInstances.families(['g6']), nodeClass });
  const sorted = (objects: any[]) => [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));

  test.each([
    ['DistributedTraining v2', (chart: Chart, pool: GpuNodePool, accelerator: Accelerator) => training({ resourcesPerWorker: { accelerator }, pool }, chart)],
    ['DistributedTraining v1', (chart: Chart, pool: GpuNodePool, accelerator: Accelerator) => training({ backend: V1, resourcesPerWorker: { accelerator }, pool }, chart)],
    ['FineTuning', (chart: Chart, pool: GpuNodePool, accelerator: Accelerator) => fineTuning({ resourcesPerWorker: { accelerator }, pool }, chart)],
  ])('%s declared before or after the device plugin: the same objects, or the same error', (_name, declare) => {
    const timeSliced = Accelerator.nvidia({ sharing: GpuSharing.TIME_SLICING });
    const before = outcome(chart => {
      const pool = shared(chart);
      declare(chart, pool, timeSliced);
      new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
    });
    const after = outcome(chart => {
      const pool = shared(chart);
      new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
      declare(chart, pool, timeSliced);
    });
    expect(before.error).toBeUndefined();
    expect(sorted(before.objects!)).toEqual(sorted(after.objects!));

    const whole = Accelerator.nvidia();
    const wholeBefore = outcome(chart => {
      const pool = shared(chart);
      declare(chart, pool, whole);
      new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
    });
    const wholeAfter = outcome(chart => {
      const pool = shared(chart);
      new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
      declare(chart, pool, whole);
    });
    expect(wholeBefore.error).toMatch(/^\[test\/(train|ft)\] resourcesPerWorker\.accelerator\.resourceName: 'nvidia.com\/gpu' is not valid; node pool 'shared' offers 'nvidia.com\/gpu.shared'; place the workload on a pool that offers 'nvidia.com\/gpu'$/);
    expect(wholeAfter).toEqual(wholeBefore);
  });
});

// ------------------------------------------------------------------------------------------------
// (c) a WorkloadTemplate renders what the app synthesizes

describe('rendered in a WorkloadTemplate (same chart id and namespace) equals the app\'s synth', () => {
  const cases: Array<[string, (chart: Chart) => void]> = [
    ['DistributedTraining v2', c => new DistributedTraining(c, 'train', {
      name: 'ddp', image: IMAGE, workers: 2, resourcesPerWorker: gpus(2), checkpoints: { volume: PodVolume.fromPersistentVolumeClaim('ckpt', 'ckpt') },
    })],
    ['DistributedTraining v1 MPI', c => new DistributedTraining(c, 'train', {
      name: 'mpi', image: IMAGE, backend: TrainingBackend.trainingOperatorV1({ backoffLimit: 1 }), framework: TrainingFramework.mpi({ slotsPerWorker: 2 }), workers: 2,
    })],
    ['FineTuning v1', c => new FineTuning(c, 'ft', { name: 'bert', model: BERT, dataset: YELP, workers: 2, hfToken: EnvVarValue.fromSecretKey('hf', 'token') })],
    ['FineTuning v2', c => new FineTuning(c, 'ft', { name: 'llama', backend: TrainingBackend.trainerV2(), model: LLAMA, dataset: YELP })],
  ];
  test.each(cases)('%s', (_name, declare) => {
    const chart = new Chart(Testing.app(), 'team', { namespace: 'ml' });
    declare(chart);
    const emitted = Testing.synth(chart);
    const template = new WorkloadTemplate({ chartId: 'team', namespace: 'ml' });
    declare(template.scope as Chart);
    const { primary, supporting } = template.render();
    expect([...supporting, primary]).toEqual(emitted);
  });
});

// ------------------------------------------------------------------------------------------------
// (d) errors name the props the user wrote

test('errors in the workers\' pods name DistributedTraining props', () => {
  expectValidationError(() => training({ env: { HF_TOKEN: EnvVarValue.fromValue('hf_abc') } }),
    /^\[test\/train\] env\.HF_TOKEN: 'HF_TOKEN=<literal>' is not valid; looks like a credential; reference it with EnvVarValue\.fromSecretKey\(secretName, key\) instead of inlining it$/);
  expectValidationError(() => training({ resourcesPerWorker: { accelerator: Accelerator.nvidia({ count: 0 }) } }),
    /^\[test\/train\] resourcesPerWorker\.accelerator\.count: 0 is not valid; must be an integer of at least 1$/);
  expectValidationError(() => training({ backend: V1, security: { runAsUser: 0 } }),
    /^\[test\/train\] security\.runAsUser: 0 is not valid; the restricted Pod Security Standard forbids running as root \(uid 0\)$/);
  expectValidationError(() => training({ image: 'not an image', backend: V1 }),
    "[test/train] image: 'not an image' is not valid; must be an image reference such as 'registry.example.com/team/trainer:1.4.2' or 'repo/name@sha256:<digest>'");
  expectValidationError(() => training({ podLabels: { 'bad key': 'x' } }),
    /^\[test\/train\] podLabels\.bad key: 'bad key' is not valid; label keys are '\[dns-subdomain\/\]name' with a name of at most 63 alphanumerics, '-', '_' or '\.'$/);
  expectValidationError(() => training({ backend: V1, framework: TrainingFramework.mpi({ slotsPerWorker: 1 }), env: { API_KEY: EnvVarValue.fromValue('k') } }),
    /^\[test\/train\] env\.API_KEY: 'API_KEY=<literal>' is not valid; looks like a credential/);
});

test('error: an env var the construct sets from another prop (CHECKPOINT_DIR with checkpoints)', () => {
  const checkpoints = { volume: PodVolume.fromPersistentVolumeClaim('ckpt', 'ckpt'), path: '/ckpt' };
  expectValidationError(() => training({ checkpoints, env: { CHECKPOINT_DIR: EnvVarValue.fromValue('/elsewhere') } }),
    /^\[test\/train\] env\.CHECKPOINT_DIR: '\/elsewhere' is not valid; is set to the checkpoint path \(\/ckpt\) when checkpoints is set; remove it from env, or set checkpoints\.path$/);
  // without checkpoints the variable is the user's
  const [job] = synthValid(Chart.of(training({ env: { CHECKPOINT_DIR: EnvVarValue.fromValue('/elsewhere') } })));
  expect(job.spec.trainer.env).toEqual([{ name: 'CHECKPOINT_DIR', value: '/elsewhere' }]);
});

test('errors of the backend options name backend.*', () => {
  expectValidationError(() => training({ backend: TrainingBackend.trainingOperatorV1({ backoffLimit: -1 }) }),
    /^\[test\/train\] backend\.backoffLimit: -1 is not valid; must be an integer from 0 to 2147483647$/);
  expectValidationError(() => training({ backend: TrainingBackend.trainingOperatorV1({ gangScheduling: { minAvailable: 0 } }) }),
    /^\[test\/train\] backend\.gangScheduling\.minAvailable: 0 is not valid; must be an integer from 1 to 2147483647$/);
  expectValidationError(() => training({ backend: TrainingBackend.trainingOperatorV1({ ttlAfterFinished: Duration.millis(10) }) }),
    /^\[test\/train\] backend\.ttlAfterFinished: '10ms' is not valid; must be a whole number of seconds$/);
  expectValidationError(() => training({ backend: TrainingBackend.trainerV2({ datasetInitializer: { storageUri: 'tatsu-lab/alpaca' }, runtime: TrainingRuntimeRef.builtIn('torchtune-llama3.2-1b') }) }),
    /^\[test\/train\] backend\.datasetInitializer\.storageUri: 'tatsu-lab\/alpaca' is not valid; must be a URI such as 'hf:\/\/org\/name' or 's3:\/\/bucket\/prefix'$/);
  expectValidationError(() => training({ backend: TrainingBackend.trainerV2({ modelInitializer: { storageUri: 'hf://a/b', secretName: 'Bad' }, runtime: TrainingRuntimeRef.builtIn('torchtune-llama3.2-1b') }) }),
    "[test/train] backend.modelInitializer.secretName: 'Bad' is not valid; must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
  expectValidationError(() => training({
    backend: TrainingBackend.trainerV2({
      runtime: TrainingRuntimeRef.builtIn('torchtune-llama3.2-1b'), modelInitializer: { storageUri: 'hf://a/b', env: { HF_TOKEN: EnvVarValue.fromValue('t') } },
    }),
  }), /^\[test\/train\] backend\.modelInitializer\.env\.HF_TOKEN: 'HF_TOKEN=<literal>' is not valid; looks like a credential/);
});

test('initializer env reaches the TrainJob', () => {
  const token = EnvVarValue.fromSecretKey('hf', 'token');
  const [job] = synthValid(Chart.of(training({
    backend: TrainingBackend.trainerV2({
      runtime: TrainingRuntimeRef.builtIn('torchtune-llama3.2-1b'),
      modelInitializer: { storageUri: 'hf://a/b', env: { HF_TOKEN: token }, secretName: 'aws' },
    }),
  })));
  expect(job.spec.initializer.model).toEqual({
    storageUri: 'hf://a/b', env: [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }], secretRef: { name: 'aws' },
  });
});

test('FineTuning errors name the FineTuning and its props, also when the composed job finds them', () => {
  expectValidationError(() => fineTuning({ name: '1st' }),
    /^\[test\/ft\] name: '1st' is not valid; training job names are RFC 1035 labels/);
  expectValidationError(() => fineTuning({ trainerImage: 'not an image' }),
    "[test/ft] trainerImage: 'not an image' is not valid; must be an image reference such as 'registry.example.com/team/trainer:1.4.2' or 'repo/name@sha256:<digest>'");
  expectValidationError(() => fineTuning({ storageInitializerImage: 'not an image' }),
    "[test/ft] storageInitializerImage: 'not an image' is not valid; must be an image reference such as 'registry.example.com/team/trainer:1.4.2' or 'repo/name@sha256:<digest>'");
  expectValidationError(() => fineTuning({ hfToken: EnvVarValue.fromValue('hf_abc') }),
    /^\[test\/ft\] hfToken: 'HF_TOKEN=<literal>' is not valid; looks like a credential; reference it with EnvVarValue\.fromSecretKey\(secretName, key\) instead of inlining it$/);
  expectValidationError(() => fineTuning({ backend: TrainingBackend.trainerV2(), model: LLAMA, hfToken: EnvVarValue.fromValue('hf_abc') }),
    /^\[test\/ft\] hfToken: 'HF_TOKEN=<literal>' is not valid; looks like a credential/);
  expectValidationError(() => fineTuning({ resourcesPerWorker: { accelerator: Accelerator.nvidia({ count: 0 }) } }),
    /^\[test\/ft\] resourcesPerWorker\.accelerator\.count: 0 is not valid; must be an integer of at least 1$/);
  expectValidationError(() => fineTuning({ env: { WANDB_API_KEY: EnvVarValue.fromValue('k') } }),
    /^\[test\/ft\] env\.WANDB_API_KEY: 'WANDB_API_KEY=<literal>' is not valid; looks like a credential/);
  expectValidationError(() => fineTuning({ security: { runAsUser: 0 } }),
    /^\[test\/ft\] security\.runAsUser: 0 is not valid; the restricted Pod Security Standard forbids running as root \(uid 0\)$/);
  expectValidationError(() => fineTuning({ backend: TrainingBackend.trainerV2({ datasetInitializer: { storageUri: 'hf://x/y' } }), model: LLAMA }),
    /^\[test\/ft\] backend\.datasetInitializer: 'hf:\/\/x\/y' is not valid; FineTuning downloads the model and dataset it is given; set model and dataset$/);
  const chart = Testing.chart();
  const queue = new BatchQueue(chart, 'q', {
    name: 'cpu', resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } }), quotas: [ResourceQuota.cpu('8')] }] }],
  }).addLocalQueue('ml');
  expectValidationError(() => fineTuning({ queue }, chart),
    /^\[test\/ft\] queue: 'cpu' is not valid; Kueue manages kubeflow.org\/PyTorchJob only when the integration 'kubeflow.org\/pytorchjob' is enabled \(it is not by default\); enable it on ClusterQueue 'cpu' \(integrations\) and in the Kueue configuration, or render with TrainingBackend\.trainerV2\(\)$/);
});

test('FineTuning on the Training Operator v1 takes the run policy options; the SDK output stays when unset', () => {
  const [, job] = synthValid(Chart.of(fineTuning({
    backend: TrainingBackend.trainingOperatorV1({ backoffLimit: 2, ttlAfterFinished: Duration.hours(1) }),
  })));
  expect(job.spec.runPolicy).toEqual({ backoffLimit: 2, ttlSecondsAfterFinished: 3600 });
  expect(job.spec.pytorchReplicaSpecs.Master.restartPolicy).toBeUndefined();
  const [, sdk] = synthValid(Chart.of(fineTuning()));
  expect(sdk.spec.runPolicy).toEqual({});
});
