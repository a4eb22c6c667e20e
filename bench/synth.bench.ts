/**
 * npm run bench
 *
 * Measures synthesis and offline schema validation at platform scale: N GPU pools, each with a
 * device plugin, a Kueue queue and M GPU jobs submitted through it. Prints wall time per phase,
 * objects per second and heap use. Numbers are for comparison between commits on the same machine.
 */
import { ApiObject, Chart, Size, Testing } from 'cdk8s';
import { Cpu, RestartPolicy } from 'cdk8s-plus-28';
import { Accelerator, BatchQueue, GpuInstances, GpuNodePool, NvidiaDevicePlugin, PodTemplate, QueueFlavors, ResourceQuota } from '../src';
import { SchemaValidator } from '../src/validation/schema-validator';

function build(pools: number, jobsPerPool: number): Chart {
  const app = Testing.app();
  const chart = new Chart(app, 'bench');
  for (let p = 0; p < pools; p++) {
    const pool = new GpuNodePool(chart, `pool-${p}`, {
      instances: GpuInstances.families(['g5', 'g6']),
      gpuLimit: 64,
      nodeClass: { clusterName: 'bench', role: 'bench-node' },
    });
    new NvidiaDevicePlugin(chart, `dp-${p}`, { name: `nvidia-device-plugin-${p}`, pools: [pool] });
    const queue = new BatchQueue(chart, `queue-${p}`, {
      name: `queue-${p}`,
      resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forPool(pool), quotas: [ResourceQuota.cpu('512'), ResourceQuota.memory('2Ti'), ResourceQuota.nvidiaGpus(64)] }] }],
    });
    const local = queue.addLocalQueue(`team-${p}`, 'gpu');
    for (let j = 0; j < jobsPerPool; j++) {
      const pod = new PodTemplate({
        restartPolicy: RestartPolicy.NEVER,
        sharedMemory: true,
        containers: [{ image: 'ghcr.io/example/train:1.0.0', resources: { cpu: Cpu.units(4), memory: Size.gibibytes(16), accelerator: Accelerator.nvidia({ count: 1 }) } }],
      });
      pool.place(chart, pod, { runToCompletion: true });
      const job = new ApiObject(chart, `job-${p}-${j}`, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: `job-${p}-${j}`, namespace: `team-${p}` },
        spec: { template: pod.toPodTemplateSpec(chart) },
      });
      local.admit(job);
    }
  }
  return chart;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return [r, Number(process.hrtime.bigint() - t0) / 1e6];
}

function main(): void {
  const validator = SchemaValidator.default();
  // warm up: compile the schemas used below once, as a long-running synth would
  validator.validateAll(Testing.synth(build(1, 1)));
  for (const [pools, jobs] of [[4, 25], [10, 100]]) {
    const [chart, tBuild] = time(() => build(pools, jobs));
    const [objects, tSynth] = time(() => Testing.synth(chart));
    const [result, tValidate] = time(() => validator.validateAll(objects));
    if (result.violations.length) throw new Error(`benchmark output has ${result.violations.length} violations`);
    const heap = process.memoryUsage().heapUsed / 2 ** 20;
    const perK = (ms: number) => (ms / objects.length * 1000).toFixed(0);
    process.stdout.write(`${pools} pools x ${jobs} jobs: ${objects.length} objects | construct ${tBuild.toFixed(0)} ms | ` +
      `synth ${tSynth.toFixed(0)} ms (${perK(tSynth)} ms/1k objects) | validate ${tValidate.toFixed(0)} ms (${perK(tValidate)} ms/1k) | heap ${heap.toFixed(0)} MiB\n`);
  }
}

main();
