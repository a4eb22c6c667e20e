/**
 * The upstream-examples suite: official example YAMLs of each pinned operator, read at test time from the pinned Go
 * module (downloaded by `npm run upstream` into Go's module cache), re-expressed with the library and compared with
 * the upstream YAML after a documented normalization. See docs/upstream-examples.md.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { parseQuantity } from '../../src/compute/kueue-util';
import { UPSTREAM_PINS } from '../../src/core/versions';
import { UPSTREAM_CACHE_DIR } from '../../src/validation/cache';

// ------------------------------------------------------------------------------------------------
// Reading the pinned modules
// ------------------------------------------------------------------------------------------------

let modCache: string | undefined;

/** Go's module cache (`go env GOMODCACHE`; `$GOPATH/pkg/mod` or `~/go/pkg/mod` without Go). */
export function goModCache(): string {
  if (modCache) return modCache;
  try {
    modCache = execFileSync('go', ['env', 'GOMODCACHE'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    modCache = process.env.GOMODCACHE || path.join(process.env.GOPATH || path.join(os.homedir(), 'go'), 'pkg', 'mod');
  }
  return modCache;
}

/** Go's module cache escapes upper-case letters as `!` + lower case. */
function escapeModulePath(p: string): string {
  return p.replace(/[A-Z]/g, c => `!${c.toLowerCase()}`);
}

/** The directory of the pinned Go module of component `id` (see src/core/versions.ts). */
export function moduleDir(id: string): string {
  const pin = UPSTREAM_PINS.find(p => p.id === id);
  if (!pin) throw new Error(`no upstream pin '${id}'`);
  let dir = path.join(goModCache(), `${escapeModulePath(pin.goModule)}@${pin.goModuleVersion}`);
  if (!fs.existsSync(dir)) {
    // `npm run upstream` leaves a component alone once extracted; Go's module cache may have been cleaned since
    try {
      const out = execFileSync('go', ['mod', 'download', '-json', `${pin.goModule}@${pin.goModuleVersion}`], {
        stdio: ['ignore', 'pipe', 'ignore'], cwd: os.tmpdir(), env: { ...process.env, GOFLAGS: '-mod=mod' }, maxBuffer: 16 * 1024 * 1024,
      }).toString();
      dir = JSON.parse(out).Dir ?? dir;
    } catch {
      // reported below
    }
  }
  if (!fs.existsSync(dir)) {
    throw new Error(`the pinned module ${pin.goModule}@${pin.goModuleVersion} is not in Go's module cache (${dir}); run \`npm run upstream\``);
  }
  return dir;
}

/** The documents of an upstream YAML file (empty documents dropped). */
export function readUpstream(id: string, file: string): any[] {
  const text = fs.readFileSync(path.join(moduleDir(id), file), 'utf8');
  return YAML.parseAllDocuments(text).map(d => d.toJSON()).filter(d => d !== null && d !== undefined);
}

// ------------------------------------------------------------------------------------------------
// Normalization
// ------------------------------------------------------------------------------------------------

/** One difference between the library's object and upstream's, after normalization. */
export interface Difference {
  /** Path of the field (`spec.driver.cores`, `spec.template.spec.containers[0].name`). */
  readonly path: string;
  /** The library's value (undefined: the library does not write it). */
  readonly library?: any;
  /** Upstream's value (undefined: upstream does not write it). */
  readonly upstream?: any;
}

/** Why a difference was normalized away (see docs/upstream-examples.md). */
export enum Normalization {
  /** The library's restricted Pod Security hardening (security contexts, no service account token, memory limits). */
  HARDENING = 'hardening',
  /** A default the upstream API applies (from the pinned CRD schema, or Kubernetes' defaulting of core kinds). */
  API_DEFAULT = 'api-default',
  /** The same quantity written differently (`1` and `"1"`, as the API server stores it). */
  QUANTITY = 'quantity',
  /** A label the library adds to find its objects (`ai-platform.cdk8s.io/...`). */
  LIBRARY_LABEL = 'library-label',
}

const QUANTITY_PATH = /(\.resources\.(requests|limits)\..+|\.(nominalQuota|borrowingLimit|lendingLimit|coreRequest|coreLimit)|\.weight)$/;

/** A container or pod security context the library adds, or a field of one. */
const HARDENING_PATHS: RegExp[] = [
  /(^|\.)(securityContext|podSecurityContext)(\.|$)/,
  /(^|\.)automountServiceAccountToken$/,
];

/** Kubernetes' defaults of core kinds that CRD schemas do not carry (the API server applies them to pods). */
function coreDefault(p: string, value: any, object: any): boolean {
  if (/containers\[\d+\]\.ports\[\d+\]\.protocol$/.test(p)) return value === 'TCP';
  if (/containers\[\d+\]\.imagePullPolicy$/.test(p)) {
    const image = getPath(object, p.replace(/imagePullPolicy$/, 'image'));
    const latest = typeof image === 'string' && (!/:[^/]+$/.test(image) || image.endsWith(':latest')) && !image.includes('@');
    return value === (latest ? 'Always' : 'IfNotPresent');
  }
  return false;
}

/** Reads a dotted path with `[i]` indexes. */
export function getPath(obj: any, p: string): any {
  let cur = obj;
  for (const part of p.split(/\.(?![^[]*\])/)) {
    const m = /^([^[]*)((\[\d+\])*)$/.exec(part);
    if (!m) return undefined;
    if (m[1]) cur = cur?.[m[1]];
    for (const idx of m[2].match(/\d+/g) ?? []) cur = cur?.[Number(idx)];
  }
  return cur;
}

/** The schema of a CRD kind, from the pinned upstream cache. */
function crdSchema(apiVersion: string, kind: string): any {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!group || !group.includes('.')) return undefined;
  const file = path.join(UPSTREAM_CACHE_DIR, 'schemas', 'crd', group, version, `${kind}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).schema : undefined;
}

/** The schema node at a path of an object (through `properties`, `items` and `additionalProperties`). */
function schemaAt(schema: any, p: string): any {
  let cur = schema;
  for (const part of p.split(/\.(?![^[]*\])/)) {
    const m = /^([^[]*)((\[\d+\])*)$/.exec(part);
    if (!m || !cur) return undefined;
    if (m[1]) cur = cur.properties?.[m[1]] ?? (typeof cur.additionalProperties === 'object' ? cur.additionalProperties : undefined);
    for (const _ of m[2].match(/\d+/g) ?? []) cur = cur?.items;
  }
  return cur;
}

/**
 * Defaults that operators' defaulting webhooks apply (not in the CRD schemas), per kind: path → value. Read from the
 * pinned sources (cited).
 */
const SPARK_APP_DEFAULTS: { [path: string]: any } = {
  // spark-operator api/v1beta2/defaults.go SetSparkApplicationDefaults
  'type': 'Scala',
  'mode': 'cluster',
  'restartPolicy.type': 'Never',
  'driver.cores': 1,
  'driver.memory': '1g',
  'executor.cores': 1,
  'executor.memory': '1g',
  'executor.instances': 1,
  'dynamicAllocation.shuffleTrackingEnabled': true,
};
const OPERATOR_DEFAULTS: { [kind: string]: { [path: string]: any } } = {
  SparkApplication: Object.fromEntries(Object.entries(SPARK_APP_DEFAULTS).map(([k, v]) => [`spec.${k}`, v])),
  ScheduledSparkApplication: Object.fromEntries(Object.entries(SPARK_APP_DEFAULTS).map(([k, v]) => [`spec.template.${k}`, v])),
  // kserve config/configmap/inferenceservice.yaml: defaultDeploymentMode "Serverless" (named Knative since KServe 0.15);
  // the library writes the mode explicitly, so that the object does not depend on the cluster's configuration
  InferenceService: { 'metadata.annotations.serving.kserve.io/deploymentMode': 'Knative' },
  // fluid pkg/utils/dataset.go GetAccessModesOfDataset: no access modes are ReadOnlyMany
  Dataset: { 'spec.accessModes[0]': 'ReadOnlyMany' },
};

/** Katib's Experiment defaulting (katib pkg/apis/controller/experiments/v1beta1/experiment_defaults.go, constants.go). */
function experimentDefault(object: any, p: string): any {
  const kind = object.spec?.trialTemplate?.trialSpec?.kind;
  const job = kind === 'Job' || kind === 'TrainJob';
  if (/^spec\.parameters\[\d+\]\.feasibleSpace\.distribution$/.test(p)) return 'uniform';
  return ({
    'spec.parallelTrialCount': 3,
    'spec.resumePolicy': 'Never',
    'spec.metricsCollectorSpec.collector.kind': 'StdOut',
    'spec.trialTemplate.successCondition': `status.conditions.#(type=="${job ? 'Complete' : 'Succeeded'}")#|#(status=="True")#`,
    'spec.trialTemplate.failureCondition': 'status.conditions.#(type=="Failed")#|#(status=="True")#',
    // a Go bool with omitempty: false and absent are the same
    'spec.trialTemplate.retain': false,
  } as { [path: string]: any })[p];
}

/** Argo Workflows names a template's container `main` (its default container name, workflow/common). */
function workflowDefault(p: string): any {
  return /(^|\.)templates\[\d+\]\.(container|script)\.name$/.test(p) ? 'main' : undefined;
}

/** Training Operator v1 replica defaults (training-operator pkg/apis/kubeflow.org/v1/*_types.go, *_defaults.go). */
const V1_RESTART_POLICY: { [kind: string]: string } = {
  PyTorchJob: 'OnFailure', TFJob: 'Never', MPIJob: 'Never', PaddleJob: 'OnFailure', JAXJob: 'Never', XGBoostJob: 'Never',
};
function trainingOperatorDefault(kind: string, p: string): any {
  if (/^spec\.[a-zA-Z]+ReplicaSpecs\.[A-Za-z]+\.restartPolicy$/.test(p)) return V1_RESTART_POLICY[kind];
  if (/^spec\.[a-zA-Z]+ReplicaSpecs\.[A-Za-z]+\.replicas$/.test(p)) return 1;
  return undefined;
}

/**
 * Kueue's webhook suspends a queued job on creation (kueue pkg/controller/jobframework/defaults.go
 * ApplyDefaultForSuspend): for an object with the queue-name label, `suspend: true` is what the API stores anyway.
 */
function kueueSuspended(object: any, p: string, value: any): boolean {
  if (object.metadata?.labels?.['kueue.x-k8s.io/queue-name'] === undefined || value !== true) return false;
  return p === 'spec.suspend' || p === 'spec.runPolicy.suspend';
}

function isApiDefault(object: any, p: string, value: any): boolean {
  if (value === undefined) return false;
  if (kueueSuspended(object, p, value)) return true;
  if (V1_RESTART_POLICY[object.kind] !== undefined && trainingOperatorDefault(object.kind, p) === value) return true;
  const operatorDefault = object.kind === 'Experiment' ? experimentDefault(object, p)
    : ['Workflow', 'CronWorkflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate'].includes(object.kind) ? workflowDefault(p)
      : OPERATOR_DEFAULTS[object.kind]?.[p];
  if (operatorDefault !== undefined && JSON.stringify(operatorDefault) === JSON.stringify(value)) return true;
  const node = schemaAt(crdSchema(object.apiVersion, object.kind), p);
  if (node && 'default' in node && JSON.stringify(node.default) === JSON.stringify(value)) return true;
  return coreDefault(p, value, object);
}

function isQuantityEqual(p: string, a: any, b: any): boolean {
  if (!QUANTITY_PATH.test(p) || a === undefined || b === undefined) return false;
  if (String(a) === String(b)) return true;
  try {
    return Math.abs(parseQuantity(String(a)) - parseQuantity(String(b))) < 1e-9;
  } catch {
    return false;
  }
}

/** Every leaf difference between `a` (library) and `b` (upstream). */
export function rawDiff(a: any, b: any, p = ''): Difference[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (x: any) => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap(k => rawDiff(a[k], b[k], p ? `${p}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => rawDiff(x, b[i], `${p}[${i}]`));
  }
  // a missing object or array on one side: one difference per leaf of the other side
  const nonEmpty = (x: any) => (isObj(x) || Array.isArray(x)) && Object.keys(x).length > 0;
  if (a === undefined && nonEmpty(b)) return leaves(b, p).map(([lp, v]) => ({ path: lp, upstream: v }));
  if (b === undefined && nonEmpty(a)) return leaves(a, p).map(([lp, v]) => ({ path: lp, library: v }));
  return [{ path: p, library: a, upstream: b }];
}

function leaves(x: any, p: string): [string, any][] {
  if (x !== null && typeof x === 'object' && Object.keys(x).length > 0) {
    return Array.isArray(x)
      ? x.flatMap((v, i) => leaves(v, `${p}[${i}]`))
      : Object.keys(x).sort().flatMap(k => leaves(x[k], p ? `${p}.${k}` : k));
  }
  return [[p, x]];
}

/** How one difference is normalized away, or undefined when it remains. */
export function normalization(library: any, upstream: any, d: Difference): Normalization | undefined {
  if (isQuantityEqual(d.path, d.library, d.upstream)) return Normalization.QUANTITY;
  if (d.upstream === undefined && /\.labels\.ai-platform\.cdk8s\.io\/[^.]+$/.test(d.path)) return Normalization.LIBRARY_LABEL;
  if (HARDENING_PATHS.some(r => r.test(d.path)) && d.library !== undefined && d.upstream === undefined) return Normalization.HARDENING;
  // a memory limit equal to the request: the library bounds memory so that a pod is not killed for its neighbours' sake
  const limit = /^(.*\.resources)\.limits\.memory$/.exec(d.path);
  if (limit && d.upstream === undefined && d.library !== undefined && String(getPath(library, `${limit[1]}.requests.memory`)) === String(d.library)) {
    return Normalization.HARDENING;
  }
  if (d.upstream === undefined && isApiDefault(library, d.path, d.library)) return Normalization.API_DEFAULT;
  if (d.library === undefined && isApiDefault(upstream, d.path, d.upstream)) return Normalization.API_DEFAULT;
  return undefined;
}

/** Pod-level security settings that a container inherits unless it sets them. */
const INHERITED_SECURITY = ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'seccompProfile', 'seLinuxOptions', 'appArmorProfile', 'windowsOptions'];

/** Moves inherited pod-level security settings into every container (the effective security context). */
function effectiveSecurity(podSecurity: any, containers: any[]): void {
  if (!podSecurity) return;
  for (const c of containers) {
    for (const f of INHERITED_SECURITY) {
      if (podSecurity[f] === undefined) continue;
      c.securityContext = c.securityContext ?? {};
      if (c.securityContext[f] === undefined) c.securityContext[f] = podSecurity[f];
    }
  }
  for (const f of INHERITED_SECURITY) delete podSecurity[f];
}

const SPARK_CONTAINERS: { [role: string]: string } = { driver: 'spark-kubernetes-driver', executor: 'spark-kubernetes-executor' };

/**
 * Spark: the library writes a role's pod settings into a Spark pod template (`driver.template`), which Spark merges
 * with the operator's settings; folded into the SparkPodSpec fields, they are what upstream writes there.
 */
function foldSparkTemplates(spec: any): void {
  for (const role of Object.keys(SPARK_CONTAINERS)) {
    const r = spec?.[role];
    const t = r?.template;
    if (!t) continue;
    if (t.metadata?.labels) r.labels = { ...t.metadata.labels, ...(r.labels ?? {}) };
    if (t.metadata?.annotations) r.annotations = { ...t.metadata.annotations, ...(r.annotations ?? {}) };
    delete t.metadata;
    const ps = t.spec ?? {};
    if (ps.securityContext) r.podSecurityContext = { ...ps.securityContext, ...(r.podSecurityContext ?? {}) };
    delete ps.securityContext;
    if (ps.serviceAccountName === r.serviceAccount) delete ps.serviceAccountName;
    // the operator sets the pods' scheduler to the batch scheduler
    if (ps.schedulerName !== undefined && ps.schedulerName === spec.batchScheduler) delete ps.schedulerName;
    // volumes of the template are the application's volumes (spec.volumes, shared by the roles)
    for (const v of ps.volumes ?? []) {
      spec.volumes = spec.volumes ?? [];
      if (!spec.volumes.some((x: any) => JSON.stringify(x) === JSON.stringify(v))) spec.volumes.push(v);
    }
    delete ps.volumes;
    const main = (ps.containers ?? []).find((c: any) => c.name === SPARK_CONTAINERS[role]);
    if (main) {
      if (main.securityContext) r.securityContext = { ...main.securityContext, ...(r.securityContext ?? {}) };
      if (main.image === (r.image ?? spec.image)) delete main.image;
      if (main.volumeMounts) r.volumeMounts = [...(r.volumeMounts ?? []), ...main.volumeMounts];
      delete main.volumeMounts;
      delete main.securityContext;
      delete main.name;
      if (Object.keys(main).length === 0) ps.containers = ps.containers.filter((c: any) => c !== main);
      if (ps.containers.length === 0) delete ps.containers;
    }
    if (Object.keys(ps).length === 0) delete t.spec;
    if (Object.keys(t).length === 0) delete r.template;
  }
}

/** KServe's predictor shorthands, which its defaulting webhook rewrites to `predictor.model` (assign<X>Runtime). */
const KSERVE_PREDICTOR_FORMATS = ['sklearn', 'tensorflow', 'xgboost', 'pytorch', 'onnx', 'huggingface', 'pmml', 'lightgbm', 'paddle', 'triton'];

/**
 * KServe: `predictor.sklearn: {...}` is `predictor.model: { modelFormat: { name: sklearn }, ... }` (kserve
 * pkg/apis/serving/v1beta1/inference_service_defaults.go, setPredictorModelDefaults).
 */
function foldKServePredictor(predictor: any): void {
  for (const format of KSERVE_PREDICTOR_FORMATS) {
    if (!predictor?.[format]) continue;
    predictor.model = { modelFormat: { name: format }, ...predictor[format] };
    delete predictor[format];
  }
}

/**
 * Trainer v2: the library carries its pod hardening (security contexts) to the runtime's containers in a
 * `runtimePatches` entry; without them, the entry is only the names that address the container.
 */
function dropHardeningPatches(spec: any): void {
  const patches = spec?.runtimePatches;
  if (!Array.isArray(patches)) return;
  spec.runtimePatches = patches.filter((patch: any) => {
    const jobs = patch?.trainingRuntimeSpec?.template?.spec?.replicatedJobs;
    if (!Array.isArray(jobs)) return true;
    const kept = jobs.filter((job: any) => {
      const pod = job?.template?.spec?.template?.spec;
      if (!pod) return true;
      delete pod.securityContext;
      pod.containers = (pod.containers ?? []).filter((c: any) => {
        delete c.securityContext;
        return Object.keys(c).some(k => k !== 'name');
      });
      if (pod.containers.length === 0) delete pod.containers;
      return Object.keys(pod).length > 0 || Object.keys(job).some(k => k !== 'name' && k !== 'template');
    });
    patch.trainingRuntimeSpec.template.spec.replicatedJobs = kept;
    return kept.length > 0;
  });
  if (spec.runtimePatches.length === 0) delete spec.runtimePatches;
}

/** Rewrites an object into a canonical form in which equivalent writings are equal (see docs/upstream-examples.md). */
export function canonical(object: any): any {
  const o = JSON.parse(JSON.stringify(object));
  if (o.kind === 'TrainJob') dropHardeningPatches(o.spec);
  if (o.kind === 'InferenceService') foldKServePredictor(o.spec?.predictor);
  if (o.kind === 'SparkApplication') foldSparkTemplates(o.spec);
  if (o.kind === 'ScheduledSparkApplication') foldSparkTemplates(o.spec?.template);
  const walk = (n: any): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    if (Array.isArray(n.containers)) effectiveSecurity(n.securityContext, [...n.containers, ...(n.initContainers ?? [])]);
    if (n.podSecurityContext && (n.cores !== undefined || n.memory !== undefined || n.securityContext)) {
      // a SparkPodSpec: its securityContext is the main container's
      const holder = { securityContext: n.securityContext };
      effectiveSecurity(n.podSecurityContext, [holder]);
      n.securityContext = holder.securityContext;
    }
    for (const v of Object.values(n)) walk(v);
  };
  walk(o);
  return prune(o);
}

/** Drops empty objects left by the canonical form. */
function prune(x: any): any {
  if (Array.isArray(x)) return x.map(prune);
  if (x !== null && typeof x === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(x)) {
      const p = prune(v);
      if (p !== null && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0 && !(k in EMPTY_KEPT)) continue;
      out[k] = p;
    }
    return out;
  }
  return x;
}

/** Empty objects that mean something (a selector that selects all). */
const EMPTY_KEPT: { [key: string]: true } = { namespaceSelector: true, emptyDir: true };

/** The differences that remain after normalization. */
export function remainingDifferences(library: any, upstream: any): Difference[] {
  const l = canonical(library);
  const u = canonical(upstream);
  // upstream examples without a namespace are applied to kubectl's current namespace; the library names one
  if (u.metadata?.namespace === undefined && l.metadata) delete l.metadata.namespace;
  return rawDiff(l, u).filter(d => normalization(l, u, d) === undefined);
}

// ------------------------------------------------------------------------------------------------
// Cases
// ------------------------------------------------------------------------------------------------

/** How an upstream example fares with the library. */
export enum Outcome {
  /** Equal after normalization. */
  EQUAL = 'equal',
  /** Expressible, with the listed differences remaining. */
  DIFFERS = 'differs',
  /** The library refuses it, rightly (the message is asserted). */
  REFUSED = 'refused',
  /** Not expressible with the library (yet). */
  NOT_EXPRESSIBLE = 'not expressible',
}

/** One upstream example and its re-expression. */
export interface UpstreamCase {
  /** Pinned component id (src/core/versions.ts). */
  readonly component: string;
  /** Path of the example inside the pinned module. */
  readonly file: string;
  /**
   * Further files of the same example read together with `file` (e.g. the flavors, queues and local queues of one
   * setup).
   * @default []
   */
  readonly alsoFiles?: string[];
  readonly outcome: Outcome;
  /** Declares the example with the library in `chart` (namespaced as upstream's first object). */
  readonly build?: (chart: Chart) => void;
  /**
   * Remaining differences (path → why), with `Outcome.DIFFERS`; for files of several objects `Kind/name:path`.
   */
  readonly differences?: { [path: string]: string };
  /** With `Outcome.REFUSED`: the library's message. With `Outcome.NOT_EXPRESSIBLE`: why. */
  readonly reason?: string;
  /** Objects the library emits beside upstream's (Kind/name → why). */
  readonly extraObjects?: { [kindName: string]: string };
  /** Upstream objects the library does not emit (Kind/name → why). */
  readonly missingObjects?: { [kindName: string]: string };
}

/** The upstream documents of a case (all its files). */
export function readCase(c: UpstreamCase): any[] {
  return [c.file, ...(c.alsoFiles ?? [])].flatMap(f => readUpstream(c.component, f));
}

const key = (o: any) => `${o.kind}/${o.metadata?.name}`;

/** The library's objects for a case, in a chart with upstream's namespace. */
export function synthCase(c: UpstreamCase, upstream: any[]): any[] {
  const namespace = upstream.find(o => o.metadata?.namespace)?.metadata.namespace;
  const chart = new Chart(Testing.app(), 'upstream', namespace ? { namespace } : {});
  c.build!(chart);
  return Testing.synth(chart);
}

/** Remaining differences of a case, keyed `path` (one object) or `Kind/name:path` (several); and extra objects. */
export function compareCase(library: any[], upstream: any[]): { differences: { [path: string]: Difference }; extra: string[]; missing: string[] } {
  const many = upstream.length > 1;
  const differences: { [path: string]: Difference } = {};
  const missing: string[] = [];
  const same = (lib: any, up: any) => key(lib) === key(up) || (lib.kind === up.kind && up.metadata?.name === undefined
    && typeof up.metadata?.generateName === 'string' && `${lib.metadata?.name}-`.startsWith(up.metadata.generateName));
  for (const up of upstream) {
    const lib = library.find(o => same(o, up));
    if (!lib) {
      missing.push(key(up));
      continue;
    }
    for (const d of remainingDifferences(lib, up)) differences[many ? `${key(up)}:${d.path}` : d.path] = d;
  }
  const extra = library.filter(o => !upstream.some(u => same(o, u))).map(key);
  return { differences, extra, missing };
}
