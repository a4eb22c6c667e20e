import { Duration, Size, Testing } from 'cdk8s';
import { Cpu, RestartPolicy, TaintEffect } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator } from '../../src/core/accelerator';
import { EnvVarValue } from '../../src/core/env';
import { Placement } from '../../src/core/placement';
import { PodTemplate, prune } from '../../src/core/pod-template';
import { PodSecurityLevel } from '../../src/core/security';
import { PodVolume } from '../../src/core/volume';
import { addPodTemplateObject, expectValidationError, synthPodTemplate, synthValid } from '../util';

const IMAGE = 'ghcr.io/example/trainer:1.4.2';

const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: false,
  runAsNonRoot: true,
};

test('a pod without containers is rejected', () => {
  expectValidationError(() => new PodTemplate().toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers: \[\] is not valid; a pod needs at least one container$/);
  expectValidationError(() => new PodTemplate({ initContainers: [{ image: IMAGE }] }).toPodTemplateSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers: \[\] is not valid; a pod needs at least one container$/);
});

test('errors name the path of the scope construct', () => {
  const chart = Testing.chart();
  const scope = new Construct(new Construct(chart, 'team-a'), 'scoring');
  expectValidationError(() => new PodTemplate({ containers: [{ image: 'NOT AN IMAGE' }] }).toPodSpec(scope),
    /^\[test\/team-a\/scoring\] podTemplate\.containers\[0\]\.image: 'NOT AN IMAGE' is not valid; must be an image reference/);
});

test('the default pod spec meets the restricted Pod Security Standard', () => {
  const t = new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    containers: [{ image: IMAGE }, { image: 'ghcr.io/example/logger:1' }],
    initContainers: [{ image: 'ghcr.io/example/fetch:1' }, { image: 'ghcr.io/example/warm:1' }],
  });
  const { spec } = synthPodTemplate(t);
  expect(spec.automountServiceAccountToken).toBe(false);
  expect(spec.serviceAccountName).toBeUndefined();
  expect(spec.securityContext.runAsNonRoot).toBe(true);
  expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
  expect(spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  expect(spec.containers).toHaveLength(2);
  expect(spec.initContainers).toHaveLength(2);
  for (const c of [...spec.containers, ...spec.initContainers]) {
    expect(c.securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(c.securityContext.capabilities.add).toBeUndefined();
    expect(c.securityContext.privileged).toBeUndefined();
  }
  // nothing that the restricted standard forbids
  expect(spec.hostNetwork).toBeUndefined();
  expect(spec.hostPID).toBeUndefined();
  expect(spec.hostIPC).toBeUndefined();
  expect(spec.volumes).toBeUndefined();
});

test('containers added later are secured too', () => {
  const t = new PodTemplate({ restartPolicy: RestartPolicy.NEVER });
  t.addContainer({ image: IMAGE });
  t.addInitContainer({ image: 'ghcr.io/example/fetch:1' });
  const { spec } = synthPodTemplate(t);
  expect(spec.containers[0].securityContext).toEqual(RESTRICTED_CONTAINER);
  expect(spec.initContainers[0].securityContext).toEqual(RESTRICTED_CONTAINER);
  expect(spec.initContainers[0].name).toBe('init-0');
});

test('with a service account the API token is mounted as Kubernetes decides', () => {
  const t = new PodTemplate({ serviceAccountName: 'trainer-sa', containers: [{ image: IMAGE }] });
  const { spec } = synthPodTemplate(t);
  expect(spec.serviceAccountName).toBe('trainer-sa');
  expect(spec.automountServiceAccountToken).toBeUndefined();
  expect(spec.securityContext.runAsNonRoot).toBe(true);
});

test.each(['Trainer_SA', 'trainer sa', '-trainer', 'trainer.', 'x'.repeat(254)])('service account name %p is rejected', (name) => {
  const escaped = name.replace(/[.]/g, '\\.');
  expectValidationError(() => new PodTemplate({ serviceAccountName: name, containers: [{ image: IMAGE }] }).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.serviceAccountName: '${escaped}' is not valid; `
      + "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '\\.', at most 253 characters$"));
});

test('service account names may be DNS-1123 subdomains', () => {
  expect(synthPodTemplate(new PodTemplate({ serviceAccountName: 'spark.driver-sa', containers: [{ image: IMAGE }] })).spec.serviceAccountName)
    .toBe('spark.driver-sa');
});

test('security opt-outs are recorded on the pod template metadata', () => {
  const baseline = new PodTemplate({
    security: { level: PodSecurityLevel.BASELINE, optOutReason: 'vendor image needs root', runAsUser: 0 },
    containers: [{ image: IMAGE }],
  });
  const b = synthPodTemplate(baseline).template;
  expect(b.metadata.annotations).toEqual({
    'ai-platform.cdk8s.io/pod-security': 'baseline',
    'ai-platform.cdk8s.io/pod-security-reason': 'vendor image needs root',
  });
  expect(b.spec.securityContext).toEqual({ runAsUser: 0, runAsGroup: 0, fsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } });
  expect(b.spec.containers[0].securityContext).toEqual({ readOnlyRootFilesystem: false });

  const privileged = new PodTemplate({
    security: { level: PodSecurityLevel.PRIVILEGED, optOutReason: 'GPU driver installer' },
    containers: [{ image: IMAGE }],
    initContainers: [{ image: IMAGE, name: 'setup' }],
  });
  const p = synthPodTemplate(privileged).template;
  expect(p.metadata.annotations).toEqual({
    'ai-platform.cdk8s.io/pod-security': 'privileged',
    'ai-platform.cdk8s.io/pod-security-reason': 'GPU driver installer',
  });
  expect(p.spec.securityContext).toBeUndefined();
  expect(p.spec.containers[0].securityContext).toBeUndefined();
  expect(p.spec.initContainers[0].securityContext).toBeUndefined();
  // the service account token is still not mounted
  expect(p.spec.automountServiceAccountToken).toBe(false);
});

test('a security opt-out without a reason is rejected', () => {
  const t = new PodTemplate({ security: { level: PodSecurityLevel.PRIVILEGED }, containers: [{ image: IMAGE }] });
  expectValidationError(() => t.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.security\.optOutReason: undefined is not valid; an opt-out to the 'privileged' Pod Security Standard must say why \(set optOutReason\)$/);
});

test('runAsUser 0 under the restricted standard is rejected', () => {
  expectValidationError(() => new PodTemplate({ security: { runAsUser: 0 }, containers: [{ image: IMAGE }] }).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.security\.runAsUser: 0 is not valid; the restricted Pod Security Standard forbids running as root \(uid 0\)$/);
});

test('sharedMemory mounts a memory-backed dshm volume at /dev/shm in every container but init containers', () => {
  const t = new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    sharedMemory: true,
    containers: [
      { image: IMAGE, volumeMounts: [{ volume: PodVolume.fromPersistentVolumeClaim('data', 'datasets'), path: '/data' }] },
      { image: 'ghcr.io/example/logger:1' },
    ],
    initContainers: [{ image: 'ghcr.io/example/fetch:1' }],
  });
  const { spec } = synthPodTemplate(t);
  expect(spec.volumes).toEqual([
    { name: 'data', persistentVolumeClaim: { claimName: 'datasets' } },
    { name: 'dshm', emptyDir: { medium: 'Memory' } },
  ]);
  expect(spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, { name: 'dshm', mountPath: '/dev/shm' }]);
  expect(spec.containers[1].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
  // init containers (downloads, setup) don't get shared memory
  expect(spec.initContainers[0].volumeMounts).toBeUndefined();
});

test('sharedMemory is not added twice when a container already mounts /dev/shm', () => {
  const t = new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    sharedMemory: true,
    containers: [{ image: IMAGE, volumeMounts: [{ volume: PodVolume.sharedMemory(), path: '/dev/shm' }] }],
  });
  const { spec } = synthPodTemplate(t);
  expect(spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
  expect(spec.containers[0].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
});

test('sharedMemory leaves a container alone that mounts its own volume at /dev/shm', () => {
  const own = PodVolume.fromEmptyDir('shm', { medium: undefined, sizeLimit: Size.gibibytes(2) });
  const t = new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    sharedMemory: true,
    containers: [{ image: IMAGE, volumeMounts: [{ volume: own, path: '/dev/shm' }] }],
  });
  const { spec } = synthPodTemplate(t);
  expect(spec.containers[0].volumeMounts).toEqual([{ name: 'shm', mountPath: '/dev/shm' }]);
  expect(spec.volumes).toEqual([{ name: 'shm', emptyDir: { sizeLimit: '2Gi' } }]);
});

test('sharedMemory reuses a sized dshm volume that one container already mounts', () => {
  const t = new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    sharedMemory: true,
    containers: [
      { image: IMAGE, volumeMounts: [{ volume: PodVolume.sharedMemory(Size.gibibytes(8)), path: '/dev/shm' }] },
      { image: 'ghcr.io/example/logger:1' },
    ],
  });
  const { spec } = synthPodTemplate(t);
  expect(spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '8Gi' } }]);
  expect(spec.containers[1].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
});

test('without sharedMemory nothing is mounted at /dev/shm', () => {
  const { spec } = synthPodTemplate(new PodTemplate({ restartPolicy: RestartPolicy.NEVER, containers: [{ image: IMAGE }] }));
  expect(spec.volumes).toBeUndefined();
  expect(spec.containers[0].volumeMounts).toBeUndefined();
});

test('volumes referenced by mounts are added once, after the pod volumes', () => {
  const data = PodVolume.fromPersistentVolumeClaim('data', 'datasets', true);
  const cache = PodVolume.fromEmptyDir('cache');
  const t = new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    volumes: [PodVolume.fromConfigMap('config', 'trainer-config'), cache],
    containers: [
      { image: IMAGE, volumeMounts: [{ volume: data, path: '/data', readOnly: true }, { volume: cache, path: '/cache' }] },
      { image: 'ghcr.io/example/logger:1', volumeMounts: [{ volume: data, path: '/data' }] },
    ],
    initContainers: [{ image: 'ghcr.io/example/fetch:1', volumeMounts: [{ volume: cache, path: '/cache' }] }],
  });
  t.addVolume(PodVolume.fromSecret('creds', 's3-credentials'));
  const { spec } = synthPodTemplate(t);
  expect(spec.volumes.map((v: any) => v.name)).toEqual(['config', 'cache', 'creds', 'data']);
  expect(spec.volumes[3]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'datasets', readOnly: true } });
});

test('container names must be unique', () => {
  expectValidationError(() => new PodTemplate({ containers: [{ image: IMAGE, name: 'app' }, { image: IMAGE, name: 'app' }] }).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[1\]\.name: 'app' is not valid; container names must be unique within a pod$/);
  // a default name can collide too
  expectValidationError(() => new PodTemplate({ containers: [{ image: IMAGE }, { image: IMAGE, name: 'main' }] }).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[1\]\.name: 'main' is not valid; container names must be unique within a pod$/);
  expectValidationError(() => new PodTemplate({ containers: [{ image: IMAGE, name: 'sidecar-1' }, { image: IMAGE }] }).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[1\]\.name: 'sidecar-1' is not valid; container names must be unique within a pod$/);
});

test('a duplicate container name after init containers names the right container', () => {
  const t = new PodTemplate({
    initContainers: [{ image: IMAGE, name: 'fetch' }],
    containers: [{ image: IMAGE, name: 'app' }, { image: IMAGE, name: 'app' }],
  });
  expectValidationError(() => t.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[1\]\.name: 'app' is not valid; container names must be unique within a pod$/);
});

test('a container may not share its name with an init container', () => {
  const t = new PodTemplate({ initContainers: [{ image: IMAGE, name: 'setup' }], containers: [{ image: IMAGE, name: 'setup' }] });
  expectValidationError(() => t.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.name: 'setup' is not valid; container names must be unique within a pod$/);
});

test('init container names must be unique', () => {
  const t = new PodTemplate({ initContainers: [{ image: IMAGE, name: 'a' }, { image: IMAGE, name: 'a' }], containers: [{ image: IMAGE }] });
  expectValidationError(() => t.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.initContainers\[1\]\.name: 'a' is not valid; container names must be unique within a pod$/);
});

test('a volume name conflict in a container after init containers names the right container', () => {
  const t = new PodTemplate({
    initContainers: [{ image: IMAGE, volumeMounts: [{ volume: PodVolume.fromPersistentVolumeClaim('data', 'claim-a'), path: '/data' }] }],
    containers: [{ image: IMAGE, volumeMounts: [{ volume: PodVolume.fromPersistentVolumeClaim('data', 'claim-b'), path: '/data' }] }],
  });
  expectValidationError(() => t.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.volumeMounts\[0\]\.volume: 'data' is not valid; two different volumes use this name; give each volume a unique name$/);
});

test('a volume name conflict between init containers names the init container', () => {
  const t = new PodTemplate({
    initContainers: [
      { image: IMAGE, volumeMounts: [{ volume: PodVolume.fromEmptyDir('data'), path: '/data' }] },
      { image: IMAGE, volumeMounts: [{ volume: PodVolume.fromPersistentVolumeClaim('data', 'claim'), path: '/data' }] },
    ],
    containers: [{ image: IMAGE }],
  });
  expectValidationError(() => t.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.initContainers\[1\]\.volumeMounts\[0\]\.volume: 'data' is not valid; two different volumes use this name/);
});

test('a bad pod label key is rejected', () => {
  expectValidationError(() => new PodTemplate({ labels: { 'app name': 'x' }, containers: [{ image: IMAGE }] }).toPodTemplateSpec(Testing.chart()),
    /^\[test\] podTemplate\.labels\.app name: 'app name' is not valid; label keys are '\[dns-subdomain\/\]name' with a name of at most 63 alphanumerics, '-', '_' or '\.'$/);
});

test('a bad pod label value is rejected', () => {
  expectValidationError(() => new PodTemplate({ labels: { app: 'my app' }, containers: [{ image: IMAGE }] }).toPodTemplateSpec(Testing.chart()),
    /^\[test\] podTemplate\.labels\.app: 'my app' is not valid; label values are at most 63 alphanumerics, '-', '_' or '\.', starting and ending with an alphanumeric$/);
});

test('labels, annotations, restart policy, pull secrets and grace period render', () => {
  const t = new PodTemplate({
    labels: { 'app.kubernetes.io/name': 'embeddings' },
    annotations: { 'prometheus.io/scrape': 'true' },
    restartPolicy: RestartPolicy.ON_FAILURE,
    imagePullSecrets: ['ghcr-pull', 'ecr-pull'],
    terminationGracePeriod: Duration.minutes(2),
    containers: [{ image: IMAGE }],
  });
  const { template } = synthPodTemplate(t);
  expect(template.metadata).toEqual({
    labels: { 'app.kubernetes.io/name': 'embeddings' },
    annotations: { 'prometheus.io/scrape': 'true' },
  });
  expect(template.spec.restartPolicy).toBe('OnFailure');
  expect(template.spec.imagePullSecrets).toEqual([{ name: 'ghcr-pull' }, { name: 'ecr-pull' }]);
  expect(template.spec.terminationGracePeriodSeconds).toBe(120);
  expect(RestartPolicy.ALWAYS).toBe('Always');
  expect(RestartPolicy.NEVER).toBe('Never');
});

test('a pod template renders into a Deployment', () => {
  const t = new PodTemplate({
    labels: { 'app.kubernetes.io/name': 'embeddings' },
    security: { readOnlyRootFilesystem: true },
    containers: [{
      image: 'ghcr.io/example/embeddings-server@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
      ports: [{ number: 8080, name: 'http' }],
      resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(4), accelerator: Accelerator.nvidiaMig('1g.10gb') },
      volumeMounts: [{ volume: PodVolume.fromEmptyDir('tmp', { sizeLimit: Size.gibibytes(1) }), path: '/tmp' }],
    }],
  });
  const { objects, template } = synthPodTemplate(t, { kind: 'Deployment', name: 'embeddings', defaultContainerName: 'server' });
  expect(objects).toHaveLength(1);
  expect(objects[0].spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'embeddings' } });
  expect(template.spec.containers[0].name).toBe('server');
  expect(template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  expect(template.spec.containers[0].resources.limits).toEqual({ 'memory': '4Gi', 'nvidia.com/mig-1g.10gb': '1' });
});

test('a GPU job like the example renders and validates', () => {
  const chart = Testing.chart();
  const gpuNodes = new Placement({
    nodeSelector: { 'karpenter.sh/nodepool': 'gpu' },
    tolerations: [{ key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
  });
  const t = new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    placement: gpuNodes,
    sharedMemory: true,
    containers: [{
      image: 'ghcr.io/example/batch-scorer:2.1.0',
      env: {
        AWS_SECRET_ACCESS_KEY: EnvVarValue.fromSecretKey('s3-credentials', 'secret-access-key'),
        BATCH_SIZE: EnvVarValue.fromValue('256'),
      },
      resources: { cpu: Cpu.units(4), memory: Size.gibibytes(16), accelerator: Accelerator.nvidia({ product: 'NVIDIA-A100-SXM4-80GB' }) },
      volumeMounts: [{ volume: PodVolume.fromPersistentVolumeClaim('data', 'imagenet-val', true), path: '/data', readOnly: true }],
    }],
  });
  addPodTemplateObject(chart, t, { name: 'scoring', defaultContainerName: 'scorer' });
  const [job] = synthValid(chart);
  const spec = job.spec.template.spec;
  expect(job.kind).toBe('Job');
  expect(spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu', 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
  expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
  expect(spec.containers[0].name).toBe('scorer');
  expect(spec.containers[0].env.map((e: any) => e.name)).toEqual(['AWS_SECRET_ACCESS_KEY', 'BATCH_SIZE']);
  expect(spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data', readOnly: true }, { name: 'dshm', mountPath: '/dev/shm' }]);
  expect(spec.volumes.map((v: any) => v.name)).toEqual(['data', 'dshm']);
});

test('getters', () => {
  const gpu = Accelerator.nvidia({ count: 2 });
  const mig = Accelerator.nvidiaMig('1g.10gb');
  const t = new PodTemplate({ containers: [{ image: IMAGE, resources: { accelerator: gpu } }, { image: IMAGE, name: 'b' }] });
  t.addInitContainer({ image: IMAGE, resources: { accelerator: mig } });
  expect(t.accelerators).toEqual([gpu, mig]);
  expect(t.containers.map(c => c.name)).toEqual([undefined, 'b']);
  t.containers.push({ image: IMAGE });
  expect(t.containers).toHaveLength(2);
  expect(t.securityLevel).toBe(PodSecurityLevel.RESTRICTED);
  expect(t.placement).toBeInstanceOf(Placement);
});

test('the placement given in props is the one the template uses', () => {
  const placement = new Placement();
  const t = new PodTemplate({ placement, containers: [{ image: IMAGE }] });
  expect(t.placement).toBe(placement);
  placement.priorityClassName = 'high';
  expect(synthPodTemplate(t).spec.priorityClassName).toBe('high');
});

test('the props arrays are copied', () => {
  const containers = [{ image: IMAGE }];
  const volumes = [PodVolume.fromEmptyDir('a')];
  const t = new PodTemplate({ containers, volumes });
  t.addContainer({ image: IMAGE, name: 'b' });
  t.addVolume(PodVolume.fromEmptyDir('b'));
  expect(containers).toHaveLength(1);
  expect(volumes).toHaveLength(1);
});

test('rendering twice gives the same result', () => {
  const t = new PodTemplate({ sharedMemory: true, containers: [{ image: IMAGE, env: { B: EnvVarValue.fromValue('b'), A: EnvVarValue.fromValue('a') } }] });
  const chart = Testing.chart();
  const first = t.toPodTemplateSpec(chart);
  expect(t.toPodTemplateSpec(chart)).toEqual(first);
  expect(synthPodTemplate(t).template).toEqual(first);
});

test('prune drops undefined values and empty objects but keeps emptyDir, arrays and falsy values', () => {
  expect(prune({
    a: undefined,
    b: {},
    c: { d: undefined },
    e: { emptyDir: {} },
    f: [],
    g: [{ h: undefined, i: 1 }],
    j: 0,
    k: false,
    l: '',
    m: null,
  })).toEqual({ e: { emptyDir: {} }, f: [], g: [{ i: 1 }], j: 0, k: false, l: '', m: null });
});

test('schedulerName selects another scheduler, and the grace period must be whole seconds', () => {
  const t = new PodTemplate({ schedulerName: 'volcano', terminationGracePeriod: Duration.seconds(45), containers: [{ image: IMAGE }] });
  const { spec } = synthPodTemplate(t);
  expect(spec.schedulerName).toBe('volcano');
  expect(spec.terminationGracePeriodSeconds).toBe(45);
  const bad = new PodTemplate({ terminationGracePeriod: Duration.millis(100), containers: [{ image: IMAGE }] });
  expectValidationError(() => bad.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.terminationGracePeriod: '100ms' is not valid; must be a whole number of seconds$/);
});
