import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu, TaintEffect } from 'cdk8s-plus-28';
import { Accelerator, ConsolidationPolicy, ExistingGpuNodes, GpuInstances, GpuNodePool, GpuSharing, MigStrategy, NvidiaDevicePlugin, PodTemplate } from '../../src';
import { synthValid } from '../util';

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

test('error: accelerator the pool does not offer', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  expect(() => pool.place(chart, gpuPod(Accelerator.amd(1)))).toThrow(
    "[test] accelerators[0].resourceName: 'amd.com/gpu' is not valid; node pool 'gpu' offers 'nvidia.com/gpu'; place the workload on a pool that offers 'amd.com/gpu'");
});

test('error: GPU product the pool does not have', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5', 'g6']), nodeClass });
  expect(() => pool.place(chart, gpuPod(Accelerator.nvidia({ product: 'NVIDIA-H100-80GB-HBM3' })))).toThrow(
    "[test] accelerators[0].product: 'NVIDIA-H100-80GB-HBM3' is not valid; node pool 'gpu' has 'NVIDIA-A10G', 'NVIDIA-L4'");
});

test('error: more GPUs per pod than the largest node type has', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.types(['g5.xlarge', 'g5.12xlarge']), nodeClass });
  expect(() => pool.place(chart, gpuPod(Accelerator.nvidia({ count: 8 })))).toThrow(
    "[test] accelerators[0].count: 8 is not valid; the largest node of pool 'gpu' has 4 nvidia.com/gpu; request at most 4 per pod");
});

test('error: pool GPU limit below a single workload request', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['p5']), gpuLimit: 4, nodeClass });
  expect(() => pool.place(chart, gpuPod(Accelerator.nvidia({ count: 8 })))).toThrow(
    "[test] accelerators[0].count: 8 is not valid; node pool 'gpu' is limited to 4 GPUs in total; raise the pool's gpu limit or request fewer");
});

test('error: time-sliced pool cannot serve whole GPUs, whichever is declared first', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'shared', { instances: GpuInstances.families(['g6']), nodeClass });
  pool.place(chart, gpuPod(Accelerator.nvidia()));
  expect(() => new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], timeSlicingReplicas: 4 })).toThrow(
    "[test] accelerators[0].resourceName: 'nvidia.com/gpu' is not valid; node pool 'shared' offers 'nvidia.com/gpu.shared'");
  const chart2 = Testing.chart();
  const pool2 = new GpuNodePool(chart2, 'shared', { instances: GpuInstances.families(['g6']), nodeClass });
  new NvidiaDevicePlugin(chart2, 'dp', { pools: [pool2], timeSlicingReplicas: 4 });
  pool2.place(chart2, gpuPod(Accelerator.nvidia({ sharing: GpuSharing.TIME_SLICING })));
  expect(() => pool2.place(chart2, gpuPod(Accelerator.nvidia()))).toThrow(/offers 'nvidia.com\/gpu.shared'/);
});

test('MIG slices are served once the device plugin uses the mixed strategy', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'mig', { instances: GpuInstances.families(['p4d']), nodeClass });
  expect(() => pool.place(chart, gpuPod(Accelerator.nvidiaMig('1g.5gb')))).toThrow(/'nvidia.com\/mig-1g.5gb' is not valid/);
  new NvidiaDevicePlugin(chart, 'dp', { pools: [pool], migStrategy: MigStrategy.MIXED });
  pool.place(chart, gpuPod(Accelerator.nvidiaMig('1g.5gb')));
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
  expect(() => nodes.place(chart, gpuPod(Accelerator.nvidia({ count: 16 })))).toThrow(/the largest node of pool 'onprem' has 8/);
  expect(() => new ExistingGpuNodes(chart, 'x', { nodeLabels: {} })).toThrow('[test/x] nodeLabels: {} is not valid; give at least one label that selects the nodes');
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
  expect(ds.spec.template.spec.containers[0].image).toBe('nvcr.io/nvidia/k8s-device-plugin:v0.20.0');
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
  expect(() => mixed.place(chart, gpuPod(Accelerator.nvidia({ product: 'NVIDIA-L4' })))).toThrow(
    "[test] accelerators[0].product: 'NVIDIA-L4' is not valid; node pool 'mixed' mixes 'NVIDIA-A10G', 'NVIDIA-L4', so its NodePool cannot declare "
    + "'nvidia.com/gpu.product' and Karpenter launches no node for a pod that selects it; use a pool of one GPU product (e.g. one instance family) or request no product");
  expect(mixed.canServe(gpuPod(Accelerator.nvidia({ product: 'NVIDIA-L4' })))).toBe(false);
  mixed.place(chart, gpuPod(Accelerator.nvidia()));
  const unknown = new GpuNodePool(chart, 'unknown', { instances: GpuInstances.families(['g6f']), nodeClass });
  expect(() => unknown.place(chart, gpuPod(Accelerator.nvidia({ product: 'NVIDIA-L4' })))).toThrow(
    "[test] accelerators[0].product: 'NVIDIA-L4' is not valid; node pool 'unknown' has instances whose GPU product is not known, so its NodePool");
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
