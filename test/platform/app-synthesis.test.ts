/**
 * PlatformApp prepares the app once per synthesis (cdk8s's App does it again for every chart it writes): the output
 * must be what cdk8s's App writes, on generated apps with nested charts, construct, chart and object dependencies,
 * and failing validations; and the work must grow linearly with the number of charts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as fc from 'fast-check';
import { PlatformApp } from '../../src';
import { countVisitedNodes } from '../util';

/** A generated app: a tree of charts, plain constructs and objects, dependencies between them, failing validations. */
interface AppShape {
  readonly nodes: Array<{ parent: number; kind: 'chart' | 'construct' | 'object'; namespace?: string }>;
  readonly deps: Array<[number, number]>;
  readonly failing: number[];
}

const shape: fc.Arbitrary<AppShape> = fc.record({
  nodes: fc.array(fc.record({
    parent: fc.nat(),
    kind: fc.constantFrom<'chart' | 'construct' | 'object'>('chart', 'construct', 'object', 'object'),
    namespace: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  }), { minLength: 1, maxLength: 25 }),
  // most apps have no dependencies at all (then no dependency graph is built), the others a few
  deps: fc.oneof(fc.constant<Array<[number, number]>>([]), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 })),
  failing: fc.oneof(
    { weight: 4, arbitrary: fc.constant<number[]>([]) },
    { weight: 1, arbitrary: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }) },
  ),
});

/** Builds the shape in `app`: node i's parent is the app (then it is a chart) or one of the constructs before it. */
function build(app: App, s: AppShape): IConstruct[] {
  const made: IConstruct[] = [];
  s.nodes.forEach((n, i) => {
    const scopes = made.filter(c => !ApiObject.isApiObject(c));
    const parent = i === 0 || scopes.length === 0 || n.parent % 5 === 0 ? app : scopes[n.parent % scopes.length];
    const kind = i === 0 || parent === app ? 'chart' : n.kind;
    // some ids are numbers: such paths order first in cdk8s's tables of constructs
    const id = i % 3 === 1 ? String(i * 7 % 11) + String(i) : `n${i}`;
    if (kind === 'chart') made.push(new Chart(parent, id, { namespace: n.namespace }));
    else if (kind === 'construct') made.push(new Construct(parent, id));
    else made.push(new ApiObject(parent, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { i: String(i) } }));
  });
  for (const [from, to] of s.deps) {
    const a = made[from % made.length];
    const b = made[to % made.length];
    // a construct that depends on its own ancestor or descendant makes a cycle with cdk8s's nesting rules: some are
    // kept (both apps must fail alike), most are left out so that most generated apps synthesize
    const related = a.node.path.startsWith(`${b.node.path}/`) || b.node.path.startsWith(`${a.node.path}/`);
    if (a !== b && (!related || (from + to) % 5 === 0)) a.node.addDependency(b);
  }
  for (const f of s.failing) {
    const c = made[f % made.length];
    c.node.addValidation({ validate: () => [`generated failure of ${c.node.id}`] });
  }
  return made;
}

/** The result of `f`, or the message of what it threw. */
function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * The files `synth()` writes, by chart name (cdk8s prefixes an index when charts depend on each other), but for the
 * empty files cdk8s writes for charts without objects (PlatformApp writes none).
 */
function writtenFiles(app: App): unknown {
  return outcome(() => {
    app.synth();
    const files: { [name: string]: string } = {};
    for (const f of fs.readdirSync(app.outdir)) {
      const text = fs.readFileSync(path.join(app.outdir, f), 'utf-8');
      if (text !== '') files[f.replace(/^\d{4}-/, '')] = text;
    }
    return files;
  });
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'aip-synthesis-'));

/** The shape built in a cdk8s App and in a PlatformApp. */
function bothApps(s: AppShape): { cdk8s: App; platform: PlatformApp } {
  const cdk8s = new App({ outdir: tmp() });
  build(cdk8s, s);
  const platform = new PlatformApp({ outdir: tmp() });
  build(platform, s);
  return { cdk8s, platform };
}

test('PlatformApp.synthYaml() gives what App.synthYaml() gives, or fails with the same error (generated apps)', () => {
  fc.assert(fc.property(shape, s => {
    const { cdk8s, platform } = bothApps(s);
    expect(outcome(() => platform.synthYaml())).toEqual(outcome(() => cdk8s.synthYaml()));
  }), { numRuns: 300 });
});

test('PlatformApp.synth() writes the files App.synth() writes, or fails with the same error (generated apps)', () => {
  fc.assert(fc.property(shape, s => {
    const { cdk8s, platform } = bothApps(s);
    const expected = writtenFiles(cdk8s);
    expect(writtenFiles(platform)).toEqual(expected);
  }), { numRuns: 150 });
});

test('a chart that overrides toJson() is serialized by it, as cdk8s\'s App serializes it', () => {
  class Stamped extends Chart {
    public toJson(): any[] {
      return super.toJson().map(o => ({ ...o, metadata: { ...o.metadata, annotations: { stamped: 'yes' } } }));
    }
  }
  const build2 = (app: App) => {
    new ApiObject(new Stamped(app, 'stamped'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    new ApiObject(new Chart(app, 'plain'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    return app;
  };
  const written = build2(new PlatformApp({ outdir: tmp() })).synthYaml();
  expect(written).toContain('stamped: "yes"');
  expect(written).toEqual(build2(new App({ outdir: tmp() })).synthYaml());
});

test('the generated apps reach the cases that matter: dependencies across charts, nested charts, validation errors', () => {
  // the property above is only as good as its cases: count what the generator produces over a fixed sample
  const seen = { crossChart: 0, nested: 0, failing: 0, objectsOrderedByDependency: 0, noDependencies: 0, numberedChartAfterOthers: 0 };
  fc.assert(fc.property(shape, s => {
    const app = new App({ outdir: tmp() });
    const made = build(app, s);
    if (made.some(c => Chart.isChart(c) && c.node.scope !== app)) seen.nested++;
    if (s.failing.length) seen.failing++;
    if (made.every(c => c.node.dependencies.length === 0)) seen.noDependencies++;
    const top = app.node.children.map(c => c.node.id);
    if (top.some((id, i) => i > 0 && /^[0-9]+$/.test(id))) seen.numberedChartAfterOthers++;
    for (const c of made) {
      for (const d of c.node.dependencies) {
        if (Chart.of(c) !== Chart.of(d)) seen.crossChart++;
        else if (ApiObject.isApiObject(c) && ApiObject.isApiObject(d)) seen.objectsOrderedByDependency++;
      }
    }
  }), { numRuns: 300, seed: 42 });
  expect(seen.nested).toBeGreaterThan(30);
  expect(seen.failing).toBeGreaterThan(30);
  expect(seen.crossChart).toBeGreaterThan(30);
  expect(seen.objectsOrderedByDependency).toBeGreaterThan(30);
  expect(seen.noDependencies).toBeGreaterThan(60);
  expect(seen.numberedChartAfterOthers).toBeGreaterThan(10);
  // and most of them synthesize (a failing validation or a dependency cycle between charts fails the others)
  let synthesized = 0;
  fc.assert(fc.property(shape, s => {
    const app = new App({ outdir: tmp() });
    build(app, s);
    if ('ok' in (outcome(() => app.synthYaml()) as object)) synthesized++;
  }), { numRuns: 300, seed: 42 });
  expect(synthesized).toBeGreaterThan(150);
});

/** Nodes visited by `findAll` and validations run while synthesizing an app of `charts` charts of 10 objects each. */
function work(app: App, charts: number): { visited: number; validations: number } {
  let validations = 0;
  for (let c = 0; c < charts; c++) {
    const chart = new Chart(app, `team-${c}`, { namespace: `team-${c}` });
    for (let i = 0; i < 10; i++) {
      const o = new ApiObject(new Construct(chart, `w${i}`), 'Resource', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` } });
      o.node.addValidation({ validate: () => { validations++; return []; } });
    }
  }
  const { visited } = countVisitedNodes(() => app.synthYaml());
  return { visited, validations };
}

test('PlatformApp prepares the app once per synthesis: its work grows linearly with the number of charts', () => {
  const platform = [10, 20, 40].map(n => work(new PlatformApp({ outdir: tmp() }), n));
  // each validation runs once
  expect(platform.map(w => w.validations)).toEqual([100, 200, 400]);
  // twice the charts, about twice the visited nodes
  expect(platform[1].visited / platform[0].visited).toBeLessThan(2.2);
  expect(platform[2].visited / platform[1].visited).toBeLessThan(2.2);
  // cdk8s's App validates once, then once more for every chart: charts x constructs
  const cdk8s = [10, 20].map(n => work(new App({ outdir: tmp() }), n));
  expect(cdk8s.map(w => w.validations)).toEqual([100 * 11, 200 * 21]);
  expect(cdk8s[1].visited / cdk8s[0].visited).toBeGreaterThan(3);
});
