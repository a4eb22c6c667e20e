/**
 * npm run bench [-- 100 1000 10000] [--no-plugin]
 *
 * Synthesis at platform scale. One unit of work is a realistic mix: a DistributedTraining TrainJob with a GPU on a
 * shared GpuNodePool, submitted through a LocalQueue; an InferenceService that picks its runtime from the app's
 * ServingRuntimes; and a SparkJob (with its driver's ServiceAccount, Role and RoleBinding) placed through the app
 * (no explicit pool). For each size, in separate processes so that peak RSS is per phase (each runs the library as
 * compiled JavaScript, transpiled once by this process, without the TypeScript compiler in it):
 *
 * - library: construct every workload in the library's `PlatformApp` and write the app's YAML files (`app.synth()`,
 *   what `cdk8s synth` runs);
 * - library in cdk8s's `App`: the same, with cdk8s's own `App` (which prepares the whole app again for each chart);
 * - YAML floor: the same objects through cdk8s's own YAML call (`Yaml.stringify`), written to a file; and the same
 *   objects through PlatformApp's YAML writer (the same bytes, no YAML document model: what the library's synth uses);
 * - raw cdk8s: the same objects as plain `ApiObject`s in a fresh cdk8s `App` (one chart per namespace), then
 *   `app.synth()`; and the same in a `PlatformApp` (what is left of the library's time beside it is its own work);
 * - the validation plugin on the library's output: cold (new process, first call compiles the schemas of the kinds
 *   present and keeps them on disk), cold with the compiled validators on disk (a new process again: every later
 *   `cdk8s synth`), warm (second call in one process), and the plugin class as `cdk8s synth` runs it (the manifest's
 *   YAML parsed too) cold in an installed package: a new process with an empty cache and the validators the package
 *   step compiles ahead for every pinned schema (compiled once per bench run, not timed).
 *
 * It prints CPU and wall times, the ratios library / raw cdk8s and library / YAML floor, the 10x-work linearity
 * ratios (CPU time) and each phase's peak RSS. Compare ratios between commits; absolute times depend on the machine
 * and its load, and CPU time (user + system of the child process) is the steadier of the two on a shared machine.
 * `BENCH_PHASES=1` also prints the library's construction and synth times apart, and the heap after each (with
 * `NODE_OPTIONS=--expose-gc`, the heap after construction is measured after a collection, outside the timings).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { ApiObject, App, Chart, Size, Yaml } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import {
  Accelerator, BatchQueue, ClusterServingRuntime, DistributedTraining, GpuInstances, GpuNodePool, InferenceService, KServeConfig,
  ModelFormat, PlatformApp, Predictor, QueueFlavors, ResourceQuota, SparkApplicationType, SparkJob, StorageUri, TrainingBackend,
} from '../src';
import { stringifyYaml } from '../src/platform/yaml-writer';
import { DeploymentMode } from '../src/serving/kserve-config';
import { UPSTREAM_CACHE_DIR } from '../src/validation/cache';
import { AiPlatformValidation } from '../src/validation/cdk8s-plugin';
import { SchemaValidator } from '../src/validation/schema-validator';

interface Measure {
  readonly ms: number;
  readonly cpuMs: number;
  readonly rssMiB: number;
  readonly startRssMiB: number;
  readonly objects?: number;
  readonly warmMs?: number;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
/** CPU time of this process (user + system, all threads): steadier than wall time on a loaded machine. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const rssMiB = () => process.resourceUsage().maxRSS / 1024;
/** RSS when the phase starts: node, ts-node and the modules loaded (the phase's own memory is the peak above it). */
let startRssMiB = 0;

/** Builds the app: `units` of the mix, spread over teams (one namespace, LocalQueue and chart per 100 units). */
export function buildLibraryApp(units: number, cdk8sApp = false): App {
  const props = { outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'aip-bench-')) };
  const app = cdk8sApp ? new App(props) : new PlatformApp(props);
  const platform = new Chart(app, 'platform');
  new KServeConfig(platform, 'kserve', { defaultDeploymentMode: DeploymentMode.STANDARD });
  new ClusterServingRuntime(platform, 'sklearn', {
    name: 'bench-sklearn',
    supportedModelFormats: [{ name: 'sklearn', version: '1', autoSelect: true, priority: 2 }],
    container: { image: 'docker.io/kserve/sklearnserver:v0.20.0', args: ['--model_dir=/mnt/models'] },
  });
  const pool = new GpuNodePool(platform, 'gpu', {
    instances: GpuInstances.families(['g5', 'g6']), gpuLimit: Math.max(64, units), nodeClass: { clusterName: 'bench', role: 'bench-node' },
  });
  const queue = new BatchQueue(platform, 'queue', {
    name: 'bench',
    resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forPool(pool), quotas: [ResourceQuota.cpu('100000'), ResourceQuota.memory('1000Ti'), ResourceQuota.nvidiaGpus(100000)] }] }],
  });
  let team: Chart | undefined;
  let local: any;
  for (let i = 0; i < units; i++) {
    if (i % 100 === 0) {
      const ns = `team-${i / 100}`;
      team = new Chart(app, ns, { namespace: ns });
      local = queue.addLocalQueue(ns, 'gpu');
    }
    new DistributedTraining(team!, `train-${i}`, {
      name: `train-${i}`,
      image: 'ghcr.io/example/train:1.0.0',
      args: ['--epochs', '3'],
      backend: TrainingBackend.trainerV2(),
      workers: 2,
      resourcesPerWorker: { cpu: Cpu.units(4), memory: Size.gibibytes(16), accelerator: Accelerator.nvidia({ count: 1 }) },
      pool,
      queue: local,
    });
    new InferenceService(team!, `serve-${i}`, {
      name: `serve-${i}`,
      predictor: Predictor.model({ format: ModelFormat.sklearn(), storageUri: StorageUri.s3('models', `iris-${i}`) }),
    });
    new SparkJob(team!, `etl-${i}`, {
      name: `etl-${i}`,
      type: SparkApplicationType.PYTHON,
      sparkVersion: '3.5.5',
      image: 'docker.io/apache/spark:3.5.5',
      mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
      driver: { cores: 1, memory: Size.mebibytes(512) },
      executor: { cores: 1, instances: 2, memory: Size.mebibytes(512) },
    });
  }
  return app;
}

/** Child process: one phase, one size; prints a JSON Measure. */
function child(phase: string, units: number, file: string): void {
  startRssMiB = process.memoryUsage().rss / 1024 / 1024;
  if (phase === 'library' || phase === 'library-app') {
    const t0 = now();
    const c0 = cpu();
    const app = buildLibraryApp(units, phase === 'library-app');
    const tBuilt = now();
    const cBuilt = cpu();
    // what the construct tree holds: the heap after construction, once garbage is collected (BENCH_PHASES with
    // node --expose-gc)
    const gc = process.env.BENCH_PHASES ? (global as any).gc as (() => void) | undefined : undefined;
    gc?.();
    const heapBuilt = process.memoryUsage();
    const rssBuilt = rssMiB();
    // the collection's own time is not the library's
    const gcMs = now() - tBuilt;
    const gcCpu = cpu() - cBuilt;
    app.synth();
    const ms = now() - t0 - gcMs;
    const cpuMs = cpu() - c0 - gcCpu;
    const rss = rssMiB();
    if (process.env.BENCH_PHASES) {
      const mib = (b: number) => (b / 1024 / 1024).toFixed(0);
      const heapSynth = process.memoryUsage();
      process.stderr.write(`${phase}: construct ${(tBuilt - t0).toFixed(0)} ms (cpu ${(cBuilt - c0).toFixed(0)}), `
        + `synth ${(now() - tBuilt - gcMs).toFixed(0)} ms (cpu ${(cpu() - cBuilt - gcCpu).toFixed(0)}); `
        + `after construction: heap used ${mib(heapBuilt.heapUsed)} MiB${gc ? ' (collected)' : ''}, peak RSS so far ${rssBuilt.toFixed(0)} MiB; `
        + `after synth: heap used ${mib(heapSynth.heapUsed)} MiB, peak RSS ${rss.toFixed(0)} MiB\n`);
    }
    // the files written, in the order of their charts' names (cdk8s's App prefixes an index to them when charts
    // depend on each other)
    const files = fs.readdirSync(app.outdir).sort((a, b) => a.replace(/^\d{4}-/, '').localeCompare(b.replace(/^\d{4}-/, '')));
    const yaml = files.map(f => fs.readFileSync(path.join(app.outdir, f), 'utf-8')).join('---\n');
    fs.rmSync(app.outdir, { recursive: true, force: true });
    if (phase === 'library') {
      // the objects for the other phases: one JSON document per line (a single JSON string of 60,000 objects is
      // larger than the child's parser is comfortable with)
      fs.writeFileSync(`${file}.yaml`, yaml);
      const out = fs.openSync(file, 'w');
      for (const doc of YAML.parseAllDocuments(yaml)) {
        const o = doc.toJSON();
        if (o) fs.writeSync(out, `${JSON.stringify(o)}\n`);
      }
      fs.closeSync(out);
    }
    process.stdout.write(JSON.stringify({ ms, cpuMs, rssMiB: rss, startRssMiB, objects: yaml.split('\n---\n').length }));
    return;
  }
  if (phase === 'precompile') {
    // what the package step does (scripts/package-assets.sh) for this module: every pinned schema compiled, gzipped
    const compiled = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-bench-compiled-'));
    const r = new SchemaValidator(undefined, { compiledCacheDir: compiled, shippedValidatorsDir: null })._precompileAll();
    // laid out as an installed package's upstream-schemas/: the schemas, and the validators beside them
    fs.symlinkSync(path.join(UPSTREAM_CACHE_DIR, 'schemas'), path.join(file, 'schemas'));
    const dest = path.join(file, 'validators', path.basename(r.dir));
    fs.mkdirSync(dest, { recursive: true });
    for (const f of r.files) fs.writeFileSync(path.join(dest, `${f}.gz`), gzipSync(fs.readFileSync(path.join(r.dir, f)), { level: 9 }));
    fs.rmSync(compiled, { recursive: true, force: true });
    process.stdout.write(JSON.stringify({ ms: 0, cpuMs: 0, rssMiB: 0, startRssMiB, objects: r.kinds }));
    return;
  }
  if (phase === 'plugin-installed') {
    // the plugin as cdk8s synth runs it (AiPlatformValidation on the written manifest, its YAML parsed), the schemas
    // and validators read from $CDK8S_AI_PLATFORM_UPSTREAM_CACHE as from an installed package's upstream-schemas/
    const t0 = now();
    const c0 = cpu();
    let result = '';
    const violations: any[] = [];
    void new AiPlatformValidation().validate({
      manifests: [`${file}.yaml`],
      report: { addViolation: (v: any) => violations.push(v), submit: (r: string) => { result = r; } },
      logger: { log: () => undefined },
    });
    const ms = now() - t0;
    const cpuMs = cpu() - c0;
    if (result !== 'success') throw new Error(`plugin: ${result}: ${JSON.stringify(violations[0])}`);
    process.stdout.write(JSON.stringify({ ms, cpuMs, rssMiB: rssMiB(), startRssMiB }));
    return;
  }
  const objects = fs.readFileSync(file, 'utf-8').split('\n').filter(Boolean).map(l => JSON.parse(l));
  if (phase === 'floor' || phase === 'floor-writer') {
    const t0 = now();
    const c0 = cpu();
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aip-bench-floor-')), 'objects.k8s.yaml');
    fs.writeFileSync(out, phase === 'floor' ? Yaml.stringify(...objects) : stringifyYaml(objects));
    const measure = { ms: now() - t0, cpuMs: cpu() - c0, rssMiB: rssMiB(), startRssMiB };
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
    process.stdout.write(JSON.stringify(measure));
  } else if (phase === 'raw' || phase === 'raw-platform') {
    const t0 = now();
    const c0 = cpu();
    const props = { outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'aip-bench-raw-')) };
    const app = phase === 'raw' ? new App(props) : new PlatformApp(props);
    // one chart per namespace: the library app's charts
    const charts = new Map<string, Chart>();
    objects.forEach((o, i) => {
      const ns = o.metadata?.namespace ?? '';
      let chart = charts.get(ns);
      if (!chart) {
        chart = new Chart(app, `c${charts.size}`);
        charts.set(ns, chart);
      }
      new ApiObject(chart, `o${i}`, o);
    });
    app.synth();
    const measure = { ms: now() - t0, cpuMs: cpu() - c0, rssMiB: rssMiB(), startRssMiB };
    fs.rmSync(app.outdir, { recursive: true, force: true });
    process.stdout.write(JSON.stringify(measure));
  } else if (phase === 'plugin') {
    const t0 = now();
    const c0 = cpu();
    const validator = new SchemaValidator(undefined, { shippedValidatorsDir: null });
    const first = validator.validateAll(objects);
    const cold = now() - t0;
    const coldCpu = cpu() - c0;
    const t1 = now();
    validator.validateAll(objects);
    const warm = now() - t1;
    if (first.violations.length) throw new Error(`bench output has ${first.violations.length} schema violations: ${JSON.stringify(first.violations[0])}`);
    process.stdout.write(JSON.stringify({ ms: cold, cpuMs: coldCpu, warmMs: warm, rssMiB: rssMiB(), startRssMiB }));
  }
}

/**
 * Transpiles the modules a child process loads (this file and the library's sources) once, as ts-node's
 * transpile-only mode does, into one file the children read through bench/compiled-require.js: a child runs the
 * library as compiled JavaScript, without the TypeScript compiler in its process (whose memory would count in the
 * phase's RSS). Returns the file.
 */
function transpileForChildren(dir: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const root = path.resolve(__dirname, '..');
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'scripts', 'tsconfig.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: d => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const modules: { [file: string]: string } = {};
  for (const file of [__filename, ...config.fileNames.filter(f => f.startsWith(path.join(root, 'src') + path.sep))]) {
    const source = fs.readFileSync(file, 'utf-8');
    const compilerOptions = { ...config.options, noEmit: false, sourceMap: false, inlineSourceMap: false };
    modules[file] = ts.transpileModule(source, { compilerOptions, fileName: file }).outputText;
  }
  const out = path.join(dir, 'modules.json');
  fs.writeFileSync(out, JSON.stringify(modules));
  return out;
}

/** The modules transpiled for the children (`transpileForChildren`). */
let childModules = '';

function run(phase: string, units: number, file: string, env: NodeJS.ProcessEnv = {}): Measure {
  const out = execFileSync(process.execPath, ['--require', path.join(__dirname, 'compiled-require.js'), __filename, '--child', phase, String(units), file], {
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env, AIP_BENCH_MODULES: childModules },
  });
  return JSON.parse(out);
}

function main(sizes: number[], skipPlugin: boolean): void {
  const rows: Array<{ units: number; lib: Measure; libApp: Measure; floor: Measure; raw: Measure; plugin?: Measure }> = [];
  const transpiled = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-bench-js-'));
  childModules = transpileForChildren(transpiled);
  // the validators a package ships (compiled ahead by its package step), made once for all sizes
  const shipped = skipPlugin ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'aip-bench-shipped-'));
  if (shipped) run('precompile', 0, shipped);
  const f = (n: number) => n.toFixed(0).padStart(6);
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  for (const units of sizes) {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aip-bench-objs-')), 'objects.jsonl');
    const lib = run('library', units, file);
    const libApp = run('library-app', units, file);
    const floor = run('floor', units, file);
    const floorWriter = run('floor-writer', units, file);
    const raw = run('raw', units, file);
    const rawPlatform = run('raw-platform', units, file);
    // the plugin in a new process: first with no compiled validators on disk (a machine's first synth), then with the
    // validators the first run compiled (every later synth)
    const validators = path.join(path.dirname(file), 'validators');
    const pluginEnv = { CDK8S_AI_PLATFORM_VALIDATOR_CACHE: validators };
    const plugin = skipPlugin ? undefined : run('plugin', units, file, pluginEnv);
    const pluginCached = skipPlugin ? undefined : run('plugin', units, file, pluginEnv);
    // an installed package's first synth on a machine: nothing in the cache, the package's validators
    const pluginShipped = skipPlugin ? undefined : run('plugin-installed', units, file, {
      CDK8S_AI_PLATFORM_VALIDATOR_CACHE: path.join(path.dirname(file), 'validators-empty'), CDK8S_AI_PLATFORM_UPSTREAM_CACHE: shipped,
    });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    rows.push({ units, lib, libApp, floor, raw, plugin });
    process.stdout.write(`${String(units).padStart(6)} workloads ${String(lib.objects).padStart(6)} objects\n`
      + `  cpu  ms: library ${f(lib.cpuMs)} | YAML floor ${f(floor.cpuMs)} | raw cdk8s ${f(raw.cpuMs)} | library/raw ${x(lib.cpuMs, raw.cpuMs)} | library/floor ${x(lib.cpuMs, floor.cpuMs)}\n`
      + `  wall ms: library ${f(lib.ms)} | YAML floor ${f(floor.ms)} | raw cdk8s ${f(raw.ms)} | library/raw ${x(lib.ms, raw.ms)} | library/floor ${x(lib.ms, floor.ms)}\n`
      + `  YAML floor with PlatformApp's YAML writer (the same bytes): cpu ${f(floorWriter.cpuMs)} ms, wall ${f(floorWriter.ms)} ms; `
      + `library / this floor ${x(lib.cpuMs, floorWriter.cpuMs)} (cpu)\n`
      + `  raw cdk8s in PlatformApp (the same ApiObjects, prepared once, the writer's YAML): cpu ${f(rawPlatform.cpuMs)} ms, wall ${f(rawPlatform.ms)} ms; `
      + `library / this ${x(lib.cpuMs, rawPlatform.cpuMs)} (cpu); peak RSS ${f(rawPlatform.rssMiB)} MiB\n`
      + `  library in cdk8s's App (which prepares the whole app again for each chart): cpu ${f(libApp.cpuMs)} ms, wall ${f(libApp.ms)} ms, `
      + `/raw ${x(libApp.cpuMs, raw.cpuMs)}, /floor ${x(libApp.cpuMs, floor.cpuMs)} (cpu); peak RSS ${f(libApp.rssMiB)} MiB\n`
      + `  peak RSS MiB (above the phase's start): library ${f(lib.rssMiB)} (${f(lib.rssMiB - lib.startRssMiB)}) | YAML floor ${f(floor.rssMiB)} `
      + `(${f(floor.rssMiB - floor.startRssMiB)}) | raw cdk8s ${f(raw.rssMiB)} (${f(raw.rssMiB - raw.startRssMiB)})\n`
      + (plugin && pluginCached ? `  plugin (new process): cold ${f(plugin.ms)} ms (cpu ${f(plugin.cpuMs)}) compiling the schemas of the kinds present, `
        + `${f(pluginCached.ms)} ms (cpu ${f(pluginCached.cpuMs)}) with them compiled on disk; warm ${f(plugin.warmMs ?? 0)} ms; peak RSS ${f(plugin.rssMiB)} MiB\n` : '')
      + (pluginShipped ? '  plugin cold in an installed package (new process, empty cache, the package\'s validators; the manifest\'s YAML parsed): '
        + `${f(pluginShipped.ms)} ms (cpu ${f(pluginShipped.cpuMs)})\n` : ''));
  }
  if (shipped) fs.rmSync(shipped, { recursive: true, force: true });
  fs.rmSync(transpiled, { recursive: true, force: true });
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1];
    const b = rows[i];
    const work = b.units / a.units;
    process.stdout.write(`linearity ${a.units} → ${b.units} (${work}x work, cpu time): library ${(b.lib.cpuMs / a.lib.cpuMs).toFixed(1)}x `
      + `(in cdk8s's App ${(b.libApp.cpuMs / a.libApp.cpuMs).toFixed(1)}x), `
      + `raw cdk8s ${(b.raw.cpuMs / a.raw.cpuMs).toFixed(1)}x, YAML floor ${(b.floor.cpuMs / a.floor.cpuMs).toFixed(1)}x\n`);
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--none') {
  // imported for its builder
} else if (argv[0] === '--child') {
  child(argv[1], Number(argv[2]), argv[3]);
} else {
  const sizes = argv.filter(a => /^\d+$/.test(a)).map(Number);
  main(sizes.length ? sizes : [100, 1000, 10000], argv.includes('--no-plugin'));
}
