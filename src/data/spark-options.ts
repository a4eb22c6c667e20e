import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { CronSchedule } from './cron-schedule';
import { Accelerator } from '../core/accelerator';
import { ContainerPortSpec } from '../core/container';
import { EnvVarValue } from '../core/env';
import { INodePool } from '../core/node-pool';
import { Placement } from '../core/placement';
import { PodVolumeMount } from '../core/volume';

/** Language of a Spark application (`spec.type`). */
export enum SparkApplicationType {
  /** A Java application: `mainApplicationFile` is a jar and `mainClass` is required. */
  JAVA = 'Java',
  /** A Scala application: `mainApplicationFile` is a jar and `mainClass` is required. */
  SCALA = 'Scala',
  /** A PySpark application (Python 3): `mainApplicationFile` is a `.py` file. */
  PYTHON = 'Python',
  /** A SparkR application: `mainApplicationFile` is an `.R` file. */
  R = 'R',
}

/** What a schedule does when a run is due while the previous one is still running. */
export enum SparkConcurrencyPolicy {
  /** Start the new run anyway. */
  ALLOW = 'Allow',
  /** Skip the new run. */
  FORBID = 'Forbid',
  /** Stop the running run and start the new one. */
  REPLACE = 'Replace',
}

/**
 * Resources and pod settings of the Spark driver or of each executor.
 *
 * CPU and memory are Spark settings (`spark.{driver,executor}.cores`, `.memory`, `.memoryOverhead`,
 * `spark.kubernetes.{driver,executor}.{request,limit}.cores`): Spark computes the pod's requests and limits from
 * them (memory request = limit = memory + overhead). Everything pod-level (accelerators, environment, volumes,
 * placement, security) is written into the pod template Spark builds the pod from.
 */
export interface SparkPodOptions {
  /**
   * CPU cores (an integer: Spark's `spark.{driver,executor}.cores`); also the pod's CPU request unless `coreRequest`
   * is given.
   * @default 1 - the Spark operator's default
   */
  readonly cores?: number;
  /**
   * CPU request of the pod, when it should differ from `cores` (e.g. `Cpu.millis(500)`).
   * @default - `cores`
   */
  readonly coreRequest?: Cpu;
  /**
   * CPU limit of the pod (`coreLimit`, e.g. `Cpu.millis(1200)` renders as `"1200m"`).
   * @default - no CPU limit
   */
  readonly coreLimit?: Cpu;
  /**
   * JVM heap (`spark.{driver,executor}.memory`), rendered in JVM notation (`Size.mebibytes(512)` → `"512m"`).
   * At least 450 MiB (Spark's unified memory manager refuses less) and a whole number of mebibytes.
   * @default Size.gibibytes(1) - the Spark operator's default
   */
  readonly memory?: Size;
  /**
   * Off-heap memory added to the pod (`spark.{driver,executor}.memoryOverhead`): JVM overhead, native memory and,
   * for PySpark, the Python workers. A whole number of mebibytes.
   * @default - `memory` × the overhead factor (0.1 for JVM jobs, 0.4 for Python and R), at least 384 MiB
   */
  readonly memoryOverhead?: Size;
  /**
   * Accelerators of the pod (e.g. `Accelerator.nvidia({ count: 1 })`): rendered as the `gpu` field and as a limit in
   * the pod template, with the product's node selector.
   * @default - none
   */
  readonly accelerator?: Accelerator;
  /**
   * Extra JVM options (`spark.{driver,executor}.extraJavaOptions`); heap size is set with `memory`, never `-Xmx`.
   * @default - none
   */
  readonly javaOptions?: string;
  /**
   * Environment variables of this role only (added to the job's `env`).
   * @default {}
   */
  readonly env?: { [name: string]: EnvVarValue };
  /**
   * Volumes mounted in this role only (added to the job's `volumeMounts`).
   * @default []
   */
  readonly volumeMounts?: PodVolumeMount[];
  /**
   * Ports this role's container listens on (in the role's pod template; Spark adds its own, named
   * `driver-rpc-port`, `blockmanager` and `spark-ui`, and `monitoring` adds the metrics port).
   * @default []
   */
  readonly ports?: ContainerPortSpec[];
  /**
   * Node pool this role's pods run on (node selector, tolerations, and `karpenter.sh/do-not-disrupt` for batch
   * jobs). Pods requesting accelerators must name a pool when the app declares any (checked at synth).
   * @default - the job's `pool`, if any
   */
  readonly pool?: INodePool;
  /**
   * Further placement (node selector, tolerations, affinity, priority). It is copied, so one Placement can be
   * shared by the driver and the executors.
   * @default - none
   */
  readonly placement?: Placement;
  /**
   * Labels of this role's pods (added to the job's `podLabels`).
   * @default {}
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Annotations of this role's pods (added to the job's `podAnnotations`).
   * @default {}
   */
  readonly podAnnotations?: { [key: string]: string };
}

/** Resources and pod settings of each Spark executor, and how many there are. */
export interface SparkExecutorOptions extends SparkPodOptions {
  /**
   * Number of executors (with dynamic allocation: the initial number, between its minimum and maximum).
   * @default 1 - without dynamic allocation; with it, the dynamic allocation's initial number
   */
  readonly instances?: number;
}

/**
 * Dynamic allocation: Spark adds and removes executors with the load. On Kubernetes it relies on shuffle tracking
 * (always on here), since there is no external shuffle service.
 */
export interface SparkDynamicAllocation {
  /** Most executors. */
  readonly maxExecutors: number;
  /**
   * Fewest executors.
   * @default 0
   */
  readonly minExecutors?: number;
  /**
   * Executors at start.
   * @default - `minExecutors` (or `executor.instances` when larger)
   */
  readonly initialExecutors?: number;
  /**
   * How long executors holding shuffle data are kept after their last use.
   * @default - until the shuffle data is no longer needed
   */
  readonly shuffleTrackingTimeout?: Duration;
}

/**
 * Files and packages the application needs besides its main file. URIs point into the image (`local:///...`) or to
 * remote storage (`s3a://`, `gs://`, `hdfs://`, `https://`): a path on the submitting machine does not exist in the
 * operator's pod.
 */
export interface SparkDependencies {
  /**
   * Jars on the driver and executor classpaths.
   * @default []
   */
  readonly jars?: string[];
  /**
   * Files placed in the working directory of each executor.
   * @default []
   */
  readonly files?: string[];
  /**
   * `.py`, `.zip` or `.egg` files on the PYTHONPATH (Python applications).
   * @default []
   */
  readonly pyFiles?: string[];
  /**
   * Archives extracted into the working directory of each executor.
   * @default []
   */
  readonly archives?: string[];
  /**
   * Maven coordinates `groupId:artifactId:version` resolved at submission (e.g. `org.apache.spark:spark-sql-kafka-0-10_2.12:3.5.1`).
   * @default []
   */
  readonly packages?: string[];
  /**
   * `groupId:artifactId` to exclude while resolving `packages`.
   * @default []
   */
  readonly excludePackages?: string[];
  /**
   * Extra Maven repositories for `packages`.
   * @default - Maven Central
   */
  readonly repositories?: string[];
}

/** When and how a scheduled Spark job runs (`SparkRun.scheduled()`: it becomes a `ScheduledSparkApplication`). */
export interface SparkJobScheduleOptions {
  /** When the job runs: a cron expression, a descriptor or `@every <duration>`. */
  readonly schedule: CronSchedule;
  /**
   * What to do when a run is due while the previous one still runs.
   * @default SparkConcurrencyPolicy.FORBID - the due run is skipped (the operator's own default is ALLOW)
   */
  readonly concurrencyPolicy?: SparkConcurrencyPolicy;
  /**
   * How many finished successful runs (SparkApplications) are kept.
   * @default 1 - the operator's default
   */
  readonly successfulRunHistoryLimit?: number;
  /**
   * How many failed runs are kept.
   * @default 1 - the operator's default
   */
  readonly failedRunHistoryLimit?: number;
  /**
   * IANA time zone the schedule is read in, e.g. `Europe/Berlin`.
   * @default - the time zone of the Spark operator (usually UTC)
   */
  readonly timeZone?: string;
  /**
   * Create the schedule suspended (no runs until it is resumed).
   * @default false
   */
  readonly suspend?: boolean;
}
