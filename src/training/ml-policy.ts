import { IConstruct } from 'constructs';
import { checkInteger, invalid } from '../core/errors';

/** MPI implementation a Kubeflow Trainer v2.3.0 runtime writes the hostfile for. */
export enum MpiImplementation {
  /**
   * Open MPI. The only value the pinned `TrainingRuntime` CRD accepts (its enum is `OpenMPI`; the Go API also
   * names Intel MPI and MPICH, which the API server rejects).
   */
  OPEN_MPI = 'OpenMPI',
}

/** A replicated job whose extra containers also get the `PET_*` variables (torch `envInjection.targets[]`). */
export interface EnvInjectionTarget {
  /** Name of the replicated job (e.g. `node`, or an initializer job). */
  readonly jobName: string;
  /** Containers of that job's pods (1 to 8, never the main `node` container, which always gets them). */
  readonly containerNames: string[];
}

/** Options of {@link MlPolicy.torch}. */
export interface TorchPolicyOptions {
  /**
   * Containers besides the main `node` container that receive the `PET_*` (torchrun) environment.
   * @default - only the `node` container
   */
  readonly envInjection?: EnvInjectionTarget[];
}

/** Options of {@link MlPolicy.mpi}. */
export interface MpiPolicyOptions {
  /**
   * Processes (hostfile slots) per node.
   * @default 1
   */
  readonly numProcPerNode?: number;
  /**
   * MPI implementation.
   * @default MpiImplementation.OPEN_MPI
   */
  readonly mpiImplementation?: MpiImplementation;
  /**
   * Where Trainer mounts the generated SSH keys; must be the home of the (non-root) user the image runs sshd as.
   * @default '/home/mpiuser/.ssh' (the upstream runtimes' non-root user; the CRD's default `/root/.ssh` needs root)
   */
  readonly sshAuthMountPath?: string;
  /**
   * Run training processes on the launcher too (it counts as one of the nodes).
   * @default true (as the upstream DeepSpeed and MLX runtimes)
   */
  readonly runLauncherAsNode?: boolean;
}

/** Options of {@link MlPolicy.flux}. */
export interface FluxPolicyOptions {
  /**
   * Processes per node.
   * @default 1
   */
  readonly numProcPerNode?: number;
}

/**
 * The framework-specific part of a Kubeflow Trainer v2 runtime's `mlPolicy`: exactly one of torch, MPI, JAX,
 * XGBoost or Flux (the CRD allows at most one; a class with one factory per framework makes two impossible).
 */
export class MlPolicy {
  /** PyTorch (`torchrun`): Trainer sets the `PET_*` rendezvous variables in the `node` container. */
  public static torch(options: TorchPolicyOptions = {}): MlPolicy {
    return new MlPolicy('torch', 'torch', options);
  }

  /**
   * MPI (e.g. DeepSpeed, MLX, Horovod): a `launcher` job runs `mpirun` against `node` pods running sshd; Trainer
   * generates the hostfile and SSH keys.
   */
  public static mpi(options: MpiPolicyOptions = {}): MlPolicy {
    return new MlPolicy('mpi', 'mpi', options);
  }

  /** JAX multi-controller: Trainer sets the coordinator address and process ids. */
  public static jax(): MlPolicy {
    return new MlPolicy('jax', 'jax', {});
  }

  /** XGBoost (Rabit/Collective): workers per node follow the GPUs per node (one on CPU). */
  public static xgBoost(): MlPolicy {
    return new MlPolicy('xgboost', 'xgboost', {});
  }

  /** Flux Framework (HPC workloads). */
  public static flux(options: FluxPolicyOptions = {}): MlPolicy {
    return new MlPolicy('flux', 'flux', options);
  }

  private constructor(
    /** Key of the policy in `mlPolicy` (`torch`, `mpi`, `jax`, `xgboost`, `flux`). */
    public readonly kind: string,
    /** Default `trainer.kubeflow.org/framework` label of a runtime with this policy. */
    public readonly defaultFrameworkLabel: string,
    private readonly options: TorchPolicyOptions & MpiPolicyOptions & FluxPolicyOptions,
  ) {
    this.options = options ?? {};
  }

  /** Whether this is the MPI policy (the runtime then has `node` and `launcher` jobs). */
  public get isMpi(): boolean {
    return this.kind === 'mpi';
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string, jobs: Map<string, string[]>): void {
    const o = this.options;
    if (this.kind === 'flux' && o.numProcPerNode !== undefined && !(o.numProcPerNode >= 1)) {
      // CEL: NumProcPerNode in fluxPolicy must be >= 1
      invalid(scope, `${field}.flux.numProcPerNode`, o.numProcPerNode, 'NumProcPerNode in fluxPolicy must be >= 1');
    }
    checkInteger(scope, `${field}.${this.kind}.numProcPerNode`, o.numProcPerNode, 1, 2147483647);
    if (o.sshAuthMountPath !== undefined && (!o.sshAuthMountPath.startsWith('/') || o.sshAuthMountPath.length > 4096)) {
      invalid(scope, `${field}.mpi.sshAuthMountPath`, o.sshAuthMountPath, 'must be an absolute path of at most 4096 characters');
    }
    const targets = o.envInjection ?? [];
    const where = `${field}.torch.envInjection`;
    if (targets.length > 16) invalid(scope, where, targets.length, 'at most 16 targets');
    const seen = new Set<string>();
    targets.forEach((t, i) => {
      if (seen.has(t.jobName)) invalid(scope, `${where}[${i}].jobName`, t.jobName, 'each job may be targeted once');
      seen.add(t.jobName);
      const containers = jobs.get(t.jobName);
      if (!containers) invalid(scope, `${where}[${i}].jobName`, t.jobName, `the runtime's replicated jobs are ${[...jobs.keys()].map(j => `'${j}'`).join(', ')}`);
      if (t.containerNames.length < 1 || t.containerNames.length > 8) {
        invalid(scope, `${where}[${i}].containerNames`, t.containerNames, 'must list 1 to 8 containers');
      }
      t.containerNames.forEach((c, ci) => {
        if (c === 'node') {
          // CEL: !self.exists(c, c == 'node')
          invalid(scope, `${where}[${i}].containerNames[${ci}]`, c,
            'containerNames must not include the main node container because PET_* envs are always injected into it');
        }
        if (!containers.includes(c)) invalid(scope, `${where}[${i}].containerNames[${ci}]`, c, `job '${t.jobName}' has the containers ${containers.map(n => `'${n}'`).join(', ')}`);
      });
    });
  }

  /** @internal */
  public _render(): any {
    const o = this.options;
    switch (this.kind) {
      case 'torch':
        if (!o.envInjection?.length) return {};
        return { envInjection: { targets: o.envInjection.map(t => ({ jobName: t.jobName, containerNames: t.containerNames })) } };
      case 'mpi':
        return {
          numProcPerNode: o.numProcPerNode ?? 1,
          mpiImplementation: o.mpiImplementation ?? MpiImplementation.OPEN_MPI,
          sshAuthMountPath: o.sshAuthMountPath ?? '/home/mpiuser/.ssh',
          runLauncherAsNode: o.runLauncherAsNode ?? true,
        };
      case 'flux':
        return { numProcPerNode: o.numProcPerNode };
      default:
        return {};
    }
  }
}
