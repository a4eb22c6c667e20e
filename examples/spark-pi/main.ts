/**
 * The talk's pyspark-pi: a Python Spark application computing π on the Kubeflow Spark operator, in cluster mode,
 * retried up to 3 times 10 s apart, with a 1-core driver (limit 1200m, 512m heap) and one 1-core executor (512m).
 * The job also gets its driver's ServiceAccount with a least-privilege Role, and restricted pod security (uid 185).
 *
 *   npm run synth -- spark-pi
 */
import { App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu, ImagePullPolicy } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SparkApplicationType, SparkJob, SparkRestartPolicy } from '../../src';

export class SparkPiChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'spark-jobs', ...props });

    new SparkJob(this, 'pyspark-pi', {
      name: 'pyspark-pi',
      type: SparkApplicationType.PYTHON,
      sparkVersion: '3.1.1',
      image: 'gcr.io/spark-operator/spark-py:v3.1.1',
      imagePullPolicy: ImagePullPolicy.ALWAYS,
      mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
      restartPolicy: SparkRestartPolicy.onFailure({ retries: 3, retryInterval: Duration.seconds(10) }),
      driver: { cores: 1, coreLimit: Cpu.millis(1200), memory: Size.mebibytes(512) },
      executor: { cores: 1, instances: 1, memory: Size.mebibytes(512) },
    });
  }
}

const app = new App();
new SparkPiChart(app, 'spark-pi');
app.synth();
