import { Size } from 'cdk8s';
import { Cpu, ImagePullPolicy } from 'cdk8s-plus-28';
import {
  Accelerator, CleanPodPolicy, DistributedTraining, ReplicaRestartPolicy, ReplicaRole, TrainingBackend, TrainingFramework,
} from '../../../src';
import { Outcome, UpstreamCase } from '../harness';

const C = 'training-operator';
const V1 = (restartPolicy?: ReplicaRestartPolicy) => TrainingBackend.trainingOperatorV1({ restartPolicy });

export const TRAINING_OPERATOR_CASES: UpstreamCase[] = [
  {
    component: C,
    file: 'examples/pytorch/simple.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new DistributedTraining(chart, 'pytorch-simple', {
      name: 'pytorch-simple',
      backend: V1(ReplicaRestartPolicy.ON_FAILURE),
      framework: TrainingFramework.pyTorch(),
      image: 'docker.io/kubeflowkatib/pytorch-mnist:v1beta1-45c5727',
      imagePullPolicy: ImagePullPolicy.ALWAYS,
      command: ['python3', '/opt/pytorch-mnist/mnist.py', '--epochs=1'],
      workers: 2,
      sharedMemory: false,
    }),
  },
  {
    component: C,
    file: 'examples/tensorflow/simple.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new DistributedTraining(chart, 'tfjob-simple', {
      name: 'tfjob-simple',
      backend: V1(ReplicaRestartPolicy.ON_FAILURE),
      framework: TrainingFramework.tensorFlow(),
      image: 'ghcr.io/kubeflow/training-v1/tf-mnist-with-summaries:latest',
      command: ['python', '/var/tf_mnist/mnist_with_summaries.py'],
      workers: 2,
      sharedMemory: false,
    }),
  },
  {
    component: C,
    file: 'examples/paddlepaddle/simple-cpu.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new DistributedTraining(chart, 'paddle-simple-cpu', {
      name: 'paddle-simple-cpu',
      backend: V1(ReplicaRestartPolicy.ON_FAILURE),
      framework: TrainingFramework.paddle(),
      image: 'registry.baidubce.com/paddlepaddle/paddle:2.4.0rc0-cpu',
      imagePullPolicy: ImagePullPolicy.ALWAYS,
      command: ['python'],
      args: ['-m', 'paddle.distributed.launch', 'run_check'],
      ports: [{ number: 37777, name: 'master' }],
      workers: 2,
      sharedMemory: false,
    }),
  },

  {
    component: C,
    file: 'examples/jax/cpu-demo/demo.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new DistributedTraining(chart, 'jaxjob-simple', {
      name: 'jaxjob-simple',
      backend: V1(ReplicaRestartPolicy.ON_FAILURE),
      framework: TrainingFramework.jax(),
      image: 'ghcr.io/kubeflow/training-v1/jaxjob-simple:latest',
      imagePullPolicy: ImagePullPolicy.ALWAYS,
      command: ['python3', 'train.py'],
      workers: 2,
      sharedMemory: false,
    }),
  },
  {
    component: C,
    file: 'examples/xgboost/xgboostjob.yaml',
    outcome: Outcome.EQUAL,
    build: chart => {
      const train = ['--job_type=Train', '--xgboost_parameter=objective:multi:softprob,num_class:3', '--n_estimators=10', '--learning_rate=0.1'];
      new DistributedTraining(chart, 'xgboost', {
        name: 'xgboost-dist-iris-test-train',
        backend: V1(),
        framework: TrainingFramework.xgBoost(),
        image: 'ghcr.io/kubeflow/training-v1/xgboost-dist-iris:latest',
        imagePullPolicy: ImagePullPolicy.ALWAYS,
        ports: [{ number: 9991, name: 'xgboostjob-port' }],
        workers: 3,
        args: train,
        roles: [
          { role: ReplicaRole.MASTER, restartPolicy: ReplicaRestartPolicy.NEVER, args: [...train, '--model_path=/tmp/xgboost-model', '--model_storage_type=local'] },
          // upstream's workers (not its master) quote the parameters; the quotes reach the program as part of the value
          {
            role: ReplicaRole.WORKER,
            restartPolicy: ReplicaRestartPolicy.EXIT_CODE,
            args: ['--job_type=Train', '--xgboost_parameter="objective:multi:softprob,num_class:3"', '--n_estimators=10', '--learning_rate=0.1'],
          },
        ],
      });
    },
  },
  {
    component: C,
    file: 'examples/mpi/tensorflow-mnist.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new DistributedTraining(chart, 'tensorflow-mnist', {
      name: 'tensorflow-mnist',
      // upstream leaves the replicas' restart policy to the MPIJob default (Never); the library's own default is OnFailure
      backend: TrainingBackend.trainingOperatorV1({ cleanPodPolicy: CleanPodPolicy.RUNNING, restartPolicy: ReplicaRestartPolicy.NEVER }),
      framework: TrainingFramework.mpi({ slotsPerWorker: 1 }),
      image: 'horovod/horovod:0.28.1',
      workers: 2,
      sharedMemory: false,
      resourcesPerWorker: { cpuLimit: Cpu.units(2), memoryLimit: Size.gibibytes(4) },
      roles: [{
        role: ReplicaRole.LAUNCHER,
        command: ['mpirun'],
        args: [
          '-np', '2', '--allow-run-as-root', '-bind-to', 'none', '-map-by', 'slot', '-x', 'LD_LIBRARY_PATH', '-x', 'PATH',
          '-mca', 'pml', 'ob1', '-mca', 'btl', '^openib', 'python', '/horovod/examples/tensorflow2/tensorflow2_mnist.py',
        ],
        resources: { cpuLimit: Cpu.units(1), memoryLimit: Size.gibibytes(2) },
      }],
    }),
  },

  {
    component: C,
    file: 'examples/pytorch/mnist/v1/pytorch_job_mnist_gloo.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new DistributedTraining(chart, 'pytorch-dist-mnist-gloo', {
      name: 'pytorch-dist-mnist-gloo',
      backend: V1(ReplicaRestartPolicy.ON_FAILURE),
      framework: TrainingFramework.pyTorch(),
      image: 'ghcr.io/kubeflow/training-v1/pytorch-dist-mnist:latest',
      args: ['--backend', 'gloo'],
      workers: 2,
      resourcesPerWorker: { accelerator: Accelerator.nvidia({ count: 1 }) },
      sharedMemory: false,
    }),
  },
  {
    component: C,
    file: 'examples/tensorflow/dist-mnist/tf_job_mnist.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new DistributedTraining(chart, 'dist-mnist-for-e2e-test', {
      name: 'dist-mnist-for-e2e-test',
      backend: V1(ReplicaRestartPolicy.NEVER),
      framework: TrainingFramework.tensorFlow({ chief: true, parameterServers: 1 }),
      image: 'ghcr.io/kubeflow/training-v1/tf-dist-mnist-test:latest',
      workers: 2,
    }),
  },
];
