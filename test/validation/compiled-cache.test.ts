/**
 * Compiled validators kept on disk between processes (the plugin's cold start): a validator loaded from the cache
 * finds exactly what a freshly compiled one finds.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
    expect(fresh._stats).toEqual({ compiled: 4, loaded: 0 });
    // the findings are real: every broken object has some, the valid ones none
    expect(expected.length).toBeGreaterThan(12);
    expect(expected.filter(f => f.startsWith('v1 ServiceAccount team/sa'))).toEqual([
      'v1 ServiceAccount team/sa /automountServiceAccountToken: must be boolean',
      "v1 ServiceAccount team/sa /secrets/0/nam: unknown field 'nam' (not in the schema)",
    ]);

    const first = new SchemaValidator(undefined, { compiledCacheDir: dir });
    expect(findings(first)).toEqual(expected);
    expect(first._stats).toEqual({ compiled: 4, loaded: 0 });
    // one folder for this version of the validator, one file per kind
    const [version, ...others] = fs.readdirSync(dir);
    expect(others).toEqual([]);
    expect(fs.readdirSync(path.join(dir, version)).filter(f => f.endsWith('.js'))).toHaveLength(4);

    const second = new SchemaValidator(undefined, { compiledCacheDir: dir });
    expect(findings(second)).toEqual(expected);
    expect(second._stats).toEqual({ compiled: 0, loaded: 4 });
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
    expect(again._stats).toEqual({ compiled: 4, loaded: 0 });
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
