import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CacheRuntime } from './cache-runtime';
import { DataLoad, DataLoadOptions } from './data-load';
import { DatasetMount } from './dataset-mount';
import { DatasetAccessMode, datasetVolume, datasetVolumeMount, DatasetVolumeMountOptions, IDataset } from './dataset-ref';
import { checkWorkloadProps, Is } from '../core/checks';
import { invalid } from '../core/errors';
import { checkDns1123Label } from '../core/names';
import { REQUIREMENT_RULE, TAINT_RULE, NodeRequirement, Placement, Taint } from '../core/placement';
import { PodTemplate, prune } from '../core/pod-template';
import { StatusContract, StatusSource } from '../core/status-contract';
import { PodVolume, PodVolumeMount } from '../core/volume';
import { WorkloadBase, WorkloadMetadataProps } from '../core/workload';

/** API version of Fluid's resources. */
const FLUID_API_VERSION = 'data.fluid.io/v1alpha1';
/**
 * Longest dataset name: Fluid names the cache workers' StatefulSet `<name>-worker`, and StatefulSet names longer
 * than 52 characters cannot create pods (their `controller-revision-hash` label would exceed 63 characters).
 */
const MAX_NAME = 45;

/** Whether a dataset's cache workers share nodes with other datasets' workers. */
export enum DatasetPlacement {
  /** One dataset's cache per node (Fluid's default). */
  EXCLUSIVE = 'Exclusive',
  /** Caches of several datasets may share a node. */
  SHARED = 'Shared',
}

/**
 * Props of {@link Dataset}. Metadata (`name`, `namespace`, `labels`, `annotations`) is the Dataset's; its runtime and
 * PersistentVolumeClaim get the same name and namespace. The name is a DNS-1035 label of at most 45 characters (Fluid
 * names the cache workers `<name>-worker`); workloads mounting the dataset must run in its namespace.
 */
export interface DatasetProps extends WorkloadMetadataProps {
  /** Where the data comes from (at least one mount; exactly one `juicefs://` mount for a JuiceFS cache). */
  readonly mounts: DatasetMount[];
  /** The cache: `CacheRuntime.alluxio({...})` or `CacheRuntime.juiceFs({...})`. */
  readonly runtime: CacheRuntime;
  /**
   * How workloads may mount the dataset.
   * @default DatasetAccessMode.READ_ONLY_MANY
   */
  readonly accessMode?: DatasetAccessMode;
  /**
   * Whether cache workers of several datasets may share a node.
   * @default DatasetPlacement.EXCLUSIVE
   */
  readonly placement?: DatasetPlacement;
  /**
   * Nodes the data may be cached on (required node affinity); Fluid also steers the dataset's users towards them.
   * @default - any node
   */
  readonly cacheNodeAffinity?: NodeRequirement[];
  /**
   * Taints the cache pods tolerate.
   * @default []
   */
  readonly tolerations?: Taint[];
}

/** Options of {@link Dataset.fromDatasetName}. */
export interface DatasetImportOptions {
  /**
   * Namespace of the Dataset.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * How workloads may mount the dataset.
   * @default DatasetAccessMode.READ_ONLY_MANY
   */
  readonly accessMode?: DatasetAccessMode;
}

/**
 * A Fluid dataset (`data.fluid.io/v1alpha1` Dataset, Fluid v1.0.8) with its cache runtime (`AlluxioRuntime` or
 * `JuiceFSRuntime`, same name and namespace, as Fluid requires): data from object stores, HDFS, web servers or PVCs,
 * cached close to the workloads that read it, with optional warm-up (`warmUp()` → DataLoad).
 *
 * Fluid exposes a bound dataset as a PersistentVolumeClaim named like the dataset, in its namespace: Spark jobs,
 * training and serving mount it with `dataset.volume()` or `dataset.volumeMount(path)`. Pods that mount it stay
 * Pending until the cache runtime is ready and the dataset `Bound` (see {@link Dataset.STATUS}).
 *
 * Fluid runs the cache's pods itself; its FUSE pods are privileged (see {@link CacheRuntime}). Workloads mounting the
 * PVC keep the restricted Pod Security Standard.
 *
 * @see https://github.com/fluid-cloudnative/fluid
 */
export class Dataset extends WorkloadBase implements IDataset {
  /**
   * How a Dataset's readiness is read: `.status.phase` is `Bound` once its runtime is ready (its PVC can then be
   * mounted) and `Failed` on failure.
   */
  public static readonly STATUS: StatusContract = {
    apiVersion: FLUID_API_VERSION,
    kind: 'Dataset',
    source: StatusSource.FIELD,
    path: '.status.phase',
    succeeded: ['Bound'],
    failed: ['Failed'],
    inProgress: ['Pending', 'NotBound', 'Updating', 'DataMigrating'],
    completes: false,
  };

  /**
   * A Dataset declared elsewhere (another app or repository): workloads mount it and DataLoads warm it up by its
   * name and namespace. Nothing is emitted for it.
   * @param scope where the reference is declared (its chart's namespace is the default namespace)
   * @param id construct id of the reference
   * @param name name of the Dataset
   */
  public static fromDatasetName(scope: Construct, id: string, name: string, options: DatasetImportOptions = {}): IDataset {
    return new ImportedDataset(scope, id, name, options);
  }

  /**
   * Declares a Dataset from its spec: the JSON form of its props, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` Dataset custom resource (quantities as strings, durations as Go durations,
   * one-of choices as `{ "<factory>": { <arguments> } }`; see docs/platform-apis.md). The workload's name is
   * derived from the construct path. An invalid spec throws the library's ValidationError naming `spec.<field>`.
   * @param spec the spec
   */
  public static fromSpec(scope: Construct, id: string, spec: any): Dataset {
    // the controller module reads the jsii assembly: loaded on first use, not when the library is imported
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadFromSpec('Dataset', scope, id, spec) as Dataset;
  }

  /** How a Dataset's readiness is read ({@link Dataset.STATUS}). */
  public readonly statusContract: StatusContract = Dataset.STATUS;
  /** None: Fluid builds the cache's pods from the runtime. */
  public readonly podTemplates: PodTemplate[] = [];
  /** Empty: no container of the dataset runs the user's code (Fluid runs the cache). */
  public readonly primaryContainerName: string = '';
  /** The cache runtime. */
  public readonly runtime: CacheRuntime;
  /** How workloads may mount the dataset. */
  public readonly accessMode: DatasetAccessMode;
  /** The mounts (rendered at synth: mounts added to this list after construction count). */
  public readonly mounts: DatasetMount[];
  /** The Dataset resource. */
  public readonly apiObject: ApiObject;
  /** The runtime resource (`AlluxioRuntime` or `JuiceFSRuntime`), a supporting object. */
  public readonly runtimeObject: ApiObject;

  private readonly props: DatasetProps;

  constructor(scope: Construct, id: string, props: DatasetProps) {
    super(scope, id, { ...props, maxNameLength: MAX_NAME });
    checkWorkloadProps(this, props, {
      mounts: Is.required(Is.arrayOf(Is.instance('_render', "must be a DatasetMount, e.g. DatasetMount.fromUri('s3://bucket/prefix')"))),
      runtime: Is.required(Is.instance('_renderSpec', 'must be a CacheRuntime, e.g. CacheRuntime.alluxio({ tiers })')),
      placement: Is.enumOf(DatasetPlacement, 'DatasetPlacement'),
      cacheNodeAffinity: Is.arrayOf(REQUIREMENT_RULE),
      tolerations: Is.arrayOf(TAINT_RULE),
    });
    this.props = props;
    this.runtime = props.runtime;
    this.accessMode = props.accessMode ?? DatasetAccessMode.READ_ONLY_MANY;
    this.mounts = [...props.mounts];

    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(this.name) || this.name.length > MAX_NAME) {
      invalid(this, 'name', this.name, `must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter) of at most ${MAX_NAME} characters: `
        + "Fluid rejects other names, and names its cache workers' StatefulSet '<name>-worker'");
    }
    if (!Object.values(DatasetAccessMode).includes(this.accessMode)) {
      invalid(this, 'accessMode', this.accessMode, `must be one of ${Object.values(DatasetAccessMode).join(', ')}`);
    }
    this.renderSpec(); // fail where the dataset is declared
    const runtimeSpec = prune(this.runtime._renderSpec(this, 'runtime'));

    this.apiObject = this.createApiObject(FLUID_API_VERSION, 'Dataset');
    this.runtimeObject = new ApiObject(this, 'Runtime', {
      apiVersion: FLUID_API_VERSION,
      kind: this.runtime.kind,
      metadata: { name: this.name, namespace: props.namespace },
      spec: runtimeSpec,
    });
  }

  /**
   * The spec of this Dataset: the JSON form of its props as declared, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` Dataset custom resource — the inverse of {@link Dataset.fromSpec}:
   * `Dataset.fromSpec(scope, id, x.toSpec())` at the same construct path synthesizes what `x` synthesizes. `name` and
   * `namespace` are left out (a resource's metadata); node pools, queues and priority classes are written by name. A value
   * with no spec form (another construct reference, a static constant, an object not made by a static factory), or a
   * change after construction the spec cannot hold (through a pod template's methods or a JSON patch), throws the
   * library's ValidationError naming the field.
   */
  public toSpec(): any {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadToSpec('Dataset', this, this.props);
  }

  /** Whether workloads mount the dataset read-only by default. */
  public get readOnly(): boolean {
    return this.accessMode === DatasetAccessMode.READ_ONLY_MANY;
  }

  /** Where the mounts appear in the dataset, for an Alluxio cache (undefined for JuiceFS, which has one mount). */
  public get pathsInDataset(): string[] | undefined {
    return this.runtime.isAlluxio ? this.mounts.map(m => m.pathInDataset) : undefined;
  }

  /**
   * The dataset as a pod volume: the PersistentVolumeClaim Fluid creates, named like the dataset. Workloads must run
   * in the dataset's namespace (checked at synth).
   * @param readOnly mount the claim read-only (default: true, unless the access mode is READ_WRITE_MANY)
   */
  public volume(readOnly?: boolean): PodVolume {
    return datasetVolume(this, readOnly);
  }

  /**
   * Mounts the dataset at `path` in a container: `volumeMounts: [dataset.volumeMount('/data')]`.
   */
  public volumeMount(path: string, options: DatasetVolumeMountOptions = {}): PodVolumeMount {
    return datasetVolumeMount(this, path, options);
  }

  /**
   * Warms the cache up: a DataLoad that loads the dataset (or some of its paths) into the cache, once after the
   * dataset is bound or on a schedule.
   */
  public warmUp(id: string, options: DataLoadOptions = {}): DataLoad {
    return new DataLoad(this, id, { ...options, dataset: this });
  }

  /** The Dataset spec, from the props and the current mounts. */
  protected renderSpec(): any {
    const p = this.props;
    if (this.mounts.length === 0) {
      invalid(this, 'mounts', [], 'a dataset needs at least one mount, e.g. DatasetMount.fromUri(\'s3://bucket/prefix\')');
    }
    const mounts = this.mounts.map((m, i) => m._render(this, `mounts[${i}]`));
    if (this.runtime.isAlluxio) {
      this.mounts.forEach((m, i) => {
        if (m.scheme === 'juicefs') invalid(this, `mounts[${i}].mountPoint`, m.uri, 'a juicefs:// mount needs a JuiceFS cache (CacheRuntime.juiceFs)');
      });
      const seen = new Map<string, number>();
      this.mounts.forEach((m, i) => {
        if (this.mounts.length > 1 && m.name === undefined && m.pathInDataset === '/') {
          invalid(this, `mounts[${i}].name`, undefined, 'with several mounts, each needs a name (or a path) to appear under in the dataset');
        }
        const at = seen.get(m.pathInDataset);
        if (at !== undefined) invalid(this, `mounts[${i}].path`, m.pathInDataset, `mounts[${at}] already appears at this path in the dataset`);
        seen.set(m.pathInDataset, i);
      });
    } else {
      if (this.mounts.length !== 1) {
        invalid(this, 'mounts', this.mounts.map(m => m.uri), 'a JuiceFS dataset has exactly one mount (the JuiceFS file system, DatasetMount.juiceFs())');
      }
      if (this.mounts[0].scheme !== 'juicefs') {
        invalid(this, 'mounts[0].mountPoint', this.mounts[0].uri, "a JuiceFS cache mounts a JuiceFS file system: use DatasetMount.juiceFs('/subdir', ...)");
      }
    }

    const placement = new Placement({ requiredNodeAffinity: p.cacheNodeAffinity, tolerations: p.tolerations });
    placement._validate(this, 'cache');
    const rendered = placement._renderPodSpec();
    const terms = rendered.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    return prune({
      mounts,
      accessModes: [this.accessMode],
      placement: p.placement,
      nodeAffinity: terms ? { required: { nodeSelectorTerms: terms } } : undefined,
      tolerations: rendered.tolerations,
    });
  }
}

/** A Dataset declared elsewhere (see {@link Dataset.fromDatasetName}). */
class ImportedDataset extends Construct implements IDataset {
  public readonly name: string;
  public readonly namespace?: string;
  public readonly accessMode: DatasetAccessMode;
  public readonly pathsInDataset?: string[] = undefined;

  constructor(scope: Construct, id: string, name: string, options: DatasetImportOptions) {
    super(scope, id);
    if (typeof name !== 'string' || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > MAX_NAME) {
      invalid(this, 'name', name, `must be the name of a Fluid Dataset: a DNS-1035 label (lowercase letters, digits and '-', starting with a letter) of at most ${MAX_NAME} characters`);
    }
    checkDns1123Label(this, 'namespace', options.namespace);
    this.name = name;
    this.namespace = options.namespace ?? Chart.of(this).namespace;
    this.accessMode = options.accessMode ?? DatasetAccessMode.READ_ONLY_MANY;
    if (!Object.values(DatasetAccessMode).includes(this.accessMode)) {
      invalid(this, 'accessMode', this.accessMode, `must be one of ${Object.values(DatasetAccessMode).join(', ')}`);
    }
  }

  public get readOnly(): boolean {
    return this.accessMode === DatasetAccessMode.READ_ONLY_MANY;
  }

  public volume(readOnly?: boolean): PodVolume {
    return datasetVolume(this, readOnly);
  }

  public volumeMount(path: string, options: DatasetVolumeMountOptions = {}): PodVolumeMount {
    return datasetVolumeMount(this, path, options);
  }
}
