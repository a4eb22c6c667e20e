import { IConstruct } from 'constructs';
import { ContainerSpec } from '../core/container';
import { checkInteger, invalid } from '../core/errors';
import { PodTemplate } from '../core/pod-template';

/** Format of a metrics file. */
export enum MetricsFileFormat {
  /** Lines matched by the filter's regular expressions (default `name=value`). */
  TEXT = 'TEXT',
  /** One JSON object per line (`{"name": value, ...}`); no filter. */
  JSON = 'JSON',
}

/** Kind of path a custom collector reads. */
export enum MetricsPathKind {
  /** A file. */
  FILE = 'File',
  /** A directory. */
  DIRECTORY = 'Directory',
}

/** Options of the collectors that parse text. */
export interface MetricsFilterOptions {
  /**
   * Regular expressions that find metrics in the text, each with two top-level groups: the metric's name and its
   * value (`filter.metricsFormat`).
   * @default - Katib's `([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)` (lines like `accuracy=0.93`)
   */
  readonly metricsFormat?: string[];
}

/** Options of the File collector. */
export interface FileCollectorOptions extends MetricsFilterOptions {
  /**
   * Absolute path of the file the trial writes its metrics to.
   * @default '/var/log/katib/metrics.log'
   */
  readonly path?: string;
  /**
   * Format of the file.
   * @default MetricsFileFormat.TEXT
   */
  readonly format?: MetricsFileFormat;
}

/** Options of the TensorFlow event collector. */
export interface TensorFlowEventCollectorOptions {
  /**
   * Absolute path of the directory the trial writes its TensorFlow event files to.
   * @default '/var/log/katib/tfevent/'
   */
  readonly directory?: string;
}

/** Options of the Prometheus collector. */
export interface PrometheusCollectorOptions {
  /**
   * Port of the trial's metrics endpoint.
   * @default 8080
   */
  readonly port?: number;
  /**
   * Path of the metrics endpoint.
   * @default '/metrics'
   */
  readonly path?: string;
}

/** Options of a custom collector. */
export interface CustomCollectorOptions {
  /** The collector container (injected beside the trial's primary container). */
  readonly container: ContainerSpec;
  /**
   * Absolute path the collector reads (shared with the trial's primary container).
   * @default - none
   */
  readonly path?: string;
  /**
   * Whether `path` is a file or a directory.
   * @default MetricsPathKind.FILE
   */
  readonly pathKind?: MetricsPathKind;
}

/**
 * How Katib collects each trial's metrics (`spec.metricsCollectorSpec`). The pull collectors (StdOut, File,
 * TensorFlowEvent, PrometheusMetric, Custom) run as a sidecar that Katib's pod webhook injects into the trial's
 * primary pod, which happens only in namespaces labelled `katib.kubeflow.org/metrics-collector-injection: enabled`;
 * with Push the trial reports its metrics itself (`kubeflow.katib.report_metrics`).
 */
export class MetricsCollector {
  /** Parses the primary container's standard output (Katib's default). */
  public static stdOut(options: MetricsFilterOptions = {}): MetricsCollector {
    return new MetricsCollector('StdOut', { filter: options.metricsFormat });
  }

  /** Parses a file the trial writes. */
  public static file(options: FileCollectorOptions = {}): MetricsCollector {
    return new MetricsCollector('File', {
      filter: options.metricsFormat,
      path: options.path ?? '/var/log/katib/metrics.log',
      pathKind: MetricsPathKind.FILE,
      format: options.format ?? MetricsFileFormat.TEXT,
    });
  }

  /** Reads TensorFlow event files (TensorBoard summaries) the trial writes. */
  public static tensorFlowEvent(options: TensorFlowEventCollectorOptions = {}): MetricsCollector {
    return new MetricsCollector('TensorFlowEvent', { path: options.directory ?? '/var/log/katib/tfevent/', pathKind: MetricsPathKind.DIRECTORY });
  }

  /**
   * Scrapes the trial's Prometheus endpoint. Katib v0.19.0 ships no image for this collector: the Katib
   * configuration must list one under `runtime.metricsCollectors` (checked with {@link KatibConfig}).
   */
  public static prometheus(options: PrometheusCollectorOptions = {}): MetricsCollector {
    return new MetricsCollector('PrometheusMetric', { port: options.port ?? 8080, httpPath: options.path ?? '/metrics' });
  }

  /** A collector container of your own. */
  public static custom(options: CustomCollectorOptions): MetricsCollector {
    return new MetricsCollector('Custom', { container: options.container, path: options.path, pathKind: options.path ? options.pathKind ?? MetricsPathKind.FILE : undefined });
  }

  /** The trial pushes its metrics to Katib itself (no sidecar, no namespace label needed). */
  public static push(): MetricsCollector {
    return new MetricsCollector('Push', {});
  }

  /** Katib's name of the collector kind. */
  public readonly kind: string;

  private constructor(kind: string, private readonly source: CollectorSource) {
    this.kind = kind;
  }

  /** Whether a sidecar collects the metrics (the namespace must allow Katib's injection). */
  public get injectsSidecar(): boolean {
    return this.kind !== 'Push';
  }

  /** Whether the collector applies early stopping rules (Katib's file metrics collector: StdOut and File). */
  public get supportsEarlyStopping(): boolean {
    return this.kind === 'StdOut' || this.kind === 'File';
  }

  /** Whether the collector reads text with Katib's default filter (StdOut, or a TEXT file, without metricsFormat). @internal */
  public get _usesDefaultTextFilter(): boolean {
    const s = this.source;
    return s.filter === undefined && (this.kind === 'StdOut' || (this.kind === 'File' && s.format === MetricsFileFormat.TEXT));
  }

  /** Whether Katib's webhook needs an image for this kind in its configuration (the injected kinds). @internal */
  public get _needsConfiguredImage(): boolean {
    return ['StdOut', 'File', 'TensorFlowEvent', 'PrometheusMetric'].includes(this.kind);
  }

  /** @internal */
  public _validate(scope: IConstruct): void {
    const s = this.source;
    (s.filter ?? []).forEach((f, i) => {
      const field = `metricsCollector.metricsFormat[${i}]`;
      let re: RegExp;
      try {
        re = new RegExp(`${f}|`);
      } catch (e) {
        invalid(scope, field, f, `must be a regular expression (${(e as Error).message})`);
      }
      if (!/.*\(.*\).*\(.*\).*/.test(f) || re.exec('')!.length < 3) {
        invalid(scope, field, f, 'needs two top-level groups: the metric name, then its value');
      }
    });
    if (s.filter && s.filter.length === 0) invalid(scope, 'metricsCollector.metricsFormat', [], 'list at least one expression, or leave it unset');
    if (s.path !== undefined && !s.path.startsWith('/')) {
      invalid(scope, this.kind === 'TensorFlowEvent' ? 'metricsCollector.directory' : 'metricsCollector.path', s.path, 'must be an absolute path');
    }
    if (s.format !== undefined && !Object.values(MetricsFileFormat).includes(s.format)) {
      invalid(scope, 'metricsCollector.format', s.format, `must be one of ${Object.values(MetricsFileFormat).join(', ')}`);
    }
    if (s.format === MetricsFileFormat.JSON && s.filter) {
      invalid(scope, 'metricsCollector.metricsFormat', s.filter, 'a JSON metrics file is read without a filter');
    }
    if (s.port !== undefined) checkInteger(scope, 'metricsCollector.port', s.port, 1, 65535);
    if (s.httpPath !== undefined && !s.httpPath.startsWith('/')) {
      invalid(scope, 'metricsCollector.path', s.httpPath, 'must start with \'/\'');
    }
    if (s.pathKind !== undefined && !Object.values(MetricsPathKind).includes(s.pathKind)) {
      invalid(scope, 'metricsCollector.pathKind', s.pathKind, `must be one of ${Object.values(MetricsPathKind).join(', ')}`);
    }
    if (this.kind === 'Custom') {
      if (!s.container || typeof s.container.image !== 'string') {
        invalid(scope, 'metricsCollector.container', s.container, 'must be a container with an image');
      }
      this.renderCustomContainer(scope);
    }
  }

  /** The `spec.metricsCollectorSpec` object. @internal */
  public _render(scope: IConstruct): any {
    const s = this.source;
    const collector: any = { kind: this.kind };
    if (this.kind === 'Custom') collector.customCollector = this.renderCustomContainer(scope);
    const source: any = {};
    if (s.filter) source.filter = { metricsFormat: [...s.filter] };
    if (s.path !== undefined) source.fileSystemPath = { path: s.path, kind: s.pathKind, format: s.format };
    if (s.port !== undefined) source.httpGet = { port: s.port, path: s.httpPath };
    return { collector, source: Object.keys(source).length ? source : undefined };
  }

  /** The custom collector's container, with the library's secure defaults. */
  private renderCustomContainer(scope: IConstruct): any {
    const container = this.source.container!;
    const template = new PodTemplate({ containers: [{ ...container, name: container.name ?? 'metrics-collector' }] });
    template._nameFields({ 'containers[0]': 'metricsCollector.container' });
    return template.toPodSpec(scope, 'metrics-collector').containers[0];
  }
}

interface CollectorSource {
  readonly filter?: string[];
  readonly path?: string;
  readonly pathKind?: MetricsPathKind;
  readonly format?: MetricsFileFormat;
  readonly port?: number;
  readonly httpPath?: string;
  readonly container?: ContainerSpec;
}
