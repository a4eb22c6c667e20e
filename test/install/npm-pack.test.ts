import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * A new user's install path: a tarball made with plain `npm pack` in the repository, installed into a fresh cdk8s app
 * (cdk8s, constructs, cdk8s-plus-28 and cdk8s-cli from the npm registry) with the validation plugin configured as the
 * README says, synthesizes and validates with no extra step.
 *
 * The tarball and the app are cached under ~/.cache/cdk8s-ai-platform/pack/<hash of what goes into the tarball>, so
 * a warm run only synthesizes.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = process.env.AIP_PACK_CACHE ?? path.join(os.homedir(), '.cache', 'cdk8s-ai-platform', 'pack');

function filesUnder(rel: string): string[] {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [rel];
  return fs.readdirSync(abs).sort().flatMap(name => filesUnder(path.join(rel, name)));
}

/** Everything that decides the tarball's content: sources, package metadata, the pack and upstream scripts. */
function packKey(): string {
  const h = createHash('sha256');
  const inputs = ['src', 'package.json', '.npmignore', 'README.md', 'LICENSE', 'tsconfig.json',
    'scripts/prepack.sh', 'scripts/package-assets.sh', 'scripts/jsii-assembly.sh', 'scripts/upstream.ts', 'scripts/render']
    .flatMap(filesUnder);
  for (const f of inputs) h.update(f).update('\0').update(fs.readFileSync(path.join(ROOT, f))).update('\0');
  return h.digest('hex').slice(0, 16);
}

function version(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf-8')).version;
}

const key = packKey();
const dir = path.join(CACHE, key);
const tarball = path.join(dir, 'cdk8s-ai-platform.tgz');
const app = path.join(dir, 'app');

/** `npm pack` in the repository (its prepack step compiles lib/ if needed and adds the data files). */
function pack(): void {
  if (fs.existsSync(tarball)) return;
  fs.mkdirSync(dir, { recursive: true });
  const out = fs.mkdtempSync(path.join(dir, 'pack-'));
  const json = execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
    cwd: ROOT, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024,
  });
  // npm prints the JSON array last, at the start of a line (lifecycle scripts may print before it)
  const [{ filename }] = JSON.parse(json.slice(json.search(/^\[\s*\{/m)));
  fs.renameSync(path.join(out, path.basename(filename)), tarball);
  fs.rmSync(out, { recursive: true, force: true });
}

const MAIN_JS = `
const { ApiObject, App, Chart } = require('cdk8s');
const { SparkApplicationType, SparkJob, SparkOperatorInstall } = require('cdk8s-ai-platform');

const app = new App();
// An operator install: its objects come from the rendered installs shipped in the package (upstream-installs/).
new SparkOperatorInstall(new Chart(app, 'operator'), 'spark', { jobNamespaces: ['spark-jobs'] });
const jobs = new Chart(app, 'jobs', { namespace: 'spark-jobs' });
new SparkJob(jobs, 'pi', {
  name: 'pi',
  type: SparkApplicationType.PYTHON,
  sparkVersion: '3.5.5',
  image: 'docker.io/apache/spark:3.5.5',
  mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
});
if (process.env.AIP_PACK_TEST_INVALID) {
  // A raw object the library does not check: the plugin must report it against the pinned CRD schema.
  new ApiObject(jobs, 'broken', {
    apiVersion: 'sparkoperator.k8s.io/v1beta2', kind: 'SparkApplication', metadata: { name: 'broken' },
    spec: { type: 'Python', sparkVersion: '3.5.5', mode: 'cluster', mainApplicationFile: 'local:///x.py', driver: { cores: 'one' } },
  });
}
app.synth();
`;

// The plugin configured exactly as README.md ("Validating with `cdk8s synth`") says.
const CDK8S_YAML = `language: javascript
app: node main.js
validations:
  - package: ./node_modules/cdk8s-ai-platform/lib/validation/cdk8s-plugin.js
    version: 0.0.0
    class: AiPlatformValidation
`;

/** A fresh cdk8s app with the tarball installed (cached with the tarball). */
function installApp(): void {
  if (!fs.existsSync(path.join(app, '.installed'))) {
    fs.rmSync(app, { recursive: true, force: true });
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
      name: 'fresh-cdk8s-app',
      private: true,
      dependencies: {
        'cdk8s': version('cdk8s'),
        'constructs': version('constructs'),
        'cdk8s-plus-28': version('cdk8s-plus-28'),
        'cdk8s-ai-platform': `file:${tarball}`,
      },
      devDependencies: { 'cdk8s-cli': version('cdk8s-cli') },
    }, null, 2));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, stdio: ['ignore', 'inherit', 'inherit'] });
    fs.writeFileSync(path.join(app, '.installed'), '');
  }
  fs.writeFileSync(path.join(app, 'main.js'), MAIN_JS);
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), CDK8S_YAML);
}

function synth(env: Record<string, string> = {}) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-pack-synth-'));
  const r = spawnSync(process.execPath, [path.join(app, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade', '--output', out], {
    cwd: app,
    encoding: 'utf-8',
    timeout: 180_000,
    // The app's environment, not the repository's: no cache override from the developer's shell.
    env: { ...withoutUpstreamCache(process.env), ...env },
  });
  const files = r.status === 0 ? fs.readdirSync(out).filter(f => f.endsWith('.k8s.yaml')).sort() : [];
  const yaml = Object.fromEntries(files.map(f => [f, fs.readFileSync(path.join(out, f), 'utf-8')]));
  fs.rmSync(out, { recursive: true, force: true });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}`, yaml };
}

function withoutUpstreamCache(env: NodeJS.ProcessEnv): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== 'CDK8S_AI_PLATFORM_UPSTREAM_CACHE') copy[k] = v;
  return copy;
}

beforeAll(() => {
  pack();
  installApp();
}, 20 * 60_000);

test('the tarball of a plain `npm pack` carries the compiled library, the schemas and the operator installs', () => {
  const entries = new Set(execFileSync('tar', ['-tzf', tarball], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 }).split('\n'));
  for (const f of [
    'package/lib/index.js',
    'package/lib/validation/cdk8s-plugin.js',
    'package/.jsii',
    'package/upstream-schemas/schemas/k8s/api__v1_openapi.json',
    'package/upstream-installs/installs/spark-operator.json',
  ]) {
    expect({ f, present: entries.has(f) }).toEqual({ f, present: true });
  }
  // every pinned CRD is there
  const crds = [...entries].filter(e => e.startsWith('package/upstream-schemas/schemas/crd/') && e.endsWith('.json')).sort();
  const pinned = filesUnder('.upstream-cache/schemas/crd').filter(f => f.endsWith('.json'))
    .map(f => `package/upstream-schemas/schemas/crd/${path.relative('.upstream-cache/schemas/crd', f)}`).sort();
  expect(pinned.length).toBeGreaterThan(50);
  expect(crds).toEqual(pinned);
  // the validators of the pinned schemas, compiled ahead (one folder: this version of the validator module)
  const validators = [...entries].filter(e => e.startsWith('package/upstream-schemas/validators/') && e.endsWith('.js.gz'));
  expect(new Set(validators.map(e => path.dirname(e))).size).toBe(1);
  expect(validators.length).toBeGreaterThan(pinned.length);
  // nothing of the repository's development files
  expect([...entries].filter(e => /^package\/(src|test|scripts|examples|\.upstream-cache)\//.test(e))).toEqual([]);
});

test('a fresh cdk8s app with the tarball installed synthesizes and validates with the plugin as the README configures it', () => {
  const r = synth();
  expect({ status: r.status, output: r.status === 0 ? '' : r.output }).toEqual({ status: 0, output: '' });
  expect(r.output).toMatch(/Validation Report[\s\S]*success/i);
  expect(Object.keys(r.yaml)).toEqual(['jobs.k8s.yaml', 'operator.k8s.yaml']);
  expect(r.yaml['jobs.k8s.yaml']).toContain('kind: SparkApplication');
  expect(r.yaml['operator.k8s.yaml']).toContain('image: ghcr.io/kubeflow/spark-operator/controller:2.5.2');
});

test("the plugin's first synth on a machine compiles nothing: the package's validators serve the kinds present", () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-pack-validators-'));
  const r = synth({ CDK8S_AI_PLATFORM_VALIDATOR_CACHE: cache });
  // a validator compiled in the app's process would have been written to the (empty) cache
  const written = fs.readdirSync(cache, { recursive: true }).filter(f => String(f).endsWith('.js'));
  fs.rmSync(cache, { recursive: true, force: true });
  expect({ status: r.status, output: r.status === 0 ? '' : r.output }).toEqual({ status: 0, output: '' });
  expect(r.output).toMatch(/Validation Report[\s\S]*success/i);
  expect(written).toEqual([]);
});

test('the plugin reports an invalid object of the installed app against the shipped schemas', () => {
  const r = synth({ AIP_PACK_TEST_INVALID: '1' });
  expect(r.status).toBe(2);
  expect(r.output).toContain('schema: sparkoperator.k8s.io/v1beta2 SparkApplication');
  expect(r.output).toContain('Construct Path: jobs/broken');
  expect(r.output).toContain('/spec/driver/cores: must be integer');
  expect(r.output).not.toContain('Construct Path: jobs/pi');
});

test('without schemas the plugin tells the app author where it looked and what to do', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-no-schemas-'));
  const r = synth({ CDK8S_AI_PLATFORM_UPSTREAM_CACHE: empty });
  fs.rmSync(empty, { recursive: true, force: true });
  expect(r.status).not.toBe(0);
  expect(r.output).toContain(`the pinned upstream schemas are missing (looked in ${path.join(empty, 'schemas')})`);
  expect(r.output).toContain('reinstall cdk8s-ai-platform from the registry or from a tarball made with `npm pack`');
});
