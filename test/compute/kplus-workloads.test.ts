import { ApiObject, Chart, Cron, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { exact } from './helpers';
import {
  Accelerator, BatchQueue, ExistingGpuNodes, GpuInstances, GpuNodePool, GpuSharing,
  KplusWorkloads, NvidiaDevicePlugin, PodTemplate, QueueFlavors, ResourceQuota,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

const nodeClass = { clusterName: 'ml', role: 'KarpenterNodeRole-ml' };
const image = 'ghcr.io/example/train:1.0';

type Kind = 'Deployment' | 'Job' | 'StatefulSet' | 'Pod';
const KINDS: Kind[] = ['Deployment', 'Job', 'StatefulSet', 'Pod'];

function kplusWorkload(scope: Construct, kind: Kind, props: kplus.AbstractPodProps = { containers: [{ image }] }): kplus.AbstractPod {
  switch (kind) {
    case 'Deployment': return new kplus.Deployment(scope, 'workload', props);
    case 'Job': return new kplus.Job(scope, 'workload', props);
    // a StatefulSet's headless Service needs a port
    case 'StatefulSet': return new kplus.StatefulSet(scope, 'workload', { ...props, containers: props.containers?.map(c => ({ portNumber: 8080, ...c })) });
    case 'Pod': return new kplus.Pod(scope, 'workload', props);
  }
}

/** The synthesized object of `kind` and its pod template (metadata + spec). */
function podOf(objects: any[], kind: Kind): { obj: any; metadata: any; spec: any } {
  const obj = objects.find(o => o.kind === kind);
  return kind === 'Pod'
    ? { obj, metadata: obj.metadata, spec: obj.spec }
    : { obj, metadata: obj.spec.template.metadata, spec: obj.spec.template.spec };
}

function expectRestricted(spec: any): void {
  expect(spec.securityContext).toMatchObject({
    runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' },
  });
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  }
}

describe.each(KINDS)('a cdk8s-plus %s', (kind) => {
  test('is scheduled on a GPU pool, gets GPUs and the restricted defaults, and validates against the schemas', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'a10g', { instances: GpuInstances.families(['g5']), nodeClass });
    const workload = kplusWorkload(chart, kind);
    pool.schedule(workload, { accelerator: Accelerator.nvidia({ count: 4, product: 'NVIDIA-A10G' }) });
    KplusWorkloads.applyRestrictedSecurity(workload);
    expect(KplusWorkloads.acceleratorsOf(workload).map(a => [a.resourceName, a.count])).toEqual([['nvidia.com/gpu', 4]]);

    const { metadata, spec } = podOf(synthValid(chart), kind);
    expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
    expect(spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'a10g', 'nvidia.com/gpu.product': 'NVIDIA-A10G' });
    expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
    expectRestricted(spec);
    // run-to-completion pods (a Job) are protected from consolidation; long-running ones are not
    expect(metadata.annotations?.['karpenter.sh/do-not-disrupt']).toBe(kind === 'Job' ? 'true' : undefined);
  });

  test('placed on existing GPU nodes; a GPU requested on a second container; init containers restricted too', () => {
    const chart = Testing.chart();
    const nodes = new ExistingGpuNodes(chart, 'onprem', {
      nodeLabels: { 'example.com/gpu': 'a100' },
      taints: [{ key: 'dedicated', effect: kplus.TaintEffect.NO_EXECUTE }],
      acceleratorsPerNode: 8,
    });
    const workload = kplusWorkload(chart, kind, {
      containers: [{ image, name: 'sidecar', resources: {} }, { image, name: 'trainer', resources: {} }],
      initContainers: [{ image, name: 'fetch' }],
    });
    nodes.schedule(workload, { runToCompletion: true });
    KplusWorkloads.requestAccelerator(workload, Accelerator.nvidia({ count: 8 }), { containerIndex: 1 });
    KplusWorkloads.applyRestrictedSecurity(workload);
    const { metadata, spec } = podOf(synthValid(chart), kind);
    expect(spec.containers[0].resources).toBeUndefined();
    expect(spec.containers[1].resources).toEqual({ limits: { 'nvidia.com/gpu': '8' } });
    expect(spec.nodeSelector).toEqual({ 'example.com/gpu': 'a100' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }]);
    expect(metadata.annotations['karpenter.sh/do-not-disrupt']).toBe('true');
    expectRestricted(spec);
  });
});

test('synthesizing twice gives the same objects (the patches are added once)', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'team');
  new Chart(app, 'other');
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  const job = kplusWorkload(chart, 'Job');
  pool.schedule(job, { accelerator: Accelerator.nvidia() });
  KplusWorkloads.applyRestrictedSecurity(job);
  const first = Testing.synth(chart);
  app.synth();
  expect(Testing.synth(chart)).toEqual(first);
  expect((ApiObject.of(job) as any).patches.length).toBeGreaterThan(0);
});

test('settings and containers added after the calls count', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  const dep = new kplus.Deployment(chart, 'dep', { containers: [{ image }] });
  KplusWorkloads.applyRestrictedSecurity(dep);
  pool.schedule(dep);
  KplusWorkloads.requestAccelerator(dep, Accelerator.nvidia({ count: 2 }));
  dep.addContainer({ image, name: 'late', securityContext: { capabilities: { add: [kplus.Capability.NET_BIND_SERVICE] } } });
  const { spec } = podOf(synthValid(chart), 'Deployment');
  expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('2');
  expect(spec.containers[1].securityContext.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
  expectRestricted(spec);
});

test('the workload\'s own users are kept; options apply where it sets none, and conflicting options are errors', () => {
  const chart = Testing.chart();
  const own = new kplus.Pod(chart, 'own', { containers: [{ image }], securityContext: { user: 2000, group: 3000 } });
  KplusWorkloads.applyRestrictedSecurity(own);
  const chosen = new kplus.Pod(chart, 'chosen', { containers: [{ image }] });
  KplusWorkloads.applyRestrictedSecurity(chosen, { runAsUser: 65532 });
  const [a, b] = synthValid(chart);
  expect(a.spec.securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 3000, fsGroup: 3000 });
  expect(b.spec.securityContext).toMatchObject({ runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 });

  const chart2 = Testing.chart();
  const conflict = new kplus.Pod(chart2, 'pod', { containers: [{ image }], securityContext: { user: 2000 } });
  KplusWorkloads.applyRestrictedSecurity(conflict, { runAsUser: 1000 });
  expectValidationError(() => Testing.synth(chart2), exact("[test/pod] runAsUser: 1000 is not valid; the workload's securityContext already sets 2000"));
  expectValidationError(() => KplusWorkloads.applyRestrictedSecurity(new kplus.Pod(Testing.chart(), 'p', { containers: [{ image }] }), { runAsUser: 0 }),
    exact('[test/p] runAsUser: 0 is not valid; must be an integer of at least 1'));
});

describe('what the restricted Pod Security Standard forbids is an error at synth, never overridden', () => {
  const restricted = (props: kplus.PodProps, setup?: (pod: kplus.Pod, chart: Chart) => void) => {
    const chart = Testing.chart();
    const pod = new kplus.Pod(chart, 'pod', props);
    setup?.(pod, chart);
    KplusWorkloads.applyRestrictedSecurity(pod);
    return () => Testing.synth(chart);
  };
  test.each([
    ['privileged containers', { containers: [{ image, securityContext: { privileged: true } }] },
      '[test/pod] containers[0].securityContext.privileged: true is not valid; the restricted Pod Security Standard forbids privileged containers'],
    ['privilege escalation', { containers: [{ image, securityContext: { allowPrivilegeEscalation: true } }] },
      '[test/pod] containers[0].securityContext.allowPrivilegeEscalation: true is not valid; the restricted Pod Security Standard forbids privilege escalation'],
    ['a container that may run as root', { containers: [{ image, securityContext: { ensureNonRoot: false } }] },
      '[test/pod] containers[0].securityContext.ensureNonRoot: false is not valid; the restricted Pod Security Standard requires running as non-root'],
    ['a pod that may run as root', { containers: [{ image }], securityContext: { ensureNonRoot: false } },
      '[test/pod] securityContext.ensureNonRoot: false is not valid; the restricted Pod Security Standard requires running as non-root'],
    ['uid 0', { containers: [{ image, securityContext: { user: 0 } }] },
      '[test/pod] containers[0].securityContext.user: 0 is not valid; the restricted Pod Security Standard forbids running as root (uid 0)'],
    ['added capabilities', { containers: [{ image, securityContext: { capabilities: { add: [kplus.Capability.SYS_ADMIN, kplus.Capability.NET_BIND_SERVICE] } } }] },
      "[test/pod] containers[0].securityContext.capabilities.add: [\"SYS_ADMIN\"] is not valid; the restricted Pod Security Standard allows adding only 'NET_BIND_SERVICE'"],
    ['an unconfined seccomp profile', { containers: [{ image, securityContext: { seccompProfile: { type: kplus.SeccompProfileType.UNCONFINED } } }] },
      "[test/pod] containers[0].securityContext.seccompProfile: 'Unconfined' is not valid; the restricted Pod Security Standard requires 'RuntimeDefault' or 'Localhost'"],
    ['host networking', { containers: [{ image }], hostNetwork: true },
      '[test/pod] hostNetwork: true is not valid; the restricted Pod Security Standard forbids host networking'],
  ] as Array<[string, kplus.PodProps, string]>)('%s', (_what, props, message) => {
    expectValidationError(restricted(props), exact(message));
  });

  test('hostPath volumes', () => {
    expectValidationError(restricted({ containers: [{ image }] }, (pod, chart) => pod.addVolume(kplus.Volume.fromHostPath(chart, 'host', 'host', { path: '/var' }))),
      exact("[test/pod] volumes.host: 'hostPath' is not valid; the restricted Pod Security Standard allows only configMap, csi, downwardAPI, emptyDir, "
        + 'ephemeral, persistentVolumeClaim, projected, secret volumes'));
    const chart = Testing.chart();
    const pod = new kplus.Pod(chart, 'pod', { containers: [{ image }] });
    pod.addVolume(kplus.Volume.fromEmptyDir(chart, 'tmp', 'tmp'));
    KplusWorkloads.applyRestrictedSecurity(pod);
    synthValid(chart);
  });
});

describe('the pool checks the GPUs a cdk8s-plus workload requests, at synth', () => {
  test('more GPUs per pod than the largest node has, requested before or after scheduling: same error', () => {
    const message = "[test/workload] containers[0].accelerator.count: 8 is not valid; the largest node of pool 'gpu' has 4 nvidia.com/gpu; request at most 4 per pod";
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.types(['g5.12xlarge']), nodeClass });
    pool.schedule(kplusWorkload(chart, 'Job'), { accelerator: Accelerator.nvidia({ count: 8 }) });
    expectValidationError(() => Testing.synth(chart), exact(message));
    const chart2 = Testing.chart();
    const job = kplusWorkload(chart2, 'Job');
    KplusWorkloads.requestAccelerator(job, Accelerator.nvidia({ count: 8 }));
    new GpuNodePool(chart2, 'gpu', { instances: GpuInstances.types(['g5.12xlarge']), nodeClass }).schedule(job);
    expectValidationError(() => Testing.synth(chart2), exact(message));
    const chart3 = Testing.chart();
    const job3 = kplusWorkload(chart3, 'Job');
    new GpuNodePool(chart3, 'gpu', { instances: GpuInstances.types(['g5.12xlarge']), nodeClass }).schedule(job3);
    KplusWorkloads.requestAccelerator(job3, Accelerator.nvidia({ count: 8 }));
    expectValidationError(() => Testing.synth(chart3), exact(message));
  });

  test('time-sliced GPUs: the device plugin declared before or after the workload gives the same result', () => {
    const build = (pluginFirst: boolean, accelerator: Accelerator) => {
      const chart = Testing.chart();
      const pool = new GpuNodePool(chart, 'shared', { instances: GpuInstances.families(['g6']), nodeClass });
      if (pluginFirst) new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
      pool.schedule(kplusWorkload(chart, 'Deployment'), { accelerator });
      if (!pluginFirst) new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
      return chart;
    };
    const shared = Accelerator.nvidia({ sharing: GpuSharing.TIME_SLICING });
    const sorted = (objects: any[]) => [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
    expect(sorted(Testing.synth(build(true, shared)))).toEqual(sorted(Testing.synth(build(false, shared))));
    expect(podOf(synthValid(build(false, shared)), 'Deployment').spec.containers[0].resources.limits['nvidia.com/gpu.shared']).toBe('1');
    for (const pluginFirst of [true, false]) {
      expectValidationError(() => Testing.synth(build(pluginFirst, Accelerator.nvidia())), exact(
        "[test/workload] containers[0].accelerator.resourceName: 'nvidia.com/gpu' is not valid; node pool 'shared' offers 'nvidia.com/gpu.shared'; place the workload on a pool that offers 'nvidia.com/gpu'"));
    }
  });

  test('a product the pool does not have', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
    pool.schedule(kplusWorkload(chart, 'Pod'), { accelerator: Accelerator.nvidia({ product: 'NVIDIA-H100-80GB-HBM3' }) });
    expectValidationError(() => Testing.synth(chart), exact(
      "[test/workload] containers[0].accelerator.product: 'NVIDIA-H100-80GB-HBM3' is not valid; node pool 'gpu' has 'NVIDIA-A10G'"));
  });

  test('GPUs requested but scheduled on no pool: an error when the app declares pools, whatever the order', () => {
    const message = '[test/workload] pool: undefined is not valid; the pods request 2 nvidia.com/gpu but are scheduled on no node pool; '
      + "schedule them with pool.schedule(workload) on one of 'gpu'";
    for (const poolFirst of [true, false]) {
      const chart = Testing.chart();
      if (poolFirst) new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
      KplusWorkloads.requestAccelerator(kplusWorkload(chart, 'Job'), Accelerator.nvidia({ count: 2 }));
      if (!poolFirst) new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
      expectValidationError(() => Testing.synth(chart), exact(message));
    }
    const chart = Testing.chart();
    KplusWorkloads.requestAccelerator(kplusWorkload(chart, 'Job'), Accelerator.nvidia({ count: 2 }));
    expect(podOf(synthValid(chart), 'Job').spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('2');
  });
});

describe('wrong objects give the library\'s ValidationError, never a TypeError', () => {
  test('pool.place() with a cdk8s-plus workload points to schedule()', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
    const job = new kplus.Job(chart, 'job', { containers: [{ image }] });
    expectValidationError(() => pool.place(job, { runToCompletion: true } as any),
      exact('[test/job] template: {"runToCompletion":true} is not valid; must be a PodTemplate of this library; schedule a cdk8s-plus workload with pool.schedule(workload, options)'));
    expectValidationError(() => pool.place(chart, job as any),
      /^\[test\] template: .* is not valid; must be a PodTemplate of this library; schedule a cdk8s-plus workload with pool\.schedule\(workload, options\)$/);
    expectValidationError(() => pool.place(undefined as any, new PodTemplate({ containers: [{ image }] })),
      exact('[test/gpu] workload: undefined is not valid; must be the construct of the workload being placed (named in errors)'));
  });

  test('pool.schedule() with something else than a cdk8s-plus workload', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
    const kinds = 'must be a cdk8s-plus-28 workload (Deployment, Job, StatefulSet, DaemonSet, CronJob or Pod)';
    expectValidationError(() => pool.schedule(new PodTemplate({ containers: [{ image }] }) as any),
      exact(`[test/gpu] workload: 'PodTemplate' is not valid; ${kinds}; place a PodTemplate with pool.place(scope, template)`));
    expectValidationError(() => pool.schedule(new ApiObject(chart, 'raw', { apiVersion: 'batch/v1', kind: 'Job' }) as any),
      exact(`[test/gpu] workload: 'ApiObject' is not valid; ${kinds}`));
    expectValidationError(() => pool.schedule(undefined as any), exact(`[test/gpu] workload: undefined is not valid; ${kinds}`));
    const job = new kplus.Job(chart, 'job', { containers: [{ image }] });
    pool.schedule(job);
    const other = new GpuNodePool(chart, 'other', { instances: GpuInstances.families(['g6']), nodeClass });
    expectValidationError(() => other.schedule(job), exact("[test/job] pool: 'other' is not valid; the workload is already scheduled on node pool 'gpu'"));
    expectValidationError(() => other.schedule(new kplus.Job(chart, 'job2', { containers: [{ image }] }), { containerIndex: 1 }),
      exact('[test/job2] containerIndex: 1 is not valid; is only used with accelerator'));
  });

  test('KplusWorkloads with wrong workloads, accelerators or container indexes', () => {
    const chart = Testing.chart();
    const job = new kplus.Job(chart, 'job', { containers: [{ image }] });
    const kinds = 'must be a cdk8s-plus-28 workload (Deployment, Job, StatefulSet, DaemonSet, CronJob or Pod)';
    expectValidationError(() => KplusWorkloads.requestAccelerator({} as any, Accelerator.nvidia()), exact(`[<root>] workload: {} is not valid; ${kinds}`));
    expectValidationError(() => KplusWorkloads.applyRestrictedSecurity(chart as any), exact(`[test] workload: 'Chart' is not valid; ${kinds}`));
    expectValidationError(() => KplusWorkloads.requestAccelerator(job, 'nvidia.com/gpu' as any),
      exact("[test/job] accelerator: 'nvidia.com/gpu' is not valid; must be an Accelerator, e.g. Accelerator.nvidia({ count: 4 })"));
    expectValidationError(() => KplusWorkloads.requestAccelerator(job, Accelerator.nvidia(), { containerIndex: 1 }),
      exact('[test/job] containerIndex: 1 is not valid; the workload has 1 container(s); add the container before requesting its accelerator'));
    expectValidationError(() => KplusWorkloads.requestAccelerator(job, Accelerator.nvidia({ count: 0 })),
      exact('[test/job] containers[0].accelerator.count: 0 is not valid; must be an integer of at least 1'));
    KplusWorkloads.requestAccelerator(job, Accelerator.nvidia());
    expectValidationError(() => KplusWorkloads.requestAccelerator(job, Accelerator.nvidia({ count: 2 })),
      exact("[test/job] containers[0].accelerator: 'nvidia.com/gpu' is not valid; container 0 already requests 'nvidia.com/gpu'"));
  });
});

test('a cdk8s-plus Job scheduled on a pool and submitted to a Kueue queue', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  const queue = new BatchQueue(chart, 'queue', {
    name: 'gpu', resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forPool(pool), quotas: [ResourceQuota.cpu('64'), ResourceQuota.nvidiaGpus(8)] }] }],
  }).addLocalQueue('ml');
  const job = new kplus.Job(chart, 'job', { containers: [{ image }] });
  pool.schedule(job, { accelerator: Accelerator.nvidia({ count: 4 }) });
  KplusWorkloads.applyRestrictedSecurity(job);
  queue.admit(ApiObject.of(job));
  const objects = synthValid(chart);
  const j = objects.find(o => o.kind === 'Job');
  expect(j.metadata).toMatchObject({ namespace: 'ml', labels: { 'kueue.x-k8s.io/queue-name': 'gpu' } });
  expect(j.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
});

test('a CronJob and a DaemonSet: the pod template inside the job template, and inside the DaemonSet', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  const cron = new kplus.CronJob(chart, 'nightly', { schedule: Cron.daily(), containers: [{ image }] });
  pool.schedule(cron, { accelerator: Accelerator.nvidia() });
  KplusWorkloads.applyRestrictedSecurity(cron);
  const ds = new kplus.DaemonSet(chart, 'exporter', { containers: [{ image }] });
  pool.schedule(ds);
  KplusWorkloads.applyRestrictedSecurity(ds);
  const objects = synthValid(chart);
  const c = objects.find(o => o.kind === 'CronJob').spec.jobTemplate.spec.template;
  expect(c.metadata.annotations['karpenter.sh/do-not-disrupt']).toBe('true');
  expect(c.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
  expect(c.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
  expectRestricted(c.spec);
  const d = objects.find(o => o.kind === 'DaemonSet').spec.template;
  expect(d.metadata.annotations).toBeUndefined();
  expect(d.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
  expectRestricted(d.spec);
});

test('quick start with cdk8s-plus (the form proposed for the README)', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'scoring', { namespace: 'ml-batch' });

  const gpuNodes = new ExistingGpuNodes(chart, 'gpu', {
    nodeLabels: { 'karpenter.sh/nodepool': 'gpu' },
    taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: kplus.TaintEffect.NO_SCHEDULE }],
  });
  const job = new kplus.Job(chart, 'scoring', {
    containers: [{
      image: 'ghcr.io/example/batch-scorer:2.1.0',
      envVariables: { HF_TOKEN: kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(chart, 'hf', 'hf'), key: 'token' }) },
      resources: { cpu: { request: kplus.Cpu.units(4) }, memory: { request: Size.gibibytes(16) } },
    }],
  });
  gpuNodes.schedule(job, { accelerator: Accelerator.nvidia({ product: 'NVIDIA-A100-SXM4-80GB' }) });
  KplusWorkloads.applyRestrictedSecurity(job);

  const [obj] = synthValid(chart);
  const spec = obj.spec.template.spec;
  expect(obj.metadata.namespace).toBe('ml-batch');
  expect(spec.containers[0].resources).toEqual({ limits: { 'nvidia.com/gpu': '1' }, requests: { cpu: '4', memory: '16384Mi' } });
  expect(spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu', 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
  expect(spec.automountServiceAccountToken).toBe(false);
  expectRestricted(spec);
});

test('a node selector the workload already has is kept; one that contradicts the pool is an error', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  const zoned = kplusWorkload(chart, 'Job');
  ApiObject.of(zoned).addJsonPatch(JsonPatch.add('/spec/template/spec/nodeSelector', { 'topology.kubernetes.io/zone': 'us-east-1a' }));
  pool.schedule(zoned);
  expect(podOf(synthValid(chart), 'Job').spec.nodeSelector).toEqual({ 'topology.kubernetes.io/zone': 'us-east-1a', 'karpenter.sh/nodepool': 'gpu' });

  const chart2 = Testing.chart();
  const pool2 = new GpuNodePool(chart2, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  const elsewhere = kplusWorkload(chart2, 'Job');
  ApiObject.of(elsewhere).addJsonPatch(JsonPatch.add('/spec/template/spec/nodeSelector', { 'karpenter.sh/nodepool': 'cpu' }));
  pool2.schedule(elsewhere);
  expectValidationError(() => Testing.synth(chart2),
    exact("[test/workload] nodeSelector.karpenter.sh/nodepool: 'cpu' is not valid; the workload is scheduled on nodes labelled 'karpenter.sh/nodepool: gpu'"));
});
