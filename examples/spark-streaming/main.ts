/**
 * A long-running Spark Structured Streaming application: it reads click events from Kafka and appends them to
 * Parquet in S3, checkpointing to S3 so that every restart resumes where it stopped. It is restarted whenever it ends
 * (restart policy Always, the streaming default), gang-scheduled by Volcano in the `streaming` queue, and exposes
 * Prometheus metrics through the JMX exporter baked into its image. S3 credentials come from a Secret.
 *
 *   npm run synth -- spark-streaming
 */
import { App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  EnvVarValue, SparkApplicationType, SparkBatchScheduler, SparkJob, SparkMonitoring, SparkRestartPolicy, SparkRun,
} from '../../src';

export class SparkStreamingChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'streaming', ...props });

    new SparkJob(this, 'clickstream', {
      name: 'clickstream-to-parquet',
      run: SparkRun.streaming(),
      restartPolicy: SparkRestartPolicy.always({ retryInterval: Duration.seconds(30), submissionRetryInterval: Duration.seconds(60) }),
      type: SparkApplicationType.PYTHON,
      sparkVersion: '3.5.5',
      image: 'ghcr.io/example/clickstream-etl:1.4.0',
      mainApplicationFile: 'local:///opt/app/clickstream_to_parquet.py',
      args: ['--brokers', 'kafka-bootstrap.kafka:9092', '--topic', 'clicks', '--output', 's3a://analytics-lake/clicks/'],
      deps: { packages: ['org.apache.spark:spark-sql-kafka-0-10_2.12:3.5.5'] },
      sparkConf: {
        'spark.sql.streaming.checkpointLocation': 's3a://analytics-lake/checkpoints/clickstream/',
        'spark.sql.shuffle.partitions': '48',
      },
      hadoopConf: {
        'fs.s3a.endpoint': 'https://s3.eu-central-1.amazonaws.com',
        'fs.s3a.aws.credentials.provider': 'com.amazonaws.auth.EnvironmentVariableCredentialsProvider',
      },
      env: {
        AWS_ACCESS_KEY_ID: EnvVarValue.fromSecretKey('analytics-lake-s3', 'access-key-id'),
        AWS_SECRET_ACCESS_KEY: EnvVarValue.fromSecretKey('analytics-lake-s3', 'secret-access-key'),
      },
      driver: { cores: 1, coreLimit: Cpu.millis(1500), memory: Size.gibibytes(2), memoryOverhead: Size.mebibytes(512) },
      executor: { instances: 4, cores: 2, memory: Size.gibibytes(4), memoryOverhead: Size.gibibytes(1) },
      batchScheduler: SparkBatchScheduler.volcano({ queue: 'streaming' }),
      monitoring: SparkMonitoring.prometheus({ jmxExporterJar: '/prometheus/jmx_prometheus_javaagent-0.11.0.jar' }),
    });

  }
}

const app = new App();
new SparkStreamingChart(app, 'spark-streaming');
app.synth();
