/**
 * User-defined Kubeflow Trainer v2 runtimes (Trainer v2.3.0 with JobSet v0.12.0 installed):
 *
 * - a namespaced TrainingRuntime for the ml-team namespace: a PyTorch trainer on a GPU pool, with dataset and
 *   model initializers that download into a per-TrainJob `/workspace` claim before training, and JobSet restarts;
 *   a supervised fine-tuning TrainJob runs on it through a Kueue queue;
 * - a ClusterTrainingRuntime for DeepSpeed over MPI (nodes run sshd as a non-root user, the launcher runs
 *   mpirun; the image, built on `ghcr.io/kubeflow/trainer/deepspeed-runtime`, holds the code), used by a TrainJob
 *   of another namespace.
 *
 * Every pod meets the restricted Pod Security Standard.
 *
 *   npm run synth -- trainjob-custom-runtime
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, BatchQueue, ClusterTrainingRuntime, DistributedTraining, EnvVarValue, GpuInstances, GpuNodePool, MlPolicy, ContainerProbe,
  QueueFlavors, ResourceQuota, StorageAccessMode, TrainingBackend, TrainingRuntime,
} from '../../src';

export class TrainJobCustomRuntimeChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const pool = new GpuNodePool(this, 'h100', {
      instances: GpuInstances.families(['p5']),
      gpuLimit: 32,
      nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod' },
    });
    const queue = new BatchQueue(this, 'queue', {
      name: 'llm',
      resourceGroups: [{
        flavors: [{ flavor: QueueFlavors.forPool(pool), quotas: [ResourceQuota.cpu('384'), ResourceQuota.memory('4Ti'), ResourceQuota.nvidiaGpus(32)] }],
      }],
    }).addLocalQueue('ml-team');
    const hfToken = EnvVarValue.fromSecretKey('hf-token', 'token');
    const gpuNode = { cpu: Cpu.units(32), memory: Size.gibibytes(512), accelerator: Accelerator.nvidia({ count: 8 }) };

    // the team's own runtime: initializers fill /workspace, then two GPU nodes run torchrun
    const sft = new TrainingRuntime(this, 'sft-runtime', {
      name: 'torch-sft',
      namespace: 'ml-team',
      numNodes: 2,
      trainer: {
        image: 'ghcr.io/example/llm-sft:2.1.0',
        command: ['torchrun', '/app/sft.py', '--model-dir=/workspace/model', '--data-dir=/workspace/dataset'],
        resources: gpuNode,
      },
      datasetInitializer: { env: { HF_TOKEN: hfToken } },
      modelInitializer: { env: { HF_TOKEN: hfToken } },
      workspace: { size: Size.gibibytes(200), accessModes: [StorageAccessMode.READ_WRITE_MANY], storageClassName: 'efs-sc' },
      maxRestarts: 2,
      pool,
    });

    new DistributedTraining(this, 'sft', {
      name: 'llama-sft',
      backend: TrainingBackend.trainerV2({
        runtime: sft,
        datasetInitializer: { storageUri: 'hf://tatsu-lab/alpaca', secretName: 'hf-token' },
        modelInitializer: { storageUri: 'hf://meta-llama/Llama-3.1-8B-Instruct', secretName: 'hf-token' },
      }),
      workers: 2,
      resourcesPerWorker: gpuNode,
      activeDeadline: Duration.hours(12),
      pool,
      queue,
    });

    // a DeepSpeed runtime for every namespace, as the built-in deepspeed-distributed but restricted
    const deepspeed = new ClusterTrainingRuntime(this, 'deepspeed-runtime', {
      name: 'deepspeed-restricted',
      frameworkLabel: 'deepspeed',
      mlPolicy: MlPolicy.mpi({ numProcPerNode: 8 }),
      trainer: {
        // the training code lives in the runtime image: a TrainJob's image replaces only the launcher's
        image: 'ghcr.io/example/deepspeed-pretrain:0.9.0',
        command: ['/usr/sbin/sshd'],
        args: ['-De', '-f', '/home/mpiuser/.sshd_config'],
        readiness: ContainerProbe.tcpSocket(2222, { initialDelay: Duration.seconds(5) }),
        resources: gpuNode,
      },
      pool,
    });

    new DistributedTraining(this, 'ds', {
      name: 'deepspeed-pretrain',
      namespace: 'research',
      backend: TrainingBackend.trainerV2({ runtime: deepspeed }),
      command: ['mpirun', '--hostfile', '/etc/mpi/hostfile', 'python3', '/app/pretrain.py', '--deepspeed'],
      workers: 4,
      resourcesPerWorker: gpuNode,
      pool,
    });
  }
}

const app = new App();
new TrainJobCustomRuntimeChart(app, 'trainjob-custom-runtime');
app.synth();
