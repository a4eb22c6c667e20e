import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { wholeSeconds } from './durations';

/** Timing options shared by all probes. */
export interface ProbeOptions {
  /**
   * Delay before the first probe.
   * @default Duration.seconds(0)
   */
  readonly initialDelay?: Duration;
  /**
   * How often to probe.
   * @default Duration.seconds(10)
   */
  readonly period?: Duration;
  /**
   * Probe timeout.
   * @default Duration.seconds(1)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failures before the probe fails.
   * @default 3
   */
  readonly failureThreshold?: number;
}

/** Options for {@link Probe.httpGet}. */
export interface HttpGetProbeOptions extends ProbeOptions {
  /**
   * Port to probe.
   * @default 8080
   */
  readonly port?: number;
}

/**
 * A readiness, liveness or startup probe.
 */
export class Probe {
  /** HTTP GET on `path`; success is a 2xx or 3xx response. */
  public static httpGet(path: string, options: HttpGetProbeOptions = {}): Probe {
    return new Probe({ httpGet: { path, port: options.port ?? 8080 } }, options);
  }

  /** A TCP connection to `port`. */
  public static tcpSocket(port: number, options: ProbeOptions = {}): Probe {
    return new Probe({ tcpSocket: { port } }, options);
  }

  /** The gRPC health-checking protocol on `port`. */
  public static grpc(port: number, options: ProbeOptions = {}): Probe {
    return new Probe({ grpc: { port } }, options);
  }

  /** A command run in the container; success is exit code 0. */
  public static exec(command: string[], options: ProbeOptions = {}): Probe {
    return new Probe({ exec: { command } }, options);
  }

  private constructor(private readonly handler: any, private readonly options: ProbeOptions) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): any {
    const o = this.options;
    return {
      ...this.handler,
      initialDelaySeconds: wholeSeconds(scope, `${field}.initialDelay`, o.initialDelay),
      periodSeconds: wholeSeconds(scope, `${field}.period`, o.period),
      timeoutSeconds: wholeSeconds(scope, `${field}.timeout`, o.timeout),
      failureThreshold: o.failureThreshold,
    };
  }
}
