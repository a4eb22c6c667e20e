import { IConstruct } from 'constructs';
import { check, Is } from './checks';
import { invalid } from './errors';

/** Who makes an accelerator. */
export enum AcceleratorVendor {
  /** NVIDIA GPUs (`nvidia.com/*` resources). */
  NVIDIA = 'nvidia',
  /** AMD GPUs (`amd.com/gpu`). */
  AMD = 'amd',
  /** AWS Trainium / Inferentia (`aws.amazon.com/neuron*`). */
  AWS = 'aws',
  /** Intel GPUs (`gpu.intel.com/*`). */
  INTEL = 'intel',
  /** Any other extended resource. */
  OTHER = 'other',
}

/** How an NVIDIA GPU is shared between pods. */
export enum GpuSharing {
  /** The pod gets whole, dedicated GPUs (`nvidia.com/gpu`). */
  NONE = 'none',
  /** Time-sliced replicas of a GPU, advertised by the device plugin as `nvidia.com/gpu.shared`. */
  TIME_SLICING = 'time-slicing',
}

/** Options for {@link Accelerator.nvidia}. */
export interface NvidiaGpuOptions {
  /**
   * Number of GPUs per pod.
   * @default 1
   */
  readonly count?: number;
  /**
   * GPU product the pod must run on, as published in the node label `nvidia.com/gpu.product`
   * by GPU feature discovery (e.g. `NVIDIA-A100-SXM4-80GB`, `NVIDIA-H100-80GB-HBM3`).
   * @default - any NVIDIA GPU
   */
  readonly product?: string;
  /**
   * Whether the GPUs are time-sliced replicas (the device plugin renames them `nvidia.com/gpu.shared`).
   * @default GpuSharing.NONE
   */
  readonly sharing?: GpuSharing;
}

const MIG_PROFILE = /^[1-9]g\.[0-9]+gb(\+me)?$/;
/**
 * The MIG profiles NVIDIA GPUs offer (NVIDIA MIG user guide, "Supported MIG profiles"): A30, A100 40/80 GB,
 * H100/H800 80 GB, H100 NVL 94 GB, GH200 96 GB, H200 141 GB, B200 180 GB, RTX PRO 6000 Blackwell 96 GB.
 * @internal
 */
export const MIG_PROFILES = [
  '1g.6gb', '1g.6gb+me', '2g.12gb', '2g.12gb+me', '4g.24gb',
  '1g.5gb', '1g.5gb+me', '1g.10gb', '2g.10gb', '3g.20gb', '4g.20gb', '7g.40gb',
  '1g.10gb+me', '1g.20gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb',
  '1g.12gb', '1g.12gb+me', '1g.24gb', '2g.24gb', '3g.47gb', '4g.47gb', '7g.94gb', '3g.48gb', '4g.48gb', '7g.96gb',
  '1g.18gb', '1g.18gb+me', '1g.35gb', '2g.35gb', '3g.71gb', '4g.71gb', '7g.141gb',
  '1g.23gb', '1g.23gb+me', '1g.45gb', '2g.45gb', '3g.90gb', '4g.90gb', '7g.180gb',
  '1g.24gb+me', '2g.48gb', '2g.48gb+me', '4g.96gb', '4g.96gb+me',
];
const EXTENDED_RESOURCE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * An accelerator request: which extended resource a pod needs, how many, and optionally which product.
 */
export class Accelerator {
  /** Node label published by GPU feature discovery with the GPU product name. */
  public static readonly NVIDIA_PRODUCT_LABEL = 'nvidia.com/gpu.product';

  /** Whole NVIDIA GPUs (`nvidia.com/gpu`), or time-sliced replicas (`nvidia.com/gpu.shared`). */
  public static nvidia(options: NvidiaGpuOptions = {}): Accelerator {
    options = options ?? {};
    const shared = options.sharing === GpuSharing.TIME_SLICING;
    const a = new Accelerator(AcceleratorVendor.NVIDIA, shared ? 'nvidia.com/gpu.shared' : 'nvidia.com/gpu', options.count ?? 1, options.product, undefined, shared);
    a.sharing = options.sharing;
    return a;
  }

  /**
   * A MIG slice of an NVIDIA GPU (`nvidia.com/mig-<profile>`, mixed MIG strategy).
   * @param profile MIG profile such as `1g.10gb`, `3g.40gb` or `1g.10gb+me`
   * @param count number of slices per pod (default 1)
   */
  public static nvidiaMig(profile: string, count?: number): Accelerator {
    // the device plugin advertises '+' (media extensions) as '.', since resource names cannot hold '+'
    const name = typeof profile === 'string' ? profile.replace(/\+/g, '.') : String(profile);
    const a = new Accelerator(AcceleratorVendor.NVIDIA, `nvidia.com/mig-${name}`, count ?? 1, undefined, profile, false);
    a.isMig = true;
    return a;
  }

  /** AMD GPUs (`amd.com/gpu`). */
  public static amd(count?: number): Accelerator {
    return new Accelerator(AcceleratorVendor.AMD, 'amd.com/gpu', count ?? 1);
  }

  /** AWS Trainium or Inferentia devices (`aws.amazon.com/neuron`). */
  public static awsNeuron(count?: number): Accelerator {
    return new Accelerator(AcceleratorVendor.AWS, 'aws.amazon.com/neuron', count ?? 1);
  }

  /**
   * Any other accelerator, by its extended resource name (e.g. `gpu.intel.com/i915`).
   * @param resourceName a domain-prefixed extended resource name
   * @param count number of devices per pod (default 1)
   */
  public static resource(resourceName: string, count?: number): Accelerator {
    const prefixed = (p: string) => typeof resourceName === 'string' && resourceName.startsWith(p);
    const vendor = prefixed('nvidia.com/') ? AcceleratorVendor.NVIDIA
      : prefixed('amd.com/') ? AcceleratorVendor.AMD
        : prefixed('aws.amazon.com/') ? AcceleratorVendor.AWS
          : prefixed('gpu.intel.com/') ? AcceleratorVendor.INTEL : AcceleratorVendor.OTHER;
    return new Accelerator(vendor, resourceName, count ?? 1);
  }

  /** How the GPUs were asked to be shared (checked against GpuSharing). @internal */
  private sharing?: GpuSharing;
  /** Whether this was built as a MIG slice (its profile is then required). @internal */
  private isMig = false;

  private constructor(
    /** Vendor of the device. */
    public readonly vendor: AcceleratorVendor,
    /** Extended resource name requested in the container's limits. */
    public readonly resourceName: string,
    /** Devices per pod. */
    public readonly count: number,
    /** Required product (node label `nvidia.com/gpu.product`), if any. */
    public readonly product?: string,
    /** MIG profile, for MIG slices. */
    public readonly migProfile?: string,
    /** Whether the device is a time-sliced share of a GPU. */
    public readonly shared: boolean = false,
  ) {}

  /** Whether this is an NVIDIA GPU request of any kind (whole, MIG or shared). */
  public get isNvidia(): boolean {
    return this.vendor === AcceleratorVendor.NVIDIA;
  }

  /** Node selector terms the request implies (the product label, when a product is given). */
  public get nodeSelector(): { [key: string]: string } {
    return this.product ? { [Accelerator.NVIDIA_PRODUCT_LABEL]: this.product } : {};
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    check(scope, `${field}.count`, this.count, Is.required(Is.integer(1)));
    if (this.migProfile !== undefined || this.isMig) {
      check(scope, `${field}.migProfile`, this.migProfile,
        Is.required(Is.matching(MIG_PROFILE, "must be a MIG profile such as '1g.10gb', '2g.20gb', '3g.40gb' or '1g.10gb+me'")));
      if (!MIG_PROFILES.includes(this.migProfile!)) {
        invalid(scope, `${field}.migProfile`, this.migProfile, `no NVIDIA GPU offers this MIG profile; profiles are ${MIG_PROFILES.map(p => `'${p}'`).join(', ')}`);
      }
    }
    check(scope, `${field}.resourceName`, this.resourceName,
      Is.required(Is.matching(EXTENDED_RESOURCE, "must be a domain-prefixed extended resource name such as 'nvidia.com/gpu' or 'amd.com/gpu'", 317)));
    check(scope, `${field}.product`, this.product, Is.matching(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
      "must be a label value as published in 'nvidia.com/gpu.product', e.g. 'NVIDIA-A100-SXM4-80GB'", 63));
    check(scope, `${field}.sharing`, this.sharing, Is.enumOf(GpuSharing, 'GpuSharing'));
  }
}
