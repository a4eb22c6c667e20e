/**
 * Inputs the generated suite found crashing (a TypeError or a cdk8s Error) or producing invalid output before the
 * checking layer, kept as regular tests with the message each gives now.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, BatchQueue, CacheMedium, CacheRuntime, CronSchedule, Dataset, DistributedTraining, FineTuning, GpuInstances, GpuNodePool,
  GraphNode, InferenceGraph, PodTemplate, PodVolume, ResourceQuota, ServingRuntime, SparkApplicationType, SparkJob, SparkRun,
} from '../../src';
import { addPodTemplateObject, expectValidationError } from '../util';

const chart = () => new Chart(new App(), 'c', { namespace: 'team-a' });
const poolProps = { instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'c', role: 'r' } };
const spark = (extra: any) => ({
  type: SparkApplicationType.PYTHON, sparkVersion: '3.5.5', image: 'ghcr.io/example/app:1.0', mainApplicationFile: 'local:///app/main.py', ...extra,
});
const any = (x: unknown) => x as any;

test('a volume builder given null options renders its defaults (was: TypeError reading medium)', () => {
  const c = chart();
  addPodTemplateObject(c, new PodTemplate({ containers: [{ image: 'busybox:1.36', volumeMounts: [{ volume: PodVolume.fromEmptyDir('x', any(null)), path: '/x' }] }] }));
  expect(() => c.toJson()).not.toThrow();
});

test.each([
  ['GpuNodePool memoryLimit given as a number (was: TypeError toKibibytes)', () => new GpuNodePool(chart(), 'p', { ...poolProps, memoryLimit: any(16) }),
    '[c/p] memoryLimit: 16 is not valid; must be a Size, e.g. Size.gibibytes(16)'],
  ['GpuNodePool root volume of 1e30 GiB (was: invalid EC2NodeClass)', () => new GpuNodePool(chart(), 'p', { ...poolProps, nodeClass: { clusterName: 'c', role: 'r', rootVolumeSize: Size.gibibytes(1e30) } }),
    "[c/p] nodeClass.rootVolumeSize: '1e+30 gibibytes' is not valid; must be at most 8 EiB"],
  ['GpuNodePool budget that never fires (was: accepted)', () => new GpuNodePool(chart(), 'p', { ...poolProps, disruptionBudgets: [{ nodes: '1', schedule: '0 0 30 2 *', duration: Duration.hours(1) }] }),
    "[c/p] disruptionBudgets[0].schedule: '0 0 30 2 *' is not valid; it never fires: no day 30 in February; must be a standard 5-field cron expression "
    + "('minute hour day-of-month month day-of-week', e.g. '0 2 * * *'), one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, or '@every <duration>' (e.g. '@every 3m')"],
  ['SparkJob dependencies given as a string (was: TypeError forEach)', () => new SparkJob(chart(), 'j', spark({ deps: { packages: any('org.x:y:1') } })),
    "[c/j] deps.packages: 'org.x:y:1' is not valid; must be an array"],
  ['SparkJob driver memory given as a number (was: TypeError toKibibytes)', () => new SparkJob(chart(), 'j', spark({ driver: { memory: any(2048) } })),
    '[c/j] driver.memory: 2048 is not valid; must be a Size, e.g. Size.gibibytes(16)'],
  ['SparkJob scheduled on Feb 30 (was: accepted)', () => new SparkJob(chart(), 'j', spark({ run: SparkRun.scheduled({ schedule: CronSchedule.expression('0 0 30 2 *') }) })),
    "[c/j] run.schedule: '0 0 30 2 *' is not valid; it never fires: no day 30 in February; must be a standard 5-field cron expression "
    + "('minute hour day-of-month month day-of-week', e.g. '0 2 * * *'), one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, or '@every <duration>' (e.g. '@every 3m')"],
  ['Dataset with a null mount (was: TypeError reading _render)', () => new Dataset(chart(), 'd', { mounts: [any(null)], runtime: CacheRuntime.alluxio({ tiers: [{ medium: CacheMedium.MEMORY, quota: Size.gibibytes(1) }] }) }),
    "[c/d] mounts[0]: null is not valid; required: must be a DatasetMount, e.g. DatasetMount.fromUri('s3://bucket/prefix')"],
  ['DistributedTraining framework of the wrong type (was: TypeError _validate)', () => new DistributedTraining(chart(), 't', { image: 'ghcr.io/example/t:1', framework: any([]) }),
    '[c/t] framework: [] is not valid; must be a TrainingFramework, e.g. TrainingFramework.pyTorch()'],
  ['FineTuning without props (was: TypeError reading name)', () => new FineTuning(chart(), 'f', any(null)),
    '[c/f] props: null is not valid; required: must be an object of props'],
  ['FineTuning LoRA dropout of the wrong type, found with seed 777 (was: TypeError converting a Symbol)', () => new FineTuning(chart(), 'f', {
    model: { uri: 'hf://org/model' }, dataset: { repoId: 'org/data' }, lora: { dropout: any(Symbol.for('x')) },
  }), '[c/f] lora.dropout: Symbol(x) is not valid; must be at least 0 and below 1'],
  ['DistributedTraining activeDeadline of 0, found with seed 4242 (was: below the TrainJob CRD minimum of 1)', () => new DistributedTraining(chart(), 't', {
    image: 'ghcr.io/example/t:1', activeDeadline: Duration.millis(0),
  }), "[c/t] activeDeadline: '0 millis' is not valid; must be from 1 to 2147483647 seconds"],
  ['a quota without a nominal amount, found with seed 4242 (was: a ClusterQueue without nominalQuota)', () => new BatchQueue(chart(), 'q', {
    resourceGroups: [{ flavors: [{ flavor: { name: 'f' }, quotas: [ResourceQuota.accelerator(Accelerator.nvidia(), any(undefined))] }] }],
  }), "[c/q] resourceGroups[0].flavors[0].resources[0].nominalQuota: undefined is not valid; required: a non-negative Kubernetes quantity such as '64', '500m', '256Gi' or '8'"],
  ['FineTuning training arguments holding a function, found with seed 99 (was: undefined in the rendered arguments)', () => new FineTuning(chart(), 'f', {
    model: { uri: 'hf://org/model' }, dataset: { repoId: 'org/data' }, trainingArguments: { learning_rate: any(() => 1) },
  }), '[c/f] trainingArguments.learning_rate: a function is not valid; must be a JSON value: a string, a finite number, true, false, null, or arrays and objects of them'],
  ['a MIG slice without a profile, found with seed 31337 (was: nvidia.com/mig-undefined in the output)', () => {
    const c = chart();
    addPodTemplateObject(c, new PodTemplate({ containers: [{ image: 'busybox:1.36', resources: { accelerator: Accelerator.nvidiaMig(any(undefined)) } }] }));
  }, "[c] podTemplate.containers[0].resources.accelerator.migProfile: undefined is not valid; required: must be a MIG profile such as '1g.10gb', '2g.20gb', '3g.40gb' or '1g.10gb+me'"],
  ['InferenceGraph root of the wrong type (was: TypeError forEach)', () => new InferenceGraph(chart(), 'g', { root: any([]) }),
    "[c/g] root: [] is not valid; must be a GraphNode, e.g. GraphNode.sequence('root', steps)"],
  ['InferenceGraph with a null step (was: TypeError reading _node)', () => new InferenceGraph(chart(), 'g', { root: GraphNode.sequence('root', [any(null)]) }),
    '[c/g] root.steps[0]: null is not valid; required: must be a GraphStep, e.g. GraphStep.service(service)'],
  ['ServingRuntime with an undefined model format (was: TypeError reading name)', () => new ServingRuntime(chart(), 'r', {
    supportedModelFormats: [any(undefined)], container: { image: 'ghcr.io/example/server:1' },
  }), '[c/r] supportedModelFormats[0]: undefined is not valid; required: must be a SupportedModelFormat: { name, version?, autoSelect?, priority? }'],
  ['a pod template with a CPU of NaN cores (was: NaN in the output)', () => {
    const c = chart();
    addPodTemplateObject(c, new PodTemplate({ containers: [{ image: 'busybox:1.36', resources: { cpu: Cpu.units(NaN) } }] }));
  }, "[c] podTemplate.containers[0].resources.cpu: 'NaN' is not valid; must be a finite, non-negative number of cores"],
])('%s', (_name, fn, message) => {
  expectValidationError(fn as () => unknown, message as string);
});
