import { Size, Testing } from 'cdk8s';
import { Cpu, RestartPolicy } from 'cdk8s-plus-28';
import { Accelerator } from '../../src/core/accelerator';
import { PodTemplate } from '../../src/core/pod-template';
import { ComputeResources, cpuString, mib, renderResources } from '../../src/core/resources';
import { expectValidationError, synthPodTemplate } from '../util';

function pod(resources: ComputeResources): PodTemplate {
  return new PodTemplate({ restartPolicy: RestartPolicy.NEVER, containers: [{ image: 'ghcr.io/example/app:1', resources }] });
}

function renderOne(resources: ComputeResources): any {
  return synthPodTemplate(pod(resources)).spec.containers[0].resources;
}

test('sizes render as Gi when whole, else as Mi', () => {
  expect(mib(Size.gibibytes(16))).toBe('16Gi');
  expect(mib(Size.mebibytes(1024))).toBe('1Gi');
  expect(mib(Size.mebibytes(512))).toBe('512Mi');
  expect(mib(Size.gibibytes(1.5))).toBe('1536Mi');
  expect(mib(Size.gibibytes(0.5))).toBe('512Mi');
  expect(mib(Size.tebibytes(1))).toBe('1024Gi');
  expect(mib(Size.mebibytes(1))).toBe('1Mi');
});

test('CPU renders in Kubernetes quantity syntax', () => {
  expect(cpuString(Cpu.units(4))).toBe('4');
  expect(cpuString(Cpu.units(0.5))).toBe('0.5');
  expect(cpuString(Cpu.millis(500))).toBe('500m');
  expect(cpuString(Cpu.millis(1500))).toBe('1500m');
});

test('no resources render nothing', () => {
  expect(renderResources(Testing.chart(), 'r', undefined)).toBeUndefined();
  expect(renderResources(Testing.chart(), 'r', {})).toEqual({});
  const { spec } = synthPodTemplate(pod({}));
  expect(spec.containers[0].resources).toBeUndefined();
});

test('a CPU request renders without a CPU limit by default', () => {
  expect(renderOne({ cpu: Cpu.units(2) })).toEqual({ requests: { cpu: '2' } });
});

test('a CPU limit renders when given', () => {
  expect(renderOne({ cpu: Cpu.millis(500), cpuLimit: Cpu.units(2) })).toEqual({ requests: { cpu: '500m' }, limits: { cpu: '2' } });
  expect(renderOne({ cpuLimit: Cpu.units(1) })).toEqual({ limits: { cpu: '1' } });
});

test('the memory limit defaults to the memory request', () => {
  expect(renderOne({ memory: Size.gibibytes(16) })).toEqual({ requests: { memory: '16Gi' }, limits: { memory: '16Gi' } });
  expect(renderOne({ memory: Size.mebibytes(1536) })).toEqual({ requests: { memory: '1536Mi' }, limits: { memory: '1536Mi' } });
});

test('an explicit memory limit overrides the default', () => {
  expect(renderOne({ memory: Size.gibibytes(4), memoryLimit: Size.gibibytes(6) })).toEqual({ requests: { memory: '4Gi' }, limits: { memory: '6Gi' } });
  expect(renderOne({ memoryLimit: Size.mebibytes(768) })).toEqual({ limits: { memory: '768Mi' } });
});

test('a limit equal to the request is fine', () => {
  expect(renderOne({ cpu: Cpu.units(1), cpuLimit: Cpu.millis(1000), memory: Size.gibibytes(1), memoryLimit: Size.mebibytes(1024) })).toEqual({
    requests: { cpu: '1', memory: '1Gi' },
    limits: { cpu: '1000m', memory: '1Gi' },
  });
});

test('ephemeral storage renders as request and limit', () => {
  expect(renderOne({ ephemeralStorage: Size.gibibytes(20) })).toEqual({
    requests: { 'ephemeral-storage': '20Gi' },
    limits: { 'ephemeral-storage': '20Gi' },
  });
});

test('everything together', () => {
  expect(renderOne({
    cpu: Cpu.units(8),
    cpuLimit: Cpu.units(16),
    memory: Size.gibibytes(64),
    ephemeralStorage: Size.mebibytes(500),
    accelerator: Accelerator.nvidia({ count: 8 }),
  })).toEqual({
    requests: { 'cpu': '8', 'memory': '64Gi', 'ephemeral-storage': '500Mi' },
    limits: { 'cpu': '16', 'memory': '64Gi', 'ephemeral-storage': '500Mi', 'nvidia.com/gpu': '8' },
  });
});

test('accelerators are set as limits only', () => {
  expect(renderOne({ accelerator: Accelerator.amd(1) })).toEqual({ limits: { 'amd.com/gpu': '1' } });
});

test('a memory limit below the request is rejected', () => {
  expectValidationError(() => pod({ memory: Size.gibibytes(8), memoryLimit: Size.gibibytes(4) }).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.resources\.memoryLimit: '4Gi' is not valid; must be at least the memory request \(8Gi\)$/);
  expectValidationError(() => pod({ memory: Size.gibibytes(1), memoryLimit: Size.mebibytes(1023) }).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.resources\.memoryLimit: '1023Mi' is not valid; must be at least the memory request \(1Gi\)$/);
});

test('a CPU limit below the request is rejected', () => {
  expectValidationError(() => pod({ cpu: Cpu.units(1), cpuLimit: Cpu.millis(500) }).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.resources\.cpuLimit: '500m' is not valid; must be at least the CPU request \(1\)$/);
  expectValidationError(() => pod({ cpu: Cpu.millis(2500), cpuLimit: Cpu.units(2) }).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.resources\.cpuLimit: '2' is not valid; must be at least the CPU request \(2500m\)$/);
  expectValidationError(() => pod({ cpu: Cpu.units(1.5), cpuLimit: Cpu.units(1) }).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.resources\.cpuLimit: '1' is not valid; must be at least the CPU request \(1\.5\)$/);
});

test('CPU limits compare across units', () => {
  expect(renderOne({ cpu: Cpu.units(0.5), cpuLimit: Cpu.millis(500) })).toEqual({ requests: { cpu: '0.5' }, limits: { cpu: '500m' } });
  expect(renderOne({ cpu: Cpu.millis(250), cpuLimit: Cpu.units(0.25) })).toEqual({ requests: { cpu: '250m' }, limits: { cpu: '0.25' } });
});

test('resource errors name the container', () => {
  const t = new PodTemplate({
    containers: [{ image: 'ghcr.io/example/app:1' }, { image: 'ghcr.io/example/side:1', resources: { memory: Size.gibibytes(2), memoryLimit: Size.gibibytes(1) } }],
  });
  expectValidationError(() => t.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[1\]\.resources\.memoryLimit: '1Gi' is not valid; must be at least the memory request \(2Gi\)$/);
});
