import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { assembly, ASSEMBLY_NAME, JsiiDocs, JsiiMethod, JsiiParameter, JsiiProperty, JsiiType, JsiiTypeRef, jsiiType, onAssemblyReset, runtimeValue } from './spec-assembly';
import { REFERENCE_TYPES, referenceName, SpecReferences } from './spec-references';
import { nestedWorkloadFromSpec, nestedWorkloadSchema, nestedWorkloadToSpec, WORKLOAD_TEMPLATE } from './spec-workload';
import { ValidationError } from '../core/errors';
import { factoryCallOf } from '../core/spec-record';

/*
 * The JSON form of the library's props ("spec"), derived from the jsii assembly — one set of rules for the OpenAPI
 * schema of the platform CRDs, for spec → props (fromSpec) and for props → spec (toSpec):
 *
 * - strings, numbers, booleans, lists and maps as they are; `any` as any JSON;
 * - structs (props interfaces) as objects of their properties (inherited ones included), required where the
 *   property is not optional;
 * - enums as their values (`"Always"`, `"ReadOnlyMany"`);
 * - cdk8s `Duration` as a Go duration (`"1h30m"`, `"90s"`, `"500ms"`), cdk8s `Size` as a binary quantity (`"10Gi"`),
 *   cdk8s-plus `Cpu` as a CPU quantity (`"500m"`, `"2"`);
 * - one-of classes (a class with static factories returning itself, e.g. `Accelerator.nvidia({ count: 1 })`) as a
 *   tagged object with exactly one key, the factory's name, whose value holds the factory's arguments by parameter
 *   name: `{"nvidiaMig": {"profile": "1g.10gb", "count": 2}}`. When the last parameter is a struct, its fields sit
 *   directly in the value (`{"nvidia": {"count": 1}}`, `{"maximize": {"metric": "accuracy", "goal": 0.9}}`);
 * - what has no JSON form — references to constructs declared elsewhere (`pool`, `queue`, `priorityClass`,
 *   `runtime`, `kserve`, `katib`), classes without factories, unions — is left out (a required argument of that
 *   kind leaves out the whole factory or property).
 */

/** JSON schema (OpenAPI v3, structural) as produced here. @internal */
export type Schema = { [key: string]: any };

const GO_DURATION = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;
const BINARY_QUANTITY = /^([0-9]+)(Ki|Mi|Gi|Ti|Pi)$/;
const CPU_QUANTITY = /^(?:([0-9]+)m|([0-9]+(?:\.[0-9]+)?))$/;

/** Types written as strings: a pattern, a parser and a formatter. */
interface Scalar {
  readonly schema: Schema;
  readonly accepted: string;
  parse(text: string): any;
  format(value: any): string;
  is(value: any): boolean;
}

const SIZE_UNITS: Array<[string, (n: number) => Size, number]> = [
  ['Pi', Size.pebibyte, 1024 ** 4], ['Ti', Size.tebibytes, 1024 ** 3], ['Gi', Size.gibibytes, 1024 ** 2],
  ['Mi', Size.mebibytes, 1024], ['Ki', Size.kibibytes, 1],
];

const SCALARS: { [fqn: string]: Scalar } = {
  'cdk8s.Duration': {
    schema: { type: 'string', pattern: '^([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$', minLength: 2 },
    accepted: 'must be a Go duration such as "1h30m", "90s" or "500ms"',
    parse(text) {
      const m = GO_DURATION.exec(text);
      if (!m || text === '') return undefined;
      const [h, min, s, ms] = m.slice(1).map(x => (x === undefined ? 0 : Number(x)));
      const total = ((h * 60 + min) * 60 + s) * 1000 + ms;
      if (total % 3_600_000 === 0 && total > 0) return Duration.hours(total / 3_600_000);
      if (total % 60_000 === 0 && total > 0) return Duration.minutes(total / 60_000);
      if (total % 1000 === 0) return Duration.seconds(total / 1000);
      return Duration.millis(total);
    },
    format(d: Duration) {
      let ms = d.toMilliseconds();
      const h = Math.floor(ms / 3_600_000); ms -= h * 3_600_000;
      const m = Math.floor(ms / 60_000); ms -= m * 60_000;
      const s = Math.floor(ms / 1000); ms -= s * 1000;
      const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}${ms ? `${ms}ms` : ''}`;
      return out === '' ? '0s' : out;
    },
    is: v => v instanceof Duration,
  },
  'cdk8s.Size': {
    schema: { 'type': 'string', 'pattern': '^[0-9]+(Ki|Mi|Gi|Ti|Pi)$', 'x-kubernetes-int-or-string': undefined },
    accepted: 'must be a binary quantity such as "512Mi" or "10Gi"',
    parse(text) {
      const m = BINARY_QUANTITY.exec(text);
      if (!m) return undefined;
      return SIZE_UNITS.find(u => u[0] === m[2])![1](Number(m[1]));
    },
    format(s: Size) {
      const kib = s.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
      for (const [unit, , factor] of SIZE_UNITS) {
        if (kib % factor === 0 && (kib > 0 || unit === 'Ki')) return `${kib / factor}${unit}`;
      }
      return `${kib}Ki`;
    },
    is: v => v instanceof Size,
  },
  'cdk8s-plus-28.Cpu': {
    schema: { type: 'string', pattern: '^([0-9]+m|[0-9]+(\\.[0-9]+)?)$' },
    accepted: 'must be a CPU quantity such as "500m", "2" or "0.5"',
    parse(text) {
      const m = CPU_QUANTITY.exec(text);
      if (!m) return undefined;
      return m[1] !== undefined ? Cpu.millis(Number(m[1])) : Cpu.units(Number(m[2]));
    },
    format: (c: Cpu) => c.amount,
    is: v => v instanceof Cpu,
  },
};
delete (SCALARS['cdk8s.Size'].schema as any)['x-kubernetes-int-or-string'];

/** Props of a top-level workload that come from the custom resource's metadata, not its spec. @internal */
export const METADATA_PROPS = ['name', 'namespace'];

// ---------------------------------------------------------------------------------------------------------------
// The model: which properties and factories have a JSON form

/** A one-of class's factory with a JSON form. @internal */
export interface SpecFactory {
  readonly name: string;
  /** the class declaring the static method (the one-of class itself, or for an interface, a class returning it) */
  readonly owner: string;
  readonly method: JsiiMethod;
  /** parameters with a JSON form, in order (others are optional and left out) */
  readonly params: JsiiParameter[];
  /** the last parameter, a struct whose fields sit in the value, if any */
  readonly spread?: JsiiParameter;
  readonly docs?: JsiiDocs;
}

const reprMemo = new Map<string, boolean>();
// the conversions ask for the same types' properties and factories on every render: kept per type (top-level calls)
const propsMemo = new Map<string, JsiiProperty[]>();
const factoriesMemo = new Map<string, SpecFactory[]>();
onAssemblyReset(() => {
  reprMemo.clear();
  propsMemo.clear();
  factoriesMemo.clear();
});

function isStruct(t: JsiiType): boolean {
  return t.kind === 'interface' && t.datatype === true;
}

/** All properties of a struct, inherited ones included (the nearest declaration wins). @internal */
export function structProperties(fqn: string): JsiiProperty[] {
  const out = new Map<string, JsiiProperty>();
  const visit = (f: string) => {
    const t = jsiiType(f);
    for (const p of t.properties ?? []) if (!out.has(p.name)) out.set(p.name, p);
    for (const i of t.interfaces ?? []) visit(i);
  };
  visit(fqn);
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether a type has a JSON form (`stack`: the structs and classes being visited, to refuse recursion). */
function representable(ref: JsiiTypeRef, stack: string[] = []): boolean {
  if (ref.primitive) return ['string', 'number', 'boolean', 'any', 'json'].includes(ref.primitive);
  if (ref.collection) return representable(ref.collection.elementtype, stack);
  if (ref.union) return false;
  const fqn = ref.fqn!;
  if (SCALARS[fqn] || REFERENCE_TYPES[fqn] || fqn === WORKLOAD_TEMPLATE) return true;
  if (stack.includes(fqn)) return false; // CRD schemas cannot recurse
  const memo = reprMemo.get(fqn);
  if (memo !== undefined) return memo;
  let t: JsiiType;
  try {
    t = jsiiType(fqn);
  } catch {
    return false;
  }
  let ok: boolean;
  if (t.kind === 'enum') ok = true;
  else if (isStruct(t)) ok = structProperties(fqn).every(p => p.optional || representable(p.type, [...stack, fqn]));
  else ok = factoriesOf(fqn, [...stack, fqn]).length > 0; // one-of classes, and interfaces with static factories
  if (stack.length === 0) reprMemo.set(fqn, ok);
  return ok;
}

/** Properties of a struct with a JSON form. @internal */
export function specProperties(fqn: string, stack: string[] = []): JsiiProperty[] {
  const memo = stack.length === 0 ? propsMemo.get(fqn) : undefined;
  if (memo) return memo;
  const out = structProperties(fqn).filter(p => !p.docs?.deprecated && representable(p.type, [...stack, fqn]));
  if (stack.length === 0) propsMemo.set(fqn, out);
  return out;
}

/** The static factories of a one-of class that have a JSON form. @internal */
export function factoriesOf(fqn: string, stack: string[] = []): SpecFactory[] {
  const memo = stack.length === 0 ? factoriesMemo.get(fqn) : undefined;
  if (memo) return memo;
  const out = findFactories(fqn, stack);
  if (stack.length === 0) factoriesMemo.set(fqn, out);
  return out;
}

function findFactories(fqn: string, stack: string[]): SpecFactory[] {
  const t = jsiiType(fqn);
  let candidates: Array<{ owner: string; m: JsiiMethod }>;
  if (t.kind === 'class') {
    candidates = (t.methods ?? []).map(m => ({ owner: fqn, m }));
  } else if (t.kind === 'interface' && !t.datatype) {
    // a reference interface (IServingRuntime): the static methods of the library's classes that return it and take
    // no scope (KServeRuntime.existing(name, options))
    candidates = [];
    for (const c of Object.values(assembly(fqn.split('.')[0]).types)) {
      if (c.kind === 'class') for (const m of c.methods ?? []) candidates.push({ owner: c.fqn, m });
    }
  } else {
    return [];
  }
  const out: SpecFactory[] = [];
  for (const { owner, m } of candidates) {
    if (!m.static || m.returns?.type.fqn !== fqn || m.docs?.deprecated || m.returns.optional) continue;
    if (out.some(f => f.name === m.name)) continue;
    const all = m.parameters ?? [];
    if (all.some(p => !p.optional && !p.variadic && !representable(p.type, [...stack, fqn]))) continue;
    const params = all.filter(p => representable(p.type, [...stack, fqn]));
    const last = params[params.length - 1];
    let spread: JsiiParameter | undefined;
    if (last && last === all[all.length - 1] && !last.variadic && last.type.fqn && !SCALARS[last.type.fqn]) {
      const lt = jsiiType(last.type.fqn);
      const others = params.slice(0, -1).map(p => p.name);
      if (isStruct(lt) && !specProperties(last.type.fqn, [...stack, fqn]).some(p => others.includes(p.name))) spread = last;
    }
    out.push({ name: m.name, owner, method: m, params, spread, docs: m.docs });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

// ---------------------------------------------------------------------------------------------------------------
// Schema generation

function description(docs?: JsiiDocs): string | undefined {
  const summary = docs?.summary?.trim();
  if (!summary) return undefined;
  return summary.replace(/\{@link ([^}\s]+)(?: ([^}]+))?\}/g, (_m, target, text) => text ?? target);
}

function enumValues(fqn: string): string[] {
  const t = jsiiType(fqn);
  const obj = runtimeValue(fqn);
  return (t.members ?? []).map(m => obj[m.name]);
}

/**
 * The literal default of a property from its `@default` documentation, in spec form, or undefined when the
 * documentation describes a behaviour rather than a value (`- none`, `- the chart's namespace` ...).
 */
export function literalDefault(ref: JsiiTypeRef, text: string | undefined): any {
  if (text === undefined) return undefined;
  const s = text.trim();
  if (ref.primitive === 'number' && /^-?[0-9]+(\.[0-9]+)?$/.test(s)) return Number(s);
  if (ref.primitive === 'boolean' && (s === 'true' || s === 'false')) return s === 'true';
  if (ref.primitive === 'string') {
    const m = /^'([^'\\]*)'$/.exec(s) ?? /^"([^"\\]*)"$/.exec(s);
    if (m) return m[1];
  }
  if (ref.collection?.kind === 'array' && s === '[]') return [];
  if (ref.collection?.kind === 'map' && s === '{}') return {};
  if (ref.fqn && !SCALARS[ref.fqn]) {
    const t = jsiiType(ref.fqn);
    const member = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(s);
    if (t.kind === 'enum' && member && member[1] === t.name && t.members?.some(x => x.name === member[2])) {
      return runtimeValue(ref.fqn)[member[2]];
    }
    const call = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\(\)$/.exec(s);
    if (t.kind === 'class' && call && call[1] === t.name) {
      const f = factoriesOf(ref.fqn).find(x => x.name === call[2]);
      if (f && (f.method.parameters ?? []).every(p => p.optional)) return { [f.name]: {} };
    }
  }
  return undefined;
}

/** The OpenAPI v3 (structural) schema of a type's JSON form. @internal */
export function schemaOf(ref: JsiiTypeRef, stack: string[] = []): Schema {
  if (ref.primitive) {
    switch (ref.primitive) {
      case 'string': return { type: 'string' };
      case 'number': return { type: 'number' };
      case 'boolean': return { type: 'boolean' };
      default: return { 'x-kubernetes-preserve-unknown-fields': true };
    }
  }
  if (ref.collection) {
    const items = schemaOf(ref.collection.elementtype, stack);
    return ref.collection.kind === 'array' ? { type: 'array', items } : { type: 'object', additionalProperties: items };
  }
  const fqn = ref.fqn!;
  if (SCALARS[fqn]) return { ...SCALARS[fqn].schema };
  if (REFERENCE_TYPES[fqn]) return { type: 'string', minLength: 1 };
  if (fqn === WORKLOAD_TEMPLATE) return nestedWorkloadSchema();
  const t = jsiiType(fqn);
  if (t.kind === 'enum') return { type: 'string', enum: enumValues(fqn) };
  if (isStruct(t)) return structSchema(fqn, stack);
  const factories = factoriesOf(fqn, [...stack]);
  const properties: Schema = {};
  for (const f of factories) properties[f.name] = withDescription(factorySchema(fqn, f, [...stack, fqn]), f.docs);
  return {
    type: 'object',
    description: `Exactly one of: ${factories.map(f => f.name).join(', ')}.`,
    properties,
    minProperties: 1,
    maxProperties: 1,
  };
}

function withDescription(schema: Schema, docs?: JsiiDocs, extra?: Schema): Schema {
  const d = description(docs);
  return { ...(d ? { description: d } : {}), ...schema, ...(extra ?? {}) };
}

/** Schema of a struct (`omit`: properties left out, e.g. the metadata props of a top-level spec). @internal */
export function structSchema(fqn: string, stack: string[] = [], omit: string[] = []): Schema {
  const properties: Schema = {};
  const required: string[] = [];
  for (const p of specProperties(fqn, stack)) {
    if (omit.includes(p.name)) continue;
    const def = literalDefault(p.type, p.docs?.default);
    const reference = p.type.fqn ? REFERENCE_TYPES[p.type.fqn] : undefined;
    const docs = reference ? { ...p.docs, summary: `${(p.docs?.summary ?? '').trim()} In a spec: the name of ${reference.what}.`.trim() } : p.docs;
    properties[p.name] = withDescription(schemaOf(p.type, [...stack, fqn]), docs, def !== undefined ? { default: def } : undefined);
    if (!p.optional) required.push(p.name);
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

function factorySchema(fqn: string, f: SpecFactory, stack: string[]): Schema {
  let properties: Schema = {};
  const required: string[] = [];
  for (const p of f.params) {
    if (p === f.spread) {
      const s = structSchema(p.type.fqn!, stack);
      properties = { ...properties, ...s.properties };
      if (!p.optional) required.push(...(s.required ?? []));
      continue;
    }
    const inner = schemaOf(p.type, stack);
    properties[p.name] = withDescription(p.variadic ? { type: 'array', items: inner } : inner, p.docs);
    if (!p.optional && !p.variadic) required.push(p.name);
  }
  void fqn;
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// spec → props

/** Where conversion errors are reported: the path of the construct the spec is for. @internal */
export class SpecErrors {
  /** `references`: how names of referenced constructs (`pool`, `queue`, `priorityClass`) resolve; none: they are refused */
  constructor(private readonly constructPath: string, public readonly references?: SpecReferences) {}
  public fail(field: string, value: unknown, accepted: string): never {
    throw new ValidationError(this.reporter, field, value, accepted);
  }
  /** The construct named in errors. */
  public get reporter(): IConstruct {
    return { node: { path: this.constructPath } } as unknown as IConstruct;
  }
}

function isPlainObject(v: unknown): v is { [key: string]: any } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** A JSON value with every object's keys in sorted order (as the API server stores untyped fields). */
function sortedKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map(k => [k, sortedKeys(value[k])]));
}

function typeName(ref: JsiiTypeRef): string {
  if (ref.primitive) return ref.primitive;
  if (ref.collection) return ref.collection.kind === 'array' ? `list of ${typeName(ref.collection.elementtype)}` : `map of ${typeName(ref.collection.elementtype)}`;
  return ref.fqn!.split('.').slice(1).join('.');
}

/** Converts a spec value of type `ref` to the props value the construct takes. @internal */
export function fromSpecValue(ref: JsiiTypeRef, value: any, field: string, errors: SpecErrors): any {
  if (ref.primitive) {
    switch (ref.primitive) {
      case 'string':
        if (typeof value !== 'string') errors.fail(field, value, 'must be a string');
        return value;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) errors.fail(field, value, 'must be a number');
        return value;
      case 'boolean':
        if (typeof value !== 'boolean') errors.fail(field, value, 'must be a boolean');
        return value;
      default:
        return sortedKeys(value);
    }
  }
  if (ref.collection) {
    const el = ref.collection.elementtype;
    if (ref.collection.kind === 'array') {
      if (!Array.isArray(value)) errors.fail(field, value, `must be a list (of ${typeName(el)})`);
      return value.map((v: any, i: number) => fromSpecValue(el, v, `${field}[${i}]`, errors));
    }
    if (!isPlainObject(value)) errors.fail(field, value, `must be an object (a map of ${typeName(el)})`);
    // in key order: the API server stores maps so, whatever order they were written in
    const out: { [key: string]: any } = {};
    for (const k of Object.keys(value).sort()) out[k] = fromSpecValue(el, value[k], `${field}.${k}`, errors);
    return out;
  }
  const fqn = ref.fqn!;
  if (REFERENCE_TYPES[fqn]) {
    if (!errors.references) errors.fail(field, value, `names ${REFERENCE_TYPES[fqn].what}, which cannot be resolved here`);
    return errors.references.resolve(fqn, value, field, errors.reporter);
  }
  if (fqn === WORKLOAD_TEMPLATE) return nestedWorkloadFromSpec(value, field, errors);
  const scalar = SCALARS[fqn];
  if (scalar) {
    const parsed = typeof value === 'string' ? scalar.parse(value) : undefined;
    if (parsed === undefined) errors.fail(field, value, scalar.accepted);
    return parsed;
  }
  const t = jsiiType(fqn);
  if (t.kind === 'enum') {
    const values = enumValues(fqn);
    if (!values.includes(value)) errors.fail(field, value, `must be one of ${values.map(v => JSON.stringify(v)).join(', ')}`);
    return value;
  }
  if (isStruct(t)) return fromSpecStruct(fqn, value, field, errors);
  const factories = factoriesOf(fqn);
  const names = factories.map(f => f.name).join(', ');
  if (!isPlainObject(value) || Object.keys(value).length !== 1) {
    errors.fail(field, value, `must be an object with exactly one of the keys ${names} (${t.name}.<key>(...))`);
  }
  const [key, args] = Object.entries(value)[0];
  const f = factories.find(x => x.name === key);
  if (!f) errors.fail(`${field}.${key}`, args, `not a choice of ${t.name}; use one of ${names}`);
  return callFactory(f, args, `${field}.${key}`, errors);
}

function callFactory(f: SpecFactory, args: any, field: string, errors: SpecErrors): any {
  if (args === null || args === undefined) args = {};
  const call = `${jsiiType(f.owner).name}.${f.name}()`;
  if (!isPlainObject(args)) errors.fail(field, args, `must be an object of the arguments of ${call}`);
  const spreadFields = f.spread ? specProperties(f.spread.type.fqn!).map(p => p.name) : [];
  const known = [...f.params.filter(p => p !== f.spread).map(p => p.name), ...spreadFields];
  for (const k of Object.keys(args)) {
    if (!known.includes(k)) errors.fail(`${field}.${k}`, args[k], `not an argument of ${call}${known.length ? `; arguments: ${known.join(', ')}` : ' (it takes none)'}`);
  }
  const callArgs: any[] = [];
  for (const p of f.method.parameters ?? []) {
    if (!f.params.includes(p)) { callArgs.push(undefined); continue; }
    if (p === f.spread) {
      const present = spreadFields.filter(k => args[k] !== undefined);
      callArgs.push(present.length === 0 && p.optional ? undefined
        : fromSpecStruct(p.type.fqn!, Object.fromEntries(present.map(k => [k, args[k]])), field, errors));
      continue;
    }
    const v = args[p.name];
    if (v === undefined) {
      if (!p.optional && !p.variadic) errors.fail(`${field}.${p.name}`, v, `required (${typeName(p.type)})`);
      if (!p.variadic) callArgs.push(undefined);
      continue;
    }
    if (p.variadic) {
      if (!Array.isArray(v)) errors.fail(`${field}.${p.name}`, v, `must be a list (of ${typeName(p.type)})`);
      callArgs.push(...v.map((x: any, i: number) => fromSpecValue(p.type, x, `${field}.${p.name}[${i}]`, errors)));
      continue;
    }
    callArgs.push(fromSpecValue(p.type, v, `${field}.${p.name}`, errors));
  }
  while (callArgs.length && callArgs[callArgs.length - 1] === undefined) callArgs.pop();
  const cls = runtimeValue(f.owner);
  return cls[f.name](...callArgs);
}

/** Converts a struct's spec (an object) to props. `omit`: properties that may not appear. @internal */
export function fromSpecStruct(fqn: string, value: any, field: string, errors: SpecErrors, omit: string[] = []): any {
  const t = jsiiType(fqn);
  if (!isPlainObject(value)) errors.fail(field, value, `must be an object (${t.name})`);
  const props = specProperties(fqn).filter(p => !omit.includes(p.name));
  const out: { [key: string]: any } = {};
  for (const k of Object.keys(value)) {
    if (!props.some(p => p.name === k)) {
      errors.fail(`${field}.${k}`, value[k], `not a field of ${t.name} in a spec; fields: ${props.map(p => p.name).join(', ')}`);
    }
  }
  for (const p of props) {
    const v = value[p.name];
    if (v === undefined || v === null) {
      if (!p.optional) errors.fail(`${field}.${p.name}`, v, `required (${typeName(p.type)})`);
      continue;
    }
    const converted = fromSpecValue(p.type, v, `${field}.${p.name}`, errors);
    // A value equal to the property's documented default is the default: the construct gets the prop unset, as a
    // TypeScript user who left it out would give it (the API server writes the schema's defaults into the spec).
    if (p.optional && isDefault(p, v)) continue;
    out[p.name] = converted;
  }
  return out;
}

// each property's literal default as JSON (null: none), read from its documentation once
const defaultMemo = new WeakMap<JsiiProperty, string | null>();

function isDefault(p: JsiiProperty, v: unknown): boolean {
  let def = defaultMemo.get(p);
  if (def === undefined) {
    const literal = literalDefault(p.type, p.docs?.default);
    def = literal === undefined ? null : JSON.stringify(literal);
    defaultMemo.set(p, def);
  }
  return def !== null && def === JSON.stringify(v);
}

// ---------------------------------------------------------------------------------------------------------------
// props → spec

/** Where props → spec errors are reported: the construct and a prefix of its fields. */
export interface ToSpecContext {
  /** the construct whose props are written (named in errors) */
  readonly scope: IConstruct;
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

function noSpecForm(ctx: ToSpecContext, field: string, value: unknown, accepted: string): never {
  throw new ValidationError(ctx.scope, field === '' ? 'props' : field, describable(value), accepted);
}

/** A value as an error message can print it (objects of classes by their class name). */
function describable(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isPlainObject(value)) return value;
  const name = (value as any).constructor?.name;
  const v = value as any;
  const named = [v.poolName, v.runtimeName, v.name].find(x => typeof x === 'string');
  return `${name ?? 'object'}${named !== undefined ? `(${named})` : ''}`;
}

/** What has a spec form among the values of the one-of type `fqn` (for error messages). */
function oneOfAccepted(fqn: string): string {
  const t = jsiiType(fqn);
  const factories = factoriesOf(fqn);
  if (factories.length === 0) return `a ${t.name} has no spec form (it is not made by a static factory with JSON arguments)`;
  return `only values made by these static factories have a spec form: ${factories.map(f => `${jsiiType(f.owner).name}.${f.name}()`).join(', ')}`;
}

/**
 * Converts a props value of type `ref` to its spec form (the inverse of {@link fromSpecValue}). One-of values are
 * written from the record of the factory call that made them (src/core/spec-record.ts); a value without one (a static
 * constant, an object made with `new`, a construct) throws the library's ValidationError naming `field`. @internal
 */
export function toSpecValue(ref: JsiiTypeRef, value: any, field: string, ctx: ToSpecContext): any {
  if (value === undefined || value === null) return undefined;
  if (ref.primitive) return ref.primitive === 'any' || ref.primitive === 'json' ? sortedKeys(value) : value;
  if (ref.collection) {
    const el = ref.collection.elementtype;
    if (ref.collection.kind === 'array') return (value as any[]).map((v, i) => toSpecValue(el, v, `${field}[${i}]`, ctx));
    return Object.fromEntries(Object.keys(value).sort().map(k => [k, toSpecValue(el, value[k], join(field, k), ctx)]));
  }
  const fqn = ref.fqn!;
  if (REFERENCE_TYPES[fqn]) {
    const name = referenceName(fqn, value);
    if (name === undefined) noSpecForm(ctx, field, value, `must be ${REFERENCE_TYPES[fqn].what} (written by its name)`);
    return name;
  }
  if (fqn === WORKLOAD_TEMPLATE) return nestedWorkloadToSpec(value, field, ctx);
  const scalar = SCALARS[fqn];
  if (scalar) {
    if (!scalar.is(value)) noSpecForm(ctx, field, value, `must be a ${fqn.split('.').pop()}`);
    return scalar.format(value);
  }
  const t = jsiiType(fqn);
  if (t.kind === 'enum') return value;
  if (isStruct(t)) return toSpecStruct(fqn, value, field, ctx);
  const call = factoryCallOf(value);
  const f = call && factoriesOf(fqn).find(x => x.name === call.factory && ownedBy(call.owner, x.owner));
  if (!call || !f) noSpecForm(ctx, field, value, `it was not made by a static factory with a spec form; ${oneOfAccepted(fqn)}`);
  const out: { [key: string]: any } = {};
  const params = f.method.parameters ?? [];
  const at = join(field, f.name);
  params.forEach((p, i) => {
    const v = p.variadic ? call.args.slice(i) : call.args[i];
    if (v === undefined || v === null || (p.variadic && v.length === 0)) return;
    if (!f.params.includes(p)) noSpecForm(ctx, join(at, p.name), v, `the argument ${p.name} of ${jsiiType(f.owner).name}.${f.name}() has no spec form`);
    if (p === f.spread) Object.assign(out, toSpecStruct(p.type.fqn!, v, at, ctx));
    else out[p.name] = p.variadic ? v.map((x: any, j: number) => toSpecValue(p.type, x, `${join(at, p.name)}[${j}]`, ctx)) : toSpecValue(p.type, v, join(at, p.name), ctx);
  });
  return { [f.name]: out };
}

/** Whether the recorded class is the factory's owner (or inherits the factory from it). */
function ownedBy(recorded: Function, ownerFqn: string): boolean {
  const owner = runtimeValue(ownerFqn);
  return recorded === owner || recorded.prototype instanceof owner;
}

/** Converts props (a struct) to spec. `omit`: properties left out. @internal */
export function toSpecStruct(fqn: string, value: any, field: string, ctx: ToSpecContext, omit: string[] = []): any {
  const out: { [key: string]: any } = {};
  const props = specProperties(fqn);
  for (const k of Object.keys(value ?? {}).sort()) {
    const v = value[k];
    if (v === undefined || v === null || omit.includes(k)) continue;
    const p = props.find(x => x.name === k);
    if (!p) {
      const declared = structProperties(fqn).find(x => x.name === k);
      noSpecForm(ctx, join(field, k), v, declared
        ? `${typeName(declared.type)} has no spec form (fields with one: ${props.map(x => x.name).filter(n => !omit.includes(n)).join(', ')})`
        : `not a field of ${jsiiType(fqn).name}`);
    }
    out[k] = toSpecValue(p.type, v, join(field, k), ctx);
  }
  return out;
}

/** Whether `fqn` belongs to this library's assembly. @internal */
export function isLibraryType(fqn: string): boolean {
  return fqn.startsWith(`${ASSEMBLY_NAME}.`);
}
