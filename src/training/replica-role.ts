import { ReplicaRestartPolicy } from './training-backend';
import { ContainerPortSpec } from '../core/container';
import { EnvVarValue } from '../core/env';
import { INodePool } from '../core/node-pool';
import { ComputeResources } from '../core/resources';

/**
 * A replica role of a distributed training job. The Training Operator v1 kinds have these roles (v1.9.4):
 * PyTorchJob `Master`, `Worker`; TFJob `Chief`, `Master`, `PS`, `Worker`, `Evaluator`; MPIJob `Launcher`, `Worker`;
 * XGBoostJob `Master`, `Worker`; PaddleJob `Master`, `Worker`; JAXJob `Worker`. A Trainer v2 TrainJob's roles are
 * its runtime's replicated jobs: `WORKER` is the `node` job, `LAUNCHER` the `launcher` job of MPI runtimes.
 */
export enum ReplicaRole {
  /** `Master`: rank 0 of PyTorchJob and XGBoostJob (the first worker), a PaddleJob or TFJob master replica. */
  MASTER = 'Master',
  /** `Worker`: the workers (Trainer v2: the `node` replicated job). */
  WORKER = 'Worker',
  /** `Launcher`: the MPIJob pod that runs `mpirun` (Trainer v2: the `launcher` replicated job of MPI runtimes). */
  LAUNCHER = 'Launcher',
  /** `Chief`: the TFJob replica that coordinates training and writes checkpoints. */
  CHIEF = 'Chief',
  /** `PS`: TFJob parameter servers. */
  PARAMETER_SERVER = 'PS',
  /** `Evaluator`: the TFJob replica that evaluates checkpoints while training runs. */
  EVALUATOR = 'Evaluator',
}

/**
 * What one replica role changes in the shared worker spec of a {@link DistributedTraining}: the role's pods run the
 * job's image, mounts, security and pod options, with these settings on top. With the Training Operator v1 every
 * field applies; a Trainer v2.3.0 TrainJob can change only `env` per replicated job (`runtimePatches`), the rest
 * belongs to the runtime.
 */
export interface ReplicaRoleOptions {
  /** The role changed; it must be one of the job's roles (e.g. `LAUNCHER` only for MPI, `CHIEF` only for a TFJob with a chief). */
  readonly role: ReplicaRole;
  /**
   * Entrypoint of the role's training container.
   * @default - the job's `command`
   */
  readonly command?: string[];
  /**
   * Arguments of the role's training container.
   * @default - the job's `args`
   */
  readonly args?: string[];
  /**
   * Environment added to the job's `env` (a role's variable replaces the job's of the same name; Trainer v2: names
   * must differ from the job's `env`, which the TrainJob applies to the trainer's job itself).
   * @default {}
   */
  readonly env?: { [name: string]: EnvVarValue };
  /**
   * CPU, memory and accelerators of each of the role's pods, replacing `resourcesPerWorker`.
   * @default - `resourcesPerWorker` (the MPI launcher: `resourcesPerWorker` without accelerators)
   */
  readonly resources?: ComputeResources;
  /**
   * Restart policy of the role's replicas (`replicaSpecs.<Role>.restartPolicy`).
   * @default - the backend's `restartPolicy`
   */
  readonly restartPolicy?: ReplicaRestartPolicy;
  /**
   * Ports of the role's training container, replacing the job's `ports`.
   * @default - the job's `ports`
   */
  readonly ports?: ContainerPortSpec[];
  /**
   * Node pool of the role's pods.
   * @default - the job's `pool` when the role requests accelerators or the workers request none; otherwise no pool
   * (a CPU-only role of a GPU job, such as the MPI launcher, runs on the cluster's general nodes, without the GPU
   * pool's node selector and tolerations)
   */
  readonly pool?: INodePool;
}
