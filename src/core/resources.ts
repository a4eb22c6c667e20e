import { Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { Accelerator } from './accelerator';
import { check, checkProps, cpuMillicores, Is } from './checks';
import { invalid } from './errors';
import { renderByteQuantity } from './quantity';

/** The rules of {@link ComputeResources}. @internal */
export const COMPUTE_RESOURCES_RULES = {
  cpu: Is.cpu(),
  cpuLimit: Is.cpu(),
  memory: Is.size(),
  memoryLimit: Is.size(),
  ephemeralStorage: Is.size(),
  accelerator: Is.instance('_validate', 'must be an Accelerator, e.g. Accelerator.nvidia({ count: 1 })'),
  limitsEqualRequests: Is.boolean(),
};

/**
 * CPU, memory, ephemeral storage and accelerators for one container.
 */
export interface ComputeResources {
  /**
   * CPU request.
   * @default - no request (the namespace's LimitRange decides)
   */
  readonly cpu?: Cpu;
  /**
   * CPU limit.
   * @default - no CPU limit (avoids throttling; the request still reserves capacity)
   */
  readonly cpuLimit?: Cpu;
  /**
   * Memory request: a cdk8s `Size` (written in binary units, `Size.gibibytes(10)` is `10Gi`) or a quantity made with
   * {@link Memory} (written as given: `Memory.gigabytes(10)` is `10G`, `Memory.of('10G')` too).
   * @default - no request
   */
  readonly memory?: Size;
  /**
   * Memory limit.
   * @default - equal to the memory request, so the container is never OOM-killed for using what it asked for
   */
  readonly memoryLimit?: Size;
  /**
   * Ephemeral storage request (and limit).
   * @default - none
   */
  readonly ephemeralStorage?: Size;
  /**
   * Accelerators (GPUs, MIG slices, other devices). Extended resources are set as limits.
   * @default - none
   */
  readonly accelerator?: Accelerator;
  /**
   * Whether every resource is requested and limited by the same amount, as the Kubeflow SDKs write
   * `resources_per_worker={"cpu": 5, "memory": "10G", "gpu": 1}` (requests = limits): an unset CPU or memory limit
   * is the request (and an unset request the limit), and accelerators are written under requests as well as limits.
   * With CPU and memory set, every container so configured gets the Guaranteed QoS class. A limit that differs from
   * its request is an error.
   * @default false - CPU is not limited, memory is limited by its request, accelerators are written as limits only
   */
  readonly limitsEqualRequests?: boolean;
}

/** Renders resources in Kubernetes quantity syntax. */
export function renderResources(scope: IConstruct, field: string, r: ComputeResources | undefined): any {
  if (r === undefined) return undefined;
  checkProps(scope, r, COMPUTE_RESOURCES_RULES, `${field}.`);
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  const equal = r.limitsEqualRequests === true;
  const cpu = r.cpu ?? (equal ? r.cpuLimit : undefined);
  const cpuLimit = r.cpuLimit ?? (equal ? r.cpu : undefined);
  const memory = r.memory ?? (equal ? r.memoryLimit : undefined);
  const memoryLimit = r.memoryLimit ?? r.memory;
  if (cpu) requests.cpu = cpuString(cpu);
  if (cpuLimit) limits.cpu = cpuString(cpuLimit);
  if (memory) requests.memory = mib(memory);
  if (memoryLimit) limits.memory = mib(memoryLimit);
  if (r.ephemeralStorage) {
    requests['ephemeral-storage'] = mib(r.ephemeralStorage);
    limits['ephemeral-storage'] = mib(r.ephemeralStorage);
  }
  const kib = (x: Size) => x.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (equal && r.cpu && r.cpuLimit && millis(r.cpuLimit) !== millis(r.cpu)) {
    invalid(scope, `${field}.cpuLimit`, cpuString(r.cpuLimit), `must equal the CPU request (${cpuString(r.cpu)}) when limitsEqualRequests is set`);
  }
  if (equal && r.memory && r.memoryLimit && kib(r.memoryLimit) !== kib(r.memory)) {
    invalid(scope, `${field}.memoryLimit`, mib(r.memoryLimit), `must equal the memory request (${mib(r.memory)}) when limitsEqualRequests is set`);
  }
  if (r.cpu && r.cpuLimit && millis(r.cpuLimit) < millis(r.cpu)) {
    invalid(scope, `${field}.cpuLimit`, cpuString(r.cpuLimit), `must be at least the CPU request (${cpuString(r.cpu)})`);
  }
  if (r.memory && r.memoryLimit && kib(r.memoryLimit) < kib(r.memory)) {
    invalid(scope, `${field}.memoryLimit`, mib(r.memoryLimit), `must be at least the memory request (${mib(r.memory)})`);
  }
  if (r.accelerator) {
    r.accelerator._validate(scope, `${field}.accelerator`);
    limits[r.accelerator.resourceName] = String(r.accelerator.count);
    if (equal) requests[r.accelerator.resourceName] = String(r.accelerator.count);
  }
  const out: any = {};
  if (Object.keys(requests).length) out.requests = requests;
  if (Object.keys(limits).length) out.limits = limits;
  return out;
}

/**
 * A size as a Kubernetes quantity string: as given for a Size made with {@link Memory} (`10G`), else in Gi when whole,
 * else Mi, else Ki, else bytes.
 */
export function mib(size: Size): string {
  return renderByteQuantity(size);
}

/** Checks a Size prop with the core rule, then renders it with {@link mib}. @internal */
export function checkedSize(scope: IConstruct, field: string, size: Size, minBytes?: number): string {
  check(scope, field, size, Is.size(minBytes));
  return mib(size);
}

/** CPU as a Kubernetes quantity string. */
export function cpuString(cpu: Cpu): string {
  return String(cpu.amount);
}

function millis(cpu: Cpu): number {
  return cpuMillicores(cpu) ?? NaN;
}
