import { IConstruct } from 'constructs';
import { checkProps, Is } from '../core/checks';
import { checkInteger, invalid } from '../core/errors';

/** Port name the Spark operator gives the Prometheus JMX exporter port. */
export const SPARK_METRICS_PORT_NAME = 'jmx-exporter';
/** Ports Spark's own servers use in driver and executor pods (UI, driver RPC, block manager). */
const SPARK_PORTS = [4040, 7078, 7079];

/** Props of {@link SparkMonitoring.prometheus}. */
export interface SparkPrometheusOptions {
  /**
   * Path of the Prometheus JMX exporter java agent jar in the image, e.g.
   * `/prometheus/jmx_prometheus_javaagent-0.11.0.jar` (as in the Spark operator's `spark-docker` image).
   */
  readonly jmxExporterJar: string;
  /**
   * Port the exporter listens on (1024-49151).
   * @default 8090
   */
  readonly port?: number;
  /**
   * Path of the JMX exporter configuration in the image.
   * @default '/etc/metrics/conf/prometheus.yaml'
   */
  readonly configFile?: string;
  /**
   * Path of Spark's `metrics.properties` in the image.
   * @default '/etc/metrics/conf/metrics.properties'
   */
  readonly metricsPropertiesFile?: string;
  /**
   * Expose the driver's metrics.
   * @default true
   */
  readonly driverMetrics?: boolean;
  /**
   * Expose the executors' metrics.
   * @default true
   */
  readonly executorMetrics?: boolean;
}

/**
 * Prometheus monitoring of a Spark application through the JMX exporter java agent (`spec.monitoring`).
 *
 * The configuration files are read from the image: when the Spark operator has to generate them instead, it mounts
 * them through its pod webhook, which acts only in the namespaces listed in `spark.jobNamespaces` and would otherwise
 * leave the pods without them. The metrics port is declared in the pods' templates, and the operator adds the
 * `prometheus.io/scrape`, `prometheus.io/port` and `prometheus.io/path` annotations.
 */
export class SparkMonitoring {
  /** Name of the container port that exposes the Prometheus metrics (`jmx-exporter`). */
  public static readonly PORT_NAME = SPARK_METRICS_PORT_NAME;

  /** Exposes driver and executor metrics to Prometheus through the JMX exporter java agent. */
  public static prometheus(options: SparkPrometheusOptions): SparkMonitoring {
    return new SparkMonitoring(options);
  }

  /** Port the exporter listens on. */
  public readonly port: number;
  /** Whether the driver's metrics are exposed. */
  public readonly driverMetrics: boolean;
  /** Whether the executors' metrics are exposed. */
  public readonly executorMetrics: boolean;

  private readonly options: SparkPrometheusOptions;

  private constructor(options: SparkPrometheusOptions) {
    this.options = options ?? ({} as SparkPrometheusOptions);
    this.port = this.options.port ?? 8090;
    this.driverMetrics = this.options.driverMetrics ?? true;
    this.executorMetrics = this.options.executorMetrics ?? true;
  }

  /** @internal */
  public _render(scope: IConstruct, field: string): any {
    const o = this.options;
    checkProps(scope, o, {
      jmxExporterJar: Is.required(Is.string()),
      configFile: Is.string(),
      metricsPropertiesFile: Is.string(),
      driverMetrics: Is.boolean(),
      executorMetrics: Is.boolean(),
    }, `${field}.`, true);
    checkInteger(scope, `${field}.port`, this.port, 1024, 49151);
    if (SPARK_PORTS.includes(this.port)) {
      invalid(scope, `${field}.port`, this.port, `Spark itself listens on ${SPARK_PORTS.join(', ')} (UI, driver RPC, block manager); pick another port`);
    }
    const file = (name: string, value: string) => {
      if (!value.startsWith('/')) invalid(scope, `${field}.${name}`, value, 'must be an absolute path in the image');
      return value;
    };
    if (!this.driverMetrics && !this.executorMetrics) {
      invalid(scope, `${field}.driverMetrics`, false, 'expose the driver\'s or the executors\' metrics (or leave monitoring out)');
    }
    return {
      exposeDriverMetrics: this.driverMetrics,
      exposeExecutorMetrics: this.executorMetrics,
      metricsPropertiesFile: file('metricsPropertiesFile', o.metricsPropertiesFile ?? '/etc/metrics/conf/metrics.properties'),
      prometheus: {
        jmxExporterJar: file('jmxExporterJar', o.jmxExporterJar),
        port: this.port,
        configFile: file('configFile', o.configFile ?? '/etc/metrics/conf/prometheus.yaml'),
      },
    };
  }
}
