/**
 * A cached dataset feeding a nightly Spark job: raw click logs in S3 are cached by Fluid with Alluxio (2 GiB of
 * memory and 100 GiB of local NVMe per cache worker), the current month is warmed up once the dataset is bound, and
 * a scheduled PySpark job mounts the dataset read-only at /data every night at 02:00 (Berlin time) to build
 * features. The job is submitted through a Kueue queue whose ClusterQueue enables Kueue's SparkApplication
 * integration. S3 credentials are read from a Secret, never written into the Dataset.
 *
 * Fluid's FUSE and cache pods are privileged by nature; Fluid's controllers run them, not this app. The Spark pods
 * that read the dataset stay under the restricted Pod Security Standard.
 *
 *   npm run synth -- dataset-cache
 */
import { App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  BatchQueue, CacheMedium, CacheRuntime, CronSchedule, Dataset, DatasetMount, KueueIntegration, KueueIntegrations, QueueFlavors,
  ResourceQuota, SparkApplicationType, SparkJob, SparkRestartPolicy, SparkRun,
} from '../../src';

export class DatasetCacheChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'analytics', ...props });

    const clicks = new Dataset(this, 'clicks', {
      name: 'click-logs',
      mounts: [DatasetMount.fromUri('s3://analytics-raw/click-logs/', {
        name: 'clicks',
        readOnly: true,
        options: { 'alluxio.underfs.s3.endpoint': 'https://s3.eu-central-1.amazonaws.com', 'alluxio.underfs.s3.region': 'eu-central-1' },
        secretOptions: [
          { name: 'aws.accessKeyId', secretName: 'analytics-raw-s3', secretKey: 'access-key-id' },
          { name: 'aws.secretKey', secretName: 'analytics-raw-s3', secretKey: 'secret-access-key' },
        ],
      })],
      runtime: CacheRuntime.alluxio({
        replicas: 3,
        tiers: [
          { medium: CacheMedium.MEMORY, quota: Size.gibibytes(2), highWatermark: 0.95, lowWatermark: 0.7 },
          { medium: CacheMedium.SSD, paths: ['/mnt/nvme0/alluxio'], quota: Size.gibibytes(100), highWatermark: 0.9, lowWatermark: 0.6 },
        ],
      }),
    });
    clicks.warmUp('warm-up', { name: 'click-logs-warm-up', targets: [{ path: '/clicks/2026/11' }] });

    // Kueue manages SparkApplications only when its sparkoperator.k8s.io/sparkapplication integration is on.
    const queue = new BatchQueue(this, 'batch', {
      name: 'analytics-batch',
      integrations: [...KueueIntegrations.defaults(), KueueIntegration.SPARK_APPLICATION],
      resourceGroups: [{
        flavors: [{
          flavor: QueueFlavors.forNodes({ name: 'cpu-general', nodeLabels: { 'karpenter.sh/nodepool': 'general' } }),
          quotas: [ResourceQuota.cpu('64'), ResourceQuota.memory('256Gi')],
        }],
      }],
    }).addLocalQueue('analytics');

    new SparkJob(this, 'features', {
      name: 'click-features-nightly',
      type: SparkApplicationType.PYTHON,
      sparkVersion: '3.5.5',
      image: 'ghcr.io/example/click-features:2.3.1',
      mainApplicationFile: 'local:///opt/app/build_features.py',
      args: ['--input', '/data/clicks', '--output', 's3a://analytics-features/clicks/'],
      volumeMounts: [clicks.volumeMount('/data')],
      restartPolicy: SparkRestartPolicy.onFailure({ retries: 2, retryInterval: Duration.minutes(1) }),
      driver: { cores: 1, memory: Size.gibibytes(2) },
      executor: { instances: 6, cores: 4, memory: Size.gibibytes(8), memoryOverhead: Size.gibibytes(2) },
      run: SparkRun.scheduled({ schedule: CronSchedule.expression('0 2 * * *'), timeZone: 'Europe/Berlin', successfulRunHistoryLimit: 3 }),
      timeToLive: Duration.days(2),
      queue,
    });
  }
}

const app = new App();
new DatasetCacheChart(app, 'dataset-cache');
app.synth();
