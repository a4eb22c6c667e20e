import { Chart, Duration, Size, Testing } from 'cdk8s';
import {
  Accelerator, BatchQueue, CacheMedium, CacheRuntime, CronSchedule, DataLoad, DataLoadPolicy, Dataset, DatasetAccessMode, DatasetMount,
  EnvVarValue, GpuInstances, GpuNodePool, GpuSharing, KueueIntegration, KueueIntegrations, NvidiaDevicePlugin, PodVolume, QueueFlavors,
  ResourceQuota, SparkApplicationType, SparkConcurrencyPolicy, SparkJob, SparkJobProps, SparkRestartPolicy, SparkRun,
  WorkloadBase, WorkloadPriorityClass, WorkloadTemplate,
} from '../../src';
import { ValidationError } from '../../src/core/errors';
import { expectValidationError, synthValid } from '../util';

const PI: SparkJobProps = {
  name: 'pi',
  type: SparkApplicationType.PYTHON,
  sparkVersion: '3.5.5',
  image: 'docker.io/apache/spark:3.5.5',
  mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
};
const ALLUXIO = CacheRuntime.alluxio({ tiers: [{ medium: CacheMedium.MEMORY, quota: Size.gibibytes(2) }] });
const IMAGENET = { name: 'imagenet', mounts: [DatasetMount.fromUri('s3://datasets/imagenet/', { name: 'imagenet' })], runtime: ALLUXIO };
const nodeClass = { clusterName: 'ml', role: 'KarpenterNodeRole-ml' };

function chart(namespace: string | null = 'spark'): Chart {
  return new Chart(Testing.app(), 'test', { namespace: namespace ?? undefined });
}

function job(props: Partial<SparkJobProps> = {}, c: Chart = chart()): SparkJob {
  return new SparkJob(c, 'job', { ...PI, ...props } as SparkJobProps);
}

function byKind(objects: any[], kind: string): any {
  return objects.find(o => o.kind === kind);
}

/** A RegExp matching exactly `s`. */
function exact(s: string): RegExp {
  return new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
}

/** Synthesizes the chart `build` fills, and returns its objects or the ValidationError's message. */
function outcome(build: (c: Chart) => void): { objects?: any[]; error?: string } {
  const c = chart();
  build(c);
  try {
    return { objects: Testing.synth(c) };
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return { error: (e as Error).message };
  }
}

// ------------------------------------------------------------------------------------------------
// The workload model: primary object, supporting objects, status, pod templates
// ------------------------------------------------------------------------------------------------

test('SparkJob is a workload: the SparkApplication is its primary object, the driver account supports it', () => {
  const c = chart();
  const j = job({}, c);
  expect(WorkloadBase.isWorkload(j)).toBe(true);
  expect(j.node.defaultChild).toBe(j.apiObject);
  expect(j.apiObject.kind).toBe('SparkApplication');
  expect(j.supportingObjects.map(o => o.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding']);
  expect(j.podTemplates).toEqual([j.driverPodTemplate, j.executorPodTemplate]);
  expect(j.primaryContainerName).toBe('spark-kubernetes-driver');
  expect(j.status).toEqual({ contract: SparkJob.STATUS, name: 'pi', namespace: 'spark' });
  expect(job({ run: SparkRun.scheduled({ schedule: CronSchedule.daily() }) }).statusContract).toBe(SparkJob.SCHEDULED_STATUS);
  expect(job({ run: SparkRun.streaming() }).statusContract).toBe(SparkJob.STREAMING_STATUS);
  expect(job({ run: SparkRun.once() }).statusContract).toBe(SparkJob.STATUS);
});

test('Dataset and DataLoad are workloads: the Fluid Dataset (runtime supporting) and the DataLoad', () => {
  const c = chart('data');
  const ds = new Dataset(c, 'ds', IMAGENET);
  const load = ds.warmUp('warm');
  expect(ds.apiObject.kind).toBe('Dataset');
  expect(ds.node.defaultChild).toBe(ds.apiObject);
  expect(ds.supportingObjects.map(o => o.kind)).toEqual(['AlluxioRuntime', 'DataLoad']);
  expect(ds.statusContract).toBe(Dataset.STATUS);
  expect(ds.podTemplates).toEqual([]);
  expect(load.apiObject.kind).toBe('DataLoad');
  expect(load.statusContract).toBe(DataLoad.STATUS);
  expect(load.supportingObjects).toEqual([]);
  expect(load.status).toEqual({ contract: DataLoad.STATUS, name: load.name, namespace: 'data' });
});

test('metadata props: labels and annotations of the primary object, pod labels and annotations job-wide and per role', () => {
  const c = chart();
  job({
    labels: { team: 'bi' },
    annotations: { owner: 'bi@example.com' },
    podLabels: { app: 'pi' },
    podAnnotations: { note: 'all' },
    driver: { podLabels: { role: 'driver' } },
    executor: { podAnnotations: { note: 'executors' } },
  }, c);
  const obj = byKind(synthValid(c), 'SparkApplication');
  expect(obj.metadata).toEqual({ name: 'pi', namespace: 'spark', labels: { team: 'bi' }, annotations: { owner: 'bi@example.com' } });
  expect(obj.spec.driver.template.metadata).toEqual({ labels: { app: 'pi', role: 'driver' }, annotations: { note: 'all' } });
  expect(obj.spec.executor.template.metadata).toEqual({ labels: { app: 'pi' }, annotations: { note: 'executors' } });
});

test('job-wide pool and shared memory reach both roles; a role\'s pool replaces the job\'s', () => {
  const c = chart();
  const gpu = new GpuNodePool(c, 'gpu', { instances: GpuInstances.families(['g5']), gpuLimit: 8, nodeClass });
  const cpu = new GpuNodePool(c, 'other', { instances: GpuInstances.families(['g6']), gpuLimit: 8, nodeClass });
  job({ pool: gpu, sharedMemory: true, driver: { pool: cpu }, executor: { accelerator: Accelerator.nvidia() } }, c);
  const spec = byKind(synthValid(c), 'SparkApplication').spec;
  expect(spec.driver.template.spec.nodeSelector['karpenter.sh/nodepool']).toBe('other');
  expect(spec.executor.template.spec.nodeSelector['karpenter.sh/nodepool']).toBe('gpu');
  for (const t of [spec.driver.template, spec.executor.template]) {
    expect(t.spec.containers[0].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
  }
});

// ------------------------------------------------------------------------------------------------
// (a) Validate eagerly, render lazily: changes after construction count
// ------------------------------------------------------------------------------------------------

test('a change to a pod template after construction reaches the output', () => {
  const c = chart();
  const j = job({}, c);
  j.podTemplates[0].placement.selectNodeLabel('zone', 'eu-central-1a');
  j.podTemplates[1].placement.addPodLabel('late', 'yes');
  const spec = byKind(synthValid(c), 'SparkApplication').spec;
  expect(spec.driver.template.spec.nodeSelector).toEqual({ zone: 'eu-central-1a' });
  expect(spec.executor.template.metadata).toEqual({ labels: { late: 'yes' } });
});

test('a change after construction reaches a scheduled job\'s template and its WorkloadTemplate rendering', () => {
  const t = new WorkloadTemplate({ namespace: 'spark', chartId: 'test' });
  const j = new SparkJob(t.scope, 'job', { ...PI, run: SparkRun.scheduled({ schedule: CronSchedule.daily() }) });
  j.podTemplates[1].placement.selectNodeLabel('disk', 'nvme');
  expect(t.render().primary.spec.template.executor.template.spec.nodeSelector).toEqual({ disk: 'nvme' });
});

test('an invalid change after construction fails at synth with the library\'s error, naming the user\'s prop', () => {
  const c = chart();
  const j = job({}, c);
  j.podTemplates[0].placement.selectNodeLabel('bad key!', 'x');
  expectValidationError(() => Testing.synth(c), exact(
    "[test/job] driver.placement.nodeSelector: 'bad key!' is not valid; node selector keys are label keys: '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'"));
});

test('a mount added to a Dataset after construction reaches the output', () => {
  const c = chart('data');
  const ds = new Dataset(c, 'ds', IMAGENET);
  ds.mounts.push(DatasetMount.fromUri('s3://datasets/coco/', { name: 'coco' }));
  expect(byKind(synthValid(c), 'Dataset').spec.mounts.map((m: any) => m.name)).toEqual(['imagenet', 'coco']);
});

// ------------------------------------------------------------------------------------------------
// (b) Declaration order does not change the result
// ------------------------------------------------------------------------------------------------

test('a GPU SparkJob without a pool, declared before or after the GpuNodePool: the same error', () => {
  const message = "[test/job] executor.pool: undefined is not valid; the pods request 1 nvidia.com/gpu but are placed on no node pool; pass one of 'a10g'";
  const gpuJob = (c: Chart) => job({ executor: { accelerator: Accelerator.nvidia() } }, c);
  const pool = (c: Chart) => new GpuNodePool(c, 'a10g', { instances: GpuInstances.families(['g5']), gpuLimit: 16, nodeClass });
  expect(outcome(c => { gpuJob(c); pool(c); })).toEqual({ error: message });
  expect(outcome(c => { pool(c); gpuJob(c); })).toEqual({ error: message });
});

test('a time-sliced GPU SparkJob on a pool, declared before or after the device plugin: the same output', () => {
  const build = (pluginFirst: boolean) => (c: Chart) => {
    const pool = new GpuNodePool(c, 'shared', { instances: GpuInstances.families(['g6']), nodeClass });
    const plugin = () => new NvidiaDevicePlugin(c, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
    if (pluginFirst) plugin();
    job({ executor: { pool, accelerator: Accelerator.nvidia({ sharing: GpuSharing.TIME_SLICING }) } }, c);
    if (!pluginFirst) plugin();
  };
  const before = outcome(build(false));
  const after = outcome(build(true));
  expect(before.error).toBeUndefined();
  expect(after.error).toBeUndefined();
  const sorted = (objects: any[]) => [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
  expect(sorted(before.objects!)).toEqual(sorted(after.objects!));
  const spec = byKind(before.objects!, 'SparkApplication').spec;
  expect(spec.executor.template.spec.containers[0].resources.limits).toEqual({ 'nvidia.com/gpu.shared': '1' });
});

test('a whole-GPU SparkJob on a time-sliced pool, declared before or after the device plugin: the same error, naming executor.accelerator', () => {
  const message = "[test/job] executor.accelerator.resourceName: 'nvidia.com/gpu' is not valid; node pool 'shared' offers 'nvidia.com/gpu.shared'; place the workload on a pool that offers 'nvidia.com/gpu'";
  const build = (pluginFirst: boolean) => (c: Chart) => {
    const pool = new GpuNodePool(c, 'shared', { instances: GpuInstances.families(['g6']), nodeClass });
    const plugin = () => new NvidiaDevicePlugin(c, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
    if (pluginFirst) plugin();
    job({ executor: { pool, accelerator: Accelerator.nvidia() } }, c);
    if (!pluginFirst) plugin();
  };
  expect(outcome(build(false))).toEqual({ error: message });
  expect(outcome(build(true))).toEqual({ error: message });
});

test('GPU capacity errors name the role\'s accelerator prop', () => {
  const c = chart();
  const pool = new GpuNodePool(c, 'gpu', { instances: GpuInstances.types(['g5.xlarge']), nodeClass });
  job({ executor: { pool, accelerator: Accelerator.nvidia({ count: 2 }) } }, c);
  expectValidationError(() => Testing.synth(c), exact(
    "[test/job] executor.accelerator.count: 2 is not valid; the largest node of pool 'gpu' has 1 nvidia.com/gpu; request at most 1 per pod"));
});

test('a dataset of another namespace mounted by a SparkJob: a synth error whatever the order', () => {
  const message = "[test/job] driver.volumeMounts[0].volume: 'imagenet' is not valid; dataset 'imagenet' is in namespace 'data' and its PersistentVolumeClaim can be mounted only by pods of that namespace, not 'spark'";
  const jobMessage = message.replace('driver.volumeMounts[0]', 'volumeMounts[0]');
  expect(outcome(c => {
    const ds = new Dataset(c, 'ds', { ...IMAGENET, namespace: 'data' });
    job({ volumeMounts: [ds.volumeMount('/data')] }, c);
  })).toEqual({ error: jobMessage });
  expect(outcome(c => {
    const ds = Dataset.fromDatasetName(c, 'ds', 'imagenet', { namespace: 'data' });
    job({ driver: { volumeMounts: [ds.volumeMount('/data')] } }, c);
  })).toEqual({ error: message });
  // same namespace: fine
  const ok = outcome(c => {
    const ds = Dataset.fromDatasetName(c, 'ds', 'imagenet');
    job({ volumeMounts: [ds.volumeMount('/data')] }, c);
  });
  expect(ok.error).toBeUndefined();
  expect(byKind(ok.objects!, 'SparkApplication').spec.driver.template.spec.volumes)
    .toEqual([{ name: 'imagenet', persistentVolumeClaim: { claimName: 'imagenet', readOnly: true } }]);
});

// ------------------------------------------------------------------------------------------------
// (c) A WorkloadTemplate renders what the app synthesizes
// ------------------------------------------------------------------------------------------------

function expectTemplateEqualsSynth(namespace: string, declare: (scope: Chart | any) => void, primaryKind: string): void {
  const c = chart(namespace);
  declare(c);
  const objects = synthValid(c);
  const t = new WorkloadTemplate({ namespace, chartId: 'test' });
  declare(t.scope);
  const { primary, supporting } = t.render();
  expect(primary).toEqual(byKind(objects, primaryKind));
  expect([primary, ...supporting].sort((a, b) => `${a.kind}`.localeCompare(b.kind)))
    .toEqual([...objects].sort((a, b) => `${a.kind}`.localeCompare(b.kind)));
}

test('a SparkJob rendered in a WorkloadTemplate equals the app\'s synth (once, scheduled, streaming)', () => {
  const props: Partial<SparkJobProps> = {
    env: { AWS_SECRET_ACCESS_KEY: EnvVarValue.fromSecretKey('s3', 'secret') },
    driver: { cores: 1, memory: Size.mebibytes(512) },
    executor: { instances: 3, podLabels: { team: 'bi' } },
    timeToLive: Duration.hours(1),
  };
  expectTemplateEqualsSynth('spark', s => new SparkJob(s, 'job', { ...PI, ...props } as SparkJobProps), 'SparkApplication');
  expectTemplateEqualsSynth('spark', s => new SparkJob(s, 'job', { ...PI, ...props, run: SparkRun.scheduled({ schedule: CronSchedule.daily() }) } as SparkJobProps),
    'ScheduledSparkApplication');
  expectTemplateEqualsSynth('spark', s => new SparkJob(s, 'job', { ...PI, run: SparkRun.streaming() }), 'SparkApplication');
});

test('a Dataset and a DataLoad of an imported Dataset rendered in a WorkloadTemplate equal the app\'s synth', () => {
  expectTemplateEqualsSynth('data', s => new Dataset(s, 'ds', IMAGENET), 'Dataset');
  expectTemplateEqualsSynth('data', s => new DataLoad(s, 'load', {
    dataset: Dataset.fromDatasetName(s, 'ds', 'imagenet'), name: 'warm', targets: [{ path: '/anything' }],
  }), 'DataLoad');
});

// ------------------------------------------------------------------------------------------------
// Imported datasets
// ------------------------------------------------------------------------------------------------

test('Dataset.fromDatasetName: a DataLoad and mounts by name and namespace, nothing emitted for the dataset', () => {
  const c = chart('data');
  const ds = Dataset.fromDatasetName(c, 'ds', 'imagenet', { namespace: 'shared-data', accessMode: DatasetAccessMode.READ_WRITE_MANY });
  expect(ds.namespace).toBe('shared-data');
  expect(ds.readOnly).toBe(false);
  expect(ds.pathsInDataset).toBeUndefined();
  new DataLoad(c, 'load', { dataset: ds, name: 'warm', targets: [{ path: '/not/checked' }] });
  const objects = synthValid(c);
  expect(objects.map(o => o.kind)).toEqual(['DataLoad']);
  expect(objects[0].metadata).toEqual({ name: 'warm', namespace: 'shared-data' });
  expect(objects[0].spec.dataset).toEqual({ name: 'imagenet', namespace: 'shared-data' });
  expect(ds.volumeMount('/data')).toEqual({ volume: expect.any(PodVolume), path: '/data', readOnly: false, subPath: undefined });
  expect(Dataset.fromDatasetName(chart('x'), 'd', 'n').namespace).toBe('x');
});

test('Dataset.fromDatasetName: name, namespace and access mode are checked', () => {
  expectValidationError(() => Dataset.fromDatasetName(chart(), 'ds', 'ImageNet'), exact(
    "[test/ds] name: 'ImageNet' is not valid; must be the name of a Fluid Dataset: a DNS-1035 label (lowercase letters, digits and '-', starting with a letter) of at most 45 characters"));
  expectValidationError(() => Dataset.fromDatasetName(chart(), 'ds', 'imagenet', { namespace: 'Data' }),
    /^\[test\/ds\] namespace: 'Data' is not valid; must be a DNS-1123 label/);
  expectValidationError(() => Dataset.fromDatasetName(chart(), 'ds', 'imagenet', { accessMode: 'ReadWriteOnce' as any }), exact(
    "[test/ds] accessMode: 'ReadWriteOnce' is not valid; must be one of ReadOnlyMany, ReadWriteMany"));
  expectValidationError(() => Dataset.fromDatasetName(chart(), 'ds', 'imagenet').volume(false), exact(
    "[test/ds] volume.readOnly: false is not valid; dataset 'imagenet' is ReadOnlyMany; set accessMode: DatasetAccessMode.READ_WRITE_MANY to write to it"));
});

test('a DataLoad runs in its dataset\'s namespace', () => {
  const c = chart('data');
  const ds = new Dataset(c, 'ds', IMAGENET);
  expectValidationError(() => ds.warmUp('warm', { namespace: 'other' }), exact(
    "[test/ds/warm] namespace: 'other' is not valid; a DataLoad runs in its dataset's namespace 'data' (Fluid fails it otherwise); leave namespace out"));
  ds.warmUp('same', { name: 'same', namespace: 'data', labels: { a: 'b' } });
  expect(byKind(synthValid(c), 'DataLoad').metadata).toEqual({ name: 'same', namespace: 'data', labels: { a: 'b' } });
});

// ------------------------------------------------------------------------------------------------
// (d) Moved and renamed rules: exact messages, the library's error, the user's field path
// ------------------------------------------------------------------------------------------------

test('renamed props: priorityClass, driver/executor podLabels, job-wide podLabels', () => {
  const c = chart();
  const prio = new WorkloadPriorityClass(c, 'prio', { name: 'p', value: 1 });
  expectValidationError(() => job({ priorityClass: prio }, c), exact(
    "[test/job] priorityClass: 'p' is not valid; applies only together with queue"));
  const e = expectValidationError(() => job({ executor: { podLabels: { 'bad key!': 'x' } } }),
    /^\[test\/job\] executor\.podLabels\.bad key!: 'bad key!' is not valid; /);
  expect(e.field).toBe('executor.podLabels.bad key!');
  expect(expectValidationError(() => job({ podLabels: { 'bad key!': 'x' } }), /^\[test\/job\] podLabels\.bad key!: /).field).toBe('podLabels.bad key!');
});

test('run: schedule errors name run.*', () => {
  const run = (o: any) => job({ run: SparkRun.scheduled({ schedule: CronSchedule.daily(), ...o }) });
  expect(expectValidationError(() => job({ run: SparkRun.scheduled({ schedule: CronSchedule.expression('61 * * * *') }) }),
    /^\[test\/job\] run\.schedule: '61 \* \* \* \*' is not valid; minute field '61': 61 is above the maximum 59; /).field).toBe('run.schedule');
  expectValidationError(() => run({ timeZone: 'Nowhere/Else' }), exact(
    "[test/job] run.timeZone: 'Nowhere/Else' is not valid; must be an IANA time zone such as 'UTC' or 'Europe/Berlin'"));
  expectValidationError(() => run({ successfulRunHistoryLimit: -2 }), exact(
    '[test/job] run.successfulRunHistoryLimit: -2 is not valid; must be an integer from 0 to 2147483647'));
  expectValidationError(() => run({ failedRunHistoryLimit: 0.5 }), exact(
    '[test/job] run.failedRunHistoryLimit: 0.5 is not valid; must be an integer from 0 to 2147483647'));
  expectValidationError(() => run({ concurrencyPolicy: 'Sometimes' as SparkConcurrencyPolicy }), exact(
    "[test/job] run.concurrencyPolicy: 'Sometimes' is not valid; must be one of Allow, Forbid, Replace"));
});

test('streaming rules that remain: restart policy Always, no time-to-live', () => {
  expectValidationError(() => job({ run: SparkRun.streaming(), restartPolicy: SparkRestartPolicy.never() }), exact(
    "[test/job] restartPolicy: 'Never' is not valid; a streaming job runs until stopped and is restarted whenever it ends: use SparkRestartPolicy.always() (the default for streaming jobs)"));
  expectValidationError(() => job({ run: SparkRun.streaming(), timeToLive: Duration.minutes(1) }), exact(
    "[test/job] timeToLive: '60s' is not valid; a streaming job does not terminate, so a time-to-live after termination never applies"));
});

test('pod errors name the prop the user wrote: job-wide env, a role\'s env, image', () => {
  expect(expectValidationError(() => job({ env: { API_TOKEN: EnvVarValue.fromValue('x') } }),
    /^\[test\/job\] env\.API_TOKEN: 'API_TOKEN=<literal>' is not valid; looks like a credential/).field).toBe('env.API_TOKEN');
  expect(expectValidationError(() => job({ driver: { env: { API_TOKEN: EnvVarValue.fromValue('x') } } }),
    /^\[test\/job\] driver\.env\.API_TOKEN: 'API_TOKEN=<literal>' is not valid; looks like a credential/).field).toBe('driver.env.API_TOKEN');
  // a job-wide variable a role overrides is the role's
  expect(expectValidationError(() => job({ env: { API_TOKEN: EnvVarValue.fromSecretKey('s', 'k') }, executor: { env: { API_TOKEN: EnvVarValue.fromValue('x') } } }),
    /^\[test\/job\] executor\.env\.API_TOKEN: /).field).toBe('executor.env.API_TOKEN');
});

test('pod errors name job-wide and per-role volume mounts by their own index', () => {
  const a = PodVolume.fromEmptyDir('scratch');
  const b = PodVolume.fromEmptyDir('scratch', { sizeLimit: Size.gibibytes(1) });
  const e = expectValidationError(() => job({ volumeMounts: [{ volume: a, path: '/a' }], executor: { volumeMounts: [{ volume: b, path: '/b' }] } }),
    /^\[test\/job\] executor\.volumeMounts\[0\]\.volume: 'scratch' is not valid; two different volumes use this name/);
  expect(e.field).toBe('executor.volumeMounts[0].volume');
});

test('Kueue: a SparkApplication of another namespace than its queue\'s is rejected (it is never moved)', () => {
  const c = chart('other');
  const queue = new BatchQueue(c, 'queue', {
    name: 'batch',
    integrations: [...KueueIntegrations.defaults(), KueueIntegration.SPARK_APPLICATION],
    resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } }), quotas: [ResourceQuota.cpu('8')] }] }],
  }).addLocalQueue('spark');
  expectValidationError(() => job({ queue }, c), exact(
    "[test/job] namespace: 'other' is not valid; a LocalQueue serves only workloads of its own namespace 'spark'"));
});

test('Durations: a non-Duration or NaN is the library\'s error naming the prop', () => {
  const nan = Duration.seconds(NaN);
  expectValidationError(() => job({ timeToLive: nan }), /^\[test\/job\] timeToLive: (NaN|'NaN') is not valid; must be /);
  expectValidationError(() => job({ timeToLive: 3600 as any }), exact(
    '[test/job] timeToLive: 3600 is not valid; must be a Duration, e.g. Duration.seconds(30)'));
  expectValidationError(() => job({ restartPolicy: SparkRestartPolicy.onFailure({ retries: 1, retryInterval: nan }) }),
    /^\[test\/job\] restartPolicy\.retryInterval: (NaN|'NaN') is not valid; must be /);
  expectValidationError(() => job({ dynamicAllocation: { maxExecutors: 2, shuffleTrackingTimeout: nan } }),
    /^\[test\/job\] dynamicAllocation\.shuffleTrackingTimeout: (NaN|'NaN') is not valid; must be /);
  const ds = new Dataset(chart('data'), 'ds', IMAGENET);
  expectValidationError(() => ds.warmUp('w', { policy: DataLoadPolicy.once({ ttlAfterFinished: nan }) }),
    /^\[test\/ds\/w\] policy\.ttlAfterFinished: (NaN|'NaN') is not valid; must be /);
  expectValidationError(() => ds.warmUp('w2', { policy: DataLoadPolicy.once({ ttlAfterFinished: '1h' as any }) }), exact(
    "[test/ds/w2] policy.ttlAfterFinished: '1h' is not valid; must be a Duration, e.g. Duration.seconds(30)"));
});
