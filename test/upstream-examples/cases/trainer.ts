import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { BatchQueue, DistributedTraining, LocalQueue, TrainingBackend } from '../../../src';
import { Outcome, UpstreamCase } from '../harness';

const C = 'trainer';
const DIR = 'examples/yaml';

const PRINT_ENV = [
  'import os',
  'import torch',
  'import torch.distributed as dist',
  '',
  'device, backend = ("cuda", "nccl") if torch.cuda.is_available() else ("cpu", "gloo")',
  'dist.init_process_group(backend=backend)',
  '',
  'print("PyTorch Distributed Environment")',
  'print(f"Using device: {device}")',
  'print(f"WORLD_SIZE: {dist.get_world_size()}")',
  'print(f"RANK: {dist.get_rank()}")',
  'print(f"LOCAL_RANK: {os.environ[\'LOCAL_RANK\']}")',
];

export const TRAINER_CASES: UpstreamCase[] = [
  {
    component: C,
    file: `${DIR}/01-multi-node.yaml`,
    outcome: Outcome.EQUAL,
    build: chart => new DistributedTraining(chart, 'multi-node-example', {
      name: 'multi-node-example',
      backend: TrainingBackend.trainerV2(),
      command: ['torchrun', '--no-python', 'python3', '-c', `${PRINT_ENV.join('\n')}\n`],
      workers: 3,
      sharedMemory: false,
    }),
  },
  {
    component: C,
    file: `${DIR}/03-kueue-integration.yaml`,
    outcome: Outcome.EQUAL,
    build: chart => {
      const queue = new LocalQueue(chart, 'queue', {
        clusterQueue: BatchQueue.fromClusterQueueName(chart, 'cq', 'cluster-queue'), namespace: 'default', name: 'training-queue',
      });
      new DistributedTraining(chart, 'kueue-example', {
        name: 'kueue-example',
        backend: TrainingBackend.trainerV2(),
        image: 'python:3.11-slim',
        command: ['python3', '-c', [
          'import time', 'print("Training started via Kueue")', 'for i in range(10):', '    print(f"Step {i + 1}/10")', '    time.sleep(2)',
          'print("Training complete")', '',
        ].join('\n')],
        workers: 3,
        resourcesPerWorker: { cpu: Cpu.units(2), cpuLimit: Cpu.units(4), memory: Size.gibibytes(4), memoryLimit: Size.gibibytes(8) },
        sharedMemory: false,
        queue,
      });
    },
    extraObjects: { 'LocalQueue/training-queue': 'a queued workload takes a LocalQueue construct (upstream assumes one exists)' },
  },
  {
    component: C,
    file: `${DIR}/02-runtime-patches.yaml`,
    outcome: Outcome.NOT_EXPRESSIBLE,
    reason: 'runtimePatches with pod-level settings of a replicated job (serviceAccountName, nodeSelector, tolerations) and labels/annotations of the '
      + 'runtime template under a `manager` of the user\'s choice: the library writes runtimePatches only for per-role env (under its own manager) and '
      + 'places pods through `pool`',
  },
];

