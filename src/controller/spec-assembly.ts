import * as fs from 'fs';
import * as path from 'path';

/**
 * The jsii assembly of this library (and of its dependencies), read at run time: the single source of the platform
 * kinds' spec schemas and of the spec ↔ props conversion. The package ships its `.jsii` at its root (jsii puts it
 * there); `CDK8S_AI_PLATFORM_JSII` points at another copy (tests use a cached assembly of the current sources).
 * @internal
 */
export interface JsiiTypeRef {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: 'array' | 'map'; readonly elementtype: JsiiTypeRef };
  readonly union?: { readonly types: JsiiTypeRef[] };
}

/** @internal */
export interface JsiiDocs {
  readonly summary?: string;
  readonly remarks?: string;
  readonly default?: string;
  readonly deprecated?: string;
  readonly custom?: { [key: string]: string };
}

/** @internal */
export interface JsiiProperty {
  readonly name: string;
  readonly type: JsiiTypeRef;
  readonly optional?: boolean;
  readonly static?: boolean;
  readonly const?: boolean;
  readonly docs?: JsiiDocs;
}

/** @internal */
export interface JsiiParameter {
  readonly name: string;
  readonly type: JsiiTypeRef;
  readonly optional?: boolean;
  readonly variadic?: boolean;
  readonly docs?: JsiiDocs;
}

/** @internal */
export interface JsiiMethod {
  readonly name: string;
  readonly static?: boolean;
  readonly parameters?: JsiiParameter[];
  readonly returns?: { readonly type: JsiiTypeRef; readonly optional?: boolean };
  readonly docs?: JsiiDocs;
}

/** @internal */
export interface JsiiType {
  readonly fqn: string;
  readonly name: string;
  readonly assembly: string;
  readonly kind: 'class' | 'interface' | 'enum';
  readonly datatype?: boolean;
  readonly abstract?: boolean;
  readonly base?: string;
  readonly interfaces?: string[];
  readonly properties?: JsiiProperty[];
  readonly methods?: JsiiMethod[];
  readonly initializer?: { readonly parameters?: JsiiParameter[] };
  readonly members?: Array<{ readonly name: string; readonly docs?: JsiiDocs }>;
  readonly docs?: JsiiDocs;
}

/** @internal */
export interface JsiiAssembly {
  readonly name: string;
  readonly version: string;
  readonly types: { [fqn: string]: JsiiType };
  readonly dependencies?: { [name: string]: string };
}

/** Name of this library's assembly. @internal */
export const ASSEMBLY_NAME = 'cdk8s-ai-platform';

/** Environment variable naming the `.jsii` file to read instead of the package's own. @internal */
export const ASSEMBLY_ENV = 'CDK8S_AI_PLATFORM_JSII';

const assemblies = new Map<string, JsiiAssembly>();

/**
 * Where this library's `.jsii` is: `$CDK8S_AI_PLATFORM_JSII`; else, running from the TypeScript sources (tests,
 * examples, `ts-node`), the assembly of the current sources from `scripts/jsii-assembly.sh` (compiled once, cached by
 * a hash of src/), or the repository's last `.jsii` when the sources do not compile right now; else (the package) the
 * package root's `.jsii`. @internal
 */
export function assemblyFile(): string {
  const fromEnv = process.env[ASSEMBLY_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  const root = path.resolve(__dirname, '..', '..');
  const script = path.join(root, 'scripts', 'jsii-assembly.sh');
  if (__filename.endsWith('.ts') && fs.existsSync(script)) {
    let file = path.join(root, '.jsii');
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const out: string = require('child_process').execFileSync(script, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      file = out.trim().split('\n').pop()!;
    } catch (e) {
      const why = String((e as any).stderr ?? e).split('\n').filter(l => /error/i.test(l)).slice(0, 3).join('; ');
      process.stderr.write(`scripts/jsii-assembly.sh failed (${why}); the platform schemas are read from ${file}\n`);
    }
    process.env[ASSEMBLY_ENV] = file;
    return file;
  }
  return path.join(root, '.jsii');
}

/** The assembly named `name` (this library's, or one of its jsii dependencies' from node_modules). @internal */
export function assembly(name: string = ASSEMBLY_NAME): JsiiAssembly {
  let a = assemblies.get(name);
  if (a) return a;
  let file: string;
  if (name === ASSEMBLY_NAME) {
    file = assemblyFile();
  } else {
    file = path.join(path.dirname(require.resolve(`${name}/package.json`)), '.jsii');
  }
  if (!fs.existsSync(file)) {
    throw new Error(`the jsii assembly of ${name} is missing (${file}); build the package (jsii) or set ${ASSEMBLY_ENV}`);
  }
  let json = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (json.schema === 'jsii/file-redirect') {
    // compressed assemblies redirect to .jsii.gz
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const zlib = require('zlib');
    json = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(path.dirname(file), json.filename))).toString('utf8'));
  }
  a = json as JsiiAssembly;
  assemblies.set(name, a);
  return a;
}

/** Forgets the assemblies read (tests that point `CDK8S_AI_PLATFORM_JSII` elsewhere). @internal */
export function resetAssemblies(): void {
  assemblies.clear();
  for (const f of resetHooks) f();
}

const resetHooks: Array<() => void> = [];

/** Runs `f` whenever the assemblies are forgotten (caches derived from them). @internal */
export function onAssemblyReset(f: () => void): void {
  resetHooks.push(f);
}

/** The type `fqn` from its assembly. @internal */
export function jsiiType(fqn: string): JsiiType {
  const name = fqn.split('.')[0];
  const t = assembly(name).types[fqn];
  if (!t) throw new Error(`type ${fqn} is not in the jsii assembly of ${name} (${name === ASSEMBLY_NAME ? assemblyFile() : 'node_modules'}); rebuild it`);
  return t;
}

// run-time values by fqn: the conversions look the same classes and enums up on every render (each a require())
const runtimeValues = new Map<string, any>();

/** The run-time value (class or enum object) of the type `fqn`. @internal */
export function runtimeValue(fqn: string): any {
  let v = runtimeValues.get(fqn);
  if (v === undefined) {
    v = lookUpRuntimeValue(fqn);
    runtimeValues.set(fqn, v);
  }
  return v;
}

function lookUpRuntimeValue(fqn: string): any {
  const [name, ...rest] = fqn.split('.');
  // the library itself is required lazily: this module is loaded by the library's own static fromSpec methods
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = name === ASSEMBLY_NAME ? require('../index') : require(name);
  let v: any = mod;
  for (const part of rest) v = v?.[part];
  if (v === undefined) throw new Error(`${fqn} is not exported by ${name}`);
  return v;
}
