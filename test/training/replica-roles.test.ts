import { Size, Testing } from 'cdk8s';
import { Cpu, ImagePullPolicy, Protocol } from 'cdk8s-plus-28';
import {
  Accelerator, BatchQueue, DistributedTraining, DistributedTrainingProps, EnvVarValue, GpuInstances, GpuNodePool, KueueIntegration,
  KueueIntegrations, QueueFlavors, ReplicaRestartPolicy, ReplicaRole, ResourceQuota, TrainingBackend, TrainingFramework, TrainingRuntimeRef,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

const IMAGE = 'ghcr.io/example/trainer:1.0.0';
const V1 = TrainingBackend.trainingOperatorV1();
const MPI = TrainingFramework.mpi({ slotsPerWorker: 1 });
const gpus = (count: number) => ({ cpu: Cpu.units(8), memory: Size.gibibytes(32), accelerator: Accelerator.nvidia({ count }) });
const small = { cpu: Cpu.units(1), memory: Size.gibibytes(2) };

function build(props: Partial<DistributedTrainingProps>, chart = Testing.chart()): DistributedTraining {
  return new DistributedTraining(chart, 'train', { name: 'job', image: IMAGE, backend: V1, ...props });
}

function synth(props: Partial<DistributedTrainingProps>): any {
  const chart = Testing.chart();
  build(props, chart);
  return synthValid(chart)[0];
}

function gpuPool(chart: any) {
  return new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'c', role: 'r' } });
}

// ------------------------------------------------------------------------------------------------
// Training Operator v1

test('MPI: the launcher runs mpirun with small resources, the workers the shared spec', () => {
  const job = synth({
    framework: MPI,
    workers: 2,
    resourcesPerWorker: { cpu: Cpu.units(2), memory: Size.gibibytes(4) },
    roles: [{ role: ReplicaRole.LAUNCHER, command: ['mpirun'], args: ['-np', '2', 'python', '/examples/train.py'], resources: small }],
  });
  const { Launcher, Worker } = job.spec.mpiReplicaSpecs;
  expect(Launcher.replicas).toBe(1);
  expect(Launcher.template.spec.containers[0]).toMatchObject({
    name: 'mpi',
    image: IMAGE,
    command: ['mpirun'],
    args: ['-np', '2', 'python', '/examples/train.py'],
    resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } },
  });
  // the launcher still starts the ranks with kubectl exec: its token stays mounted
  expect(Launcher.template.spec.automountServiceAccountToken).toBe(true);
  expect(Worker.replicas).toBe(2);
  expect(Worker.template.spec.containers[0].command).toBeUndefined();
  expect(Worker.template.spec.containers[0].resources).toEqual({ requests: { cpu: '2', memory: '4Gi' }, limits: { memory: '4Gi' } });
  expect(Worker.template.spec.automountServiceAccountToken).toBe(false);
});

test('XGBoost: master and workers with their own restart policies, args, ports and the pull policy', () => {
  const port = [{ number: 9991, name: 'xgboostjob-port' }];
  const job = synth({
    framework: TrainingFramework.xgBoost(),
    workers: 3,
    imagePullPolicy: ImagePullPolicy.ALWAYS,
    ports: port,
    args: ['--job_type=Train', '--n_estimators=10'],
    roles: [
      { role: ReplicaRole.MASTER, restartPolicy: ReplicaRestartPolicy.NEVER, args: ['--job_type=Train', '--n_estimators=10', '--model_path=/tmp/model'] },
      { role: ReplicaRole.WORKER, restartPolicy: ReplicaRestartPolicy.EXIT_CODE },
    ],
  });
  const { Master, Worker } = job.spec.xgbReplicaSpecs;
  expect(Master.restartPolicy).toBe('Never');
  expect(Worker.restartPolicy).toBe('ExitCode');
  expect(Master.template.spec.containers[0]).toMatchObject({
    name: 'xgboost',
    imagePullPolicy: 'Always',
    ports: [{ containerPort: 9991, name: 'xgboostjob-port' }],
    args: ['--job_type=Train', '--n_estimators=10', '--model_path=/tmp/model'],
  });
  expect(Worker.template.spec.containers[0]).toMatchObject({
    imagePullPolicy: 'Always', ports: [{ containerPort: 9991, name: 'xgboostjob-port' }], args: ['--job_type=Train', '--n_estimators=10'],
  });
  expect(Worker.replicas).toBe(2);
});

test('a restart policy alone changes the replica spec, not the pods; a role that changes its pods gets its own template', () => {
  const same = build({
    framework: TrainingFramework.xgBoost(), workers: 2, roles: [{ role: ReplicaRole.MASTER, restartPolicy: ReplicaRestartPolicy.NEVER }],
  });
  expect(same.podTemplates).toHaveLength(1);
  const own = build({ framework: TrainingFramework.xgBoost(), workers: 2, roles: [{ role: ReplicaRole.MASTER, args: ['--master'] }] });
  expect(own.podTemplates).toHaveLength(2);
  expect(own.podTemplates[0].containers[0].args).toBeUndefined(); // the workers' first
  expect(own.podTemplates[1].containers[0].args).toEqual(['--master']);
});

test('a role env adds to the shared env, and its value wins', () => {
  const job = synth({
    framework: TrainingFramework.pyTorch(),
    workers: 2,
    env: { A: EnvVarValue.fromValue('shared'), B: EnvVarValue.fromValue('shared') },
    roles: [{ role: ReplicaRole.MASTER, env: { B: EnvVarValue.fromValue('master'), C: EnvVarValue.fromSecretKey('s', 'k') } }],
  });
  const { Master, Worker } = job.spec.pytorchReplicaSpecs;
  expect(Master.template.spec.containers[0].env).toEqual([
    { name: 'A', value: 'shared' }, { name: 'B', value: 'master' }, { name: 'C', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
  ]);
  expect(Worker.template.spec.containers[0].env).toEqual([{ name: 'A', value: 'shared' }, { name: 'B', value: 'shared' }]);
});

test('TFJob: CPU parameter servers stay off the GPU pool; chief, evaluator and workers are placed on it', () => {
  const chart = Testing.chart();
  const pool = gpuPool(chart);
  const t = build({
    framework: TrainingFramework.tensorFlow({ chief: true, parameterServers: 2, evaluator: true }),
    workers: 2,
    resourcesPerWorker: gpus(1),
    pool,
    roles: [{ role: ReplicaRole.PARAMETER_SERVER, resources: { cpu: Cpu.units(4), memory: Size.gibibytes(16) } }],
  }, chart);
  const job = synthValid(chart).find(o => o.kind === 'TFJob');
  const specs = job.spec.tfReplicaSpecs;
  expect(Object.keys(specs).sort()).toEqual(['Chief', 'Evaluator', 'PS', 'Worker']);
  for (const role of ['Chief', 'Worker', 'Evaluator']) {
    expect(specs[role].template.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
    expect(specs[role].template.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
  }
  expect(specs.PS.template.spec.nodeSelector).toBeUndefined();
  expect(specs.PS.template.spec.tolerations).toBeUndefined();
  expect(specs.PS.template.spec.containers[0].resources).toEqual({ requests: { cpu: '4', memory: '16Gi' }, limits: { memory: '16Gi' } });
  expect(t.podTemplates).toHaveLength(2);
});

test('a role that requests accelerators goes on the job pool; a role pool places the role elsewhere', () => {
  const chart = Testing.chart();
  const pool = gpuPool(chart);
  const other = new GpuNodePool(chart, 'big', { instances: GpuInstances.families(['p4d']), nodeClass: { clusterName: 'c', role: 'r' } });
  build({
    framework: MPI,
    resourcesPerWorker: gpus(1),
    pool,
    roles: [{ role: ReplicaRole.LAUNCHER, resources: gpus(1), pool: other }],
  }, chart);
  const job = synthValid(chart).find(o => o.kind === 'MPIJob');
  expect(job.spec.mpiReplicaSpecs.Launcher.template.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'big' });
  expect(job.spec.mpiReplicaSpecs.Worker.template.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
});

test('the MPI launcher of a CPU job goes on the job pool with the workers', () => {
  const chart = Testing.chart();
  const pool = gpuPool(chart);
  build({ framework: MPI, resourcesPerWorker: small, pool }, chart);
  const job = synthValid(chart).find(o => o.kind === 'MPIJob');
  expect(job.spec.mpiReplicaSpecs.Launcher.template.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
  expect(job.spec.mpiReplicaSpecs.Worker.template.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
});

test('a GPU role without a pool is reported under the prop that placed it', () => {
  const chart = Testing.chart();
  gpuPool(chart);
  build({ framework: MPI, roles: [{ role: ReplicaRole.WORKER, resources: gpus(1) }] }, chart);
  expect(() => Testing.synth(chart)).toThrow(
    "[test/train] pool: undefined is not valid; the pods request 1 nvidia.com/gpu but are placed on no node pool; pass one of 'gpu'");
});

test('a ClusterQueue counts each role with its own resources', () => {
  const queueOf = (cpu: string) => {
    const chart = Testing.chart();
    const queue = new BatchQueue(chart, 'q', {
      name: 'cpu',
      integrations: [...KueueIntegrations.defaults(), KueueIntegration.XGBOOST_JOB],
      resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } }), quotas: [ResourceQuota.cpu(cpu)] }] }],
    }).addLocalQueue('ml');
    return { chart, queue };
  };
  const props = (queue: any): Partial<DistributedTrainingProps> => ({
    framework: TrainingFramework.xgBoost(),
    workers: 3,
    queue,
    resourcesPerWorker: { cpu: Cpu.units(4) },
    roles: [{ role: ReplicaRole.MASTER, resources: { cpu: Cpu.units(1) } }],
  });
  // master 1 + 2 workers × 4 = 9 CPUs: admissible with 9, refused with 8
  const fits = queueOf('9');
  build(props(fits.queue), fits.chart);
  expect(() => Testing.synth(fits.chart)).not.toThrow();
  const short = queueOf('8');
  build(props(short.queue), short.chart);
  expect(() => Testing.synth(short.chart)).toThrow(/the XGBoostJob requests 9 cpu in total over its 3 pods, but ClusterQueue 'cpu' can admit at most 8/);
});

test('processes per worker must not exceed the GPUs of a role', () => {
  expectValidationError(() => build({
    processesPerWorker: 2, workers: 2, resourcesPerWorker: gpus(2), roles: [{ role: ReplicaRole.MASTER, resources: gpus(1) }],
  }),
  '[test/train] processesPerWorker: 2 is not valid; must not exceed the GPUs per Master replica (1, roles[0].resources): each process drives one GPU');
});

test('TFJob and PaddleJob Master replicas', () => {
  const tf = synth({ framework: TrainingFramework.tensorFlow({ master: true }), roles: [{ role: ReplicaRole.MASTER, args: ['--master'] }] });
  expect(Object.keys(tf.spec.tfReplicaSpecs)).toEqual(['Master', 'Worker']);
  expect(tf.spec.tfReplicaSpecs.Master.template.spec.containers[0].args).toEqual(['--master']);
  const paddle = synth({
    framework: TrainingFramework.paddle({ master: true }),
    workers: 2,
    roles: [{ role: ReplicaRole.MASTER, ports: [{ number: 37777, name: 'master' }] }],
  });
  expect(paddle.spec.paddleReplicaSpecs.Master.replicas).toBe(1);
  expect(paddle.spec.paddleReplicaSpecs.Master.template.spec.containers[0].ports).toEqual([{ containerPort: 37777, name: 'master' }]);
  expect(paddle.spec.paddleReplicaSpecs.Worker.replicas).toBe(2);
  expect(paddle.spec.paddleReplicaSpecs.Worker.template.spec.containers[0].ports).toBeUndefined();
});

// ------------------------------------------------------------------------------------------------
// v1 validation

test.each([
  ['a role the kind does not have', { framework: TrainingFramework.pyTorch(), roles: [{ role: ReplicaRole.LAUNCHER }] },
    "[test/train] roles[0].role: 'Launcher' is not valid; a PyTorchJob has the roles 'Master', 'Worker'"],
  ['JAX has only workers', { framework: TrainingFramework.jax(), roles: [{ role: ReplicaRole.MASTER }] },
    "[test/train] roles[0].role: 'Master' is not valid; a JAXJob has the roles 'Worker'"],
  ['no Worker replicas with one worker', { workers: 1, roles: [{ role: ReplicaRole.WORKER, args: ['x'] }] },
    "[test/train] roles[0].role: 'Worker' is not valid; this PyTorchJob has no Worker replicas (its roles: 'Master'); with workers: 1 the job is only its Master; raise workers"],
  ['no Master in an elastic PyTorchJob', { framework: TrainingFramework.pyTorch({ elastic: { minWorkers: 1, maxWorkers: 2 } }), roles: [{ role: ReplicaRole.MASTER }] },
    "[test/train] roles[0].role: 'Master' is not valid; this PyTorchJob has no Master replicas (its roles: 'Worker'); an elastic PyTorchJob has only Worker replicas"],
  ['a TFJob without a chief', { framework: TrainingFramework.tensorFlow(), roles: [{ role: ReplicaRole.CHIEF }] },
    "[test/train] roles[0].role: 'Chief' is not valid; this TFJob has no Chief replicas (its roles: 'Worker'); add it with TrainingFramework.tensorFlow({ chief: true })"],
  ['a TFJob without parameter servers', { framework: TrainingFramework.tensorFlow(), roles: [{ role: ReplicaRole.PARAMETER_SERVER }] },
    "[test/train] roles[0].role: 'PS' is not valid; this TFJob has no PS replicas (its roles: 'Worker'); add them with TrainingFramework.tensorFlow({ parameterServers })"],
  ['a TFJob without an evaluator', { framework: TrainingFramework.tensorFlow(), roles: [{ role: ReplicaRole.EVALUATOR }] },
    "[test/train] roles[0].role: 'Evaluator' is not valid; this TFJob has no Evaluator replicas (its roles: 'Worker'); add it with TrainingFramework.tensorFlow({ evaluator: true })"],
  ['a TFJob without a master', { framework: TrainingFramework.tensorFlow(), roles: [{ role: ReplicaRole.MASTER }] },
    "[test/train] roles[0].role: 'Master' is not valid; this TFJob has no Master replicas (its roles: 'Worker'); add it with TrainingFramework.tensorFlow({ master: true })"],
  ['a PaddleJob without a master', { framework: TrainingFramework.paddle(), roles: [{ role: ReplicaRole.MASTER }] },
    "[test/train] roles[0].role: 'Master' is not valid; this PaddleJob has no Master replicas (its roles: 'Worker'); add it with TrainingFramework.paddle({ master: true })"],
  ['a role listed twice', { framework: MPI, roles: [{ role: ReplicaRole.LAUNCHER }, { role: ReplicaRole.LAUNCHER }] },
    "[test/train] roles[1].role: 'Launcher' is not valid; each role may be listed only once"],
  ['a role outside the enum', { roles: [{ role: 'Driver' as ReplicaRole }] },
    "[test/train] roles[0].role: 'Driver' is not valid; must be one of ReplicaRole: 'Master', 'Worker', 'Launcher', 'Chief', 'PS', 'Evaluator'"],
  ['a role without a role', { roles: [{} as any] },
    '[test/train] roles[0].role: undefined is not valid; required: must be one of ReplicaRole: \'Master\', \'Worker\', \'Launcher\', \'Chief\', \'PS\', \'Evaluator\''],
  ['a role that is not an object', { roles: ['Master' as any] },
    "[test/train] roles[0]: 'Master' is not valid; must be ReplicaRoleOptions: { role, command?, args?, env?, resources?, restartPolicy?, ports?, pool? }"],
  ['roles that are not a list', { roles: { role: ReplicaRole.MASTER } as any },
    '[test/train] roles: {"role":"Master"} is not valid; must be an array'],
  ['a restart policy outside the enum', { workers: 2, roles: [{ role: ReplicaRole.MASTER, restartPolicy: 'Sometimes' as ReplicaRestartPolicy }] },
    "[test/train] roles[0].restartPolicy: 'Sometimes' is not valid; must be one of ReplicaRestartPolicy: 'Always', 'OnFailure', 'Never', 'ExitCode'"],
  ['a command that is not a list of strings', { workers: 2, roles: [{ role: ReplicaRole.MASTER, command: 'python' as any }] },
    "[test/train] roles[0].command: 'python' is not valid; must be an array"],
  ['a pool that is not a node pool', { workers: 2, roles: [{ role: ReplicaRole.MASTER, pool: 'gpu' as any }] },
    "[test/train] roles[0].pool: 'gpu' is not valid; must be a node pool (INodePool), e.g. a GpuNodePool or ExistingGpuNodes"],
  ['a role port out of range', { workers: 2, roles: [{ role: ReplicaRole.MASTER, ports: [{ number: 70000 }] }] },
    '[test/train] roles[0].ports[0].number: 70000 is not valid; must be an integer from 1 to 65535'],
  ['a role port name that is not an IANA service name', { workers: 2, roles: [{ role: ReplicaRole.MASTER, ports: [{ number: 9991, name: 'XGB_PORT' }] }] },
    "[test/train] roles[0].ports[0].name: 'XGB_PORT' is not valid; port names are IANA service names: at most 15 lowercase letters, digits and single hyphens, with at least one letter"],
  ['a port out of range', { ports: [{ number: 0 }] },
    '[test/train] ports[0].number: 0 is not valid; must be an integer from 1 to 65535'],
  ['a port protocol outside the enum', { ports: [{ number: 9991, protocol: 'QUIC' as Protocol }] },
    "[test/train] ports[0].protocol: 'QUIC' is not valid; must be one of Protocol: 'TCP', 'UDP', 'SCTP'"],
  ['a pull policy outside the enum', { imagePullPolicy: 'Sometimes' as ImagePullPolicy },
    "[test/train] imagePullPolicy: 'Sometimes' is not valid; must be one of ImagePullPolicy: 'Always', 'IfNotPresent', 'Never'"],
  ['a TF master that is not a boolean', { framework: TrainingFramework.tensorFlow({ master: 'yes' as any }) },
    "[test/train] framework.master: 'yes' is not valid; must be true or false"],
  ['a Paddle master that is not a boolean', { framework: TrainingFramework.paddle({ master: 1 as any }) },
    '[test/train] framework.master: 1 is not valid; must be true or false'],
  ['a TFJob with both a chief and a master', { framework: TrainingFramework.tensorFlow({ chief: true, master: true }) },
    '[test/train] framework.master: true is not valid; a TFJob has a Chief or a Master replica, not both (the operator treats both as the chief)'],
])('v1 error: %s', (_, props, message) => {
  expectValidationError(() => build(props as Partial<DistributedTrainingProps>), message);
});

test('a role mistake found at render is named after the role prop', () => {
  expectValidationError(() => build({ workers: 2, roles: [{ role: ReplicaRole.MASTER, env: { X: 'plain' as any } }] }),
    "[test/train] roles[0].env.X: 'plain' is not valid; must be an EnvVarValue, e.g. EnvVarValue.fromValue('1') or EnvVarValue.fromSecretKey(secretName, key)");
  expectValidationError(() => build({
    workers: 2, roles: [{ role: ReplicaRole.MASTER, resources: { accelerator: Accelerator.nvidia({ count: 0 }) } }],
  }),
  /^\[test\/train\] roles\[0\]\.resources\.accelerator\.count: 0 is not valid/);
  expectValidationError(() => build({ workers: 2, roles: [{ role: ReplicaRole.MASTER, ports: [{ number: 1, name: 'a' }, { number: 2, name: 'a' }] }] }),
    "[test/train] roles[0].ports[1].name: 'a' is not valid; port names must be unique within a pod");
  // a mistake in the shared spec is named after the shared prop, even when a role's pods carry it too
  expectValidationError(() => build({ workers: 2, ports: [{ number: 1, name: 'a' }, { number: 1, name: 'b' }], roles: [{ role: ReplicaRole.MASTER, args: ['x'] }] }),
    '[test/train] ports[1].number: 1 is not valid; each port may be listed only once per protocol (TCP) in a container');
});

// ------------------------------------------------------------------------------------------------
// Trainer v2

test('v2: a role env lands on its replicated job through the runtime patch', () => {
  const chart = Testing.chart();
  new DistributedTraining(chart, 'train', {
    name: 'job',
    framework: TrainingFramework.deepSpeed(),
    env: { SHARED: EnvVarValue.fromValue('1') },
    roles: [
      { role: ReplicaRole.LAUNCHER, env: { OMPI_MCA_btl: EnvVarValue.fromValue('^openib') } },
      { role: ReplicaRole.WORKER, env: { NCCL_DEBUG: EnvVarValue.fromValue('INFO') } },
    ],
  });
  const [job] = synthValid(chart);
  expect(job.spec.trainer.env).toEqual([{ name: 'SHARED', value: '1' }]);
  const jobs = job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs;
  const env = (name: string) => jobs.find((j: any) => j.name === name).template.spec.template.spec.containers[0].env;
  expect(env('launcher')).toEqual([{ name: 'OMPI_MCA_btl', value: '^openib' }]);
  expect(env('node')).toEqual([{ name: 'NCCL_DEBUG', value: 'INFO' }]);
});

test.each([
  ['a v1-only role', { roles: [{ role: ReplicaRole.MASTER }] },
    "[test/train] roles[0].role: 'Master' is not valid; a TrainJob's roles are its runtime's replicated jobs: ReplicaRole.WORKER (the 'node' job) and "
    + "ReplicaRole.LAUNCHER (the 'launcher' job of MPI runtimes); other roles exist only in the Training Operator v1"],
  ['a launcher on a runtime without one', { roles: [{ role: ReplicaRole.LAUNCHER }] },
    "[test/train] roles[0].role: 'Launcher' is not valid; runtime 'torch-distributed' has no 'launcher' job (its jobs: 'node')"],
  ['a role command', { roles: [{ role: ReplicaRole.WORKER, command: ['python'] }] },
    '[test/train] roles[0].command: ["python"] is not valid; a Trainer v2.3.0 TrainJob can change only env per replicated job (runtimePatches); '
    + 'set the other settings in the runtime (TrainingRuntime), or render with TrainingBackend.trainingOperatorV1()'],
  ['a role restart policy', { roles: [{ role: ReplicaRole.WORKER, restartPolicy: ReplicaRestartPolicy.NEVER }] },
    "[test/train] roles[0].restartPolicy: 'Never' is not valid; a Trainer v2.3.0 TrainJob can change only env per replicated job (runtimePatches); "
    + 'set the other settings in the runtime (TrainingRuntime), or render with TrainingBackend.trainingOperatorV1()'],
  ['a role env the shared env also sets', { env: { X: EnvVarValue.fromValue('1') }, roles: [{ role: ReplicaRole.WORKER, env: { X: EnvVarValue.fromValue('2') } }] },
    "[test/train] roles[0].env.X: 'X' is not valid; is also in the job's env, which the TrainJob applies to the trainer's job itself; set it in one place"],
  ['a pull policy', { imagePullPolicy: ImagePullPolicy.ALWAYS },
    "[test/train] imagePullPolicy: 'Always' is not valid; a Trainer v2.3.0 TrainJob has no imagePullPolicy setting (neither trainer nor runtimePatches); "
    + "set it on the runtime's trainer container (TrainingRuntime trainer.imagePullPolicy), or render with TrainingBackend.trainingOperatorV1()"],
  ['ports', { ports: [{ number: 8080 }] },
    '[test/train] ports: [{"number":8080}] is not valid; a Trainer v2.3.0 TrainJob has no ports setting (neither trainer nor runtimePatches); '
    + "set it on the runtime's trainer container (TrainingRuntime trainer.ports), or render with TrainingBackend.trainingOperatorV1()"],
  ['a TensorFlow chief', { framework: TrainingFramework.tensorFlow({ chief: true }), backend: TrainingBackend.trainerV2({ runtime: TrainingRuntimeRef.clusterRuntime('tf') }) },
    '[test/train] framework.chief: true is not valid; exists only in the Training Operator v1 (TrainingBackend.trainingOperatorV1()); '
    + 'TensorFlow replica roles exist only in the Training Operator v1'],
  ['a Paddle master', { framework: TrainingFramework.paddle({ master: true }), backend: TrainingBackend.trainerV2({ runtime: TrainingRuntimeRef.clusterRuntime('paddle') }) },
    '[test/train] framework.master: true is not valid; exists only in the Training Operator v1 (TrainingBackend.trainingOperatorV1()); '
    + "replica roles other than the runtime's jobs exist only in the Training Operator v1"],
])('v2 error: %s', (_, props, message) => {
  expectValidationError(() => new DistributedTraining(Testing.chart(), 'train', {
    name: 'job', image: IMAGE, ...(props as Partial<DistributedTrainingProps>),
  }), message);
});
