import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { wholeSeconds } from './durations';

/** Timing options shared by all probes. */
export interface ContainerProbeOptions {
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

/** Options for {@link ContainerProbe.httpGet}. */
export interface HttpGetContainerProbeOptions extends ContainerProbeOptions {
  /**
   * Port to probe.
   * @default 8080
   */
  readonly port?: number;
}

/**
 * A readiness, liveness or startup probe.
 */
export class ContainerProbe {
  /** HTTP GET on `path`; success is a 2xx or 3xx response. */
  public static httpGet(path: string, options: HttpGetContainerProbeOptions = {}): ContainerProbe {
    return new ContainerProbe({ httpGet: { path, port: options.port ?? 8080 } }, options);
  }

  /** A TCP connection to `port`. */
  public static tcpSocket(port: number, options: ContainerProbeOptions = {}): ContainerProbe {
    return new ContainerProbe({ tcpSocket: { port } }, options);
  }

  /** The gRPC health-checking protocol on `port`. */
  public static grpc(port: number, options: ContainerProbeOptions = {}): ContainerProbe {
    return new ContainerProbe({ grpc: { port } }, options);
  }

  /** A command run in the container; success is exit code 0. */
  public static exec(command: string[], options: ContainerProbeOptions = {}): ContainerProbe {
    return new ContainerProbe({ exec: { command } }, options);
  }

  private constructor(private readonly handler: any, private readonly options: ContainerProbeOptions) {}

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
