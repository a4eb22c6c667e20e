import { IConstruct } from 'constructs';
import { isCredentialKey } from './credentials';
import { checkProps, Is } from '../core/checks';
import { invalid } from '../core/errors';
import { ResourceNames } from '../core/names';

/**
 * An option of a dataset mount whose value is read from a Secret (Fluid `encryptOptions`), e.g. an object store's
 * access key, or JuiceFS's `metaurl`.
 */
export interface DatasetSecretOption {
  /** Option name, e.g. `aws.accessKeyId` (Alluxio S3), `fs.oss.accessKeySecret` (OSS), `metaurl` or `secret-key` (JuiceFS). */
  readonly name: string;
  /** Name of the Secret, in the dataset's namespace. */
  readonly secretName: string;
  /** Key within the Secret. */
  readonly secretKey: string;
}

/** Options of a {@link DatasetMount}. */
export interface DatasetMountOptions {
  /**
   * Name of the mount. With several mounts, each appears in the dataset at `/<name>` unless `path` says otherwise;
   * for JuiceFS it is the file system's name.
   * @default - none (a single mount appears at the dataset's root)
   */
  readonly name?: string;
  /**
   * Where the mount appears in the dataset (an absolute path).
   * @default - `/<name>`, or `/` for a single unnamed mount
   */
  readonly path?: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Share the mount between datasets.
   * @default false
   */
  readonly shared?: boolean;
  /**
   * Plain options of the storage (e.g. `alluxio.underfs.s3.endpoint`, `fs.oss.endpoint`, JuiceFS `storage` and
   * `bucket`). Credentials are rejected here: pass them as `secretOptions`.
   * @default {}
   */
  readonly options?: { [key: string]: string };
  /**
   * Options read from Secrets (Fluid `encryptOptions`): access keys, tokens, the JuiceFS metadata URL.
   * @default []
   */
  readonly secretOptions?: DatasetSecretOption[];
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/;
const MOUNT_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Where a Fluid dataset's data comes from (`spec.mounts[]`): an object store (`s3://`, `oss://`, `gs://`, ...),
 * HDFS (`hdfs://`), a web server (`https://`), an existing PersistentVolumeClaim (`pvc://`), a node path
 * (`local://`) or a JuiceFS file system (`juicefs://`). Credentials are only ever read from Secrets.
 */
export class DatasetMount {
  /**
   * Mounts a storage URI, e.g. `s3://my-bucket/imagenet`, `hdfs://namenode:8020/data` or
   * `https://mirrors.example.org/apache/spark/`.
   */
  public static fromUri(uri: string, options: DatasetMountOptions = {}): DatasetMount {
    return new DatasetMount(uri, options);
  }

  /**
   * Mounts an existing PersistentVolumeClaim of the dataset's namespace (`pvc://<claim>[/<subPath>]`).
   * @param claimName name of the PVC
   * @param subPath directory within the claim (default: its root)
   */
  public static fromPersistentVolumeClaim(claimName: string, subPath?: string, options: DatasetMountOptions = {}): DatasetMount {
    const sub = typeof subPath === 'string' && subPath ? `/${subPath.replace(/^\/+/, '')}` : subPath ? `/${String(subPath)}` : '';
    return new DatasetMount(`pvc://${String(claimName)}${sub}`, options, claimName);
  }

  /**
   * Mounts a directory of a JuiceFS file system (`juicefs:///<subPath>`), for a JuiceFS runtime. The metadata engine
   * URL (`metaurl`) and object store keys go in `secretOptions`; `storage` and `bucket` in `options`.
   * @param subPath directory of the file system (default: its root)
   */
  public static juiceFs(subPath?: string, options: DatasetMountOptions = {}): DatasetMount {
    return new DatasetMount(`juicefs:///${typeof subPath === 'string' ? subPath.replace(/^\/+/, '') : subPath === undefined ? '' : String(subPath)}`, options);
  }

  private constructor(
    /** The mount point as written into the Dataset. */
    public readonly uri: string,
    private readonly options: DatasetMountOptions,
    private readonly claimName?: string,
  ) {
    this.options = options ?? {};
  }

  /** URI scheme, e.g. `s3`, `pvc` or `juicefs`. */
  public get scheme(): string {
    return SCHEME.exec(this.uri)?.[1] ?? '';
  }

  /** Name of the mount, if any. */
  public get name(): string | undefined {
    return this.options.name;
  }

  /** Where the mount appears in the dataset: `path`, else `/<name>`, else `/`. */
  public get pathInDataset(): string {
    if (this.options.path !== undefined) return this.options.path;
    return `/${(this.options.name ?? '').replace(/^\/+/, '')}`;
  }

  /** @internal */
  public _render(scope: IConstruct, field: string): any {
    const o = this.options;
    checkProps(scope, o, {
      name: Is.string(),
      path: Is.string(),
      readOnly: Is.boolean(),
      shared: Is.boolean(),
      options: Is.mapOf(Is.string()),
      secretOptions: Is.arrayOf(Is.shape({
        name: Is.string(),
        secretName: Is.string(),
        secretKey: Is.string(),
      }, 'must be { name, secretName, secretKey }')),
    }, `${field}.`);
    const m = typeof this.uri === 'string' ? SCHEME.exec(this.uri) : null;
    if (!m || this.uri.length < 5 || /\s/.test(this.uri) || (m[1] !== 'juicefs' && m[2] === '')) {
      invalid(scope, `${field}.mountPoint`, this.uri, "must be a storage URI with a scheme, such as 's3://bucket/prefix', 'hdfs://namenode:8020/path', "
        + "'https://host/path/', 'pvc://claim/subpath', 'local:///node/path' or 'juicefs:///subpath'");
    }
    if (this.claimName !== undefined && !ResourceNames.isDns1123Subdomain(this.claimName)) {
      invalid(scope, `${field}.mountPoint`, this.uri, 'the PersistentVolumeClaim name must be a DNS-1123 subdomain');
    }
    if (o.name !== undefined && (!MOUNT_NAME.test(o.name) || o.name.length > 63)) {
      invalid(scope, `${field}.name`, o.name, "mount names are at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
    }
    if (o.path !== undefined && (!o.path.startsWith('/') || /\s/.test(o.path))) {
      invalid(scope, `${field}.path`, o.path, 'must be an absolute path within the dataset, such as /imagenet');
    }
    for (const [key, value] of Object.entries(o.options ?? {})) {
      if (typeof value !== 'string') invalid(scope, `${field}.options.${key}`, value, 'option values are strings');
      if (isCredentialKey(key) || /^(metaurl|token)$/i.test(key)) {
        invalid(scope, `${field}.options.${key}`, `${key}=<literal>`, 'looks like a credential and would be stored in plain text in the Dataset; '
          + 'pass it in secretOptions as { name, secretName, secretKey } instead');
      }
    }
    const names = new Set<string>();
    (o.secretOptions ?? []).forEach((s, i) => {
      const at = `${field}.secretOptions[${i}]`;
      if (typeof s.name !== 'string' || !s.name || /\s/.test(s.name)) invalid(scope, `${at}.name`, s.name, 'must be a non-empty option name without whitespace');
      if (names.has(s.name)) invalid(scope, `${at}.name`, s.name, 'each option may be given only once');
      names.add(s.name);
      if (o.options?.[s.name] !== undefined) invalid(scope, `${at}.name`, s.name, 'is also given as a plain option; give it once, from the Secret');
      if (!ResourceNames.isDns1123Subdomain(s.secretName)) invalid(scope, `${at}.secretName`, s.secretName, 'must be the name of a Secret (a DNS-1123 subdomain)');
      if (typeof s.secretKey !== 'string' || !SECRET_KEY.test(s.secretKey) || s.secretKey.length > 253) {
        invalid(scope, `${at}.secretKey`, s.secretKey, "must be a Secret key: letters, digits, '-', '_' and '.'");
      }
    });
    const options = o.options && Object.keys(o.options).length
      ? Object.fromEntries(Object.entries(o.options).sort(([a], [b]) => a.localeCompare(b)))
      : undefined;
    return {
      mountPoint: this.uri,
      name: o.name,
      path: o.path,
      readOnly: o.readOnly,
      shared: o.shared,
      options,
      encryptOptions: o.secretOptions?.length
        ? o.secretOptions.map(s => ({ name: s.name, valueFrom: { secretKeyRef: { name: s.secretName, key: s.secretKey } } }))
        : undefined,
    };
  }
}
