import { Size, Testing } from 'cdk8s';
import { EmptyDirMedium, RestartPolicy } from 'cdk8s-plus-28';
import { ContainerSpec } from '../../src/core/container';
import { PodTemplate } from '../../src/core/pod-template';
import { renderVolumeMounts, PodVolume, PodVolumeMount } from '../../src/core/volume';
import { expectValidationError, synthPodTemplate } from '../util';

const IMAGE = 'ghcr.io/example/app:1';

function pod(volumeMounts: PodVolumeMount[], extra: { volumes?: PodVolume[]; containers?: ContainerSpec[] } = {}): PodTemplate {
  return new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    volumes: extra.volumes,
    containers: [{ image: IMAGE, volumeMounts }, ...(extra.containers ?? [])],
  });
}

test('PVC volumes', () => {
  const data = PodVolume.fromPersistentVolumeClaim('data', 'imagenet-val', true);
  const scratch = PodVolume.fromPersistentVolumeClaim('scratch', 'scratch-pvc');
  expect(data.name).toBe('data');
  const { spec } = synthPodTemplate(pod([{ volume: data, path: '/data', readOnly: true }, { volume: scratch, path: '/scratch' }]));
  expect(spec.volumes).toEqual([
    { name: 'data', persistentVolumeClaim: { claimName: 'imagenet-val', readOnly: true } },
    { name: 'scratch', persistentVolumeClaim: { claimName: 'scratch-pvc' } },
  ]);
  expect(spec.containers[0].volumeMounts).toEqual([
    { name: 'data', mountPath: '/data', readOnly: true },
    { name: 'scratch', mountPath: '/scratch' },
  ]);
});

test('ConfigMap volumes', () => {
  const cfg = PodVolume.fromConfigMap('config', 'trainer-config');
  const cfg2 = PodVolume.fromConfigMap('config2', 'other.config', { defaultMode: 0o444, optional: true });
  const { spec } = synthPodTemplate(pod([{ volume: cfg, path: '/etc/trainer' }, { volume: cfg2, path: '/etc/other', subPath: 'a.yaml' }]));
  expect(spec.volumes).toEqual([
    { name: 'config', configMap: { name: 'trainer-config' } },
    { name: 'config2', configMap: { name: 'other.config', defaultMode: 0o444, optional: true } },
  ]);
  expect(spec.containers[0].volumeMounts[1]).toEqual({ name: 'config2', mountPath: '/etc/other', subPath: 'a.yaml' });
});

test('Secret volumes are readable by owner and group only by default', () => {
  const creds = PodVolume.fromSecret('creds', 's3-credentials');
  const tls = PodVolume.fromSecret('tls', 'server-tls', { defaultMode: 0o400, optional: false });
  const { spec } = synthPodTemplate(pod([{ volume: creds, path: '/var/run/creds', readOnly: true }, { volume: tls, path: '/tls' }]));
  expect(spec.volumes).toEqual([
    { name: 'creds', secret: { secretName: 's3-credentials', defaultMode: 0o440 } },
    { name: 'tls', secret: { secretName: 'server-tls', defaultMode: 0o400, optional: false } },
  ]);
  expect(spec.volumes[0].secret.defaultMode).toBe(288);
});

test('emptyDir volumes', () => {
  const tmp = PodVolume.fromEmptyDir('tmp');
  const cache = PodVolume.fromEmptyDir('cache', { sizeLimit: Size.gibibytes(10), medium: EmptyDirMedium.DEFAULT });
  const ram = PodVolume.fromEmptyDir('ram', { medium: EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(512) });
  const { spec } = synthPodTemplate(pod([{ volume: tmp, path: '/tmp' }, { volume: cache, path: '/cache' }, { volume: ram, path: '/ram' }]));
  expect(spec.volumes).toEqual([
    { name: 'tmp', emptyDir: {} },
    { name: 'cache', emptyDir: { sizeLimit: '10Gi' } },
    { name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '512Mi' } },
  ]);
});

test('shared memory is a memory-backed emptyDir called dshm', () => {
  expect(PodVolume.SHARED_MEMORY_PATH).toBe('/dev/shm');
  const shm = PodVolume.sharedMemory();
  expect(shm.name).toBe('dshm');
  const sized = PodVolume.sharedMemory(Size.gibibytes(8));
  const { spec } = synthPodTemplate(pod([{ volume: sized, path: PodVolume.SHARED_MEMORY_PATH }]));
  expect(spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '8Gi' } }]);
  expect(spec.containers[0].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
  expect(synthPodTemplate(pod([{ volume: shm, path: '/dev/shm' }])).spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
});

test('readOnly false and no mounts render nothing', () => {
  expect(renderVolumeMounts(Testing.chart(), 'm', undefined)).toBeUndefined();
  expect(renderVolumeMounts(Testing.chart(), 'm', [])).toBeUndefined();
  expect(renderVolumeMounts(Testing.chart(), 'm', [{ volume: PodVolume.fromEmptyDir('tmp'), path: '/tmp', readOnly: false }])).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
});

test('one volume may be mounted at several paths (with sub-paths)', () => {
  const data = PodVolume.fromPersistentVolumeClaim('data', 'datasets');
  const { spec } = synthPodTemplate(pod([{ volume: data, path: '/train', subPath: 'train' }, { volume: data, path: '/val', subPath: 'val', readOnly: true }]));
  expect(spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'datasets' } }]);
  expect(spec.containers[0].volumeMounts).toEqual([
    { name: 'data', mountPath: '/train', subPath: 'train' },
    { name: 'data', mountPath: '/val', subPath: 'val', readOnly: true },
  ]);
});

test.each(['data', './data', 'data/', ''])('a non-absolute mount path %p is rejected', (path) => {
  const escaped = path.replace(/[.]/g, '\\.');
  expectValidationError(() => pod([{ volume: PodVolume.fromEmptyDir('tmp'), path: '/tmp' }, { volume: PodVolume.fromEmptyDir('data'), path }]).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.volumeMounts\\[1\\]\\.path: '${escaped}' is not valid; must be an absolute path without '\\.\\.' segments$`));
});

test('mounting the same path twice in a container is rejected', () => {
  const a = PodVolume.fromEmptyDir('a');
  const b = PodVolume.fromEmptyDir('b');
  expectValidationError(() => pod([{ volume: a, path: '/data' }, { volume: b, path: '/other' }, { volume: b, path: '/data' }]).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.volumeMounts\[2\]\.path: '\/data' is not valid; each path may be mounted only once per container$/);
  // also the same volume at the same path
  expectValidationError(() => pod([{ volume: a, path: '/data' }, { volume: a, path: '/data', readOnly: true }]).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.volumeMounts\[1\]\.path: '\/data' is not valid; each path may be mounted only once per container$/);
});

test('the same path in two different containers is fine', () => {
  const data = PodVolume.fromEmptyDir('data');
  const { spec } = synthPodTemplate(pod([{ volume: data, path: '/data' }], { containers: [{ image: IMAGE, name: 'side', volumeMounts: [{ volume: data, path: '/data' }] }] }));
  expect(spec.volumes).toEqual([{ name: 'data', emptyDir: {} }]);
  expect(spec.containers[1].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
});

test.each(['Data', 'my_data', 'data.v1', '-data', 'x'.repeat(64)])('volume name %p is rejected', (name) => {
  const escaped = name.replace(/[.]/g, '\\.');
  const accepted = "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters$";
  // a volume of the pod
  expectValidationError(() => pod([], { volumes: [PodVolume.fromEmptyDir('ok'), PodVolume.fromEmptyDir(name)] }).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.volumes\\[1\\]\\.name: '${escaped}' is not valid; ${accepted}`));
  // a volume added through a mount
  expectValidationError(() => pod([{ volume: PodVolume.fromPersistentVolumeClaim(name, 'claim'), path: '/data' }]).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.volumes\\[0\\]\\.name: '${escaped}' is not valid; ${accepted}`));
});

test.each(['Claim', 'my_claim', '-claim', 'claim.', 'a..b', 'x'.repeat(254)])('claim name %p is rejected', (claimName) => {
  const escaped = claimName.replace(/[.]/g, '\\.');
  expectValidationError(() => pod([{ volume: PodVolume.fromPersistentVolumeClaim('data', claimName), path: '/data' }]).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.volumes\\[0\\]\\.persistentVolumeClaim\\.claimName: '${escaped}' is not valid; `
      + "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '\\.', at most 253 characters$"));
});

test('ConfigMap and Secret names must be DNS-1123 subdomains', () => {
  expectValidationError(() => pod([{ volume: PodVolume.fromConfigMap('cfg', 'Bad_ConfigMap'), path: '/cfg' }]).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.volumes\[0\]\.configMap\.name: 'Bad_ConfigMap' is not valid; must be a DNS-1123 subdomain/);
  expectValidationError(() => pod([{ volume: PodVolume.fromSecret('creds', 'Bad Secret'), path: '/creds' }]).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.volumes\[0\]\.secret\.secretName: 'Bad Secret' is not valid; must be a DNS-1123 subdomain/);
});

test('claim names may be DNS-1123 subdomains', () => {
  const { spec } = synthPodTemplate(pod([{ volume: PodVolume.fromPersistentVolumeClaim('data', 'imagenet.v2-train'), path: '/data' }]));
  expect(spec.volumes[0].persistentVolumeClaim.claimName).toBe('imagenet.v2-train');
});

test('two different volumes with the same name are rejected', () => {
  const a = PodVolume.fromPersistentVolumeClaim('data', 'claim-a');
  const b = PodVolume.fromPersistentVolumeClaim('data', 'claim-b');
  const accepted = 'two different volumes use this name; give each volume a unique name';
  // mounted by one container
  expectValidationError(() => pod([{ volume: a, path: '/a' }, { volume: b, path: '/b' }]).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.volumeMounts\\[1\\]\\.volume: 'data' is not valid; ${accepted}$`));
  // mounted by two containers
  expectValidationError(() => pod([{ volume: a, path: '/a' }], { containers: [{ image: IMAGE, name: 'side', volumeMounts: [{ volume: b, path: '/b' }] }] }).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[1\\]\\.volumeMounts\\[0\\]\\.volume: 'data' is not valid; ${accepted}$`));
  // volumes of the pod
  expectValidationError(() => pod([], { volumes: [a, PodVolume.fromEmptyDir('tmp'), b] }).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.volumes\\[2\\]\\.name: 'data' is not valid; ${accepted}$`));
  // a volume of the pod and a mount
  expectValidationError(() => pod([{ volume: b, path: '/b' }], { volumes: [a] }).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.volumeMounts\\[0\\]\\.volume: 'data' is not valid; ${accepted}$`));
  // same name, different kinds of volume
  expectValidationError(() => pod([{ volume: PodVolume.fromEmptyDir('x'), path: '/a' }, { volume: PodVolume.fromConfigMap('x', 'cfg'), path: '/b' }]).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.volumeMounts\\[1\\]\\.volume: 'x' is not valid; ${accepted}$`));
});

test('equal volumes with the same name are the same volume', () => {
  const { spec } = synthPodTemplate(pod(
    [{ volume: PodVolume.fromPersistentVolumeClaim('data', 'claim'), path: '/a' }],
    { volumes: [PodVolume.fromPersistentVolumeClaim('data', 'claim')], containers: [{ image: IMAGE, name: 'side', volumeMounts: [{ volume: PodVolume.fromPersistentVolumeClaim('data', 'claim'), path: '/a' }] }] },
  ));
  expect(spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'claim' } }]);
});
