import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu, TaintEffect } from 'cdk8s-plus-28';
import { exact, GpuJob } from './helpers';
import { Accelerator, ConsolidationPolicy, ExistingGpuNodes, GpuInstances, GpuNodePool, GpuSharing, MigStrategy, NvidiaDevicePlugin, PodTemplate } from '../../src';
import { ValidationError } from '../../src/core/errors';
import { expectValidationError, synthValid } from '../util';

const nodeClass = { clusterName: 'ml', role: 'KarpenterNodeRole-ml' };
const gpuPod = (accelerator: Accelerator) => new PodTemplate({ containers: [{ image: 'repo/train:1', resources: { accelerator } }] });

test('renders a NodePool and EC2NodeClass that validate against the Karpenter v1.14.1 schemas', () => {
  const chart = Testing.chart();
  new GpuNodePool(chart, 'A100', {
    instances: GpuInstances.types(['p4de.24xlarge']),
    gpuLimit: 16,
    cpuLimit: Cpu.units(192),
    memoryLimit: Size.gibibytes(2304),
    consolidationPolicy: ConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
    consolidateAfter: Duration.minutes(10),
    disruptionBudgets: [{ nodes: '0', schedule: '0 9 * * mon-fri', duration: Duration.hours(8) }, { nodes: '1' }],
    expireAfter: Duration.days(7),
    weight: 50,
    labels: { team: 'research' },
    nodeClass: { ...nodeClass, rootVolumeSize: Size.gibibytes(500) },
  });
  const [nodeClassObj, nodePool] = synthValid(chart);
  expect(nodeClassObj.kind).toBe('EC2NodeClass');
  expect(nodeClassObj.spec.amiSelectorTerms).toEqual([{ alias: 'al2023@latest' }]);
  expect(nodeClassObj.spec.blockDeviceMappings[0].ebs.volumeSize).toBe('500Gi');
  expect(nodePool.metadata.name).toBe('a100');
  expect(nodePool.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'a100' });
  expect(nodePool.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }]);
  expect(nodePool.spec.template.spec.requirements[0]).toEqual({ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p4de.24xlarge'] });
  expect(nodePool.spec.template.spec.expireAfter).toBe('168h');
  expect(nodePool.spec.limits).toEqual({ 'nvidia.com/gpu': 16, 'cpu': '192', 'memory': '2304Gi' });
  expect(nodePool.spec.disruption).toEqual({
    consolidationPolicy: 'WhenEmptyOrUnderutilized',
    consolidateAfter: '10m',
    budgets: [{ nodes: '0', schedule: '0 9 * * mon-fri', duration: '8h' }, { nodes: '1' }],
  });
  expect(nodePool.spec.weight).toBe(50);
});

test('placing a GPU workload adds the node selector, toleration and do-not-disrupt for run-to-completion pods', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  const pod = gpuPod(Accelerator.nvidia({ count: 8, product: 'NVIDIA-A10G' }));
  pool.place(chart, pod, { runToCompletion: true });
  const spec = pod.toPodTemplateSpec(chart);
  expect(spec.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
  expect(spec.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu', 'nvidia.com/gpu.product': 'NVIDIA-A10G' });
  expect(spec.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
  const serving = gpuPod(Accelerator.nvidia());
  pool.place(chart, serving);
  expect(serving.toPodTemplateSpec(chart).metadata).toBeUndefined();
});

test('error at synth: accelerator the pool does not offer', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  pool.place(chart, gpuPod(Accelerator.amd(1)));
  expectValidationError(() => Testing.synth(chart), exact(
    "[test] podTemplate.containers[0].resources.accelerator.resourceName: 'amd.com/gpu' is not valid; node pool 'gpu' offers 'nvidia.com/gpu'; place the workload on a pool that offers 'amd.com/gpu'"));
});

test('error at synth: GPU product the pool does not have', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5', 'g6']), nodeClass });
  pool.place(chart, gpuPod(Accelerator.nvidia({ product: 'NVIDIA-H100-80GB-HBM3' })));
  expectValidationError(() => Testing.synth(chart), exact(
    "[test] podTemplate.containers[0].resources.accelerator.product: 'NVIDIA-H100-80GB-HBM3' is not valid; node pool 'gpu' has 'NVIDIA-A10G', 'NVIDIA-L4'"));
});

test('error at synth: more GPUs per pod than the largest node type has', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.types(['g5.xlarge', 'g5.12xlarge']), nodeClass });
  pool.place(chart, gpuPod(Accelerator.nvidia({ count: 8 })));
  expectValidationError(() => Testing.synth(chart), exact(
    "[test] podTemplate.containers[0].resources.accelerator.count: 8 is not valid; the largest node of pool 'gpu' has 4 nvidia.com/gpu; request at most 4 per pod"));
});

test('error at synth: pool GPU limit below a single workload request', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['p5']), gpuLimit: 4, nodeClass });
  pool.place(chart, gpuPod(Accelerator.nvidia({ count: 8 })));
  expectValidationError(() => Testing.synth(chart), exact(
    "[test] podTemplate.containers[0].resources.accelerator.count: 8 is not valid; node pool 'gpu' is limited to 4 GPUs in total; raise the pool's gpu limit or request fewer"));
});

test('pool errors name the props the workload\'s user wrote, and the workload\'s path', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.types(['g5.xlarge', 'g5.12xlarge']), nodeClass });
  new GpuJob(chart, 'train', { worker: { image: 'repo/train:1', resources: { accelerator: Accelerator.nvidia({ count: 8 }) } }, pool });
  expectValidationError(() => Testing.synth(chart), exact(
    "[test/train] worker.resources.accelerator.count: 8 is not valid; the largest node of pool 'gpu' has 4 nvidia.com/gpu; request at most 4 per pod"));
  const chart2 = Testing.chart();
  const pool2 = new GpuNodePool(chart2, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  new GpuJob(chart2, 'train', { worker: { image: 'repo/train:1', resources: { accelerator: Accelerator.amd() } }, pool: pool2 });
  expectValidationError(() => Testing.synth(chart2), /^\[test\/train\] worker\.resources\.accelerator\.resourceName: 'amd\.com\/gpu' is not valid; node pool 'gpu' offers 'nvidia\.com\/gpu'/);
});

test('a placed workload is checked with its final containers: a change after construction counts', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.types(['g5.xlarge']), nodeClass });
  const pod = gpuPod(Accelerator.nvidia());
  pool.place(chart, pod);
  pod.addContainer({ name: 'second', image: 'repo/train:1', resources: { accelerator: Accelerator.nvidia({ count: 2 }) } });
  expectValidationError(() => Testing.synth(chart), exact(
    "[test] podTemplate.containers[1].resources.accelerator.count: 2 is not valid; the largest node of pool 'gpu' has 1 nvidia.com/gpu; request at most 1 per pod"));
});

describe('declaration order does not change the result', () => {
  /** Synthesizes a chart built by `build` and returns its objects, or the error message. */
  const outcome = (build: (chart: Chart) => void): { objects?: any[]; error?: string } => {
    const chart = Testing.chart();
    build(chart);
    try {
      return { objects: Testing.synth(chart) };
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return { error: (e as Error).message };
    }
  };
  const shared = (chart: Chart) => new GpuNodePool(chart, 'shared', { instances: GpuInstances.families(['g6']), nodeClass });

  test('time-sliced GPU workload declared before or after the device plugin: both pass, identically', () => {
    const before = outcome(chart => {
      const pool = shared(chart);
      new GpuJob(chart, 'job', { worker: { image: 'repo/serve:1', resources: { accelerator: Accelerator.nvidia({ sharing: GpuSharing.TIME_SLICING }) } }, pool });
      new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
    });
    const after = outcome(chart => {
      const pool = shared(chart);
      new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
      new GpuJob(chart, 'job', { worker: { image: 'repo/serve:1', resources: { accelerator: Accelerator.nvidia({ sharing: GpuSharing.TIME_SLICING }) } }, pool });
    });
    expect(before.error).toBeUndefined();
    expect(after.error).toBeUndefined();
    const sorted = (objects: any[]) => [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
    expect(sorted(before.objects!)).toEqual(sorted(after.objects!));
    expect(before.objects!.find(o => o.kind === 'Job').spec.template.spec.containers[0].resources.limits).toEqual({ 'nvidia.com/gpu.shared': '1' });
  });

  test('whole-GPU workload declared before or after a time-slicing device plugin: both fail with the same message', () => {
    const message = "[test/job] worker.resources.accelerator.resourceName: 'nvidia.com/gpu' is not valid; node pool 'shared' offers 'nvidia.com/gpu.shared'; place the workload on a pool that offers 'nvidia.com/gpu'";
    const before = outcome(chart => {
      const pool = shared(chart);
      new GpuJob(chart, 'job', { worker: { image: 'repo/serve:1', resources: { accelerator: Accelerator.nvidia() } }, pool });
      new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
    });
    const after = outcome(chart => {
      const pool = shared(chart);
      new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
      new GpuJob(chart, 'job', { worker: { image: 'repo/serve:1', resources: { accelerator: Accelerator.nvidia() } }, pool });
    });
    expect(before).toEqual({ error: message });
    expect(after).toEqual({ error: message });
  });

  test('a plain PodTemplate placed before or after the device plugin: same error', () => {
    const message = "[test] podTemplate.containers[0].resources.accelerator.resourceName: 'nvidia.com/gpu' is not valid; node pool 'shared' offers 'nvidia.com/gpu.shared'; place the workload on a pool that offers 'nvidia.com/gpu'";
    expect(outcome(chart => {
      const pool = shared(chart);
      pool.place(chart, gpuPod(Accelerator.nvidia()));
      new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
    })).toEqual({ error: message });
    expect(outcome(chart => {
      const pool = shared(chart);
      new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 });
      pool.place(chart, gpuPod(Accelerator.nvidia()));
    })).toEqual({ error: message });
  });

  test('a GPU workload placed on no pool, declared before or after the pools: same error naming the pools that can serve it', () => {
    const message = "[test/job] pool: undefined is not valid; the pods request 2 nvidia.com/gpu but are placed on no node pool; pass one of 'a10g'";
    const job = (chart: Chart) => new GpuJob(chart, 'job', { worker: { image: 'repo/train:1', resources: { accelerator: Accelerator.nvidia({ count: 2 }) } } });
    const pools = (chart: Chart) => {
      new GpuNodePool(chart, 'a10g', { instances: GpuInstances.families(['g5']), nodeClass });
      new GpuNodePool(chart, 't4', { instances: GpuInstances.types(['g4dn.xlarge']), nodeClass });
    };
    expect(outcome(chart => { job(chart); pools(chart); })).toEqual({ error: message });
    expect(outcome(chart => { pools(chart); job(chart); })).toEqual({ error: message });
  });

  test('a GPU workload placed on no pool in an app without pools is accepted (nodes managed elsewhere)', () => {
    const result = outcome(chart => new GpuJob(chart, 'job', { worker: { image: 'repo/train:1', resources: { accelerator: Accelerator.nvidia({ count: 2 }) } } }));
    expect(result.error).toBeUndefined();
  });

  test('pools are found through the app\'s PlatformContext: in another app they do not count', () => {
    const app = Testing.app();
    const withPools = new Chart(app, 'platform');
    new GpuNodePool(withPools, 'a10g', { instances: GpuInstances.families(['g5']), nodeClass });
    const other = Testing.chart();
    new GpuJob(other, 'job', { worker: { image: 'repo/train:1', resources: { accelerator: Accelerator.nvidia() } } });
    Testing.synth(other);
    // a pool in another chart of the same app counts
    const team = new Chart(app, 'team');
    new GpuJob(team, 'job', { worker: { image: 'repo/train:1', resources: { accelerator: Accelerator.nvidia() } } });
    expectValidationError(() => app.synth(), /^\[team\/job\] pool: undefined is not valid; the pods request 1 nvidia\.com\/gpu but are placed on no node pool; pass one of 'a10g'$/);
  });

  test('MIG slices: placed before or after the mixed-strategy device plugin, both served', () => {
    for (const pluginFirst of [false, true]) {
      const result = outcome(chart => {
        const pool = new GpuNodePool(chart, 'mig', { instances: GpuInstances.families(['p4d']), nodeClass });
        if (pluginFirst) new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], migStrategy: MigStrategy.MIXED });
        pool.place(chart, gpuPod(Accelerator.nvidiaMig('1g.5gb')));
        if (!pluginFirst) new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], migStrategy: MigStrategy.MIXED });
      });
      expect(result.error).toBeUndefined();
    }
    expect(outcome(chart => {
      const pool = new GpuNodePool(chart, 'mig', { instances: GpuInstances.families(['p4d']), nodeClass });
      pool.place(chart, gpuPod(Accelerator.nvidiaMig('1g.5gb')));
    }).error).toMatch(/'nvidia.com\/mig-1g.5gb' is not valid; node pool 'mig' offers 'nvidia.com\/gpu'/);
  });
});

test('the device plugin only records what the pools advertise; it checks nothing at construction', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'shared', { instances: GpuInstances.families(['g6']), nodeClass });
  pool.place(chart, gpuPod(Accelerator.nvidia()));
  new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 }); // does not throw
  expect(pool.acceleratorCapacity.resourceNames).toEqual(['nvidia.com/gpu.shared']);
  expect(pool.canServe(gpuPod(Accelerator.nvidia()))).toBe(false);
  expect(pool.canServe(gpuPod(Accelerator.nvidia({ sharing: GpuSharing.TIME_SLICING })))).toBe(true);
  expectValidationError(() => Testing.synth(chart), /offers 'nvidia.com\/gpu.shared'/);
});

test('prop validation errors name the construct path and field', () => {
  const chart = Testing.chart();
  expect(() => new GpuNodePool(chart, 'Bad_Name', { instances: GpuInstances.families(['g5']), nodeClass }))
    .toThrow(/^\[test\/Bad_Name\] name: 'bad_name' is not valid; must be a DNS-1123 label/);
  expect(() => new GpuNodePool(chart, 'a', { instances: GpuInstances.families([]), nodeClass }))
    .toThrow('[test/a] instances: [] is not valid; list at least one instance family or type');
  expect(() => new GpuNodePool(chart, 'b', { instances: GpuInstances.families(['g5']), nodeClass, gpuLimit: -1 }))
    .toThrow('[test/b] gpuLimit: -1 is not valid; must be an integer of at least 0');
  expect(() => new GpuNodePool(chart, 'c', { instances: GpuInstances.families(['g5']), nodeClass, weight: 0 }))
    .toThrow('[test/c] weight: 0 is not valid; must be an integer from 1 to 100');
  expect(() => new GpuNodePool(chart, 'd', { instances: GpuInstances.families(['g5']), nodeClass, capacityTypes: [] }))
    .toThrow('[test/d] capacityTypes: [] is not valid; list at least one capacity type');
  expect(() => new GpuNodePool(chart, 'e', { instances: GpuInstances.families(['g5']), nodeClass, disruptionBudgets: [{ nodes: 'half' }] }))
    .toThrow("[test/e] disruptionBudgets[0].nodes: 'half' is not valid; must be a node count such as '2' or a percentage such as '10%'");
  expect(() => new GpuNodePool(chart, 'f', { instances: GpuInstances.families(['g5']), nodeClass, disruptionBudgets: [{ nodes: '1', schedule: '@daily' }] }))
    .toThrow("[test/f] disruptionBudgets[0].schedule: '@daily' is not valid; schedule and duration must be set together");
});

test('existing GPU nodes: only labels and taints, no objects', () => {
  const chart = Testing.chart();
  const nodes = new ExistingGpuNodes(chart, 'onprem', {
    nodeLabels: { 'node-role/gpu': 'a100' },
    taints: [{ key: 'dedicated', value: 'gpu', effect: TaintEffect.NO_EXECUTE }],
    accelerator: Accelerator.nvidia({ product: 'NVIDIA-A100-SXM4-80GB' }),
    acceleratorsPerNode: 8,
  });
  const pod = gpuPod(Accelerator.nvidia({ count: 2 }));
  nodes.place(chart, pod);
  expect(Testing.synth(chart)).toEqual([]);
  expect(pod.toPodSpec(chart).tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' }]);
  expect(() => new ExistingGpuNodes(chart, 'x', { nodeLabels: {} })).toThrow('[test/x] nodeLabels: {} is not valid; give at least one label that selects the nodes');
  const chart2 = Testing.chart();
  const nodes2 = new ExistingGpuNodes(chart2, 'onprem', { nodeLabels: { 'node-role/gpu': 'a100' }, accelerator: Accelerator.nvidia({ product: 'NVIDIA-A100-SXM4-80GB' }), acceleratorsPerNode: 8 });
  new GpuJob(chart2, 'big', { worker: { image: 'repo/train:1', resources: { accelerator: Accelerator.nvidia({ count: 16 }) } }, pool: nodes2 });
  expectValidationError(() => Testing.synth(chart2), exact(
    "[test/big] worker.resources.accelerator.count: 16 is not valid; the largest node of pool 'onprem' has 8 nvidia.com/gpu; request at most 8 per pod"));
  const chart3 = Testing.chart();
  const nodes3 = new ExistingGpuNodes(chart3, 'onprem', { nodeLabels: { 'node-role/gpu': 'a100' }, accelerator: Accelerator.nvidia({ product: 'NVIDIA-A100-SXM4-80GB' }) });
  new GpuJob(chart3, 'h100', { worker: { image: 'repo/train:1', resources: { accelerator: Accelerator.nvidia({ product: 'NVIDIA-H100-80GB-HBM3' }) } }, pool: nodes3 });
  expectValidationError(() => Testing.synth(chart3), exact(
    "[test/h100] worker.resources.accelerator.product: 'NVIDIA-H100-80GB-HBM3' is not valid; node pool 'onprem' has 'NVIDIA-A100-SXM4-80GB'"));
});

test('device plugin: tolerates the pools\' taints, selects their nodes, records its Pod Security opt-out', () => {
  const chart = Testing.chart();
  const a = new GpuNodePool(chart, 'a', { instances: GpuInstances.families(['g5']), nodeClass });
  const b = new GpuNodePool(chart, 'b', { instances: GpuInstances.families(['g6']), nodeClass, taint: { key: 'gpu', effect: TaintEffect.NO_SCHEDULE } });
  new NvidiaDevicePlugin(chart, 'dp', { pools: [a, b], timeSlicingReplicas: 2 });
  const objects = synthValid(chart);
  const cm = objects.find(o => o.kind === 'ConfigMap');
  expect(JSON.parse(cm.data['config.yaml'])).toEqual({
    version: 'v1',
    flags: { migStrategy: 'none', failOnInitError: true },
    sharing: { timeSlicing: { renameByDefault: true, resources: [{ name: 'nvidia.com/gpu', replicas: 2 }] } },
  });
  const ds = objects.find(o => o.kind === 'DaemonSet');
  expect(ds.metadata.namespace).toBe('kube-system');
  expect(ds.metadata.annotations['ai-platform.cdk8s.io/pod-security']).toBe('privileged');
  expect(ds.spec.template.spec.containers[0].image).toBe('nvcr.io/nvidia/k8s-device-plugin:v0.19.3');
  expect(ds.spec.template.spec.tolerations).toEqual([
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'gpu', operator: 'Exists', effect: 'NoSchedule' },
  ]);
  expect(ds.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
    { matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['a'] }] },
    { matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['b'] }] },
  ]);
  expect(() => new NvidiaDevicePlugin(chart, 'dp2', { timeSlicingReplicas: 0 })).toThrow('[test/dp2] timeSlicingReplicas: 0 is not valid; must be an integer from 1 to 64');
});

test('cluster-scoped objects carry no namespace, even in a namespaced chart', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'ns-chart', { namespace: 'ml' });
  new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  const objects = synthValid(chart);
  expect(objects.map(o => [o.kind, o.metadata.namespace])).toEqual([['EC2NodeClass', undefined], ['NodePool', undefined]]);
});

test('a pool of one GPU product labels its nodes with it, so a product selector can be served by Karpenter', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), labels: { team: 'ml' }, nodeClass });
  const pod = gpuPod(Accelerator.nvidia({ product: 'NVIDIA-A10G' }));
  pool.place(chart, pod);
  const [, nodePool] = synthValid(chart);
  expect(pool.gpuProduct).toBe('NVIDIA-A10G');
  expect(nodePool.spec.template.metadata).toEqual({ labels: { 'team': 'ml', 'nvidia.com/gpu.product': 'NVIDIA-A10G' } });
  // the pod's selectors are all labels Karpenter knows the nodes of this pool get
  const labels = { ...nodePool.spec.template.metadata.labels, 'karpenter.sh/nodepool': 'gpu' };
  for (const [k, v] of Object.entries(pod.toPodSpec(chart).nodeSelector)) expect(labels[k]).toBe(v);
});

test('error: product selector on a pool that mixes products or whose product is unknown (Karpenter cannot launch for it)', () => {
  const chart = Testing.chart();
  const mixed = new GpuNodePool(chart, 'mixed', { instances: GpuInstances.families(['g5', 'g6']), nodeClass });
  expect(mixed.gpuProduct).toBeUndefined();
  expect(synthValid(chart)[1].spec.template.metadata).toBeUndefined();
  expect(mixed.canServe(gpuPod(Accelerator.nvidia({ product: 'NVIDIA-L4' })))).toBe(false);
  mixed.place(chart, gpuPod(Accelerator.nvidia()));
  synthValid(chart);
  mixed.place(chart, gpuPod(Accelerator.nvidia({ product: 'NVIDIA-L4' })));
  expectValidationError(() => Testing.synth(chart), exact(
    "[test] podTemplate.containers[0].resources.accelerator.product: 'NVIDIA-L4' is not valid; node pool 'mixed' mixes 'NVIDIA-A10G', 'NVIDIA-L4', so its NodePool cannot declare "
    + "'nvidia.com/gpu.product' and Karpenter launches no node for a pod that selects it; use a pool of one GPU product (e.g. one instance family) or request no product"));
  const chart2 = Testing.chart();
  const unknown = new GpuNodePool(chart2, 'unknown', { instances: GpuInstances.families(['g6f']), nodeClass });
  unknown.place(chart2, gpuPod(Accelerator.nvidia({ product: 'NVIDIA-L4' })));
  expectValidationError(() => Testing.synth(chart2),
    /^\[test\] podTemplate\.containers\[0\]\.resources\.accelerator\.product: 'NVIDIA-L4' is not valid; node pool 'unknown' has instances whose GPU product is not known, so its NodePool/);
});

test('error: GPU limit below the GPUs of the smallest instance (Karpenter could never launch a node)', () => {
  const chart = Testing.chart();
  expect(() => new GpuNodePool(chart, 'p4d', { instances: GpuInstances.families(['p4d']), gpuLimit: 4, nodeClass })).toThrow(
    '[test/p4d] gpuLimit: 4 is not valid; must be at least 8, the GPUs of the smallest instance the pool may launch (Karpenter launches no node whose capacity exceeds the remaining limit)');
  expect(() => new GpuNodePool(chart, 'g5', { instances: GpuInstances.types(['g5.12xlarge', 'g5.48xlarge']), gpuLimit: 2, nodeClass })).toThrow(
    '[test/g5] gpuLimit: 2 is not valid; must be at least 4');
  expect(() => new GpuNodePool(chart, 'zero', { instances: GpuInstances.families(['g5']), gpuLimit: 0, nodeClass })).toThrow(
    '[test/zero] gpuLimit: 0 is not valid; must be at least 1');
  new GpuNodePool(chart, 'ok', { instances: GpuInstances.families(['p5']), gpuLimit: 1, nodeClass }); // p5.4xlarge has 1
  synthValid(chart);
});

test('error: node labels in domains Karpenter restricts (NodePool CEL rules)', () => {
  const chart = Testing.chart();
  for (const key of ['karpenter.sh/nodepool', 'team.karpenter.sh/x', 'karpenter.k8s.aws/instance-family', 'kubernetes.io/hostname']) {
    expect(() => new GpuNodePool(chart, `p${key.length}`, { instances: GpuInstances.families(['g5']), labels: { [key]: 'x' }, nodeClass })).toThrow(
      `[test/p${key.length}] labels.${key}: '${key}' is not valid; is restricted by Karpenter (label domains 'karpenter.sh' and 'karpenter.k8s.aws', and 'kubernetes.io/hostname'); use a label of your own domain`);
  }
  new GpuNodePool(chart, 'ok', { instances: GpuInstances.families(['g5']), labels: { 'karpenter.sh/capacity-type': 'spot', 'example.com/team': 'ml' }, nodeClass });
  synthValid(chart);
});

test('disruption durations must be whole seconds, and render as Go durations', () => {
  const chart = Testing.chart();
  expect(() => new GpuNodePool(chart, 'frac', { instances: GpuInstances.families(['g5']), nodeClass, consolidateAfter: Duration.millis(1500) }))
    .toThrow("[test/frac] consolidateAfter: '1500ms' is not valid; must be a whole number of seconds");
  const pool = new GpuNodePool(Testing.chart(), 'ok', { instances: GpuInstances.families(['g5']), nodeClass, consolidateAfter: Duration.seconds(90) });
  expect(pool.nodePool.toJson().spec.disruption.consolidateAfter).toBe('1m30s');
});
