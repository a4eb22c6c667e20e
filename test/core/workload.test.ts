import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Accelerator, GpuInstances, GpuNodePool, PodTemplate } from '../../src';
import { placeWorkload } from '../../src/core/workload';
import { expectValidationError } from '../util';

const nodeClass = { clusterName: 'ml', role: 'node' };
const gpuPod = (accelerator?: Accelerator) => new PodTemplate({ containers: [{ image: 'repo/app:1', resources: accelerator ? { accelerator } : undefined }] });

test('a GPU workload placed on no pool, while the app declares pools that could serve it, fails at synth naming them', () => {
  const chart = Testing.chart();
  const workload = new Construct(chart, 'train');
  placeWorkload(workload, 'pool', gpuPod(Accelerator.nvidia({ count: 2 })), undefined);
  // pools may be declared after the workload
  new GpuNodePool(chart, 'a10g', { instances: GpuInstances.families(['g5']), nodeClass });
  new GpuNodePool(chart, 'h100', { instances: GpuInstances.families(['p5']), nodeClass });
  expect(() => Testing.synth(chart)).toThrow(
    "[test/train] pool: undefined is not valid; the pods request 2 nvidia.com/gpu but are placed on no node pool; pass one of 'a10g', 'h100'");
});

test('a GPU workload no pool of the app can serve fails at synth', () => {
  const chart = Testing.chart();
  const workload = new Construct(chart, 'serve');
  new GpuNodePool(chart, 'a10g', { instances: GpuInstances.families(['g5']), nodeClass });
  placeWorkload(workload, 'predictor.pool', gpuPod(Accelerator.nvidia({ product: 'NVIDIA-H100-80GB-HBM3' })), undefined);
  expect(() => Testing.synth(chart)).toThrow(
    "[test/serve] predictor.pool: undefined is not valid; the pods request 1 nvidia.com/gpu (NVIDIA-H100-80GB-HBM3) but no node pool in this app can serve it (pools: 'a10g')");
});

test('no error without accelerators, or when the app declares no pools (nodes managed elsewhere)', () => {
  const chart = Testing.chart();
  placeWorkload(new Construct(chart, 'cpu'), 'pool', gpuPod(), undefined);
  new GpuNodePool(chart, 'a10g', { instances: GpuInstances.families(['g5']), nodeClass });
  expect(() => Testing.synth(chart)).not.toThrow();
  const other = Testing.chart();
  placeWorkload(new Construct(other, 'gpu'), 'pool', gpuPod(Accelerator.nvidia()), undefined);
  expect(Testing.synth(other)).toEqual([]);
});

test('with a pool, placement happens at once and capacity is checked at synth, naming the template field', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'a10g', { instances: GpuInstances.families(['g5']), nodeClass });
  const pod = gpuPod(Accelerator.nvidia());
  placeWorkload(new Construct(chart, 'job'), 'pool', pod, pool, { runToCompletion: true });
  expect(pod.placement.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'a10g' });
  expect(pod.placement.podAnnotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
  const big = gpuPod(Accelerator.nvidia({ count: 9 }));
  expect(() => placeWorkload(new Construct(chart, 'big'), 'pool', big, pool)).not.toThrow();
  expectValidationError(() => Testing.synth(chart),
    "[test/big] podTemplate.containers[0].resources.accelerator.count: 9 is not valid; the largest node of pool 'a10g' has 8 nvidia.com/gpu; request at most 8 per pod");
  // a workload names the field after its own props
  big._nameFields({ 'containers[0].resources': 'resourcesPerWorker', '': '' });
  expectValidationError(() => Testing.synth(chart),
    "[test/big] resourcesPerWorker.accelerator.count: 9 is not valid; the largest node of pool 'a10g' has 8 nvidia.com/gpu; request at most 8 per pod");
});
