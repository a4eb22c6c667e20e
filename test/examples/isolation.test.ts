/**
 * Every workload of every example, declared again with the same props in a WorkloadTemplate (a private app with
 * the same chart id and namespace), renders to exactly the objects the example's own synth emits for it.
 *
 * The examples import the library from `src/index.ts`; this file replaces that module with one whose workload
 * classes record each workload an example declares (class, scope and props), then re-declares each one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { exampleNames, synthExample } from '../../scripts/synth-examples';
import type { IWorkload, WorkloadTemplate as WorkloadTemplateType } from '../../src';

interface Declared {
  readonly cls: new (scope: Construct, id: string, props: any) => IWorkload;
  readonly scope: IConstruct;
  readonly id: string;
  readonly props: any;
}

const declared: Declared[] = [];
/** Scopes of the WorkloadTemplates the examples declare (pipeline steps): their workloads reach no app's output. */
const templateScopes = new Set<IConstruct>();
/**
 * Workloads whose objects are built by methods after construction (a pipeline's steps and tasks), so that the same
 * props alone do not give the same objects: their examples' own tests cover them.
 */
const BUILT_BY_METHODS = new Set(['MLPipeline']);

jest.mock('../../src', () => {
  const actual = jest.requireActual('../../src');
  const wrapped: Record<string, unknown> = { ...actual };
  for (const [name, value] of Object.entries<any>(actual)) {
    if (typeof value !== 'function' || !(value.prototype instanceof actual.WorkloadBase)) continue;
    const Recording = class extends value {
      constructor(scope: Construct, id: string, props: any) {
        super(scope, id, props);
        if (new.target === Recording) declared.push({ cls: value, scope, id, props });
      }
    };
    Object.defineProperty(Recording, 'name', { value: name });
    wrapped[name] = Recording;
  }
  wrapped.WorkloadTemplate = class extends actual.WorkloadTemplate {
    constructor(props?: any) {
      super(props);
      templateScopes.add(this.scope);
    }
  };
  return wrapped;
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WorkloadTemplate } = jest.requireActual('../../src') as { WorkloadTemplate: typeof WorkloadTemplateType };

/** The same construct path as `scope`'s, under a WorkloadTemplate's private chart. */
function sameScope(scope: IConstruct): { template: WorkloadTemplateType; scope: Construct } {
  const chart = Chart.of(scope);
  // rendered for the example's platform: the same installs, configuration and pools, as a pipeline step or trial would be
  const template = new WorkloadTemplate({ chartId: chart.node.id, namespace: chart.namespace, labels: chart.labels, platform: scope });
  let s: Construct = template.scope;
  for (const c of scope.node.scopes.slice(scope.node.scopes.indexOf(chart) + 1)) s = new Construct(s, c.node.id);
  return { template, scope: s };
}

/** Workload classes re-rendered by the tests above, for the check that they cover every area. */
const seen = new Set<string>();

/**
 * An emitted object without the annotations an app-level GitOps layout adds to every object it writes
 * (`PlatformApp` with `GitOpsOutput.argoCdSyncWaves()`): they belong to the app's output, not to the workload.
 */
function withoutGitOpsAnnotations(o: any): any {
  const annotations = Object.entries<string>(o.metadata?.annotations ?? {}).filter(([k]) => !k.startsWith('argocd.argoproj.io/'));
  const metadata = { ...o.metadata, annotations: Object.fromEntries(annotations) };
  if (annotations.length === 0) delete metadata.annotations;
  return { ...o, metadata };
}

const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

describe.each(exampleNames())('%s', (name) => {
  test('each workload rendered in isolation equals its part of the example\'s synth', () => {
    declared.length = 0;
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `aip-isolation-${name}-`));
    try {
      const ex = synthExample(name, outdir);
      const emitted = new Map(ex.objects.map(o => [key(o), withoutGitOpsAnnotations(o)]));
      // the example's own workloads: declared in its app (synthesized into outdir), not in a private app of the library
      // (e.g. the samples PlatformController renders to compute its RBAC) or a template the example declares
      const workloads = declared.filter(w => !BUILT_BY_METHODS.has(w.cls.name) && !templateScopes.has(Chart.of(w.scope))
        && path.resolve((w.scope.node.root as App).outdir ?? '') === path.resolve(outdir));
      for (const w of workloads) {
        seen.add(w.cls.name);
        const { template, scope } = sameScope(w.scope);
        new w.cls(scope, w.id, w.props);
        const rendered = template.render();
        const objects = [rendered.primary, ...rendered.supporting];
        expect(objects.length).toBeGreaterThan(0);
        for (const o of objects) {
          expect(emitted.has(key(o))).toBe(true);
          expect(o).toEqual(emitted.get(key(o)));
        }
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

test('the examples declare workloads of every area (the tests above are not vacuous)', () => {
  expect([...seen].sort()).toEqual(expect.arrayContaining([
    'Dataset', 'DistributedTraining', 'FineTuning', 'InferenceGraph', 'InferenceService', 'ModelcarImage', 'SparkJob',
  ]));
});
