import { Duration } from 'cdk8s';
import { RestartPolicy } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { Accelerator } from './accelerator';
import { check, checkProps, Is } from './checks';
import { CONTAINER_RULE, ContainerSpec, renderContainer } from './container';
import { PlatformContext } from './context';
import { invalid, renameField } from './errors';
import { checkAnnotations, checkLabels } from './names';
import { Placement } from './placement';
import { PodSecurity, PodSecurityLevel, PodSecurityOptions } from './security';
import { PodVolume, PodVolumeMount } from './volume';

/** Props of {@link PodTemplate}. */
export interface PodTemplateProps {
  /**
   * Containers of the pod (the first one is the main container).
   * @default [] - add with addContainer()
   */
  readonly containers?: ContainerSpec[];
  /**
   * Init containers, run in order before the main containers.
   * @default []
   */
  readonly initContainers?: ContainerSpec[];
  /**
   * Extra pod volumes; volumes referenced by container mounts are added automatically.
   * @default []
   */
  readonly volumes?: PodVolume[];
  /**
   * Service account the pods run as.
   * @default - the namespace's `default` account, with its API token not mounted
   */
  readonly serviceAccountName?: string;
  /**
   * Security context. Pods meet the "restricted" Pod Security Standard unless this opts out.
   * @default - restricted, uid/gid 1000
   */
  readonly security?: PodSecurityOptions;
  /**
   * Node selector, tolerations, affinity and priority.
   * @default - no constraints until a pool or queue adds them
   */
  readonly placement?: Placement;
  /**
   * Restart policy.
   * @default - the Kubernetes default for the owning kind
   */
  readonly restartPolicy?: RestartPolicy;
  /**
   * Labels of the pods.
   * @default {}
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the pods.
   * @default {}
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Secrets used to pull images.
   * @default []
   */
  readonly imagePullSecrets?: string[];
  /**
   * Mount memory-backed shared memory at `/dev/shm` in every (non-init) container.
   * @default false
   */
  readonly sharedMemory?: boolean;
  /**
   * Scheduler of the pods (e.g. `volcano` for gang scheduling).
   * @default - the default scheduler
   */
  readonly schedulerName?: string;
  /**
   * Grace period for a clean shutdown.
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;
}

const VOLUME = Is.instance('_sameAs', "must be a PodVolume, e.g. PodVolume.fromPersistentVolumeClaim('data', 'my-claim')");

const CONTAINERS_RULE = Is.arrayOf(CONTAINER_RULE);
const VOLUMES_RULE = Is.arrayOf(VOLUME);

/** The rules of {@link PodTemplateProps} (containers, volumes, security and placement are checked where they render). */
const POD_TEMPLATE_RULES = {
  containers: Is.arrayOf(Is.present('must be a container')),
  initContainers: Is.arrayOf(Is.present('must be a container')),
  volumes: Is.arrayOf(VOLUME),
  serviceAccountName: Is.dnsSubdomain(),
  security: Is.present('must be PodSecurityOptions'),
  placement: Is.instance('_renderPodSpec', 'must be a Placement, e.g. new Placement({ nodeSelector })'),
  restartPolicy: Is.enumOf(RestartPolicy, 'RestartPolicy'),
  labels: Is.labels(),
  annotations: Is.annotations(),
  imagePullSecrets: Is.arrayOf(Is.dnsSubdomain()),
  sharedMemory: Is.boolean(),
  schedulerName: Is.dnsSubdomain(),
  terminationGracePeriod: Is.duration('seconds', 0),
};

/**
 * A secure pod template built from container specs, volumes, placement and security settings.
 * Every workload construct in this library renders its pods through it; it can also be rendered
 * into any Kubernetes object that embeds a pod template.
 */
export class PodTemplate {
  /** Where the pods run; GPU pools and queues add to it. */
  public readonly placement: Placement;
  private readonly containerSpecs: ContainerSpec[];
  private readonly initContainerSpecs: ContainerSpec[];
  private readonly extraVolumes: PodVolume[];
  private readonly security: PodSecurity;
  /** The names given by `_nameFields` (sorted, longest path first, when an error first needs them). */
  private fieldNames: { [templatePath: string]: string } = {};
  private sortedFieldNames?: Array<[string, string]>;
  /** Changes made through the mutators (see `_revision`). */
  private changes = 0;
  /** The revision whose inputs passed the checks of a rendering. */
  private checkedAt = -1;

  private readonly props: PodTemplateProps;

  constructor(props: PodTemplateProps = {}) {
    // lists of the wrong type are kept as given and rejected when the template renders (the construct is named then)
    this.props = props ?? {};
    const list = <T>(x: T[] | undefined): T[] => (Array.isArray(x) ? [...x] : []);
    this.placement = this.props.placement ?? new Placement();
    this.containerSpecs = list(this.props.containers);
    this.initContainerSpecs = list(this.props.initContainers);
    this.extraVolumes = list(this.props.volumes);
    this.security = new PodSecurity(this.props.security ?? undefined);
  }

  /** Adds a container. */
  public addContainer(container: ContainerSpec): void {
    this.changed();
    this.containerSpecs.push(container);
  }

  /** Adds an init container. */
  public addInitContainer(container: ContainerSpec): void {
    this.changed();
    this.initContainerSpecs.push(container);
  }

  /** Adds a pod volume that containers may mount. */
  public addVolume(volume: PodVolume): void {
    this.changed();
    this.extraVolumes.push(volume);
  }

  /**
   * Names this template's fields in errors after the props the user wrote: each entry maps a path inside the
   * template (`containers[0]`, `containers[0].resources`, `security`, or `''` for the pod itself) to the prop
   * path it came from (`predictor`, `resourcesPerWorker`, `''` for top-level props). The longest matching entry
   * wins; without entries, fields are named `podTemplate.<path>`.
   * @internal
   */
  public _nameFields(names: { [templatePath: string]: string }): void {
    this.changed();
    this.fieldNames = names;
    this.sortedFieldNames = undefined;
  }

  /** A mutator ran: the app's renders and this template's revision are out of date. */
  private changed(): void {
    PlatformContext.touch();
    this.changes++;
  }

  /**
   * A number that grows with every change made through this template's mutators and its placement's: a rendering
   * of the template is still current while it is unchanged (the props and the objects they hold are not changed
   * after construction).
   * @internal
   */
  public get _revision(): number {
    return this.changes + this.placement._revision;
  }

  /**
   * The user-facing name of a path inside this template (see `_nameFields`).
   * @internal
   */
  public _field(path: string): string {
    this.sortedFieldNames ??= Object.entries(this.fieldNames).sort(([a], [b]) => b.length - a.length);
    for (const [from, to] of this.sortedFieldNames) {
      if (from !== '' && path !== from && !path.startsWith(`${from}.`) && !path.startsWith(`${from}[`)) continue;
      const rest = from === '' ? path : path.slice(from.length).replace(/^\./, '');
      if (to === '') return rest;
      return rest === '' ? to : rest.startsWith('[') ? `${to}${rest}` : `${to}.${rest}`;
    }
    return path === '' ? 'podTemplate' : `podTemplate.${path}`;
  }

  /**
   * Each accelerator the pod requests, with the user-facing field of its count's container.
   * @internal
   */
  public _acceleratorFields(): Array<{ accelerator: Accelerator; field: string }> {
    const out: Array<{ accelerator: Accelerator; field: string }> = [];
    const add = (list: ContainerSpec[], kind: string) => list.forEach((c, i) => {
      const a = c?.resources?.accelerator;
      if (isAccelerator(a)) out.push({ accelerator: a, field: this._field(`${kind}[${i}].resources.accelerator`) });
    });
    add(this.containerSpecs, 'containers');
    add(this.initContainerSpecs, 'initContainers');
    return out;
  }

  /**
   * Every volume mount of the pod's containers and init containers, with its user-facing field.
   * @internal
   */
  public _volumeMountFields(): Array<{ mount: PodVolumeMount; field: string }> {
    const out: Array<{ mount: PodVolumeMount; field: string }> = [];
    const mountsOf = (c: ContainerSpec | undefined) => (Array.isArray(c?.volumeMounts) ? c.volumeMounts : []);
    const add = (list: ContainerSpec[], kind: string) => list.forEach((c, i) => mountsOf(c).forEach((m, j) => {
      if (m) out.push({ mount: m, field: this._field(`${kind}[${i}].volumeMounts[${j}].volume`) });
    }));
    add(this.containerSpecs, 'containers');
    add(this.initContainerSpecs, 'initContainers');
    return out;
  }

  /** The containers. */
  public get containers(): ContainerSpec[] {
    return [...this.containerSpecs];
  }

  /** Accelerators requested by the pod's containers. */
  public get accelerators(): Accelerator[] {
    return [...this.containerSpecs, ...this.initContainerSpecs]
      .map(c => c?.resources?.accelerator)
      .filter((a): a is Accelerator => isAccelerator(a));
  }

  /** The Pod Security Standard the pods are built to meet. */
  public get securityLevel(): PodSecurityLevel {
    return this.security.level;
  }

  /** Annotations that record a security opt-out on the owning object (empty when restricted). */
  public get securityAnnotations(): { [key: string]: string } {
    return this.security.annotations();
  }

  /**
   * Renders the pod spec (Kubernetes JSON).
   * @param scope construct whose path is named in validation errors
   * @param defaultContainerName name given to the first container when it has none (default `main`)
   */
  public toPodSpec(scope: IConstruct, defaultContainerName?: string): any {
    try {
      return this.renderPodSpec(scope, defaultContainerName);
    } catch (e) {
      throw renameField(e, f => (f === 'podTemplate' || f.startsWith('podTemplate.') ? this._field(f.slice('podTemplate.'.length)) : f));
    }
  }

  private renderPodSpec(scope: IConstruct, defaultContainerName?: string): any {
    const field = 'podTemplate';
    // the template's inputs are checked once per revision (an InferenceService renders its templates where it is
    // declared, to validate them, and again at synth): what passed then passes again
    const revision = this._revision;
    if (this.checkedAt !== revision) {
      checkProps(scope, this.props, POD_TEMPLATE_RULES, `${field}.`);
      if (this.containerSpecs.length === 0) {
        invalid(scope, `${field}.containers`, [], 'a pod needs at least one container');
      }
      check(scope, `${field}.containers`, this.containerSpecs, CONTAINERS_RULE);
      check(scope, `${field}.initContainers`, this.initContainerSpecs, CONTAINERS_RULE);
      check(scope, `${field}.volumes`, this.extraVolumes, VOLUMES_RULE);
      this.security.validate(scope, `${field}.security`);
      this.placement._validate(scope, `${field}.placement`);
      this.checkedAt = revision;
    }

    // reuse a shared-memory volume a container already mounts (e.g. with a size limit)
    const mountedShm = [...this.initContainerSpecs, ...this.containerSpecs]
      .flatMap(c => c.volumeMounts ?? []).find(m => m.path === PodVolume.SHARED_MEMORY_PATH)?.volume;
    const shm = this.props.sharedMemory ? (mountedShm ?? PodVolume.sharedMemory()) : undefined;
    const withShm = (c: ContainerSpec): ContainerSpec => shm && !(c.volumeMounts ?? []).some(m => m.path === PodVolume.SHARED_MEMORY_PATH)
      ? { ...c, volumeMounts: [...(c.volumeMounts ?? []), { volume: shm, path: PodVolume.SHARED_MEMORY_PATH }] }
      : c;
    const containerSecurity = this.security.containerSecurityContext();
    const render = (list: ContainerSpec[], kind: string, fallback: (i: number) => string) => list.map((c, i) => ({
      ...renderContainer(scope, `${field}.${kind}[${i}]`, withShm(c), fallback(i)),
      securityContext: containerSecurity,
    }));
    const containers = render(this.containerSpecs, 'containers', i => (i === 0 ? (defaultContainerName ?? 'main') : `sidecar-${i}`));
    const initContainers = this.initContainerSpecs.map((c, i) => ({
      ...renderContainer(scope, `${field}.initContainers[${i}]`, c, `init-${i}`),
      securityContext: containerSecurity,
    }));

    const names = new Set<string>();
    const all = [
      ...initContainers.map((c, i) => ({ c, where: `${field}.initContainers[${i}]` })),
      ...containers.map((c, i) => ({ c, where: `${field}.containers[${i}]` })),
    ];
    all.forEach(({ c, where }) => {
      if (names.has(c.name)) invalid(scope, `${where}.name`, c.name, 'container names must be unique within a pod');
      names.add(c.name);
    });
    const portNames = new Map<string, string>();
    all.forEach(({ c, where }) => (c.ports ?? []).forEach((p: any, i: number) => {
      if (p.name === undefined) return;
      const other = portNames.get(p.name);
      if (other !== undefined) invalid(scope, `${where}.ports[${i}].name`, p.name, `port names must be unique within a pod; container '${other}' has a port of this name`);
      portNames.set(p.name, c.name);
    }));

    const volumes = new Map<string, PodVolume>();
    const addVolume = (v: PodVolume, where: string) => {
      const existing = volumes.get(v.name);
      if (existing && !existing._sameAs(v)) {
        invalid(scope, where, v.name, 'two different volumes use this name; give each volume a unique name');
      }
      volumes.set(v.name, v);
    };
    this.extraVolumes.forEach((v, i) => addVolume(v, `${field}.volumes[${i}].name`));
    const specs = [
      ...this.initContainerSpecs.map((c, i) => ({ c, where: `${field}.initContainers[${i}]` })),
      ...this.containerSpecs.map((c, i) => ({ c, where: `${field}.containers[${i}]` })),
    ];
    specs.forEach(({ c, where }, i) =>
      ((i < this.initContainerSpecs.length ? c : withShm(c)).volumeMounts ?? []).forEach((m, mi) => addVolume(m.volume, `${where}.volumeMounts[${mi}].volume`)));

    const grace = this.props.terminationGracePeriod;
    return prune({
      serviceAccountName: this.props.serviceAccountName,
      automountServiceAccountToken: this.props.serviceAccountName ? undefined : false,
      restartPolicy: this.props.restartPolicy,
      securityContext: this.security.podSecurityContext(),
      imagePullSecrets: this.props.imagePullSecrets?.map(name => ({ name })),
      terminationGracePeriodSeconds: grace === undefined ? undefined : grace.toMilliseconds() / 1000,
      schedulerName: this.props.schedulerName,
      initContainers: initContainers.length ? initContainers : undefined,
      containers,
      volumes: volumes.size ? [...volumes.values()].map((v, i) => v._render(scope, `${field}.volumes[${i}]`)) : undefined,
      ...this.placement._renderPodSpec(this.accelerators.reduce((m, a) => ({ ...m, ...a.nodeSelector }), {})),
    });
  }

  /**
   * Renders the pod template (`metadata` + `spec`), for any object that embeds one.
   * @param scope construct whose path is named in validation errors
   * @param defaultContainerName name given to the first container when it has none (default `main`)
   */
  public toPodTemplateSpec(scope: IConstruct, defaultContainerName?: string): any {
    const labels = { ...(this.props.labels ?? {}), ...this.placement.podLabels };
    const annotations = { ...(this.props.annotations ?? {}), ...this.placement.podAnnotations, ...this.securityAnnotations };
    try {
      checkLabels(scope, 'podTemplate.labels', labels);
      checkAnnotations(scope, 'podTemplate.annotations', annotations);
    } catch (e) {
      throw renameField(e, f => this._field(f.slice('podTemplate.'.length)));
    }
    const metadata = prune({
      labels: Object.keys(labels).length ? labels : undefined,
      annotations: Object.keys(annotations).length ? annotations : undefined,
    });
    // the pod spec is pruned already (and never empty: it has containers): not walked again
    const spec = this.toPodSpec(scope, defaultContainerName);
    return isEmptyObject(metadata) ? { spec } : { metadata, spec };
  }
}

function isAccelerator(a: unknown): a is Accelerator {
  return typeof a === 'object' && a !== null && typeof (a as any).resourceName === 'string' && typeof (a as any)._validate === 'function';
}

/** Drops undefined values and empty objects, recursively. */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) return value.map(prune) as any;
  if (value && typeof value === 'object') {
    // runs over every rendered spec: no entry arrays, and emptiness without listing keys
    const out: any = {};
    for (const k in value) {
      const v = (value as any)[k];
      if (v === undefined) continue;
      const p = prune(v);
      if (p && typeof p === 'object' && !Array.isArray(p) && isEmptyObject(p) && k !== 'emptyDir') continue;
      out[k] = p;
    }
    return out;
  }
  return value;
}

/** Whether a plain object (one `prune` made) has no keys. */
function isEmptyObject(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
