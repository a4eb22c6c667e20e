import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';

/*
 * Synthesis of a whole app in time linear in its constructs.
 *
 * cdk8s's `Chart.toJson()` prepares the whole app again for every chart it serializes: it turns the app's implicit
 * construct dependencies into chart and object dependencies and runs every construct's validations, over every
 * construct of the app. An app with one chart per team therefore costs charts x constructs before any object is
 * written. `PlatformApp` prepares the app once per synthesis with the same steps, then serializes each chart's own
 * objects in the same order cdk8s does (the dependency order inside the chart; declaration order in an app without
 * dependencies, with no dependency graph built), so the output is the same (`test/platform/app-synthesis.test.ts`
 * compares both on generated apps).
 */

/**
 * One synthesis of an app: its dependencies resolved and its validations run once (cdk8s's error when one fails), as
 * cdk8s does before serializing a chart; then its charts and each chart's objects in cdk8s's order.
 * @internal
 */
export class AppSynthesis {
  /** Whether any construct of the app depends on another (then the order comes from cdk8s's dependency graph). */
  private readonly dependencies: boolean;
  /** The app's constructs in preorder. */
  private readonly all: IConstruct[];

  constructor(private readonly app: App) {
    const all = app.node.findAll();
    // cdk8s resolves the dependencies again for each chart; a second pass sees the dependencies the first one added
    // (those of nested objects): both passes give what the repeated resolution gives
    if (resolveDependencies(all) > 0) resolveDependencies(all);
    const errors: string[] = [];
    for (const c of all) {
      for (const error of c.node.validate()) errors.push(`[${c.node.path}] ${error}`);
    }
    if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    this.all = all;
    this.dependencies = all.some(c => c.node.dependencies.length > 0);
  }

  /**
   * The app's charts in cdk8s's order (`App.charts`). Without dependencies, cdk8s's dependency graph orders the
   * constructs as its table of them, keyed by path: in declaration order (preorder), but for paths that are array
   * indexes (a chart whose id is a number, under the app), which come first in numeric order.
   */
  public get charts(): Chart[] {
    if (this.dependencies) return this.app.charts;
    const charts = this.all.filter((c): c is Chart => Chart.isChart(c));
    const indexed = charts.filter(c => isArrayIndex(c.node.path)).sort((a, b) => Number(a.node.path) - Number(b.node.path));
    return [...indexed, ...charts.filter(c => !isArrayIndex(c.node.path))];
  }

  /**
   * The JSON of the objects of `chart` (not those of charts nested in it), in cdk8s's order (what `chart.toJson()`
   * returns): the dependency order inside the chart, which is declaration order when nothing depends on anything
   * (only the chart's own path can be an array index, and the chart is not an object).
   */
  public objectsOf(chart: Chart): any[] {
    // a chart that serializes itself its own way is asked to, as cdk8s's App asks every chart (it prepares the app
    // again for that chart)
    if (chart.toJson !== Chart.prototype.toJson) return Object.values(chart.toJson());
    const constructs = this.dependencies ? new DependencyGraph(chart.node).topology() : chart.node.findAll();
    return constructs
      .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart)
      .map(o => o.toJson());
  }
}

/** Whether a path is an array index (such keys come first in a JavaScript object, whatever their insertion order). */
function isArrayIndex(path: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(path) && Number(path) < 2 ** 32 - 1;
}

/**
 * cdk8s's dependency resolution (`resolveDependencies` of its `App`): a chart depends on the charts nested in it and
 * on the charts of the constructs its constructs depend on, and each object depends on the objects of the constructs
 * its construct depends on. Returns the number of construct dependencies it expanded.
 */
function resolveDependencies(all: IConstruct[]): number {
  const subtrees = new Map<IConstruct, IConstruct[]>();
  const findAll = (c: IConstruct) => {
    let found = subtrees.get(c);
    if (!found) {
      found = c.node.findAll();
      subtrees.set(c, found);
    }
    return found;
  };
  for (const parent of all) {
    if (!Chart.isChart(parent)) continue;
    for (const child of parent.node.children) if (Chart.isChart(child)) parent.node.addDependency(child);
  }
  for (const { source, target } of dependenciesOf(all)) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    if (sourceChart !== targetChart) sourceChart.node.addDependency(targetChart);
  }
  // listed again: the chart dependencies just added make the objects of those charts depend on each other too
  const deps = dependenciesOf(all);
  for (const { source, target } of deps) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    const targets = findAll(target).filter(c => ApiObject.isApiObject(c) && Chart.of(c) === targetChart);
    const sources = findAll(source).filter(c => ApiObject.isApiObject(c) && Chart.of(c) === sourceChart);
    for (const t of targets) {
      for (const s of sources) if (t !== s) s.node.addDependency(t);
    }
  }
  return deps.length;
}

function dependenciesOf(all: IConstruct[]): Array<{ source: IConstruct; target: IConstruct }> {
  const deps: Array<{ source: IConstruct; target: IConstruct }> = [];
  for (const source of all) {
    for (const target of source.node.dependencies) deps.push({ source, target });
  }
  return deps;
}
