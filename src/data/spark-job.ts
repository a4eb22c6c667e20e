import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import { ImagePullPolicy } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { durationSeconds } from './durations';
import { SparkBatchScheduler } from './spark-batch-scheduler';
import {
  checkHadoopConf, checkRemoteUri, checkSparkConf, cpuMillis, jvmMemory, parseSparkVersion, SPARK_MIN_HEAP_MIB,
} from './spark-checks';
import { SparkDriverAccount } from './spark-driver-account';
import { SPARK_METRICS_PORT_NAME, SparkMonitoring } from './spark-monitoring';
import {
  SparkApplicationType, SparkConcurrencyPolicy, SparkDependencies, SparkDynamicAllocation, SparkExecutorOptions,
  SparkPodOptions,
} from './spark-options';
import { SparkRestartPolicy, SparkRestartPolicyType } from './spark-restart-policy';
import { SparkRun, SparkRunType } from './spark-run';
import { KueueIntegration, KueueIntegrations } from '../compute/kueue-integration';
import { LocalQueue } from '../compute/local-queue';
import { QueueOptions } from '../compute/queue-options';
import { WorkloadPriorityClass } from '../compute/workload-priority-class';
import { checkProps, checkWorkloadProps, Is, NODE_POOL_RULE, Rule } from '../core/checks';
import { isImageReference, PORT_RULE } from '../core/container';
import { durationMillis } from '../core/durations';
import { EnvVarValue } from '../core/env';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Subdomain, checkLabels } from '../core/names';
import { Placement, sortKeys } from '../core/placement';
import { PodTemplate, prune } from '../core/pod-template';
import { StatusContract, StatusSource } from '../core/status-contract';
import { MOUNT, PodVolumeMount } from '../core/volume';
import { placeWorkload, WorkloadBase, WorkloadMetadataProps, WorkloadPodOptions } from '../core/workload';

/** API version of the Spark operator's resources. */
const SPARK_API_VERSION = 'sparkoperator.k8s.io/v1beta2';
/** Container names the Spark operator (v2.5.2) tells Spark to take from the driver and executor pod templates. */
const DRIVER_CONTAINER = 'spark-kubernetes-driver';
const EXECUTOR_CONTAINER = 'spark-kubernetes-executor';
/** User the Apache Spark images run as (`spark`, uid 185). */
const SPARK_UID = 185;
/** Length of a run-name suffix: '-' and a Unix timestamp in nanoseconds (the operator's default precision). */
const RUN_SUFFIX_LENGTH = 20;
const INT32_MAX = 2147483647;

/**
 * Props of {@link SparkJob}.
 *
 * Metadata (`name`, `namespace`, `labels`, `annotations`) is the SparkApplication's (or ScheduledSparkApplication's):
 * its name is a DNS-1035 label, as the operator requires, of at most 63 characters (43 for a scheduled job, whose
 * runs are named `<name>-<timestamp>`); the namespace is also that of the driver's ServiceAccount, Role and
 * RoleBinding. Pod options (`security`, `serviceAccountName`, `imagePullSecrets`, `sharedMemory`, `pool`,
 * `podLabels`, `podAnnotations`) apply to the driver and the executors; `driver` and `executor` add to them
 * (their `pool` replaces the job's). `serviceAccountName` is the driver's: an existing ServiceAccount allowed to
 * manage pods, services, ConfigMaps and PersistentVolumeClaims in the namespace; without it the job creates one,
 * `<name>-driver`, with a least-privilege Role (see SparkDriverAccount). Security defaults to restricted as uid/gid
 * 185 (the `spark` user of the Apache Spark images).
 *
 * `queue`: Kueue manages SparkApplications only when its `sparkoperator.k8s.io/sparkapplication` integration is
 * enabled, which it is not by default: the queue's BatchQueue must list `KueueIntegration.SPARK_APPLICATION` in its
 * `integrations`, or synthesis fails. Kueue requires cluster mode and no dynamic allocation.
 */
export interface SparkJobProps extends WorkloadMetadataProps, WorkloadPodOptions, QueueOptions {
  /** Language of the application. */
  readonly type: SparkApplicationType;
  /** Spark version of the image, e.g. `3.5.5` (at least 3.0.0: pod settings are rendered as Spark pod templates). */
  readonly sparkVersion: string;
  /** Image of the driver and executors, e.g. `docker.io/apache/spark:3.5.5`. */
  readonly image: string;
  /**
   * When the kubelet pulls the image.
   * @default - Kubernetes default (Always for `:latest`, IfNotPresent otherwise)
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * The application: a jar (Java, Scala), a `.py` file (Python) or an `.R` file (R), in the image
   * (`local:///opt/spark/examples/src/main/python/pi.py`) or in remote storage (`s3a://bucket/app.py`).
   */
  readonly mainApplicationFile: string;
  /**
   * Main class (required for Java and Scala, not used otherwise), e.g. `org.apache.spark.examples.SparkPi`.
   * @default - none
   */
  readonly mainClass?: string;
  /**
   * Arguments of the application.
   * @default []
   */
  readonly args?: string[];
  /**
   * The driver: resources, accelerators and pod settings.
   * @default - 1 core and 1 GiB of heap (the operator's defaults)
   */
  readonly driver?: SparkPodOptions;
  /**
   * The executors: how many, their resources, accelerators and pod settings.
   * @default - 1 executor with 1 core and 1 GiB of heap (the operator's defaults)
   */
  readonly executor?: SparkExecutorOptions;
  /**
   * Scale executors with the load instead of running a fixed number.
   * @default - a fixed number of executors
   */
  readonly dynamicAllocation?: SparkDynamicAllocation;
  /**
   * Further Spark properties (`--conf`). Keys with a typed option here, keys the operator denies and credentials
   * are rejected.
   * @default {}
   */
  readonly sparkConf?: { [key: string]: string };
  /**
   * Hadoop properties (the operator prefixes them with `spark.hadoop.`), e.g. `fs.s3a.endpoint`. Credentials are
   * rejected: give them to the pods from a Secret (`env`).
   * @default {}
   */
  readonly hadoopConf?: { [key: string]: string };
  /**
   * Jars, files, Python files, archives and Maven packages the application needs.
   * @default - none
   */
  readonly deps?: SparkDependencies;
  /**
   * Environment variables of the driver and the executors (credentials only with `EnvVarValue.fromSecretKey`).
   * @default {}
   */
  readonly env?: { [name: string]: EnvVarValue };
  /**
   * Volumes mounted in the driver and the executors, e.g. a cached Fluid dataset: `dataset.volumeMount('/data')`
   * (the dataset must be in the job's namespace).
   * @default []
   */
  readonly volumeMounts?: PodVolumeMount[];
  /**
   * What the operator does when the application ends.
   * @default - SparkRestartPolicy.never(), or SparkRestartPolicy.always() for streaming jobs
   */
  readonly restartPolicy?: SparkRestartPolicy;
  /**
   * Delete the SparkApplication (each run's, for a scheduled job) this long after it terminates (`timeToLiveSeconds`).
   * @default - kept until deleted
   */
  readonly timeToLive?: Duration;
  /**
   * Ratio of memory added as overhead when `memoryOverhead` is not set (`spec.memoryOverheadFactor`).
   * @default - 0.1 for JVM applications, 0.4 for Python and R (Spark's defaults)
   */
  readonly memoryOverheadFactor?: number;
  /**
   * Prometheus monitoring through the JMX exporter java agent.
   * @default - none
   */
  readonly monitoring?: SparkMonitoring;
  /**
   * Gang-schedule driver and executors with Volcano or YuniKorn.
   * @default - the default Kubernetes scheduler
   */
  readonly batchScheduler?: SparkBatchScheduler;
  /**
   * How the job runs: `SparkRun.once()`, `SparkRun.scheduled({ schedule, ... })` (a ScheduledSparkApplication) or
   * `SparkRun.streaming()` (a long-running Structured Streaming application).
   * @default SparkRun.once()
   */
  readonly run?: SparkRun;
}

/**
 * An Apache Spark application run by the Kubeflow Spark operator (v2.5.2): a `SparkApplication`, or with
 * `SparkRun.scheduled()` a `ScheduledSparkApplication`, plus the driver's ServiceAccount with a least-privilege Role
 * and RoleBinding.
 *
 * Pod-level settings (accelerators, environment, volumes, node selector, tolerations, affinity, security context,
 * scheduler name, metrics port) are rendered into the driver's and executors' pod templates (`driver.template`,
 * `executor.template`), which Spark itself applies. They do not depend on the operator's mutating pod webhook, which
 * acts only in the namespaces listed in the operator's `spark.jobNamespaces` and silently drops these settings
 * elsewhere. GPUs are also written to `driver.gpu` / `executor.gpu`.
 *
 * The props are checked when the job is declared; the resource is rendered at synth, so changes made afterwards
 * through `podTemplates` (e.g. `job.podTemplates[1].placement.selectNodeLabel(...)`) count.
 *
 * Completion is read from `.status.applicationState.state` (see {@link SparkJob.STATUS}).
 *
 * @see https://github.com/kubeflow/spark-operator
 */
export class SparkJob extends WorkloadBase {
  /**
   * How a SparkApplication's outcome is read: `.status.applicationState.state` is `COMPLETED` on success and
   * `FAILED` or `SUBMISSION_FAILED` on failure (with restart policy OnFailure, only once the retries are used up);
   * the message is in `.status.applicationState.errorMessage`. An empty state means not yet submitted.
   */
  public static readonly STATUS: StatusContract = {
    apiVersion: SPARK_API_VERSION,
    kind: 'SparkApplication',
    source: StatusSource.FIELD,
    path: '.status.applicationState.state',
    succeeded: ['COMPLETED'],
    failed: ['FAILED', 'SUBMISSION_FAILED'],
    inProgress: ['SUBMITTED', 'RUNNING', 'PENDING_RERUN', 'INVALIDATING', 'SUCCEEDING', 'FAILING', 'SUSPENDING', 'SUSPENDED', 'RESUMING', 'UNKNOWN'],
    messagePath: '.status.applicationState.errorMessage',
    completes: true,
  };

  /**
   * How a streaming SparkApplication's health is read: it never completes, so `RUNNING` is its ready state; with
   * restart policy Always the operator restarts it after failures (`FAILING`, `PENDING_RERUN`).
   */
  public static readonly STREAMING_STATUS: StatusContract = {
    apiVersion: SPARK_API_VERSION,
    kind: 'SparkApplication',
    source: StatusSource.FIELD,
    path: '.status.applicationState.state',
    succeeded: ['RUNNING'],
    failed: ['FAILED', 'SUBMISSION_FAILED'],
    inProgress: ['SUBMITTED', 'PENDING_RERUN', 'INVALIDATING', 'SUCCEEDING', 'FAILING', 'SUSPENDING', 'SUSPENDED', 'RESUMING', 'UNKNOWN', 'COMPLETED'],
    messagePath: '.status.applicationState.errorMessage',
    completes: false,
  };

  /**
   * How a ScheduledSparkApplication's state is read: `.status.scheduleState` is `Scheduled` once the schedule is
   * accepted and `FailedValidation` when the operator rejects it (reason in `.status.reason`). Each run is a
   * SparkApplication (named in `.status.lastRunName`) read with {@link SparkJob.STATUS}.
   */
  public static readonly SCHEDULED_STATUS: StatusContract = {
    apiVersion: SPARK_API_VERSION,
    kind: 'ScheduledSparkApplication',
    source: StatusSource.FIELD,
    path: '.status.scheduleState',
    succeeded: ['Scheduled'],
    failed: ['FailedValidation'],
    inProgress: ['Validating'],
    messagePath: '.status.reason',
    completes: false,
  };

  /**
   * Declares a SparkJob from its spec: the JSON form of its props, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` SparkJob custom resource (quantities as strings, durations as Go durations,
   * one-of choices as `{ "<factory>": { <arguments> } }`; see docs/platform-apis.md). The workload's name is
   * derived from the construct path. An invalid spec throws the library's ValidationError naming `spec.<field>`.
   * @param spec the spec
   */
  public static fromSpec(scope: Construct, id: string, spec: any): SparkJob {
    // the controller module reads the jsii assembly: loaded on first use, not when the library is imported
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadFromSpec('SparkJob', scope, id, spec) as SparkJob;
  }

  /** Kind of the emitted resource: `SparkApplication`, or `ScheduledSparkApplication` for a scheduled job. */
  public readonly kind: string;
  /** The emitted SparkApplication or ScheduledSparkApplication. */
  public readonly apiObject: ApiObject;
  /**
   * How this job's outcome is read: {@link SparkJob.SCHEDULED_STATUS}, {@link SparkJob.STREAMING_STATUS} or
   * {@link SparkJob.STATUS}.
   */
  public readonly statusContract: StatusContract;
  /** The driver's and the executors' pod templates, in this order (rendered at synth: later changes count). */
  public readonly podTemplates: PodTemplate[];
  /** The driver's container, `spark-kubernetes-driver`. */
  public readonly primaryContainerName: string = DRIVER_CONTAINER;
  /** ServiceAccount the driver runs as. */
  public readonly serviceAccountName: string;
  /** The driver's ServiceAccount, Role and RoleBinding, unless an existing account was given. */
  public readonly driverAccount?: SparkDriverAccount;
  /** The driver's pod template (`podTemplates[0]`). */
  public readonly driverPodTemplate: PodTemplate;
  /** The executors' pod template (`podTemplates[1]`). */
  public readonly executorPodTemplate: PodTemplate;
  /** How the job runs. */
  public readonly run: SparkRun;
  /** Whether the job is a long-running streaming application. */
  public readonly streaming: boolean;
  /** Restart policy. */
  public readonly restartPolicy: SparkRestartPolicy;

  private readonly props: SparkJobProps;

  constructor(scope: Construct, id: string, props: SparkJobProps) {
    super(scope, id, { ...props, maxNameLength: maxNameLength(props?.run) });
    checkWorkloadProps(this, props, SPARK_JOB_RULES);
    this.props = props;
    this.run = props.run ?? SparkRun.once();
    const scheduled = this.run.type === SparkRunType.SCHEDULED;
    this.streaming = this.run.type === SparkRunType.STREAMING;
    this.kind = scheduled ? 'ScheduledSparkApplication' : 'SparkApplication';
    this.statusContract = scheduled ? SparkJob.SCHEDULED_STATUS : this.streaming ? SparkJob.STREAMING_STATUS : SparkJob.STATUS;
    this.restartPolicy = props.restartPolicy ?? (this.streaming ? SparkRestartPolicy.always() : SparkRestartPolicy.never());

    this.validateProps(maxNameLength(props.run));

    if (props.serviceAccountName !== undefined) {
      checkDns1123Subdomain(this, 'serviceAccountName', props.serviceAccountName);
      this.serviceAccountName = props.serviceAccountName;
    } else {
      if (this.namespace === undefined) {
        invalid(this, 'namespace', undefined, "the driver's RoleBinding must name its ServiceAccount's namespace: set namespace "
          + '(or the chart\'s namespace), or pass an existing serviceAccountName');
      }
      this.driverAccount = new SparkDriverAccount(this, 'DriverAccount', { name: `${this.name}-driver`, namespace: this.namespace });
      this.serviceAccountName = this.driverAccount.serviceAccountName;
    }

    this.driverPodTemplate = this.podTemplate('driver', props.driver ?? {}, DRIVER_CONTAINER);
    this.executorPodTemplate = this.podTemplate('executor', props.executor ?? {}, EXECUTOR_CONTAINER);
    this.podTemplates = [this.driverPodTemplate, this.executorPodTemplate];
    for (const role of ['driver', 'executor'] as const) {
      const own = props[role]?.pool;
      placeWorkload(this, own || !props.pool ? `${role}.pool` : 'pool', role === 'driver' ? this.driverPodTemplate : this.executorPodTemplate,
        own ?? props.pool, { runToCompletion: !this.streaming });
    }

    // Render once now, so that invalid input fails where the job is declared; synth reuses it unless the pod templates change.
    this._renderAndKeepSpec(() => this.renderSpec());
    this.apiObject = this.createApiObject(SPARK_API_VERSION, this.kind, this.driverPodTemplate.securityAnnotations);

    if (props.queue) this.submitToQueue(props.queue, props.priorityClass);
  }

  /**
   * The spec of this SparkJob: the JSON form of its props as declared, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` SparkJob custom resource — the inverse of {@link SparkJob.fromSpec}:
   * `SparkJob.fromSpec(scope, id, x.toSpec())` at the same construct path synthesizes what `x` synthesizes. `name` and
   * `namespace` are left out (a resource's metadata); node pools, queues and priority classes are written by name. A value
   * with no spec form (another construct reference, a static constant, an object not made by a static factory), or a
   * change after construction the spec cannot hold (through a pod template's methods or a JSON patch), throws the
   * library's ValidationError naming the field.
   */
  public toSpec(): any {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadToSpec('SparkJob', this, this.props);
  }

  /** The SparkApplication spec, or for a scheduled job the ScheduledSparkApplication spec that embeds it. */
  protected renderSpec(): any {
    const spec = this.renderApplicationSpec();
    const s = this.run.scheduleOptions;
    if (!s) return spec;
    return prune({
      schedule: s.schedule.expressionString,
      timeZone: s.timeZone,
      concurrencyPolicy: s.concurrencyPolicy ?? SparkConcurrencyPolicy.FORBID,
      successfulRunHistoryLimit: s.successfulRunHistoryLimit,
      failedRunHistoryLimit: s.failedRunHistoryLimit,
      suspend: s.suspend,
      template: spec,
    });
  }

  /** The SparkApplication spec (for a scheduled job, the template of each run). */
  private renderApplicationSpec(): any {
    const p = this.props;
    const monitoring = p.monitoring?._render(this, 'monitoring');
    const scheduler = p.batchScheduler;
    return prune({
      type: p.type,
      pythonVersion: p.type === SparkApplicationType.PYTHON ? '3' : undefined,
      mode: 'cluster',
      image: p.image,
      imagePullPolicy: p.imagePullPolicy,
      imagePullSecrets: p.imagePullSecrets?.length ? [...p.imagePullSecrets] : undefined,
      mainApplicationFile: p.mainApplicationFile,
      mainClass: p.mainClass,
      arguments: p.args?.length ? [...p.args] : undefined,
      sparkVersion: p.sparkVersion,
      restartPolicy: this.restartPolicy._render(this, 'restartPolicy'),
      timeToLiveSeconds: durationSeconds(this, 'timeToLive', p.timeToLive),
      memoryOverheadFactor: p.memoryOverheadFactor !== undefined ? String(p.memoryOverheadFactor) : undefined,
      sparkConf: sortedOrUndefined(p.sparkConf),
      hadoopConf: sortedOrUndefined(p.hadoopConf),
      deps: this.renderDeps(p.deps),
      dynamicAllocation: this.renderDynamicAllocation(p.dynamicAllocation),
      batchScheduler: scheduler?.name,
      batchSchedulerOptions: scheduler ? { queue: scheduler.queue, priorityClassName: scheduler.priorityClassName } : undefined,
      monitoring,
      driver: {
        ...this.renderRole('driver', p.driver ?? {}),
        serviceAccount: this.serviceAccountName,
        template: this.renderTemplate(this.driverPodTemplate, DRIVER_CONTAINER),
      },
      executor: {
        ...this.renderRole('executor', p.executor ?? {}),
        instances: p.executor?.instances ?? (p.dynamicAllocation ? undefined : 1),
        template: this.renderTemplate(this.executorPodTemplate, EXECUTOR_CONTAINER),
      },
    });
  }

  private podTemplate(role: 'driver' | 'executor', o: SparkPodOptions, containerName: string): PodTemplate {
    const p = this.props;
    const m = p.monitoring;
    const exposeMetrics = m !== undefined && (role === 'driver' ? m.driverMetrics : m.executorMetrics);
    const jobMounts = p.volumeMounts ?? [];
    const ports = [...(o.ports ?? [])];
    ports.forEach((port, i) => {
      if (port && SPARK_OWN_PORT_NAMES.includes(port.name as string)) {
        invalid(this, `${role}.ports[${i}].name`, port.name, `Spark names its own ports ${SPARK_OWN_PORT_NAMES.map(n => `'${n}'`).join(', ')}; choose another name`);
      }
    });
    if (exposeMetrics) ports.push({ number: m!.port, name: SPARK_METRICS_PORT_NAME });
    const template = new PodTemplate({
      containers: [{
        name: containerName,
        image: p.image,
        env: { ...(p.env ?? {}), ...(o.env ?? {}) },
        volumeMounts: [...jobMounts, ...(o.volumeMounts ?? [])],
        ports: ports.length ? ports : undefined,
        resources: o.accelerator ? { accelerator: o.accelerator } : undefined,
      }],
      serviceAccountName: role === 'driver' ? this.serviceAccountName : undefined,
      security: { runAsUser: SPARK_UID, ...(p.security ?? {}) },
      sharedMemory: p.sharedMemory,
      placement: copyPlacement(o.placement),
      labels: mergeMaps(p.podLabels, o.podLabels),
      annotations: mergeMaps(p.podAnnotations, o.podAnnotations),
    });
    // Errors raised while rendering the pod name the props the user wrote: job-wide env and mounts by their own
    // names, the role's by `driver.` / `executor.`.
    const names: { [path: string]: string } = {
      '': role,
      'containers[0]': role,
      'containers[0].image': 'image',
      'containers[0].resources': role,
      'containers[0].ports': `${role}.ports`,
      'security': 'security',
      'serviceAccountName': 'serviceAccountName',
      'placement': `${role}.placement`,
      'labels': `${role}.podLabels`,
      'annotations': `${role}.podAnnotations`,
    };
    for (const name of Object.keys(p.env ?? {})) {
      if (o.env?.[name] === undefined) names[`containers[0].env.${name}`] = `env.${name}`;
    }
    if (exposeMetrics) {
      const i = ports.length - 1;
      names[`containers[0].ports[${i}]`] = 'monitoring';
      names[`containers[0].ports[${i}].number`] = 'monitoring.port';
    }
    jobMounts.forEach((_m, i) => names[`containers[0].volumeMounts[${i}]`] = `volumeMounts[${i}]`);
    (o.volumeMounts ?? []).forEach((_m, i) => names[`containers[0].volumeMounts[${jobMounts.length + i}]`] = `${role}.volumeMounts[${i}]`);
    template._nameFields(names);
    return template;
  }

  private renderTemplate(template: PodTemplate, containerName: string): any {
    const rendered = template.toPodTemplateSpec(this, containerName);
    if (this.props.batchScheduler) rendered.spec.schedulerName = this.props.batchScheduler.name;
    return rendered;
  }

  private renderRole(role: 'driver' | 'executor', o: SparkPodOptions): any {
    const a = o.accelerator;
    return {
      cores: o.cores,
      coreRequest: o.coreRequest ? String(o.coreRequest.amount) : undefined,
      coreLimit: o.coreLimit ? String(o.coreLimit.amount) : undefined,
      memory: jvmMemory(this, `${role}.memory`, o.memory, SPARK_MIN_HEAP_MIB),
      memoryOverhead: jvmMemory(this, `${role}.memoryOverhead`, o.memoryOverhead),
      javaOptions: o.javaOptions,
      gpu: a ? { name: a.resourceName, quantity: a.count } : undefined,
    };
  }

  private renderDeps(d: SparkDependencies | undefined): any {
    if (!d) return undefined;
    const list = (x: string[] | undefined) => (x?.length ? [...x] : undefined);
    return {
      jars: list(d.jars),
      files: list(d.files),
      pyFiles: list(d.pyFiles),
      archives: list(d.archives),
      packages: list(d.packages),
      excludePackages: list(d.excludePackages),
      repositories: list(d.repositories),
    };
  }

  private renderDynamicAllocation(d: SparkDynamicAllocation | undefined): any {
    if (!d) return undefined;
    return {
      enabled: true,
      initialExecutors: d.initialExecutors,
      minExecutors: d.minExecutors ?? 0,
      maxExecutors: d.maxExecutors,
      shuffleTrackingEnabled: true,
      shuffleTrackingTimeout: d.shuffleTrackingTimeout === undefined ? undefined : durationMillis(this, 'dynamicAllocation.shuffleTrackingTimeout', d.shuffleTrackingTimeout),
    };
  }

  private submitToQueue(queue: LocalQueue, priorityClass: WorkloadPriorityClass | undefined): void {
    if (this.props.batchScheduler) {
      invalid(this, 'queue', queue.name, `the job is already gang-scheduled by ${this.props.batchScheduler.name}; use either a Kueue queue or batchScheduler`);
    }
    if (this.props.dynamicAllocation) {
      invalid(this, 'dynamicAllocation', 'enabled', 'Kueue admits a SparkApplication for a fixed number of executors only (its webhook rejects dynamic allocation); set executor.instances');
    }
    // The driver's ServiceAccount and Role are in the job's namespace: the job is never moved to the queue's.
    if (this.namespace !== undefined && this.namespace !== queue.namespace) {
      invalid(this, 'namespace', this.namespace, `a LocalQueue serves only workloads of its own namespace '${queue.namespace}'`);
    }
    if (this.run.type !== SparkRunType.SCHEDULED) {
      queue.admit(this.apiObject, priorityClass);
      return;
    }
    // A ScheduledSparkApplication is not a Kueue workload: its labels are copied to every SparkApplication it
    // creates, which Kueue then manages. Check what LocalQueue.admit() checks for those.
    const enabled = queue.clusterQueue.integrations;
    if (!enabled.includes(KueueIntegration.SPARK_APPLICATION)) {
      invalid(this, 'queue', 'sparkoperator.k8s.io/SparkApplication',
        `Kueue integrations enabled for ClusterQueue '${queue.clusterQueue.name}' manage ${enabled.map(i => KueueIntegrations.kindOf(i)).join(', ')}; `
        + 'add KueueIntegration.SPARK_APPLICATION to its integrations (and to the Kueue configuration)');
    }
    if (this.namespace === undefined) this.apiObject.addJsonPatch(JsonPatch.add('/metadata/namespace', queue.namespace));
    for (const [k, v] of Object.entries(queue.labels(priorityClass))) this.apiObject.metadata.addLabel(k, v);
  }

  private validateProps(maxName: number): void {
    const p = this.props;
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(this.name) || this.name.length > maxName) {
      invalid(this, 'name', this.name, `must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter) of at most ${maxName} characters`
        + (this.run.type === SparkRunType.SCHEDULED ? ' (each run is named \'<name>-<19-digit timestamp>\', and run names are limited to 63)' : ''));
    }
    if (!Object.values(SparkApplicationType).includes(p.type)) {
      invalid(this, 'type', p.type, `must be one of ${Object.values(SparkApplicationType).join(', ')}`);
    }

    const version = parseSparkVersion(p.sparkVersion);
    if (!version) invalid(this, 'sparkVersion', p.sparkVersion, "must be a Spark version such as '3.5.5'");
    if (version[0] < 3) {
      invalid(this, 'sparkVersion', p.sparkVersion, 'must be at least 3.0.0: pod settings are rendered as Spark pod templates, which older Spark ignores');
    }
    if (!isImageReference(p.image)) {
      invalid(this, 'image', p.image, "must be an image reference such as 'docker.io/apache/spark:3.5.5'");
    }
    (p.imagePullSecrets ?? []).forEach((s, i) => checkDns1123Subdomain(this, `imagePullSecrets[${i}]`, s));

    // main application and class
    checkRemoteUri(this, 'mainApplicationFile', p.mainApplicationFile);
    const file = p.mainApplicationFile.split(/[?#]/)[0];
    const wanted: Record<string, RegExp> = {
      [SparkApplicationType.PYTHON]: /\.py$/,
      [SparkApplicationType.JAVA]: /\.jar$/,
      [SparkApplicationType.SCALA]: /\.jar$/,
      [SparkApplicationType.R]: /\.[Rr]$/,
    };
    if (!wanted[p.type].test(file)) {
      const ext = { Python: 'a .py file', Java: 'a .jar', Scala: 'a .jar', R: 'an .R file' }[p.type];
      invalid(this, 'mainApplicationFile', p.mainApplicationFile, `a ${p.type} application's main file must be ${ext}`);
    }
    const jvm = p.type === SparkApplicationType.JAVA || p.type === SparkApplicationType.SCALA;
    if (jvm && !p.mainClass) {
      invalid(this, 'mainClass', p.mainClass, `a ${p.type} application needs its main class, e.g. 'org.apache.spark.examples.SparkPi'`);
    }
    if (!jvm && p.mainClass !== undefined) {
      invalid(this, 'mainClass', p.mainClass, `applies only to Java and Scala applications, not ${p.type}`);
    }
    if (p.mainClass !== undefined && !/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(p.mainClass)) {
      invalid(this, 'mainClass', p.mainClass, "must be a fully qualified class name such as 'org.apache.spark.examples.SparkPi'");
    }

    // pods and roles
    checkLabels(this, 'podLabels', p.podLabels);
    this.validateRole('driver', p.driver ?? {});
    this.validateRole('executor', p.executor ?? {});
    checkInteger(this, 'executor.instances', p.executor?.instances, 1, INT32_MAX);
    if (p.memoryOverheadFactor !== undefined && !(Number.isFinite(p.memoryOverheadFactor) && p.memoryOverheadFactor > 0)) {
      invalid(this, 'memoryOverheadFactor', p.memoryOverheadFactor, 'must be a number greater than 0, e.g. 0.1 (JVM) or 0.4 (Python)');
    }

    // dynamic allocation
    const d = p.dynamicAllocation;
    if (d) {
      checkInteger(this, 'dynamicAllocation.maxExecutors', d.maxExecutors, 1, INT32_MAX);
      checkInteger(this, 'dynamicAllocation.minExecutors', d.minExecutors, 0, INT32_MAX);
      checkInteger(this, 'dynamicAllocation.initialExecutors', d.initialExecutors, 0, INT32_MAX);
      const min = d.minExecutors ?? 0;
      if (min > d.maxExecutors) {
        invalid(this, 'dynamicAllocation.minExecutors', min, `must not exceed maxExecutors (${d.maxExecutors})`);
      }
      if (d.initialExecutors !== undefined && (d.initialExecutors < min || d.initialExecutors > d.maxExecutors)) {
        invalid(this, 'dynamicAllocation.initialExecutors', d.initialExecutors, `must be between minExecutors (${min}) and maxExecutors (${d.maxExecutors})`);
      }
      const instances = p.executor?.instances;
      if (instances !== undefined && (instances < min || instances > d.maxExecutors)) {
        invalid(this, 'executor.instances', instances, `with dynamic allocation, the initial number of executors must be between minExecutors (${min}) and maxExecutors (${d.maxExecutors})`);
      }
      if (d.shuffleTrackingTimeout !== undefined) {
        const ms = durationMillis(this, 'dynamicAllocation.shuffleTrackingTimeout', d.shuffleTrackingTimeout);
        if (ms < 1) invalid(this, 'dynamicAllocation.shuffleTrackingTimeout', `${ms}ms`, 'must be at least 1 ms');
      }
    }

    // configuration and dependencies
    checkSparkConf(this, 'sparkConf', p.sparkConf ?? {}, this.namespace);
    checkHadoopConf(this, 'hadoopConf', p.hadoopConf ?? {});
    const deps = p.deps ?? {};
    for (const key of ['jars', 'files', 'pyFiles', 'archives'] as const) {
      (deps[key] ?? []).forEach((uri, i) => checkRemoteUri(this, `deps.${key}[${i}]`, uri));
    }
    if (deps.pyFiles?.length && p.type !== SparkApplicationType.PYTHON) {
      invalid(this, 'deps.pyFiles', deps.pyFiles, 'apply only to Python applications');
    }
    (deps.packages ?? []).forEach((c, i) => {
      if (!/^[^:\s/]+:[^:\s/]+:[^:\s/]+$/.test(c)) invalid(this, `deps.packages[${i}]`, c, "must be Maven coordinates 'groupId:artifactId:version'");
    });
    (deps.excludePackages ?? []).forEach((c, i) => {
      if (!/^[^:\s/]+:[^:\s/]+$/.test(c)) invalid(this, `deps.excludePackages[${i}]`, c, "must be 'groupId:artifactId'");
    });
    (deps.repositories ?? []).forEach((r, i) => {
      if (!/^(https?|file):\/\/\S+$/.test(r)) invalid(this, `deps.repositories[${i}]`, r, "must be a repository URL such as 'https://repo.example.com/maven2'");
    });

    // lifecycle
    if (p.timeToLive !== undefined) {
      const s = durationSeconds(this, 'timeToLive', p.timeToLive)!;
      if (!Number.isInteger(s) || s < 1) invalid(this, 'timeToLive', `${s}s`, 'must be a whole number of seconds, at least 1');
    }
    if (this.streaming) {
      if (this.restartPolicy.type !== SparkRestartPolicyType.ALWAYS) {
        invalid(this, 'restartPolicy', this.restartPolicy.type, 'a streaming job runs until stopped and is restarted whenever it ends: use SparkRestartPolicy.always() (the default for streaming jobs)');
      }
      if (p.timeToLive) invalid(this, 'timeToLive', `${durationSeconds(this, 'timeToLive', p.timeToLive)}s`, 'a streaming job does not terminate, so a time-to-live after termination never applies');
    }
    if (p.priorityClass && !p.queue) {
      invalid(this, 'priorityClass', p.priorityClass.name, 'applies only together with queue');
    }
    p.batchScheduler?._validate(this, 'batchScheduler');

    // schedule
    const s = this.run.scheduleOptions;
    if (s !== undefined) {
      checkProps(this, s, {
        schedule: Is.required(Is.instance('_validate', "must be a CronSchedule, e.g. CronSchedule.expression('0 2 * * *')")),
        suspend: Is.boolean(),
        timeZone: Is.string(),
      }, 'run.', true);
      s.schedule._validate(this, 'run.schedule');
      checkInteger(this, 'run.successfulRunHistoryLimit', s.successfulRunHistoryLimit, 0, INT32_MAX);
      checkInteger(this, 'run.failedRunHistoryLimit', s.failedRunHistoryLimit, 0, INT32_MAX);
      if (s.timeZone !== undefined && !isTimeZone(s.timeZone)) {
        invalid(this, 'run.timeZone', s.timeZone, "must be an IANA time zone such as 'UTC' or 'Europe/Berlin'");
      }
      if (s.concurrencyPolicy !== undefined && !Object.values(SparkConcurrencyPolicy).includes(s.concurrencyPolicy)) {
        invalid(this, 'run.concurrencyPolicy', s.concurrencyPolicy, `must be one of ${Object.values(SparkConcurrencyPolicy).join(', ')}`);
      }
    }
  }

  private validateRole(role: 'driver' | 'executor', o: SparkPodOptions): void {
    checkInteger(this, `${role}.cores`, o.cores, 1, INT32_MAX);
    const request = o.coreRequest ? cpuMillis(o.coreRequest) : (o.cores ?? 1) * 1000;
    if (o.coreRequest && !(request > 0)) invalid(this, `${role}.coreRequest`, String(o.coreRequest.amount), 'must be a positive CPU amount');
    if (o.coreLimit) {
      const limit = cpuMillis(o.coreLimit);
      if (!(limit > 0)) invalid(this, `${role}.coreLimit`, String(o.coreLimit.amount), 'must be a positive CPU amount');
      if (limit < request) {
        invalid(this, `${role}.coreLimit`, String(o.coreLimit.amount),
          `must be at least the pod's CPU request (${o.coreRequest ? String(o.coreRequest.amount) : `${o.cores ?? 1} from cores`}), or Kubernetes rejects the pod`);
      }
    }
    jvmMemory(this, `${role}.memory`, o.memory, SPARK_MIN_HEAP_MIB);
    jvmMemory(this, `${role}.memoryOverhead`, o.memoryOverhead);
    if (o.javaOptions !== undefined && /(^|\s)-Xmx/.test(o.javaOptions)) {
      invalid(this, `${role}.javaOptions`, o.javaOptions, 'Spark refuses -Xmx in Java options; set the heap with memory');
    }
    checkLabels(this, `${role}.podLabels`, o.podLabels);
  }
}

function copyPlacement(p: Placement | undefined): Placement {
  const copy = new Placement({
    nodeSelector: p?.nodeSelector,
    tolerations: p?.tolerations,
    requiredNodeAffinity: p?.requiredNodeAffinity,
    priorityClassName: p?.priorityClassName,
  });
  for (const [k, v] of Object.entries(p?.podLabels ?? {})) copy.addPodLabel(k, v);
  for (const [k, v] of Object.entries(p?.podAnnotations ?? {})) copy.addPodAnnotation(k, v);
  return copy;
}

function sortedOrUndefined(m: { [key: string]: string } | undefined): { [key: string]: string } | undefined {
  return m && Object.keys(m).length ? sortKeys(m) : undefined;
}

function mergeMaps(a: { [key: string]: string } | undefined, b: { [key: string]: string } | undefined): { [key: string]: string } | undefined {
  return a || b ? { ...(a ?? {}), ...(b ?? {}) } : undefined;
}

/** The longest name of the primary object: run names of a scheduled job add a 20-character suffix. */
const ENV_RULE = Is.present('must be a map of environment variable names to EnvVarValues');

/** Names of the container ports Spark adds to its driver and executors itself. */
const SPARK_OWN_PORT_NAMES = ['driver-rpc-port', 'blockmanager', 'spark-ui'];

const SPARK_POD_RULES: { [name: string]: Rule } = {
  cores: Is.integer(1, INT32_MAX),
  coreRequest: Is.cpu(),
  coreLimit: Is.cpu(),
  memory: Is.size(),
  memoryOverhead: Is.size(),
  accelerator: Is.instance('_validate', 'must be an Accelerator, e.g. Accelerator.nvidia({ count: 1 })'),
  javaOptions: Is.string(),
  env: ENV_RULE,
  volumeMounts: Is.arrayOf(MOUNT),
  ports: Is.arrayOf(PORT_RULE),
  pool: NODE_POOL_RULE,
  placement: Is.instance('_renderPodSpec', 'must be a Placement'),
  podLabels: Is.labels(),
  podAnnotations: Is.annotations(),
};

const CONF_RULE = Is.mapOf(Is.string());

/** The rules of {@link SparkJobProps} (beyond the shared workload props); combinations are checked in validateProps. */
const SPARK_JOB_RULES: { [name: string]: Rule } = {
  sparkVersion: Is.required(Is.string({ nonEmpty: true })),
  imagePullPolicy: Is.enumOf(ImagePullPolicy, 'ImagePullPolicy'),
  mainApplicationFile: Is.required(Is.string({ nonEmpty: true })),
  mainClass: Is.string(),
  args: Is.strings(),
  driver: Is.shape(SPARK_POD_RULES, 'must be SparkPodOptions'),
  executor: Is.shape({ ...SPARK_POD_RULES, instances: Is.integer(1, INT32_MAX) }, 'must be SparkExecutorOptions'),
  dynamicAllocation: Is.shape({
    maxExecutors: Is.required(Is.integer(1, INT32_MAX)),
    minExecutors: Is.integer(0, INT32_MAX),
    initialExecutors: Is.integer(0, INT32_MAX),
    shuffleTrackingTimeout: Is.duration('millis'),
  }, 'must be SparkDynamicAllocation options'),
  sparkConf: CONF_RULE,
  hadoopConf: CONF_RULE,
  deps: Is.shape(Object.fromEntries(['jars', 'files', 'pyFiles', 'archives', 'packages', 'excludePackages', 'repositories']
    .map(k => [k, Is.arrayOf(Is.string({ nonEmpty: true }))])), 'must be SparkDependencies'),
  env: ENV_RULE,
  volumeMounts: Is.arrayOf(MOUNT),
  restartPolicy: Is.instance('_render', 'must be a SparkRestartPolicy, e.g. SparkRestartPolicy.onFailure({ retries: 3 })'),
  monitoring: Is.instance('_render', "must be a SparkMonitoring, e.g. SparkMonitoring.prometheus({ jmxExporterJar: '/prometheus/jmx.jar' })"),
  batchScheduler: Is.instance('_validate', 'must be a SparkBatchScheduler, e.g. SparkBatchScheduler.volcano()'),
  run: Is.instance('scheduleOptions', 'must be a SparkRun, e.g. SparkRun.once() or SparkRun.scheduled({ schedule })'),
};

function maxNameLength(run: SparkRun | undefined): number {
  return run?.type === SparkRunType.SCHEDULED ? 63 - RUN_SUFFIX_LENGTH : 63;
}

/** Whether `tz` is a time zone Go's `time.LoadLocation` knows (IANA names, and `UTC`/`Local`). */
function isTimeZone(tz: string): boolean {
  if (tz === 'Local' || tz === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz);
  } catch {
    return false;
  }
}
