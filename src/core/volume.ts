import { Size } from 'cdk8s';
import { EmptyDirMedium } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { check, Is } from './checks';
import { invalid } from './errors';
import { checkedSize } from './resources';

const MODE = Is.integer(0, 0o777);

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
    const o = options ?? {};
    return new PodVolume(name, { configMap: { name: configMapName, defaultMode: o.defaultMode, optional: o.optional } }, 'configMap.name', configMapName);
  }

  /** Mounts an existing Secret as files (read-only for the owner and group by default). */
  public static fromSecret(name: string, secretName: string, options: KeyToPathVolumeOptions = {}): PodVolume {
    const o = options ?? {};
    return new PodVolume(name, { secret: { secretName, defaultMode: o.defaultMode ?? 0o440, optional: o.optional } }, 'secret.secretName', secretName);
  }

  /** Scratch space that lives as long as the pod. */
  public static fromEmptyDir(name: string, options: EmptyDirOptions = {}): PodVolume {
    const o = options ?? {};
    return new PodVolume(name, {
      emptyDir: {
        medium: o.medium || undefined,
        sizeLimit: o.sizeLimit ?? undefined,
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
    check(scope, `${field}.name`, this.name, Is.required(Is.dnsLabel()));
    if (this.refField) check(scope, `${field}.${this.refField}`, this.refName, Is.required(Is.dnsSubdomain()));
    const src = this.source;
    const options = src.configMap ?? src.secret ?? src.persistentVolumeClaim;
    const kind = src.configMap ? 'configMap' : src.secret ? 'secret' : 'persistentVolumeClaim';
    if (options) {
      check(scope, `${field}.${kind}.defaultMode`, options.defaultMode, MODE);
      check(scope, `${field}.${kind}.optional`, options.optional, Is.boolean());
      check(scope, `${field}.${kind}.readOnly`, options.readOnly, Is.boolean());
    }
    let emptyDir: any;
    if (src.emptyDir) {
      check(scope, `${field}.emptyDir.medium`, src.emptyDir.medium, Is.enumOf(EmptyDirMedium, 'EmptyDirMedium'));
      emptyDir = {
        medium: src.emptyDir.medium,
        sizeLimit: src.emptyDir.sizeLimit === undefined ? undefined : checkedSize(scope, `${field}.emptyDir.sizeLimit`, src.emptyDir.sizeLimit),
      };
    }
    return JSON.parse(JSON.stringify({ name: this.name, ...src, ...(emptyDir ? { emptyDir } : {}) }));
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

/** The rules of a {@link PodVolumeMount}. @internal */
export const MOUNT = Is.shape({
  volume: Is.required(Is.instance('_sameAs', "must be a PodVolume, e.g. PodVolume.fromPersistentVolumeClaim('data', 'my-claim')")),
  path: Is.required(Is.absolutePath()),
  readOnly: Is.boolean(),
  subPath: Is.relativePath(),
}, 'must be a volume mount: { volume, path, readOnly?, subPath? }');

/** @internal */
export function renderVolumeMounts(scope: IConstruct, field: string, mounts: PodVolumeMount[] | undefined): any[] | undefined {
  if (mounts === undefined) return undefined;
  check(scope, field, mounts, Is.arrayOf(MOUNT));
  if (mounts.length === 0) return undefined;
  const seen = new Set<string>();
  return mounts.map((m, i) => {
    if (seen.has(m.path)) {
      invalid(scope, `${field}[${i}].path`, m.path, 'each path may be mounted only once per container');
    }
    seen.add(m.path);
    return { name: m.volume.name, mountPath: m.path, readOnly: m.readOnly || undefined, subPath: m.subPath };
  });
}
