import * as crypto from 'crypto';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as YAML from 'yaml';
import { PlatformApp } from './platform-app';
import { POD_SECURITY_ANNOTATION, PodSecurityLevel } from '../core/security';
import { formatViolation, SchemaValidator } from '../validation/schema-validator';

/** Options of {@link PlatformTesting}. */
export interface PlatformTestingOptions {
  /**
   * Validate every object against the schemas of the pinned upstream versions.
   * @default true
   */
  readonly schemas?: boolean;
  /**
   * Accept objects whose kind has no pinned schema (e.g. your own CRDs); otherwise they are problems.
   * @default false
   */
  readonly allowUnknownKinds?: boolean;
  /**
   * Check every pod template offline against the restricted Pod Security Standard (or the level its object opts out
   * to, with the `ai-platform.cdk8s.io/pod-security` annotation).
   * @default true
   */
  readonly podSecurity?: boolean;
}

/** Baseline: capabilities a container may add. */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** Restricted: volume types a pod may use. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

/**
 * A blueprint testing kit for jest (or any test runner): synthesize an app or chart, check every object, and get
 * the objects back to assert on or snapshot.
 *
 * Checks: each object against the schema of its kind in the pinned upstream versions (custom resources against
 * their CRDs, core kinds against Kubernetes' OpenAPI), and each pod template offline against the restricted Pod
 * Security Standard — or against the level its object records as an explicit opt-out. CEL rules and admission need
 * a real API server (see the project's integration suite).
 *
 * Snapshots: {@link PlatformTesting.toSnapshot} renders objects as stable, readable YAML (CRD schemas replaced by
 * their digest); jest users register the serializer in `cdk8s-ai-platform/lib/platform/jest-serializer`.
 */
export class PlatformTesting {
  /**
   * Synthesizes `scope` (an App, a PlatformApp — laid out as its GitOps output says — or a Chart), checks every
   * object and returns them in output order. Throws an error listing every problem.
   * @param scope an App, PlatformApp or Chart
   */
  public static synth(scope: IConstruct, options: PlatformTestingOptions = {}): any[] {
    const objects = PlatformTesting.synthUnchecked(scope);
    PlatformTesting.validate(objects, options);
    return objects;
  }

  /**
   * Synthesizes `scope` without checking the objects.
   * @param scope an App, PlatformApp or Chart
   */
  public static synthUnchecked(scope: IConstruct): any[] {
    if (scope instanceof PlatformApp) return scope.synthFiles().flatMap(f => f.objects);
    if (scope instanceof App) {
      return YAML.parseAllDocuments(scope.synthYaml()).map(d => d.toJSON()).filter(o => o !== null && o !== undefined);
    }
    if (scope instanceof Chart) return Testing.synth(scope);
    throw new Error(`PlatformTesting.synth takes an App or a Chart, not ${scope.node.path || 'the root'} (${scope.constructor.name})`);
  }

  /**
   * Checks objects (schemas and Pod Security, as the options say); throws an error listing every problem.
   * @param objects synthesized objects
   */
  public static validate(objects: any[], options: PlatformTestingOptions = {}): void {
    const problems = PlatformTesting.problems(objects, options);
    if (problems.length > 0) {
      throw new Error(`${problems.length} problem(s) in the synthesized objects:\n  ${problems.join('\n  ')}`);
    }
  }

  /**
   * The problems of objects, one line each (empty when all is well).
   * @param objects synthesized objects
   */
  public static problems(objects: any[], options: PlatformTestingOptions = {}): string[] {
    const out: string[] = [];
    if (options.schemas ?? true) {
      const result = SchemaValidator.default().validateAll(objects);
      out.push(...result.violations.map(v => formatViolation(v)));
      if (!(options.allowUnknownKinds ?? false)) out.push(...result.unchecked.map(u => `${u.gvk} ${u.name}: ${u.reason}`));
    }
    if (options.podSecurity ?? true) {
      for (const obj of objects) out.push(...podSecurityProblems(obj));
    }
    return out;
  }

  /**
   * Objects as a stable, readable snapshot: YAML documents, each headed by `# <kind> <namespace>/<name>`, keys of
   * nested maps sorted, CRD schemas replaced by `<sha256 …, N bytes>`.
   * @param objects synthesized objects
   */
  public static toSnapshot(objects: any[]): string {
    return objects.map(o => {
      const md = o?.metadata ?? {};
      const head = `# ${o?.kind} ${md.namespace ? `${md.namespace}/` : ''}${md.name}`;
      return `${head}\n${YAML.stringify(canonical(o), { lineWidth: 0, sortMapEntries: false })}`;
    }).join('---\n');
  }

  /**
   * The objects of `scope`'s synthesis that a construct emitted (its own ApiObjects and its children's), as JSON.
   * @param construct a construct of a synthesized app
   * @param objects the app's synthesized objects
   */
  public static objectsOf(construct: IConstruct, objects: any[]): any[] {
    const mine = construct.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
    return objects.filter(o => mine.some(m => m.kind === o.kind && m.apiVersion === o.apiVersion && m.name === o.metadata?.name
      && (m.metadata.namespace ?? undefined) === (o.metadata?.namespace ?? undefined)));
  }

  private constructor() {}
}

const TOP = ['apiVersion', 'kind', 'metadata'];

function canonical(o: any): any {
  const out: any = {};
  for (const k of TOP) if (o[k] !== undefined) out[k] = sortKeys(o[k]);
  for (const k of Object.keys(o).filter(x => !TOP.includes(x)).sort()) {
    out[k] = k === 'spec' && o.kind === 'CustomResourceDefinition' ? digestSchemas(o[k]) : sortKeys(o[k]);
  }
  return out;
}

function sortKeys(v: any): any {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: any = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

function digestSchemas(spec: any): any {
  const copy = sortKeys(spec);
  for (const version of copy.versions ?? []) {
    if (version?.schema?.openAPIV3Schema) {
      const text = JSON.stringify(version.schema.openAPIV3Schema);
      const sha = crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
      version.schema = { openAPIV3Schema: `<sha256 ${sha}, ${text.length} bytes>` };
    }
  }
  return copy;
}

/**
 * The strictest Pod Security level every pod template of `obj` meets (whatever it records as an opt-out), and the
 * first problem that rules out the stricter levels; undefined problem when restricted.
 * @internal
 */
export function podSecurityLevelOf(obj: any): { level: PodSecurityLevel; problem?: string } {
  const specs: any[] = [];
  findPodSpecs(obj?.spec, s => specs.push(s));
  for (const level of [PodSecurityLevel.RESTRICTED, PodSecurityLevel.BASELINE]) {
    const problems = specs.flatMap(s => podSpecProblems(s, level));
    if (problems.length === 0) return level === PodSecurityLevel.RESTRICTED ? { level } : { level, problem: podSpecProblemsAll(specs)[0] };
  }
  return { level: PodSecurityLevel.PRIVILEGED, problem: specs.flatMap(s => podSpecProblems(s, PodSecurityLevel.BASELINE))[0] };
}

function podSpecProblemsAll(specs: any[]): string[] {
  return specs.flatMap(s => podSpecProblems(s, PodSecurityLevel.RESTRICTED));
}

function isPodSpec(node: any): boolean {
  return Array.isArray(node.containers) && node.containers.length > 0 && node.containers.every((c: any) => c && typeof c === 'object' && 'image' in c);
}

function findPodSpecs(node: any, found: (spec: any) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach(x => findPodSpecs(x, found));
    return;
  }
  if (isPodSpec(node)) {
    found(node);
    return;
  }
  for (const [k, v] of Object.entries(node)) if (k !== 'metadata' && k !== 'status') findPodSpecs(v, found);
}

/** Pod Security problems of every pod template found in `obj`. @internal */
export function podSecurityProblems(obj: any): string[] {
  const md = obj?.metadata ?? {};
  const what = `${obj?.kind} ${md.namespace ? `${md.namespace}/` : ''}${md.name}`;
  const out: string[] = [];
  const visit = (node: any, path: string, annotations: any): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((x, i) => visit(x, `${path}[${i}]`, annotations));
      return;
    }
    const here = node.metadata?.annotations ?? annotations;
    if (isPodSpec(node)) {
      const level = (here?.[POD_SECURITY_ANNOTATION] ?? md.annotations?.[POD_SECURITY_ANNOTATION] ?? PodSecurityLevel.RESTRICTED) as PodSecurityLevel;
      for (const p of podSpecProblems(node, level)) out.push(`${what} ${path || '/'}: ${p} (${level})`);
      return;
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'metadata' || k === 'status') continue;
      visit(v, `${path}/${k}`, here);
    }
  };
  visit(obj?.spec, '/spec', md.annotations);
  return out;
}

function podSpecProblems(pod: any, level: PodSecurityLevel): string[] {
  if (level === PodSecurityLevel.PRIVILEGED) return [];
  const out: string[] = [];
  const psc = pod.securityContext ?? {};
  const containers: Array<{ c: any; label: string }> = [];
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of pod[key] ?? []) containers.push({ c, label: `container "${c.name}"` });
  }
  for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[k] === true) out.push(`${k}=true`);
  for (const v of pod.volumes ?? []) {
    if (v.hostPath) out.push(`hostPath volume "${v.name}"`);
  }
  if (psc.seccompProfile?.type === 'Unconfined') out.push('pod seccompProfile Unconfined');
  for (const { c, label } of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) out.push(`${label}: privileged`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPABILITIES.has(cap)) out.push(`${label}: adds capability ${cap}`);
    for (const port of c.ports ?? []) if (port.hostPort) out.push(`${label}: hostPort ${port.hostPort}`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push(`${label}: procMount ${sc.procMount}`);
    if (sc.seccompProfile?.type === 'Unconfined') out.push(`${label}: seccompProfile Unconfined`);
  }
  if (level !== PodSecurityLevel.RESTRICTED) return out;
  for (const v of pod.volumes ?? []) {
    const type = Object.keys(v).find(k => k !== 'name');
    if (type !== undefined && !RESTRICTED_VOLUMES.has(type) && type !== 'hostPath') out.push(`volume "${v.name}" of type ${type}`);
  }
  if (psc.runAsUser === 0) out.push('pod runAsUser=0');
  for (const { c, label } of containers) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`${label}: allowPrivilegeEscalation != false`);
    const drops: string[] = sc.capabilities?.drop ?? [];
    if (!drops.includes('ALL')) out.push(`${label}: capabilities.drop does not include ALL`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') out.push(`${label}: adds capability ${cap}`);
    if (!(sc.runAsNonRoot === true || (sc.runAsNonRoot === undefined && psc.runAsNonRoot === true))) out.push(`${label}: runAsNonRoot != true`);
    if (sc.runAsUser === 0) out.push(`${label}: runAsUser=0`);
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${label}: seccompProfile must be RuntimeDefault or Localhost`);
  }
  return out;
}
