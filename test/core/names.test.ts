import { ApiObject, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDns1123Label, checkDns1123Subdomain, checkLabels, ResourceNames } from '../../src/core/names';
import { expectValidationError, synthValid } from '../util';

test('isDns1123Label', () => {
  for (const ok of ['a', 'main', 'a1', '1a', 'my-job', 'x'.repeat(63), '0']) {
    expect(ResourceNames.isDns1123Label(ok)).toBe(true);
  }
  for (const bad of ['', 'A', 'My-job', '-a', 'a-', 'a.b', 'a_b', 'a b', 'x'.repeat(64), 'ä']) {
    expect(ResourceNames.isDns1123Label(bad)).toBe(false);
  }
});

test('isDns1123Subdomain', () => {
  for (const ok of ['a', 'example.com', 'a.b.c', 'my-app.ns-1', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`]) {
    expect(ResourceNames.isDns1123Subdomain(ok)).toBe(true);
  }
  for (const bad of ['', 'Example.com', 'a..b', '.a', 'a.', '-a.b', 'a-.b', 'a_b', 'a/b', 'x'.repeat(254)]) {
    expect(ResourceNames.isDns1123Subdomain(bad)).toBe(false);
  }
});

test('isQualifiedName', () => {
  for (const ok of ['app', 'App_Name.v1', 'a', 'app.kubernetes.io/name', 'nvidia.com/gpu.product', 'karpenter.sh/nodepool', 'x'.repeat(63), `${'p'.repeat(253)}/n`]) {
    expect(ResourceNames.isQualifiedName(ok)).toBe(true);
  }
  for (const bad of ['', '/name', 'example.com/', 'a/b/c', 'Example.com/name', '-app', 'app-', '_app', 'a b', 'x'.repeat(64),
    `${'p'.repeat(254)}/n`, 'example.com/-n']) {
    expect(ResourceNames.isQualifiedName(bad)).toBe(false);
  }
});

test('isLabelValue', () => {
  for (const ok of ['', 'a', 'NVIDIA-A100-SXM4-80GB', 'v1.2_3', 'x'.repeat(63)]) {
    expect(ResourceNames.isLabelValue(ok)).toBe(true);
  }
  for (const bad of ['-a', 'a-', '.a', 'a_', 'a b', 'a/b', 'x'.repeat(64)]) {
    expect(ResourceNames.isLabelValue(bad)).toBe(false);
  }
});

test('uniqueLabel of a single-component path is the path itself', () => {
  const chart = Testing.chart();
  expect(ResourceNames.uniqueLabel(chart)).toBe('test');
});

test('uniqueLabel is derived from the construct path, with a hash, and is stable', () => {
  const chart = Testing.chart();
  const job = new Construct(chart, 'scoring-job');
  const label = ResourceNames.uniqueLabel(job);
  expect(label).toMatch(/^test-scoring-job-[0-9a-f]{8}$/);
  expect(ResourceNames.isDns1123Label(label)).toBe(true);
  // same path, same label (also in another app)
  expect(ResourceNames.uniqueLabel(job)).toBe(label);
  expect(ResourceNames.uniqueLabel(new Construct(Testing.chart(), 'scoring-job'))).toBe(label);
  // other path, other label
  expect(ResourceNames.uniqueLabel(new Construct(chart, 'other-job'))).not.toBe(label);
});

test('uniqueLabel never exceeds 63 characters and keeps truncated names unique', () => {
  const chart = Testing.chart();
  let a: Construct = chart;
  let b: Construct = chart;
  for (let i = 0; i < 6; i++) {
    a = new Construct(a, `a-rather-long-construct-id-number-${i}`);
    b = new Construct(b, `a-rather-long-construct-id-number-${i}-b`);
  }
  const la = ResourceNames.uniqueLabel(a);
  const lb = ResourceNames.uniqueLabel(b);
  expect(la.length).toBeLessThanOrEqual(63);
  expect(lb.length).toBeLessThanOrEqual(63);
  expect(ResourceNames.isDns1123Label(la)).toBe(true);
  expect(ResourceNames.isDns1123Label(lb)).toBe(true);
  expect(la).not.toBe(lb);
  // a larger maximum is capped at 63
  expect(ResourceNames.uniqueLabel(a, 200).length).toBeLessThanOrEqual(63);
  expect(ResourceNames.uniqueLabel(a, 200)).toBe(la);
});

test('uniqueLabel respects a smaller maximum', () => {
  const chart = Testing.chart();
  const c = new Construct(new Construct(chart, 'training'), 'llama-finetune-with-a-long-name');
  for (const max of [8, 10, 20, 40, 62]) {
    const label = ResourceNames.uniqueLabel(c, max);
    expect(label.length).toBeLessThanOrEqual(max);
    expect(ResourceNames.isDns1123Label(label)).toBe(true);
    expect(ResourceNames.uniqueLabel(c, max)).toBe(label);
  }
  expect(ResourceNames.uniqueLabel(c, 20)).toMatch(/-[0-9a-f]{8}$/);
});

test('uniqueLabel is a DNS-1123 label even when construct ids hold characters a label cannot', () => {
  const chart = Testing.chart();
  const labels = ['My_Job', 'job.v2', 'Trainer [gpu]', 'a^b\\c', '_leading', 'trailing.']
    .map(id => ResourceNames.uniqueLabel(new Construct(chart, id)));
  expect(labels.filter(label => !ResourceNames.isDns1123Label(label))).toEqual([]);
  expect(new Set(labels).size).toBe(labels.length);
});

test('uniqueLabel can name an object that passes schema validation', () => {
  const chart = Testing.chart();
  const c = new Construct(chart, 'embeddings-server');
  new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ResourceNames.uniqueLabel(c, 40) + '-config' }, data: { a: 'b' } });
  const [cm] = synthValid(chart);
  expect(cm.metadata.name).toMatch(/^test-embeddings-server-[0-9a-f]{8}-config$/);
});

test('checkDns1123Label accepts undefined and valid labels', () => {
  const chart = Testing.chart();
  expect(() => checkDns1123Label(chart, 'name', undefined)).not.toThrow();
  expect(() => checkDns1123Label(chart, 'name', 'ok-name')).not.toThrow();
  expect(() => checkDns1123Label(chart, 'name', 'x'.repeat(63))).not.toThrow();
  expect(() => checkDns1123Label(chart, 'name', 'x'.repeat(15), 15)).not.toThrow();
});

test('checkDns1123Label rejects bad labels, naming the maximum length', () => {
  const chart = Testing.chart();
  expectValidationError(() => checkDns1123Label(chart, 'spec.name', 'Bad_Name'),
    /^\[test\] spec\.name: 'Bad_Name' is not valid; must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters$/);
  expectValidationError(() => checkDns1123Label(chart, 'spec.name', 'x'.repeat(64)),
    /^\[test\] spec\.name: 'x{64}' is not valid; must be a DNS-1123 label: .*at most 63 characters$/);
  expectValidationError(() => checkDns1123Label(chart, 'spec.name', 'x'.repeat(16), 15),
    /^\[test\] spec\.name: 'x{16}' is not valid; must be a DNS-1123 label: .*at most 15 characters$/);
  expectValidationError(() => checkDns1123Label(chart, 'spec.name', ''),
    /^\[test\] spec\.name: '' is not valid; must be a DNS-1123 label/);
});

test('checkDns1123Subdomain', () => {
  const chart = Testing.chart();
  expect(() => checkDns1123Subdomain(chart, 'f', undefined)).not.toThrow();
  expect(() => checkDns1123Subdomain(chart, 'f', 'my.service-account')).not.toThrow();
  expectValidationError(() => checkDns1123Subdomain(chart, 'spec.serviceAccountName', 'Bad_SA'),
    /^\[test\] spec\.serviceAccountName: 'Bad_SA' is not valid; must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '\.', at most 253 characters$/);
  expectValidationError(() => checkDns1123Subdomain(chart, 'f', 'x'.repeat(254)),
    /^\[test\] f: 'x{254}' is not valid; must be a DNS-1123 subdomain/);
});

test('checkLabels accepts undefined, empty and valid labels', () => {
  const chart = Testing.chart();
  expect(() => checkLabels(chart, 'labels', undefined)).not.toThrow();
  expect(() => checkLabels(chart, 'labels', {})).not.toThrow();
  expect(() => checkLabels(chart, 'labels', { 'app.kubernetes.io/name': 'trainer', 'tier': '', 'v': 'A_b.c-1' })).not.toThrow();
});

test('checkLabels rejects a bad key, naming the key', () => {
  const chart = Testing.chart();
  expectValidationError(() => checkLabels(chart, 'metadata.labels', { 'bad key': 'v' }),
    /^\[test\] metadata\.labels\.bad key: 'bad key' is not valid; label keys are '\[dns-subdomain\/\]name' with a name of at most 63 alphanumerics, '-', '_' or '\.'$/);
  expectValidationError(() => checkLabels(chart, 'metadata.labels', { 'Example.com/app': 'v' }),
    /^\[test\] metadata\.labels\.Example\.com\/app: 'Example\.com\/app' is not valid; label keys are/);
});

test('checkLabels rejects a bad value, naming the value', () => {
  const chart = Testing.chart();
  expectValidationError(() => checkLabels(chart, 'metadata.labels', { app: 'not valid!' }),
    /^\[test\] metadata\.labels\.app: 'not valid!' is not valid; label values are at most 63 alphanumerics, '-', '_' or '\.', starting and ending with an alphanumeric$/);
  expectValidationError(() => checkLabels(chart, 'metadata.labels', { app: 'v'.repeat(64) }),
    /^\[test\] metadata\.labels\.app: 'v{64}' is not valid; label values are/);
});
