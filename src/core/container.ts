import { ImagePullPolicy, Protocol } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { check, Is } from './checks';
import { EnvVarValue, renderEnv } from './env';
import { invalid } from './errors';
import { checkDns1123Label } from './names';
import { ContainerProbe } from './probe';
import { ComputeResources, renderResources } from './resources';
import { MOUNT, renderVolumeMounts, PodVolumeMount } from './volume';

/**
 * A port a container listens on (Kubernetes `containerPort`; the fields of cdk8s-plus's `ContainerPort` a workload
 * needs). A port number may be listed once per protocol in a container; port names are unique within the pod.
 */
export interface ContainerPortSpec {
  /** Port number, from 1 to 65535. */
  readonly number: number;
  /**
   * Port name: an IANA service name (at most 15 lowercase letters, digits and single hyphens, with at least one
   * letter), by which Services and probes may refer to the port.
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * Protocol.
   * @default Protocol.TCP (Kubernetes' default; not written)
   */
  readonly protocol?: Protocol;
}

/**
 * One container of a workload.
 */
export interface ContainerSpec {
  /**
   * Image reference, by tag (`repo/name:1.2.3`) or digest (`repo/name@sha256:...`).
   */
  readonly image: string;
  /**
   * Container name.
   * @default - chosen by the workload (e.g. `main`, or the name the operator expects)
   */
  readonly name?: string;
  /**
   * Entrypoint override.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * Arguments.
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * Environment variables.
   * @default {}
   */
  readonly env?: { [name: string]: EnvVarValue };
  /**
   * Ports the container listens on (informational for Kubernetes, but named ports are what Services and probes
   * refer to, and some operators read them, e.g. KServe's custom container port).
   * @default []
   */
  readonly ports?: ContainerPortSpec[];
  /**
   * CPU, memory, ephemeral storage and accelerators.
   * @default - none
   */
  readonly resources?: ComputeResources;
  /**
   * Volumes mounted into the container; the workload adds each volume to the pod.
   * @default []
   */
  readonly volumeMounts?: PodVolumeMount[];
  /**
   * Readiness probe.
   * @default - none
   */
  readonly readiness?: ContainerProbe;
  /**
   * Liveness probe.
   * @default - none
   */
  readonly liveness?: ContainerProbe;
  /**
   * Startup probe.
   * @default - none
   */
  readonly startup?: ContainerProbe;
  /**
   * Image pull policy (`Always` for mutable tags such as `:latest`, `IfNotPresent`, `Never`).
   * @default - Kubernetes default (Always for `:latest` or untagged images, IfNotPresent otherwise)
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * Working directory.
   * @default - the image's WORKDIR
   */
  readonly workingDir?: string;
}

// [registry[:port]/]path[:tag][@algo:hex]
const IMAGE_REF = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

/** Whether `image` is a valid image reference (optionally with tag and/or digest). */
export function isImageReference(image: string): boolean {
  return typeof image === 'string' && image.length <= 4096 && IMAGE_REF.test(image);
}

/** An image reference. @internal */
export const IMAGE_RULE = Is.matching(IMAGE_REF,
  "must be an image reference such as 'registry.example.com/team/trainer:1.4.2' or 'repo/name@sha256:<digest>'", 4096);

/** The rules of one {@link ContainerPortSpec}. @internal */
export const PORT_RULE = Is.shape({
  number: Is.required(Is.integer(1, 65535)),
  name: Is.matching(/^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'port names are IANA service names: at most 15 lowercase letters, digits and single hyphens, with at least one letter', 15),
  protocol: Is.enumOf(Protocol, 'Protocol'),
}, 'must be a port: { number, name?, protocol? }');

/**
 * Checks a list of ports (each port's rules, then: a number once per protocol, names unique) and renders them as
 * Kubernetes `ports`.
 * @internal
 */
export function renderPorts(scope: IConstruct, field: string, ports: ContainerPortSpec[] | undefined): any[] | undefined {
  check(scope, field, ports, Is.arrayOf(PORT_RULE));
  if (!ports?.length) return undefined;
  const numbers = new Set<string>();
  const names = new Set<string>();
  return ports.map((p, i) => {
    const protocol = p.protocol ?? Protocol.TCP;
    if (numbers.has(`${p.number}/${protocol}`)) {
      invalid(scope, `${field}[${i}].number`, p.number, `each port may be listed only once per protocol (${protocol}) in a container`);
    }
    numbers.add(`${p.number}/${protocol}`);
    if (p.name !== undefined) {
      if (names.has(p.name)) invalid(scope, `${field}[${i}].name`, p.name, 'port names must be unique within a pod');
      names.add(p.name);
    }
    return { containerPort: p.number, name: p.name, protocol: p.protocol };
  });
}

const PROBE = Is.instance('_render', "must be a ContainerProbe, e.g. ContainerProbe.httpGet('/healthz')");

/** The rules of a {@link ContainerSpec} (env, resources and mounts are checked where they render). @internal */
export const CONTAINER_RULE = Is.shape({
  image: Is.required(IMAGE_RULE),
  name: Is.dnsLabel(),
  command: Is.strings(),
  args: Is.strings(),
  env: Is.present('must be a map of environment variable names to EnvVarValues'),
  ports: Is.arrayOf(PORT_RULE),
  volumeMounts: Is.arrayOf(MOUNT),
  readiness: PROBE,
  liveness: PROBE,
  startup: PROBE,
  imagePullPolicy: Is.enumOf(ImagePullPolicy, 'ImagePullPolicy'),
  workingDir: Is.absolutePath(),
}, 'must be a container: { image, name?, command?, args?, env?, ... }');

/** @internal Renders a container, without security context (the pod template adds it). */
export function renderContainer(scope: IConstruct, field: string, spec: ContainerSpec, defaultName: string): any {
  check(scope, field, spec, Is.required(CONTAINER_RULE));
  const name = spec.name ?? defaultName;
  checkDns1123Label(scope, `${field}.name`, name);
  return {
    name,
    image: spec.image,
    imagePullPolicy: spec.imagePullPolicy,
    command: spec.command,
    args: spec.args,
    workingDir: spec.workingDir,
    env: renderEnv(scope, `${field}.env`, spec.env),
    ports: renderPorts(scope, `${field}.ports`, spec.ports),
    resources: renderResources(scope, `${field}.resources`, spec.resources),
    volumeMounts: renderVolumeMounts(scope, `${field}.volumeMounts`, spec.volumeMounts),
    readinessProbe: spec.readiness?._render(scope, `${field}.readiness`),
    livenessProbe: spec.liveness?._render(scope, `${field}.liveness`),
    startupProbe: spec.startup?._render(scope, `${field}.startup`),
  };
}
