import { Duration, Size } from 'cdk8s';
import { Cpu, EmptyDirMedium, ImagePullPolicy } from 'cdk8s-plus-28';
import {
  CronSchedule, PodVolume, SparkApplicationType, SparkBatchScheduler, SparkConcurrencyPolicy, SparkJob, SparkRun,
} from '../../../src';
import { Outcome, UpstreamCase } from '../harness';

const C = 'spark-operator';

/** What every Spark example of the operator shares: Spark 4.0.4's image, the chart's service account, one small executor. */
const common = {
  sparkVersion: '4.0.4',
  image: 'docker.io/apache/spark:4.0.4',
  imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
  serviceAccountName: 'spark-operator-spark',
  driver: { cores: 1, memory: Size.mebibytes(512) },
  executor: { instances: 1, cores: 1, memory: Size.mebibytes(512) },
};

const SCALA_PI = {
  type: SparkApplicationType.SCALA,
  mainClass: 'org.apache.spark.examples.SparkPi',
  mainApplicationFile: 'local:///opt/spark/examples/jars/spark-examples.jar',
};

export const SPARK_OPERATOR_CASES: UpstreamCase[] = [
  {
    component: C,
    file: 'examples/spark-pi.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new SparkJob(chart, 'spark-pi', {
      name: 'spark-pi',
      ...common,
      ...SCALA_PI,
      args: ['5000'],
      driver: { ...common.driver, podLabels: { version: '4.0.0' } },
      executor: { ...common.executor, podLabels: { version: '4.0.0' } },
    }),
  },
  {
    component: C,
    file: 'examples/spark-pi-python.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new SparkJob(chart, 'spark-pi-python', {
      name: 'spark-pi-python',
      ...common,
      type: SparkApplicationType.PYTHON,
      mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
    }),
  },
  {
    component: C,
    file: 'examples/spark-pi-ttl.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new SparkJob(chart, 'spark-pi-ttl', { name: 'spark-pi-ttl', ...common, ...SCALA_PI, timeToLive: Duration.seconds(30) }),
  },

  {
    component: C,
    file: 'examples/spark-pi-scheduled.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new SparkJob(chart, 'spark-pi-scheduled', {
      name: 'spark-pi-scheduled',
      ...common,
      ...SCALA_PI,
      run: SparkRun.scheduled({ schedule: CronSchedule.expression('@every 3m'), concurrencyPolicy: SparkConcurrencyPolicy.ALLOW }),
    }),
  },
  {
    component: C,
    file: 'examples/spark-pi-dynamic-allocation.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new SparkJob(chart, 'spark-pi-dynamic-allocation', {
      name: 'spark-pi-dynamic-allocation',
      ...common,
      ...SCALA_PI,
      dynamicAllocation: { initialExecutors: 2, maxExecutors: 5, minExecutors: 1 },
    }),
  },
  {
    component: C,
    file: 'examples/spark-pi-volcano.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new SparkJob(chart, 'spark-pi-volcano', {
      name: 'spark-pi-volcano', ...common, ...SCALA_PI, executor: { ...common.executor, instances: 2 }, batchScheduler: SparkBatchScheduler.volcano(),
    }),
  },
  {
    component: C,
    file: 'examples/spark-pi-custom-resource.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new SparkJob(chart, 'spark-pi-custom-resource', {
      name: 'spark-pi-custom-resource',
      ...common,
      ...SCALA_PI,
      driver: { coreRequest: Cpu.millis(500), coreLimit: Cpu.millis(800), memory: Size.mebibytes(512) },
      executor: { instances: 1, coreRequest: Cpu.millis(1200), coreLimit: Cpu.millis(1500), memory: Size.mebibytes(512) },
    }),
  },
  {
    component: C,
    file: 'examples/spark-pi-configmap.yaml',
    outcome: Outcome.EQUAL,
    build: chart => {
      const config = PodVolume.fromConfigMap('config-vol', 'test-configmap');
      const mounts = [{ volume: config, path: '/opt/spark/config' }];
      new SparkJob(chart, 'spark-pi-configmap', {
        name: 'spark-pi-configmap',
        ...common,
        ...SCALA_PI,
        driver: { ...common.driver, volumeMounts: mounts },
        executor: { ...common.executor, volumeMounts: mounts },
      });
    },
  },
  {
    component: C,
    file: 'examples/spark-pi-emptydir.yaml',
    outcome: Outcome.EQUAL,
    build: chart => {
      const local = PodVolume.fromEmptyDir('spark-local-dir-1', { medium: EmptyDirMedium.MEMORY, sizeLimit: Size.gibibytes(1) });
      const mounts = [{ volume: local, path: '/datadir' }];
      new SparkJob(chart, 'spark-pi', {
        name: 'spark-pi',
        ...common,
        ...SCALA_PI,
        args: ['5000'],
        driver: { ...common.driver, podLabels: { version: '4.0.0' }, volumeMounts: mounts },
        executor: { ...common.executor, podLabels: { version: '4.0.0' }, volumeMounts: mounts },
      });
    },
  },
];
