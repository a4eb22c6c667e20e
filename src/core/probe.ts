import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { check, checkProps, Is } from './checks';

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

const PROBE_OPTIONS = {
  initialDelay: Is.duration('seconds', 0, 2147483647),
  period: Is.duration('seconds', 1, 2147483647),
  timeout: Is.duration('seconds', 1, 2147483647),
  failureThreshold: Is.integer(1, 2147483647),
};

/**
 * A readiness, liveness or startup probe.
 */
export class ContainerProbe {
  /** HTTP GET on `path`; success is a 2xx or 3xx response. */
  public static httpGet(path: string, options: HttpGetContainerProbeOptions = {}): ContainerProbe {
    return new ContainerProbe({ httpGet: { path, port: options?.port ?? 8080 } }, options);
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
    const h = this.handler;
    if (h.httpGet) {
      check(scope, `${field}.path`, h.httpGet.path, Is.required(Is.matching(/^\/[^\s]*$/, "must be an absolute URL path such as '/healthz'", 2048)));
      check(scope, `${field}.port`, h.httpGet.port, Is.required(Is.port()));
    }
    if (h.tcpSocket) check(scope, `${field}.port`, h.tcpSocket.port, Is.required(Is.port()));
    if (h.grpc) check(scope, `${field}.port`, h.grpc.port, Is.required(Is.port()));
    if (h.exec) check(scope, `${field}.command`, h.exec.command, Is.required(Is.arrayOf(Is.string({ nonEmpty: true }), 1)));
    const o = this.options ?? {};
    checkProps(scope, o, PROBE_OPTIONS, `${field}.`);
    const seconds = (d: Duration | undefined) => (d === undefined ? undefined : d.toMilliseconds() / 1000);
    return {
      ...h,
      initialDelaySeconds: seconds(o.initialDelay),
      periodSeconds: seconds(o.period),
      timeoutSeconds: seconds(o.timeout),
      failureThreshold: o.failureThreshold,
    };
  }
}
