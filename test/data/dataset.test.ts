import { Chart, Duration, Size, Testing } from 'cdk8s';
import { TaintEffect } from 'cdk8s-plus-28';
import { CacheMedium, CacheRuntime, CacheVolumeType, CronSchedule, DataLoad, DataLoadPolicy, Dataset, DatasetAccessMode, DatasetMount, DatasetPlacement, DatasetProps, NodeOperator, PodTemplate, SparkApplicationType, SparkJob, StatusSource } from '../../src';
import { expectValidationError, synthPodTemplate, synthValid } from '../util';

const MEM = { medium: CacheMedium.MEMORY, quota: Size.gibibytes(2) };
const ALLUXIO = CacheRuntime.alluxio({ tiers: [MEM] });

function chart(namespace: string | null = 'data'): Chart {
  return new Chart(Testing.app(), 'test', { namespace: namespace ?? undefined });
}

function dataset(props: Partial<DatasetProps> = {}, c: Chart = chart()): Dataset {
  return new Dataset(c, 'ds', { name: 'imagenet', mounts: [DatasetMount.fromUri('s3://datasets/imagenet/', { name: 'imagenet' })], runtime: ALLUXIO, ...props });
}

function byKind(objects: any[], kind: string): any {
  return objects.find(o => o.kind === kind);
}

// ------------------------------------------------------------------------------------------------
// Rendering
// ------------------------------------------------------------------------------------------------

test('a Dataset and an AlluxioRuntime of the same name and namespace', () => {
  const c = chart();
  dataset({
    mounts: [DatasetMount.fromUri('s3://datasets/imagenet/', {
      name: 'imagenet',
      readOnly: true,
      options: { 'alluxio.underfs.s3.region': 'eu-west-1' },
      secretOptions: [{ name: 'aws.accessKeyId', secretName: 's3-creds', secretKey: 'id' }, { name: 'aws.secretKey', secretName: 's3-creds', secretKey: 'key' }],
    })],
    runtime: CacheRuntime.alluxio({
      replicas: 2,
      tiers: [
        { medium: CacheMedium.MEMORY, quota: Size.gibibytes(4), highWatermark: 0.95, lowWatermark: 0.7 },
        { medium: CacheMedium.SSD, paths: ['/mnt/nvme0', '/mnt/nvme1'], quota: Size.gibibytes(200), volumeType: CacheVolumeType.HOST_PATH },
      ],
      properties: { 'alluxio.user.file.readtype.default': 'CACHE' },
    }),
    placement: DatasetPlacement.SHARED,
    cacheNodeAffinity: [{ key: 'node-role', operator: NodeOperator.IN, values: ['cache'] }],
    tolerations: [{ key: 'cache', effect: TaintEffect.NO_SCHEDULE }],
  }, c);
  const objects = synthValid(c);
  expect(byKind(objects, 'Dataset')).toEqual({
    apiVersion: 'data.fluid.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name: 'imagenet', namespace: 'data' },
    spec: {
      mounts: [{
        mountPoint: 's3://datasets/imagenet/',
        name: 'imagenet',
        readOnly: true,
        options: { 'alluxio.underfs.s3.region': 'eu-west-1' },
        encryptOptions: [
          { name: 'aws.accessKeyId', valueFrom: { secretKeyRef: { name: 's3-creds', key: 'id' } } },
          { name: 'aws.secretKey', valueFrom: { secretKeyRef: { name: 's3-creds', key: 'key' } } },
        ],
      }],
      accessModes: ['ReadOnlyMany'],
      placement: 'Shared',
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-role', operator: 'In', values: ['cache'] }] }] } },
      tolerations: [{ key: 'cache', operator: 'Exists', effect: 'NoSchedule' }],
    },
  });
  expect(byKind(objects, 'AlluxioRuntime')).toEqual({
    apiVersion: 'data.fluid.io/v1alpha1',
    kind: 'AlluxioRuntime',
    metadata: { name: 'imagenet', namespace: 'data' },
    spec: {
      replicas: 2,
      tieredstore: {
        levels: [
          { mediumtype: 'MEM', path: '/dev/shm', quota: '4Gi', high: '0.95', low: '0.7' },
          { mediumtype: 'SSD', volumeType: 'hostPath', path: '/mnt/nvme0,/mnt/nvme1', quota: '200Gi' },
        ],
      },
      properties: { 'alluxio.user.file.readtype.default': 'CACHE' },
    },
  });
});

test('a JuiceFS dataset: one juicefs:// mount with its metadata URL and keys from a Secret', () => {
  const c = chart();
  new Dataset(c, 'jfs', {
    name: 'jfsdemo',
    mounts: [DatasetMount.juiceFs('/demo', {
      name: 'minio',
      options: { storage: 'minio', bucket: 'http://minio:9000/jfs' },
      secretOptions: [
        { name: 'metaurl', secretName: 'jfs-secret', secretKey: 'metaurl' },
        { name: 'access-key', secretName: 'jfs-secret', secretKey: 'access-key' },
        { name: 'secret-key', secretName: 'jfs-secret', secretKey: 'secret-key' },
      ],
    })],
    runtime: CacheRuntime.juiceFs({ tier: { medium: CacheMedium.MEMORY, quota: Size.gibibytes(40), lowWatermark: 0.1 } }),
  });
  const objects = synthValid(c);
  expect(byKind(objects, 'Dataset').spec.mounts[0]).toMatchObject({ mountPoint: 'juicefs:///demo', name: 'minio', options: { bucket: 'http://minio:9000/jfs', storage: 'minio' } });
  expect(byKind(objects, 'JuiceFSRuntime')).toEqual({
    apiVersion: 'data.fluid.io/v1alpha1',
    kind: 'JuiceFSRuntime',
    metadata: { name: 'jfsdemo', namespace: 'data' },
    spec: { replicas: 1, tieredstore: { levels: [{ mediumtype: 'MEM', path: '/dev/shm', quota: '40Gi', low: '0.1' }] } },
  });
});

test('PVC mounts', () => {
  const c = chart();
  dataset({ mounts: [DatasetMount.fromPersistentVolumeClaim('raw-data', 'images/2026')] }, c);
  expect(byKind(synthValid(c), 'Dataset').spec.mounts).toEqual([{ mountPoint: 'pvc://raw-data/images/2026' }]);
  expect(DatasetMount.fromPersistentVolumeClaim('raw').uri).toBe('pvc://raw');
});

test('the dataset is mounted through the PVC Fluid creates with its name: read-only by default', () => {
  const c = chart();
  const ds = dataset({}, c);
  const { spec } = synthPodTemplate(new PodTemplate({ containers: [{ image: 'ghcr.io/example/train:1.0', volumeMounts: [ds.volumeMount('/data')] }] }));
  expect(spec.volumes).toEqual([{ name: 'imagenet', persistentVolumeClaim: { claimName: 'imagenet', readOnly: true } }]);
  expect(spec.containers[0].volumeMounts).toEqual([{ name: 'imagenet', mountPath: '/data', readOnly: true }]);
  expect(ds.volume().name).toBe('imagenet');
});

test('a ReadWriteMany dataset can be mounted writable', () => {
  const c = chart();
  const ds = dataset({ accessMode: DatasetAccessMode.READ_WRITE_MANY }, c);
  expect(byKind(synthValid(c), 'Dataset').spec.accessModes).toEqual(['ReadWriteMany']);
  const { spec } = synthPodTemplate(new PodTemplate({ containers: [{ image: 'ghcr.io/example/etl:1.0', volumeMounts: [ds.volumeMount('/out', { subPath: 'results' })] }] }));
  expect(spec.volumes).toEqual([{ name: 'imagenet', persistentVolumeClaim: { claimName: 'imagenet' } }]);
  expect(spec.containers[0].volumeMounts).toEqual([{ name: 'imagenet', mountPath: '/out', subPath: 'results' }]);
});

test('Spark jobs mount a dataset in driver and executors', () => {
  const c = chart();
  const ds = dataset({}, c);
  new SparkJob(c, 'job', {
    name: 'etl',
    type: SparkApplicationType.PYTHON,
    sparkVersion: '3.5.5',
    image: 'docker.io/apache/spark:3.5.5',
    mainApplicationFile: 'local:///opt/etl.py',
    volumeMounts: [ds.volumeMount('/data')],
  });
  const app = byKind(synthValid(c), 'SparkApplication');
  for (const role of ['driver', 'executor']) {
    expect(app.spec[role].template.spec.volumes).toEqual([{ name: 'imagenet', persistentVolumeClaim: { claimName: 'imagenet', readOnly: true } }]);
  }
});

test('status contract: Bound means ready', () => {
  expect(Dataset.STATUS).toEqual({
    apiVersion: 'data.fluid.io/v1alpha1',
    kind: 'Dataset',
    source: StatusSource.FIELD,
    path: '.status.phase',
    succeeded: ['Bound'],
    failed: ['Failed'],
    inProgress: ['Pending', 'NotBound', 'Updating', 'DataMigrating'],
    completes: false,
  });
});

// ------------------------------------------------------------------------------------------------
// Validation
// ------------------------------------------------------------------------------------------------

test('names: DNS-1035, at most 45 characters', () => {
  expectValidationError(() => dataset({ name: '20-hbase' }),
    /^\[test\/ds\] name: '20-hbase' is not valid; must be a DNS-1035 label \(lowercase letters, digits and '-', starting with a letter\) of at most 45 characters: Fluid rejects other names, and names its cache workers' StatefulSet '<name>-worker'$/);
  expectValidationError(() => dataset({ name: 'a'.repeat(46) }), /^\[test\/ds\] name: 'a{46}' is not valid; must be a DNS-1035 label/);
  expectValidationError(() => dataset({ namespace: 'Data' }), /^\[test\/ds\] namespace: 'Data' is not valid; must be a DNS-1123 label/);
  expectValidationError(() => dataset({ accessMode: 'ReadWriteOnce' as any }),
    /^\[test\/ds\] accessMode: 'ReadWriteOnce' is not valid; must be one of ReadOnlyMany, ReadWriteMany$/);
});

test('a dataset without mounts', () => {
  expectValidationError(() => dataset({ mounts: [] }),
    /^\[test\/ds\] mounts: \[\] is not valid; a dataset needs at least one mount, e\.g\. DatasetMount\.fromUri\('s3:\/\/bucket\/prefix'\)$/);
});

test('mount points, names and paths', () => {
  expectValidationError(() => dataset({ mounts: [DatasetMount.fromUri('datasets/imagenet')] }),
    /^\[test\/ds\] mounts\[0\]\.mountPoint: 'datasets\/imagenet' is not valid; must be a storage URI with a scheme/);
  expectValidationError(() => dataset({ mounts: [DatasetMount.fromUri('s3://a', { name: 'bad/name' })] }),
    /^\[test\/ds\] mounts\[0\]\.name: 'bad\/name' is not valid; mount names are at most 63 letters/);
  expectValidationError(() => dataset({ mounts: [DatasetMount.fromUri('s3://a', { path: 'rel' })] }),
    /^\[test\/ds\] mounts\[0\]\.path: 'rel' is not valid; must be an absolute path within the dataset, such as \/imagenet$/);
  expectValidationError(() => dataset({ mounts: [DatasetMount.fromPersistentVolumeClaim('Raw')] }),
    /^\[test\/ds\] mounts\[0\]\.mountPoint: 'pvc:\/\/Raw' is not valid; the PersistentVolumeClaim name must be a DNS-1123 subdomain$/);
  expectValidationError(() => dataset({ mounts: [DatasetMount.fromUri('s3://a'), DatasetMount.fromUri('s3://b', { name: 'b' })] }),
    /^\[test\/ds\] mounts\[0\]\.name: undefined is not valid; with several mounts, each needs a name \(or a path\) to appear under in the dataset$/);
  expectValidationError(() => dataset({ mounts: [DatasetMount.fromUri('s3://a', { name: 'x' }), DatasetMount.fromUri('s3://b', { path: '/x' })] }),
    /^\[test\/ds\] mounts\[1\]\.path: '\/x' is not valid; mounts\[0\] already appears at this path in the dataset$/);
});

test('credentials only from Secrets', () => {
  expectValidationError(() => dataset({ mounts: [DatasetMount.fromUri('s3://a', { options: { 'aws.secretKey': 'abc' } })] }),
    /^\[test\/ds\] mounts\[0\]\.options\.aws\.secretKey: 'aws\.secretKey=<literal>' is not valid; looks like a credential and would be stored in plain text in the Dataset; pass it in secretOptions as \{ name, secretName, secretKey \} instead$/);
  expectValidationError(() => dataset({ mounts: [DatasetMount.fromUri('oss://a', { options: { 'fs.oss.accessKeyId': 'LTAI' } })] }),
    /^\[test\/ds\] mounts\[0\]\.options\.fs\.oss\.accessKeyId: 'fs\.oss\.accessKeyId=<literal>' is not valid; looks like a credential/);
  expectValidationError(() => dataset({ mounts: [DatasetMount.juiceFs('/', { options: { metaurl: 'redis://:pw@redis:6379/1' } })], runtime: CacheRuntime.juiceFs({ tier: MEM }) }),
    /^\[test\/ds\] mounts\[0\]\.options\.metaurl: 'metaurl=<literal>' is not valid; looks like a credential/);
  expectValidationError(() => dataset({ runtime: CacheRuntime.alluxio({ tiers: [MEM], properties: { 'aws.secretKey': 'x' } }) }),
    /^\[test\/ds\] runtime\.properties\.aws\.secretKey: 'aws\.secretKey=<literal>' is not valid; looks like a credential and would be stored in plain text; pass it as a mount secretOption \(read from a Secret\) instead$/);
});

test('secret options are checked', () => {
  const mount = (s: any) => dataset({ mounts: [DatasetMount.fromUri('s3://a', { secretOptions: s, options: { x: '1' } })] });
  expectValidationError(() => mount([{ name: 'k', secretName: 'Creds', secretKey: 'k' }]),
    /^\[test\/ds\] mounts\[0\]\.secretOptions\[0\]\.secretName: 'Creds' is not valid; must be the name of a Secret \(a DNS-1123 subdomain\)$/);
  expectValidationError(() => mount([{ name: 'k', secretName: 'c', secretKey: 'a/b' }]),
    /^\[test\/ds\] mounts\[0\]\.secretOptions\[0\]\.secretKey: 'a\/b' is not valid; must be a Secret key: letters, digits, '-', '_' and '\.'$/);
  expectValidationError(() => mount([{ name: 'k', secretName: 'c', secretKey: 'a' }, { name: 'k', secretName: 'c', secretKey: 'b' }]),
    /^\[test\/ds\] mounts\[0\]\.secretOptions\[1\]\.name: 'k' is not valid; each option may be given only once$/);
  expectValidationError(() => mount([{ name: 'x', secretName: 'c', secretKey: 'a' }]),
    /^\[test\/ds\] mounts\[0\]\.secretOptions\[0\]\.name: 'x' is not valid; is also given as a plain option; give it once, from the Secret$/);
  expectValidationError(() => mount([{ name: '', secretName: 'c', secretKey: 'a' }]),
    /^\[test\/ds\] mounts\[0\]\.secretOptions\[0\]\.name: '' is not valid; must be a non-empty option name without whitespace$/);
});

test('runtime and mount kinds must match', () => {
  expectValidationError(() => dataset({ mounts: [DatasetMount.juiceFs('/x')] }),
    /^\[test\/ds\] mounts\[0\]\.mountPoint: 'juicefs:\/\/\/x' is not valid; a juicefs:\/\/ mount needs a JuiceFS cache \(CacheRuntime\.juiceFs\)$/);
  const jfs = CacheRuntime.juiceFs({ tier: MEM });
  expectValidationError(() => dataset({ runtime: jfs }),
    /^\[test\/ds\] mounts\[0\]\.mountPoint: 's3:\/\/datasets\/imagenet\/' is not valid; a JuiceFS cache mounts a JuiceFS file system: use DatasetMount\.juiceFs\('\/subdir', \.\.\.\)$/);
  expectValidationError(() => dataset({ runtime: jfs, mounts: [DatasetMount.juiceFs('/a', { name: 'a' }), DatasetMount.juiceFs('/b', { name: 'b' })] }),
    /^\[test\/ds\] mounts: \["juicefs:\/\/\/a","juicefs:\/\/\/b"\] is not valid; a JuiceFS dataset has exactly one mount/);
});

test('cache tiers', () => {
  const alluxio = (tiers: any[], replicas?: number) => dataset({ runtime: CacheRuntime.alluxio({ tiers, replicas }) });
  expectValidationError(() => alluxio([]), /^\[test\/ds\] runtime\.tiers: \[\] is not valid; a cache needs at least one tier$/);
  expectValidationError(() => alluxio([MEM], 0), /^\[test\/ds\] runtime\.replicas: 0 is not valid; must be an integer from 1 to 2147483647$/);
  expectValidationError(() => alluxio([{ medium: CacheMedium.SSD, quota: Size.gibibytes(10) }]),
    /^\[test\/ds\] runtime\.tiers\[0\]\.paths: \[\] is not valid; a SSD tier needs the directories it caches in, e\.g\. \['\/mnt\/nvme0\/cache'\]$/);
  expectValidationError(() => alluxio([{ medium: CacheMedium.SSD, quota: Size.gibibytes(10), paths: ['/a,/b'] }]),
    /^\[test\/ds\] runtime\.tiers\[0\]\.paths\[0\]: '\/a,\/b' is not valid; must be an absolute path without commas or whitespace$/);
  expectValidationError(() => alluxio([{ medium: CacheMedium.HDD, quota: Size.gibibytes(10), paths: ['/a'] }, MEM]),
    /^\[test\/ds\] runtime\.tiers\[1\]\.medium: 'MEM' is not valid; tiers go from fastest to slowest with each medium at most once \(MEM, then SSD, then HDD\); it follows HDD$/);
  expectValidationError(() => alluxio([{ ...MEM, highWatermark: 1.5 }]),
    /^\[test\/ds\] runtime\.tiers\[0\]\.highWatermark: 1\.5 is not valid; must be a ratio greater than 0 and at most 1, e\.g\. 0\.95$/);
  expectValidationError(() => alluxio([{ ...MEM, highWatermark: 0.5, lowWatermark: 0.8 }]),
    /^\[test\/ds\] runtime\.tiers\[0\]\.lowWatermark: 0\.8 is not valid; must be below highWatermark \(0\.5\)$/);
  expectValidationError(() => alluxio([{ medium: CacheMedium.MEMORY, quota: Size.gibibytes(0) }]),
    /^\[test\/ds\] runtime\.tiers\[0\]\.quota: '0Gi' is not valid; must be greater than zero$/);
  expectValidationError(() => alluxio([{ ...MEM, paths: ['/dev/shm', '/dev/shm'] }]),
    /^\[test\/ds\] runtime\.tiers\[0\]\.paths: \["\/dev\/shm","\/dev\/shm"\] is not valid; each directory may be listed only once$/);
});

test('a writable volume of a read-only dataset', () => {
  const ds = dataset();
  expectValidationError(() => ds.volume(false),
    /^\[test\/ds\] volume\.readOnly: false is not valid; dataset 'imagenet' is ReadOnlyMany; set accessMode: DatasetAccessMode\.READ_WRITE_MANY to write to it$/);
});

// ------------------------------------------------------------------------------------------------
// DataLoad
// ------------------------------------------------------------------------------------------------

test('warmUp() creates a DataLoad naming the dataset and its namespace', () => {
  const c = chart();
  const ds = dataset({}, c);
  const load = ds.warmUp('warm', { name: 'imagenet-warm', targets: [{ path: '/imagenet/train', replicas: 2 }, { path: '/imagenet/val' }] });
  const objects = synthValid(c);
  expect(byKind(objects, 'DataLoad')).toEqual({
    apiVersion: 'data.fluid.io/v1alpha1',
    kind: 'DataLoad',
    metadata: { name: 'imagenet-warm', namespace: 'data' },
    spec: {
      dataset: { name: 'imagenet', namespace: 'data' },
      loadMetadata: true,
      target: [{ path: '/imagenet/train', replicas: 2 }, { path: '/imagenet/val' }],
      policy: 'Once',
    },
  });
  expect(objects.map(o => o.kind).indexOf('Dataset')).toBeLessThan(objects.map(o => o.kind).indexOf('DataLoad'));
  expect(load.policy.type).toBe('Once');
  expect(DataLoad.STATUS).toEqual({
    apiVersion: 'data.fluid.io/v1alpha1',
    kind: 'DataLoad',
    source: StatusSource.FIELD,
    path: '.status.phase',
    succeeded: ['Complete'],
    failed: ['Failed'],
    inProgress: ['Pending', 'Executing'],
    completes: true,
  });
});

test('a scheduled DataLoad refreshes the cache; a one-off one may expire', () => {
  const c = chart();
  const ds = dataset({}, c);
  new DataLoad(c, 'nightly', { dataset: ds, name: 'refresh', policy: DataLoadPolicy.cron(CronSchedule.expression('0 1 * * *')), loadMetadata: false });
  new DataLoad(c, 'once', { dataset: ds, name: 'once', policy: DataLoadPolicy.once({ ttlAfterFinished: Duration.hours(1) }) });
  const loads = synthValid(c).filter(o => o.kind === 'DataLoad');
  expect(loads.map(l => l.spec)).toEqual([
    { dataset: { name: 'imagenet', namespace: 'data' }, loadMetadata: false, policy: 'Cron', schedule: '0 1 * * *' },
    { dataset: { name: 'imagenet', namespace: 'data' }, loadMetadata: true, policy: 'Once', ttlSecondsAfterFinished: 3600 },
  ]);
});

test('DataLoad validation', () => {
  const c = chart();
  const ds = dataset({}, c);
  expectValidationError(() => ds.warmUp('w1', { targets: [{ path: '/other/x' }] }),
    /^\[test\/ds\/w1\] targets\[0\]\.path: '\/other\/x' is not valid; is not in the dataset, whose mounts appear at '\/imagenet'$/);
  expectValidationError(() => ds.warmUp('w2', { targets: [{ path: 'imagenet' }] }),
    /^\[test\/ds\/w2\] targets\[0\]\.path: 'imagenet' is not valid; must be an absolute path in the dataset, e\.g\. \/imagenet\/train$/);
  expectValidationError(() => ds.warmUp('w3', { targets: [{ path: '/imagenet', replicas: 0 }] }),
    /^\[test\/ds\/w3\] targets\[0\]\.replicas: 0 is not valid; must be an integer from 1 to 2147483647$/);
  expectValidationError(() => ds.warmUp('w4', { name: 'a'.repeat(42), policy: DataLoadPolicy.cron(CronSchedule.daily()) }),
    /^\[test\/ds\/w4\] name: 'a{42}' is not valid; must be a DNS-1123 label of at most 41 characters: Fluid names its Helm release '<name>-loader' \(at most 53 characters\) and its CronJob '<name>-loader-job' \(at most 52\)$/);
  expectValidationError(() => ds.warmUp('w5', { name: 'a'.repeat(47) }),
    /^\[test\/ds\/w5\] name: 'a{47}' is not valid; must be a DNS-1123 label of at most 46 characters: Fluid names its Helm release '<name>-loader' \(at most 53 characters\) and its Job '<name>-loader-job'$/);
  expectValidationError(() => ds.warmUp('w6', { policy: DataLoadPolicy.cron(CronSchedule.expression('every night')) }),
    /^\[test\/ds\/w6\] policy\.schedule: 'every night' is not valid; expected exactly 5 fields, found 2/);
  expectValidationError(() => ds.warmUp('w7', { policy: DataLoadPolicy.once({ ttlAfterFinished: Duration.millis(1500) }) }),
    /^\[test\/ds\/w7\] policy\.ttlAfterFinished: '1\.5s' is not valid; must be a whole number of seconds$/);
});

test('a DataLoad needs the dataset\'s namespace', () => {
  const c = chart(null);
  const ds = dataset({}, c);
  expectValidationError(() => ds.warmUp('warm'),
    /^\[test\/ds\/warm\] dataset\.namespace: undefined is not valid; Fluid requires a DataLoad to name its dataset's namespace: set namespace on the Dataset or its chart$/);
});
