import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu, ImagePullPolicy, TaintEffect } from 'cdk8s-plus-28';
import { Accelerator, BatchQueue, CronSchedule, EnvVarValue, GpuInstances, GpuNodePool, KueueIntegration, KueueIntegrations, Placement, PodSecurityLevel, QueueFlavors, ResourceQuota, SparkApplicationType, SparkBatchScheduler, SparkConcurrencyPolicy, SparkDriverAccount, SparkJob, SparkJobProps, SparkMonitoring, SparkRestartPolicy, SparkRun, StatusSource, PodVolume, WorkloadPriorityClass } from '../../src';
import { SchemaValidator } from '../../src/validation/schema-validator';
import { expectValidationError, synthValid } from '../util';

const PI: SparkJobProps = {
  name: 'pi',
  type: SparkApplicationType.PYTHON,
  sparkVersion: '3.5.5',
  image: 'docker.io/apache/spark:3.5.5',
  mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
};

function chart(namespace: string | null = 'spark'): Chart {
  return new Chart(Testing.app(), 'test', { namespace: namespace ?? undefined });
}

function job(props: Partial<SparkJobProps> = {}, c: Chart = chart()): SparkJob {
  return new SparkJob(c, 'job', { ...PI, ...props } as SparkJobProps);
}

function app(objects: any[], kind = 'SparkApplication'): any {
  return objects.find(o => o.kind === kind);
}

/** The rendered pod templates are PodTemplateSpecs: validate them as the core kind PodTemplate. */
function expectValidPodTemplate(template: any): void {
  const result = SchemaValidator.default().validate({ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 't' }, template });
  expect(result.violations).toEqual([]);
  expect(result.unchecked).toEqual([]);
}

// ------------------------------------------------------------------------------------------------
// The talk's pyspark-pi
// ------------------------------------------------------------------------------------------------

test("the talk's pyspark-pi: cluster mode, Python 3, OnFailure 3 x 10 s, driver 1 core / 1200m / 512m, 1 executor 1 core / 512m", () => {
  const c = chart();
  job({
    name: 'pyspark-pi',
    sparkVersion: '3.1.1',
    image: 'gcr.io/spark-operator/spark-py:v3.1.1',
    imagePullPolicy: ImagePullPolicy.ALWAYS,
    restartPolicy: SparkRestartPolicy.onFailure({ retries: 3, retryInterval: Duration.seconds(10) }),
    driver: { cores: 1, coreLimit: Cpu.millis(1200), memory: Size.mebibytes(512) },
    executor: { cores: 1, instances: 1, memory: Size.mebibytes(512) },
  }, c);
  const spec = app(synthValid(c)).spec;
  expect(spec).toMatchObject({
    type: 'Python',
    pythonVersion: '3',
    mode: 'cluster',
    image: 'gcr.io/spark-operator/spark-py:v3.1.1',
    imagePullPolicy: 'Always',
    mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
    sparkVersion: '3.1.1',
    restartPolicy: { type: 'OnFailure', onFailureRetries: 3, onFailureRetryInterval: 10 },
    driver: { cores: 1, coreLimit: '1200m', memory: '512m' },
    executor: { cores: 1, instances: 1, memory: '512m' },
  });
});

test('pods are rendered as Spark pod templates: restricted security as uid 185, the container names Spark takes, no token for executors', () => {
  const c = chart();
  job({}, c);
  const spec = app(synthValid(c)).spec;
  const driver = spec.driver.template;
  const executor = spec.executor.template;
  expectValidPodTemplate(driver);
  expectValidPodTemplate(executor);
  expect(driver.spec.containers[0].name).toBe('spark-kubernetes-driver');
  expect(executor.spec.containers[0].name).toBe('spark-kubernetes-executor');
  for (const t of [driver, executor]) {
    expect(t.spec.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 185, runAsGroup: 185, fsGroup: 185, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(t.spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: false, runAsNonRoot: true,
    });
  }
  expect(driver.spec.serviceAccountName).toBe('pi-driver');
  expect(driver.spec.automountServiceAccountToken).toBeUndefined();
  expect(executor.spec.automountServiceAccountToken).toBe(false);
  expect(spec.executor.instances).toBe(1);
});

test('the driver gets its own ServiceAccount with a least-privilege Role and RoleBinding in the namespace', () => {
  const c = chart();
  const j = job({}, c);
  const objects = synthValid(c);
  expect(j.serviceAccountName).toBe('pi-driver');
  expect(app(objects).spec.driver.serviceAccount).toBe('pi-driver');
  expect(app(objects, 'ServiceAccount').metadata).toEqual({ name: 'pi-driver', namespace: 'spark', labels: { 'app.kubernetes.io/component': 'spark-driver' } });
  expect(app(objects, 'Role').rules).toEqual([{
    apiGroups: [''],
    resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims'],
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete', 'deletecollection'],
  }]);
  expect(app(objects, 'Role').rules[0].verbs).not.toContain('update');
  expect(app(objects, 'RoleBinding')).toMatchObject({
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pi-driver' },
    subjects: [{ kind: 'ServiceAccount', name: 'pi-driver', namespace: 'spark' }],
  });
  expect(SparkDriverAccount.VERBS).toEqual(app(objects, 'Role').rules[0].verbs);
});

test('an existing ServiceAccount is used as is, and needs no namespace', () => {
  const c = chart(null);
  job({ serviceAccountName: 'spark-operator-spark' }, c);
  const objects = synthValid(c);
  expect(objects.map(o => o.kind)).toEqual(['SparkApplication']);
  expect(app(objects).spec.driver.serviceAccount).toBe('spark-operator-spark');
  expect(app(objects).spec.driver.template.spec.serviceAccountName).toBe('spark-operator-spark');
});

test('a Scala job with resources, dependencies, configuration, dynamic allocation, TTL and environment', () => {
  const c = chart();
  job({
    type: SparkApplicationType.SCALA,
    mainApplicationFile: 'local:///opt/spark/examples/jars/spark-examples.jar',
    mainClass: 'org.apache.spark.examples.SparkPi',
    args: ['5000'],
    imagePullSecrets: ['registry'],
    driver: { cores: 2, coreRequest: Cpu.millis(1500), coreLimit: Cpu.units(2), memory: Size.gibibytes(2), memoryOverhead: Size.mebibytes(512), javaOptions: '-XX:+UseG1GC' },
    executor: { cores: 4, memory: Size.gibibytes(8), memoryOverhead: Size.gibibytes(1), podLabels: { team: 'analytics' }, podAnnotations: { note: 'x' } },
    dynamicAllocation: { minExecutors: 1, initialExecutors: 2, maxExecutors: 10, shuffleTrackingTimeout: Duration.minutes(10) },
    sparkConf: { 'spark.sql.shuffle.partitions': '64', 'spark.eventLog.enabled': 'true' },
    hadoopConf: { 'fs.s3a.endpoint': 'https://s3.example.com' },
    deps: {
      jars: ['s3a://libs/udfs.jar'],
      packages: ['org.apache.hadoop:hadoop-aws:3.3.4'],
      excludePackages: ['com.google.guava:guava'],
      repositories: ['https://repo.example.com/maven2'],
      files: ['local:///opt/conf/app.conf'],
    },
    env: { AWS_SECRET_ACCESS_KEY: EnvVarValue.fromSecretKey('s3', 'secret') },
    timeToLive: Duration.hours(1),
    memoryOverheadFactor: 0.2,
  }, c);
  const spec = app(synthValid(c)).spec;
  expect(spec).toMatchObject({
    type: 'Scala',
    mainClass: 'org.apache.spark.examples.SparkPi',
    arguments: ['5000'],
    imagePullSecrets: ['registry'],
    timeToLiveSeconds: 3600,
    memoryOverheadFactor: '0.2',
    sparkConf: { 'spark.eventLog.enabled': 'true', 'spark.sql.shuffle.partitions': '64' },
    hadoopConf: { 'fs.s3a.endpoint': 'https://s3.example.com' },
    deps: {
      jars: ['s3a://libs/udfs.jar'],
      files: ['local:///opt/conf/app.conf'],
      packages: ['org.apache.hadoop:hadoop-aws:3.3.4'],
      excludePackages: ['com.google.guava:guava'],
      repositories: ['https://repo.example.com/maven2'],
    },
    dynamicAllocation: {
      enabled: true, minExecutors: 1, initialExecutors: 2, maxExecutors: 10, shuffleTrackingEnabled: true, shuffleTrackingTimeout: 600000,
    },
    driver: { cores: 2, coreRequest: '1500m', coreLimit: '2', memory: '2g', memoryOverhead: '512m', javaOptions: '-XX:+UseG1GC' },
    executor: { cores: 4, memory: '8g', memoryOverhead: '1g' },
  });
  expect(spec.pythonVersion).toBeUndefined();
  expect(spec.executor.instances).toBeUndefined(); // dynamic allocation decides
  expect(spec.executor.template.metadata).toEqual({ labels: { team: 'analytics' }, annotations: { note: 'x' } });
  expect(spec.driver.template.spec.containers[0].env).toEqual([{ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 's3', key: 'secret' } } }]);
});

test('GPUs: the gpu field from the accelerator, and the limit and product selector in the pod template', () => {
  const c = chart();
  job({ executor: { instances: 2, accelerator: Accelerator.nvidia({ count: 1, product: 'NVIDIA-A10G' }) } }, c);
  const spec = app(synthValid(c)).spec;
  expect(spec.executor.gpu).toEqual({ name: 'nvidia.com/gpu', quantity: 1 });
  expect(spec.driver.gpu).toBeUndefined();
  const pod = spec.executor.template.spec;
  expect(pod.containers[0].resources).toEqual({ limits: { 'nvidia.com/gpu': '1' } });
  expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A10G' });
  expectValidPodTemplate(spec.executor.template);
});

test('executors placed on a GPU pool get its selector, tolerations and do-not-disrupt in their pod template', () => {
  const c = chart();
  const pool = new GpuNodePool(c, 'a10g', { instances: GpuInstances.families(['g5']), gpuLimit: 16, nodeClass: { clusterName: 'ml', role: 'KarpenterNodeRole-ml' } });
  job({ executor: { instances: 2, accelerator: Accelerator.nvidia({ product: 'NVIDIA-A10G' }), pool } }, c);
  const spec = app(synthValid(c)).spec;
  const t = spec.executor.template;
  expect(t.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
  expect(t.spec.tolerations).toEqual(expect.arrayContaining([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]));
  expect(Object.keys(t.spec.nodeSelector)).toContain('karpenter.sh/nodepool');
  expect(spec.driver.template.metadata).toBeUndefined();
});

test('GPU executors without a pool are a synth-time error when the app declares pools', () => {
  const c = chart();
  new GpuNodePool(c, 'a10g', { instances: GpuInstances.families(['g5']), gpuLimit: 16, nodeClass: { clusterName: 'ml', role: 'KarpenterNodeRole-ml' } });
  job({ executor: { accelerator: Accelerator.nvidia() } }, c);
  expect(() => Testing.synth(c)).toThrow(/\[test\/job\] executor\.pool: undefined is not valid; the pods request 1 nvidia\.com\/gpu but are placed on no node pool; pass one of 'a10g'$/m);
});

test('placement is copied per role: one Placement can be shared by driver and executors', () => {
  const c = chart();
  const shared = new Placement({ tolerations: [{ key: 'spark', effect: TaintEffect.NO_SCHEDULE }], nodeSelector: { tier: 'batch' } });
  const j = job({ driver: { placement: shared }, executor: { placement: shared } }, c);
  j.executorPodTemplate.placement.selectNodeLabel('disk', 'nvme');
  const spec = app(synthValid(c)).spec;
  expect(spec.driver.template.spec.nodeSelector).toEqual({ tier: 'batch' });
  expect(spec.executor.template.spec.nodeSelector).toEqual({ disk: 'nvme', tier: 'batch' });
  expect(spec.driver.template.spec.tolerations).toEqual([{ key: 'spark', operator: 'Exists', effect: 'NoSchedule' }]);
  expect(shared.nodeSelector).toEqual({ tier: 'batch' });
});

test('volumes: job-wide and per-role mounts land in the pod templates, never in the webhook-only fields', () => {
  const c = chart();
  const scratch = PodVolume.fromEmptyDir('scratch');
  job({
    volumeMounts: [{ volume: PodVolume.fromPersistentVolumeClaim('imagenet', 'imagenet', true), path: '/data', readOnly: true }],
    executor: { volumeMounts: [{ volume: scratch, path: '/scratch' }] },
  }, c);
  const spec = app(synthValid(c)).spec;
  expect(spec.volumes).toBeUndefined();
  expect(spec.driver.volumeMounts).toBeUndefined();
  expect(spec.driver.template.spec.volumes).toEqual([{ name: 'imagenet', persistentVolumeClaim: { claimName: 'imagenet', readOnly: true } }]);
  expect(spec.executor.template.spec.volumes.map((v: any) => v.name)).toEqual(['imagenet', 'scratch']);
  expect(spec.executor.template.spec.containers[0].volumeMounts).toEqual([
    { name: 'imagenet', mountPath: '/data', readOnly: true },
    { name: 'scratch', mountPath: '/scratch' },
  ]);
});

test('a security opt-out is recorded on the SparkApplication and its pods', () => {
  const c = chart();
  job({ security: { level: PodSecurityLevel.BASELINE, optOutReason: 'legacy image writes to /etc/passwd' } }, c);
  const obj = app(synthValid(c));
  const annotations = { 'ai-platform.cdk8s.io/pod-security': 'baseline', 'ai-platform.cdk8s.io/pod-security-reason': 'legacy image writes to /etc/passwd' };
  expect(obj.metadata.annotations).toEqual(annotations);
  expect(obj.spec.driver.template.metadata.annotations).toEqual(annotations);
  expect(obj.spec.driver.template.spec.securityContext.runAsUser).toBe(185);
});

// ------------------------------------------------------------------------------------------------
// Batch schedulers, Kueue, monitoring
// ------------------------------------------------------------------------------------------------

test('Volcano: batchScheduler, queue and priority, and schedulerName in both pod templates', () => {
  const c = chart();
  job({ batchScheduler: SparkBatchScheduler.volcano({ queue: 'analytics', priorityClassName: 'batch-high' }) }, c);
  const spec = app(synthValid(c)).spec;
  expect(spec.batchScheduler).toBe('volcano');
  expect(spec.batchSchedulerOptions).toEqual({ queue: 'analytics', priorityClassName: 'batch-high' });
  expect(spec.driver.template.spec.schedulerName).toBe('volcano');
  expect(spec.executor.template.spec.schedulerName).toBe('volcano');
});

test('YuniKorn: batchScheduler and queue', () => {
  const c = chart();
  job({ batchScheduler: SparkBatchScheduler.yunikorn({ queue: 'root.analytics' }) }, c);
  const spec = app(synthValid(c)).spec;
  expect(spec.batchScheduler).toBe('yunikorn');
  expect(spec.batchSchedulerOptions).toEqual({ queue: 'root.analytics' });
  expect(spec.executor.template.spec.schedulerName).toBe('yunikorn');
});

test('batch scheduler queues are checked', () => {
  expectValidationError(() => job({ batchScheduler: SparkBatchScheduler.volcano({ queue: 'Bad Queue' }) }),
    /^\[test\/job\] batchScheduler\.queue: 'Bad Queue' is not valid; a Volcano queue is named like a Kubernetes object/);
  expectValidationError(() => job({ batchScheduler: SparkBatchScheduler.yunikorn({ queue: 'root/x' }) }),
    /^\[test\/job\] batchScheduler\.queue: 'root\/x' is not valid; a YuniKorn queue becomes the pods' 'queue' label/);
  expectValidationError(() => job({ batchScheduler: SparkBatchScheduler.volcano({ priorityClassName: 'High' }) }),
    /^\[test\/job\] batchScheduler\.priorityClassName: 'High' is not valid; must be the name of a PriorityClass/);
});

function kueueQueue(c: Chart, integrations = [...KueueIntegrations.defaults(), KueueIntegration.SPARK_APPLICATION]) {
  return new BatchQueue(c, 'queue', {
    name: 'batch',
    integrations,
    resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } }), quotas: [ResourceQuota.cpu('8'), ResourceQuota.memory('32Gi')] }] }],
  }).addLocalQueue('spark');
}

test('Kueue: a SparkApplication is admitted through the LocalQueue when the integration is enabled', () => {
  const c = chart();
  const queue = kueueQueue(c);
  const priority = new WorkloadPriorityClass(c, 'prio', { name: 'nightly', value: 100 });
  job({ queue, priorityClass: priority }, c);
  const obj = app(synthValid(c));
  expect(obj.metadata.labels).toEqual({ 'kueue.x-k8s.io/queue-name': 'batch', 'kueue.x-k8s.io/priority-class': 'nightly' });
});

test('Kueue: SparkApplication is not among the default integrations, so queueing fails at synth time', () => {
  const c = chart();
  const queue = kueueQueue(c, KueueIntegrations.defaults());
  expectValidationError(() => job({ queue }, c),
    /^\[test\/queue\/LocalQueue-spark-batch\] workload\.kind: 'sparkoperator\.k8s\.io\/SparkApplication' is not valid; Kueue integrations enabled for ClusterQueue 'batch' manage batch\/Job, /);
});

test('Kueue: a scheduled job puts the queue labels on the ScheduledSparkApplication (copied to every run)', () => {
  const c = chart();
  job({ queue: kueueQueue(c), run: SparkRun.scheduled({ schedule: CronSchedule.daily() }) }, c);
  const obj = app(synthValid(c), 'ScheduledSparkApplication');
  expect(obj.metadata.labels).toEqual({ 'kueue.x-k8s.io/queue-name': 'batch' });
});

test('Kueue: a scheduled job is checked for the integration too', () => {
  const c = chart();
  const queue = kueueQueue(c, KueueIntegrations.defaults());
  expectValidationError(() => job({ queue, run: SparkRun.scheduled({ schedule: CronSchedule.daily() }) }, c),
    /^\[test\/job\] queue: 'sparkoperator\.k8s\.io\/SparkApplication' is not valid; Kueue integrations enabled for ClusterQueue 'batch' manage .*; add KueueIntegration\.SPARK_APPLICATION to its integrations/);
});

test('Kueue: the scheduled job must be in the queue\'s namespace', () => {
  const c = chart('other');
  expectValidationError(() => job({ queue: kueueQueue(c), run: SparkRun.scheduled({ schedule: CronSchedule.daily() }) }, c),
    /^\[test\/job\] namespace: 'other' is not valid; a LocalQueue serves only workloads of its own namespace 'spark'$/);
});

test('Kueue: no dynamic allocation, no second batch scheduler, priority only with a queue', () => {
  const c = chart();
  const queue = kueueQueue(c);
  expectValidationError(() => job({ queue, dynamicAllocation: { maxExecutors: 4 } }, c),
    /^\[test\/job\] dynamicAllocation: 'enabled' is not valid; Kueue admits a SparkApplication for a fixed number of executors only/);
  expectValidationError(() => new SparkJob(c, 'job2', { ...PI, name: 'pi2', queue, batchScheduler: SparkBatchScheduler.volcano() }),
    /^\[test\/job2\] queue: 'batch' is not valid; the job is already gang-scheduled by volcano; use either a Kueue queue or batchScheduler$/);
  const prio = new WorkloadPriorityClass(c, 'prio', { name: 'p', value: 1 });
  expectValidationError(() => new SparkJob(c, 'job3', { ...PI, name: 'pi3', priorityClass: prio }),
    /^\[test\/job3\] priorityClass: 'p' is not valid; applies only together with queue$/);
});

test('Prometheus monitoring reads its configuration from the image and declares the metrics port in the pod templates', () => {
  const c = chart();
  job({ monitoring: SparkMonitoring.prometheus({ jmxExporterJar: '/prometheus/jmx_prometheus_javaagent-0.11.0.jar', executorMetrics: false }) }, c);
  const spec = app(synthValid(c)).spec;
  expect(spec.monitoring).toEqual({
    exposeDriverMetrics: true,
    exposeExecutorMetrics: false,
    metricsPropertiesFile: '/etc/metrics/conf/metrics.properties',
    prometheus: { jmxExporterJar: '/prometheus/jmx_prometheus_javaagent-0.11.0.jar', port: 8090, configFile: '/etc/metrics/conf/prometheus.yaml' },
  });
  expect(spec.driver.template.spec.containers[0].ports).toEqual([{ containerPort: 8090, name: 'jmx-exporter' }]);
  expect(spec.executor.template.spec.containers[0].ports).toBeUndefined();
});

test('monitoring options are checked', () => {
  const jar = '/prometheus/jmx.jar';
  expectValidationError(() => job({ monitoring: SparkMonitoring.prometheus({ jmxExporterJar: jar, port: 80 }) }),
    /^\[test\/job\] monitoring\.port: 80 is not valid; must be an integer from 1024 to 49151$/);
  expectValidationError(() => job({ monitoring: SparkMonitoring.prometheus({ jmxExporterJar: jar, port: 4040 }) }),
    /^\[test\/job\] monitoring\.port: 4040 is not valid; Spark itself listens on 4040, 7078, 7079 \(UI, driver RPC, block manager\); pick another port$/);
  expectValidationError(() => job({ monitoring: SparkMonitoring.prometheus({ jmxExporterJar: 'jmx.jar' }) }),
    /^\[test\/job\] monitoring\.jmxExporterJar: 'jmx\.jar' is not valid; must be an absolute path in the image$/);
  expectValidationError(() => job({ monitoring: SparkMonitoring.prometheus({ jmxExporterJar: jar, driverMetrics: false, executorMetrics: false }) }),
    /^\[test\/job\] monitoring\.driverMetrics: false is not valid; expose the driver's or the executors' metrics \(or leave monitoring out\)$/);
});

// ------------------------------------------------------------------------------------------------
// Schedules and streaming
// ------------------------------------------------------------------------------------------------

test('a schedule makes a ScheduledSparkApplication whose template is the application spec', () => {
  const c = chart();
  const j = job({
    run: SparkRun.scheduled({
      schedule: CronSchedule.every(Duration.minutes(3)),
      concurrencyPolicy: SparkConcurrencyPolicy.REPLACE,
      successfulRunHistoryLimit: 3,
      failedRunHistoryLimit: 5,
      timeZone: 'Europe/Berlin',
      suspend: true,
    }),
  }, c);
  const objects = synthValid(c);
  expect(app(objects)).toBeUndefined();
  const scheduled = app(objects, 'ScheduledSparkApplication');
  expect(scheduled.spec).toMatchObject({
    schedule: '@every 3m',
    concurrencyPolicy: 'Replace',
    successfulRunHistoryLimit: 3,
    failedRunHistoryLimit: 5,
    timeZone: 'Europe/Berlin',
    suspend: true,
    template: { type: 'Python', mode: 'cluster', driver: { serviceAccount: 'pi-driver' } },
  });
  expect(j.kind).toBe('ScheduledSparkApplication');
  expect(j.statusContract).toBe(SparkJob.SCHEDULED_STATUS);
});

test('scheduled jobs forbid concurrent runs by default', () => {
  const c = chart();
  job({ run: SparkRun.scheduled({ schedule: CronSchedule.expression('0 2 * * *') }) }, c);
  expect(app(synthValid(c), 'ScheduledSparkApplication').spec).toMatchObject({ schedule: '0 2 * * *', concurrencyPolicy: 'Forbid' });
});

test('schedule validation: cron expression, history limits, time zone, name length', () => {
  expectValidationError(() => job({ run: SparkRun.scheduled({ schedule: CronSchedule.expression('0 25 * * *') }) }),
    /^\[test\/job\] run\.schedule: '0 25 \* \* \*' is not valid; hour field '25': 25 is above the maximum 23; must be a standard 5-field cron expression/);
  expectValidationError(() => job({ run: SparkRun.scheduled({ schedule: CronSchedule.daily(), failedRunHistoryLimit: -1 }) }),
    /^\[test\/job\] run\.failedRunHistoryLimit: -1 is not valid; must be an integer from 0 to 2147483647$/);
  expectValidationError(() => job({ run: SparkRun.scheduled({ schedule: CronSchedule.daily(), successfulRunHistoryLimit: 1.5 }) }),
    /^\[test\/job\] run\.successfulRunHistoryLimit: 1\.5 is not valid; must be an integer from 0 to 2147483647$/);
  expectValidationError(() => job({ run: SparkRun.scheduled({ schedule: CronSchedule.daily(), timeZone: 'Mars/Olympus' }) }),
    /^\[test\/job\] run\.timeZone: 'Mars\/Olympus' is not valid; must be an IANA time zone such as 'UTC' or 'Europe\/Berlin'$/);
  expectValidationError(() => job({ name: 'a-very-long-scheduled-spark-application-name', run: SparkRun.scheduled({ schedule: CronSchedule.daily() }) }),
    /^\[test\/job\] name: 'a-very-long-scheduled-spark-application-name' is not valid; must be a DNS-1035 label \(.*\) of at most 43 characters \(each run is named '<name>-<19-digit timestamp>', and run names are limited to 63\)$/);
});

test('a streaming job restarts always and is read as ready while RUNNING', () => {
  const c = chart();
  const j = job({ run: SparkRun.streaming() }, c);
  const spec = app(synthValid(c)).spec;
  expect(spec.restartPolicy).toEqual({ type: 'Always' });
  expect(spec.driver.template.metadata).toBeUndefined();
  expect(j.statusContract).toBe(SparkJob.STREAMING_STATUS);
  expect(SparkJob.STREAMING_STATUS.succeeded).toEqual(['RUNNING']);
});

test('streaming pods on a pool are not marked do-not-disrupt', () => {
  const c = chart();
  const pool = new GpuNodePool(c, 'pool', { instances: GpuInstances.families(['g5']), gpuLimit: 8, nodeClass: { clusterName: 'ml', role: 'r' } });
  job({ run: SparkRun.streaming(), executor: { pool } }, c);
  expect(app(synthValid(c)).spec.executor.template.metadata).toBeUndefined();
});

test('streaming jobs: restart Always only, no time-to-live (a run is once, scheduled or streaming: SparkRun makes them exclusive)', () => {
  expectValidationError(() => job({ run: SparkRun.streaming(), restartPolicy: SparkRestartPolicy.onFailure({ retries: 3 }) }),
    /^\[test\/job\] restartPolicy: 'OnFailure' is not valid; a streaming job runs until stopped and is restarted whenever it ends: use SparkRestartPolicy\.always\(\)/);
  expectValidationError(() => job({ run: SparkRun.streaming(), timeToLive: Duration.hours(1) }),
    /^\[test\/job\] timeToLive: '3600s' is not valid; a streaming job does not terminate, so a time-to-live after termination never applies$/);
});

test('restart policies render their retries and intervals', () => {
  const c = chart();
  job({
    restartPolicy: SparkRestartPolicy.onFailure({
      retries: 2, retryInterval: Duration.seconds(30), submissionRetries: 5, submissionRetryInterval: Duration.minutes(1),
    }),
  }, c);
  expect(app(synthValid(c)).spec.restartPolicy).toEqual({
    type: 'OnFailure', onFailureRetries: 2, onFailureRetryInterval: 30, onSubmissionFailureRetries: 5, onSubmissionFailureRetryInterval: 60,
  });
  const c2 = chart();
  job({ restartPolicy: SparkRestartPolicy.never() }, c2);
  expect(app(synthValid(c2)).spec.restartPolicy).toEqual({ type: 'Never' });
});

test('restart policy values are checked', () => {
  expectValidationError(() => job({ restartPolicy: SparkRestartPolicy.onFailure({ retries: -1 }) }),
    /^\[test\/job\] restartPolicy\.retries: -1 is not valid; must be an integer from 0 to 2147483647$/);
  expectValidationError(() => job({ restartPolicy: SparkRestartPolicy.onFailure({ retries: 1, retryInterval: Duration.millis(500) }) }),
    /^\[test\/job\] restartPolicy\.retryInterval: '0\.5s' is not valid; must be a whole number of seconds, at least 1$/);
});

test('status contracts name the state field and its terminal values', () => {
  expect(SparkJob.STATUS).toEqual({
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'SparkApplication',
    source: StatusSource.FIELD,
    path: '.status.applicationState.state',
    succeeded: ['COMPLETED'],
    failed: ['FAILED', 'SUBMISSION_FAILED'],
    inProgress: ['SUBMITTED', 'RUNNING', 'PENDING_RERUN', 'INVALIDATING', 'SUCCEEDING', 'FAILING', 'SUSPENDING', 'SUSPENDED', 'RESUMING', 'UNKNOWN'],
    messagePath: '.status.applicationState.errorMessage',
    completes: true,
  });
  expect(SparkJob.STREAMING_STATUS).toEqual({
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'SparkApplication',
    source: StatusSource.FIELD,
    path: '.status.applicationState.state',
    succeeded: ['RUNNING'],
    failed: ['FAILED', 'SUBMISSION_FAILED'],
    inProgress: ['SUBMITTED', 'PENDING_RERUN', 'INVALIDATING', 'SUCCEEDING', 'FAILING', 'SUSPENDING', 'SUSPENDED', 'RESUMING', 'UNKNOWN', 'COMPLETED'],
    messagePath: '.status.applicationState.errorMessage',
    completes: false,
  });
  expect(SparkJob.SCHEDULED_STATUS).toEqual({
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'ScheduledSparkApplication',
    source: StatusSource.FIELD,
    path: '.status.scheduleState',
    succeeded: ['Scheduled'],
    failed: ['FailedValidation'],
    inProgress: ['Validating'],
    messagePath: '.status.reason',
    completes: false,
  });
  expect(job().statusContract).toBe(SparkJob.STATUS);
});

// ------------------------------------------------------------------------------------------------
// Validation
// ------------------------------------------------------------------------------------------------

test('names, namespace, version and image', () => {
  expectValidationError(() => job({ name: '1pi' }),
    /^\[test\/job\] name: '1pi' is not valid; must be a DNS-1035 label \(lowercase letters, digits and '-', starting with a letter\) of at most 63 characters$/);
  expectValidationError(() => job({ namespace: 'Spark' }),
    /^\[test\/job\] namespace: 'Spark' is not valid; must be a DNS-1123 label/);
  expectValidationError(() => job({ sparkVersion: 'latest' }),
    /^\[test\/job\] sparkVersion: 'latest' is not valid; must be a Spark version such as '3\.5\.5'$/);
  expectValidationError(() => job({ sparkVersion: '2.4.8' }),
    /^\[test\/job\] sparkVersion: '2\.4\.8' is not valid; must be at least 3\.0\.0: pod settings are rendered as Spark pod templates, which older Spark ignores$/);
  expectValidationError(() => job({ image: 'Spark:3' }),
    /^\[test\/job\] image: 'Spark:3' is not valid; must be an image reference such as 'docker\.io\/apache\/spark:3\.5\.5'$/);
  expectValidationError(() => job({ type: 'Go' as any }),
    /^\[test\/job\] type: 'Go' is not valid; must be one of Java, Scala, Python, R$/);
});

test('without a namespace and an existing account, the driver RoleBinding cannot be written', () => {
  expectValidationError(() => job({}, chart(null)),
    /^\[test\/job\] namespace: undefined is not valid; the driver's RoleBinding must name its ServiceAccount's namespace: set namespace \(or the chart's namespace\), or pass an existing serviceAccountName$/);
});

test('main application file and main class', () => {
  expectValidationError(() => job({ type: SparkApplicationType.SCALA, mainApplicationFile: 'local:///opt/app.jar' }),
    /^\[test\/job\] mainClass: undefined is not valid; a Scala application needs its main class, e\.g\. 'org\.apache\.spark\.examples\.SparkPi'$/);
  expectValidationError(() => job({ type: SparkApplicationType.JAVA, mainApplicationFile: 'local:///opt/app.jar', mainClass: 'com.example.' }),
    /^\[test\/job\] mainClass: 'com\.example\.' is not valid; must be a fully qualified class name/);
  expectValidationError(() => job({ mainClass: 'org.example.Main' }),
    /^\[test\/job\] mainClass: 'org\.example\.Main' is not valid; applies only to Java and Scala applications, not Python$/);
  expectValidationError(() => job({ mainApplicationFile: 'local:///opt/app.jar' }),
    /^\[test\/job\] mainApplicationFile: 'local:\/\/\/opt\/app\.jar' is not valid; a Python application's main file must be a \.py file$/);
  expectValidationError(() => job({ mainApplicationFile: '/opt/app/pi.py' }),
    /^\[test\/job\] mainApplicationFile: '\/opt\/app\/pi\.py' is not valid; must be a URI the cluster can read: 'local:\/\/\/path\/in\/the\/image' or remote storage/);
  expectValidationError(() => job({ mainApplicationFile: 'file:///home/me/pi.py' }),
    /^\[test\/job\] mainApplicationFile: 'file:\/\/\/home\/me\/pi\.py' is not valid; must be a URI the cluster can read/);
  expectValidationError(() => job({ type: SparkApplicationType.R, mainApplicationFile: 's3a://b/app.py' }),
    /^\[test\/job\] mainApplicationFile: 's3a:\/\/b\/app\.py' is not valid; a R application's main file must be an \.R file$/);
});

test('cores, CPU request and limit', () => {
  expectValidationError(() => job({ driver: { cores: 0 } }),
    /^\[test\/job\] driver\.cores: 0 is not valid; must be an integer from 1 to 2147483647$/);
  expectValidationError(() => job({ executor: { cores: 1.5 } }),
    /^\[test\/job\] executor\.cores: 1\.5 is not valid; must be an integer from 1 to 2147483647$/);
  expectValidationError(() => job({ driver: { cores: 2, coreLimit: Cpu.millis(1200) } }),
    /^\[test\/job\] driver\.coreLimit: '1200m' is not valid; must be at least the pod's CPU request \(2 from cores\), or Kubernetes rejects the pod$/);
  expectValidationError(() => job({ executor: { coreRequest: Cpu.millis(800), coreLimit: Cpu.millis(500) } }),
    /^\[test\/job\] executor\.coreLimit: '500m' is not valid; must be at least the pod's CPU request \(800m\), or Kubernetes rejects the pod$/);
  expectValidationError(() => job({ executor: { coreRequest: Cpu.millis(0) } }),
    /^\[test\/job\] executor\.coreRequest: '0m' is not valid; must be more than 0 cores$/);
});

test('memory: Spark\'s minimum heap, whole mebibytes, no -Xmx, overhead factor', () => {
  expectValidationError(() => job({ executor: { memory: Size.mebibytes(256) } }),
    /^\[test\/job\] executor\.memory: '256m' is not valid; Spark refuses a heap below 450 MiB \('System memory \.\.\. must be at least 471859200'\); use at least Size\.mebibytes\(450\)$/);
  expectValidationError(() => job({ driver: { memory: Size.kibibytes(600000) } }),
    /^\[test\/job\] driver\.memory: '600000KiB' is not valid; Spark reads memory settings in whole mebibytes; use Size\.mebibytes\(\) or Size\.gibibytes\(\)$/);
  expectValidationError(() => job({ executor: { memoryOverhead: Size.kibibytes(100) } }),
    /^\[test\/job\] executor\.memoryOverhead: '100KiB' is not valid; Spark reads memory settings in whole mebibytes/);
  expectValidationError(() => job({ driver: { javaOptions: '-XX:+UseG1GC -Xmx4g' } }),
    /^\[test\/job\] driver\.javaOptions: '-XX:\+UseG1GC -Xmx4g' is not valid; Spark refuses -Xmx in Java options; set the heap with memory$/);
  expectValidationError(() => job({ memoryOverheadFactor: 0 }),
    /^\[test\/job\] memoryOverheadFactor: 0 is not valid; must be a number greater than 0, e\.g\. 0\.1 \(JVM\) or 0\.4 \(Python\)$/);
});

test('dynamic allocation: min <= initial <= max, and executor instances within', () => {
  expectValidationError(() => job({ dynamicAllocation: { minExecutors: 5, maxExecutors: 2 } }),
    /^\[test\/job\] dynamicAllocation\.minExecutors: 5 is not valid; must not exceed maxExecutors \(2\)$/);
  expectValidationError(() => job({ dynamicAllocation: { minExecutors: 1, initialExecutors: 8, maxExecutors: 4 } }),
    /^\[test\/job\] dynamicAllocation\.initialExecutors: 8 is not valid; must be between minExecutors \(1\) and maxExecutors \(4\)$/);
  expectValidationError(() => job({ dynamicAllocation: { maxExecutors: 4, shuffleTrackingTimeout: Duration.millis(0) } }),
    /^\[test\/job\] dynamicAllocation\.shuffleTrackingTimeout: '0ms' is not valid; must be at least 1 ms$/);
  expectValidationError(() => job({ dynamicAllocation: { maxExecutors: 0 } }),
    /^\[test\/job\] dynamicAllocation\.maxExecutors: 0 is not valid; must be an integer from 1 to 2147483647$/);
  expectValidationError(() => job({ dynamicAllocation: { maxExecutors: 4 }, executor: { instances: 6 } }),
    /^\[test\/job\] executor\.instances: 6 is not valid; with dynamic allocation, the initial number of executors must be between minExecutors \(0\) and maxExecutors \(4\)$/);
  expectValidationError(() => job({ executor: { instances: 0 } }),
    /^\[test\/job\] executor\.instances: 0 is not valid; must be an integer from 1 to 2147483647$/);
});

test('sparkConf: keys the operator denies, keys with a typed option, the namespace, credentials', () => {
  expectValidationError(() => job({ sparkConf: { 'spark.kubernetes.container.image': 'x' } }),
    /^\[test\/job\] sparkConf\.spark\.kubernetes\.container\.image: 'x' is not valid; use image \(the Spark operator denies this key\)$/);
  expectValidationError(() => job({ sparkConf: { 'spark.executor.instances': '4' } }),
    /^\[test\/job\] sparkConf\.spark\.executor\.instances: '4' is not valid; set it with the typed option executor\.instances instead$/);
  expectValidationError(() => job({ sparkConf: { 'spark.kubernetes.namespace': 'other' } }),
    /^\[test\/job\] sparkConf\.spark\.kubernetes\.namespace: 'other' is not valid; must equal the application's namespace 'spark' \(the Spark operator denies anything else\); leave it out$/);
  expectValidationError(() => job({ sparkConf: { 'spark.hadoop.fs.s3a.secret.key': 'abc' } }),
    /^\[test\/job\] sparkConf\.spark\.hadoop\.fs\.s3a\.secret\.key: 'spark\.hadoop\.fs\.s3a\.secret\.key=<literal>' is not valid; looks like a credential .* EnvVarValue\.fromSecretKey/);
  expectValidationError(() => job({ sparkConf: { 'spark driver': 'x' } }),
    /^\[test\/job\] sparkConf: 'spark driver' is not valid; configuration keys are non-empty and contain no whitespace$/);
});

test('hadoopConf: credentials are rejected, pointers to them are not', () => {
  expectValidationError(() => job({ hadoopConf: { 'fs.s3a.access.key': 'AKIA...' } }),
    /^\[test\/job\] hadoopConf\.fs\.s3a\.access\.key: 'fs\.s3a\.access\.key=<literal>' is not valid; looks like a credential/);
  expectValidationError(() => job({ hadoopConf: { 'fs.azure.sas.token': 't' } }),
    /^\[test\/job\] hadoopConf\.fs\.azure\.sas\.token: 'fs\.azure\.sas\.token=<literal>' is not valid; looks like a credential/);
  const c = chart();
  job({ hadoopConf: { 'fs.s3a.aws.credentials.provider': 'com.amazonaws.auth.EnvironmentVariableCredentialsProvider' } }, c);
  expect(app(synthValid(c)).spec.hadoopConf).toEqual({ 'fs.s3a.aws.credentials.provider': 'com.amazonaws.auth.EnvironmentVariableCredentialsProvider' });
});

test('dependencies', () => {
  expectValidationError(() => job({ deps: { jars: ['/home/me/udf.jar'] } }),
    /^\[test\/job\] deps\.jars\[0\]: '\/home\/me\/udf\.jar' is not valid; must be a URI the cluster can read/);
  expectValidationError(() => job({ deps: { packages: ['org.apache.hadoop:hadoop-aws'] } }),
    /^\[test\/job\] deps\.packages\[0\]: 'org\.apache\.hadoop:hadoop-aws' is not valid; must be Maven coordinates 'groupId:artifactId:version'$/);
  expectValidationError(() => job({ deps: { excludePackages: ['guava'] } }),
    /^\[test\/job\] deps\.excludePackages\[0\]: 'guava' is not valid; must be 'groupId:artifactId'$/);
  expectValidationError(() => job({ deps: { repositories: ['repo.example.com'] } }),
    /^\[test\/job\] deps\.repositories\[0\]: 'repo\.example\.com' is not valid; must be a repository URL/);
  expectValidationError(() => job({ type: SparkApplicationType.SCALA, mainApplicationFile: 'local:///a.jar', mainClass: 'a.B', deps: { pyFiles: ['s3a://b/x.zip'] } }),
    /^\[test\/job\] deps\.pyFiles: \["s3a:\/\/b\/x\.zip"\] is not valid; apply only to Python applications$/);
});

test('time-to-live and image pull secrets', () => {
  expectValidationError(() => job({ timeToLive: Duration.millis(10) }),
    /^\[test\/job\] timeToLive: '0\.01s' is not valid; must be a whole number of seconds, at least 1$/);
  expectValidationError(() => job({ imagePullSecrets: ['Registry'] }),
    /^\[test\/job\] imagePullSecrets\[0\]: 'Registry' is not valid; must be a DNS-1123 subdomain/);
  expectValidationError(() => job({ serviceAccountName: 'Spark' }),
    /^\[test\/job\] serviceAccountName: 'Spark' is not valid; must be a DNS-1123 subdomain/);
});

test('pod-level mistakes fail where the job is declared', () => {
  expectValidationError(() => job({ env: { API_TOKEN: EnvVarValue.fromValue('secret') } }),
    /^\[test\/job\] env\.API_TOKEN: 'API_TOKEN=<literal>' is not valid; looks like a credential/);
  expectValidationError(() => job({ driver: { podLabels: { 'bad key!': 'x' } } }),
    /^\[test\/job\] driver\.podLabels\.bad key!: 'bad key!' is not valid/);
});
