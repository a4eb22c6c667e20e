import { Size } from 'cdk8s';
import { ImagePullPolicy } from 'cdk8s-plus-28';
import { Duration } from 'cdk8s';
import { SparkApplicationType, SparkJob } from '../../../src';
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
      name: 'spark-pi', ...common, ...SCALA_PI, args: ['5000'],
      driver: { ...common.driver, podLabels: { version: '4.0.0' } },
      executor: { ...common.executor, podLabels: { version: '4.0.0' } },
    }),
  },
  {
    component: C,
    file: 'examples/spark-pi-python.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new SparkJob(chart, 'spark-pi-python', {
      name: 'spark-pi-python', ...common, type: SparkApplicationType.PYTHON,
      mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
    }),
  },
  {
    component: C,
    file: 'examples/spark-pi-ttl.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new SparkJob(chart, 'spark-pi-ttl', { name: 'spark-pi-ttl', ...common, ...SCALA_PI, timeToLive: Duration.seconds(30) }),
  },
];
