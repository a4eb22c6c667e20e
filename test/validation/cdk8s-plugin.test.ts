import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { synthExample } from '../../scripts/synth-examples';
import { readManifest } from '../../src/validation/cdk8s-plugin';

// Runs the real cdk8s CLI on a small app with deliberate mistakes; cdk8s.yaml there loads the
// plugin from sources (test/fixtures/plugin-shim.js).
test('`cdk8s synth` reports schema violations with the construct path and fails', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-plugin-'));
  const report = path.join(out, 'report.json');
  const cli = path.join(__dirname, '..', '..', 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  const r = spawnSync(process.execPath, [cli, 'synth', '--no-check-upgrade', '--output', path.join(out, 'dist'), '--validation-reports-output-file', report], {
    cwd: path.join(__dirname, '..', 'fixtures', 'invalid-app'),
    encoding: 'utf-8',
    timeout: 120_000,
  });
  expect(r.status).toBe(2);
  expect(r.stdout).toContain('Construct Path: broken/pi');
  const json = JSON.parse(fs.readFileSync(report, 'utf-8'));
  const [rep] = json.reports;
  expect(rep.summary.status).toBe('failure');
  // exactly the SparkApplication is reported; the valid ConfigMap is not
  expect(rep.violations).toEqual([{
    ruleName: 'schema: sparkoperator.k8s.io/v1beta2 SparkApplication',
    recommendation: '/spec/driver/cores: must be integer',
    fix: expect.stringContaining('/spec/driver/cores'),
    violatingConstructs: [{
      resourceName: 'pi',
      constructPath: 'broken/pi',
      manifestPath: path.join(out, 'dist', 'broken.k8s.yaml'),
      locations: ['/spec/driver/cores'],
    }],
  }]);
  fs.rmSync(out, { recursive: true, force: true });
});

test('the plugin reads a manifest as `yaml` does: every kind of scalar cdk8s writes, and the examples\' manifests', () => {
  // strings a YAML reader might take for another type, or that need quoting or escaping
  const strings = ['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'True', 'FALSE', 'null', 'Null', '~', '', '0755', '0x1F', '1e3',
    '1_000', '0b11', '12:30', '.inf', '-.Inf', '.nan', '2024-01-01', '2024-01-01T00:00:00Z', '3.14', '-0', '+1', ' leading', 'trailing ',
    'multi\nline\n', 'trailing\n\n', 'a: b', '- x', '#c', '"q"', "'s'", '{x}', '[y]', '@a', '`b', '%p', '!t', '&a', '*b', '|', '>',
    '<<', '=', '---', '...', 'tab\there', 'ü 漢字 😀', 'x'.repeat(300), '\\back', '\u0007bell'];
  const data: Record<string, unknown> = Object.fromEntries(strings.map((v, i) => [`s${i}`, v]));
  Object.assign(data, {
    'numbers': [0, -1, 1.5, 1e21, 2 ** 53, -0.000001, 493],
    'flags': [true, false, null],
    'empty': [[], {}, ''],
    'nested': [{ a: [{ b: { c: ['d', 1] } }] }],
    'yes': 'key that is a YAML 1.1 boolean',
    '<<': 'merge key',
    '1': 'numeric key',
    'a b: c': 'key with a colon',
  });
  const scalars = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'scalars', annotations: { 'x/y': 'on' } }, data };
  const text = Yaml.stringify(scalars);
  expect(readManifest(text)).toEqual(YAML.parseAllDocuments(text).map(d => d.toJSON()));
  expect(readManifest(text)).toEqual([scalars]);
  // cdk8s writes YAML 1.1, where 0o17 is no number, unquoted: YAML 1.2 readers, the plugin's before as now, read 15
  const octal = Yaml.stringify({ v: '0o17' });
  expect([readManifest(octal), YAML.parse(octal)]).toEqual([[{ v: 15 }], { v: 15 }]);

  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-plugin-read-'));
  try {
    let objects = 0;
    for (const example of ['pipeline-e2e', 'llm-finetune-production', 'spark-streaming', 'llm-serving-production']) {
      const ex = synthExample(example, path.join(outdir, example));
      for (const f of fs.readdirSync(ex.outdir).filter(n => n.endsWith('.k8s.yaml'))) {
        const manifest = fs.readFileSync(path.join(ex.outdir, f), 'utf-8');
        const read = readManifest(manifest);
        expect(read).toEqual(YAML.parseAllDocuments(manifest).map(d => d.toJSON()).filter(Boolean));
        objects += read.length;
      }
    }
    expect(objects).toBeGreaterThan(30);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
