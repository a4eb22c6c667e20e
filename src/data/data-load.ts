import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { CronSchedule } from './cron-schedule';
import { IDataset } from './dataset-ref';
import { durationSeconds } from './durations';
import { check, checkWorkloadProps, Is } from '../core/checks';
import { checkInteger, invalid } from '../core/errors';
import { ResourceNames } from '../core/names';
import { PodTemplate, prune } from '../core/pod-template';
import { StatusContract, StatusSource } from '../core/status-contract';
import { WorkloadBase, WorkloadMetadataProps } from '../core/workload';

const FLUID_API_VERSION = 'data.fluid.io/v1alpha1';

/** Kinds of DataLoad policies (`spec.policy`). */
export enum DataLoadPolicyType {
  /** Load once, when the dataset is bound. */
  ONCE = 'Once',
  /** Load on a schedule (Fluid runs a CronJob). */
  CRON = 'Cron',
}

/** Options of {@link DataLoadPolicy.once}. */
export interface DataLoadOnceOptions {
  /**
   * Delete the DataLoad this long after it finishes (`ttlSecondsAfterFinished`).
   * @default - kept until deleted
   */
  readonly ttlAfterFinished?: Duration;
}

/**
 * When a DataLoad runs: once, or on a schedule. (Fluid v1.0.8 also declares `OnEvent`, which it does not implement.)
 */
export class DataLoadPolicy {
  /** Load once, after the dataset is bound. */
  public static once(options: DataLoadOnceOptions = {}): DataLoadPolicy {
    return new DataLoadPolicy(DataLoadPolicyType.ONCE, undefined, options?.ttlAfterFinished);
  }

  /** Reload on a schedule, e.g. `DataLoadPolicy.cron(CronSchedule.expression('0 1 * * *'))` to refresh nightly. */
  public static cron(schedule: CronSchedule): DataLoadPolicy {
    return new DataLoadPolicy(DataLoadPolicyType.CRON, schedule, undefined);
  }

  private constructor(
    /** Kind of policy. */
    public readonly type: DataLoadPolicyType,
    /** Schedule of a CRON policy. */
    public readonly schedule?: CronSchedule,
    /** Time-to-live of a ONCE policy. */
    public readonly ttlAfterFinished?: Duration,
  ) {}
}

/** A path of the dataset to load into the cache. */
export interface DataLoadTarget {
  /** Absolute path in the dataset, e.g. `/imagenet/train` (mounts appear at `/<mount name>` unless given a path). */
  readonly path: string;
  /**
   * Number of cache replicas of the data.
   * @default 1
   */
  readonly replicas?: number;
}

/**
 * Options of a DataLoad (also of `Dataset.warmUp()`). Metadata (`name`, `namespace`, `labels`, `annotations`) is the
 * DataLoad's: its name is a DNS-1123 label of at most 46 characters (41 with a cron policy), since Fluid names its
 * Helm release `<name>-loader` and its Job or CronJob `<name>-loader-job`; its namespace is the dataset's (Fluid
 * fails a DataLoad of another namespace), so `namespace`, when given, must equal it.
 */
export interface DataLoadOptions extends WorkloadMetadataProps {
  /**
   * Paths to load.
   * @default - the whole dataset
   */
  readonly targets?: DataLoadTarget[];
  /**
   * Also load the storage's metadata (file listings) before the data.
   * @default true
   */
  readonly loadMetadata?: boolean;
  /**
   * When to load.
   * @default DataLoadPolicy.once()
   */
  readonly policy?: DataLoadPolicy;
}

/** Props of {@link DataLoad}. */
export interface DataLoadProps extends DataLoadOptions {
  /** The dataset whose cache is warmed up: a `Dataset` of this app, or `Dataset.fromDatasetName()`. */
  readonly dataset: IDataset;
}

/**
 * A Fluid DataLoad (`data.fluid.io/v1alpha1`): warms a dataset's cache up by loading some or all of its data, once
 * or on a schedule. It is created in the dataset's namespace and names it explicitly (Fluid fails a DataLoad whose
 * `spec.dataset.namespace` differs from its own namespace, and an omitted one counts as different).
 *
 * Fluid runs the load as a Job (or CronJob) of its own, with its own service account.
 */
export class DataLoad extends WorkloadBase {
  /**
   * How a one-off DataLoad's outcome is read: `.status.phase` is `Complete` or `Failed`. A cron DataLoad never
   * completes: `Complete` or `Failed` describe its last run, and Fluid sets it back to `Pending` for the next one.
   */
  public static readonly STATUS: StatusContract = {
    apiVersion: FLUID_API_VERSION,
    kind: 'DataLoad',
    source: StatusSource.FIELD,
    path: '.status.phase',
    succeeded: ['Complete'],
    failed: ['Failed'],
    inProgress: ['Pending', 'Executing'],
    completes: true,
  };

  /** How the DataLoad's outcome is read ({@link DataLoad.STATUS}). */
  public readonly statusContract: StatusContract = DataLoad.STATUS;
  /** None: Fluid builds the loader's pods. */
  public readonly podTemplates: PodTemplate[] = [];
  /** Empty: no container of the DataLoad runs the user's code (Fluid runs the loader). */
  public readonly primaryContainerName: string = '';
  /** The dataset it loads. */
  public readonly dataset: IDataset;
  /** When it loads. */
  public readonly policy: DataLoadPolicy;
  /** The DataLoad resource. */
  public readonly apiObject: ApiObject;

  private readonly props: DataLoadProps;

  constructor(scope: Construct, id: string, props: DataLoadProps) {
    const policy = props?.policy ?? DataLoadPolicy.once();
    super(scope, id, { ...props, namespace: props?.namespace ?? props?.dataset?.namespace, maxNameLength: maxNameLength(policy) });
    checkWorkloadProps(this, props, {
      dataset: Is.required(Is.instance('volumeMount', "must be a Dataset, or Dataset.fromDatasetName(scope, id, 'name')")),
      targets: Is.arrayOf(Is.shape({ path: Is.required(Is.string()), replicas: Is.integer(1, 2147483647) }, 'must be a target: { path, replicas? }')),
      loadMetadata: Is.boolean(),
      policy: Is.instance('type', "must be a DataLoadPolicy, e.g. DataLoadPolicy.once() or DataLoadPolicy.cron(CronSchedule.expression('0 1 * * *'))"),
    });
    if (policy.type === DataLoadPolicyType.CRON) {
      check(this, 'policy.schedule', policy.schedule, Is.required(Is.instance('_validate', "must be a CronSchedule, e.g. CronSchedule.expression('0 1 * * *')")));
    }
    this.props = props;
    this.dataset = props.dataset;
    this.policy = policy;
    const cron = this.policy.type === DataLoadPolicyType.CRON;
    const maxName = maxNameLength(policy);
    if (!ResourceNames.isDns1123Label(this.name) || this.name.length > maxName) {
      invalid(this, 'name', this.name, `must be a DNS-1123 label of at most ${maxName} characters: Fluid names its Helm release '<name>-loader' `
        + `(at most 53 characters) and its ${cron ? 'CronJob' : 'Job'} '<name>-loader-job'${cron ? ' (at most 52)' : ''}`);
    }
    const namespace = this.dataset.namespace;
    if (namespace === undefined) {
      invalid(this, 'dataset.namespace', undefined, "Fluid requires a DataLoad to name its dataset's namespace: set namespace on the Dataset or its chart");
    }
    if (props.namespace !== undefined && props.namespace !== namespace) {
      invalid(this, 'namespace', props.namespace, `a DataLoad runs in its dataset's namespace '${namespace}' (Fluid fails it otherwise); leave namespace out`);
    }
    this.renderSpec();
    this.apiObject = this.createApiObject(FLUID_API_VERSION, 'DataLoad');
    if (WorkloadBase.isWorkload(this.dataset)) this.apiObject.node.addDependency((this.dataset as unknown as WorkloadBase).apiObject);
  }

  /** The DataLoad spec. */
  protected renderSpec(): any {
    const p = this.props;
    const targets = p.targets ?? [];
    targets.forEach((t, i) => {
      const at = `targets[${i}]`;
      if (!t.path.startsWith('/') || /\s/.test(t.path)) invalid(this, `${at}.path`, t.path, 'must be an absolute path in the dataset, e.g. /imagenet/train');
      checkInteger(this, `${at}.replicas`, t.replicas, 1, 2147483647);
      const roots = this.dataset.pathsInDataset;
      if (roots !== undefined) {
        const under = roots.some(r => r === '/' || t.path === r || t.path.startsWith(`${r.replace(/\/+$/, '')}/`));
        if (!under) {
          invalid(this, `${at}.path`, t.path, `is not in the dataset, whose mounts appear at ${roots.map(r => `'${r}'`).join(', ')}`);
        }
      }
    });
    if (this.policy.type === DataLoadPolicyType.CRON) this.policy.schedule!._validate(this, 'policy.schedule');
    const ttl = durationSeconds(this, 'policy.ttlAfterFinished', this.policy.ttlAfterFinished);
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647)) {
      invalid(this, 'policy.ttlAfterFinished', `${ttl}s`, 'must be a whole number of seconds');
    }
    return prune({
      dataset: { name: this.dataset.name, namespace: this.dataset.namespace },
      loadMetadata: p.loadMetadata ?? true,
      target: targets.length ? targets.map(t => ({ path: t.path, replicas: t.replicas })) : undefined,
      policy: this.policy.type,
      schedule: this.policy.schedule?.expressionString,
      ttlSecondsAfterFinished: ttl,
    });
  }
}

/** The longest DataLoad name: Fluid's CronJob `<name>-loader-job` is at most 52 characters. */
function maxNameLength(policy: DataLoadPolicy): number {
  return policy.type === DataLoadPolicyType.CRON ? 41 : 46;
}
