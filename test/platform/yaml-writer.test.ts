/**
 * PlatformApp's YAML writer must write exactly what cdk8s's `Yaml.stringify` writes: compared on generated documents
 * (strings built from YAML's troublesome pieces, numbers, booleans, nulls, nesting, shared objects) here, and on the
 * objects of every example app (test/examples/example-suite.ts).
 */
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { stringifyYaml, yamlWriterStats } from '../../src/platform/yaml-writer';

/** Pieces of strings that change how YAML writes them (indicators, schema look-alikes, quotes, markers, breaks). */
const PIECES = [
  'a', 'name', 'x-y', '', ' ', ':', ': ', '#', ' #', '-', '- ', '?', '? ', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>',
  "'", '"', '%', '@', '`', '---', '...', '\n', '\t', '\r', '\u0000', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\u3000', '\r\n', '\ud800', 'é', '日本',
  'yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'False', 'null', '~', 'NULL', '0', '1', '-1', '+1', '0x1F', '0o17', '0777',
  '0b101', '1_000', '1e3', '1.5', '.5', '-.inf', '.NaN', '190:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '<<',
  '=', 'local:///opt/spark/pi.py', 's3://bucket/key', '--epochs', '3.5.5', 'app.kubernetes.io/name', '{{ .Values }}',
];
const text = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map(p => p.join('')),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ maxLength: 12 }),
);
const scalar = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 2, arbitrary: fc.integer() },
  fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined),
  fc.constantFrom(2 ** 53, -0, 1e21, -1e300),
);
const { doc } = fc.letrec<{ doc: any; value: any }>(tie => ({
  doc: fc.dictionary(text, tie('value'), { maxKeys: 5 }),
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: scalar },
    tie('doc'),
    fc.array(tie('value'), { maxLength: 4 }),
  ),
}));

/** The share of documents written by the fast path while `f` runs. */
function fastShare(f: () => void): number {
  const before = { ...yamlWriterStats };
  f();
  const fast = yamlWriterStats.fast - before.fast;
  return fast / (fast + yamlWriterStats.fallback - before.fallback);
}

test('writes what Yaml.stringify writes, on generated documents', () => {
  const share = fastShare(() => fc.assert(fc.property(fc.array(doc, { minLength: 1, maxLength: 3 }), docs => {
    expect(stringifyYaml(docs)).toEqual(Yaml.stringify(...docs));
  }), { numRuns: 3000 }));
  // the comparison is only worth its cases: many generated documents must take the fast path
  expect(share).toBeGreaterThan(0.15);
});

test('writes what Yaml.stringify writes, on documents shaped like Kubernetes objects (plain strings mostly)', () => {
  const k8sText = fc.oneof({ weight: 5, arbitrary: fc.stringMatching(/^[a-z][a-z0-9.\-/:_]{0,20}$/) }, text);
  const { object } = fc.letrec<{ object: any; field: any }>(tie => ({
    object: fc.dictionary(k8sText, tie('field'), { minKeys: 1, maxKeys: 6 }),
    field: fc.oneof({ depthSize: 'small' },
      { weight: 5, arbitrary: fc.oneof(k8sText, fc.nat(), fc.boolean()) },
      tie('object'),
      fc.array(tie('field'), { maxLength: 3 }),
    ),
  }));
  const share = fastShare(() => fc.assert(fc.property(fc.array(object, { minLength: 1, maxLength: 3 }), docs => {
    expect(stringifyYaml(docs)).toEqual(Yaml.stringify(...docs));
  }), { numRuns: 2000 }));
  expect(share).toBeGreaterThan(0.5);
});

test('a key longer than 1,024 characters (written as an explicit key) is written as Yaml.stringify writes it', () => {
  const docs = [{ ['k'.repeat(1025)]: 'v', ['k'.repeat(1024)]: 'w' }];
  expect(stringifyYaml(docs)).toEqual(Yaml.stringify(...docs));
});

test('an object met twice (written as an alias) and undefined documents are written as Yaml.stringify writes them', () => {
  const shared = { a: 1 };
  const docs = [{ x: shared, y: shared }, undefined, { z: [shared, shared] }, {}];
  expect(stringifyYaml(docs)).toEqual(Yaml.stringify(...docs));
  expect(stringifyYaml(docs)).toContain('&a1');
});
