/**
 * Integration tests against a real kube-apiserver (with etcd) built from the pinned Kubernetes release.
 *
 * - installs every pinned upstream CRD (.upstream-cache/crds, from `npm run upstream`) with server-side apply;
 * - server-side dry-runs every object every example synthesizes (dist/examples/<name>/*.yaml);
 * - dry-runs every pod template found in that output as a Pod in a namespace enforcing the `restricted`
 *   Pod Security Standard (PodSecurity admission only inspects Pods, never workloads or custom resources);
 * - proves that invalid objects are rejected (CRD CEL rules, strict field validation, PodSecurity).
 *
 * The binaries are built by `npm run cluster -- build` (run automatically by `npm test`).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { assertBinaries, Cluster, KubectlResult, pinnedVersions, REPO_ROOT, startCluster } from './cluster';

const CRD_DIR = path.join(REPO_ROOT, '.upstream-cache', 'crds');
const EXAMPLES_OUT = path.join(REPO_ROOT, 'dist', 'examples');
const SYNTH_SCRIPT = path.join(REPO_ROOT, 'scripts', 'synth-examples.ts');
const POD_SECURITY_ANNOTATION = 'ai-platform.cdk8s.io/pod-security';
const FIELD_MANAGER = 'ai-platform-integration-test';
const RESTRICTED_NAMESPACE = 'pss-restricted';
const BASELINE_NAMESPACE = 'pss-baseline';

type KObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
};

interface SynthesizedObject {
  readonly example: string;
  readonly file: string;
  readonly obj: KObject;
}

let cluster: Cluster | undefined;
let synthError: string | undefined;

function c(): Cluster {
  if (!cluster) {
    throw new Error('the test cluster did not start (see the beforeAll error)');
  }
  return cluster;
}

function describeObject(o: KObject): string {
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.apiVersion} ${o.kind} ${ns}${o.metadata?.name}`;
}

function oneLine(r: KubectlResult): string {
  return (r.stderr || r.stdout).trim().replace(/\s*\n\s*/g, ' | ');
}

function listFiles(dir: string, ext: RegExp): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function parseYamlFile(file: string): KObject[] {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const out: KObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new Error(`${path.relative(REPO_ROOT, file)}: YAML error: ${doc.errors[0].message}`);
    }
    const value = doc.toJS({ maxAliasCount: -1 });
    if (value !== null && value !== undefined) {
      out.push(value as KObject);
    }
  }
  return out;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Synthesizes all examples with the project's own script (the same code `npm run synth` runs). */
function synthesizeExamples(): Promise<string | undefined> {
  if (!fs.existsSync(SYNTH_SCRIPT)) {
    return Promise.resolve(`${path.relative(REPO_ROOT, SYNTH_SCRIPT)} does not exist, so no example output can be produced`);
  }
  return new Promise((resolve) => {
    const tsNode = path.join(REPO_ROOT, 'node_modules', '.bin', 'ts-node');
    const child = spawn(tsNode, ['--transpile-only', '--project', 'scripts/tsconfig.json', SYNTH_SCRIPT], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (e) => resolve(`cannot run ${SYNTH_SCRIPT}: ${e.message}`));
    child.on('close', (code) =>
      resolve(code === 0 ? undefined : `synthesizing the examples failed (exit ${code}):\n${output.trim().split('\n').slice(-40).join('\n')}`),
    );
  });
}

function loadExampleOutput(): SynthesizedObject[] {
  const out: SynthesizedObject[] = [];
  if (!fs.existsSync(EXAMPLES_OUT)) {
    return out;
  }
  for (const example of fs.readdirSync(EXAMPLES_OUT, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    for (const file of listFiles(path.join(EXAMPLES_OUT, example), /\.ya?ml$/)) {
      for (const obj of parseYamlFile(file)) {
        out.push({ example, file: path.relative(EXAMPLES_OUT, file), obj });
        // A Katib Experiment's trial object, as Katib creates it for a trial (named, in the experiment's namespace)
        const trial = katibTrialObject(obj);
        if (trial) out.push({ example, file: `${path.relative(EXAMPLES_OUT, file)} (trial of Experiment ${obj.metadata?.name})`, obj: trial });
      }
    }
  }
  return out;
}

/** The trial object Katib creates from an Experiment's trial template (placeholders left as they are), if `obj` is one. */
function katibTrialObject(obj: KObject): KObject | undefined {
  const spec: any = obj.spec;
  if (obj.apiVersion !== 'kubeflow.org/v1beta1' || obj.kind !== 'Experiment' || !isRecord(spec?.trialTemplate?.trialSpec)) {
    return undefined;
  }
  const trial = spec.trialTemplate.trialSpec as KObject;
  return { ...trial, metadata: { ...(trial.metadata ?? {}), name: `${obj.metadata?.name}-trial`, namespace: obj.metadata?.namespace } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface FoundPodTemplate {
  readonly path: string;
  readonly template: { metadata?: KObject['metadata']; spec: Record<string, unknown> };
}

/**
 * Every PodTemplateSpec in an object: any value under a key named `template` whose `spec.containers` is an array
 * (Deployment, Job, CronJob → jobTemplate, PyTorchJob replica specs, JobSet/TrainingRuntime replicated jobs, ...).
 * Spark `driver`/`executor` templates are checked when complete (every container has an image); TrainJob
 * `runtimePatches` are skipped: they are partial and merged by the operator.
 */
function findPodTemplates(obj: KObject): FoundPodTemplate[] {
  const found: FoundPodTemplate[] = [];
  const isSpark = (obj.apiVersion ?? '').startsWith('sparkoperator.k8s.io/');
  const isTrainJob = (obj.apiVersion ?? '').startsWith('trainer.kubeflow.org/') && obj.kind === 'TrainJob';
  const isExperiment = obj.apiVersion === 'kubeflow.org/v1beta1' && obj.kind === 'Experiment';
  const claims = jobSetClaimNames(obj);
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, `${at}[${i}]`));
      return;
    }
    if (!isRecord(node)) {
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      // TrainJob runtimePatches carry partial pod specs that Trainer merges into its runtime's pods
      if (isTrainJob && key === 'runtimePatches') {
        continue;
      }
      // a Katib Experiment's trial template is checked as the trial object Katib creates (see katibTrialObject)
      if (isExperiment && key === 'trialTemplate') {
        continue;
      }
      const here = at ? `${at}.${key}` : key;
      const complete = (t: Record<string, any>) => t.spec.containers.every((ct: unknown) => isRecord(ct) && typeof ct.image === 'string');
      // Spark driver/executor templates are merged into the pods Spark builds: check them when they are complete
      if (key === 'template' && isRecord(value) && isRecord(value.spec) && Array.isArray(value.spec.containers) && (!isSpark || complete(value))) {
        found.push({ path: here, template: withJobSetClaims(value as FoundPodTemplate['template'], claims) });
      }
      walk(value, here);
    }
  };
  walk(obj, '');
  found.push(...kservePodSpecs(obj));
  return found;
}

/**
 * Names of the shared claims of a JobSet spec's `volumeClaimPolicies` (a JobSet, or the JobSet template of a
 * Trainer runtime). The pods mount them without declaring them: JobSet adds the volumes when it creates the Jobs.
 */
function jobSetClaimNames(obj: KObject): string[] {
  const spec: any = obj.spec;
  const jobSetSpec = (obj.apiVersion ?? '').startsWith('jobset.x-k8s.io/') ? spec : spec?.template?.spec;
  const policies: any[] = Array.isArray(jobSetSpec?.volumeClaimPolicies) ? jobSetSpec.volumeClaimPolicies : [];
  return policies.flatMap(p => (Array.isArray(p.templates) ? p.templates : [])).map((t: any) => t?.metadata?.name).filter((n: unknown) => typeof n === 'string');
}

/** The pod template as JobSet renders it: a volume for each `volumeClaimPolicies` claim the containers mount. */
function withJobSetClaims(template: FoundPodTemplate['template'], claims: string[]): FoundPodTemplate['template'] {
  const spec: any = template.spec;
  const mounted = [...(spec.initContainers ?? []), ...spec.containers].flatMap((ct: any) => (ct.volumeMounts ?? []).map((m: any) => m.name));
  const added = claims.filter(n => mounted.includes(n)).map(n => ({ name: n, persistentVolumeClaim: { claimName: `${n}-jobset` } }));
  return added.length ? { ...template, spec: { ...spec, volumes: [...(spec.volumes ?? []), ...added] } } : template;
}

/** Property names of a core schema (e.g. io.k8s.api.core.v1.PodSpec) of the pinned Kubernetes release. */
function coreProperties(id: string): string[] {
  const doc = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, '.upstream-cache', 'schemas', 'k8s', 'api__v1_openapi.json'), 'utf-8'));
  return Object.keys(doc.components.schemas[id].properties);
}

/**
 * KServe InferenceService components (predictor, transformer, explainer) are inline pod specs mixed with KServe's
 * own fields, and a model-format predictor describes its main container in `model` (the image comes from the
 * serving runtime). The pod KServe creates is rebuilt from the pod-spec fields, with `model` as the container
 * `kserve-container` (any image: Pod Security admission does not look at it).
 */
function kservePodSpecs(obj: KObject): FoundPodTemplate[] {
  if (!(obj.apiVersion ?? '').startsWith('serving.kserve.io/') || obj.kind !== 'InferenceService') {
    return [];
  }
  const podKeys = coreProperties('io.k8s.api.core.v1.PodSpec');
  const containerKeys = coreProperties('io.k8s.api.core.v1.Container');
  const pick = (from: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(from).filter(([k]) => keys.includes(k)));
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const found: FoundPodTemplate[] = [];
  for (const component of ['predictor', 'transformer', 'explainer']) {
    const comp = spec[component];
    if (!isRecord(comp)) {
      continue;
    }
    const containers = Array.isArray(comp.containers) ? [...comp.containers] : [];
    if (isRecord(comp.model)) {
      containers.unshift({ ...pick(comp.model, containerKeys), name: 'kserve-container', image: 'runtime.invalid/kserve-runtime:0' });
    }
    if (containers.length === 0) {
      continue;
    }
    found.push({
      path: `spec.${component}`,
      template: {
        metadata: { labels: comp.labels as Record<string, string>, annotations: comp.annotations as Record<string, string> },
        spec: { ...pick(comp, podKeys), containers },
      },
    });
  }
  return found;
}

async function applyForReal(manifest: KObject): Promise<void> {
  const r = await c().kubectl(['apply', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`, '-f', '-'], {
    input: JSON.stringify(manifest),
  });
  if (r.code !== 0) {
    throw new Error(`applying ${describeObject(manifest)} failed: ${oneLine(r)}`);
  }
}

function dryRunApply(obj: KObject): Promise<KubectlResult> {
  return c().kubectl(
    ['apply', '--server-side', '--force-conflicts', '--dry-run=server', '--validate=strict', `--field-manager=${FIELD_MANAGER}`, '-o', 'name', '-f', '-'],
    { input: JSON.stringify(obj) },
  );
}

function dryRunCreate(obj: KObject): Promise<KubectlResult> {
  return c().kubectl(['create', '--dry-run=server', '--validate=strict', '-o', 'name', '-f', '-'], { input: JSON.stringify(obj) });
}

interface CrdReport {
  readonly error?: string;
  /** CRD names found in the files. */
  readonly expected: string[];
  /** `file: kubectl error` for each file that failed to apply. */
  readonly failures: string[];
  readonly waitError?: string;
  /** Expected CRDs the API server does not list afterwards. */
  readonly missing: string[];
}

let crdReport: CrdReport | undefined;

/**
 * Installs every pinned upstream CRD (server-side apply: several are larger than the 256 KiB client-side
 * `last-applied-configuration` limit) and waits until all are Established. Done once, before any test, so that the
 * example tests can also run on their own; the CRD test asserts on the report.
 */
async function installCrds(): Promise<CrdReport> {
  const files = listFiles(CRD_DIR, /\.ya?ml$/);
  if (files.length === 0) {
    return { error: `no CRD files in ${CRD_DIR}; run \`npm run upstream\` first`, expected: [], failures: [], missing: [] };
  }
  const expected = new Set<string>();
  for (const file of files) {
    for (const doc of parseYamlFile(file)) {
      if (doc.kind === 'CustomResourceDefinition' && doc.metadata?.name) {
        expected.add(doc.metadata.name);
      }
    }
  }
  const failures = (
    await mapLimit(files, 2, async (file) => {
      const r = await c().kubectl(['apply', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`, '-f', file], {
        timeoutMs: 300_000,
      });
      return r.code === 0 ? undefined : `${path.relative(CRD_DIR, file)}: ${oneLine(r)}`;
    })
  ).filter((f): f is string => f !== undefined);
  const wait = await c().kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=180s'], { timeoutMs: 200_000 });
  const list = await c().kubectl(['get', 'crd', '-o', 'jsonpath={.items[*].metadata.name}']);
  const installed = new Set(list.stdout.split(/\s+/).filter(Boolean));
  return {
    expected: [...expected].sort(),
    failures,
    waitError: wait.code === 0 ? undefined : oneLine(wait),
    missing: [...expected].filter((n) => !installed.has(n)).sort(),
  };
}

beforeAll(async () => {
  pinnedVersions(); // fails clearly if src/core/versions.ts is missing
  assertBinaries();
  // Synthesis runs concurrently with cluster start-up and CRD installation; a synthesis failure only fails the
  // example tests, a CRD installation failure only the CRD test (and whatever depends on the missing CRDs).
  const [, synth] = await Promise.all([
    startCluster().then(async (started) => {
      cluster = started;
      crdReport = await installCrds();
    }),
    synthesizeExamples(),
  ]);
  synthError = synth;
  for (const [name, level] of [[RESTRICTED_NAMESPACE, 'restricted'], [BASELINE_NAMESPACE, 'baseline']]) {
    await applyForReal({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: {
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': level,
        },
      },
    });
  }
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

test('the API server is the pinned Kubernetes release', async () => {
  const res = await c().request('GET', '/version');
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body).gitVersion).toBe(`v${pinnedVersions().kubernetes}`);
});

describe('upstream CRDs', () => {
  test('every pinned CRD installs with server-side apply and becomes Established', () => {
    const report = crdReport;
    if (!report) {
      throw new Error('the CRDs were not installed (see the beforeAll error)');
    }
    if (report.error) {
      throw new Error(report.error);
    }
    expect(report.expected.length).toBeGreaterThan(0);
    expect(report.failures).toEqual([]);
    expect(report.waitError).toBeUndefined();
    expect(report.missing).toEqual([]);
  });
});

describe('synthesized examples', () => {
  let objects: SynthesizedObject[] = [];

  beforeAll(() => {
    if (synthError) {
      return;
    }
    objects = loadExampleOutput();
  });

  const requireExamples = () => {
    if (synthError) {
      throw new Error(synthError);
    }
    if (objects.length === 0) {
      throw new Error(`no examples found: ${path.relative(REPO_ROOT, EXAMPLES_OUT)}/<name>/*.yaml is empty after synthesis`);
    }
  };

  test('every object is accepted by a server-side dry-run apply', async () => {
    requireExamples();
    // Dry-runs of namespaced objects fail in a namespace that does not exist, so create those for real first
    // (from the example's own Namespace object when it has one).
    const namespaceObjects = new Map(objects.filter((o) => o.obj.kind === 'Namespace' && o.obj.apiVersion === 'v1').map((o) => [o.obj.metadata?.name, o.obj]));
    const namespaces = new Set(objects.map((o) => o.obj.metadata?.namespace).filter((n): n is string => !!n));
    for (const ns of namespaces) {
      await applyForReal(namespaceObjects.get(ns) ?? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }

    const results = await mapLimit(objects, 4, async (o) => ({ o, r: await dryRunApply(o.obj) }));
    const failures = results.filter(({ r }) => r.code !== 0).map(({ o, r }) => `${o.example}/${o.file}: ${describeObject(o.obj)}: ${oneLine(r)}`);
    const warnings = results
      .filter(({ r }) => r.code === 0 && /Warning:/.test(r.stderr))
      .map(({ o, r }) => `${o.example}/${o.file}: ${describeObject(o.obj)}: ${oneLine(r)}`);
    if (warnings.length > 0) {
      console.warn(`API server warnings for example objects:\n${warnings.join('\n')}`);
    }
    console.info(`server-side dry-run of ${objects.length} objects from ${new Set(objects.map((o) => o.example)).size} examples: `
      + `${failures.length} rejected`);
    expect(failures).toEqual([]);
  }, 900_000);

  test('every pod template is admitted as a Pod under the restricted Pod Security Standard (baseline where it opted out to baseline)', async () => {
    requireExamples();
    const pods: Array<{ where: string; pod: KObject }> = [];
    const skipped: string[] = [];
    for (const o of objects) {
      const templates = findPodTemplates(o.obj);
      if (templates.length === 0) {
        continue;
      }
      // the library's opt-outs, and upstream objects' (AiPlatform records an install's pods below restricted)
      const optOut = o.obj.metadata?.annotations?.[POD_SECURITY_ANNOTATION];
      if (optOut === 'privileged') {
        skipped.push(`${o.example}/${o.file}: ${describeObject(o.obj)} (${optOut})`);
        continue;
      }
      const namespace = optOut === 'baseline' ? BASELINE_NAMESPACE : RESTRICTED_NAMESPACE;
      templates.forEach((t) => {
        pods.push({
          where: `${o.example}/${o.file}: ${describeObject(o.obj)} at ${t.path}`,
          pod: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              name: `pod-template-${pods.length}`,
              namespace,
              labels: t.template.metadata?.labels,
              annotations: t.template.metadata?.annotations,
            },
            spec: t.template.spec,
          },
        });
      });
    }
    if (skipped.length > 0) {
      console.info(`pod templates not checked (explicit ${POD_SECURITY_ANNOTATION} opt-out):\n${skipped.join('\n')}`);
    }
    expect(pods.length).toBeGreaterThan(0);
    // pods name the PriorityClasses their example declares (Argo Workflows' controller): create those for real first
    for (const o of objects.filter((x) => x.obj.kind === 'PriorityClass' && x.obj.apiVersion === 'scheduling.k8s.io/v1')) {
      await applyForReal(o.obj);
    }
    const results = await mapLimit(pods, 4, async (p) => ({ p, r: await dryRunCreate(p.pod) }));
    const failures = results.filter(({ r }) => r.code !== 0).map(({ p, r }) => `${p.where}: ${oneLine(r)}`);
    console.info(`${pods.length} pod templates dry-run as Pods (${skipped.length} opt-outs not checked): ${failures.length} rejected`);
    expect(failures).toEqual([]);
  }, 900_000);
});

describe('the API server rejects invalid objects', () => {
  const nodePool = (patch: (spec: any) => void): KObject => {
    const spec: any = {
      template: {
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
          requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] }],
        },
      },
    };
    patch(spec);
    return { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'gpu' }, spec };
  };

  const ensureCrd = async (name: string) => {
    const r = await c().kubectl(['wait', '--for=condition=Established', `crd/${name}`, '--timeout=120s']);
    if (r.code !== 0) {
      throw new Error(`CRD ${name} is not installed (the upstream CRD test must pass first): ${oneLine(r)}`);
    }
  };

  test('Karpenter NodePool CEL rules (empty nodeClassRef.group, In requirement without values)', async () => {
    await ensureCrd('nodepools.karpenter.sh');
    const valid = await dryRunApply(nodePool(() => undefined));
    expect({ code: valid.code, out: oneLine(valid) }).toEqual({ code: 0, out: 'nodepool.karpenter.sh/gpu' });

    const emptyGroup = await dryRunApply(nodePool((s) => (s.template.spec.nodeClassRef.group = '')));
    expect(emptyGroup.code).not.toBe(0);
    expect(emptyGroup.stderr).toMatch(/is invalid/);
    expect(emptyGroup.stderr).toMatch(/spec\.template\.spec\.nodeClassRef\.group: Invalid value: .*group may not be empty/);

    const noValues = await dryRunApply(nodePool((s) => (s.template.spec.requirements[0].values = [])));
    expect(noValues.code).not.toBe(0);
    expect(noValues.stderr).toMatch(/requirements with operator 'In' must have a value defined/);
  }, 180_000);

  test('strict field validation and built-in validation of core kinds', async () => {
    const deployment = (patch: (d: any) => void): KObject => {
      const d: any = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
        },
      };
      patch(d);
      return d;
    };
    const ok = await dryRunApply(deployment(() => undefined));
    expect({ code: ok.code, out: oneLine(ok) }).toEqual({ code: 0, out: 'deployment.apps/web' });

    const unknownField = await dryRunApply(deployment((d) => (d.spec.replicaz = 3)));
    expect(unknownField.code).not.toBe(0);
    expect(unknownField.stderr).toMatch(/\.spec\.replicaz: field not declared in schema/);

    const badSelector = await dryRunApply(deployment((d) => (d.spec.selector.matchLabels.app = 'other')));
    expect(badSelector.code).not.toBe(0);
    expect(badSelector.stderr).toMatch(/selector.*does not match template `?labels`?/);
  }, 180_000);

  test('PodSecurity admission rejects a Pod violating restricted and admits a compliant one', async () => {
    const pod = (name: string, securityContext: Record<string, unknown>, podSecurityContext: Record<string, unknown> = {}): KObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: RESTRICTED_NAMESPACE },
      spec: { securityContext: podSecurityContext, containers: [{ name: 'main', image: 'busybox:1.37', securityContext }] },
    });

    const bad = await dryRunCreate(pod('privileged', { privileged: true }));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(bad.stderr).toMatch(/privileged/);

    const good = await dryRunCreate(
      pod(
        'compliant',
        { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      ),
    );
    expect({ code: good.code, out: oneLine(good) }).toEqual({ code: 0, out: 'pod/compliant' });
  }, 180_000);

  test('an InferenceService predictor is checked as the pod KServe would create', async () => {
    const isvc = (modelSecurity: Record<string, unknown>): KObject => ({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'sklearn', namespace: 'default' },
      spec: {
        predictor: {
          minReplicas: 1,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          model: { modelFormat: { name: 'sklearn' }, storageUri: 'gs://bucket/model', securityContext: modelSecurity },
        },
      },
    });
    const asPod = (o: KObject): KObject => {
      const [t] = findPodTemplates(o);
      return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'isvc-pod', namespace: RESTRICTED_NAMESPACE }, spec: t.template.spec };
    };
    const compliant = await dryRunCreate(asPod(isvc({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } })));
    expect({ code: compliant.code, out: oneLine(compliant) }).toEqual({ code: 0, out: 'pod/isvc-pod' });
    const escalating = await dryRunCreate(asPod(isvc({ capabilities: { drop: ['ALL'] } })));
    expect(escalating.code).not.toBe(0);
    expect(escalating.stderr).toMatch(/violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "kserve-container"/);
  }, 180_000);

  test('workload kinds are only warned about, which is why pod templates are checked as Pods', async () => {
    const r = await dryRunApply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'privileged', namespace: RESTRICTED_NAMESPACE },
      spec: {
        selector: { matchLabels: { app: 'p' } },
        template: {
          metadata: { labels: { app: 'p' } },
          spec: { containers: [{ name: 'main', image: 'busybox:1.37', securityContext: { privileged: true } }] },
        },
      },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Warning: would violate PodSecurity "restricted:latest"/);
  }, 180_000);
});

describe('the platform example applied for real, tier by tier (as a GitOps tool would)', () => {
  // the field manager that installed the pinned CRDs: one manager keeps the managedFields of the largest CRDs
  // (Argo Workflows', about 1.2 MB each) within etcd's request size
  const MANAGER = FIELD_MANAGER;
  /**
   * Admission webhooks and aggregated APIs call the operators' Services, and this cluster runs no pods: once
   * registered they would reject every later object they match. They are applied for real last, and removed before
   * a new pass (in a cluster the operators answer them, and the tiers order them before the operators).
   */
  const isHook = (o: KObject) => ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService'].includes(o.kind ?? '');

  const tiersOf = (gpuLimit: number): Array<{ tier: string; objects: KObject[] }> => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildPlatformApp } = require('../../examples/platform/platform');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { GitOpsOutput, PlatformApp } = require('../../src');
    const app = buildPlatformApp(new PlatformApp({ gitOps: GitOpsOutput.directoryPerTier() }), { gpuLimit });
    const files: Array<{ path: string; objects: KObject[] }> = app.synthFiles();
    const tiers: Array<{ tier: string; objects: KObject[] }> = [];
    for (const f of files) {
      const tier = f.path.split('/')[0];
      let entry = tiers.find((t) => t.tier === tier);
      if (!entry) tiers.push((entry = { tier, objects: [] }));
      entry.objects.push(...f.objects);
    }
    return tiers;
  };

  const applyAll = async (objects: KObject[]): Promise<string[]> => {
    // one object per call: a rejection names its object, and big CRDs stay within kubectl's request limits
    const results = await mapLimit(objects, 6, async (o) => ({
      o,
      r: await c().kubectl(['apply', '--server-side', '--force-conflicts', `--field-manager=${MANAGER}`, '-f', '-'], { input: JSON.stringify(o), timeoutMs: 300_000 }),
    }));
    return results.filter(({ r }) => r.code !== 0).map(({ o, r }) => `${describeObject(o)}: ${oneLine(r)}`);
  };

  const applyPass = async (gpuLimit: number): Promise<{ applied: number; failures: string[]; order: string[] }> => {
    const failures: string[] = [];
    const order: string[] = [];
    let applied = 0;
    const hooks: KObject[] = [];
    for (const { tier, objects } of tiersOf(gpuLimit)) {
      const now = objects.filter((o) => !isHook(o));
      hooks.push(...objects.filter(isHook));
      // a tier's namespaces first (Argo CD and Flux order kinds the same way)
      const namespaces = now.filter((o) => o.kind === 'Namespace');
      failures.push(...(await applyAll(namespaces)));
      failures.push(...(await applyAll(now.filter((o) => o.kind !== 'Namespace'))));
      applied += now.length;
      order.push(tier);
      if (tier === '0-crds') {
        const names = now.map((o) => `crd/${o.metadata?.name}`);
        const wait = await c().kubectl(['wait', '--for=condition=Established', ...names, '--timeout=180s'], { timeoutMs: 200_000 });
        if (wait.code !== 0) failures.push(`CRDs not Established: ${oneLine(wait)}`);
      }
    }
    failures.push(...(await applyAll(hooks)));
    return { applied: applied + hooks.length, failures, order };
  };

  const removeHooks = async () => {
    for (const kind of ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'apiservices']) {
      const hooks = tiersOf(32).flatMap((t) => t.objects).filter((o) => isHook(o) && o.kind?.toLowerCase() + 's' === kind);
      for (const h of hooks) await c().kubectl(['delete', kind, h.metadata!.name!, '--ignore-not-found', '--wait=false']);
    }
  };

  test('every object of every tier is applied server-side (CRDs first), and re-applied with a knob changed', async () => {
    // Argo CD's own namespace, where the health checks go (Argo CD's install creates it)
    await applyForReal({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
    await removeHooks();
    const first = await applyPass(32);
    console.info(`platform example: ${first.applied} objects applied for real in tiers ${first.order.join(' → ')}, then the webhooks and APIServices`);
    expect(first.failures).toEqual([]);
    expect(first.order).toEqual(['0-crds', '1-prerequisites', '2-operators', '3-cluster-config', '4-workloads']);

    // the big CRDs went through server-side apply: owned by the applier's field manager, no last-applied annotation
    const crds = tiersOf(32)[0].objects;
    for (const crd of crds) {
      const r = await c().kubectl(['get', 'crd', crd.metadata!.name!, '-o', 'json', '--show-managed-fields']);
      const live = JSON.parse(r.stdout);
      expect([crd.metadata!.name, live.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']]).toEqual([crd.metadata!.name, undefined]);
      expect(live.metadata.managedFields.some((m: any) => m.manager === MANAGER && m.operation === 'Apply')).toBe(true);
    }

    // knob: the GPU pool's limit (NodePool limits and the ClusterQueue's GPU quota)
    await removeHooks();
    const second = await applyPass(16);
    expect(second.failures).toEqual([]);
    await removeHooks();
    const cq = JSON.parse((await c().kubectl(['get', 'clusterqueue', 'gpu-batch', '-o', 'json'])).stdout);
    const gpuQuota = cq.spec.resourceGroups[0].flavors[0].resources.find((r: any) => r.name === 'nvidia.com/gpu');
    expect(String(gpuQuota.nominalQuota)).toBe('16');
    const pool = JSON.parse((await c().kubectl(['get', 'nodepool', 'a10g', '-o', 'json'])).stdout);
    expect(String(pool.spec.limits['nvidia.com/gpu'])).toBe('16');
  }, 1_800_000);
});
