import { IConstruct } from 'constructs';
import { check, checkProps, Is } from '../core/checks';
import { checkInteger, invalid } from '../core/errors';

/** Rendezvous backend of elastic PyTorch training. */
export enum RendezvousBackend {
  /** PyTorch's built-in TCP store (no extra service). */
  C10D = 'c10d',
  /** etcd (v3 API through the v2 protocol). */
  ETCD = 'etcd',
  /** etcd, v2 rendezvous. */
  ETCD_V2 = 'etcd-v2',
}

/** Elastic PyTorch training (torchrun's `--nnodes=min:max`): workers may join and leave. */
export interface PyTorchElasticOptions {
  /** Fewest workers the job runs with. */
  readonly minWorkers: number;
  /** Most workers the job scales to. */
  readonly maxWorkers: number;
  /**
   * How many times the workers may be restarted before the job fails.
   * @default - the operator's default
   */
  readonly maxRestarts?: number;
  /**
   * Rendezvous backend.
   * @default RendezvousBackend.C10D
   */
  readonly rendezvousBackend?: RendezvousBackend;
  /**
   * Rendezvous port.
   * @default - the operator's default (29400)
   */
  readonly rendezvousPort?: number;
  /**
   * Extra rendezvous settings (`--rdzv-conf`), e.g. `{ join_timeout: '600' }`.
   * @default {}
   */
  readonly rendezvousConfig?: { [key: string]: string };
}

/** Options of {@link TrainingFramework.pyTorch}. */
export interface PyTorchOptions {
  /**
   * Make the job elastic (Training Operator v1 only; Trainer v2 runtimes configure elasticity themselves).
   * @default - a fixed number of workers
   */
  readonly elastic?: PyTorchElasticOptions;
}

/** Options of {@link TrainingFramework.tensorFlow}. */
export interface TensorFlowOptions {
  /**
   * Parameter servers (`PS` replicas); 0 for all-reduce strategies such as MultiWorkerMirroredStrategy.
   * @default 0
   */
  readonly parameterServers?: number;
  /**
   * Add a `Chief` replica that coordinates training and writes checkpoints.
   * @default false
   */
  readonly chief?: boolean;
  /**
   * Add an `Evaluator` replica that evaluates checkpoints while training runs.
   * @default false
   */
  readonly evaluator?: boolean;
  /**
   * Add a `Master` replica (TensorFlow's older name of the chief; a TFJob has a Chief or a Master, not both).
   * @default false
   */
  readonly master?: boolean;
}

/** Options of {@link TrainingFramework.mpi}. */
export interface MpiOptions {
  /**
   * MPI slots (processes) per worker, written to the hostfile; usually the GPUs per worker. Required.
   * @default - none; an MPI job without slots is rejected
   */
  readonly slotsPerWorker?: number;
}

/** Options of {@link TrainingFramework.paddle}. */
export interface PaddleOptions {
  /**
   * Elastic scaling between a minimum and maximum number of workers.
   * @default - a fixed number of workers
   */
  readonly elastic?: PaddleElasticOptions;
  /**
   * Add a `Master` replica (the operator points `PADDLE_MASTER` at it instead of the first worker).
   * @default false
   */
  readonly master?: boolean;
}

/** Elastic PaddlePaddle training. */
export interface PaddleElasticOptions {
  /** Fewest workers. */
  readonly minWorkers: number;
  /** Most workers. */
  readonly maxWorkers: number;
}

/** @internal */
export interface FrameworkFacts {
  readonly id: string;
  /** Training Operator v1 kind, if the framework has one. */
  readonly v1Kind?: string;
  /** Field holding the replica specs in the v1 kind. */
  readonly v1ReplicaField?: string;
  /** Container name the v1 operator looks for. */
  readonly v1Container?: string;
  /** Built-in Trainer v2 runtime. */
  readonly v2Runtime?: string;
  /** Whether a memory-backed /dev/shm is added by default. */
  readonly sharedMemory: boolean;
  /** Whether processes per worker is meaningful. */
  readonly processes: boolean;
  /** Replica types of the Training Operator v1 kind. */
  readonly v1Roles?: string[];
}

/** One replica role of a Training Operator v1 job. @internal */
export interface V1ReplicaRole {
  /** Replica type, e.g. `Master`, `Worker`, `Launcher`. */
  readonly role: string;
  readonly replicas: number;
  /** Which pod template the role runs: the workers', the MPI launcher's, or the leader's (the first replica). */
  readonly template: 'worker' | 'launcher' | 'leader';
}

/** The replica layout of a Training Operator v1 job. @internal */
export interface V1Layout {
  readonly roles: V1ReplicaRole[];
  /** Spec fields beside the replica specs (`nprocPerNode`, `elasticPolicy`, `slotsPerWorker`). */
  readonly extra: { [key: string]: any };
}

/**
 * The training framework: decides the Training Operator v1 kind and replica layout, the main container's
 * name, and the default Trainer v2 runtime. Framework-specific options live here.
 */
export class TrainingFramework {
  /**
   * PyTorch DDP/FSDP with `torchrun`: v1 PyTorchJob (Master + Workers), v2 runtime `torch-distributed`.
   * Pods get a memory-backed `/dev/shm` by default (data loaders and NCCL need more than 64 MiB).
   */
  public static pyTorch(options: PyTorchOptions = {}): TrainingFramework {
    return new TrainingFramework({
      id: 'pytorch',
      v1Kind: 'PyTorchJob',
      v1ReplicaField: 'pytorchReplicaSpecs',
      v1Container: 'pytorch',
      v2Runtime: 'torch-distributed',
      sharedMemory: true,
      processes: true,
      v1Roles: ['Master', 'Worker'],
    }, options?.elastic);
  }

  /** TensorFlow distributed strategies: v1 TFJob (Chief/PS/Worker/Evaluator). No built-in Trainer v2 runtime. */
  public static tensorFlow(options: TensorFlowOptions = {}): TrainingFramework {
    return new TrainingFramework({
      id: 'tensorflow',
      v1Kind: 'TFJob',
      v1ReplicaField: 'tfReplicaSpecs',
      v1Container: 'tensorflow',
      sharedMemory: false,
      processes: false,
      v1Roles: ['Chief', 'Master', 'PS', 'Worker', 'Evaluator'],
    }, undefined, options);
  }

  /**
   * MPI (Horovod and similar): v1 MPIJob (Launcher + Workers). The launcher starts the ranks with `kubectl exec`
   * through its ServiceAccount (the operator creates `<job>-launcher` with `pods/exec` rights unless
   * `serviceAccountName` names another), so its token is mounted. The operator also adds a `kubectl-delivery` init
   * container without a security context to the launcher, which a namespace enforcing the restricted Pod Security
   * Standard rejects: run v1 MPIJobs in a namespace enforcing at most `baseline`.
   */
  public static mpi(options: MpiOptions = {}): TrainingFramework {
    return new TrainingFramework({
      id: 'mpi',
      v1Kind: 'MPIJob',
      v1ReplicaField: 'mpiReplicaSpecs',
      v1Container: 'mpi',
      sharedMemory: true,
      processes: false,
      v1Roles: ['Launcher', 'Worker'],
    }, undefined, undefined, options);
  }

  /** DeepSpeed over MPI: Trainer v2 runtime `deepspeed-distributed` (no Training Operator v1 kind). */
  public static deepSpeed(): TrainingFramework {
    return new TrainingFramework({ id: 'deepspeed', v2Runtime: 'deepspeed-distributed', sharedMemory: true, processes: true });
  }

  /** Apple MLX over MPI: Trainer v2 runtime `mlx-distributed` (no Training Operator v1 kind). */
  public static mlx(): TrainingFramework {
    return new TrainingFramework({ id: 'mlx', v2Runtime: 'mlx-distributed', sharedMemory: false, processes: true });
  }

  /** XGBoost (Rabit): v1 XGBoostJob (Master + Workers), v2 runtime `xgboost-distributed`. */
  public static xgBoost(): TrainingFramework {
    return new TrainingFramework({
      id: 'xgboost',
      v1Kind: 'XGBoostJob',
      v1ReplicaField: 'xgbReplicaSpecs',
      v1Container: 'xgboost',
      v2Runtime: 'xgboost-distributed',
      sharedMemory: false,
      processes: false,
      v1Roles: ['Master', 'Worker'],
    });
  }

  /** JAX multi-controller: v1 JAXJob (Workers), v2 runtime `jax-distributed`. */
  public static jax(): TrainingFramework {
    return new TrainingFramework({
      id: 'jax',
      v1Kind: 'JAXJob',
      v1ReplicaField: 'jaxReplicaSpecs',
      v1Container: 'jax',
      v2Runtime: 'jax-distributed',
      sharedMemory: true,
      processes: false,
      v1Roles: ['Worker'],
    });
  }

  /** PaddlePaddle collective training: v1 PaddleJob (Workers). No built-in Trainer v2 runtime. */
  public static paddle(options: PaddleOptions = {}): TrainingFramework {
    return new TrainingFramework({
      id: 'paddle',
      v1Kind: 'PaddleJob',
      v1ReplicaField: 'paddleReplicaSpecs',
      v1Container: 'paddle',
      sharedMemory: true,
      processes: false,
      v1Roles: ['Master', 'Worker'],
    }, undefined, undefined, undefined, options?.elastic, options?.master);
  }

  private constructor(
    private readonly facts: FrameworkFacts,
    private readonly elastic?: PyTorchElasticOptions,
    private readonly tf?: TensorFlowOptions,
    private readonly mpiOptions?: MpiOptions,
    private readonly paddleElastic?: PaddleElasticOptions,
    private readonly paddleMaster?: boolean,
  ) {}

  /** Whether a PaddleJob has a Master replica. @internal */
  public get _paddleMaster(): boolean | undefined {
    return this.paddleMaster;
  }

  /** @internal */
  public get _facts(): FrameworkFacts {
    return this.facts;
  }

  /** @internal */
  public get _elastic(): PyTorchElasticOptions | undefined {
    return this.elastic;
  }

  /** @internal */
  public get _tf(): TensorFlowOptions | undefined {
    return this.tf;
  }

  /** @internal */
  public get _mpi(): MpiOptions | undefined {
    return this.mpiOptions;
  }

  /** @internal */
  public get _paddleElastic(): PaddleElasticOptions | undefined {
    return this.paddleElastic;
  }

  /** Short name of the framework (`pytorch`, `tensorflow`, `mpi`, `deepspeed`, `mlx`, `xgboost`, `jax`, `paddle`). */
  public get name(): string {
    return this.facts.id;
  }

  /**
   * The Training Operator v1 replica layout for `workers` workers.
   * @internal
   */
  public _v1Layout(workers: number, processesPerWorker?: number): V1Layout {
    const role = (r: string, replicas: number, template: V1ReplicaRole['template'] = 'worker'): V1ReplicaRole => ({ role: r, replicas, template });
    const masterAndWorkers = () => [role('Master', 1, 'leader'), ...(workers > 1 ? [role('Worker', workers - 1)] : [])];
    const elastic = this.elastic;
    switch (this.facts.id) {
      case 'pytorch': {
        const nprocPerNode = processesPerWorker !== undefined ? String(processesPerWorker) : undefined;
        if (!elastic) return { roles: masterAndWorkers(), extra: { nprocPerNode } };
        return {
          roles: [role('Worker', workers)],
          extra: {
            elasticPolicy: {
              minReplicas: elastic.minWorkers,
              maxReplicas: elastic.maxWorkers,
              maxRestarts: elastic.maxRestarts,
              rdzvBackend: elastic.rendezvousBackend ?? 'c10d',
              rdzvPort: elastic.rendezvousPort,
              rdzvConf: elastic.rendezvousConfig ? Object.entries(elastic.rendezvousConfig).map(([key, value]) => ({ key, value })) : undefined,
            },
            nprocPerNode,
          },
        };
      }
      case 'tensorflow': {
        const tf = this.tf ?? {};
        return {
          roles: [
            ...(tf.chief ? [role('Chief', 1)] : []),
            ...(tf.master ? [role('Master', 1)] : []),
            ...(tf.parameterServers ? [role('PS', tf.parameterServers)] : []),
            role('Worker', workers),
            ...(tf.evaluator ? [role('Evaluator', 1)] : []),
          ],
          extra: {},
        };
      }
      case 'mpi':
        return { roles: [role('Launcher', 1, 'launcher'), role('Worker', workers)], extra: { slotsPerWorker: this.mpiOptions?.slotsPerWorker } };
      case 'xgboost':
        return { roles: masterAndWorkers(), extra: {} };
      default: // jax, paddle
        return {
          roles: [...(this.paddleMaster ? [role('Master', 1)] : []), role('Worker', workers)],
          extra: this.paddleElastic
            ? { elasticPolicy: { minReplicas: this.paddleElastic.minWorkers, maxReplicas: this.paddleElastic.maxWorkers } }
            : {},
        };
    }
  }

  /**
   * Rejects the options that exist only in the Training Operator v1 (Trainer v2 runtimes decide them).
   * @internal
   */
  public _checkTrainerV2(scope: IConstruct, field: string): void {
    const v1Only: Array<[string, unknown, string]> = [
      ['elastic', this.elastic ?? this.paddleElastic, 'elasticity is configured in the runtime\'s mlPolicy'],
      ['parameterServers', this.tf?.parameterServers, 'TensorFlow replica roles exist only in the Training Operator v1'],
      ['slotsPerWorker', this.mpiOptions?.slotsPerWorker, 'Trainer v2 MPI runtimes take processesPerWorker'],
      ['chief', this.tf?.chief || undefined, 'TensorFlow replica roles exist only in the Training Operator v1'],
      ['master', this.tf?.master || this.paddleMaster || undefined, 'replica roles other than the runtime\'s jobs exist only in the Training Operator v1'],
    ];
    for (const [f, value, why] of v1Only) {
      if (value !== undefined) invalid(scope, `${field}.${f}`, value, `exists only in the Training Operator v1 (TrainingBackend.trainingOperatorV1()); ${why}`);
    }
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    const INT32 = 2147483647;
    const e = this._elastic;
    if (e !== undefined) {
      checkProps(scope, e, {
        minWorkers: Is.required(Is.integer(1, INT32)),
        maxWorkers: Is.required(Is.integer(1, INT32)),
        maxRestarts: Is.integer(0, INT32),
        rendezvousBackend: Is.enumOf(RendezvousBackend, 'RendezvousBackend'),
        rendezvousConfig: Is.mapOf(Is.string()),
      }, `${field}.elastic.`, true);
    }
    if (this._paddleElastic !== undefined) {
      checkProps(scope, this._paddleElastic, { minWorkers: Is.required(Is.integer(1, INT32)), maxWorkers: Is.required(Is.integer(1, INT32)) }, `${field}.elastic.`, true);
    }
    if (this._tf !== undefined) {
      checkProps(scope, this._tf, {
        parameterServers: Is.integer(0, INT32), chief: Is.boolean(), evaluator: Is.boolean(), master: Is.boolean(),
      }, `${field}.`, true);
      if (this._tf.chief && this._tf.master) {
        invalid(scope, `${field}.master`, true, 'a TFJob has a Chief or a Master replica, not both (the operator treats both as the chief)');
      }
    }
    if (this.paddleMaster !== undefined) check(scope, `${field}.master`, this.paddleMaster, Is.boolean());
    if (this._mpi !== undefined) checkProps(scope, this._mpi, { slotsPerWorker: Is.integer(1, INT32) }, `${field}.`, true);
    if (e) {
      checkInteger(scope, `${field}.elastic.minWorkers`, e.minWorkers, 1);
      checkInteger(scope, `${field}.elastic.maxWorkers`, e.maxWorkers, 1);
      if (e.minWorkers > e.maxWorkers) {
        invalid(scope, `${field}.elastic.minWorkers`, e.minWorkers, `must not exceed maxWorkers (${e.maxWorkers})`);
      }
      checkInteger(scope, `${field}.elastic.maxRestarts`, e.maxRestarts, 0);
      checkInteger(scope, `${field}.elastic.rendezvousPort`, e.rendezvousPort, 1, 65535);
    }
    const p = this._paddleElastic;
    if (p) {
      checkInteger(scope, `${field}.elastic.minWorkers`, p.minWorkers, 1);
      checkInteger(scope, `${field}.elastic.maxWorkers`, p.maxWorkers, 1);
      if (p.minWorkers > p.maxWorkers) {
        invalid(scope, `${field}.elastic.minWorkers`, p.minWorkers, `must not exceed maxWorkers (${p.maxWorkers})`);
      }
    }
    checkInteger(scope, `${field}.parameterServers`, this._tf?.parameterServers, 0);
    if (this._mpi) {
      if (this._mpi.slotsPerWorker === undefined) {
        invalid(scope, `${field}.slotsPerWorker`, undefined, 'an MPI job needs the MPI slots (processes) per worker, usually the GPUs per worker');
      }
      checkInteger(scope, `${field}.slotsPerWorker`, this._mpi.slotsPerWorker, 1);
    }
  }
}
