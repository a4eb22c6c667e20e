import { Size, SizeRoundingBehavior, Testing } from 'cdk8s';
import { Cpu, RestartPolicy } from 'cdk8s-plus-28';
import { Accelerator, Memory, SparkApplicationType, SparkJob } from '../../src';
import { PodTemplate } from '../../src/core/pod-template';
import { parseQuantity } from '../../src/core/quantity';
import { ComputeResources } from '../../src/core/resources';
import { expectValidationError, synthPodTemplate } from '../util';

function pod(resources: ComputeResources): PodTemplate {
  return new PodTemplate({ restartPolicy: RestartPolicy.NEVER, containers: [{ image: 'ghcr.io/example/app:1', resources }] });
}

function renderOne(resources: ComputeResources): any {
  return synthPodTemplate(pod(resources)).spec.containers[0].resources;
}

const bytes = (s: Size) => s.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
const FIELD = '[test] podTemplate.containers[0].resources.memory';
const GRAMMAR = "must be a Kubernetes quantity: a number with an optional binary suffix (Ki, Mi, Gi, Ti, Pi, Ei), decimal suffix (k, M, G, T, P, E) or exponent (e9), e.g. '10G' or '10Gi'";

test('the factories write quantities as given: decimal and binary units', () => {
  expect(Memory.quantity(Memory.gigabytes(10))).toBe('10G');
  expect(Memory.quantity(Memory.gibibytes(10))).toBe('10Gi');
  expect(Memory.quantity(Memory.megabytes(512))).toBe('512M');
  expect(Memory.quantity(Memory.mebibytes(512))).toBe('512Mi');
  expect(Memory.quantity(Memory.kilobytes(1.5))).toBe('1.5k');
  expect(Memory.quantity(Memory.kibibytes(4))).toBe('4Ki');
  expect(Memory.quantity(Memory.terabytes(2))).toBe('2T');
  expect(Memory.quantity(Memory.tebibytes(2))).toBe('2Ti');
  expect(Memory.quantity(Memory.petabytes(1))).toBe('1P');
  expect(Memory.quantity(Memory.pebibytes(1))).toBe('1Pi');
  expect(Memory.quantity(Memory.bytes(1000))).toBe('1000');
  expect(Memory.quantity(Memory.of('1.5T'))).toBe('1.5T');
  expect(Memory.quantity(Memory.of('1e9'))).toBe('1e9');
});

test('a cdk8s Size is still written in binary units, and Memory.of reads back what Memory.quantity writes', () => {
  expect(Memory.quantity(Size.gibibytes(10))).toBe('10Gi');
  expect(Memory.quantity(Size.mebibytes(1536))).toBe('1536Mi');
  for (const s of [Size.gibibytes(10), Size.mebibytes(1536), Memory.gigabytes(10), Memory.of('.5Ki'), Memory.of('5.')]) {
    const again = Memory.of(Memory.quantity(s));
    expect(Memory.quantity(again)).toBe(Memory.quantity(s));
    expect(bytes(again)).toBe(bytes(s));
  }
});

test('the sizes hold the exact number of bytes (G is 1000^3, Gi 1024^3)', () => {
  expect(bytes(Memory.gigabytes(10))).toBe(10_000_000_000);
  expect(bytes(Memory.gibibytes(10))).toBe(10_737_418_240);
  expect(bytes(Memory.of('1.1G'))).toBe(1_100_000_000);
  expect(bytes(Memory.of('0.5Ki'))).toBe(512);
  expect(bytes(Memory.of('1E3'))).toBe(1000);
  expect(bytes(Memory.of('5E'))).toBe(5e18);
  expect(parseQuantity('100m')).toEqual({ quantity: '100m', valid: true, value: 0.1, whole: false });
  expect(parseQuantity('+1.5k')).toEqual({ quantity: '+1.5k', valid: true, value: 1500, whole: true });
});

test('the Kubernetes quantity grammar', () => {
  for (const q of ['10G', '10Gi', '1', '1.5T', '.5Ki', '5.', '1e9', '1E3', '2e-3', '5E', '+3M', '100m', '0']) expect([q, Memory.isQuantity(q)]).toEqual([q, true]);
  for (const q of ['10GB', '10gi', '10 G', 'G', '', '1.2.3', '1e', 'e9', '1Ki5', '0x10', '10K', '1,5G']) expect([q, Memory.isQuantity(q)]).toEqual([q, false]);
});

test('container memory: decimal requests and limits as given, compared by bytes', () => {
  expect(renderOne({ memory: Memory.gigabytes(10) })).toEqual({ requests: { memory: '10G' }, limits: { memory: '10G' } });
  expect(renderOne({ memory: Memory.gigabytes(10), memoryLimit: Memory.gibibytes(10) })).toEqual({ requests: { memory: '10G' }, limits: { memory: '10Gi' } });
  expect(renderOne({ ephemeralStorage: Memory.gigabytes(20) })).toEqual({ requests: { 'ephemeral-storage': '20G' }, limits: { 'ephemeral-storage': '20G' } });
  // 9Gi (9,663,676,416 bytes) is less than 10G (10,000,000,000 bytes)
  expectValidationError(() => pod({ memory: Memory.gigabytes(10), memoryLimit: Memory.gibibytes(9) }).toPodSpec(Testing.chart()),
    "[test] podTemplate.containers[0].resources.memoryLimit: '9Gi' is not valid; must be at least the memory request (10G)");
});

test('limitsEqualRequests: the same quantities as requests and limits, accelerators included', () => {
  const sdk = { 'cpu': '5', 'memory': '10G', 'nvidia.com/gpu': '1' };
  expect(renderOne({ cpu: Cpu.units(5), memory: Memory.gigabytes(10), accelerator: Accelerator.nvidia({ count: 1 }), limitsEqualRequests: true }))
    .toEqual({ requests: sdk, limits: sdk });
  // only limits given: the requests are the limits
  expect(renderOne({ cpuLimit: Cpu.millis(500), memoryLimit: Memory.mebibytes(256), limitsEqualRequests: true }))
    .toEqual({ requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  // the same quantity written two ways is equal
  expect(renderOne({ cpu: Cpu.units(1), cpuLimit: Cpu.millis(1000), limitsEqualRequests: true }))
    .toEqual({ requests: { cpu: '1' }, limits: { cpu: '1000m' } });
  // off (the default): no CPU limit, accelerators as limits only
  expect(renderOne({ cpu: Cpu.units(5), accelerator: Accelerator.nvidia({ count: 1 }), limitsEqualRequests: false }))
    .toEqual({ requests: { cpu: '5' }, limits: { 'nvidia.com/gpu': '1' } });
});

test('error: limitsEqualRequests with a limit that differs from its request', () => {
  expectValidationError(() => pod({ cpu: Cpu.units(5), cpuLimit: Cpu.units(6), limitsEqualRequests: true }).toPodSpec(Testing.chart()),
    "[test] podTemplate.containers[0].resources.cpuLimit: '6' is not valid; must equal the CPU request (5) when limitsEqualRequests is set");
  expectValidationError(
    () => pod({ memory: Memory.gigabytes(10), memoryLimit: Memory.gigabytes(12), limitsEqualRequests: true }).toPodSpec(Testing.chart()),
    "[test] podTemplate.containers[0].resources.memoryLimit: '12G' is not valid; must equal the memory request (10G) when limitsEqualRequests is set");
  expectValidationError(() => pod({ cpu: Cpu.units(1), limitsEqualRequests: 'yes' as any }).toPodSpec(Testing.chart()),
    "[test] podTemplate.containers[0].resources.limitsEqualRequests: 'yes' is not valid; must be true or false");
});

test('error: quantities that are malformed, negative, fractional bytes, zero or too large, named by prop', () => {
  const fails = (memory: Size, message: string) => expectValidationError(() => pod({ memory }).toPodSpec(Testing.chart()), `${FIELD}: ${message}`);
  fails(Memory.of('10GB'), `'10GB' is not valid; ${GRAMMAR}`);
  fails(Memory.of('ten'), `'ten' is not valid; ${GRAMMAR}`);
  fails(Memory.gigabytes(NaN), `'NaNG' is not valid; ${GRAMMAR}`);
  fails(Memory.gigabytes(Infinity), `'InfinityG' is not valid; ${GRAMMAR}`);
  fails(Memory.gigabytes(1e21), `'1e+21G' is not valid; ${GRAMMAR}`);
  fails(Memory.of('-1G'), "'-1G' is not valid; must be a finite, non-negative Size");
  fails(Memory.gigabytes(-1), "'-1G' is not valid; must be a finite, non-negative Size");
  fails(Memory.of('100m'), "'100m' is not valid; must be a whole number of bytes");
  fails(Memory.of('1.0000000001k'), "'1.0000000001k' is not valid; must be a whole number of bytes");
  fails(Memory.of('0'), "'0' is not valid; must be more than 0 bytes");
  fails(Memory.of('10E'), "'10E' is not valid; must be at most 8 EiB"); // 10^19 bytes; 8 EiB is 2^63 - 1
  fails(Memory.of('1e50'), "'1e50' is not valid; must be a finite, non-negative Size");
});

test('error: a decimal quantity where Spark needs whole mebibytes (JVM memory settings)', () => {
  expectValidationError(() => new SparkJob(Testing.chart(), 'pi', {
    name: 'pi',
    type: SparkApplicationType.PYTHON,
    sparkVersion: '3.5.5',
    image: 'docker.io/apache/spark:3.5.5',
    mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
    driver: { memory: Memory.gigabytes(1) },
  }), "[test/pi] driver.memory: '1G' is not valid; Spark reads memory settings in whole mebibytes; use Size.mebibytes() or Size.gibibytes()");
});

test('QUANTITY_PATTERN is the grammar isQuantity applies', () => {
  const re = new RegExp(Memory.QUANTITY_PATTERN);
  for (const q of ['10G', '10Gi', '1e9', '.5Ki', '10GB', '', '1,5G']) expect(re.test(q)).toBe(Memory.isQuantity(q));
});
