/**
 * The generated bad-input suite: for every exported construct and builder, start from valid props (a *recipe*),
 * change one place at a time to a malformed value drawn by fast-check — null, undefined, a value of the wrong runtime
 * type, NaN, Infinity, negative, zero, fractional and huge numbers (also inside Cpu, Size and Duration), strings
 * outside an enum, invalid names, keys and paths, null items in arrays — synthesize the app, and assert that either
 * the library's ValidationError was thrown (nothing else), or the output is valid: schema-valid against the pinned
 * upstream versions, restricted Pod Security (or the level the object records as an opt-out), and free of `NaN`,
 * `Infinity`, `undefined`, `[object Object]` and invalid names.
 *
 * Each area has its own case file (`<area>.cases.ts`, exporting `cases: BadInputCase[]`) and test file
 * (`<area>.test.ts`: `badInputSuite('<area>', cases)`), so areas add theirs without touching the others.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { Errors } from '../../src/core/errors';
import { ResourceNames } from '../../src/core/names';
import { Memory } from '../../src/core/quantity';
import { PlatformTesting } from '../../src/platform/testing';

/**
 * The seed of every area's run (record a failing seed's case in regressions.test.ts). `BAD_INPUT_SEED` and
 * `BAD_INPUT_RUNS` explore other seeds and larger runs locally; CI runs the fixed seed.
 */
export const SEED = Number(process.env.BAD_INPUT_SEED ?? 20261130);

/** A builder call (static factory, e.g. `SparkRun.scheduled(...)`), made after the recipe is changed. */
export class Call {
  constructor(public readonly label: string, public readonly fn: (...args: any[]) => any, public readonly args: any[]) {}
}

/** A construct of the case's setup (a pool, a queue...), resolved after the recipe is changed. */
export class Ref {
  constructor(public readonly name: string) {}
}

/** `call('SparkRun.scheduled', SparkRun.scheduled, { schedule: '...' })` */
export function call(label: string, fn: (...args: any[]) => any, ...args: any[]): Call {
  return new Call(label, fn, args);
}

/** A construct of the setup, by name. */
export function ref(name: string): Ref {
  return new Ref(name);
}

/** One construct (or builder) under test. */
export interface BadInputCase {
  /** What is built, e.g. `SparkJob (scheduled)`. */
  readonly name: string;
  /** Namespace of the chart. @default 'team-a' */
  readonly namespace?: string;
  /** Valid props as a recipe: plain objects, arrays, primitives, class instances (leaves), `call()` and `ref()`. */
  readonly recipe: () => any;
  /** Constructs the case needs besides the one under test (pools, queues...), by name for `ref()`. */
  readonly setup?: (chart: Chart) => { [name: string]: any };
  /** Builds the construct under test from the resolved recipe. */
  readonly build: (chart: Chart, props: any, refs: { [name: string]: any }) => void;
  /** Extra malformed values for paths of this case (e.g. a cron expression that never fires), by path regex. */
  readonly extraBadValues?: Array<{ readonly path: RegExp; readonly values: any[] }>;
}

/** One change of a recipe. */
interface Mutation {
  readonly path: string[];
  readonly op: 'set' | 'push';
  readonly value: any;
}

/** What one generated case gave. */
export type Outcome = { kind: 'rejected'; message: string } | { kind: 'valid' } | { kind: 'crash'; message: string } | { kind: 'invalid-output'; problems: string[] };

// ---------------------------------------------------------------------------------------------------------------
// Malformed values

function withAmount<T extends object>(x: T, amount: any): T {
  Object.defineProperty(x, 'amount', { value: amount, writable: true, configurable: true });
  return x;
}

/** Sizes cdk8s would refuse to construct or that are out of range (built past cdk8s's own checks). */
const badSizes = (): any[] => [
  withAmount(Size.gibibytes(1), NaN), withAmount(Size.gibibytes(1), Infinity), withAmount(Size.gibibytes(1), -1),
  Size.gibibytes(0), Size.gibibytes(1e30), Size.kibibytes(0.3), Size.mebibytes(1e-7), Size.tebibytes(1e7),
  // decimal and parsed quantities: malformed, negative, fractional bytes, too large, not a number
  Memory.of('10GB'), Memory.of('-1G'), Memory.of('100m'), Memory.of('10E'), Memory.gigabytes(NaN), Memory.of(''),
];
const badCpus = (): any[] => [
  Cpu.units(NaN), Cpu.units(Infinity), Cpu.units(-1), Cpu.units(0), Cpu.units(1e30), Cpu.millis(0.5), Cpu.units(0.0001), Cpu.millis(-5),
];
const badDurations = (): any[] => [
  Duration.millis(0.5), Duration.seconds(1.5), Duration.seconds(0.25), withAmount(Duration.seconds(1), NaN),
  withAmount(Duration.seconds(1), Infinity), withAmount(Duration.seconds(1), -10), Duration.days(1e9), Duration.millis(0),
];
const badNumbers = [NaN, Infinity, -Infinity, -1, 0, 0.5, -0.5, 1.5, 1e30, 2 ** 31, 2 ** 53 + 2, -(2 ** 31) - 1, 65536];
const badStrings = ['', ' ', 'UPPER', 'has space', '-leading', 'trailing-', 'a'.repeat(64), 'a'.repeat(254), '../etc', '/abs/path',
  'a/b/c', 'x\ny', 'ünï', 'a_b', 'a.b', 'NOT_AN_ENUM_VALUE', '0 0 30 2 *', 'gs://', '${x}', 'a:b', '*', '1e3'];
/** Values of the wrong runtime type for any place. */
const wrongTypes = (): any[] => [
  null, undefined, 'a-string', 42, true, {}, [], [null], () => 1, Size.gibibytes(1), Cpu.units(1), Duration.seconds(1), new Date(0),
  Symbol.for('x'),
];

function kindOf(v: any): string {
  if (v === null || v === undefined) return 'absent';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Size) return 'size';
  if (v instanceof Duration) return 'duration';
  if (typeof v === 'object' && typeof v.amount === 'string' && Object.keys(v).length === 1) return 'cpu';
  return 'object';
}

/** Malformed values fitting what was at a place (a number gets bad numbers, a Size bad sizes...), and some of any type. */
function badValuesFor(original: any): fc.Arbitrary<any> {
  const generic = fc.constantFrom(...wrongTypes());
  const typed: Record<string, () => fc.Arbitrary<any>> = {
    number: () => fc.oneof(fc.constantFrom(...badNumbers), fc.double({ noNaN: false }), fc.integer({ min: -1e6, max: 1e12 })),
    string: () => fc.oneof(fc.constantFrom(...badStrings), fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 20 })),
    boolean: () => fc.constantFrom('true', 0, 1, null),
    array: () => fc.constantFrom([], [null], [undefined], 'not-an-array', [{}], [42], ['']),
    size: () => fc.constantFrom(...badSizes(), Cpu.units(1), '16Gi', 16),
    cpu: () => fc.constantFrom(...badCpus(), Size.gibibytes(1), '2', 2),
    duration: () => fc.constantFrom(...badDurations(), '30s', 30),
    object: () => fc.constantFrom(null, {}, 'x', 0, []),
    absent: () => fc.constantFrom(null, '', 0, {}),
  };
  return fc.oneof({ weight: 3, arbitrary: typed[kindOf(original)]() }, { weight: 1, arbitrary: generic });
}

// ---------------------------------------------------------------------------------------------------------------
// Recipes

function isPlain(v: any): boolean {
  return v !== null && typeof v === 'object' && (Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype);
}

/** Every place of a recipe that can be changed: each member of plain objects, arrays and builder arguments. */
function places(recipe: any, path: string[] = []): Array<{ path: string[]; value: any }> {
  const out: Array<{ path: string[]; value: any }> = [];
  const visit = (v: any, p: string[]) => {
    if (p.length) out.push({ path: p, value: v });
    if (v instanceof Call) v.args.forEach((a, i) => visit(a, [...p, `(${i})`]));
    else if (isPlain(v)) for (const [k, x] of Object.entries(v)) visit(x, [...p, k]);
  };
  visit(recipe, path);
  return out;
}

/** Places where an item can be pushed (arrays), and where an unknown key can be added (plain objects). */
function arrays(recipe: any): string[][] {
  return places(recipe).filter(x => Array.isArray(x.value)).map(x => x.path);
}

function clone(v: any): any {
  if (v instanceof Call) return new Call(v.label, v.fn, v.args.map(clone));
  if (Array.isArray(v)) return v.map(clone);
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

function apply(recipe: any, m: Mutation): any {
  const root = { r: clone(recipe) };
  let node: any = root;
  const path = ['r', ...m.path];
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    node = node instanceof Call ? node.args[Number(k.slice(1, -1))] : node[k];
  }
  const last = path[path.length - 1];
  if (m.op === 'push') {
    const target = node instanceof Call ? node.args[Number(last.slice(1, -1))] : node[last];
    target.push(m.value);
  } else if (node instanceof Call) {
    node.args[Number(last.slice(1, -1))] = m.value;
  } else {
    node[last] = m.value;
  }
  return root.r;
}

/** Resolves builder calls and refs (inner first); a builder of the library may throw only its ValidationError. */
function resolve(v: any, refs: { [name: string]: any }): any {
  if (v instanceof Ref) return refs[v.name];
  if (v instanceof Call) return v.fn(...v.args.map(a => resolve(a, refs)));
  if (Array.isArray(v)) return v.map(x => resolve(x, refs));
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, refs)]));
  return v;
}

/** The malformed changes fast-check draws for a case. */
function mutations(c: BadInputCase): fc.Arbitrary<Mutation> {
  const recipe = c.recipe();
  const all = places(recipe);
  const sets = fc.constantFrom(...all).chain(({ path, value }) => {
    const extra = (c.extraBadValues ?? []).filter(e => e.path.test(path.join('.'))).flatMap(e => e.values);
    const bad = extra.length ? fc.oneof(badValuesFor(value), fc.constantFrom(...extra)) : badValuesFor(value);
    return bad.map(v => ({ path, op: 'set' as const, value: v }));
  });
  const lists = arrays(recipe);
  if (lists.length === 0) return sets;
  const pushes = fc.tuple(fc.constantFrom(...lists), fc.constantFrom(...wrongTypes()))
    .map(([path, value]) => ({ path, op: 'push' as const, value }));
  return fc.oneof({ weight: 5, arbitrary: sets }, { weight: 1, arbitrary: pushes });
}

// ---------------------------------------------------------------------------------------------------------------
// Output checks

const BAD_TEXT = /(^|[^A-Za-z])(NaN|-?Infinity|undefined)([^A-Za-z]|$)|\[object Object\]|InfinityKi|e\+\d+(Gi|Mi|Ki)/;

/** Problems of synthesized objects: schemas, Pod Security, bad text, names. */
export function outputProblems(objects: any[]): string[] {
  const problems = PlatformTesting.problems(objects);
  const seen = new Map<string, number>();
  for (const o of objects) {
    const md = o?.metadata ?? {};
    const id = `${o?.apiVersion} ${o?.kind} ${md.namespace ?? ''}/${md.name}`;
    seen.set(id, (seen.get(id) ?? 0) + 1);
    if (typeof md.name !== 'string' || !ResourceNames.isDns1123Subdomain(md.name)) problems.push(`${id}: invalid name`);
    if (md.namespace !== undefined && !ResourceNames.isDns1123Label(md.namespace)) problems.push(`${id}: invalid namespace`);
    for (const [k, v] of Object.entries(md.labels ?? {})) {
      if (!ResourceNames.isQualifiedName(k) || !ResourceNames.isLabelValue(v as string)) problems.push(`${id}: invalid label ${k}=${v}`);
    }
    for (const k of Object.keys(md.annotations ?? {})) if (!ResourceNames.isQualifiedName(k)) problems.push(`${id}: invalid annotation key ${k}`);
    const text = JSON.stringify(o, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `${v}` : v));
    const m = BAD_TEXT.exec(text);
    if (m) problems.push(`${id}: output holds '${m[0]}'`);
  }
  for (const [id, n] of seen) if (n > 1) problems.push(`${id}: emitted ${n} times`);
  return problems;
}

/** Builds and synthesizes one changed recipe and classifies what happened. */
export function runOne(c: BadInputCase, recipe: any): Outcome {
  try {
    const app = new App({ outdir: '/tmp/cdk8s-bad-input-unused' });
    const chart = new Chart(app, 'test', { namespace: c.namespace ?? 'team-a' });
    const refs = c.setup ? c.setup(chart) : {};
    const props = resolve(recipe, refs);
    c.build(chart, props, refs);
    const objects = PlatformTesting.synthUnchecked(app);
    const problems = outputProblems(objects);
    return problems.length ? { kind: 'invalid-output', problems } : { kind: 'valid' };
  } catch (e) {
    if (Errors.isValidationError(e)) return { kind: 'rejected', message: (e as Error).message };
    return { kind: 'crash', message: `${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? String(e)}` };
  }
}

/** Runs a case's valid recipe (it must give valid output, or the generated cases prove nothing). */
export function runValid(c: BadInputCase): Outcome {
  return runOne(c, c.recipe());
}

function describe(m: Mutation): string {
  const v = typeof m.value === 'symbol' ? m.value.toString() : typeof m.value === 'function' ? 'a function'
    : m.value instanceof Size || m.value instanceof Duration ? `${m.value.constructor.name}(${(m.value as any).amount} ${(m.value as any).unit?.label})`
      : (() => {
        try {
          return JSON.stringify(m.value) ?? String(m.value);
        } catch {
          return String(m.value);
        }
      })();
  return `${m.op === 'push' ? 'push onto' : 'set'} ${m.path.join('.')} ${m.op === 'push' ? '' : '= '}${v}`;
}

/** Tally of one area's run. */
export interface Tally {
  cases: number;
  rejected: number;
  valid: number;
  failures: string[];
}

/**
 * The generated suite of one area: each case's valid recipe gives valid output, then `runs` malformed variants
 * spread over the cases (fixed seed) each give the library's ValidationError or valid output.
 */
export function badInputSuite(area: string, cases: BadInputCase[], runs = 600): void {
  runs = Number(process.env.BAD_INPUT_RUNS ?? runs);
  const perCase = Math.max(20, Math.floor(runs / Math.max(cases.length, 1)));
  const total = perCase * cases.length;
  describeSuite(area, cases, perCase, total);
}

function describeSuite(area: string, cases: BadInputCase[], perCase: number, total: number): void {
  for (const c of cases) {
    test(`${area}: ${c.name}: the valid recipe synthesizes valid output`, () => {
      expect(runValid(c)).toEqual({ kind: 'valid' });
    });
  }
  test(`${area}: ${total} generated malformed inputs (${cases.length} constructs x ${perCase}, seed ${SEED}): 0 crashes, 0 invalid outputs`, () => {
    const tally: Tally = { cases: 0, rejected: 0, valid: 0, failures: [] };
    cases.forEach((c, ci) => {
      const recipe = c.recipe();
      fc.assert(fc.property(mutations(c), m => {
        tally.cases++;
        const outcome = runOne(c, apply(recipe, m));
        if (outcome.kind === 'rejected') {tally.rejected++;} else if (outcome.kind === 'valid') {tally.valid++;} else {
          const what = outcome.kind === 'crash' ? outcome.message : outcome.problems.slice(0, 3).join('; ');
          tally.failures.push(`${c.name}: ${describe(m)} -> ${outcome.kind}: ${what}`);
        }
        return true;
      }), { seed: SEED + ci, numRuns: perCase });
    });
    expect(tally.failures).toEqual([]);
    expect(tally.cases).toBe(total);
    // a suite where nothing is rejected generated nothing malformed
    expect(tally.rejected).toBeGreaterThan(total / 4);
  });
}
