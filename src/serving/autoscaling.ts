import { IConstruct } from 'constructs';
import { DeploymentMode } from './kserve-config';
import { checkProps, Is } from '../core/checks';
import { checkInteger, invalid } from '../core/errors';

/** Which autoscaler scales an InferenceService component in Standard mode (`serving.kserve.io/autoscalerClass`). */
export enum AutoscalerClass {
  /** A HorizontalPodAutoscaler on CPU or memory (KServe's default). */
  HPA = 'hpa',
  /** A KEDA ScaledObject (resource, Prometheus/Graphite or OpenTelemetry metrics; can scale to zero on external metrics). */
  KEDA = 'keda',
  /** Scaling is left to something outside KServe. */
  EXTERNAL = 'external',
  /** No autoscaler: the Deployment runs `minReplicas` replicas. */
  NONE = 'none',
}

/** Options for {@link Autoscaling.kedaPrometheus}. */
export interface KedaPrometheusOptions {
  /** Prometheus server address, e.g. `http://prometheus.monitoring:9090`. */
  readonly serverAddress: string;
  /** PromQL query whose value is compared to the threshold. */
  readonly query: string;
  /** Target value of the query per replica, as a quantity (e.g. `"10"`, `"500m"`). */
  readonly threshold: string;
  /**
   * Namespace for namespaced queries.
   * @default - none
   */
  readonly namespace?: string;
}

type Kind = 'concurrency' | 'rps' | 'cpu' | 'memory' | 'keda-cpu' | 'keda-prometheus' | 'external' | 'none';

/**
 * How an InferenceService component scales: the metric and its target. Which choices are valid depends on
 * the deployment mode: Knative's autoscaler (KPA) scales on concurrency or requests per second; Standard mode
 * uses an HPA (CPU, memory) or KEDA.
 */
export class Autoscaling {
  /** Knative: target in-flight requests per replica. */
  public static concurrency(target: number): Autoscaling {
    return new Autoscaling('concurrency', target);
  }

  /** Knative: target requests per second per replica. */
  public static requestsPerSecond(target: number): Autoscaling {
    return new Autoscaling('rps', target);
  }

  /** Standard (HPA): target average CPU utilization in percent of the request (1-100). */
  public static cpuUtilization(percent: number): Autoscaling {
    return new Autoscaling('cpu', percent);
  }

  /** Standard (HPA): target average memory utilization in percent of the request (1-100). */
  public static memoryUtilization(percent: number): Autoscaling {
    return new Autoscaling('memory', percent);
  }

  /** Standard (KEDA): target average CPU utilization in percent of the request (1-100). */
  public static kedaCpuUtilization(percent: number): Autoscaling {
    return new Autoscaling('keda-cpu', percent);
  }

  /** Standard (KEDA): scale on a Prometheus query; KEDA can scale such components to zero. */
  public static kedaPrometheus(options: KedaPrometheusOptions): Autoscaling {
    return new Autoscaling('keda-prometheus', undefined, options);
  }

  /** Standard: KServe creates no autoscaler; something else scales the Deployment. */
  public static external(): Autoscaling {
    return new Autoscaling('external');
  }

  /** Standard: no autoscaler; the Deployment runs `minReplicas` replicas. */
  public static fixedReplicas(): Autoscaling {
    return new Autoscaling('none');
  }

  private constructor(private readonly kind: Kind, private readonly target?: number, private readonly prometheus?: KedaPrometheusOptions) {}

  /** The autoscaler class this choice needs in Standard mode (undefined in Knative). */
  public get autoscalerClass(): AutoscalerClass | undefined {
    switch (this.kind) {
      case 'cpu': case 'memory': return AutoscalerClass.HPA;
      case 'keda-cpu': case 'keda-prometheus': return AutoscalerClass.KEDA;
      case 'external': return AutoscalerClass.EXTERNAL;
      case 'none': return AutoscalerClass.NONE;
      default: return undefined;
    }
  }

  /** @internal Whether this choice can keep zero replicas running in Standard mode (KEDA on an external metric). */
  public get _scalesToZeroInStandard(): boolean {
    return this.kind === 'keda-prometheus';
  }

  /** @internal Whether the choice sets metric fields (not allowed on Standard canaries). */
  public get _setsMetric(): boolean {
    return this.kind !== 'external' && this.kind !== 'none';
  }

  /** @internal Component fields; validates the choice against the mode. */
  public _render(scope: IConstruct, field: string, mode: DeploymentMode): any {
    const knative = this.kind === 'concurrency' || this.kind === 'rps';
    if (mode === DeploymentMode.KNATIVE && !knative) {
      invalid(scope, field, this.describe(), 'Knative mode scales with the Knative Pod Autoscaler: use Autoscaling.concurrency() or Autoscaling.requestsPerSecond()');
    }
    if (mode === DeploymentMode.STANDARD && knative) {
      invalid(scope, field, this.describe(),
        'Standard mode has no request-based autoscaler: use Autoscaling.cpuUtilization(), memoryUtilization(), kedaCpuUtilization(), kedaPrometheus(), external() or fixedReplicas()');
    }
    if (this.target !== undefined) {
      const percent = this.kind === 'cpu' || this.kind === 'memory' || this.kind === 'keda-cpu';
      checkInteger(scope, `${field}.target`, this.target, 1, percent ? 100 : 2147483647);
    }
    switch (this.kind) {
      case 'concurrency': case 'rps': case 'cpu':
        return { scaleMetric: this.kind, scaleTarget: this.target };
      case 'memory':
        return { scaleMetric: 'memory', scaleMetricType: 'Utilization', scaleTarget: this.target };
      case 'keda-cpu':
        return { autoScaling: { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: this.target } } }] } };
      case 'keda-prometheus': {
        const p = this.prometheus!;
        checkProps(scope, p, { serverAddress: Is.required(Is.string()), query: Is.required(Is.string()), threshold: Is.required(Is.string()) }, `${field}.`, true);
        if (!p.query.trim()) invalid(scope, `${field}.query`, p.query, 'KEDA needs a non-empty query');
        if (!/^https?:\/\/\S+$/.test(p.serverAddress)) invalid(scope, `${field}.serverAddress`, p.serverAddress, "must be an 'http(s)://' address");
        if (!/^[0-9]+(\.[0-9]+)?(m|k|M|G|Ki|Mi|Gi)?$/.test(p.threshold)) invalid(scope, `${field}.threshold`, p.threshold, "must be a quantity such as '10' or '500m'");
        return {
          autoScaling: {
            metrics: [{
              type: 'External',
              external: {
                metric: { backend: 'prometheus', serverAddress: p.serverAddress, query: p.query, namespace: p.namespace },
                target: { type: 'Value', value: p.threshold },
              },
            }],
          },
        };
      }
      default:
        return {};
    }
  }

  private describe(): string {
    return `${this.kind}${this.target !== undefined ? `(${this.target})` : ''}`;
  }
}
