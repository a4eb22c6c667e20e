import { Size, Testing } from 'cdk8s';
import { Cpu, RestartPolicy } from 'cdk8s-plus-28';
import { Accelerator, AcceleratorVendor, GpuSharing } from '../../src/core/accelerator';
import { PodTemplate } from '../../src/core/pod-template';
import { expectValidationError, synthPodTemplate } from '../util';

/** A one-container pod template requesting `accelerator`. */
function gpuPod(accelerator: Accelerator): PodTemplate {
  return new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    containers: [{ image: 'ghcr.io/example/trainer:1.0.0', resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8), accelerator } }],
  });
}

/** Renders `accelerator` into a Job and returns the pod spec (schema-validated). */
function renderGpu(accelerator: Accelerator): any {
  return synthPodTemplate(gpuPod(accelerator)).spec;
}

test('Accelerator.nvidia() defaults to one whole GPU', () => {
  const a = Accelerator.nvidia();
  expect(a.vendor).toBe(AcceleratorVendor.NVIDIA);
  expect(a.resourceName).toBe('nvidia.com/gpu');
  expect(a.count).toBe(1);
  expect(a.product).toBeUndefined();
  expect(a.migProfile).toBeUndefined();
  expect(a.shared).toBe(false);
  expect(a.isNvidia).toBe(true);
  expect(a.nodeSelector).toEqual({});
});

test('whole NVIDIA GPUs render as a limit on nvidia.com/gpu', () => {
  const spec = renderGpu(Accelerator.nvidia({ count: 4 }));
  expect(spec.containers[0].resources).toEqual({
    requests: { cpu: '2', memory: '8Gi' },
    limits: { 'memory': '8Gi', 'nvidia.com/gpu': '4' },
  });
  expect(spec.nodeSelector).toBeUndefined();
});

test('GpuSharing.NONE is the same as no sharing', () => {
  const a = Accelerator.nvidia({ sharing: GpuSharing.NONE, count: 2 });
  expect(a.resourceName).toBe('nvidia.com/gpu');
  expect(a.shared).toBe(false);
});

test('time-sliced NVIDIA GPUs render as a limit on nvidia.com/gpu.shared', () => {
  const a = Accelerator.nvidia({ sharing: GpuSharing.TIME_SLICING });
  expect(a.shared).toBe(true);
  expect(a.isNvidia).toBe(true);
  const spec = renderGpu(a);
  expect(spec.containers[0].resources.limits['nvidia.com/gpu.shared']).toBe('1');
  expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
});

test('a GPU product adds the node selector nvidia.com/gpu.product', () => {
  const a = Accelerator.nvidia({ product: 'NVIDIA-A100-SXM4-80GB' });
  expect(Accelerator.NVIDIA_PRODUCT_LABEL).toBe('nvidia.com/gpu.product');
  expect(a.product).toBe('NVIDIA-A100-SXM4-80GB');
  expect(a.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
  const spec = renderGpu(a);
  expect(spec.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
  expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
});

test('MIG slices render as a limit on nvidia.com/mig-<profile>', () => {
  const a = Accelerator.nvidiaMig('1g.10gb');
  expect(a.vendor).toBe(AcceleratorVendor.NVIDIA);
  expect(a.resourceName).toBe('nvidia.com/mig-1g.10gb');
  expect(a.migProfile).toBe('1g.10gb');
  expect(a.count).toBe(1);
  expect(a.shared).toBe(false);
  const spec = renderGpu(a);
  expect(spec.containers[0].resources.limits['nvidia.com/mig-1g.10gb']).toBe('1');
  expect(spec.nodeSelector).toBeUndefined();
});

test('MIG slices take a count', () => {
  const spec = renderGpu(Accelerator.nvidiaMig('3g.40gb', 2));
  expect(spec.containers[0].resources.limits['nvidia.com/mig-3g.40gb']).toBe('2');
});

test('MIG profiles with media extensions use the resource name the device plugin advertises (+ becomes .)', () => {
  // The NVIDIA device plugin (mixed strategy) advertises `1g.10gb+me` as `nvidia.com/mig-1g.10gb.me`:
  // '+' is not allowed in a resource name.
  const a = Accelerator.nvidiaMig('1g.10gb+me');
  expect(a.migProfile).toBe('1g.10gb+me');
  expect(a.resourceName).toBe('nvidia.com/mig-1g.10gb.me');
  const spec = renderGpu(a);
  expect(spec.containers[0].resources.limits['nvidia.com/mig-1g.10gb.me']).toBe('1');
});

test('AMD GPUs render as a limit on amd.com/gpu', () => {
  const a = Accelerator.amd(2);
  expect(a.vendor).toBe(AcceleratorVendor.AMD);
  expect(a.isNvidia).toBe(false);
  expect(Accelerator.amd().count).toBe(1);
  const spec = renderGpu(a);
  expect(spec.containers[0].resources.limits['amd.com/gpu']).toBe('2');
});

test('AWS Neuron devices render as a limit on aws.amazon.com/neuron', () => {
  const a = Accelerator.awsNeuron(16);
  expect(a.vendor).toBe(AcceleratorVendor.AWS);
  expect(Accelerator.awsNeuron().count).toBe(1);
  const spec = renderGpu(a);
  expect(spec.containers[0].resources.limits['aws.amazon.com/neuron']).toBe('16');
});

test('custom extended resources render as a limit on their name', () => {
  const a = Accelerator.resource('gpu.intel.com/i915', 3);
  expect(a.vendor).toBe(AcceleratorVendor.INTEL);
  const spec = renderGpu(a);
  expect(spec.containers[0].resources.limits['gpu.intel.com/i915']).toBe('3');
  expect(renderGpu(Accelerator.resource('xilinx.com/fpga-xilinx_u250')).containers[0].resources.limits['xilinx.com/fpga-xilinx_u250']).toBe('1');
});

test('Accelerator.resource() infers the vendor from the domain', () => {
  expect(Accelerator.resource('nvidia.com/gpu').vendor).toBe(AcceleratorVendor.NVIDIA);
  expect(Accelerator.resource('nvidia.com/gpu').isNvidia).toBe(true);
  expect(Accelerator.resource('amd.com/gpu').vendor).toBe(AcceleratorVendor.AMD);
  expect(Accelerator.resource('aws.amazon.com/neuroncore').vendor).toBe(AcceleratorVendor.AWS);
  expect(Accelerator.resource('gpu.intel.com/xe').vendor).toBe(AcceleratorVendor.INTEL);
  expect(Accelerator.resource('habana.ai/gaudi').vendor).toBe(AcceleratorVendor.OTHER);
  expect(Accelerator.resource('habana.ai/gaudi').count).toBe(1);
  expect(Accelerator.resource('habana.ai/gaudi').product).toBeUndefined();
});

test('an accelerator on an init container is also honoured', () => {
  const t = new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    initContainers: [{ image: 'ghcr.io/example/warmup:1', resources: { accelerator: Accelerator.nvidia({ product: 'NVIDIA-L4' }) } }],
    containers: [{ image: 'ghcr.io/example/app:1' }],
  });
  expect(t.accelerators.map(a => a.resourceName)).toEqual(['nvidia.com/gpu']);
  const { spec } = synthPodTemplate(t);
  expect(spec.initContainers[0].resources.limits['nvidia.com/gpu']).toBe('1');
  expect(spec.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-L4' });
});

test.each([
  ['0', Accelerator.nvidia({ count: 0 }), 0],
  ['negative', Accelerator.amd(-1), -1],
  ['non-integer', Accelerator.nvidia({ count: 1.5 }), 1.5],
  ['non-integer MIG', Accelerator.nvidiaMig('1g.10gb', 0.5), 0.5],
])('accelerator count %s is rejected', (_, accelerator, count) => {
  expectValidationError(() => gpuPod(accelerator).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.resources\\.accelerator\\.count: ${String(count).replace('.', '\\.')} is not valid; must be an integer of at least 1$`));
});

test.each(['big', '1g', '10gb', '0g.10gb', '1g.10GB', '1g.10gb+gfx', '1g.10gb+me+me', 'mig-1g.10gb', ''])('MIG profile %p is rejected', (profile) => {
  const escaped = profile.replace(/[.+]/g, c => `\\${c}`);
  expectValidationError(() => gpuPod(Accelerator.nvidiaMig(profile)).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.resources\\.accelerator\\.migProfile: '${escaped}' is not valid; `
      + "must be a MIG profile such as '1g\\.10gb', '2g\\.20gb', '3g\\.40gb' or '1g\\.10gb\\+me'$"));
});

test.each(['1g.5gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb', '1g.24gb'])('MIG profile %p is accepted', (profile) => {
  const spec = renderGpu(Accelerator.nvidiaMig(profile));
  expect(spec.containers[0].resources.limits[`nvidia.com/mig-${profile}`]).toBe('1');
});

test.each(['gpu', 'example/fpga', 'Example.com/fpga', 'example.com/', 'example.com/-fpga', 'example.com/a/b', 'example.com/fp ga'])(
  'extended resource name %p is rejected', (name) => {
    const escaped = name.replace(/[.]/g, '\\.');
    expectValidationError(() => gpuPod(Accelerator.resource(name)).toPodSpec(Testing.chart()),
      new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.resources\\.accelerator\\.resourceName: '${escaped}' is not valid; `
        + "must be a domain-prefixed extended resource name such as 'nvidia\\.com/gpu' or 'amd\\.com/gpu'$"));
  });

test.each(['NVIDIA A100', 'A100/80GB', '-A100', 'A100-', ''])('GPU product %p is rejected', (product) => {
  expectValidationError(() => gpuPod(Accelerator.nvidia({ product })).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.resources\\.accelerator\\.product: '${product}' is not valid; `
      + "must be a label value as published in 'nvidia\\.com/gpu\\.product', e\\.g\\. 'NVIDIA-A100-SXM4-80GB'$"));
});

test('a GPU product longer than a label value (63 characters) is rejected', () => {
  const product = 'NVIDIA-' + 'X'.repeat(57);
  expect(product.length).toBe(64);
  expectValidationError(() => gpuPod(Accelerator.nvidia({ product })).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.resources\\.accelerator\\.product: '${product}' is not valid; must be a label value`));
});

test('the validation error of an accelerator names the container it belongs to', () => {
  const t = new PodTemplate({
    containers: [
      { image: 'ghcr.io/example/app:1' },
      { image: 'ghcr.io/example/sidecar:1', resources: { accelerator: Accelerator.nvidia({ count: 0 }) } },
    ],
    initContainers: [{ image: 'ghcr.io/example/init:1', resources: { accelerator: Accelerator.amd(0) } }],
  });
  expectValidationError(() => t.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[1\]\.resources\.accelerator\.count: 0 is not valid/);
  const initOnly = new PodTemplate({
    containers: [{ image: 'ghcr.io/example/app:1' }],
    initContainers: [{ image: 'ghcr.io/example/init:1', resources: { accelerator: Accelerator.amd(0) } }],
  });
  expectValidationError(() => initOnly.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.initContainers\[0\]\.resources\.accelerator\.count: 0 is not valid/);
});
