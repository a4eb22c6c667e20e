import { IConstruct } from 'constructs';
import { isImageReference } from '../core/container';
import { invalid } from '../core/errors';
import { ResourceNames } from '../core/names';

/** Where a model is stored: the scheme of a KServe storage URI. */
export enum StorageScheme {
  /** Amazon S3 or an S3-compatible store (`s3://bucket/key`). */
  S3 = 's3',
  /** Google Cloud Storage (`gs://bucket/path`). */
  GCS = 'gs',
  /** A PersistentVolumeClaim in the service's namespace (`pvc://claim/path`). */
  PVC = 'pvc',
  /** A Hugging Face Hub repository (`hf://org/model[:revision]`). */
  HUGGING_FACE = 'hf',
  /** A file served over HTTPS (`https://...`). */
  HTTPS = 'https',
  /** An OCI image holding the model under `/models` (a modelcar, `oci://registry/repo:tag`). */
  OCI = 'oci',
}

const BUCKET = /^[a-z0-9][a-z0-9.\-_]{1,220}[a-z0-9]$/;

/**
 * The storage URI of a model: one of the schemes KServe v0.20.0's storage initializer (or modelcar
 * injector) understands. Build it with a factory so the URI is always well formed.
 */
export class StorageUri {
  /**
   * An object prefix in S3 (credentials: a service account with IRSA, or a storage Secret).
   * @param bucket bucket name
   * @param key object key or prefix (default: the whole bucket)
   */
  public static s3(bucket: string, key?: string): StorageUri {
    if (notStrings([bucket], [key])) return typeProblem(StorageScheme.S3, bucket, key);
    return StorageUri.bucket(StorageScheme.S3, bucket, key);
  }

  /**
   * An object prefix in Google Cloud Storage.
   * @param bucket bucket name
   * @param path object path or prefix (default: the whole bucket)
   */
  public static gcs(bucket: string, path?: string): StorageUri {
    if (notStrings([bucket], [path])) return typeProblem(StorageScheme.GCS, bucket, path);
    return StorageUri.bucket(StorageScheme.GCS, bucket, path);
  }

  /**
   * A path on a PersistentVolumeClaim in the InferenceService's namespace (e.g. a Fluid dataset's PVC).
   * KServe mounts the claim read-only instead of copying the model.
   * @param claimName name of the PVC
   * @param path path within the claim (default: its root)
   */
  public static pvc(claimName: string, path?: string): StorageUri {
    if (notStrings([claimName], [path])) return typeProblem(StorageScheme.PVC, claimName, path);
    const p = trimSlashes(path);
    const uri = `pvc://${claimName}${p ? `/${p}` : ''}`;
    let problem: string | undefined;
    if (!ResourceNames.isDns1123Subdomain(claimName)) problem = 'the claim name must be a DNS-1123 subdomain';
    else if (p && p.split('/').includes('..')) problem = "the path must not contain '..'";
    return new StorageUri(StorageScheme.PVC, uri, problem);
  }

  /**
   * A Hugging Face Hub repository (`hf://org/model[:revision]`); gated models need a token
   * (`HF_TOKEN` from a Secret).
   * @param repository repository id, `org/model` (e.g. `meta-llama/Llama-2-7b-chat-hf`)
   * @param revision branch, tag or commit (default: the default branch)
   */
  public static huggingFace(repository: string, revision?: string): StorageUri {
    if (notStrings([repository], [revision])) return typeProblem(StorageScheme.HUGGING_FACE, repository, revision);
    const parts = repository.split('/');
    const ok = parts.length === 2 && parts.every(s => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s))
      && (revision === undefined || /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(revision));
    return new StorageUri(StorageScheme.HUGGING_FACE, `hf://${repository}${revision ? `:${revision}` : ''}`,
      ok ? undefined : "must be 'org/model' with an optional revision (letters, digits, '.', '_', '-')");
  }

  /**
   * A model file or archive served over HTTPS.
   * @param url the `https://` URL
   */
  public static https(url: string): StorageUri {
    if (notStrings([url], [])) return typeProblem(StorageScheme.HTTPS, url);
    let ok = false;
    try {
      ok = new URL(url).protocol === 'https:';
    } catch {
      ok = false;
    }
    return new StorageUri(StorageScheme.HTTPS, url, ok ? undefined : "must be an absolute 'https://' URL");
  }

  /**
   * A model packaged as an OCI image under `/models` (a modelcar; see `ModelcarImage`).
   * Needs modelcars on in the KServe configuration (the default in v0.20.0).
   * @param image image reference, by tag and/or digest, without the `oci://` prefix
   */
  public static oci(image: string): StorageUri {
    if (notStrings([image], [])) return typeProblem(StorageScheme.OCI, image);
    const ok = isImageReference(image) && /[:@]/.test(image.split('/').pop() ?? '');
    return new StorageUri(StorageScheme.OCI, `oci://${image}`, ok ? undefined : "must be an image reference with a tag or digest, e.g. 'registry.example.com/models/llama:1.0'");
  }

  /**
   * Parses a storage URI written out in full (`s3://`, `gs://`, `pvc://`, `hf://`, `https://` or `oci://`).
   * @param uri the URI
   */
  public static parse(uri: string): StorageUri {
    if (notStrings([uri], [])) return typeProblem(StorageScheme.HTTPS, uri);
    const m = /^([a-z0-9+]+):\/\/(.*)$/.exec(uri);
    const rest = m?.[2] ?? '';
    const [head, ...tail] = rest.split('/');
    switch (m?.[1]) {
      case 's3': return StorageUri.s3(head, tail.join('/') || undefined);
      case 'gs': return StorageUri.gcs(head, tail.join('/') || undefined);
      case 'pvc': return StorageUri.pvc(head, tail.join('/') || undefined);
      case 'https': return StorageUri.https(uri);
      case 'oci': return StorageUri.oci(rest);
      case 'hf': {
        const [repo, revision] = rest.split(/:(.*)/s);
        return StorageUri.huggingFace(repo, revision || undefined);
      }
      default:
        return new StorageUri(StorageScheme.HTTPS, uri, "must start with one of 's3://', 'gs://', 'pvc://', 'hf://', 'https://', 'oci://'");
    }
  }

  private static bucket(scheme: StorageScheme, bucket: string, path?: string): StorageUri {
    const p = trimSlashes(path);
    return new StorageUri(scheme, `${scheme}://${bucket}${p ? `/${p}` : ''}`,
      BUCKET.test(bucket) ? undefined : "the bucket name must be 3-222 lowercase letters, digits, '.', '-' or '_'");
  }

  private constructor(
    /** The scheme. */
    public readonly scheme: StorageScheme,
    /** The URI as KServe reads it. */
    public readonly uri: string,
    private readonly problem?: string,
  ) {}

  /** For an `oci://` URI, the image reference (without the scheme). */
  public get image(): string | undefined {
    return this.scheme === StorageScheme.OCI ? this.uri.slice('oci://'.length) : undefined;
  }

  /** The URI. */
  public toString(): string {
    return this.uri;
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string): string {
    if (this.problem) invalid(scope, field, this.uri, this.problem);
    return this.uri;
  }
}

/** Whether a required argument is not a string, or an optional one is given and not a string. */
function notStrings(required: unknown[], optional: unknown[]): boolean {
  return required.some(x => typeof x !== 'string') || optional.some(x => x !== undefined && typeof x !== 'string');
}

/** A URI whose parts are not strings: reported, with the construct's path, when the model is used. */
function typeProblem(scheme: StorageScheme, ...parts: unknown[]): StorageUri {
  const shown = parts.filter(p => p !== undefined).map(p => {
    try {
      return String(p);
    } catch {
      return typeof p;
    }
  }).join('/');
  return new (StorageUri as any)(scheme, `${scheme}://${shown}`, 'the parts of a storage URI are strings');
}

function trimSlashes(p: string | undefined): string | undefined {
  const t = p?.replace(/^\/+|\/+$/g, '');
  return t ? t : undefined;
}
