
import { Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  BatchJob, BatchQueue, BorrowWithinCohortPreemption, FlavorFungibilityPolicy, LocalQueue, QueueFlavor, ReclaimWithinCohortPreemption, ResourceQuota,
  WithinClusterQueuePreemption, WorkloadPriorityClass,
} from '../../../src';
import { Outcome, UpstreamCase } from '../harness';

const C = 'kueue';
const DIR = 'cmd/kueueviz/examples';
const COHORT = 'ai-for-humanity-foundation';

const DEFAULT_FLAVOR: QueueFlavor = { name: 'default-flavor' };
const GPU_FLAVOR: QueueFlavor = { name: 'gpu', nodeLabels: { 'instance-type': 'gpu' } };
const STOP_SEARCH = { whenCanBorrow: FlavorFungibilityPolicy.MAY_STOP_SEARCH, whenCanPreempt: FlavorFungibilityPolicy.MAY_STOP_SEARCH };
const SMALL = [{ flavors: [{ flavor: DEFAULT_FLAVOR, quotas: [ResourceQuota.cpu('300m'), ResourceQuota.memory('300Mi')] }] }];

/** The dashboard demo's queues: flavors, four ClusterQueues (one empty) in a cohort, three LocalQueues. */
function queues(chart: Chart): void {
  const emergency = new BatchQueue(chart, 'emergency', {
    name: 'emergency-cluster-queue',
    cohort: COHORT,
    preemption: {
      borrowWithinCohort: BorrowWithinCohortPreemption.LOWER_PRIORITY,
      withinClusterQueue: WithinClusterQueuePreemption.LOWER_PRIORITY,
      reclaimWithinCohort: ReclaimWithinCohortPreemption.ANY,
    },
    flavorFungibility: STOP_SEARCH,
    resourceGroups: [
      { flavors: [{ flavor: DEFAULT_FLAVOR, quotas: [ResourceQuota.cpu('1'), ResourceQuota.memory('1Gi')] }] },
      { flavors: [{ flavor: GPU_FLAVOR, quotas: [ResourceQuota.of('gpu', '1Gi')] }] },
    ],
  });
  const agi = new BatchQueue(chart, 'agi', {
    name: 'agi-cluster-queue',
    cohort: COHORT,
    preemption: { reclaimWithinCohort: ReclaimWithinCohortPreemption.NEVER },
    flavorFungibility: STOP_SEARCH,
    resourceGroups: SMALL,
  });
  const llm = new BatchQueue(chart, 'llm', {
    name: 'llm-cluster-queue',
    cohort: COHORT,
    preemption: { reclaimWithinCohort: ReclaimWithinCohortPreemption.LOWER_PRIORITY },
    flavorFungibility: STOP_SEARCH,
    resourceGroups: SMALL,
  });
  new BatchQueue(chart, 'unused', { name: 'unused-cluster-queue' });
  emergency.addLocalQueue('default', 'emergency-queue');
  llm.addLocalQueue('default', 'llm-model-queue');
  agi.addLocalQueue('default', 'agi-model-queue');
}

/** A demo Job on an existing LocalQueue, with an existing priority class. */
/** One of the demo's Jobs. */
interface DemoJob {
  readonly job: string;
  readonly queue: string;
  readonly priority: string;
  readonly value: number;
  readonly container: string;
  readonly command: string;
  readonly cpu: number;
}

function demoJob(chart: Chart, o: DemoJob): void {
  const clusterQueue = BatchQueue.fromClusterQueueName(chart, 'cq', 'demo');
  const queue = new LocalQueue(chart, 'queue', { clusterQueue, namespace: 'default', name: o.queue });
  const priorityClass = new WorkloadPriorityClass(chart, 'priority', { name: o.priority, value: o.value });
  new BatchJob(chart, 'job', {
    name: o.job,
    queue,
    priorityClass,
    parallelism: 3,
    completions: 3,
    containers: [{
      name: o.container,
      image: 'gcr.io/google-containers/busybox:latest',
      command: ['sh', '-c', o.command],
      resources: { cpu: Cpu.millis(o.cpu), memory: Size.mebibytes(100) },
    }],
  });
}

const JOB_DIFFERENCES = {
  'metadata.name': 'the library names every object (GitOps tools apply by name); upstream uses generateName, which only `kubectl create` can use',
  'metadata.generateName': 'see metadata.name',
};

export const KUEUE_CASES: UpstreamCase[] = [
  {
    component: C,
    file: `${DIR}/01-cluster-queues.yaml`,
    alsoFiles: [`${DIR}/00-resource-flavor.yaml`, `${DIR}/02-local-queues.yaml`],
    outcome: Outcome.EQUAL,
    build: queues,
    missingObjects: {
      'ResourceFlavor/spot': 'the library emits the ResourceFlavors of the flavors its ClusterQueues use; no ClusterQueue of the demo uses `spot`',
    },
  },
  {
    component: C,
    file: `${DIR}/01.5-cohorts.yaml`,
    outcome: Outcome.NOT_EXPRESSIBLE,
    reason: 'Cohort objects (hierarchical cohorts, `parentName`) have no construct: a ClusterQueue names its cohort (`cohort`), which Kueue creates implicitly',
  },
  {
    component: C,
    file: `${DIR}/03-agi-job.yaml`,
    outcome: Outcome.DIFFERS,
    build: chart => demoJob(chart, {
      job: 'agi',
      queue: 'agi-model-queue',
      priority: 'long-term-research',
      value: 1,
      container: 'agi-training-brain',
      command: 'echo "Training AGI ... this may take a while ..." && sleep 600',
      cpu: 50,
    }),
    differences: JOB_DIFFERENCES,
    extraObjects: {
      'LocalQueue/agi-model-queue': 'declared in 02-local-queues.yaml upstream; a queued BatchJob takes a LocalQueue construct',
      'WorkloadPriorityClass/long-term-research': 'declared in 07-workload-priority-classes.yaml upstream; priorityClass takes a construct',
    },
  },
  {
    component: C,
    file: `${DIR}/04-llm-job.yaml`,
    outcome: Outcome.DIFFERS,
    build: chart => demoJob(chart, {
      job: 'llm',
      queue: 'llm-model-queue',
      priority: 'business-impacting',
      value: 1000,
      container: 'llm-training',
      command: 'echo "Training llm..." && sleep 180',
      cpu: 10,
    }),
    differences: JOB_DIFFERENCES,
    extraObjects: {
      'LocalQueue/llm-model-queue': 'declared in 02-local-queues.yaml upstream; a queued BatchJob takes a LocalQueue construct',
      'WorkloadPriorityClass/business-impacting': 'declared in 07-workload-priority-classes.yaml upstream; priorityClass takes a construct',
    },
  },
  {
    component: C,
    file: `${DIR}/05-cancer-cure-research.yaml`,
    outcome: Outcome.DIFFERS,
    build: chart => demoJob(chart, {
      job: 'cancer-research',
      queue: 'emergency-queue',
      priority: 'human-critical',
      value: 1000000,
      container: 'cancer-cure-research-model-update',
      command: 'echo "Searching cure against cancer..." && sleep 120',
      cpu: 10,
    }),
    differences: JOB_DIFFERENCES,
    extraObjects: {
      'LocalQueue/emergency-queue': 'declared in 02-local-queues.yaml upstream; a queued BatchJob takes a LocalQueue construct',
      'WorkloadPriorityClass/human-critical': 'declared in 07-workload-priority-classes.yaml upstream; priorityClass takes a construct',
    },
  },
  {
    component: C,
    file: `${DIR}/07-workload-priority-classes.yaml`,
    outcome: Outcome.EQUAL,
    build: chart => {
      new WorkloadPriorityClass(chart, 'human-critical', {
        name: 'human-critical',
        value: 1000000,
        description: 'Use for critical human critical workloads like research on disease or natural disaster avoidance',
      });
      new WorkloadPriorityClass(chart, 'business-impacting', { name: 'business-impacting', value: 1000, description: 'Use for business critical impacting workloads' });
      new WorkloadPriorityClass(chart, 'long-term-research', {
        name: 'long-term-research', value: 1, description: 'Use for long term research processes like extraterrestiral research',
      });
    },
  },
];

