/**
 * Kueue batch queues for a shared GPU cluster: an A100 flavor (nodes of the `gpu-a100` pool, whose
 * `nvidia.com/gpu` taint Kueue tolerates for admitted pods) and a CPU flavor, a ClusterQueue per team in one
 * cohort so idle quota is lent, LocalQueues in the teams' namespaces, a WorkloadPriorityClass, and a GPU
 * training Job submitted to the research queue.
 *
 *   npm run synth -- batch-queue      # from the repository root
 */
import { ApiObject, App, Chart, ChartProps, Size } from 'cdk8s';
import { Cpu, RestartPolicy } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator, BatchQueue, PodTemplate, QueueFlavors, QueueingStrategy, ReclaimWithinCohortPreemption, ResourceQuota, WithinClusterQueuePreemption, WorkloadPriorityClass } from '../../src';

export class BatchQueueChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const a100 = Accelerator.nvidia({ count: 1, product: 'NVIDIA-A100-SXM4-80GB' });
    const gpuFlavor = QueueFlavors.forAccelerator(a100, {
      name: 'gpu-a100',
      nodeLabels: { 'karpenter.sh/nodepool': 'gpu-a100' },
    });
    const cpuFlavor = QueueFlavors.forNodes({ name: 'cpu-general', nodeLabels: { 'karpenter.sh/nodepool': 'general' } });

    const research = new BatchQueue(this, 'research', {
      name: 'research',
      cohort: 'ml-platform',
      queueingStrategy: QueueingStrategy.BEST_EFFORT_FIFO,
      preemption: {
        withinClusterQueue: WithinClusterQueuePreemption.LOWER_PRIORITY,
        reclaimWithinCohort: ReclaimWithinCohortPreemption.ANY,
      },
      resourceGroups: [
        {
          flavors: [{
            flavor: gpuFlavor,
            quotas: [
              ResourceQuota.cpu('96', { borrowingLimit: '32' }),
              ResourceQuota.memory('768Gi', { borrowingLimit: '256Gi' }),
              ResourceQuota.accelerator(a100, 8, { borrowingLimit: '8', lendingLimit: '4' }),
            ],
          }],
        },
      ],
    });
    const production = new BatchQueue(this, 'production', {
      name: 'production',
      cohort: 'ml-platform',
      queueingStrategy: QueueingStrategy.STRICT_FIFO,
      resourceGroups: [
        {
          // Pods that need no GPU are admitted to the CPU pool first (flavors are tried in order).
          flavors: [
            {
              flavor: cpuFlavor,
              quotas: [ResourceQuota.cpu('128'), ResourceQuota.memory('512Gi'), ResourceQuota.nvidiaGpus(0)],
            },
            {
              flavor: gpuFlavor,
              quotas: [ResourceQuota.cpu('64'), ResourceQuota.memory('512Gi'), ResourceQuota.accelerator(a100, 8, { lendingLimit: '2' })],
            },
          ],
        },
      ],
    });

    const researchQueue = research.addLocalQueue('ml-research', 'gpu');
    research.addLocalQueue('ml-interns', 'gpu');
    production.addLocalQueue('ml-prod', 'gpu');

    const urgent = new WorkloadPriorityClass(this, 'urgent', {
      name: 'urgent',
      value: 10000,
      description: 'Deadline-bound training runs; may preempt lower-priority work in the same ClusterQueue.',
    });

    // A fine-tuning job on one A100; Kueue suspends it until the research queue admits it, then adds the
    // flavor's node labels and tolerations to its pods.
    const pod = new PodTemplate({
      restartPolicy: RestartPolicy.NEVER,
      sharedMemory: true,
      containers: [{
        image: 'ghcr.io/example/finetune:1.4.0',
        args: ['--model', 'llama-3-8b', '--epochs', '3'],
        resources: { cpu: Cpu.units(8), memory: Size.gibibytes(64), accelerator: a100 },
      }],
    });
    const job = new ApiObject(this, 'finetune', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'finetune-llama', namespace: 'ml-research' },
      spec: { backoffLimit: 1, template: pod.toPodTemplateSpec(this, 'trainer') },
    });
    researchQueue.admit(job, urgent);
  }
}

const app = new App();
new BatchQueueChart(app, 'batch-queue');
app.synth();
