import { Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { Accelerator } from './accelerator';
import { check, checkProps, cpuMillicores, Is } from './checks';
import { invalid } from './errors';

/** The rules of {@link ComputeResources}. @internal */
export const COMPUTE_RESOURCES_RULES = {
  cpu: Is.cpu(),
  cpuLimit: Is.cpu(),
  memory: Is.size(),
  memoryLimit: Is.size(),
  ephemeralStorage: Is.size(),
  accelerator: Is.instance('_validate', 'must be an Accelerator, e.g. Accelerator.nvidia({ count: 1 })'),
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
   * Memory request.
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
}

/** Renders resources in Kubernetes quantity syntax. */
export function renderResources(scope: IConstruct, field: string, r: ComputeResources | undefined): any {
  if (r === undefined) return undefined;
  checkProps(scope, r, COMPUTE_RESOURCES_RULES, `${field}.`);
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (r.cpu) requests.cpu = cpuString(r.cpu);
  if (r.cpuLimit) limits.cpu = cpuString(r.cpuLimit);
  if (r.memory) requests.memory = mib(r.memory);
  if (r.memoryLimit ?? r.memory) limits.memory = mib((r.memoryLimit ?? r.memory)!);
  if (r.ephemeralStorage) {
    requests['ephemeral-storage'] = mib(r.ephemeralStorage);
    limits['ephemeral-storage'] = mib(r.ephemeralStorage);
  }
  if (r.cpu && r.cpuLimit && millis(r.cpuLimit) < millis(r.cpu)) {
    invalid(scope, `${field}.cpuLimit`, cpuString(r.cpuLimit), `must be at least the CPU request (${cpuString(r.cpu)})`);
  }
  const kib = (x: Size) => x.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (r.memory && r.memoryLimit && kib(r.memoryLimit) < kib(r.memory)) {
    invalid(scope, `${field}.memoryLimit`, mib(r.memoryLimit), `must be at least the memory request (${mib(r.memory)})`);
  }
  if (r.accelerator) {
    r.accelerator._validate(scope, `${field}.accelerator`);
    limits[r.accelerator.resourceName] = String(r.accelerator.count);
  }
  const out: any = {};
  if (Object.keys(requests).length) out.requests = requests;
  if (Object.keys(limits).length) out.limits = limits;
  return out;
}

/** A size as a Kubernetes quantity string, in Gi when whole, else Mi, else Ki, else bytes. */
export function mib(size: Size): string {
  const k = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (k % (1024 * 1024) === 0) return `${k / 1024 / 1024}Gi`;
  if (k % 1024 === 0) return `${k / 1024}Mi`;
  if (Number.isInteger(k)) return `${k}Ki`;
  return `${Math.ceil(k * 1024)}`;
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
