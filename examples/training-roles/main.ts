/**
 * Per-role pods on the Training Operator v1, re-expressing two of its official examples (kubeflow/trainer v1.9.4):
 *
 * - `examples/mpi/tensorflow-mnist.yaml`: a Horovod MPIJob whose launcher runs `mpirun` with 1 CPU and 2 GiB, and
 *   two workers with 2 CPUs and 4 GiB that run no command of their own (the launcher starts the ranks in them);
 * - `examples/xgboost/xgboostjob.yaml`: an XGBoostJob whose master (restart policy `Never`, with a model path) and two
 *   workers (restart policy `ExitCode`) listen on port 9991 and pull their `:1.1` image `Always`.
 *
 * Differences from upstream: pods meet the restricted Pod Security Standard (uid 1000, no privilege escalation, all
 * capabilities dropped; `--allow-run-as-root` is kept from upstream and harmless as non-root), CPU requests are
 * written beside the limits, the main containers carry the names the operator looks for (`mpi`, `xgboost`), the
 * replica restart policy is explicit (`OnFailure` for the MPI roles, the library's default), the MPI workers get a
 * memory-backed `/dev/shm` (the library's default for MPI), and the workers' `--xgboost_parameter` is written without
 * the literal double quotes upstream's worker (not its master) carries. A v1 MPIJob's
 * launcher gets the operator's `kubectl-delivery` init container, which has no security context: its namespace may
 * enforce at most the `baseline` Pod Security Standard.
 *
 *   npm run synth -- training-roles
 */
import { App, Chart, Size } from 'cdk8s';
import { Cpu, ImagePullPolicy } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CleanPodPolicy, DistributedTraining, ReplicaRestartPolicy, ReplicaRole, TrainingBackend, TrainingFramework } from '../../src';

export class TrainingRolesChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new DistributedTraining(this, 'tensorflow-mnist', {
      name: 'tensorflow-mnist',
      namespace: 'kubeflow',
      backend: TrainingBackend.trainingOperatorV1({ cleanPodPolicy: CleanPodPolicy.RUNNING }),
      framework: TrainingFramework.mpi({ slotsPerWorker: 1 }),
      image: 'horovod/horovod:0.20.0-tf2.3.0-torch1.6.0-mxnet1.5.0-py3.7-cpu',
      workers: 2,
      resourcesPerWorker: { cpu: Cpu.units(2), cpuLimit: Cpu.units(2), memory: Size.gibibytes(4) },
      roles: [{
        role: ReplicaRole.LAUNCHER,
        command: ['mpirun'],
        args: [
          '-np', '2', '--allow-run-as-root', '-bind-to', 'none', '-map-by', 'slot', '-x', 'LD_LIBRARY_PATH', '-x', 'PATH',
          '-mca', 'pml', 'ob1', '-mca', 'btl', '^openib', 'python', '/examples/tensorflow2_mnist.py',
        ],
        resources: { cpu: Cpu.units(1), cpuLimit: Cpu.units(1), memory: Size.gibibytes(2) },
      }],
    });

    const train = ['--job_type=Train', '--xgboost_parameter=objective:multi:softprob,num_class:3', '--n_estimators=10', '--learning_rate=0.1'];
    new DistributedTraining(this, 'xgboost-iris', {
      name: 'xgboost-dist-iris-test-train',
      backend: TrainingBackend.trainingOperatorV1(),
      framework: TrainingFramework.xgBoost(),
      image: 'docker.io/merlintang/xgboost-dist-iris:1.1',
      imagePullPolicy: ImagePullPolicy.ALWAYS,
      ports: [{ number: 9991, name: 'xgboostjob-port' }],
      workers: 3, // the master and two workers
      args: train,
      roles: [
        { role: ReplicaRole.MASTER, restartPolicy: ReplicaRestartPolicy.NEVER, args: [...train, '--model_path=/tmp/xgboost-model', '--model_storage_type=local'] },
        { role: ReplicaRole.WORKER, restartPolicy: ReplicaRestartPolicy.EXIT_CODE },
      ],
    });
  }
}

const app = new App();
new TrainingRolesChart(app, 'training-roles');
app.synth();
