/**
 * Checks and renderings shared by the Spark constructs (internal: not exported from the package).
 */
import { Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { isCredentialKey } from './credentials';
import { invalid } from '../core/errors';
import { quantityOf } from '../core/quantity';
import { cpuString } from '../core/resources';

/** Spark's minimum heap: its unified memory manager refuses less than 1.5 × 300 MiB of reserved memory. */
export const SPARK_MIN_HEAP_MIB = 450;

/** A size in JVM notation (`512m`, `2g`); Spark reads memory settings in whole mebibytes. */
export function jvmMemory(scope: IConstruct, field: string, size: Size | undefined, minMiB = 1): string | undefined {
  if (size === undefined) return undefined;
  const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(kib / 1024)) {
    invalid(scope, field, quantityOf(size)?.quantity ?? `${kib}KiB`, 'Spark reads memory settings in whole mebibytes; use Size.mebibytes() or Size.gibibytes()');
  }
  const mib = kib / 1024;
  if (mib < minMiB) {
    invalid(scope, field, `${mib}m`, minMiB === SPARK_MIN_HEAP_MIB
      ? `Spark refuses a heap below ${SPARK_MIN_HEAP_MIB} MiB ('System memory ... must be at least 471859200'); use at least Size.mebibytes(${SPARK_MIN_HEAP_MIB})`
      : `must be at least ${minMiB} MiB`);
  }
  return mib % 1024 === 0 ? `${mib / 1024}g` : `${mib}m`;
}

/** CPU in millicores. */
export function cpuMillis(cpu: Cpu): number {
  const s = cpuString(cpu);
  return s.endsWith('m') ? Number(s.slice(0, -1)) : Number(s) * 1000;
}

/** Spark versions as [major, minor, patch], or undefined when not a version. */
export function parseSparkVersion(v: string): [number, number, number] | undefined {
  const m = /^([0-9]+)\.([0-9]+)\.([0-9]+)(?:[-+][0-9A-Za-z.-]+)?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

const URI_SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/**
 * Throws unless `uri` points into the image (`local://`) or to remote storage: a bare path or `file://` URI would be
 * read on the submitting side, which is the Spark operator's pod.
 */
export function checkRemoteUri(scope: IConstruct, field: string, uri: string): void {
  const scheme = URI_SCHEME.exec(uri)?.[1].toLowerCase();
  if (!scheme || scheme === 'file' || /\s/.test(uri)) {
    invalid(scope, field, uri, "must be a URI the cluster can read: 'local:///path/in/the/image' or remote storage such as "
      + "'s3a://bucket/key', 'gs://...', 'hdfs://...' or 'https://...' (a local path would be read in the Spark operator's pod)");
  }
}

/** Keys the Spark operator's webhook denies in `sparkConf` (v2.5.2 `internal/webhook/sparkconf_validator.go`). */
const OPERATOR_DENIED_CONF: Record<string, string> = {
  'spark.kubernetes.authenticate.driver.serviceAccountName': 'use serviceAccountName (the Spark operator denies this key)',
  'spark.kubernetes.authenticate.executor.serviceAccountName': 'the Spark operator denies this key',
  'spark.kubernetes.authenticate.oauthTokenFile': 'credentials are managed by the Spark operator (it denies this key)',
  'spark.kubernetes.authenticate.oauthToken': 'credentials are managed by the Spark operator (it denies this key)',
  'spark.kubernetes.authenticate.driver.oauthTokenFile': 'credentials are managed by the Spark operator (it denies this key)',
  'spark.kubernetes.authenticate.driver.oauthToken': 'credentials are managed by the Spark operator (it denies this key)',
  'spark.kubernetes.authenticate.executor.oauthTokenFile': 'credentials are managed by the Spark operator (it denies this key)',
  'spark.kubernetes.authenticate.executor.oauthToken': 'credentials are managed by the Spark operator (it denies this key)',
  'spark.master': 'the Spark operator sets it (and denies this key)',
  'spark.kubernetes.driver.master': 'the Spark operator sets it (and denies this key)',
  'spark.kubernetes.container.image': 'use image (the Spark operator denies this key)',
  'spark.kubernetes.driver.container.image': 'use image (the Spark operator denies this key)',
  'spark.kubernetes.executor.container.image': 'use image (the Spark operator denies this key)',
};

/** Keys with a typed option: setting them in `sparkConf` as well would silently override one or the other. */
const TYPED_CONF: Record<string, string> = {
  'spark.driver.cores': 'driver.cores',
  'spark.driver.memory': 'driver.memory',
  'spark.driver.memoryOverhead': 'driver.memoryOverhead',
  'spark.driver.extraJavaOptions': 'driver.javaOptions',
  'spark.kubernetes.driver.request.cores': 'driver.coreRequest',
  'spark.kubernetes.driver.limit.cores': 'driver.coreLimit',
  'spark.executor.cores': 'executor.cores',
  'spark.executor.memory': 'executor.memory',
  'spark.executor.memoryOverhead': 'executor.memoryOverhead',
  'spark.executor.extraJavaOptions': 'executor.javaOptions',
  'spark.executor.instances': 'executor.instances',
  'spark.kubernetes.executor.request.cores': 'executor.coreRequest',
  'spark.kubernetes.executor.limit.cores': 'executor.coreLimit',
  'spark.kubernetes.memoryOverheadFactor': 'memoryOverheadFactor',
  'spark.dynamicAllocation.enabled': 'dynamicAllocation',
  'spark.dynamicAllocation.minExecutors': 'dynamicAllocation.minExecutors',
  'spark.dynamicAllocation.maxExecutors': 'dynamicAllocation.maxExecutors',
  'spark.dynamicAllocation.initialExecutors': 'dynamicAllocation.initialExecutors',
  'spark.dynamicAllocation.shuffleTracking.enabled': 'dynamicAllocation (shuffle tracking is always on)',
  'spark.dynamicAllocation.shuffleTracking.timeout': 'dynamicAllocation.shuffleTrackingTimeout',
  'spark.kubernetes.driver.podTemplateFile': 'driver options (the library renders the pod template)',
  'spark.kubernetes.executor.podTemplateFile': 'executor options (the library renders the pod template)',
  'spark.kubernetes.driver.podTemplateContainerName': 'driver options (the library renders the pod template)',
  'spark.kubernetes.executor.podTemplateContainerName': 'executor options (the library renders the pod template)',
  'spark.kubernetes.container.image.pullPolicy': 'imagePullPolicy',
  'spark.kubernetes.container.image.pullSecrets': 'imagePullSecrets',
  'spark.metrics.conf': 'monitoring',
};

/**
 * Checks `sparkConf`: keys the operator denies, keys with a typed option, the namespace, and inlined credentials.
 */
export function checkSparkConf(scope: IConstruct, field: string, conf: { [key: string]: string }, namespace: string | undefined): void {
  for (const [key, value] of Object.entries(conf)) {
    if (key.trim() === '' || /\s/.test(key)) invalid(scope, `${field}`, key, 'configuration keys are non-empty and contain no whitespace');
    if (typeof value !== 'string') invalid(scope, `${field}.${key}`, value, 'configuration values are strings');
    const denied = OPERATOR_DENIED_CONF[key];
    if (denied) invalid(scope, `${field}.${key}`, value, denied);
    const typed = TYPED_CONF[key];
    if (typed) invalid(scope, `${field}.${key}`, value, `set it with the typed option ${typed} instead`);
    if (key === 'spark.kubernetes.namespace' && value !== namespace) {
      invalid(scope, `${field}.${key}`, value, `must equal the application's namespace${namespace ? ` '${namespace}'` : ''} (the Spark operator denies anything else); leave it out`);
    }
    checkNoCredential(scope, `${field}.${key}`, key, value);
  }
}

/** Checks `hadoopConf` for inlined credentials. */
export function checkHadoopConf(scope: IConstruct, field: string, conf: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(conf)) {
    if (key.trim() === '' || /\s/.test(key)) invalid(scope, `${field}`, key, 'configuration keys are non-empty and contain no whitespace');
    if (typeof value !== 'string') invalid(scope, `${field}.${key}`, value, 'configuration values are strings');
    checkNoCredential(scope, `${field}.${key}`, key, value);
  }
}

function checkNoCredential(scope: IConstruct, field: string, key: string, value: string): void {
  if (isCredentialKey(key) && value !== '') {
    invalid(scope, field, `${key}=<literal>`, 'looks like a credential and would be stored in plain text in the SparkApplication; '
      + 'give it to the pods from a Secret instead, e.g. env: { AWS_SECRET_ACCESS_KEY: EnvVarValue.fromSecretKey(secretName, key) } '
      + '(read by the S3A and AWS SDK credential providers), or a mounted Secret file');
  }
}
