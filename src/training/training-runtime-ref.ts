import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { upstreamPin } from '../core/versions';

/** Kind of a Kubeflow Trainer v2 runtime. */
export enum TrainingRuntimeKind {
  /** Cluster-scoped runtime, usable from every namespace. */
  CLUSTER_TRAINING_RUNTIME = 'ClusterTrainingRuntime',
  /** Namespaced runtime, usable only from its namespace. */
  TRAINING_RUNTIME = 'TrainingRuntime',
}

/** A replicated job of a runtime and the containers of its pods. @internal */
export interface RuntimeJobLayout {
  readonly name: string;
  readonly containers: string[];
  /** `trainer.kubeflow.org/trainjob-ancestor-step` of the job, if any. */
  readonly ancestor?: string;
}

/** What this library knows about a runtime's shape. @internal */
export interface RuntimeLayout {
  readonly jobs: RuntimeJobLayout[];
  /** `trainer.kubeflow.org/framework` label. */
  readonly framework: string;
}

const NODE: RuntimeJobLayout = { name: 'node', containers: ['node'], ancestor: 'trainer' };
const MPI_LAYOUT: RuntimeJobLayout[] = [NODE, { name: 'launcher', containers: ['node'] }];
const TORCHTUNE: RuntimeJobLayout[] = [
  { name: 'dataset-initializer', containers: ['dataset-initializer'], ancestor: 'dataset-initializer' },
  { name: 'model-initializer', containers: ['model-initializer'], ancestor: 'model-initializer' },
  NODE,
];

/**
 * The ClusterTrainingRuntimes Kubeflow Trainer v2.3.0 installs (`manifests/base/runtimes`, overlay `runtimes`).
 * @internal
 */
export const BUILT_IN_RUNTIMES: Record<string, RuntimeLayout> = {
  'torch-distributed': { jobs: [NODE], framework: 'torch' },
  'deepspeed-distributed': { jobs: MPI_LAYOUT, framework: 'deepspeed' },
  'mlx-distributed': { jobs: MPI_LAYOUT, framework: 'mlx' },
  'jax-distributed': { jobs: [NODE], framework: 'jax' },
  'xgboost-distributed': { jobs: [NODE], framework: 'xgboost' },
  'torchtune-llama3.2-1b': { jobs: TORCHTUNE, framework: 'torchtune' },
  'torchtune-llama3.2-3b': { jobs: TORCHTUNE, framework: 'torchtune' },
  'torchtune-qwen2.5-1.5b': { jobs: TORCHTUNE, framework: 'torchtune' },
};

/**
 * A Kubeflow Trainer v2 runtime a TrainJob can run on (`TrainingBackend.trainerV2({ runtime })`): a
 * `TrainingRuntime` or `ClusterTrainingRuntime` of this app, or a reference from {@link TrainingRuntimeRef}
 * (built-in, or installed separately).
 */
export interface ITrainingRuntime {
  /** Name of the runtime. */
  readonly runtimeName: string;
  /** Kind of the runtime. */
  readonly runtimeKind: TrainingRuntimeKind;
  /** Namespace of a namespaced runtime, when known. */
  readonly runtimeNamespace?: string;
  /** Names of the runtime's replicated jobs. */
  readonly replicatedJobNames: string[];
  /** Framework label of the runtime (`torch`, `deepspeed`, `jax`, ...). */
  readonly frameworkLabel: string;
}

/**
 * References to Kubeflow Trainer v2 runtimes not defined in this app: the built-in ClusterTrainingRuntimes and
 * runtimes installed separately. A `TrainingRuntime` or `ClusterTrainingRuntime` of this app is passed as it is.
 */
export class TrainingRuntimeRef implements ITrainingRuntime {
  /**
   * A ClusterTrainingRuntime that Kubeflow Trainer v2.3.0 installs: `torch-distributed`, `deepspeed-distributed`,
   * `mlx-distributed`, `jax-distributed`, `xgboost-distributed`, `torchtune-llama3.2-1b`, `torchtune-llama3.2-3b`,
   * `torchtune-qwen2.5-1.5b`. Other names are rejected at synth time.
   */
  public static builtIn(name: string): TrainingRuntimeRef {
    return new TrainingRuntimeRef(name, TrainingRuntimeKind.CLUSTER_TRAINING_RUNTIME, BUILT_IN_RUNTIMES[name], true);
  }

  /** A ClusterTrainingRuntime installed outside this app (its shape is unknown, so only the `node` job is patched). */
  public static clusterRuntime(name: string): TrainingRuntimeRef {
    return new TrainingRuntimeRef(name, TrainingRuntimeKind.CLUSTER_TRAINING_RUNTIME, { jobs: [NODE], framework: 'torch' });
  }

  /** A TrainingRuntime in the TrainJob's namespace, installed outside this app (only the `node` job is patched). */
  public static namespacedRuntime(name: string): TrainingRuntimeRef {
    return new TrainingRuntimeRef(name, TrainingRuntimeKind.TRAINING_RUNTIME, { jobs: [NODE], framework: 'torch' });
  }

  /** Names of the built-in runtimes of the pinned Kubeflow Trainer version. */
  public static builtInNames(): string[] {
    return Object.keys(BUILT_IN_RUNTIMES);
  }

  /**
   * The reference of any runtime: a TrainingRuntimeRef as it is; a runtime defined in this app (or another
   * ITrainingRuntime) with the shape it declares.
   * @internal
   */
  public static _of(runtime: ITrainingRuntime): TrainingRuntimeRef {
    if (runtime instanceof TrainingRuntimeRef) return runtime;
    return new TrainingRuntimeRef(runtime.runtimeName, runtime.runtimeKind, {
      // the trainer's and the MPI launcher's container is `node`; initializer containers are named like their jobs
      jobs: runtime.replicatedJobNames.map(n => (n === 'node' ? NODE : { name: n, containers: [n === 'launcher' ? 'node' : n] })),
      framework: runtime.frameworkLabel,
    }, false, runtime);
  }

  /** Always undefined: a reference does not know the namespace (a TrainingRuntime is looked up in the TrainJob's). */
  public readonly runtimeNamespace?: string = undefined;

  private constructor(
    /** Name of the runtime. */
    public readonly runtimeName: string,
    /** Kind of the runtime. */
    public readonly runtimeKind: TrainingRuntimeKind,
    private readonly layout: RuntimeLayout | undefined,
    /** Whether this names a built-in runtime. */
    public readonly isBuiltIn: boolean = false,
    private readonly source?: ITrainingRuntime,
  ) {}

  /** Names of the runtime's replicated jobs (as far as known: `node` for a runtime installed separately). */
  public get replicatedJobNames(): string[] {
    return this._layout.jobs.map(j => j.name);
  }

  /** Framework label of the runtime (as far as known). */
  public get frameworkLabel(): string {
    return this._layout.framework;
  }

  /** The runtime defined in this app (or given as an ITrainingRuntime) this reference was made from. @internal */
  public get _source(): ITrainingRuntime | undefined {
    return this.source;
  }

  /** @internal */
  public get _layout(): RuntimeLayout {
    return this.layout ?? { jobs: [NODE], framework: 'torch' };
  }

  /** Whether the runtime is a torchtune fine-tuning runtime. */
  public get isTorchTune(): boolean {
    return this._layout.framework === 'torchtune';
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    if (this.isBuiltIn && !this.layout) {
      invalid(scope, field, this.runtimeName, `Kubeflow Trainer ${upstreamPin('trainer').version} installs the ClusterTrainingRuntimes `
        + `${TrainingRuntimeRef.builtInNames().map(n => `'${n}'`).join(', ')}; use TrainingRuntimeRef.clusterRuntime() for one installed separately`);
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(this.runtimeName) || this.runtimeName.length > 253) {
      invalid(scope, field, this.runtimeName, 'runtime names are DNS-1123 subdomains');
    }
  }

  /** @internal */
  public _render(): any {
    return { name: this.runtimeName, apiGroup: 'trainer.kubeflow.org', kind: this.runtimeKind };
  }
}
