import { Testing } from 'cdk8s';
import { RestartPolicy, TaintEffect } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator } from '../../src/core/accelerator';
import { NodeOperator, NodeRequirement, Placement } from '../../src/core/placement';
import { PodTemplate } from '../../src/core/pod-template';
import { expectValidationError, synthPodTemplate } from '../util';

const IMAGE = 'ghcr.io/example/trainer:1';

function pod(placement: Placement): PodTemplate {
  return new PodTemplate({ restartPolicy: RestartPolicy.NEVER, placement, containers: [{ image: IMAGE }] });
}

function fails(placement: Placement, message: RegExp) {
  return expectValidationError(() => pod(placement).toPodSpec(Testing.chart()), message);
}

test('an empty placement renders nothing', () => {
  const { spec } = synthPodTemplate(pod(new Placement()));
  expect(spec.nodeSelector).toBeUndefined();
  expect(spec.tolerations).toBeUndefined();
  expect(spec.affinity).toBeUndefined();
  expect(spec.priorityClassName).toBeUndefined();
});

test('props render as node selector, tolerations, affinity and priority', () => {
  const placement = new Placement({
    nodeSelector: { 'karpenter.sh/nodepool': 'gpu' },
    tolerations: [
      { key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE },
      { key: 'dedicated', effect: TaintEffect.NO_EXECUTE },
    ],
    requiredNodeAffinity: [{ key: 'topology.kubernetes.io/zone', operator: NodeOperator.IN, values: ['us-east-1a', 'us-east-1b'] }],
    priorityClassName: 'training-high',
  });
  const { spec } = synthPodTemplate(pod(placement));
  expect(spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
  expect(spec.tolerations).toEqual([
    { key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
    { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' },
  ]);
  expect(spec.affinity).toEqual({
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a', 'us-east-1b'] }] }],
      },
    },
  });
  expect(spec.priorityClassName).toBe('training-high');
});

test('methods add to the placement after construction, and show in toPodTemplateSpec', () => {
  const t = pod(new Placement());
  t.placement.selectNodeLabel('node.kubernetes.io/instance-type', 'p4d.24xlarge');
  t.placement.tolerate({ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE });
  t.placement.requireNode({ key: 'karpenter.k8s.aws/instance-gpu-count', operator: NodeOperator.GT, values: ['3'] });
  t.placement.requireNode({ key: 'spot', operator: NodeOperator.DOES_NOT_EXIST });
  t.placement.priorityClassName = 'batch-low';
  t.placement.addPodLabel('kueue.x-k8s.io/queue-name', 'team-a');
  t.placement.addPodAnnotation('karpenter.sh/do-not-disrupt', 'true');

  const spec = t.toPodTemplateSpec(Testing.chart());
  expect(spec.metadata).toEqual({
    labels: { 'kueue.x-k8s.io/queue-name': 'team-a' },
    annotations: { 'karpenter.sh/do-not-disrupt': 'true' },
  });

  const { template } = synthPodTemplate(t);
  expect(template.metadata).toEqual({
    labels: { 'kueue.x-k8s.io/queue-name': 'team-a' },
    annotations: { 'karpenter.sh/do-not-disrupt': 'true' },
  });
  expect(template.spec.nodeSelector).toEqual({ 'node.kubernetes.io/instance-type': 'p4d.24xlarge' });
  expect(template.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  expect(template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{
    matchExpressions: [
      { key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'Gt', values: ['3'] },
      { key: 'spot', operator: 'DoesNotExist' },
    ],
  }]);
  expect(template.spec.priorityClassName).toBe('batch-low');
});

test('pod labels and annotations of the placement merge with those of the pod template, the placement winning', () => {
  const placement = new Placement();
  placement.addPodLabel('queue', 'team-a');
  placement.addPodLabel('app', 'from-placement');
  placement.addPodAnnotation('note', 'from-placement');
  const t = new PodTemplate({
    labels: { app: 'trainer', tier: 'batch' },
    annotations: { note: 'from-template', owner: 'ml' },
    placement,
    containers: [{ image: IMAGE }],
  });
  const { template } = synthPodTemplate(t);
  expect(template.metadata.labels).toEqual({ app: 'from-placement', tier: 'batch', queue: 'team-a' });
  expect(template.metadata.annotations).toEqual({ note: 'from-placement', owner: 'ml' });
});

test('getters return copies', () => {
  const p = new Placement({ nodeSelector: { a: 'b' }, tolerations: [{ key: 'k', effect: TaintEffect.NO_SCHEDULE }], requiredNodeAffinity: [{ key: 'x', operator: NodeOperator.EXISTS }] });
  p.addPodLabel('l', 'v');
  p.addPodAnnotation('n', 'v');
  p.nodeSelector.c = 'd';
  p.tolerations.push({ key: 'other', effect: TaintEffect.NO_SCHEDULE });
  p.requiredNodeAffinity.push({ key: 'y', operator: NodeOperator.EXISTS });
  p.podLabels.m = 'w';
  p.podAnnotations.o = 'w';
  expect(p.nodeSelector).toEqual({ a: 'b' });
  expect(p.tolerations).toEqual([{ key: 'k', effect: TaintEffect.NO_SCHEDULE }]);
  expect(p.requiredNodeAffinity).toEqual([{ key: 'x', operator: NodeOperator.EXISTS }]);
  expect(p.podLabels).toEqual({ l: 'v' });
  expect(p.podAnnotations).toEqual({ n: 'v' });
});

test('tolerations and node requirements are idempotent', () => {
  const p = new Placement({ tolerations: [{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }] });
  p.tolerate({ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE });
  p.tolerate({ key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE });
  p.tolerate({ key: 'nvidia.com/gpu', effect: TaintEffect.PREFER_NO_SCHEDULE });
  expect(p.tolerations).toHaveLength(3);
  const req: NodeRequirement = { key: 'zone', operator: NodeOperator.IN, values: ['a'] };
  p.requireNode(req);
  p.requireNode({ key: 'zone', operator: NodeOperator.IN, values: ['a'] });
  p.requireNode({ key: 'zone', operator: NodeOperator.IN, values: ['b'] });
  expect(p.requiredNodeAffinity).toEqual([req, { key: 'zone', operator: NodeOperator.IN, values: ['b'] }]);
  const { spec } = synthPodTemplate(pod(p));
  expect(spec.tolerations).toEqual([
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'PreferNoSchedule' },
  ]);
});

test('the node selector is sorted, later values win, and an accelerator product is added', () => {
  const p = new Placement({ nodeSelector: { zeta: 'z', alpha: 'a' } });
  p.selectNodeLabel('alpha', 'a2');
  p.selectNodeLabel('karpenter.sh/nodepool', 'gpu');
  const t = new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    placement: p,
    containers: [{ image: IMAGE, resources: { accelerator: Accelerator.nvidia({ product: 'NVIDIA-H100-80GB-HBM3' }) } }],
  });
  const { spec } = synthPodTemplate(t);
  expect(Object.keys(spec.nodeSelector)).toEqual(['alpha', 'karpenter.sh/nodepool', 'nvidia.com/gpu.product', 'zeta']);
  expect(spec.nodeSelector).toEqual({ 'alpha': 'a2', 'karpenter.sh/nodepool': 'gpu', 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3', 'zeta': 'z' });
  // the placement does not change: the product is added when rendering
  expect(p.nodeSelector).toEqual({ 'zeta': 'z', 'alpha': 'a2', 'karpenter.sh/nodepool': 'gpu' });
});

test('one placement can be shared by several pod templates', () => {
  const gpuNodes = new Placement({ tolerations: [{ key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE }] });
  const a = synthPodTemplate(pod(gpuNodes)).spec;
  const b = synthPodTemplate(pod(gpuNodes)).spec;
  expect(a.tolerations).toEqual(b.tolerations);
});

test('all operators with the right number of values are accepted', () => {
  const p = new Placement({
    requiredNodeAffinity: [
      { key: 'a', operator: NodeOperator.IN, values: ['x'] },
      { key: 'b', operator: NodeOperator.NOT_IN, values: ['x', 'y'] },
      { key: 'c', operator: NodeOperator.EXISTS },
      { key: 'd', operator: NodeOperator.DOES_NOT_EXIST, values: [] },
      { key: 'e', operator: NodeOperator.GT, values: ['1'] },
      { key: 'f', operator: NodeOperator.LT, values: ['10'] },
    ],
  });
  const { spec } = synthPodTemplate(pod(p));
  expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
    { key: 'a', operator: 'In', values: ['x'] },
    { key: 'b', operator: 'NotIn', values: ['x', 'y'] },
    { key: 'c', operator: 'Exists' },
    { key: 'd', operator: 'DoesNotExist' },
    { key: 'e', operator: 'Gt', values: ['1'] },
    { key: 'f', operator: 'Lt', values: ['10'] },
  ]);
});

test('In and NotIn without values are rejected', () => {
  fails(new Placement({ requiredNodeAffinity: [{ key: 'zone', operator: NodeOperator.IN }] }),
    /^\[test\] podTemplate\.placement\.requiredNodeAffinity\[0\]\.values: \[\] is not valid; operator In takes one or more values$/);
  fails(new Placement({ requiredNodeAffinity: [{ key: 'zone', operator: NodeOperator.EXISTS }, { key: 'zone', operator: NodeOperator.NOT_IN, values: [] }] }),
    /^\[test\] podTemplate\.placement\.requiredNodeAffinity\[1\]\.values: \[\] is not valid; operator NotIn takes one or more values$/);
});

test('Exists and DoesNotExist with values are rejected', () => {
  fails(new Placement({ requiredNodeAffinity: [{ key: 'gpu', operator: NodeOperator.EXISTS, values: ['true'] }] }),
    /^\[test\] podTemplate\.placement\.requiredNodeAffinity\[0\]\.values: \["true"\] is not valid; operator Exists takes no values$/);
  fails(new Placement({ requiredNodeAffinity: [{ key: 'spot', operator: NodeOperator.DOES_NOT_EXIST, values: ['a', 'b'] }] }),
    /^\[test\] podTemplate\.placement\.requiredNodeAffinity\[0\]\.values: \["a","b"\] is not valid; operator DoesNotExist takes no values$/);
});

test('Gt and Lt without exactly one value are rejected', () => {
  fails(new Placement({ requiredNodeAffinity: [{ key: 'gpus', operator: NodeOperator.GT, values: ['1', '2'] }] }),
    /^\[test\] podTemplate\.placement\.requiredNodeAffinity\[0\]\.values: \["1","2"\] is not valid; operator Gt takes exactly one integer value$/);
  fails(new Placement({ requiredNodeAffinity: [{ key: 'gpus', operator: NodeOperator.LT }] }),
    /^\[test\] podTemplate\.placement\.requiredNodeAffinity\[0\]\.values: \[\] is not valid; operator Lt takes exactly one integer value$/);
});

test('a node selector with a bad label value is rejected', () => {
  fails(new Placement({ nodeSelector: { 'karpenter.sh/nodepool': 'not a value' } }),
    /^\[test\] podTemplate\.placement\.nodeSelector\.karpenter\.sh\/nodepool: 'not a value' is not valid; node selector values are label values: at most 63 alphanumerics, '-', '_' or '\.', starting and ending with an alphanumeric$/);
  const p = new Placement();
  p.selectNodeLabel('pool', 'x'.repeat(64));
  fails(p, /^\[test\] podTemplate\.placement\.nodeSelector\.pool: 'x{64}' is not valid; node selector values are label values: at most 63 alphanumerics, '-', '_' or '\.', starting and ending with an alphanumeric$/);
});

test('a node selector with a bad label key is rejected, naming the key', () => {
  fails(new Placement({ nodeSelector: { 'bad key!': 'gpu' } }),
    /^\[test\] podTemplate\.placement\.nodeSelector: 'bad key!' is not valid; node selector keys are label keys: '\[dns-subdomain\/\]name' with a name of at most 63 alphanumerics, '-', '_' or '\.'$/);
  fails(new Placement({ nodeSelector: { 'Example.com/pool': 'gpu' } }),
    /^\[test\] podTemplate\.placement\.nodeSelector: 'Example\.com\/pool' is not valid; node selector keys are label keys: '\[dns-subdomain\/\]name' with a name of at most 63 alphanumerics, '-', '_' or '\.'$/);
});

test.each(['bad key', 'Example.com/gpu', 'a/b/c', '-gpu', ''])('toleration key %p is rejected', (key) => {
  const escaped = key.replace(/[.]/g, '\\.');
  fails(new Placement({ tolerations: [{ key: 'ok', effect: TaintEffect.NO_SCHEDULE }, { key, effect: TaintEffect.NO_SCHEDULE }] }),
    new RegExp(`^\\[test\\] podTemplate\\.placement\\.tolerations\\[1\\]\\.key: '${escaped}' is not valid; taint keys are '\\[dns-subdomain/\\]name' with a name of at most 63 alphanumerics, '-', '_' or '\\.'$`));
});

test('a bad pod label added through the placement is rejected', () => {
  const p = new Placement();
  p.addPodLabel('kueue.x-k8s.io/queue-name', 'Team A');
  expectValidationError(() => pod(p).toPodTemplateSpec(Testing.chart()),
    /^\[test\] podTemplate\.labels\.kueue\.x-k8s\.io\/queue-name: 'Team A' is not valid; label values are/);
});

test('placement errors are reported with the construct path of the scope', () => {
  const chart = Testing.chart();
  const scope = new Construct(chart, 'trainer');
  expectValidationError(() => pod(new Placement({ tolerations: [{ key: 'bad key', effect: TaintEffect.NO_SCHEDULE }] })).toPodSpec(scope),
    /^\[test\/trainer\] podTemplate\.placement\.tolerations\[0\]\.key: 'bad key' is not valid/);
});
