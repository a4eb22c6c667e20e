import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The library on the current Node LTS line: a representative part of the suite — every example synthesized and
 * validated against the pinned schemas (with its snapshot), and the core, compute, training and serving unit
 * suites — run by jest on Node 24, installed from the npm registry's node package (scripts/node-lts.sh, cached under
 * ~/.cache/cdk8s-ai-platform/node). The rest of the suite runs on the machine's Node.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SUITES = ['test/examples', 'test/core', 'test/compute', 'test/training', 'test/serving'];

test('the examples and the core, compute, training and serving suites pass on Node 24', () => {
  const node = execFileSync('bash', [path.join(ROOT, 'scripts', 'node-lts.sh'), '24'], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim().split('\n').pop()!;
  expect(execFileSync(node, ['--version'], { encoding: 'utf-8' })).toMatch(/^v24\./);

  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-node24-'));
  const results = path.join(out, 'results.json');
  const r = spawnSync(node, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--coverage=false', '--silent',
    '--json', `--outputFile=${results}`, ...SUITES], {
    cwd: ROOT,
    encoding: 'utf-8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 15 * 60_000,
    // Node 24 first on PATH, so whatever the suites spawn as `node` runs on it too; jest-junit writes elsewhere.
    env: { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`, JEST_JUNIT_OUTPUT_DIR: out },
  });
  const json = fs.existsSync(results) ? JSON.parse(fs.readFileSync(results, 'utf-8')) : undefined;
  fs.rmSync(out, { recursive: true, force: true });
  if (!json) throw new Error(`jest on Node 24 wrote no results (exit ${r.status}):\n${r.stderr.slice(-5000)}`);

  const failures = json.testResults.flatMap((s: any) => [
    ...(s.status === 'failed' && s.assertionResults.length === 0 ? [`${path.relative(ROOT, s.name)}: ${s.message.slice(0, 2000)}`] : []),
    ...s.assertionResults.filter((a: any) => a.status === 'failed').map((a: any) => `${path.relative(ROOT, s.name)}: ${a.fullName}`),
  ]);
  expect(failures).toEqual([]);
  expect(json.numFailedTests).toBe(0);
  expect(json.numRuntimeErrorTestSuites).toBe(0);
  // every suite of those folders ran
  const ran = new Set(json.testResults.map((s: any) => path.relative(ROOT, path.dirname(s.name)).split(path.sep).slice(0, 2).join('/')));
  expect([...ran].sort()).toEqual([...SUITES].sort());
  expect(json.numPassedTests).toBeGreaterThan(200);
  expect(r.status).toBe(0);
}, 20 * 60_000);
