import { Size, SizeRoundingBehavior } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isCredentialKey } from './credentials';
import { check, Is } from '../core/checks';
import { checkInteger, invalid } from '../core/errors';
import { mib } from '../core/resources';

/** Storage medium of a cache tier (`mediumtype`). */
export enum CacheMedium {
  /** Memory (tmpfs, e.g. `/dev/shm`): fastest, counts against node memory. */
  MEMORY = 'MEM',
  /** Local SSDs. */
  SSD = 'SSD',
  /** Local hard disks. */
  HDD = 'HDD',
}

/** How a cache tier's directories are provided to the cache workers (`volumeType`). */
export enum CacheVolumeType {
  /** Directories of the node (the default): the cache survives worker restarts. */
  HOST_PATH = 'hostPath',
  /** An emptyDir of the worker pod: the cache is lost when the worker is rescheduled. */
  EMPTY_DIR = 'emptyDir',
}

/** One tier of a cache (`spec.tieredstore.levels[]`). */
export interface CacheTier {
  /** Storage medium. */
  readonly medium: CacheMedium;
  /** Capacity of the tier on each cache worker (divided equally between its paths). */
  readonly quota: Size;
  /**
   * Directories of the tier on each worker (absolute paths).
   * @default ['/dev/shm'] for memory; required for SSD and HDD
   */
  readonly paths?: string[];
  /**
   * Usage ratio (0-1) above which the cache evicts data.
   * @default - the runtime's default (0.95 for Alluxio)
   */
  readonly highWatermark?: number;
  /**
   * Usage ratio (0-1) eviction brings the tier back down to (JuiceFS: the free-space ratio it keeps).
   * @default - the runtime's default (0.7 for Alluxio)
   */
  readonly lowWatermark?: number;
  /**
   * How the directories are provided.
   * @default CacheVolumeType.HOST_PATH
   */
  readonly volumeType?: CacheVolumeType;
}

/** Options of {@link CacheRuntime.alluxio}. */
export interface AlluxioCacheOptions {
  /** Cache tiers, fastest first (memory, then SSD, then HDD; each medium at most once). */
  readonly tiers: CacheTier[];
  /**
   * Number of cache workers.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Alluxio properties (e.g. `alluxio.user.file.readtype.default`). Credentials are rejected: mount options read
   * from Secrets carry them.
   * @default {}
   */
  readonly properties?: { [key: string]: string };
}

/** Options of {@link CacheRuntime.juiceFs}. */
export interface JuiceFsCacheOptions {
  /** The cache tier (JuiceFS uses one). */
  readonly tier: CacheTier;
  /**
   * Number of cache workers.
   * @default 1
   */
  readonly replicas?: number;
}

/**
 * The distributed cache behind a Fluid dataset: an `AlluxioRuntime` or a `JuiceFSRuntime`, created with the
 * dataset's name and namespace (Fluid binds a runtime to the dataset of the same name).
 *
 * Fluid's controllers run the cache's master, worker and FUSE pods themselves. The FUSE pods (a DaemonSet on the
 * nodes that mount the dataset) are privileged and use host paths by nature, and the cache workers use host paths
 * for their tiers: that is Fluid's doing, in its own namespace and release, and outside this library's restricted
 * pod defaults. Workloads that mount the dataset's PVC need no privileges.
 */
export class CacheRuntime {
  /** An Alluxio cache (`AlluxioRuntime`), for object stores, HDFS, web servers and PVCs. */
  public static alluxio(options: AlluxioCacheOptions): CacheRuntime {
    return new CacheRuntime('AlluxioRuntime', options?.tiers, options?.replicas ?? 1, options?.properties);
  }

  /** A JuiceFS cache (`JuiceFSRuntime`), for a JuiceFS file system (`DatasetMount.juiceFs()`). */
  public static juiceFs(options: JuiceFsCacheOptions): CacheRuntime {
    return new CacheRuntime('JuiceFSRuntime', [options?.tier], options?.replicas ?? 1, undefined);
  }

  private constructor(
    /** Kind of the runtime resource: `AlluxioRuntime` or `JuiceFSRuntime`. */
    public readonly kind: string,
    private readonly tiers: CacheTier[],
    /** Number of cache workers. */
    public readonly replicas: number,
    private readonly properties: { [key: string]: string } | undefined,
  ) {}

  /** Whether this is an Alluxio runtime. */
  public get isAlluxio(): boolean {
    return this.kind === 'AlluxioRuntime';
  }

  /** @internal */
  public _renderSpec(scope: IConstruct, field: string): any {
    checkInteger(scope, `${field}.replicas`, this.replicas, 1, 2147483647);
    check(scope, `${field}.properties`, this.properties, Is.mapOf(Is.string()));
    const tiersField = this.isAlluxio ? `${field}.tiers` : `${field}.tier`;
    if (this.isAlluxio) check(scope, tiersField, this.tiers, Is.required(Is.arrayOf(TIER_RULE)));
    else check(scope, tiersField, this.tiers[0], Is.required(TIER_RULE));
    if (this.tiers.length === 0) invalid(scope, `${field}.tiers`, [], 'a cache needs at least one tier');
    const order = [CacheMedium.MEMORY, CacheMedium.SSD, CacheMedium.HDD];
    this.tiers.forEach((t, i) => {
      if (i > 0 && order.indexOf(t.medium) <= order.indexOf(this.tiers[i - 1].medium)) {
        invalid(scope, `${field}.tiers[${i}].medium`, t.medium,
          `tiers go from fastest to slowest with each medium at most once (MEM, then SSD, then HDD); it follows ${this.tiers[i - 1].medium}`);
      }
    });
    for (const [key, value] of Object.entries(this.properties ?? {})) {
      if (typeof value !== 'string') invalid(scope, `${field}.properties.${key}`, value, 'property values are strings');
      if (isCredentialKey(key)) {
        invalid(scope, `${field}.properties.${key}`, `${key}=<literal>`, 'looks like a credential and would be stored in plain text; '
          + 'pass it as a mount secretOption (read from a Secret) instead');
      }
    }
    const properties = this.properties && Object.keys(this.properties).length
      ? Object.fromEntries(Object.entries(this.properties).sort(([a], [b]) => a.localeCompare(b)))
      : undefined;
    return {
      replicas: this.replicas,
      tieredstore: { levels: this.tiers.map((t, i) => renderTier(scope, `${field}.tiers[${i}]`, t)) },
      properties,
    };
  }
}

const TIER_RULE = Is.shape({
  medium: Is.required(Is.enumOf(CacheMedium, 'CacheMedium')),
  quota: Is.required(Is.size(0)),
  paths: Is.arrayOf(Is.string()),
  volumeType: Is.enumOf(CacheVolumeType, 'CacheVolumeType'),
}, 'must be a cache tier: { medium, quota, paths?, highWatermark?, lowWatermark? }');

function renderTier(scope: IConstruct, field: string, t: CacheTier): any {
  if (!Object.values(CacheMedium).includes(t.medium)) {
    invalid(scope, `${field}.medium`, t.medium, `must be one of ${Object.values(CacheMedium).join(', ')}`);
  }
  const paths = t.paths ?? (t.medium === CacheMedium.MEMORY ? ['/dev/shm'] : undefined);
  if (!paths || paths.length === 0) {
    invalid(scope, `${field}.paths`, t.paths ?? [], `a ${t.medium} tier needs the directories it caches in, e.g. ['/mnt/nvme0/cache']`);
  }
  paths.forEach((p, i) => {
    if (!p.startsWith('/') || /[,\s]/.test(p)) invalid(scope, `${field}.paths[${i}]`, p, 'must be an absolute path without commas or whitespace');
  });
  if (new Set(paths).size !== paths.length) invalid(scope, `${field}.paths`, paths, 'each directory may be listed only once');
  if (t.quota.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) <= 0) {
    invalid(scope, `${field}.quota`, mib(t.quota), 'must be greater than zero');
  }
  const ratio = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0 && v <= 1)) invalid(scope, `${field}.${name}`, v, 'must be a ratio greater than 0 and at most 1, e.g. 0.95');
    return v === undefined ? undefined : String(v);
  };
  const high = ratio('highWatermark', t.highWatermark);
  const low = ratio('lowWatermark', t.lowWatermark);
  if (t.highWatermark !== undefined && t.lowWatermark !== undefined && t.lowWatermark >= t.highWatermark) {
    invalid(scope, `${field}.lowWatermark`, t.lowWatermark, `must be below highWatermark (${t.highWatermark})`);
  }
  return {
    mediumtype: t.medium,
    volumeType: t.volumeType,
    path: paths.join(','),
    quota: mib(t.quota),
    high,
    low,
  };
}

