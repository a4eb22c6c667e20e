/**
 * A regression guard for synthesis cost that counts work instead of timing it: the construct-tree nodes visited by
 * tree traversals (constructs' `findAll`) during construction and synth must grow linearly with the number of
 * workloads. A whole-app scan per workload (the old way to find node pools, runtimes or the KServe configuration)
 * makes the count grow quadratically.
 */
import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import {
  Accelerator, BatchQueue, ClusterServingRuntime, DistributedTraining, GpuInstances, GpuNodePool, InferenceService, KServeConfig,
  ModelFormat, PlatformApp, Predictor, QueueFlavors, ResourceQuota, SparkApplicationType, SparkJob, StorageUri, TrainingBackend,
} from '../../src';
import { PlatformContext } from '../../src/core/context';
import { yamlWriterStats } from '../../src/platform/yaml-writer';
import { DeploymentMode } from '../../src/serving/kserve-config';
import { countVisitedNodes } from '../util';

function build(units: number, app: App = new App({ outdir: 'cdk8s.out' })): App {
  const platform = new Chart(app, 'platform');
  new KServeConfig(platform, 'kserve', { defaultDeploymentMode: DeploymentMode.STANDARD });
  new ClusterServingRuntime(platform, 'sklearn', {
    name: 'sklearn',
    supportedModelFormats: [{ name: 'sklearn', version: '1', autoSelect: true }],
    container: { image: 'docker.io/kserve/sklearnserver:v0.20.0' },
  });
  const pool = new GpuNodePool(platform, 'gpu', { instances: GpuInstances.families(['g5']), gpuLimit: 1000, nodeClass: { clusterName: 'c', role: 'r' } });
  const queue = new BatchQueue(platform, 'queue', {
    name: 'q', resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forPool(pool), quotas: [ResourceQuota.cpu('9999'), ResourceQuota.memory('99Ti'), ResourceQuota.nvidiaGpus(999)] }] }],
  });
  const team = new Chart(app, 'team', { namespace: 'team' });
  const local = queue.addLocalQueue('team', 'gpu');
  for (let i = 0; i < units; i++) {
    new DistributedTraining(team, `train-${i}`, {
      image: 'ghcr.io/example/train:1.0.0',
      backend: TrainingBackend.trainerV2(),
      workers: 2,
      pool,
      queue: local,
      resourcesPerWorker: { cpu: Cpu.units(4), memory: Size.gibibytes(16), accelerator: Accelerator.nvidia({ count: 1 }) },
    });
    new InferenceService(team, `serve-${i}`, { predictor: Predictor.model({ format: ModelFormat.sklearn(), storageUri: StorageUri.s3('models', `m-${i}`) }) });
    new SparkJob(team, `etl-${i}`, {
      type: SparkApplicationType.PYTHON,
      sparkVersion: '3.5.5',
      image: 'docker.io/apache/spark:3.5.5',
      mainApplicationFile: 'local:///opt/spark/pi.py',
      driver: { cores: 1, memory: Size.mebibytes(512) },
    });
  }
  return app;
}

/** Nodes visited by `findAll` while building and synthesizing an app of `units` workload units. */
function visitedNodes(units: number): { visited: number; objects: number } {
  const { visited, result } = countVisitedNodes(() => build(units).synthYaml().split('\n---\n').length);
  return { visited, objects: result };
}

test('tree traversal work grows linearly with the number of workloads (20 → 40 → 80 units)', () => {
  const small = visitedNodes(20);
  const medium = visitedNodes(40);
  const large = visitedNodes(80);
  // twice the workloads, twice the objects ...
  expect(medium.objects / small.objects).toBeCloseTo(2, 0);
  expect(large.objects / medium.objects).toBeCloseTo(2, 0);
  // ... and at most a little over twice the visited nodes (a per-workload whole-app scan would give about 4x)
  expect(medium.visited / small.visited).toBeLessThan(2.3);
  expect(large.visited / medium.visited).toBeLessThan(2.3);
});

/** Spec renders of each workload class while building, and while synthesizing, an app of `units` workload units. */
function specRenders(units: number): { construct: number; synth: number; workloads: number } {
  // DistributedTraining renders through renderSpecNow (renderSpec adds the error reporting of a composed training)
  const methods: Array<[any, string]> = [[DistributedTraining.prototype, 'renderSpecNow'], [InferenceService.prototype, 'renderSpec'], [SparkJob.prototype, 'renderSpec']];
  const originals = methods.map(([p, m]) => p[m]);
  let count = 0;
  methods.forEach(([p, m], i) => {
    p[m] = function (this: unknown, ...args: any[]) {
      count++;
      return originals[i].apply(this, args);
    };
  });
  try {
    const app = build(units);
    const construct = count;
    count = 0;
    app.synthYaml();
    return { construct, synth: count, workloads: units * 3 };
  } finally {
    methods.forEach(([p, m], i) => { p[m] = originals[i]; });
  }
}

test('each workload spec is rendered once, whatever checks read it (a queue\'s demand check reads every TrainJob)', () => {
  for (const units of [10, 40]) {
    const { construct, synth } = specRenders(units);
    // SparkJob and DistributedTraining render once when declared, so that invalid props fail there, and synth reuses
    // that rendering (their pod templates did not change since); the InferenceServices render at synth
    expect(construct).toBe(units * 2);
    expect(synth).toBe(units);
  }
});

test('a change to a pod template or its placement after construction renders that workload again, and counts', () => {
  const app = build(3);
  const team = app.node.findChild('team');
  const train = team.node.findChild('train-1') as DistributedTraining;
  const etl = team.node.findChild('etl-2') as SparkJob;
  train.podTemplates[0].placement.selectNodeLabel('example.com/zone', 'a');
  etl.podTemplates[1].placement.priorityClassName = 'batch-low';
  const renders: string[] = [];
  const methods: Array<[any, string]> = [[DistributedTraining.prototype, 'renderSpecNow'], [SparkJob.prototype, 'renderSpec']];
  const originals = methods.map(([p, m]) => p[m]);
  methods.forEach(([p, m], i) => {
    p[m] = function (this: any, ...args: any[]) {
      renders.push(this.node.id);
      return originals[i].apply(this, args);
    };
  });
  try {
    const objects = YAML.parseAllDocuments(app.synthYaml()).map(d => d.toJSON());
    expect(renders.sort()).toEqual(['etl-2', 'train-1']);
    const trainJob = objects.find(o => o.kind === 'TrainJob' && o.metadata.name === train.name);
    expect(trainJob.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec.nodeSelector)
      .toMatchObject({ 'example.com/zone': 'a' });
    const spark = objects.find(o => o.kind === 'SparkApplication' && o.metadata.name === etl.name);
    expect(spark.spec.executor.template.spec.priorityClassName).toBe('batch-low');
  } finally {
    methods.forEach(([p, m], i) => { p[m] = originals[i]; });
  }
});

test('the cross-resource checks run once per synth, however many charts cdk8s serializes (it validates the app for each)', () => {
  const app = build(5);
  for (let i = 0; i < 20; i++) new Chart(app, `extra-${i}`, { namespace: `extra-${i}` });
  let runs = 0;
  PlatformContext.of(app).check(() => { runs++; });
  app.synthYaml();
  expect(runs).toBe(1);
  // a change after a synth (here a registration) makes the next synth check again
  PlatformContext.of(app).register('bench-marker', {});
  app.synthYaml();
  expect(runs).toBe(2);
});

test('PlatformApp writes every object of the bench\'s mix on its YAML fast path, with cdk8s\'s bytes', () => {
  // a document off the fast path goes through yaml's document model (several times slower): the workloads' objects
  // must not fall off it, or synthesis slows down with no test failing
  const cdk8s = build(4);
  const platform = build(4, new PlatformApp({ outdir: 'cdk8s.out' }));
  const before = { ...yamlWriterStats };
  const written = platform.synthYaml();
  expect(yamlWriterStats.fallback - before.fallback).toBe(0);
  expect(yamlWriterStats.fast - before.fast).toBe(written.split('\n---\n').length);
  expect(written).toEqual(cdk8s.synthYaml());
});
