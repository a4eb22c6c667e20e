import { ApiObject, JsonPatch } from 'cdk8s';
import { AbstractPod, Node, NodeTaintQuery } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { Accelerator } from '../core/accelerator';
import { PlatformContext } from '../core/context';
import { checkInteger, invalid } from '../core/errors';
import { INodePool } from '../core/node-pool';
import { PodTemplate } from '../core/pod-template';
import { nodePoolsOf } from '../core/workload';

/** Options of {@link KplusWorkloads.requestAccelerator}. */
export interface KplusAcceleratorOptions {
  /**
   * Index of the container (in `workload.containers`) that gets the devices.
   * @default 0
   */
  readonly containerIndex?: number;
}

/** Options of a GPU node pool's `schedule()` for cdk8s-plus workloads. */
export interface KplusScheduleOptions {
  /**
   * Whether the pods run to completion: they get the annotation `karpenter.sh/do-not-disrupt: "true"` so
   * consolidation never evicts them mid-run.
   * @default - true for a Job or CronJob, false for other kinds
   */
  readonly runToCompletion?: boolean;
  /**
   * Accelerator requested by a container of the workload (see {@link KplusWorkloads.requestAccelerator}).
   * @default - none here (request with KplusWorkloads.requestAccelerator, before or after scheduling)
   */
  readonly accelerator?: Accelerator;
  /**
   * Index of the container (in `workload.containers`) that gets `accelerator`.
   * @default 0
   */
  readonly containerIndex?: number;
}

/**
 * Users and groups of a cdk8s-plus workload made to meet the restricted Pod Security Standard. Each applies only
 * where the workload sets none itself (a different value set by the workload is an error, never overridden).
 */
export interface KplusSecurityOptions {
  /**
   * User ID the pod runs as (`securityContext.runAsUser`).
   * @default 1000
   */
  readonly runAsUser?: number;
  /**
   * Group ID the pod runs as (`securityContext.runAsGroup`).
   * @default - same as runAsUser
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes (`securityContext.fsGroup`).
   * @default - same as runAsGroup
   */
  readonly fsGroup?: number;
}

interface AcceleratorRequest {
  readonly accelerator: Accelerator;
  readonly containerIndex: number;
}

interface KplusState {
  readonly accelerators: AcceleratorRequest[];
  pool?: INodePool;
  security?: KplusSecurityOptions;
  patching: boolean;
  noPoolCheck: boolean;
}

const STATES = new WeakMap<AbstractPod, KplusState>();
const SUPPORTED_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'Job', 'DaemonSet', 'ReplicaSet', 'CronJob'];
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const DO_NOT_DISRUPT = 'karpenter.sh/do-not-disrupt';

/**
 * Interop with cdk8s-plus-28 workloads (`Deployment`, `Job`, `StatefulSet`, `DaemonSet`, `CronJob`, `Pod`): GPUs,
 * which cdk8s-plus cannot request (extended resources), and the restricted Pod Security defaults this library's own
 * workloads get. Place them on a GPU node pool with `pool.schedule(workload, options)`.
 *
 * Both are applied to the workload's object at synth, so containers and settings added after the call count;
 * pool capacity checks run at synth too, whatever the declaration order.
 */
export class KplusWorkloads {
  /**
   * Requests an accelerator on a container of a cdk8s-plus workload: the container's `resources.limits` gets the
   * extended resource (e.g. `nvidia.com/gpu: "4"`), and a GPU product, if given, becomes a node selector. A node
   * pool the workload is scheduled on must serve it (checked at synth); a workload that requests accelerators but
   * is scheduled on no pool is an error at synth when the app declares pools.
   * @param workload a cdk8s-plus-28 workload
   * @param accelerator the devices each pod's container gets
   */
  public static requestAccelerator(workload: AbstractPod, accelerator: Accelerator, options: KplusAcceleratorOptions = {}): void {
    const pod = checkWorkload(workload);
    if (!(accelerator instanceof Accelerator)) {
      invalid(pod, 'accelerator', accelerator, 'must be an Accelerator, e.g. Accelerator.nvidia({ count: 4 })');
    }
    const index = options.containerIndex ?? 0;
    const field = `containers[${index}]`;
    checkInteger(pod, 'containerIndex', index, 0);
    if (index >= pod.containers.length) {
      invalid(pod, 'containerIndex', index, `the workload has ${pod.containers.length} container(s); add the container before requesting its accelerator`);
    }
    accelerator._validate(pod, `${field}.accelerator`);
    const state = stateOf(pod);
    if (state.accelerators.some(r => r.containerIndex === index && r.accelerator.resourceName === accelerator.resourceName)) {
      invalid(pod, `${field}.accelerator`, accelerator.resourceName, `container ${index} already requests '${accelerator.resourceName}'`);
    }
    state.accelerators.push({ accelerator, containerIndex: index });
    installPatches(pod, state);
    if (!state.noPoolCheck) {
      state.noPoolCheck = true;
      PlatformContext.of(pod).check(() => checkPlaced(pod, state));
    }
  }

  /**
   * Makes a cdk8s-plus workload meet the restricted Pod Security Standard, as this library's workloads do by
   * default: `seccompProfile: RuntimeDefault`, `runAsNonRoot: true` and a non-root user (uid/gid 1000 unless the
   * workload sets its own), and in every container and init container `allowPrivilegeEscalation: false` and
   * capabilities `drop: [ALL]` (an added `NET_BIND_SERVICE` is kept).
   *
   * Settings the restricted standard forbids are errors at synth, not overridden: privileged containers, privilege
   * escalation, `ensureNonRoot: false`, uid 0, added capabilities other than `NET_BIND_SERVICE`, an `Unconfined`
   * seccomp profile, host networking, and volumes other than configMap, csi, downwardAPI, emptyDir, ephemeral,
   * persistentVolumeClaim, projected and secret.
   * @param workload a cdk8s-plus-28 workload
   */
  public static applyRestrictedSecurity(workload: AbstractPod, options: KplusSecurityOptions = {}): void {
    const pod = checkWorkload(workload);
    checkInteger(pod, 'runAsUser', options.runAsUser, 1);
    checkInteger(pod, 'runAsGroup', options.runAsGroup, 0);
    checkInteger(pod, 'fsGroup', options.fsGroup, 0);
    if (options.runAsUser === 0) invalid(pod, 'runAsUser', 0, 'the restricted Pod Security Standard forbids running as root (uid 0)');
    const state = stateOf(pod);
    state.security = { ...options };
    installPatches(pod, state);
  }

  /** The accelerators requested on a cdk8s-plus workload through {@link KplusWorkloads.requestAccelerator}. */
  public static acceleratorsOf(workload: AbstractPod): Accelerator[] {
    const pod = checkWorkload(workload);
    return stateOf(pod).accelerators.map(r => r.accelerator);
  }

  /**
   * Schedules `workload` on `pool` (see `NodePoolBase.schedule`); `check` is the pool's capacity check.
   * @internal
   */
  public static _schedule(
    pool: INodePool, workload: AbstractPod, options: KplusScheduleOptions,
    check: (scope: IConstruct, accelerators: Array<{ accelerator: Accelerator; field: string }>) => void,
  ): void {
    if (!isKplusWorkload(workload)) {
      const hint = (workload as any) instanceof PodTemplate ? '; place a PodTemplate with pool.place(scope, template)' : '';
      invalid(pool, 'workload', describe(workload), `must be a cdk8s-plus-28 workload (Deployment, Job, StatefulSet, DaemonSet, CronJob or Pod)${hint}`);
    }
    const pod = checkWorkload(workload);
    const state = stateOf(pod);
    if (state.pool) {
      invalid(pod, 'pool', pool.poolName, `the workload is already scheduled on node pool '${state.pool.poolName}'`);
    }
    if (options.accelerator !== undefined) {
      KplusWorkloads.requestAccelerator(pod, options.accelerator, { containerIndex: options.containerIndex });
    } else if (options.containerIndex !== undefined) {
      invalid(pod, 'containerIndex', options.containerIndex, 'is only used with accelerator');
    }
    state.pool = pool;
    const scheduling = (pod as any).scheduling;
    for (const t of pool.taints) {
      scheduling.tolerate(Node.tainted(t.value === undefined
        ? NodeTaintQuery.exists(t.key, { effect: t.effect })
        : NodeTaintQuery.is(t.key, t.value, { effect: t.effect })));
    }
    const kind = ApiObject.of(pod).kind;
    if (options.runToCompletion ?? (kind === 'Job' || kind === 'CronJob')) pod.podMetadata.addAnnotation(DO_NOT_DISRUPT, 'true');
    installPatches(pod, state);
    PlatformContext.of(pod).check(() => check(pod, state.accelerators.map(r => ({ accelerator: r.accelerator, field: `containers[${r.containerIndex}].accelerator` }))));
  }

  private constructor() {}
}

function isKplusWorkload(x: unknown): x is AbstractPod {
  if (x === null || typeof x !== 'object') return false;
  const o = x as any;
  return o.node !== undefined && ApiObject.isApiObject(o.node.defaultChild) && Array.isArray(o.containers) && typeof o.podMetadata === 'object'
    && typeof o.scheduling === 'object' && typeof o.scheduling?.tolerate === 'function';
}

/** The bad value as named in errors: the class of an object that is a construct or a PodTemplate. */
function describe(x: unknown): unknown {
  if ((x as any) instanceof PodTemplate || (x !== null && typeof x === 'object' && (x as any).node?.path !== undefined)) return (x as any).constructor?.name ?? 'an object';
  return x;
}

/** Checks that `x` is a cdk8s-plus workload of a supported kind (ValidationError otherwise, never a TypeError). */
function checkWorkload(x: unknown): AbstractPod {
  if (!isKplusWorkload(x)) {
    const scope = x !== null && typeof x === 'object' && (x as any).node?.path !== undefined ? x as IConstruct : undefined;
    const accepted = 'must be a cdk8s-plus-28 workload (Deployment, Job, StatefulSet, DaemonSet, CronJob or Pod)';
    if (scope) invalid(scope, 'workload', describe(x), accepted);
    invalidWithoutScope(describe(x), accepted);
  }
  if (!SUPPORTED_KINDS.includes(ApiObject.of(x).kind)) {
    invalid(x, 'workload', ApiObject.of(x).kind, `kinds with a pod template: ${SUPPORTED_KINDS.join(', ')}`);
  }
  return x;
}

/** A ValidationError for a value that is not a construct at all (named after the app root). */
function invalidWithoutScope(value: unknown, accepted: string): never {
  return invalid({ node: { path: '' } } as IConstruct, 'workload', value, accepted);
}

function stateOf(pod: AbstractPod): KplusState {
  let state = STATES.get(pod);
  if (!state) {
    state = { accelerators: [], patching: false, noPoolCheck: false };
    STATES.set(pod, state);
  }
  return state;
}

/** Workloads requesting accelerators but scheduled on no pool, in an app that declares pools, are an error. */
function checkPlaced(pod: AbstractPod, state: KplusState): void {
  if (state.pool || state.accelerators.length === 0) return;
  const pools = nodePoolsOf(pod);
  if (pools.length === 0) return; // nodes managed outside this app
  const template = new PodTemplate({ containers: state.accelerators.map(r => ({ image: 'probe', resources: { accelerator: r.accelerator } })) });
  const serving = pools.filter(p => p.canServe(template)).map(p => `'${p.poolName}'`);
  const wanted = state.accelerators.map(r => `${r.accelerator.count} ${r.accelerator.resourceName}${r.accelerator.product ? ` (${r.accelerator.product})` : ''}`).join(', ');
  invalid(pod, 'pool', undefined, serving.length
    ? `the pods request ${wanted} but are scheduled on no node pool; schedule them with pool.schedule(workload) on one of ${serving.join(', ')}`
    : `the pods request ${wanted} but no node pool in this app can serve it (pools: ${pools.map(p => `'${p.poolName}'`).join(', ')})`);
}

/**
 * Adds, at synth, the JSON patches that carry what cdk8s-plus cannot express: accelerator limits, the pool's node
 * selector (and the products' selector), and the restricted security settings. The patches are computed from the
 * object as rendered then (so later changes count) and only add what is missing (so running twice adds nothing).
 */
function installPatches(pod: AbstractPod, state: KplusState): void {
  if (state.patching) return;
  state.patching = true;
  pod.node.addValidation({
    validate: () => {
      addPatches(pod, state);
      return [];
    },
  });
}

function addPatches(pod: AbstractPod, state: KplusState): void {
  const obj = ApiObject.of(pod);
  const json = obj.toJson();
  const base = obj.kind === 'Pod' ? '/spec' : obj.kind === 'CronJob' ? '/spec/jobTemplate/spec/template/spec' : '/spec/template/spec';
  const spec = base.split('/').slice(1).reduce((o: any, k) => o?.[k], json);
  if (!spec) return; // nothing rendered: cdk8s-plus reports its own error
  const patches: JsonPatch[] = [];
  const add = (path: string, value: unknown) => patches.push(JsonPatch.add(path, value));
  // cdk8s-plus objects are generated classes (KubeDeployment...) that map their props to Kubernetes JSON after the
  // patches are applied: a quantity is then a Quantity (`{ value }`), and a plain string would be dropped.
  const typed = typeof (obj.constructor as any).manifest === 'function';
  const quantity = (q: string) => (typed ? { value: q } : q);

  // accelerators: container limits
  for (const r of state.accelerators) {
    const c = spec.containers?.[r.containerIndex];
    if (!c) continue;
    const where = `${base}/containers/${r.containerIndex}`;
    const count = String(r.accelerator.count);
    const key = pointer(r.accelerator.resourceName);
    if (!c.resources) add(`${where}/resources`, { limits: { [r.accelerator.resourceName]: quantity(count) } });
    else if (!c.resources.limits) add(`${where}/resources/limits`, { [r.accelerator.resourceName]: quantity(count) });
    else if (c.resources.limits[r.accelerator.resourceName] !== count) add(`${where}/resources/limits/${key}`, quantity(count));
  }

  // node selector: the pool's labels and the products requested
  const selector: Record<string, string> = { ...(state.pool?.nodeLabels ?? {}) };
  for (const r of state.accelerators) Object.assign(selector, r.accelerator.nodeSelector);
  const existing = spec.nodeSelector ?? {};
  for (const [k, v] of Object.entries(selector)) {
    if (existing[k] !== undefined && existing[k] !== v) {
      invalid(pod, `nodeSelector.${k}`, existing[k], `the workload is scheduled on nodes labelled '${k}: ${v}'`);
    }
  }
  const missing = Object.entries(selector).filter(([k]) => existing[k] === undefined).sort(([a], [b]) => a.localeCompare(b));
  if (missing.length && !spec.nodeSelector) add(`${base}/nodeSelector`, Object.fromEntries(missing));
  else for (const [k, v] of missing) add(`${base}/nodeSelector/${pointer(k)}`, v);

  if (state.security) restrict(pod, state.security, spec, base, add);

  if (patches.length) obj.addJsonPatch(...patches);
}

/** Adds what the restricted Pod Security Standard needs; throws on what it forbids. */
function restrict(pod: AbstractPod, options: KplusSecurityOptions, spec: any, base: string, add: (path: string, value: unknown) => void): void {
  if (spec.hostNetwork === true) invalid(pod, 'hostNetwork', true, 'the restricted Pod Security Standard forbids host networking');
  (spec.volumes ?? []).forEach((v: any) => {
    const type = Object.keys(v).find(k => k !== 'name');
    if (type && !RESTRICTED_VOLUMES.includes(type)) {
      invalid(pod, `volumes.${v.name}`, type, `the restricted Pod Security Standard allows only ${RESTRICTED_VOLUMES.join(', ')} volumes`);
    }
  });

  const sc = spec.securityContext;
  const uid = sc?.runAsUser ?? options.runAsUser ?? 1000;
  const gid = sc?.runAsGroup ?? options.runAsGroup ?? uid;
  const fsGroup = sc?.fsGroup ?? options.fsGroup ?? gid;
  const conflict = (field: string, set: unknown, wanted: unknown) => {
    if (wanted !== undefined && set !== undefined && set !== wanted) {
      invalid(pod, field, wanted, `the workload's securityContext already sets ${set}`);
    }
  };
  conflict('runAsUser', sc?.runAsUser, options.runAsUser);
  conflict('runAsGroup', sc?.runAsGroup, options.runAsGroup);
  conflict('fsGroup', sc?.fsGroup, options.fsGroup);
  if (sc?.runAsNonRoot === false) invalid(pod, 'securityContext.ensureNonRoot', false, 'the restricted Pod Security Standard requires running as non-root');
  if (sc?.runAsUser === 0) invalid(pod, 'securityContext.user', 0, 'the restricted Pod Security Standard forbids running as root (uid 0)');
  const wanted: Record<string, unknown> = {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup,
    seccompProfile: { type: 'RuntimeDefault' },
  };
  if (!sc) {
    add(`${base}/securityContext`, wanted);
  } else {
    const seccomp = sc.seccompProfile?.type;
    if (seccomp !== undefined && seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      invalid(pod, 'securityContext.seccompProfile', seccomp, "the restricted Pod Security Standard requires 'RuntimeDefault' or 'Localhost'");
    }
    for (const [k, v] of Object.entries(wanted)) if (sc[k] === undefined) add(`${base}/securityContext/${k}`, v);
  }

  const containers = [
    ...(spec.initContainers ?? []).map((c: any, i: number) => ({ c, field: `initContainers[${i}]`, path: `${base}/initContainers/${i}` })),
    ...(spec.containers ?? []).map((c: any, i: number) => ({ c, field: `containers[${i}]`, path: `${base}/containers/${i}` })),
  ];
  for (const { c, field, path } of containers) {
    const csc = c.securityContext;
    const f = `${field}.securityContext`;
    if (csc?.privileged === true) invalid(pod, `${f}.privileged`, true, 'the restricted Pod Security Standard forbids privileged containers');
    if (csc?.allowPrivilegeEscalation === true) invalid(pod, `${f}.allowPrivilegeEscalation`, true, 'the restricted Pod Security Standard forbids privilege escalation');
    if (csc?.runAsNonRoot === false) invalid(pod, `${f}.ensureNonRoot`, false, 'the restricted Pod Security Standard requires running as non-root');
    if (csc?.runAsUser === 0) invalid(pod, `${f}.user`, 0, 'the restricted Pod Security Standard forbids running as root (uid 0)');
    const seccomp = csc?.seccompProfile?.type;
    if (seccomp !== undefined && seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      invalid(pod, `${f}.seccompProfile`, seccomp, "the restricted Pod Security Standard requires 'RuntimeDefault' or 'Localhost'");
    }
    const added: string[] = csc?.capabilities?.add ?? [];
    const extra = added.filter(a => a !== 'NET_BIND_SERVICE');
    if (extra.length) invalid(pod, `${f}.capabilities.add`, extra, "the restricted Pod Security Standard allows adding only 'NET_BIND_SERVICE'");
    const containerWanted: Record<string, unknown> = {
      allowPrivilegeEscalation: false,
      capabilities: { ...(added.length ? { add: added } : {}), drop: ['ALL'] },
    };
    if (!csc) {
      add(`${path}/securityContext`, containerWanted);
      continue;
    }
    if (csc.allowPrivilegeEscalation === undefined) add(`${path}/securityContext/allowPrivilegeEscalation`, false);
    const drop: string[] = csc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) add(`${path}/securityContext/capabilities`, { ...(csc.capabilities ?? {}), drop: [...drop, 'ALL'] });
  }
}

/** A JSON pointer segment (RFC 6901). */
function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
