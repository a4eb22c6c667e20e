import { IConstruct } from 'constructs';
import { checkQuantity, parseQuantity } from './kueue-util';
import { QueueFlavor } from './queue-flavor';
import { Accelerator, MIG_PROFILES } from '../core/accelerator';
import { describeValue, invalid } from '../core/errors';
import { ResourceNames } from '../core/names';

/** Borrowing and lending limits of a {@link ResourceQuota}; both need the queue to be in a cohort. */
export interface QuotaLimitOptions {
  /**
   * How much more than the nominal quota this queue may borrow from its cohort (a quantity).
   * @default - no limit (when in a cohort)
   */
  readonly borrowingLimit?: string;
  /**
   * How much of the nominal quota other queues of the cohort may borrow (a quantity, at most the nominal quota).
   * @default - all of the unused nominal quota
   */
  readonly lendingLimit?: string;
}

/**
 * The quota of one resource (cpu, memory, an accelerator...) in one flavor.
 */
export class ResourceQuota {
  /**
   * CPU quota.
   * @param nominal a quantity of cores, e.g. `'64'` or `'500m'`
   */
  public static cpu(nominal: string, limits: QuotaLimitOptions = {}): ResourceQuota {
    return new ResourceQuota('cpu', nominal, limits);
  }

  /**
   * Memory quota.
   * @param nominal a quantity of bytes, e.g. `'256Gi'`
   */
  public static memory(nominal: string, limits: QuotaLimitOptions = {}): ResourceQuota {
    return new ResourceQuota('memory', nominal, limits);
  }

  /**
   * Quota of an accelerator's extended resource (`Accelerator.resourceName`, e.g. `nvidia.com/gpu`,
   * `nvidia.com/mig-1g.10gb`, `amd.com/gpu`); the accelerator's per-pod count is ignored.
   * @param nominal number of devices
   */
  public static accelerator(accelerator: Accelerator, nominal: number, limits: QuotaLimitOptions = {}): ResourceQuota {
    return new ResourceQuota(accelerator?.resourceName, typeof nominal === 'number' ? String(nominal) : nominal, limits);
  }

  /** Whole NVIDIA GPUs (`nvidia.com/gpu`). */
  public static nvidiaGpus(nominal: number, limits: QuotaLimitOptions = {}): ResourceQuota {
    return ResourceQuota.accelerator(Accelerator.nvidia(), nominal, limits);
  }

  /**
   * Quota of any resource by name (e.g. `pods`, `ephemeral-storage`, `example.com/fpga`).
   * @param nominal a quantity
   */
  public static of(resourceName: string, nominal: string, limits: QuotaLimitOptions = {}): ResourceQuota {
    return new ResourceQuota(resourceName, nominal, limits);
  }

  private constructor(
    /** Resource name. */
    public readonly resourceName: string,
    /** Nominal quota. */
    public readonly nominal: string,
    private readonly limits: QuotaLimitOptions,
  ) {
    this.limits = limits ?? {};
  }

  /** Borrowing limit, if any. */
  public get borrowingLimit(): string | undefined {
    return this.limits.borrowingLimit;
  }

  /** Lending limit, if any. */
  public get lendingLimit(): string | undefined {
    return this.limits.lendingLimit;
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string, hasCohort: boolean): void {
    if (typeof this.resourceName !== 'string' || !ResourceNames.isQualifiedName(this.resourceName)) {
      invalid(scope, `${field}.name`, this.resourceName, "must be a resource name such as 'cpu', 'memory' or 'nvidia.com/gpu'");
    }
    if (this.resourceName.startsWith('nvidia.com/mig-')) {
      const profile = this.resourceName.slice('nvidia.com/mig-'.length).replace(/\.me$/, '+me');
      if (!MIG_PROFILES.includes(profile)) {
        invalid(scope, `${field}.name`, this.resourceName, `no NVIDIA GPU offers MIG profile '${profile}'; profiles are ${MIG_PROFILES.map(p => `'${p}'`).join(', ')}`);
      }
    }
    if (this.nominal === undefined || this.nominal === null) {
      invalid(scope, `${field}.nominalQuota`, this.nominal, "required: a non-negative Kubernetes quantity such as '64', '500m', '256Gi' or '8'");
    }
    checkQuantity(scope, `${field}.nominalQuota`, this.nominal);
    checkQuantity(scope, `${field}.borrowingLimit`, this.borrowingLimit);
    checkQuantity(scope, `${field}.lendingLimit`, this.lendingLimit);
    if (!hasCohort && this.borrowingLimit !== undefined) {
      invalid(scope, `${field}.borrowingLimit`, this.borrowingLimit, 'borrowing needs a cohort: set cohort or remove borrowingLimit');
    }
    if (!hasCohort && this.lendingLimit !== undefined) {
      invalid(scope, `${field}.lendingLimit`, this.lendingLimit, 'lending needs a cohort: set cohort or remove lendingLimit');
    }
    if (this.lendingLimit !== undefined && parseQuantity(this.lendingLimit) > parseQuantity(this.nominal)) {
      invalid(scope, `${field}.lendingLimit`, this.lendingLimit, `must not exceed the nominal quota ${describeValue(this.nominal)}`);
    }
  }

  /** @internal */
  public _render(): any {
    return { name: this.resourceName, nominalQuota: this.nominal, borrowingLimit: this.borrowingLimit, lendingLimit: this.lendingLimit };
  }
}

/** The quotas a ClusterQueue gives for one flavor. */
export interface FlavorQuotas {
  /** The flavor (a ResourceFlavor is synthesized for it). */
  readonly flavor: QueueFlavor;
  /** Quota of each resource in the group, e.g. cpu, memory and `nvidia.com/gpu`. */
  readonly quotas: ResourceQuota[];
}

/**
 * A set of resources (e.g. cpu, memory, GPUs) whose quota is given together, flavor by flavor:
 * Kueue assigns all of a pod's resources of the group from the same flavor, trying flavors in order.
 */
export interface QueueResourceGroup {
  /** Flavors in order of preference; each gives quota for the same resources. */
  readonly flavors: FlavorQuotas[];
}
