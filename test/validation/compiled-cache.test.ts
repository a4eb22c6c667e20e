/**
 * Compiled validators kept on disk between processes (the plugin's cold start): a validator loaded from the cache
 * finds exactly what a freshly compiled one finds.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { UPSTREAM_CACHE_DIR } from '../../src/validation/cache';
import { SchemaValidator } from '../../src/validation/schema-validator';

const container = { name: 'kserve-container', image: 'docker.io/kserve/sklearnserver:v0.20.0' };
/** Valid and broken objects of CRD and core kinds: unknown fields, wrong types, enums, int-or-string, quantities, formats. */
const objects = [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'team' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'team' }, automountServiceAccountToken: 'no', secrets: [{ nam: 'x' }] },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'team' },
    spec: {
      replicas: 'three',
      selector: { matchLabels: { app: 'web' } },
      strategy: { rollingUpdate: { maxSurge: true } },
      template: { spec: { containers: [{ name: 'web', image: 'nginx', resources: { limits: { memory: '1 GB' } }, ports: [{ containerPort: '80' }] }] } },
    },
  },
  {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'iris', namespace: 'team' },
    spec: { predictor: { model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://models/iris' } } },
  },
  {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'iris', namespace: 'team' },
    spec: {
      predictor: {
        minReplicas: '1',
        scaleMetric: 'gpu',
        gpu: 1,
        model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://models/iris', resources: { requests: { cpu: 'lots' } } },
        containers: [{ ...container, ports: [{ containerPort: 8080, protocol: 'SCTP?' }] }],
      },
    },
  },
  {
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'SparkApplication',
    metadata: { name: 'pi', namespace: 'team' },
    spec: { type: 'Cobol', mode: 'cluster', sparkVersion: '3.5.5', driver: { cores: '1' }, executor: { instances: 1.5 } },
  },
];

function findings(v: SchemaValidator): string[] {
  const r = v.validateAll(objects);
  return [...r.violations.map(x => `${x.gvk} ${x.name} ${x.field}: ${x.message}`), ...r.unchecked.map(u => `${u.gvk}: ${u.reason}`)];
}

test('a validator loaded from the compiled cache finds what a freshly compiled one finds', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-validators-'));
  try {
    const fresh = new SchemaValidator(undefined, { compiledCacheDir: null });
    const expected = findings(fresh);
    expect(fresh._stats).toEqual({ compiled: 4, loaded: 0, shipped: 0 });
    // the findings are real: every broken object has some, the valid ones none
    expect(expected.length).toBeGreaterThan(12);
    expect(expected.filter(f => f.startsWith('v1 ServiceAccount team/sa'))).toEqual([
      'v1 ServiceAccount team/sa /automountServiceAccountToken: must be boolean',
      "v1 ServiceAccount team/sa /secrets/0/nam: unknown field 'nam' (not in the schema)",
    ]);

    const first = new SchemaValidator(undefined, { compiledCacheDir: dir });
    expect(findings(first)).toEqual(expected);
    expect(first._stats).toEqual({ compiled: 4, loaded: 0, shipped: 0 });
    // one folder for this version of the validator, one file per kind
    const [version, ...others] = fs.readdirSync(dir);
    expect(others).toEqual([]);
    expect(fs.readdirSync(path.join(dir, version)).filter(f => f.endsWith('.js'))).toHaveLength(4);

    const second = new SchemaValidator(undefined, { compiledCacheDir: dir });
    expect(findings(second)).toEqual(expected);
    expect(second._stats).toEqual({ compiled: 0, loaded: 4, shipped: 0 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreadable cached validator is compiled again', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-validators-'));
  try {
    const expected = findings(new SchemaValidator(undefined, { compiledCacheDir: dir }));
    const [version] = fs.readdirSync(dir);
    for (const f of fs.readdirSync(path.join(dir, version))) fs.writeFileSync(path.join(dir, version, f), 'this is not a validator (');
    const again = new SchemaValidator(undefined, { compiledCacheDir: dir });
    expect(findings(again)).toEqual(expected);
    expect(again._stats).toEqual({ compiled: 4, loaded: 0, shipped: 0 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("other versions' validators unused for a week are removed, recent ones kept", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-validators-'));
  try {
    const old = path.join(dir, '0123456789abcdef');
    const recent = path.join(dir, 'fedcba9876543210');
    for (const d of [old, recent]) {
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'x.js'), '');
    }
    const monthAgo = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    fs.utimesSync(old, monthAgo, monthAgo);
    new SchemaValidator(undefined, { compiledCacheDir: dir }).validate(objects[0]);
    const left = fs.readdirSync(dir);
    expect(left).toContain('fedcba9876543210');
    expect(left).not.toContain('0123456789abcdef');
    expect(left).toHaveLength(2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Gzips a compiled cache's folder into a shipped-validators folder, as the package step does. */
function ship(compiled: string, shipped: string): void {
  for (const version of fs.readdirSync(compiled)) {
    fs.mkdirSync(path.join(shipped, version), { recursive: true });
    for (const f of fs.readdirSync(path.join(compiled, version))) {
      fs.writeFileSync(path.join(shipped, version, `${f}.gz`), gzipSync(fs.readFileSync(path.join(compiled, version, f))));
    }
  }
}

test("the package's validators are loaded before the cache, with the same findings, and nothing is compiled or written", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-validators-'));
  try {
    const compiled = path.join(tmp, 'compiled');
    const shipped = path.join(tmp, 'shipped');
    const cache = path.join(tmp, 'cache');
    const expected = findings(new SchemaValidator(undefined, { compiledCacheDir: compiled, shippedValidatorsDir: null }));
    ship(compiled, shipped);
    const installed = new SchemaValidator(undefined, { compiledCacheDir: cache, shippedValidatorsDir: shipped });
    expect(findings(installed)).toEqual(expected);
    expect(installed._stats).toEqual({ compiled: 0, loaded: 0, shipped: 4 });
    expect(fs.existsSync(cache)).toBe(false);

    // validators of another version of this module (another folder) are not used: compiled and cached as before
    const [version] = fs.readdirSync(shipped);
    fs.renameSync(path.join(shipped, version), path.join(shipped, '0123456789abcdef'));
    const other = new SchemaValidator(undefined, { compiledCacheDir: cache, shippedValidatorsDir: shipped });
    expect(findings(other)).toEqual(expected);
    expect(other._stats).toEqual({ compiled: 4, loaded: 0, shipped: 0 });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('precompiling covers every CRD and every kind of the Kubernetes documents, and lists the files to ship', () => {
  // a small set of pinned schemas: the Spark operator's CRDs and the RBAC API
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-validators-'));
  try {
    const schemas = path.join(tmp, 'upstream', 'schemas');
    fs.mkdirSync(path.join(schemas, 'crd'), { recursive: true });
    fs.mkdirSync(path.join(schemas, 'k8s'), { recursive: true });
    fs.cpSync(path.join(UPSTREAM_CACHE_DIR, 'schemas', 'crd', 'sparkoperator.k8s.io'), path.join(schemas, 'crd', 'sparkoperator.k8s.io'), { recursive: true });
    const rbac = 'apis__rbac.authorization.k8s.io__v1_openapi.json';
    fs.copyFileSync(path.join(UPSTREAM_CACHE_DIR, 'schemas', 'k8s', rbac), path.join(schemas, 'k8s', rbac));
    const crds = fs.readdirSync(path.join(schemas, 'crd', 'sparkoperator.k8s.io'), { recursive: true }).filter(f => String(f).endsWith('.json'));
    expect(crds.length).toBeGreaterThan(1);

    const compiled = path.join(tmp, 'compiled');
    const r = new SchemaValidator(path.join(tmp, 'upstream'), { compiledCacheDir: compiled, shippedValidatorsDir: null })._precompileAll();
    // the CRDs, and Role, ClusterRole, RoleBinding, ClusterRoleBinding (not their lists)
    expect({ kinds: r.kinds, failed: r.failed }).toEqual({ kinds: crds.length + 4, failed: [] });
    expect(r.files.sort()).toEqual(fs.readdirSync(r.dir).sort());
    expect(r.files).toHaveLength(crds.length + 4);

    // shipped, they serve a new process's validator: nothing compiled
    ship(compiled, path.join(tmp, 'upstream', 'validators'));
    const installed = new SchemaValidator(path.join(tmp, 'upstream'), { compiledCacheDir: null });
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'team' }, rules: [{ verbs: 'get' }] };
    expect(installed.validate(role).violations.map(v => `${v.field}: ${v.message}`)).toEqual(['/rules/0/verbs: must be array']);
    expect(installed._stats).toEqual({ compiled: 0, loaded: 0, shipped: 1 });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
