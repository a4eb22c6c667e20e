import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

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
