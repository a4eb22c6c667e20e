/**
 * npm run synth [-- <example> ...]
 *
 * Synthesizes every examples/<name>/main.ts into dist/examples/<name>/ (no cluster needed) and
 * validates each object against the pinned upstream schemas. Exits non-zero on any violation.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { formatViolation, SchemaValidator } from '../src/validation/schema-validator';

const ROOT = path.resolve(__dirname, '..');
export const EXAMPLES_DIR = path.join(ROOT, 'examples');

/** Names of all examples (folders of examples/ with a main.ts). */
export function exampleNames(): string[] {
  return fs.readdirSync(EXAMPLES_DIR)
    .filter(n => fs.existsSync(path.join(EXAMPLES_DIR, n, 'main.ts')))
    .sort();
}

export interface SynthesizedExample {
  readonly name: string;
  readonly outdir: string;
  /** Objects in file order. */
  readonly objects: any[];
  /** metadata.name → construct path (from construct-metadata.json). */
  readonly constructPaths: Record<string, string>;
}

/** Runs one example's main.ts with its output redirected to `outdir`. */
export function synthExample(name: string, outdir: string): SynthesizedExample {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const env = { CDK8S_OUTDIR: process.env.CDK8S_OUTDIR, CDK8S_RECORD_CONSTRUCT_METADATA: process.env.CDK8S_RECORD_CONSTRUCT_METADATA };
  process.env.CDK8S_OUTDIR = outdir;
  process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
  try {
    const entry = require.resolve(path.join(EXAMPLES_DIR, name, 'main.ts'));
    delete require.cache[entry];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(entry);
  } finally {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  }
  const objects = fs.readdirSync(outdir).filter(f => f.endsWith('.yaml')).sort()
    .flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf-8')).map(d => d.toJSON()).filter(Boolean));
  const metaFile = path.join(outdir, 'construct-metadata.json');
  const constructPaths: Record<string, string> = {};
  if (fs.existsSync(metaFile)) {
    for (const [n, m] of Object.entries<any>(JSON.parse(fs.readFileSync(metaFile, 'utf-8')).resources ?? {})) constructPaths[n] = m.path;
  }
  return { name, outdir, objects, constructPaths };
}

function main(): void {
  const wanted = process.argv.slice(2).filter(a => !a.startsWith('-'));
  const names = wanted.length ? wanted : exampleNames();
  const validator = SchemaValidator.default();
  let violations = 0;
  for (const name of names) {
    const started = Date.now();
    const ex = synthExample(name, path.join(ROOT, 'dist', 'examples', name));
    const result = validator.validateAll(ex.objects);
    violations += result.violations.length;
    const ms = Date.now() - started;
    process.stdout.write(`${result.violations.length ? '✗' : '✓'} ${name}: ${ex.objects.length} objects → ${path.relative(ROOT, ex.outdir)} (${ms} ms)\n`);
    for (const v of result.violations) {
      process.stdout.write(`    ${formatViolation(v, ex.constructPaths[v.name.split('/').pop()!])}\n`);
    }
    for (const u of result.unchecked) {
      process.stdout.write(`    (not validated) ${u.gvk} ${u.name}: ${u.reason}\n`);
    }
  }
  if (violations) {
    process.stderr.write(`\n${violations} schema violation(s)\n`);
    process.exit(1);
  }
}

if (require.main === module) {
  main();
}
