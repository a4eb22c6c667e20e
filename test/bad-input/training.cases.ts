import { Duration, Size } from 'cdk8s';
import { Cpu, ImagePullPolicy, Protocol } from 'cdk8s-plus-28';
import { BadInputCase, call, ref } from './harness';
import {
  Accelerator, BatchQueue, CleanPodPolicy, ClusterTrainingRuntime, ContainerProbe, DistributedTraining, EnvVarValue, FineTuning, GpuInstances,
  GpuNodePool, KueueIntegration, KueueIntegrations, LoraBias, MlPolicy, PodGroupPolicy, PodVolume, QueueFlavors, RendezvousBackend,
  ReplicaRestartPolicy, ReplicaRole, ResourceQuota, StorageAccessMode, TrainingBackend, TrainingFramework, TrainingRuntime, TransformerType,
} from '../../src';

const setup = (chart: any) => {
  const pool = new GpuNodePool(chart, 'pool', { instances: GpuInstances.families(['g6e']), gpuLimit: 64, nodeClass: { clusterName: 'c', role: 'r' } });
  const queue = new BatchQueue(chart, 'queue', {
    integrations: [...KueueIntegrations.defaults(), KueueIntegration.PYTORCH_JOB],
    resourceGroups: [{
      flavors: [{ flavor: QueueFlavors.forPool(pool), quotas: [ResourceQuota.cpu('512'), ResourceQuota.memory('4Ti'), ResourceQuota.nvidiaGpus(64)] }],
    }],
  }).addLocalQueue('ml-team');
  return { pool, queue };
};

const worker = () => ({
  workers: 2,
  processesPerWorker: 2,
  resourcesPerWorker: { cpu: Cpu.units(8), memory: Size.gibibytes(32), accelerator: call('Accelerator.nvidia', Accelerator.nvidia, { count: 2 }) },
  env: { WANDB_API_KEY: call('EnvVarValue.fromSecretKey', EnvVarValue.fromSecretKey, 'wandb', 'api-key') },
});

const v1: BadInputCase = {
  name: 'DistributedTraining (Training Operator v1, PyTorch elastic)',
  namespace: 'ml-team',
  setup,
  recipe: () => ({
    name: 'resnet-ddp',
    labels: { team: 'ml' },
    annotations: { 'example.com/owner': 'ml' },
    backend: call('TrainingBackend.trainingOperatorV1', TrainingBackend.trainingOperatorV1, {
      backoffLimit: 3,
      ttlAfterFinished: Duration.days(3),
      cleanPodPolicy: CleanPodPolicy.RUNNING,
      restartPolicy: ReplicaRestartPolicy.ON_FAILURE,
      podPriorityClassName: 'training',
    }),
    framework: call('TrainingFramework.pyTorch', TrainingFramework.pyTorch, {
      elastic: { minWorkers: 1, maxWorkers: 4, maxRestarts: 3, rendezvousBackend: RendezvousBackend.C10D, rendezvousPort: 29400 },
    }),
    image: 'ghcr.io/example/resnet-ddp:1.2.0',
    command: ['torchrun', 'train.py'],
    args: ['--epochs=30'],
    ...worker(),
    volumeMounts: [{ volume: call('PodVolume.fromPersistentVolumeClaim', PodVolume.fromPersistentVolumeClaim, 'imagenet', 'imagenet', true), path: '/data', readOnly: true }],
    checkpoints: { volume: call('PodVolume.fromPersistentVolumeClaim', PodVolume.fromPersistentVolumeClaim, 'ckpt', 'resnet-ckpt'), path: '/checkpoints' },
    activeDeadline: Duration.hours(24),
    suspend: false,
    pool: ref('pool'),
    queue: ref('queue'),
    security: { runAsUser: 1000 },
    sharedMemory: true,
    podLabels: { role: 'train' },
  }),
  build: (chart, props) => {
    new DistributedTraining(chart, 'job', props);
  },
};

const v1Gang: BadInputCase = {
  name: 'DistributedTraining (v1 TensorFlow, MPI, gang scheduling)',
  namespace: 'ml-team',
  recipe: () => ({
    tf: {
      backend: call('TrainingBackend.trainingOperatorV1', TrainingBackend.trainingOperatorV1, {
        gangScheduling: { minAvailable: 3, volcanoQueue: 'training', scheduleTimeout: Duration.minutes(10) },
      }),
      framework: call('TrainingFramework.tensorFlow', TrainingFramework.tensorFlow, { parameterServers: 1, chief: true, evaluator: false }),
      image: 'ghcr.io/example/tf:2.15',
      workers: 2,
    },
    mpi: {
      backend: call('TrainingBackend.trainingOperatorV1', TrainingBackend.trainingOperatorV1),
      framework: call('TrainingFramework.mpi', TrainingFramework.mpi, { slotsPerWorker: 2 }),
      image: 'ghcr.io/example/mpi:1.0',
      command: ['mpirun', 'python', 'train.py'],
      workers: 2,
    },
  }),
  build: (chart, p) => {
    new DistributedTraining(chart, 'tf', p.tf);
    new DistributedTraining(chart, 'mpi', p.mpi);
  },
};

const v2: BadInputCase = {
  name: 'DistributedTraining (Trainer v2, custom runtime)',
  namespace: 'ml-team',
  setup: chart => {
    const s = setup(chart);
    const runtime = new TrainingRuntime(chart, 'runtime', {
      name: 'torch-sft',
      numNodes: 2,
      trainer: { image: 'ghcr.io/example/llm-sft:2.1.0', command: ['torchrun', '/app/sft.py'] },
      datasetInitializer: {},
      modelInitializer: {},
      workspace: { size: Size.gibibytes(200), accessModes: [StorageAccessMode.READ_WRITE_MANY], storageClassName: 'efs-sc' },
    });
    return { ...s, runtime };
  },
  recipe: () => ({
    name: 'llama-sft',
    backend: call('TrainingBackend.trainerV2', TrainingBackend.trainerV2, {
      runtime: ref('runtime'),
      datasetInitializer: { storageUri: 'hf://tatsu-lab/alpaca', secretName: 'hf-token' },
      modelInitializer: { storageUri: 'hf://meta-llama/Llama-3.1-8B-Instruct', secretName: 'hf-token', env: { REVISION: call('EnvVarValue.fromValue', EnvVarValue.fromValue, 'main') } },
    }),
    ...worker(),
    activeDeadline: Duration.hours(12),
    pool: ref('pool'),
    queue: ref('queue'),
  }),
  build: (chart, props) => {
    new DistributedTraining(chart, 'job', props);
  },
};

const runtime: BadInputCase = {
  name: 'TrainingRuntime / ClusterTrainingRuntime',
  setup: chart => setup(chart),
  recipe: () => ({
    ns: {
      name: 'torch-sft',
      namespace: 'ml-team',
      numNodes: 2,
      mlPolicy: call('MlPolicy.torch', MlPolicy.torch, { numProcPerNode: 8 }),
      trainer: {
        image: 'ghcr.io/example/llm-sft:2.1.0',
        command: ['torchrun', '/app/sft.py'],
        resources: { cpu: Cpu.units(32), memory: Size.gibibytes(256), accelerator: call('Accelerator.nvidia', Accelerator.nvidia, { count: 4 }) },
      },
      datasetInitializer: { env: { HF_TOKEN: call('EnvVarValue.fromSecretKey', EnvVarValue.fromSecretKey, 'hf-token', 'token') } },
      modelInitializer: { image: 'ghcr.io/kubeflow/trainer/model-initializer:v2.1.0' },
      workspace: { size: Size.gibibytes(200), accessModes: [StorageAccessMode.READ_WRITE_MANY], storageClassName: 'efs-sc' },
      podGroupPolicy: call('PodGroupPolicy.coscheduling', PodGroupPolicy.coscheduling, { scheduleTimeout: Duration.seconds(120) }),
      maxRestarts: 2,
      labels: { team: 'ml' },
      pool: ref('pool'),
    },
    cluster: {
      name: 'deepspeed-restricted',
      frameworkLabel: 'deepspeed',
      mlPolicy: call('MlPolicy.mpi', MlPolicy.mpi, { numProcPerNode: 8 }),
      trainer: {
        image: 'ghcr.io/example/deepspeed:0.9.0',
        command: ['/usr/sbin/sshd'],
        args: ['-De'],
        readiness: call('ContainerProbe.tcpSocket', ContainerProbe.tcpSocket, 2222, { initialDelay: Duration.seconds(5) }),
      },
    },
  }),
  build: (chart, p) => {
    new TrainingRuntime(chart, 'ns', p.ns);
    new ClusterTrainingRuntime(chart, 'cluster', p.cluster);
  },
};

const fineTuning: BadInputCase = {
  name: 'FineTuning (v1 and Trainer v2)',
  namespace: 'ml-team',
  setup,
  recipe: () => ({
    v1: {
      name: 'fine-tune-bert',
      workers: 1,
      processesPerWorker: 1,
      model: { uri: 'hf://google-bert/bert-base-cased', transformerType: TransformerType.SEQUENCE_CLASSIFICATION, numLabels: 5 },
      storage: { size: Size.gibibytes(10), accessModes: [StorageAccessMode.READ_WRITE_ONCE], storageClassName: 'gp3' },
      dataset: { repoId: 'yelp_review_full', split: 'train[:3000]' },
      trainingArguments: { output_dir: '/workspace/out', do_eval: false, learning_rate: 0.0001 },
      lora: { r: 8, alpha: 8, dropout: 0.1, bias: LoraBias.NONE, targetModules: ['query', 'value'] },
      resourcesPerWorker: { cpu: Cpu.units(5), memory: Size.gibibytes(10), accelerator: call('Accelerator.nvidia', Accelerator.nvidia, { count: 1 }) },
      hfToken: call('EnvVarValue.fromSecretKey', EnvVarValue.fromSecretKey, 'hf-token', 'token'),
      pool: ref('pool'),
    },
    v2: {
      name: 'llama-lora',
      backend: call('TrainingBackend.trainerV2', TrainingBackend.trainerV2),
      model: { uri: 'hf://meta-llama/Llama-3.2-1B-Instruct' },
      dataset: { repoId: 'tatsu-lab/alpaca', split: 'train[:1000]' },
      lora: { r: 8, alpha: 16 },
      torchtuneOverrides: ['epochs=1'],
      resourcesPerWorker: { memory: Size.gibibytes(64), accelerator: call('Accelerator.nvidia', Accelerator.nvidia, { count: 1 }) },
      pool: ref('pool'),
      queue: ref('queue'),
    },
  }),
  build: (chart, p) => {
    new FineTuning(chart, 'v1', p.v1);
    new FineTuning(chart, 'v2', p.v2);
  },
};

const roles: BadInputCase = {
  name: 'DistributedTraining (per-role pods: MPI launcher, XGBoost master, TF parameter servers; Trainer v2 launcher env)',
  namespace: 'ml-team',
  setup,
  recipe: () => ({
    mpi: {
      backend: call('TrainingBackend.trainingOperatorV1', TrainingBackend.trainingOperatorV1),
      framework: call('TrainingFramework.mpi', TrainingFramework.mpi, { slotsPerWorker: 2 }),
      image: 'ghcr.io/example/horovod:0.28.1',
      imagePullPolicy: ImagePullPolicy.ALWAYS,
      workers: 2,
      resourcesPerWorker: { cpu: Cpu.units(8), memory: Size.gibibytes(32), accelerator: call('Accelerator.nvidia', Accelerator.nvidia, { count: 2 }) },
      pool: ref('pool'),
      roles: [{
        role: ReplicaRole.LAUNCHER,
        command: ['mpirun'],
        args: ['-np', '4', 'python', 'train.py'],
        env: { OMPI_MCA_btl: call('EnvVarValue.fromValue', EnvVarValue.fromValue, '^openib') },
        resources: { cpu: Cpu.units(1), memory: Size.gibibytes(2) },
        restartPolicy: ReplicaRestartPolicy.NEVER,
      }],
    },
    xgb: {
      backend: call('TrainingBackend.trainingOperatorV1', TrainingBackend.trainingOperatorV1),
      framework: call('TrainingFramework.xgBoost', TrainingFramework.xgBoost),
      image: 'ghcr.io/example/xgboost-iris:1.1',
      workers: 3,
      args: ['--job_type=Train'],
      ports: [{ number: 9991, name: 'xgboostjob-port', protocol: Protocol.TCP }],
      roles: [
        { role: ReplicaRole.MASTER, restartPolicy: ReplicaRestartPolicy.NEVER, args: ['--job_type=Train', '--model_path=/tmp/model'], ports: [{ number: 9991, name: 'xgboostjob-port' }] },
        { role: ReplicaRole.WORKER, restartPolicy: ReplicaRestartPolicy.EXIT_CODE },
      ],
    },
    tf: {
      backend: call('TrainingBackend.trainingOperatorV1', TrainingBackend.trainingOperatorV1),
      framework: call('TrainingFramework.tensorFlow', TrainingFramework.tensorFlow, { parameterServers: 2, chief: true }),
      image: 'ghcr.io/example/tf:2.15',
      workers: 2,
      resourcesPerWorker: { cpu: Cpu.units(8), memory: Size.gibibytes(32), accelerator: call('Accelerator.nvidia', Accelerator.nvidia, { count: 1 }) },
      pool: ref('pool'),
      roles: [{ role: ReplicaRole.PARAMETER_SERVER, resources: { cpu: Cpu.units(4), memory: Size.gibibytes(16) } }],
    },
    v2: {
      framework: call('TrainingFramework.deepSpeed', TrainingFramework.deepSpeed),
      image: 'ghcr.io/example/deepspeed:0.16.0',
      workers: 2,
      roles: [
        { role: ReplicaRole.LAUNCHER, env: { OMPI_MCA_btl: call('EnvVarValue.fromValue', EnvVarValue.fromValue, '^openib') } },
        { role: ReplicaRole.WORKER, env: { NCCL_DEBUG: call('EnvVarValue.fromValue', EnvVarValue.fromValue, 'INFO') } },
      ],
    },
  }),
  build: (chart, p) => {
    new DistributedTraining(chart, 'mpi', p.mpi);
    new DistributedTraining(chart, 'xgb', p.xgb);
    new DistributedTraining(chart, 'tf', p.tf);
    new DistributedTraining(chart, 'v2', p.v2);
  },
};

export const cases: BadInputCase[] = [v1, v1Gang, v2, runtime, fineTuning, roles];
