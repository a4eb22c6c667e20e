/**
 * A plain batch/v1 Job on a Kueue LocalQueue: Kueue's own quick start (`single-clusterqueue-setup.yaml` and
 * `sample-job.yaml` of the Kueue documentation) re-expressed with the library. One ResourceFlavor, one ClusterQueue
 * with 9 CPUs and 36Gi of memory for all namespaces, a LocalQueue `user-queue`, and a Job of three parallel pods
 * (1 CPU, 200Mi each) that Kueue admits as a whole: its webhook suspends the Job on creation and Kueue resumes it on
 * admission.
 *
 * Unlike the upstream sample, the Job does not write `suspend: true`: Kueue sets it, and a GitOps tool that heals
 * drift would otherwise suspend the Job again once Kueue has resumed it.
 *
 * Beyond the upstream sample, the Job's pods meet the restricted Pod Security Standard, the Job is deleted an hour
 * after it finishes, and a preempted or evicted pod does not count as a failure.
 *
 *   npm run synth -- batch-job-queue      # from the repository root
 */
import { App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BatchJob, BatchQueue, PodFailureAction, PodFailureRule, ResourceQuota } from '../../src';

export class BatchJobQueueChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // single-clusterqueue-setup.yaml: a ClusterQueue for all namespaces (namespaceSelector: {}) and its flavor
    const clusterQueue = new BatchQueue(this, 'cluster-queue', {
      name: 'cluster-queue',
      resourceGroups: [{
        flavors: [{
          flavor: { name: 'default-flavor' },
          quotas: [ResourceQuota.cpu('9'), ResourceQuota.memory('36Gi')],
        }],
      }],
    });
    const userQueue = clusterQueue.addLocalQueue('default', 'user-queue');

    // sample-job.yaml: three pods at once, three completions; Kueue admits all three or none
    new BatchJob(this, 'sample-job', {
      name: 'sample-job',
      namespace: 'default',
      queue: userQueue,
      parallelism: 3,
      completions: 3,
      containers: [{
        name: 'dummy-job',
        image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
        command: ['/bin/sh'],
        args: ['-c', 'sleep 60'],
        resources: { cpu: Cpu.units(1), memory: Size.mebibytes(200) },
      }],
      ttlAfterFinished: Duration.hours(1),
      podFailurePolicy: [PodFailureRule.onPodCondition(PodFailureAction.IGNORE, 'DisruptionTarget')],
    });
  }
}

const app = new App();
new BatchJobQueueChart(app, 'batch-job-queue');
app.synth();
