import { Size } from 'cdk8s';
import { EmptyDirMedium } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { checkDns1123Label, checkDns1123Subdomain } from './names';
import { mib } from './resources';

/** Options for {@link PodVolume.fromEmptyDir}. */
export interface EmptyDirOptions {
  /**
   * Storage medium.
   * @default EmptyDirMedium.DEFAULT
   */
  readonly medium?: EmptyDirMedium;
  /**
   * Size limit.
   * @default - unlimited
   */
  readonly sizeLimit?: Size;
}

/** Options for ConfigMap and Secret volumes. */
export interface KeyToPathVolumeOptions {
  /**
   * File mode bits for the files, e.g. 0o440.
   * @default 0o644 for ConfigMaps, 0o440 for Secrets
   */
  readonly defaultMode?: number;
  /**
   * Whether the pod starts when the object is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/**
 * A pod volume: a PersistentVolumeClaim, ConfigMap, Secret or emptyDir (incl. memory-backed `/dev/shm`).
 */
export class PodVolume {
  /** Where shared memory is mounted. */
  public static readonly SHARED_MEMORY_PATH = '/dev/shm';

  /**
   * Mounts an existing PersistentVolumeClaim (also a Fluid dataset, whose PVC is named like the dataset).
   * @param name volume name within the pod
   * @param claimName name of the PVC
   * @param readOnly mount the claim read-only (default false)
   */
  public static fromPersistentVolumeClaim(name: string, claimName: string, readOnly?: boolean): PodVolume {
    return new PodVolume(name, { persistentVolumeClaim: { claimName, readOnly } }, 'persistentVolumeClaim.claimName', claimName);
  }

  /** Mounts an existing ConfigMap as files. */
  public static fromConfigMap(name: string, configMapName: string, options: KeyToPathVolumeOptions = {}): PodVolume {
    return new PodVolume(name, { configMap: { name: configMapName, defaultMode: options.defaultMode, optional: options.optional } }, 'configMap.name', configMapName);
  }

  /** Mounts an existing Secret as files (read-only for the owner and group by default). */
  public static fromSecret(name: string, secretName: string, options: KeyToPathVolumeOptions = {}): PodVolume {
    return new PodVolume(name, { secret: { secretName, defaultMode: options.defaultMode ?? 0o440, optional: options.optional } }, 'secret.secretName', secretName);
  }

  /** Scratch space that lives as long as the pod. */
  public static fromEmptyDir(name: string, options: EmptyDirOptions = {}): PodVolume {
    return new PodVolume(name, {
      emptyDir: {
        medium: options.medium || undefined,
        sizeLimit: options.sizeLimit ? mib(options.sizeLimit) : undefined,
      },
    });
  }

  /**
   * Memory-backed shared memory for `/dev/shm` (PyTorch data loaders and NCCL need more than the
   * container runtime's 64 MiB default). Mount it with {@link PodVolume.SHARED_MEMORY_PATH}.
   * @param sizeLimit size limit (default: unlimited, bounded by the container's memory limit)
   */
  public static sharedMemory(sizeLimit?: Size): PodVolume {
    return PodVolume.fromEmptyDir('dshm', { medium: EmptyDirMedium.MEMORY, sizeLimit });
  }

  /**
   * Where the object behind a claim lives, when the library knows it (e.g. a Fluid dataset's PVC): pods of
   * another namespace cannot mount it (checked at synth for every workload).
   * @internal
   */
  public _origin?: { readonly namespace: string; readonly description: string };

  private constructor(
    /** PodVolume name within the pod. */
    public readonly name: string,
    private readonly source: any,
    private readonly refField?: string,
    private readonly refName?: string,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): any {
    checkDns1123Label(scope, `${field}.name`, this.name);
    if (this.refField) checkDns1123Subdomain(scope, `${field}.${this.refField}`, this.refName);
    return JSON.parse(JSON.stringify({ name: this.name, ...this.source }));
  }

  /** @internal */
  public _sameAs(other: PodVolume): boolean {
    return JSON.stringify(this.source) === JSON.stringify(other.source);
  }
}

/** Mounts a volume into a container. */
export interface PodVolumeMount {
  /** The volume. */
  readonly volume: PodVolume;
  /** Absolute path in the container. */
  readonly path: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Sub-path of the volume to mount.
   * @default - the volume's root
   */
  readonly subPath?: string;
}

/** @internal */
export function renderVolumeMounts(scope: IConstruct, field: string, mounts: PodVolumeMount[] | undefined): any[] | undefined {
  if (!mounts || mounts.length === 0) return undefined;
  const seen = new Set<string>();
  return mounts.map((m, i) => {
    if (!m.path.startsWith('/')) {
      invalid(scope, `${field}[${i}].path`, m.path, 'must be an absolute path');
    }
    if (seen.has(m.path)) {
      invalid(scope, `${field}[${i}].path`, m.path, 'each path may be mounted only once per container');
    }
    seen.add(m.path);
    return { name: m.volume.name, mountPath: m.path, readOnly: m.readOnly || undefined, subPath: m.subPath };
  });
}
