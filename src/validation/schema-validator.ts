import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import Ajv, { _, ErrorObject, Format, ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { fullFormats } from 'ajv-formats/dist/formats';
import { UPSTREAM_CACHE_DIR } from './cache';

/** One problem found in one synthesized object. */
export interface SchemaViolation {
  /** `apiVersion/kind` of the object. */
  readonly gvk: string;
  /** `namespace/name` (or `name` for cluster-scoped objects). */
  readonly name: string;
  /** JSON pointer of the offending field, e.g. `/spec/driver/cores`. */
  readonly field: string;
  /** What is wrong and what is accepted. */
  readonly message: string;
}

/** Objects whose kind has no pinned upstream schema available (e.g. its Go module is not served). */
export interface UncheckedObject {
  readonly gvk: string;
  readonly name: string;
  readonly reason: string;
}

export interface ValidationResult {
  readonly violations: SchemaViolation[];
  readonly unchecked: UncheckedObject[];
}

const QUANTITY = '^[+-]?((\\d+(\\.\\d*)?)|(\\.\\d+))(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?((\\d+(\\.\\d*)?)|(\\.\\d+))))?$';
const GO_DURATION = '^[-+]?((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+$|^0$';
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kinds whose names are path segments rather than DNS subdomains. */
const PATH_SEGMENT_NAMED = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].map(k => `rbac.authorization.k8s.io/v1/${k}`);

const SCHEMA_KEYS_WITH_SUBSCHEMA = ['items', 'additionalProperties', 'not'];
const SCHEMA_KEYS_WITH_SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];

/**
 * Rewrites a Kubernetes structural schema (CRD openAPIV3Schema or core OpenAPI v3) into
 * JSON Schema that ajv evaluates the way kube-apiserver does:
 *  - `x-kubernetes-int-or-string` accepts an integer or a string;
 *  - `nullable` accepts null;
 *  - objects that declare `properties` are closed (unknown fields are errors, as with
 *    strict field validation), unless `x-kubernetes-preserve-unknown-fields` keeps them open.
 * Sub-schemas of allOf/anyOf/oneOf/not are value validations only and are never closed.
 */
function toJsonSchema(node: any, close: boolean): void {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return;
  if (node['x-kubernetes-int-or-string']) {
    delete node.type;
    if (!node.anyOf) node.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node.nullable === true) {
    if (typeof node.type === 'string') node.type = [node.type, 'null'];
    if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum = [...node.enum, null];
  }
  if (close && node.properties && !node['x-kubernetes-preserve-unknown-fields'] && node.additionalProperties === undefined) {
    node.additionalProperties = false;
  }
  if (node.properties) {
    for (const child of Object.values(node.properties)) toJsonSchema(child, close);
  }
  for (const key of SCHEMA_KEYS_WITH_SUBSCHEMA) {
    if (node[key] && typeof node[key] === 'object') toJsonSchema(node[key], close && key !== 'not');
  }
  for (const key of SCHEMA_KEYS_WITH_SUBSCHEMA_LISTS) {
    if (Array.isArray(node[key])) {
      // `allOf: [{ $ref }]` is how OpenAPI v3 attaches a description to a reference: the referenced schema decides.
      for (const child of node[key]) toJsonSchema(child, false);
    }
  }
}

/**
 * Moves sub-schemas that occur more than once (a CRD repeats the whole container and pod schemas for every place
 * a pod appears: KServe's InferenceService schema is 636 KB, mostly copies) into `definitions` and refers to them
 * with `$ref`, so that ajv compiles each once. Validation and error paths are unchanged; compiling
 * InferenceService drops from about 10 s to 0.3 s.
 */
export function dedupeSubschemas(schema: any, minSize = 400): any {
  const memo = new Map<object, string>();
  const canonical = (n: any): string => {
    if (!n || typeof n !== 'object') return JSON.stringify(n) ?? 'null';
    let k = memo.get(n);
    if (k === undefined) {
      k = Array.isArray(n) ? `[${n.map(canonical).join(',')}]`
        : `{${Object.keys(n).sort().map(key => `${JSON.stringify(key)}:${canonical(n[key])}`).join(',')}}`;
      memo.set(n, k);
    }
    return k;
  };
  // count the sub-schemas (schema positions only: never a `properties` map itself)
  const counts = new Map<string, number>();
  const keyOf = new Map<object, string>();
  forEachSubschema(schema, node => {
    const k = canonical(node);
    if (k.length < minSize) return;
    keyOf.set(node, k);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  });
  const definitions: Record<string, any> = {};
  const ids = new Map<string, string>();
  const rewrite = (node: any, root: boolean): any => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return node;
    const k = keyOf.get(node);
    if (!root && k !== undefined && (counts.get(k) ?? 0) > 1) {
      let id = ids.get(k);
      if (id === undefined) {
        id = `s${ids.size}`;
        ids.set(k, id);
        definitions[id] = copy(node);
      }
      return { $ref: `#/definitions/${id}` };
    }
    return copy(node);
  };
  const copy = (node: any): any => {
    const out: any = { ...node };
    const rewriteMap = (map: object) => Object.fromEntries(Object.entries(map).map(([p, v]) => [p, rewrite(v, false)]));
    if (node.properties) out.properties = rewriteMap(node.properties);
    if (node.patternProperties) out.patternProperties = rewriteMap(node.patternProperties);
    for (const key of SCHEMA_KEYS_WITH_SUBSCHEMA) if (node[key] && typeof node[key] === 'object') out[key] = rewrite(node[key], false);
    for (const key of SCHEMA_KEYS_WITH_SUBSCHEMA_LISTS) if (Array.isArray(node[key])) out[key] = node[key].map((x: any) => rewrite(x, false));
    return out;
  };
  const out = rewrite(schema, true);
  if (ids.size) out.definitions = { ...(out.definitions ?? {}), ...definitions };
  return out;
}

/** Calls `fn` on `schema` and each of its sub-schemas (properties, items, additionalProperties, combinators). */
function forEachSubschema(schema: any, fn: (node: any) => void): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  fn(schema);
  for (const map of [schema.properties, schema.patternProperties]) {
    if (map && typeof map === 'object') for (const v of Object.values(map)) forEachSubschema(v, fn);
  }
  for (const key of SCHEMA_KEYS_WITH_SUBSCHEMA) forEachSubschema(schema[key], fn);
  for (const key of SCHEMA_KEYS_WITH_SUBSCHEMA_LISTS) if (Array.isArray(schema[key])) schema[key].forEach((x: any) => forEachSubschema(x, fn));
}

const int = (bits: number): Format => ({
  type: 'number',
  validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** (bits - 1),
});

/** The formats the schemas use: ajv-formats' full set and Kubernetes' own. */
const FORMATS: Record<string, Format> = {
  ...fullFormats,
  'int32': int(32),
  'int64': int(64),
  'double': { type: 'number', validate: () => true },
  'float': { type: 'number', validate: () => true },
  'byte': /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  'duration': new RegExp(GO_DURATION),
  'int-or-string': true,
  'quantity': new RegExp(QUANTITY),
};

/** How compiled validators name {@link FORMATS} (resolved by {@link loadCompiled}). */
const FORMATS_MODULE = 'cdk8s-ai-platform:schema-formats';

/**
 * What a compiled validator depends on besides its schema file: this module (the schema rewriting, the formats, ajv's
 * options) and ajv's version. Validators cached on disk under another fingerprint are compiled again.
 */
function compiledFingerprint(): string {
  if (fingerprint === undefined) {
    let ajvVersion = 'unknown';
    try {
      ajvVersion = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('ajv')), '..', 'package.json'), 'utf-8')).version;
    } catch {
      // keyed on this module alone
    }
    fingerprint = createHash('sha256').update(fs.readFileSync(__filename)).update(`|ajv ${ajvVersion}`).digest('hex');
  }
  return fingerprint;
}
let fingerprint: string | undefined;

/** The folder of the validators compiled under the current fingerprint (in the disk cache, and as the package ships them). */
function compiledFolder(): string {
  return compiledFingerprint().slice(0, 16);
}

function newAjv(): Ajv {
  return new Ajv({
    strict: false,
    allErrors: true,
    logger: false,
    validateSchema: false,
    formats: FORMATS,
    // compiled validators can be written out as code (see SchemaValidator's disk cache)
    code: { source: true, formats: _`require(${FORMATS_MODULE})` },
  });
}

/** Loads a validator written by ajv's standalone code generator. */
function loadCompiled(code: string): ValidateFunction {
  const module = { exports: {} as any };
  // the code requires ajv's runtime helpers (e.g. ajv/dist/runtime/ucs2length) and the formats
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string) => (id === FORMATS_MODULE ? FORMATS : require(id));
  // the code is ajv's own output for a schema of the pinned versions, read back from the validator cache
  new Function('require', 'module', 'exports', code)(load, module, module.exports);
  return module.exports.default ?? module.exports;
}

/**
 * A validator written by {@link SchemaValidator}'s disk cache (`.js`, or gzipped `.js.gz` as the package ships them),
 * or undefined when the file is missing or unreadable.
 */
function readCompiled(file: string): KindSchema | undefined {
  let code: string;
  try {
    code = file.endsWith('.gz') ? gunzipSync(fs.readFileSync(file)).toString('utf-8') : fs.readFileSync(file, 'utf-8');
  } catch {
    return undefined; // not compiled yet
  }
  try {
    return { validate: loadCompiled(code), namespaced: code.startsWith('// namespaced: true\n') };
  } catch {
    return undefined; // a truncated or foreign file: compile again
  }
}

/**
 * Where compiled validators are kept between processes: `$CDK8S_AI_PLATFORM_VALIDATOR_CACHE` (`off` disables the
 * cache), else `validators/` in the user's cache directory (`$XDG_CACHE_HOME`, else `~/.cache`).
 */
function defaultCompiledCacheDir(): string | undefined {
  const fromEnv = process.env.CDK8S_AI_PLATFORM_VALIDATOR_CACHE;
  if (fromEnv === 'off') return undefined;
  if (fromEnv) return path.resolve(fromEnv);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'cdk8s-ai-platform', 'validators');
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

interface KindSchema {
  readonly validate: ValidateFunction;
  readonly namespaced: boolean;
}

/** Options of {@link SchemaValidator}. */
export interface SchemaValidatorOptions {
  /**
   * Directory where compiled validators are kept between processes (a kind's schema is compiled once per machine,
   * not once per `cdk8s synth`); `null` disables it.
   * @default - `$CDK8S_AI_PLATFORM_VALIDATOR_CACHE`, else `~/.cache/cdk8s-ai-platform/validators`
   */
  readonly compiledCacheDir?: string | null;

  /**
   * Directory of the validators compiled when the package was made (read only; the layout of `compiledCacheDir` with
   * each file gzipped, `<name>.js.gz`):
   * a kind whose validator is there is loaded from it, neither compiled nor written to the cache. `null` disables it.
   * @default - `validators/` beside the schemas' `schemas/` folder (the package's `upstream-schemas/validators`)
   */
  readonly shippedValidatorsDir?: string | null;
}

/**
 * Validates Kubernetes objects offline against the schemas of the pinned upstream versions
 * (extracted by `npm run upstream`): custom resources against their CRD `openAPIV3Schema`,
 * core kinds against the Kubernetes OpenAPI v3 documents. CEL rules
 * (`x-kubernetes-validations`) need a real API server and are not evaluated here.
 */
export class SchemaValidator {
  /** A validator shared by the whole process (compiled schemas are cached per kind). */
  public static default(): SchemaValidator {
    if (!SchemaValidator.shared) SchemaValidator.shared = new SchemaValidator();
    return SchemaValidator.shared;
  }

  private static shared?: SchemaValidator;

  private ajvInstance?: Ajv;
  private readonly kinds = new Map<string, KindSchema | string>();
  private readonly coreDocs = new Map<string, any>();
  private readonly compiledCacheDir?: string;
  private readonly shippedValidatorsDir?: string;
  /**
   * Where validators came from: compiled in this process, loaded compiled from the disk cache, or loaded from the
   * validators shipped in the package. @internal
   */
  public readonly _stats = { compiled: 0, loaded: 0, shipped: 0 };
  private staleRemoved = false;
  /** The files of the compiled cache this validator read or wrote. */
  private readonly compiledFiles = new Set<string>();

  constructor(private readonly cacheDir: string = UPSTREAM_CACHE_DIR, options: SchemaValidatorOptions = {}) {
    const marker = path.join(cacheDir, 'schemas');
    if (!fs.existsSync(marker)) {
      throw new Error(`no upstream schemas in ${cacheDir}: run \`npm run upstream\` first (it extracts the pinned upstream CRDs and Kubernetes schemas)`);
    }
    this.compiledCacheDir = options.compiledCacheDir === undefined ? defaultCompiledCacheDir() : options.compiledCacheDir ?? undefined;
    this.shippedValidatorsDir = options.shippedValidatorsDir === undefined ? path.join(cacheDir, 'validators') : options.shippedValidatorsDir ?? undefined;
  }

  /**
   * Compiles (or finds already compiled) the validator of every kind that has a pinned schema — every CRD and every
   * kind of the Kubernetes OpenAPI documents — into the compiled cache, as the package step does to ship them.
   * Returns the folder of this version's validators (under `compiledCacheDir`), the files in it of the current schemas,
   * the number of kinds, and the kinds whose schema ajv cannot compile.
   * @internal
   */
  public _precompileAll(): { dir: string; files: string[]; kinds: number; failed: string[] } {
    if (!this.compiledCacheDir) throw new Error('precompiling validators needs a compiledCacheDir');
    const gvks: Array<[string, string]> = [];
    const crdRoot = path.join(this.cacheDir, 'schemas', 'crd');
    for (const group of fs.existsSync(crdRoot) ? fs.readdirSync(crdRoot).sort() : []) {
      for (const version of fs.readdirSync(path.join(crdRoot, group)).sort()) {
        for (const file of fs.readdirSync(path.join(crdRoot, group, version)).sort()) {
          if (file.endsWith('.json')) gvks.push([`${group}/${version}`, file.slice(0, -'.json'.length)]);
        }
      }
    }
    const k8sRoot = path.join(this.cacheDir, 'schemas', 'k8s');
    for (const file of fs.readdirSync(k8sRoot).sort()) {
      const doc = JSON.parse(fs.readFileSync(path.join(k8sRoot, file), 'utf-8'));
      for (const s of Object.values<any>(doc.components?.schemas ?? {})) {
        for (const g of s['x-kubernetes-group-version-kind'] ?? []) {
          // the API's own envelopes (lists, watch events, options, reviews) are never synthesized objects
          if (/List$|^(WatchEvent|DeleteOptions|Status|APIResourceList|APIGroup|APIGroupList|APIVersions)$/.test(g.kind)) continue;
          const apiVersion = g.group ? `${g.group}/${g.version}` : g.version;
          if (!gvks.some(([a, k]) => a === apiVersion && k === g.kind)) gvks.push([apiVersion, g.kind]);
        }
      }
    }
    let kinds = 0;
    const failed: string[] = [];
    for (const [apiVersion, kind] of gvks) {
      try {
        if (typeof this.schemaFor(apiVersion, kind) !== 'string') kinds++;
      } catch (e) {
        // a schema ajv cannot compile (e.g. a Go-only regular expression): validating that kind fails as it did
        this.kinds.delete(`${apiVersion}/${kind}`);
        failed.push(`${apiVersion} ${kind}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    return { dir: path.join(this.compiledCacheDir, compiledFolder()), files: [...this.compiledFiles], kinds, failed };
  }

  private get ajv(): Ajv {
    return (this.ajvInstance ??= newAjv());
  }

  /** Validates many objects (e.g. one synthesized manifest). */
  public validateAll(objects: any[]): ValidationResult {
    const violations: SchemaViolation[] = [];
    const unchecked: UncheckedObject[] = [];
    for (const obj of objects) {
      const r = this.validate(obj);
      violations.push(...r.violations);
      unchecked.push(...r.unchecked);
    }
    return { violations, unchecked };
  }

  /** Validates one object. */
  public validate(obj: any): ValidationResult {
    const gvk = `${obj?.apiVersion} ${obj?.kind}`;
    const name = obj?.metadata?.namespace ? `${obj.metadata.namespace}/${obj?.metadata?.name}` : String(obj?.metadata?.name);
    const at = (field: string, message: string): SchemaViolation => ({ gvk, name, field, message });
    if (typeof obj?.apiVersion !== 'string' || typeof obj?.kind !== 'string') {
      return { violations: [at('', 'object must have string apiVersion and kind')], unchecked: [] };
    }
    const schema = this.schemaFor(obj.apiVersion, obj.kind);
    if (typeof schema === 'string') {
      return { violations: [], unchecked: [{ gvk, name, reason: schema }] };
    }
    const violations = this.checkMetadata(obj, schema.namespaced).map(([f, m]) => at(f, m));
    if (!schema.validate(obj)) {
      violations.push(...describe(schema.validate.errors ?? []).map(([f, m]) => at(f, m)));
    }
    return { violations, unchecked: [] };
  }

  private checkMetadata(obj: any, _namespaced: boolean): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const md = obj.metadata ?? {};
    if (!md.name && !md.generateName) {
      out.push(['/metadata/name', 'is required']);
    } else if (PATH_SEGMENT_NAMED.includes(`${obj.apiVersion}/${obj.kind}`)) {
      // RBAC objects are named by path segments (kube-apiserver's ValidatePathSegmentName): `cert-manager:leaderelection`
      if (md.name === '.' || md.name === '..' || /[/%]/.test(md.name ?? '')) {
        out.push(['/metadata/name', `'${md.name}' is not a valid name: may not be '.' or '..' nor contain '/' or '%'`]);
      }
    } else if (md.name && (md.name.length > 253 || !DNS1123_SUBDOMAIN.test(md.name))) {
      out.push(['/metadata/name', `'${md.name}' is not a valid name: lowercase alphanumerics, '-' and '.', at most 253 characters`]);
    }
    if (md.namespace && (md.namespace.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(md.namespace))) {
      out.push(['/metadata/namespace', `'${md.namespace}' is not a valid namespace name (DNS-1123 label)`]);
    }
    for (const [k, v] of Object.entries(md.labels ?? {})) {
      const [prefix, key] = k.includes('/') ? k.split('/', 2) : [undefined, k];
      if ((prefix !== undefined && !DNS1123_SUBDOMAIN.test(prefix)) || key.length > 63 || !LABEL_NAME.test(key)) {
        out.push([`/metadata/labels/${k}`, `'${k}' is not a valid label key`]);
      }
      if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
        out.push([`/metadata/labels/${k}`, `'${v}' is not a valid label value: at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric`]);
      }
    }
    return out;
  }

  private schemaFor(apiVersion: string, kind: string): KindSchema | string {
    const key = `${apiVersion}/${kind}`;
    let entry = this.kinds.get(key);
    if (entry === undefined) {
      entry = this.load(apiVersion, kind);
      this.kinds.set(key, entry);
    }
    return entry;
  }

  private load(apiVersion: string, kind: string): KindSchema | string {
    const { group, version } = splitApiVersion(apiVersion);
    const crdFile = path.join(this.cacheDir, 'schemas', 'crd', group, version, `${kind}.json`);
    if (group && fs.existsSync(crdFile)) {
      const text = fs.readFileSync(crdFile, 'utf-8');
      return this.cached(`crd|${apiVersion}|${kind}`, text, () => {
        const crd = JSON.parse(text);
        const schema = crd.schema;
        // metadata is validated by the API server itself, not by the CRD schema
        if (schema.properties?.metadata) schema.properties.metadata = { type: 'object' };
        toJsonSchema(schema, true);
        return { validate: this.ajv.compile(dedupeSubschemas(schema)), namespaced: crd.scope === 'Namespaced' };
      }) ?? this.noSchema(apiVersion, kind);
    }
    const docFile = group === '' ? `api__${version}_openapi.json` : `apis__${group}__${version}_openapi.json`;
    const docPath = path.join(this.cacheDir, 'schemas', 'k8s', docFile);
    if (!fs.existsSync(docPath)) return this.noSchema(apiVersion, kind);
    const found = this.cached(`core|${apiVersion}|${kind}`, fs.readFileSync(docPath, 'utf-8'), () => {
      const doc = this.coreDoc(docFile);
      const schemas = doc.components.schemas;
      const id = Object.keys(schemas).find(k => (schemas[k]['x-kubernetes-group-version-kind'] ?? [])
        .some((g: any) => g.group === group && g.version === version && g.kind === kind));
      return id ? { validate: this.ajv.getSchema(`${docFile}#/components/schemas/${id}`)!, namespaced: true } : undefined;
    });
    return found ?? this.noSchema(apiVersion, kind);
  }

  private noSchema(apiVersion: string, kind: string): string {
    return `no schema for ${apiVersion} ${kind} in the pinned upstream versions (src/core/versions.ts)`;
  }

  /**
   * A kind's validator from the disk cache (keyed by the schema file's content, the kind and
   * {@link compiledFingerprint}), else compiled by `compile` and written to the cache. A cache that cannot be read or
   * written is skipped: the validator is then compiled in this process.
   */
  private cached(key: string, schemaText: string, compile: () => KindSchema | undefined): KindSchema | undefined {
    // one folder per fingerprint (a version of this module and ajv), so that other versions' validators can be removed
    const version = compiledFolder();
    const name = `${createHash('sha256').update(`${key}|`).update(schemaText).digest('hex')}.js`;
    // the package's own validators first (compiled when the package was made), then the machine's cache
    const shipped = this.shippedValidatorsDir && readCompiled(path.join(this.shippedValidatorsDir, version, `${name}.gz`));
    if (shipped) {
      this._stats.shipped++;
      return shipped;
    }
    const dir = this.compiledCacheDir && path.join(this.compiledCacheDir, version);
    const file = dir && path.join(dir, name);
    const cached = file && readCompiled(file);
    if (cached) {
      this._stats.loaded++;
      this.compiledFiles.add(name);
      return cached;
    }
    const compiled = compile();
    if (compiled === undefined) return undefined;
    this._stats.compiled++;
    if (dir && file) {
      try {
        const code = `// namespaced: ${compiled.namespaced}\n${standaloneCode(this.ajv, compiled.validate)}`;
        fs.mkdirSync(dir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, code);
        fs.renameSync(tmp, file);
        this.compiledFiles.add(name);
        this.removeStaleVersions(dir);
      } catch {
        // a read-only or full disk: the next process compiles again
      }
    }
    return compiled;
  }

  /** Removes the validators of other versions not used for a week (another project may still use a recent one). */
  private removeStaleVersions(current: string): void {
    if (this.staleRemoved) return;
    this.staleRemoved = true;
    const root = path.dirname(current);
    const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
    for (const name of fs.readdirSync(root)) {
      const other = path.join(root, name);
      if (other === current || !/^[0-9a-f]{16}$/.test(name)) continue;
      try {
        if (fs.statSync(other).mtimeMs < weekAgo) fs.rmSync(other, { recursive: true, force: true });
      } catch {
        // removed meanwhile by another process
      }
    }
  }

  private coreDoc(file: string): any {
    if (!this.coreDocs.has(file)) {
      const abs = path.join(this.cacheDir, 'schemas', 'k8s', file);
      let doc: any;
      if (fs.existsSync(abs)) {
        doc = JSON.parse(fs.readFileSync(abs, 'utf-8'));
        for (const [id, s] of Object.entries<any>(doc.components.schemas)) {
          if (id === 'io.k8s.apimachinery.pkg.api.resource.Quantity') {
            doc.components.schemas[id] = { anyOf: [{ type: 'string', pattern: QUANTITY }, { type: 'number' }] };
          } else {
            toJsonSchema(s, true);
          }
        }
        doc.$id = file;
        this.ajv.addSchema(doc, file);
      }
      this.coreDocs.set(file, doc);
    }
    return this.coreDocs.get(file);
  }
}

/** Turns ajv errors into one readable message per field. */
function describe(errors: ErrorObject[]): Array<[string, string]> {
  const out = new Map<string, string>();
  // errors inside anyOf/oneOf branches are summarised by the anyOf/oneOf error itself
  const combinators = errors.filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  for (const e of errors) {
    const inBranch = combinators.some(c => c !== e && e.schemaPath.startsWith(c.schemaPath + '/') && e.instancePath === c.instancePath);
    if (inBranch) continue;
    let field = e.instancePath;
    let message: string;
    switch (e.keyword) {
      case 'additionalProperties':
        field = `${e.instancePath}/${e.params.additionalProperty}`;
        message = `unknown field '${e.params.additionalProperty}' (not in the schema)`;
        break;
      case 'required':
        field = `${e.instancePath}/${e.params.missingProperty}`;
        message = 'is required';
        break;
      case 'enum':
        message = `must be one of ${(e.params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`;
        break;
      case 'anyOf':
      case 'oneOf': {
        const branches = errors
          .filter(b => b !== e && b.instancePath === e.instancePath && b.schemaPath.startsWith(e.schemaPath + '/'))
          .map(b => (b.keyword === 'type' ? `be ${b.params.type}` : `${b.keyword === 'pattern' ? `be a string matching ${b.params.pattern}` : b.message}`));
        message = branches.length ? `must ${[...new Set(branches)].join(', or ')}` : `must match ${e.keyword === 'oneOf' ? 'exactly one' : 'at least one'} of the allowed schemas`;
        break;
      }
      default:
        message = e.message ?? e.keyword;
    }
    const prev = out.get(field || '/');
    out.set(field || '/', prev && !prev.includes(message) ? `${prev}; ${message}` : message);
  }
  return [...out.entries()];
}

/** Formats a violation as one line. */
export function formatViolation(v: SchemaViolation, constructPath?: string): string {
  return `${v.gvk} ${v.name}${constructPath ? ` (${constructPath})` : ''}: ${v.field || '/'}: ${v.message}`;
}
