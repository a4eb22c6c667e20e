import { Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, BatchQueue, CleanPodPolicy, DistributedTraining, DistributedTrainingProps, EnvVarValue, GpuInstances, GpuNodePool,
  KueueIntegration, KueueIntegrations, QueueFlavors, ReplicaRestartPolicy, ResourceQuota, StatusSource, TrainingBackend, TrainingFramework,
  TrainingRuntimeRef, PodVolume,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

const IMAGE = 'ghcr.io/example/ddp:1.0.0';
const V1 = TrainingBackend.trainingOperatorV1();
const gpus = (count: number) => ({ cpu: Cpu.units(8), memory: Size.gibibytes(32), accelerator: Accelerator.nvidia({ count }) });

function synth(props: Partial<DistributedTrainingProps>): any {
  const chart = Testing.chart();
  new DistributedTraining(chart, 'train', { name: 'ddp', image: IMAGE, ...props });
  return synthValid(chart);
}

function build(props: Partial<DistributedTrainingProps>): DistributedTraining {
  return new DistributedTraining(Testing.chart(), 'train', { name: 'ddp', image: IMAGE, ...props });
}

// ------------------------------------------------------------------------------------------------
// Trainer v2 (default)

test('default rendering is a TrainJob on the torch-distributed runtime, with restricted pods and /dev/shm', () => {
  const [job] = synth({ command: ['torchrun', 'train.py'], workers: 4, processesPerWorker: 2, resourcesPerWorker: gpus(2) });
  expect(job.apiVersion).toBe('trainer.kubeflow.org/v1alpha1');
  expect(job.kind).toBe('TrainJob');
  expect(job.spec.runtimeRef).toEqual({ name: 'torch-distributed', apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime' });
  expect(job.spec.trainer).toEqual({
    image: IMAGE,
    command: ['torchrun', 'train.py'],
    numNodes: 4,
    numProcPerNode: 2,
    resourcesPerNode: { requests: { cpu: '8', memory: '32Gi' }, limits: { 'memory': '32Gi', 'nvidia.com/gpu': '2' } },
  });
  const patch = job.spec.runtimePatches[0];
  expect(patch.manager).toBe('ai-platform.cdk8s.io/training');
  const [node] = patch.trainingRuntimeSpec.template.spec.replicatedJobs;
  expect(node.name).toBe('node');
  const pod = node.template.spec.template.spec;
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.containers).toEqual([{
    name: 'node',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: false, runAsNonRoot: true },
    volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
  }]);
  expect(pod.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
});

test('v2: env, checkpoints, initializers, suspend and deadline', () => {
  const [job] = synth({
    backend: TrainingBackend.trainerV2({
      runtime: TrainingRuntimeRef.builtIn('torchtune-llama3.2-1b'),
      datasetInitializer: { storageUri: 'hf://tatsu-lab/alpaca', secretName: 'hf-token' },
      modelInitializer: { storageUri: 'hf://meta-llama/Llama-3.2-1B-Instruct' },
    }),
    env: { WANDB_API_KEY: EnvVarValue.fromSecretKey('wandb', 'key') },
    checkpoints: { volume: PodVolume.fromPersistentVolumeClaim('ckpt', 'checkpoints') },
    suspend: true,
    activeDeadline: Duration.hours(6),
  });
  expect(job.spec.initializer).toEqual({
    dataset: { storageUri: 'hf://tatsu-lab/alpaca', secretRef: { name: 'hf-token' } },
    model: { storageUri: 'hf://meta-llama/Llama-3.2-1B-Instruct' },
  });
  expect(job.spec.trainer.env).toEqual([
    { name: 'CHECKPOINT_DIR', value: '/mnt/checkpoints' },
    { name: 'WANDB_API_KEY', valueFrom: { secretKeyRef: { name: 'wandb', key: 'key' } } },
  ]);
  expect(job.spec.suspend).toBe(true);
  expect(job.spec.activeDeadlineSeconds).toBe(21600);
  const jobs = job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs;
  // every container of the runtime gets the restricted security context; only the trainer gets the volumes
  expect(jobs.map((j: any) => j.name)).toEqual(['dataset-initializer', 'model-initializer', 'node']);
  expect(jobs[0].template.spec.template.spec.volumes).toBeUndefined();
  expect(jobs[2].template.spec.template.spec.containers[0].volumeMounts).toEqual([
    { name: 'ckpt', mountPath: '/mnt/checkpoints' },
    { name: 'dshm', mountPath: '/dev/shm' },
  ]);
});

test('v2: frameworks pick their built-in runtime', () => {
  expect(synth({ framework: TrainingFramework.jax() })[0].spec.runtimeRef.name).toBe('jax-distributed');
  expect(synth({ framework: TrainingFramework.xgBoost() })[0].spec.runtimeRef.name).toBe('xgboost-distributed');
  const ds = synth({ framework: TrainingFramework.deepSpeed(), processesPerWorker: 4 })[0];
  expect(ds.spec.runtimeRef.name).toBe('deepspeed-distributed');
  expect(ds.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs.map((j: any) => j.name)).toEqual(['node', 'launcher']);
});

test('v2: a GPU pool places the trainer pods through the runtime patch; a queue labels the TrainJob', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'c', role: 'r' } });
  const queue = new BatchQueue(chart, 'q', {
    name: 'gpu',
    resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forPool(pool), quotas: [ResourceQuota.cpu('64'), ResourceQuota.nvidiaGpus(8)] }] }],
  }).addLocalQueue('ml');
  const t = new DistributedTraining(chart, 'train', { name: 'ddp', image: IMAGE, workers: 2, resourcesPerWorker: gpus(1), pool, queue });
  const job = synthValid(chart).find(o => o.kind === 'TrainJob');
  expect(job.metadata.labels).toEqual({ 'kueue.x-k8s.io/queue-name': 'gpu' });
  expect(job.metadata.namespace).toBe('ml');
  const pod = job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template;
  expect(pod.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
  expect(pod.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
  expect(pod.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
  expect(t.status).toEqual({
    contract: {
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'TrainJob',
      source: StatusSource.CONDITIONS,
      path: '.status.conditions',
      succeeded: ['Complete'],
      failed: ['Failed'],
      messagePath: '.status.conditions[?(@.type=="Failed")].message',
      completes: true,
    },
    name: 'ddp',
    namespace: 'ml',
  });
});

// ------------------------------------------------------------------------------------------------
// Training Operator v1

test('v1 PyTorchJob: Master + Workers, container pytorch, nprocPerNode, runPolicy', () => {
  const [job] = synth({
    backend: TrainingBackend.trainingOperatorV1({ backoffLimit: 2, ttlAfterFinished: Duration.days(1), cleanPodPolicy: CleanPodPolicy.RUNNING }),
    workers: 3,
    processesPerWorker: 4,
    resourcesPerWorker: gpus(4),
    activeDeadline: Duration.hours(2),
    suspend: true,
  });
  expect(job.apiVersion).toBe('kubeflow.org/v1');
  expect(job.kind).toBe('PyTorchJob');
  expect(job.spec.nprocPerNode).toBe('4');
  expect(Object.keys(job.spec.pytorchReplicaSpecs)).toEqual(['Master', 'Worker']);
  expect(job.spec.pytorchReplicaSpecs.Master.replicas).toBe(1);
  expect(job.spec.pytorchReplicaSpecs.Worker.replicas).toBe(2);
  expect(job.spec.pytorchReplicaSpecs.Worker.restartPolicy).toBe('OnFailure');
  const pod = job.spec.pytorchReplicaSpecs.Worker.template.spec;
  expect(pod.containers[0].name).toBe('pytorch');
  expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
  expect(pod.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
  expect(job.spec.runPolicy).toEqual({
    cleanPodPolicy: 'Running', ttlSecondsAfterFinished: 86400, activeDeadlineSeconds: 7200, backoffLimit: 2, suspend: true,
  });
});

test('v1 PyTorchJob: one worker is a lone Master; elastic jobs use Workers and an elastic policy', () => {
  expect(Object.keys(synth({ backend: V1 })[0].spec.pytorchReplicaSpecs)).toEqual(['Master']);
  const [elastic] = synth({
    backend: V1,
    workers: 2,
    framework: TrainingFramework.pyTorch({ elastic: { minWorkers: 1, maxWorkers: 4, maxRestarts: 3, rendezvousConfig: { join_timeout: '600' } } }),
  });
  expect(Object.keys(elastic.spec.pytorchReplicaSpecs)).toEqual(['Worker']);
  expect(elastic.spec.elasticPolicy).toEqual({
    minReplicas: 1, maxReplicas: 4, maxRestarts: 3, rdzvBackend: 'c10d', rdzvConf: [{ key: 'join_timeout', value: '600' }],
  });
});

test('v1 TFJob: Chief, PS, Worker and Evaluator with container tensorflow', () => {
  const [job] = synth({
    backend: TrainingBackend.trainingOperatorV1({ restartPolicy: ReplicaRestartPolicy.EXIT_CODE }),
    workers: 2,
    framework: TrainingFramework.tensorFlow({ chief: true, parameterServers: 2, evaluator: true }),
  });
  expect(job.kind).toBe('TFJob');
  const specs = job.spec.tfReplicaSpecs;
  const replicas = Object.fromEntries(Object.entries(specs).map(([k, v]: [string, any]) => [k, v.replicas]));
  expect(replicas).toEqual({ Chief: 1, PS: 2, Worker: 2, Evaluator: 1 });
  expect(specs.PS.restartPolicy).toBe('ExitCode');
  expect(specs.Worker.template.spec.containers[0].name).toBe('tensorflow');
  expect(specs.Worker.template.spec.volumes).toBeUndefined(); // no /dev/shm by default for TensorFlow
});

test('v1 MPIJob: Launcher without GPUs, Workers with slots', () => {
  const [job] = synth({ backend: V1, workers: 2, framework: TrainingFramework.mpi({ slotsPerWorker: 4 }), resourcesPerWorker: gpus(4) });
  expect(job.kind).toBe('MPIJob');
  expect(job.spec.slotsPerWorker).toBe(4);
  expect(job.spec.mpiReplicaSpecs.Launcher.replicas).toBe(1);
  expect(job.spec.mpiReplicaSpecs.Launcher.template.spec.containers[0].resources.limits).toEqual({ memory: '32Gi' });
  expect(job.spec.mpiReplicaSpecs.Worker.replicas).toBe(2);
  expect(job.spec.mpiReplicaSpecs.Worker.template.spec.containers[0].name).toBe('mpi');
  // The launcher's kubexec.sh runs `kubectl exec` with the launcher's ServiceAccount token; workers need none.
  expect(job.spec.mpiReplicaSpecs.Launcher.template.spec.automountServiceAccountToken).toBe(true);
  expect(job.spec.mpiReplicaSpecs.Launcher.template.spec.serviceAccountName).toBeUndefined();
  expect(job.spec.mpiReplicaSpecs.Worker.template.spec.automountServiceAccountToken).toBe(false);
});

test('v1 MPIJob: a given service account is left to its own token settings', () => {
  const [job] = synth({ backend: V1, framework: TrainingFramework.mpi({ slotsPerWorker: 1 }), serviceAccountName: 'mpi-launcher' });
  expect(job.spec.mpiReplicaSpecs.Launcher.template.spec.serviceAccountName).toBe('mpi-launcher');
  expect(job.spec.mpiReplicaSpecs.Launcher.template.spec.automountServiceAccountToken).toBeUndefined();
});

test('v1 XGBoostJob, JAXJob and PaddleJob', () => {
  const xgb = synth({ backend: V1, workers: 3, framework: TrainingFramework.xgBoost() })[0];
  expect([xgb.kind, xgb.spec.xgbReplicaSpecs.Master.replicas, xgb.spec.xgbReplicaSpecs.Worker.replicas]).toEqual(['XGBoostJob', 1, 2]);
  expect(xgb.spec.xgbReplicaSpecs.Master.template.spec.containers[0].name).toBe('xgboost');
  const jax = synth({ backend: V1, workers: 2, framework: TrainingFramework.jax() })[0];
  expect([jax.kind, jax.spec.jaxReplicaSpecs.Worker.replicas, jax.spec.jaxReplicaSpecs.Worker.template.spec.containers[0].name]).toEqual(['JAXJob', 2, 'jax']);
  const paddle = synth({ backend: V1, workers: 2, framework: TrainingFramework.paddle({ elastic: { minWorkers: 1, maxWorkers: 2 } }) })[0];
  expect(paddle.kind).toBe('PaddleJob');
  expect(paddle.spec.paddleReplicaSpecs.Worker.template.spec.containers[0].name).toBe('paddle');
  expect(paddle.spec.elasticPolicy).toEqual({ minReplicas: 1, maxReplicas: 2 });
});

test('v1 gang scheduling counts every pod by default', () => {
  const [job] = synth({ backend: TrainingBackend.trainingOperatorV1({ gangScheduling: { volcanoQueue: 'research', scheduleTimeout: Duration.minutes(5) } }), workers: 4 });
  expect(job.spec.runPolicy.schedulingPolicy).toEqual({ minAvailable: 4, queue: 'research', scheduleTimeoutSeconds: 300 });
});

test('v1 status contract reads conditions Succeeded/Failed', () => {
  const t = build({ backend: V1, namespace: 'ml' });
  expect(t.status).toEqual({
    contract: {
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      source: 'conditions',
      path: '.status.conditions',
      succeeded: ['Succeeded'],
      failed: ['Failed'],
      messagePath: '.status.conditions[?(@.type=="Failed")].message',
      completes: true,
    },
    name: 'ddp',
    namespace: 'ml',
  });
});

test('v1 jobs are queued when the ClusterQueue enables their Kueue integration', () => {
  const chart = Testing.chart();
  const queue = new BatchQueue(chart, 'q', {
    name: 'cpu',
    integrations: [...KueueIntegrations.defaults(), KueueIntegration.PYTORCH_JOB],
    resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } }), quotas: [ResourceQuota.cpu('64')] }] }],
  }).addLocalQueue('ml');
  new DistributedTraining(chart, 'train', { name: 'ddp', image: IMAGE, backend: V1, queue });
  const job = synthValid(chart).find(o => o.kind === 'PyTorchJob');
  expect(job.metadata).toEqual({ name: 'ddp', namespace: 'ml', labels: { 'kueue.x-k8s.io/queue-name': 'cpu' } });
});

// ------------------------------------------------------------------------------------------------
// Validation

test('error: zero workers', () => {
  expectValidationError(() => build({ workers: 0 }), /^\[test\/train\] workers: 0 is not valid; must be an integer from 1 to 2147483647$/);
});

test('error: more processes per worker than GPUs per worker', () => {
  expectValidationError(() => build({ processesPerWorker: 4, resourcesPerWorker: gpus(2) }),
    /^\[test\/train\] processesPerWorker: 4 is not valid; must not exceed the GPUs per worker \(2\): each process drives one GPU$/);
});

test('error: elastic minWorkers above maxWorkers', () => {
  expectValidationError(() => build({ backend: V1, framework: TrainingFramework.pyTorch({ elastic: { minWorkers: 4, maxWorkers: 2 } }) }),
    /^\[test\/train\] framework.elastic.minWorkers: 4 is not valid; must not exceed maxWorkers \(2\)$/);
});

test('error: workers outside the elastic range', () => {
  expectValidationError(() => build({ backend: V1, workers: 8, framework: TrainingFramework.pyTorch({ elastic: { minWorkers: 1, maxWorkers: 4 } }) }),
    /^\[test\/train\] workers: 8 is not valid; must be between the elastic minWorkers \(1\) and maxWorkers \(4\)$/);
});

test('error: MPI without slots', () => {
  expectValidationError(() => build({ backend: V1, framework: TrainingFramework.mpi() }),
    /^\[test\/train\] framework.slotsPerWorker: undefined is not valid; an MPI job needs the MPI slots \(processes\) per worker, usually the GPUs per worker$/);
});

test('error: a runtime name the pinned Trainer does not install', () => {
  expectValidationError(() => build({ backend: TrainingBackend.trainerV2({ runtime: TrainingRuntimeRef.builtIn('torch-distributed-v2') }) }),
    /^\[test\/train\] backend\.runtime: 'torch-distributed-v2' is not valid; Kubeflow Trainer 2\.3\.0 installs the ClusterTrainingRuntimes 'torch-distributed', .*'torchtune-qwen2\.5-1\.5b'; use TrainingRuntimeRef\.clusterRuntime\(\) for one installed separately$/);
});

test('error: framework options that exist only in the Training Operator v1, with Trainer v2', () => {
  expectValidationError(() => build({ framework: TrainingFramework.pyTorch({ elastic: { minWorkers: 1, maxWorkers: 2 } }) }),
    /^\[test\/train\] framework\.elastic: \{"minWorkers":1,"maxWorkers":2\} is not valid; exists only in the Training Operator v1 \(TrainingBackend\.trainingOperatorV1\(\)\); elasticity is configured in the runtime's mlPolicy$/);
  expectValidationError(() => build({ framework: TrainingFramework.tensorFlow({ parameterServers: 2 }), backend: TrainingBackend.trainerV2({ runtime: TrainingRuntimeRef.clusterRuntime('tf') }) }),
    /^\[test\/train\] framework\.parameterServers: 2 is not valid; exists only in the Training Operator v1 \(TrainingBackend\.trainingOperatorV1\(\)\); TensorFlow replica roles exist only in the Training Operator v1$/);
  expectValidationError(() => build({ framework: TrainingFramework.mpi({ slotsPerWorker: 2 }), backend: TrainingBackend.trainerV2({ runtime: TrainingRuntimeRef.builtIn('deepspeed-distributed') }) }),
    /^\[test\/train\] framework\.slotsPerWorker: 2 is not valid; exists only in the Training Operator v1 \(TrainingBackend\.trainingOperatorV1\(\)\); Trainer v2 MPI runtimes take processesPerWorker$/);
});

test('error: a framework without a kind or runtime in the chosen API', () => {
  expectValidationError(() => build({ backend: V1, framework: TrainingFramework.deepSpeed() }),
    /^\[test\/train\] framework: 'deepspeed' is not valid; the Training Operator v1 has no job kind for this framework; render with TrainingBackend\.trainerV2\(\)$/);
  expectValidationError(() => build({ framework: TrainingFramework.tensorFlow() }),
    /^\[test\/train\] backend\.runtime: undefined is not valid; Kubeflow Trainer has no built-in runtime for tensorflow; pass a TrainingRuntimeRef or render with TrainingBackend\.trainingOperatorV1\(\)$/);
});

test('error: processes per worker for a framework without the setting', () => {
  expectValidationError(() => build({ backend: V1, framework: TrainingFramework.mpi({ slotsPerWorker: 2 }), processesPerWorker: 2 }),
    /^\[test\/train\] processesPerWorker: 2 is not valid; mpi has no processes-per-worker setting; set TrainingFramework.mpi\(\{ slotsPerWorker \}\)$/);
});

test('error: v1 without an image', () => {
  expectValidationError(() => new DistributedTraining(Testing.chart(), 'train', { backend: V1 }),
    /^\[test\/train\] image: undefined is not valid; the Training Operator v1 needs the training image$/);
});

test('error: job names must be RFC 1035 labels', () => {
  expectValidationError(() => build({ name: '1st-run' }), /^\[test\/train\] name: '1st-run' is not valid; training job names are RFC 1035 labels/);
});

test('error: initializer on a runtime without an initializer job', () => {
  expectValidationError(() => build({ backend: TrainingBackend.trainerV2({ modelInitializer: { storageUri: 'hf://org/model' } }) }),
    /^\[test\/train\] backend\.modelInitializer: 'hf:\/\/org\/model' is not valid; runtime 'torch-distributed' has no model-initializer job$/);
});

test('error: queueing a v1 job whose Kueue integration is off (the default)', () => {
  const chart = Testing.chart();
  const queue = new BatchQueue(chart, 'q', {
    name: 'cpu', resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } }), quotas: [ResourceQuota.cpu('8')] }] }],
  }).addLocalQueue('ml');
  expectValidationError(() => new DistributedTraining(chart, 'train', { image: IMAGE, backend: V1, queue }),
    /^\[test\/train\] queue: 'cpu' is not valid; Kueue manages kubeflow.org\/PyTorchJob only when the integration 'kubeflow.org\/pytorchjob' is enabled \(it is not by default\); enable it on ClusterQueue 'cpu'/);
  expectValidationError(() => new DistributedTraining(chart, 'mpi', {
    image: IMAGE, backend: V1, queue, framework: TrainingFramework.mpi({ slotsPerWorker: 1 }),
  }), /^\[test\/mpi\] queue: 'cpu' is not valid; Kueue has no integration for kubeflow.org\/MPIJob/);
});

test('error: GPU workers without a pool when the app declares pools', () => {
  const chart = Testing.chart();
  new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'c', role: 'r' } });
  new DistributedTraining(chart, 'train', { image: IMAGE, resourcesPerWorker: gpus(1) });
  expect(() => Testing.synth(chart)).toThrow(/pool: undefined is not valid; the pods request 1 nvidia.com\/gpu but are placed on no node pool; pass one of 'gpu'/);
});

test('durations must be whole seconds (the project error, not a cdk8s one)', () => {
  expectValidationError(() => build({ backend: TrainingBackend.trainingOperatorV1({ ttlAfterFinished: Duration.millis(1500) }) }),
    /^\[test\/train\] backend\.ttlAfterFinished: '1500ms' is not valid; must be a whole number of seconds$/);
  expectValidationError(() => build({ activeDeadline: Duration.millis(500) }),
    /^\[test\/train\] activeDeadline: '500ms' is not valid; must be a whole number of seconds$/);
  expectValidationError(() => build({ backend: TrainingBackend.trainingOperatorV1({ gangScheduling: { scheduleTimeout: Duration.millis(2500) } }) }),
    /^\[test\/train\] backend\.gangScheduling\.scheduleTimeout: '2500ms' is not valid; must be a whole number of seconds$/);
});
