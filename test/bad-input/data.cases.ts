import { Duration, Size } from 'cdk8s';
import { Cpu, ImagePullPolicy, TaintEffect } from 'cdk8s-plus-28';
import { BadInputCase, call, ref } from './harness';
import {
  Accelerator, BatchQueue, CacheMedium, CacheRuntime, CronSchedule, DataLoad, DataLoadPolicy, Dataset, DatasetAccessMode, DatasetMount,
  DatasetPlacement, EnvVarValue, GpuInstances, GpuNodePool, KueueIntegration, NodeOperator, PodVolume, QueueFlavors, ResourceQuota,
  SparkApplicationType, SparkBatchScheduler, SparkConcurrencyPolicy, SparkJob, SparkMonitoring, SparkRestartPolicy, SparkRun,
  WorkloadPriorityClass,
} from '../../src';

const sparkSetup = (chart: any) => ({
  pool: new GpuNodePool(chart, 'pool', { instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'c', role: 'r' } }),
  queue: new BatchQueue(chart, 'queue', {
    integrations: [KueueIntegration.SPARK_APPLICATION, KueueIntegration.POD],
    resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } }), quotas: [ResourceQuota.cpu('64')] }] }],
  }).addLocalQueue('team-a', 'batch'),
  priority: new WorkloadPriorityClass(chart, 'priority', { name: 'high', value: 100 }),
});

const sparkBase = () => ({
  name: 'features',
  namespace: 'team-a',
  labels: { 'app.kubernetes.io/part-of': 'analytics' },
  annotations: { 'example.com/owner': 'data' },
  type: SparkApplicationType.PYTHON,
  sparkVersion: '3.5.5',
  image: 'ghcr.io/example/features:2.3.1',
  imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
  mainApplicationFile: 'local:///opt/app/build.py',
  args: ['--input', '/data'],
  driver: {
    cores: 1,
    coreRequest: Cpu.millis(500),
    coreLimit: Cpu.millis(1500),
    memory: Size.gibibytes(2),
    memoryOverhead: Size.mebibytes(512),
    javaOptions: '-XX:+UseG1GC',
    env: { MODE: call('EnvVarValue.fromValue', EnvVarValue.fromValue, 'driver') },
    podLabels: { role: 'driver' },
    podAnnotations: { 'example.com/x': 'y' },
    ports: [{ number: 8888, name: 'notebook' }],
  },
  executor: {
    instances: 2,
    cores: 2,
    memory: Size.gibibytes(4),
    accelerator: call('Accelerator.nvidia', Accelerator.nvidia, { count: 1 }),
    pool: ref('pool'),
    volumeMounts: [{ volume: call('PodVolume.fromEmptyDir', PodVolume.fromEmptyDir, 'spill', { sizeLimit: Size.gibibytes(20) }), path: '/spill' }],
  },
  sparkConf: { 'spark.sql.shuffle.partitions': '48' },
  hadoopConf: { 'fs.s3a.endpoint': 'https://s3.eu-central-1.amazonaws.com' },
  deps: { packages: ['org.apache.spark:spark-sql-kafka-0-10_2.12:3.5.5'], jars: ['local:///opt/jars/a.jar'], repositories: ['https://repo1.maven.org/maven2'] },
  env: { AWS_ACCESS_KEY_ID: call('EnvVarValue.fromSecretKey', EnvVarValue.fromSecretKey, 'lake-s3', 'access-key-id') },
  volumeMounts: [{ volume: call('PodVolume.fromPersistentVolumeClaim', PodVolume.fromPersistentVolumeClaim, 'data', 'clicks', true), path: '/data', readOnly: true }],
  timeToLive: Duration.days(2),
  memoryOverheadFactor: 0.2,
  monitoring: call('SparkMonitoring.prometheus', SparkMonitoring.prometheus, { jmxExporterJar: '/prometheus/jmx.jar', port: 8090 }),
  batchScheduler: call('SparkBatchScheduler.volcano', SparkBatchScheduler.volcano, { queue: 'analytics', priorityClassName: 'batch' }),
  security: { runAsUser: 185 },
  serviceAccountName: 'spark-driver',
  imagePullSecrets: ['registry-creds'],
  podLabels: { team: 'data' },
  podAnnotations: { 'example.com/cost-center': '42' },
});

const sparkOnce: BadInputCase = {
  name: 'SparkJob (once, on failure, queued)',
  setup: sparkSetup,
  recipe: () => ({
    ...sparkBase(),
    restartPolicy: call('SparkRestartPolicy.onFailure', SparkRestartPolicy.onFailure, {
      retries: 3, retryInterval: Duration.seconds(10), submissionRetries: 2, submissionRetryInterval: Duration.seconds(20),
    }),
    run: call('SparkRun.once', SparkRun.once),
    batchScheduler: undefined,
    queue: ref('queue'),
    priorityClass: ref('priority'),
  }),
  build: (chart, props) => {
    new SparkJob(chart, 'job', props);
  },
};

const sparkScheduled: BadInputCase = {
  name: 'SparkJob (scheduled, dynamic allocation)',
  setup: sparkSetup,
  recipe: () => ({
    ...sparkBase(),
    executor: { cores: 2, memory: Size.gibibytes(4) },
    dynamicAllocation: { maxExecutors: 10, minExecutors: 1, initialExecutors: 2, shuffleTrackingTimeout: Duration.minutes(5) },
    batchScheduler: call('SparkBatchScheduler.yunikorn', SparkBatchScheduler.yunikorn, { queue: 'root.analytics' }),
    run: call('SparkRun.scheduled', SparkRun.scheduled, {
      schedule: call('CronSchedule.expression', CronSchedule.expression, '0 2 * * *'),
      concurrencyPolicy: SparkConcurrencyPolicy.FORBID,
      successfulRunHistoryLimit: 3,
      failedRunHistoryLimit: 1,
      timeZone: 'Europe/Berlin',
      suspend: false,
    }),
    restartPolicy: call('SparkRestartPolicy.never', SparkRestartPolicy.never),
  }),
  build: (chart, props) => {
    new SparkJob(chart, 'job', props);
  },
  extraBadValues: [{ path: /\(0\)$/, values: ['0 0 30 2 *', '0 0 31 4,6,9,11 *', '* * * *', '@every 0s', 'TZ=UTC 0 * * * *'] },
    { path: /timeZone$/, values: ['Mars/Olympus', 'UTC+1'] }],
};

const sparkStreaming: BadInputCase = {
  name: 'SparkJob (streaming, always)',
  recipe: () => ({
    name: 'clicks',
    run: call('SparkRun.streaming', SparkRun.streaming),
    restartPolicy: call('SparkRestartPolicy.always', SparkRestartPolicy.always, { retryInterval: Duration.seconds(30), submissionRetryInterval: Duration.seconds(60) }),
    type: SparkApplicationType.SCALA,
    mainClass: 'com.example.Clicks',
    sparkVersion: '3.5.5',
    image: 'ghcr.io/example/clicks:1.4.0',
    mainApplicationFile: 'local:///opt/app/clicks.jar',
    driver: { cores: 1, memory: Size.gibibytes(2) },
    executor: { instances: 4, cores: 2, memory: Size.gibibytes(4) },
  }),
  build: (chart, props) => {
    new SparkJob(chart, 'job', props);
  },
};

const datasetSetup = (chart: any) => ({ dataset: new Dataset(chart, 'base', { name: 'base', mounts: [DatasetMount.fromUri('s3://b/x/')], runtime: CacheRuntime.alluxio({ tiers: [{ medium: CacheMedium.MEMORY, quota: Size.gibibytes(1) }] }) }) });

const dataset: BadInputCase = {
  name: 'Dataset (Alluxio) + DataLoad',
  recipe: () => ({
    dataset: {
      name: 'click-logs',
      namespace: 'team-a',
      labels: { team: 'data' },
      annotations: { 'example.com/owner': 'data' },
      mounts: [call('DatasetMount.fromUri', DatasetMount.fromUri, 's3://analytics-raw/click-logs/', {
        name: 'clicks',
        readOnly: true,
        path: '/clicks',
        options: { 'alluxio.underfs.s3.region': 'eu-central-1' },
        secretOptions: [{ name: 'aws.accessKeyId', secretName: 'raw-s3', secretKey: 'access-key-id' }],
      }), call('DatasetMount.fromPersistentVolumeClaim', DatasetMount.fromPersistentVolumeClaim, 'archive', 'old', { name: 'archive' })],
      runtime: call('CacheRuntime.alluxio', CacheRuntime.alluxio, {
        replicas: 3,
        properties: { 'alluxio.user.file.writetype.default': 'MUST_CACHE' },
        tiers: [
          { medium: CacheMedium.MEMORY, quota: Size.gibibytes(2), highWatermark: 0.95, lowWatermark: 0.7 },
          { medium: CacheMedium.SSD, paths: ['/mnt/nvme0/alluxio'], quota: Size.gibibytes(100), highWatermark: 0.9, lowWatermark: 0.6 },
        ],
      }),
      accessMode: DatasetAccessMode.READ_ONLY_MANY,
      placement: DatasetPlacement.EXCLUSIVE,
      cacheNodeAffinity: [{ key: 'node.kubernetes.io/instance-type', operator: NodeOperator.IN, values: ['i4i.2xlarge'] }],
      tolerations: [{ key: 'cache', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
    },
    load: {
      name: 'warm-up',
      targets: [{ path: '/clicks/2026', replicas: 2 }],
      loadMetadata: true,
      policy: call('DataLoadPolicy.cron', DataLoadPolicy.cron, call('CronSchedule.expression', CronSchedule.expression, '0 3 * * *')),
    },
    once: { name: 'once', policy: call('DataLoadPolicy.once', DataLoadPolicy.once, { ttlAfterFinished: Duration.hours(1) }) },
  }),
  build: (chart, p) => {
    const ds = new Dataset(chart, 'ds', p.dataset);
    ds.warmUp('warm-up', p.load);
    new DataLoad(chart, 'once', { ...(p.once ?? {}), dataset: ds });
  },
  extraBadValues: [{ path: /\(0\)$/, values: ['0 0 30 2 *', 'not a uri', 'http://', 's3://'] }],
};

const juiceFs: BadInputCase = {
  name: 'Dataset (JuiceFS)',
  setup: datasetSetup,
  recipe: () => ({
    name: 'models',
    mounts: [call('DatasetMount.juiceFs', DatasetMount.juiceFs, 'models', {
      name: 'models',
      options: { bucket: 'https://models.s3.amazonaws.com' },
      secretOptions: [{ name: 'metaurl', secretName: 'jfs', secretKey: 'metaurl' }],
    })],
    runtime: call('CacheRuntime.juiceFs', CacheRuntime.juiceFs, { replicas: 2, tier: { medium: CacheMedium.SSD, paths: ['/cache'], quota: Size.gibibytes(50) } }),
  }),
  build: (chart, props) => {
    new Dataset(chart, 'ds', props);
  },
};

export const cases: BadInputCase[] = [sparkOnce, sparkScheduled, sparkStreaming, dataset, juiceFs];
