import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthExample } from '../../scripts/synth-examples';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The examples written in every language (examples/<lang>/), by the name of their TypeScript original. */
export const LANGUAGE_EXAMPLES = ['spark-pi', 'llm-serving', 'llm-finetune-lora'];

/** Generous: a cold build of a binding generates and compiles cdk8s-plus-28 for that language. */
export const BUILD_TIMEOUT = 40 * 60_000;

/** Runs one of the project's binding scripts and returns the last line it printed (its result). */
export function bindingScript(script: string, ...args: string[]): string {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts', script), ...args], {
    cwd: ROOT, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024,
  });
  return out.trim().split('\n').pop()!;
}

/** The manifests (`*.k8s.yaml`) of a synthesis output folder, by file name, as bytes turned to text. */
export function manifests(outdir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(outdir).filter(f => f.endsWith('.k8s.yaml')).sort()
    .map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf-8')]));
}

/** The TypeScript example's manifests, synthesized now from the current sources. */
export function typescriptManifests(name: string): Record<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `aip-ts-${name}-`));
  try {
    synthExample(name, outdir);
    return manifests(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** A fresh output folder for a language's synthesis. */
export function outputDir(lang: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `aip-${lang}-`));
}

/** The environment of a binding's program: its synthesis goes to `outdir`. */
export function synthEnv(outdir: string): NodeJS.ProcessEnv {
  return { ...process.env, CDK8S_OUTDIR: outdir };
}

/**
 * What each language's validation-error program prints: the error was raised and caught as the language's own
 * exception type, recognised by Errors.isValidationErrorMessage and parsed by Errors.parseValidationErrorMessage;
 * and an unrelated message is not recognised.
 */
export const EXPECTED_VALIDATION_ERROR = {
  raised: true,
  isValidationErrorMessage: true,
  parts: { constructPath: 'jobs/pi', field: 'driver.cores', value: '0', accepted: 'must be an integer from 1 to 2147483647' },
  otherError: false,
};
