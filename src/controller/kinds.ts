import { App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { JsiiMethod, jsiiType, onAssemblyReset, runtimeValue } from './spec-assembly';
import { fromSpecStruct, fromSpecValue, METADATA_PROPS, Schema, SpecErrors, specProperties, structSchema, ToSpecContext, toSpecStruct } from './spec-convert';
import { PlatformSpecContext, platformSpecContext, SpecReferences } from './spec-references';
import { invalid, renameField } from '../core/errors';
import { IWorkload } from '../core/workload';

/** API group of the platform kinds. */
export const PLATFORM_API_GROUP = 'platform.ai.cdk8s.io';
/** API version of the platform kinds. */
export const PLATFORM_API_VERSION = 'v1alpha1';

/** A platform kind: a workload construct offered as a Kubernetes custom resource. */
export interface PlatformKind {
  /** Kind, the construct's class name (e.g. `DistributedTraining`). */
  readonly kind: string;
  /** Plural resource name (e.g. `distributedtrainings`). */
  readonly plural: string;
  /** Singular resource name (e.g. `distributedtraining`). */
  readonly singular: string;
  /** Short names for kubectl. */
  readonly shortNames: string[];
}

/** A platform kind and the construct it is rendered with. @internal */
export interface PlatformKindEntry extends PlatformKind {
  /** jsii fqn of the construct class */
  readonly constructFqn: string;
  /** jsii fqn of its props struct (the spec's type) */
  readonly propsFqn: string;
  /** spec fields beyond the props: the construct's builder methods as data */
  readonly extension?: SpecExtension;
}

/**
 * Spec fields of a kind that are not props but calls of the construct's builder methods (e.g. a pipeline's
 * `addContainer` / `addTask`), as data. The schemas of the methods' arguments are generated like the props'. @internal
 */
export interface SpecExtension {
  /** the extra spec fields' schemas */
  schema(): { properties: Schema; required: string[] };
  /** makes the calls on the declared construct */
  apply(workload: any, spec: any, errors: SpecErrors): void;
  /** the extra spec fields of a declared construct (the inverse of apply) */
  toSpec(workload: any, ctx: ToSpecContext): any;
}

const STEP_TEMPLATE = 'cdk8s-ai-platform.StepTemplate';

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * MLPipeline: `templates` (name → one of the step kinds, from the `add<Kind>(name, props)` methods), `tasks` (the
 * DAG: `addTask(name, template, options)` with `dependsOn` naming tasks) and `exitHandler` (`onExit`).
 */
const PIPELINE_EXTENSION: SpecExtension = {
  schema() {
    const steps = pipelineStepMethods();
    const templateChoices: Schema = {};
    for (const [tag, m] of steps) {
      const s = structSchema(m.parameters![1].type.fqn!);
      templateChoices[tag] = { ...(m.docs?.summary ? { description: m.docs.summary } : {}), ...s };
    }
    const task = structSchema('cdk8s-ai-platform.TaskOptions');
    return {
      properties: {
        templates: {
          type: 'object',
          description: 'Step templates by name, each one of: ' + steps.map(s => s[0]).join(', ') + ' (MLPipeline.add<Kind>(name, props)).',
          additionalProperties: { type: 'object', properties: templateChoices, minProperties: 1, maxProperties: 1 },
        },
        tasks: {
          type: 'array',
          description: 'The DAG: tasks in order (MLPipeline.addTask), each running a template after the tasks it depends on.',
          items: {
            type: 'object',
            required: ['name', 'template'],
            properties: {
              name: { type: 'string', description: 'Name of the task ({{tasks.<name>...}}).' },
              template: { type: 'string', description: 'Name of the template it runs (a key of templates).' },
              ...task.properties,
              dependsOn: { type: 'array', items: { type: 'string' }, description: 'Names of the tasks this one runs after (they must succeed).' },
            },
          },
        },
        exitHandler: { type: 'string', description: 'Template run when a run ends, whatever its outcome (MLPipeline.onExit).' },
      },
      required: ['tasks'],
    };
  },
  apply(pipeline, spec, errors) {
    const steps = new Map(pipelineStepMethods());
    const templates = new Map<string, any>();
    const rawTemplates = spec.templates ?? {};
    if (rawTemplates === null || typeof rawTemplates !== 'object' || Array.isArray(rawTemplates)) errors.fail('spec.templates', rawTemplates, 'must be an object of step templates by name');
    // in name order: the API server stores maps sorted by key, whatever order they were written in
    for (const name of Object.keys(rawTemplates).sort()) {
      const choice = rawTemplates[name];
      const field = `spec.templates.${name}`;
      const keys = choice !== null && typeof choice === 'object' && !Array.isArray(choice) ? Object.keys(choice) : [];
      if (keys.length !== 1 || !steps.has(keys[0])) errors.fail(field, choice, `must be an object with exactly one of the keys ${[...steps.keys()].join(', ')}`);
      const m = steps.get(keys[0])!;
      const props = fromSpecStruct(m.parameters![1].type.fqn!, choice[keys[0]] ?? {}, `${field}.${keys[0]}`, errors);
      templates.set(name, pipeline[m.name](name, props));
    }
    const rawTasks = spec.tasks ?? [];
    if (!Array.isArray(rawTasks)) errors.fail('spec.tasks', rawTasks, 'must be a list of tasks');
    const tasks = new Map<string, any>();
    const taskFields = specProperties('cdk8s-ai-platform.TaskOptions').map(p => p.name).filter(n => n !== 'dependsOn');
    rawTasks.forEach((t: any, i: number) => {
      const field = `spec.tasks[${i}]`;
      if (t === null || typeof t !== 'object' || Array.isArray(t)) errors.fail(field, t, 'must be an object (name, template, dependsOn and the options of MLPipeline.addTask)');
      const { name, template, dependsOn, ...options } = t;
      if (typeof name !== 'string') errors.fail(`${field}.name`, name, 'required (a string)');
      if (typeof template !== 'string' || !templates.has(template)) errors.fail(`${field}.template`, template, `must name one of the templates (${[...templates.keys()].join(', ')})`);
      for (const k of Object.keys(options)) if (!taskFields.includes(k)) errors.fail(`${field}.${k}`, options[k], `not a field of a task; fields: name, template, dependsOn, ${taskFields.join(', ')}`);
      const opts = fromSpecStruct('cdk8s-ai-platform.TaskOptions', options, field, errors);
      tasks.set(name, pipeline.addTask(name, templates.get(template), opts));
    });
    rawTasks.forEach((t: any, i: number) => {
      if (t.dependsOn === undefined) return;
      const names = fromSpecValue({ collection: { kind: 'array', elementtype: { primitive: 'string' } } }, t.dependsOn, `spec.tasks[${i}].dependsOn`, errors) as string[];
      names.forEach((n, j) => {
        if (!tasks.has(n)) errors.fail(`spec.tasks[${i}].dependsOn[${j}]`, n, `must name another task (${[...tasks.keys()].join(', ')})`);
      });
      tasks.get(t.name).dependsOn(...names.map(n => tasks.get(n)));
    });
    if (spec.exitHandler !== undefined) {
      if (!templates.has(spec.exitHandler)) errors.fail('spec.exitHandler', spec.exitHandler, `must name one of the templates (${[...templates.keys()].join(', ')})`);
      pipeline.onExit(templates.get(spec.exitHandler));
    }
  },
  toSpec(pipeline, ctx) {
    const built = pipeline._builderCalls();
    const steps = pipelineStepMethods();
    const withSpec = steps.map(([, m]) => `${m.name}()`).join(', ');
    const templates: { [name: string]: any } = {};
    for (const t of [...built.templates].sort((a, b) => a.name.localeCompare(b.name))) {
      const step = steps.find(([, m]) => m.name === t.method);
      if (!step) {
        invalid(ctx.scope, `templates.${t.name}`, `${t.method}()`,
          `a ${t.method}() step references a construct and has no spec form; templates with one are made by ${withSpec}`);
      }
      templates[t.name] = { [step[0]]: toSpecStruct(step[1].parameters![1].type.fqn!, t.props, `templates.${t.name}`, ctx) };
    }
    const tasks = built.tasks.map((task: any) => {
      const field = `tasks.${task.name}`;
      const dependsOn = task._depends.map((d: any) => {
        if (d.result !== 'Succeeded') {
          invalid(ctx.scope, `${field}.dependsOn`, `${d.task.name}.${d.result}`,
            `only dependencies on success (dependsOn, then, chain) have a spec form; runsOn(task, TaskResult.${String(d.result).toUpperCase()}) has none`);
        }
        return d.task.name as string;
      });
      const { dependsOn: _declared, ...options } = task.options ?? {};
      return {
        name: task.name,
        template: task.template.name,
        ...toSpecStruct('cdk8s-ai-platform.TaskOptions', options, field, ctx),
        ...(dependsOn.length ? { dependsOn } : {}),
      };
    });
    return { templates, tasks, ...(built.exitHandler !== undefined ? { exitHandler: built.exitHandler } : {}) };
  },
};

let stepMethods: Array<[string, JsiiMethod]> | undefined;
onAssemblyReset(() => { stepMethods = undefined; });

/** MLPipeline's `add<Kind>(name, props)` methods that have a spec form, by tag (`container`, `script` ...). */
function pipelineStepMethods(): Array<[string, JsiiMethod]> {
  // asked for on every render of a pipeline: found once per assembly
  stepMethods ??= findPipelineStepMethods();
  return stepMethods;
}

function findPipelineStepMethods(): Array<[string, JsiiMethod]> {
  const t = jsiiType('cdk8s-ai-platform.MLPipeline');
  return (t.methods ?? [])
    .filter(m => !m.static && m.name.startsWith('add') && m.returns?.type.fqn === STEP_TEMPLATE)
    .filter(m => m.parameters?.length === 2 && m.parameters[0].type.primitive === 'string' && m.parameters[1].type.fqn)
    .filter(m => isRepresentableStruct(m.parameters![1].type.fqn!))
    .map(m => [lowerFirst(m.name.slice(3)), m] as [string, JsiiMethod])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

function isRepresentableStruct(fqn: string): boolean {
  const all = structPropertiesAll(fqn);
  const repr = specProperties(fqn).map(p => p.name);
  return all.every(p => p.optional || repr.includes(p.name));
}

function structPropertiesAll(fqn: string): Array<{ name: string; optional?: boolean }> {
  const out = new Map<string, { name: string; optional?: boolean }>();
  const visit = (f: string) => {
    const t = jsiiType(f);
    for (const p of t.properties ?? []) if (!out.has(p.name)) out.set(p.name, p);
    for (const i of t.interfaces ?? []) visit(i);
  };
  visit(fqn);
  return [...out.values()];
}

const EXTENSIONS: { [kind: string]: SpecExtension } = { MLPipeline: PIPELINE_EXTENSION };

/**
 * The workloads offered as platform kinds and their kubectl short names. Kinds are the construct names; where an
 * operator's kind has the same name (KServe's InferenceService, Fluid's Dataset), `kubectl get` needs the full
 * resource name (`inferenceservices.platform.ai.cdk8s.io`), the short name or the `ai-platform` category.
 */
const KINDS: Array<[string, string[]]> = [
  ['SparkJob', ['sj']],
  ['DistributedTraining', ['dtrain']],
  ['FineTuning', ['finetune', 'ft']],
  ['HyperparameterExperiment', ['hpexp']],
  ['InferenceService', ['pisvc']],
  ['MLPipeline', ['mlpipe']],
  ['Dataset', ['pds']],
  ['BatchJob', ['bjob']],
];

let entries: PlatformKindEntry[] | undefined;
onAssemblyReset(() => { entries = undefined; });

/** Every platform kind with its construct and props types (read from the jsii assembly). @internal */
export function platformKindEntries(): PlatformKindEntry[] {
  if (entries) return entries;
  entries = KINDS.map(([kind, shortNames]) => {
    const constructFqn = `cdk8s-ai-platform.${kind}`;
    const init = jsiiType(constructFqn).initializer?.parameters ?? [];
    const propsFqn = init[2]?.type.fqn;
    if (!propsFqn) throw new Error(`${constructFqn}'s initializer has no props parameter`);
    const singular = kind.toLowerCase();
    return { kind, plural: `${singular}s`, singular, shortNames, constructFqn, propsFqn, extension: EXTENSIONS[kind] };
  });
  return entries;
}

/** The platform kinds. */
export function platformKinds(): PlatformKind[] {
  return platformKindEntries().map(({ kind, plural, singular, shortNames }) => ({ kind, plural, singular, shortNames: [...shortNames] }));
}

/** The platform kind named `kind`, or undefined. @internal */
export function platformKind(kind: string): PlatformKindEntry | undefined {
  return platformKindEntries().find(k => k.kind === kind);
}

/** Metadata of the custom resource a workload is declared from. @internal */
export interface SpecMetadata {
  readonly name?: string;
  readonly namespace?: string;
}

/**
 * Declares the workload of platform kind `kind` from its spec (the JSON form of its props; `name` and `namespace`
 * come from `metadata`, not from the spec). Invalid specs throw the library's ValidationError with the field as
 * `spec.<prop path>` (`metadata.name` / `metadata.namespace` for those). `holder`: the references of the resource
 * whose spec holds this one (a nested workload). @internal
 */
export function workloadFromSpec(
  kind: string, scope: Construct, id: string, spec: any, metadata: SpecMetadata = {}, context?: PlatformSpecContext, holder?: SpecReferences,
): IWorkload {
  const entry = platformKind(kind);
  if (!entry) throw new Error(`${kind} is not a platform kind (${platformKindEntries().map(k => k.kind).join(', ')})`);
  const path = scope.node.path ? `${scope.node.path}/${id}` : id;
  const namespace = metadata.namespace ?? chartNamespace(scope);
  // a nested workload (a pipeline step's, a trial's) looks names up where the resource holding it does, and follows the
  // platform settings declared for that resource (its template renders for the resource's app)
  const references = new SpecReferences(scope, namespace, context, holder?.lookup);
  if (!holder) references.declareSettings();
  const errors = new SpecErrors(path, references);
  const extra = extensionFields(entry);
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) errors.fail('spec', spec, `must be an object (${entry.kind}'s props)`);
  const propsSpec = Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => !extra.includes(k)));
  const props = fromSpecStruct(entry.propsFqn, propsSpec, 'spec', errors, METADATA_PROPS);
  const Cls = runtimeValue(entry.constructFqn);
  const meta = Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined));
  try {
    const workload = new Cls(scope, id, { ...props, ...meta });
    entry.extension?.apply(workload, spec ?? {}, errors);
    return workload;
  } catch (e) {
    throw specError(e, path, spec);
  }
}

// the extension's spec fields, kept per kind: building its schema on every render cost more than the render
const extensionFieldsMemo = new Map<string, string[]>();
onAssemblyReset(() => extensionFieldsMemo.clear());

/** The spec fields of a kind's extension (none without one). */
function extensionFields(entry: PlatformKindEntry): string[] {
  if (!entry.extension) return [];
  let fields = extensionFieldsMemo.get(entry.kind);
  if (!fields) {
    fields = Object.keys(entry.extension.schema().properties);
    extensionFieldsMemo.set(entry.kind, fields);
  }
  return fields;
}

function chartNamespace(scope: IConstruct): string | undefined {
  try {
    return Chart.of(scope).namespace;
  } catch {
    return undefined;
  }
}

/**
 * A ValidationError of the workload at `constructPath` (or below it) with its field named as in a custom resource:
 * `spec.<prop path>`, or `metadata.name` / `metadata.namespace`. Other errors are returned as they are. @internal
 */
export function specError(e: unknown, constructPath: string, spec?: any): unknown {
  const cp = (e as any)?.constructPath;
  if (typeof cp !== 'string' || (cp !== constructPath && !cp.startsWith(`${constructPath}/`))) return e;
  return renameField(e, f => (f.startsWith('spec.') || f.startsWith('metadata.') ? f
    : METADATA_PROPS.includes(f) ? `metadata.${f}` : `spec.${inSpec(spec, f)}`));
}

/**
 * A construct's prop path (`predictor.format`) as the path in the spec, which names the factory of each one-of
 * value on the way (`predictor.model.format`): where the spec has no such field but one key holding it, that key
 * is inserted. Paths the spec does not follow are returned as they are.
 */
function inSpec(spec: any, field: string): string {
  const segments = field.match(/[^.[\]]+|\[\d+\]/g);
  if (!segments || spec === null || typeof spec !== 'object') return field;
  let node: any = spec;
  let out = '';
  for (const seg of segments) {
    const index = /^\[(\d+)\]$/.exec(seg);
    const key = index ? Number(index[1]) : seg;
    if (node !== null && typeof node === 'object' && !Array.isArray(node) && !index && !(seg in node)) {
      const keys = Object.keys(node);
      const only = keys.length === 1 ? node[keys[0]] : undefined;
      if (only !== null && typeof only === 'object' && !Array.isArray(only) && seg in only) {
        out += `.${keys[0]}`;
        node = only;
      }
    }
    out += index ? seg : `.${seg}`;
    node = node !== null && typeof node === 'object' ? node[key] : undefined;
  }
  return out.slice(1);
}

/**
 * The spec of platform kind `kind` for the construct props `props` (the inverse of {@link workloadFromSpec}, builder
 * parts left out). One-of values must come from their public static factories (src/core/spec-record.ts); values
 * without a spec form throw the library's ValidationError naming the prop. `name` and `namespace` are left out (they
 * are the resource's metadata). `scope` is the construct named in errors. @internal
 */
export function specFromProps(kind: string, props: any, scope?: IConstruct): any {
  const entry = platformKind(kind);
  if (!entry) throw new Error(`${kind} is not a platform kind`);
  const ctx: ToSpecContext = { scope: scope ?? ({ node: { path: kind } } as unknown as IConstruct) };
  return toSpecStruct(entry.propsFqn, props ?? {}, '', ctx, METADATA_PROPS);
}

/**
 * The spec of a declared workload of platform kind `kind`: its props as declared (`props`, the object its
 * constructor received) and its builder parts (a pipeline's DAG). The workload must render exactly what its spec
 * declares: a change made after construction that the spec cannot hold (through a pod template's methods, its
 * placement, a JSON patch of its objects) throws the library's ValidationError. @internal
 */
export function workloadToSpec(kind: string, workload: IWorkload, props: any): any {
  const entry = platformKind(kind);
  if (!entry) throw new Error(`${kind} is not a platform kind`);
  const ctx: ToSpecContext = { scope: workload };
  const spec = { ...specFromProps(kind, props, workload), ...(entry.extension?.toSpec(workload, ctx) ?? {}) };
  const twin = declareTwin(entry, workload, props, spec);
  const mine = comparable(workload.render());
  const theirs = comparable(twin.render());
  if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
    const [path, value] = firstDifference(mine, theirs);
    const index = /^\[(\d+)\]\.?/.exec(path);
    const field = index ? `${mine[Number(index[1])]?.kind ?? 'object'}.${path.slice(index[0].length)}` : path;
    invalid(workload, field, value,
      'the workload was changed after construction in a way its spec cannot hold (a pod template\'s methods or placement, '
      + 'a JSON patch of its objects); toSpec() writes the props as declared and the builder parts: put the change in the props');
  }
  return spec;
}

/**
 * The same workload declared again from its spec, as the controller declares it: at the same construct path in a
 * private app, names of referenced pools, queues and priority classes resolved through the platform context of the
 * workload's app.
 */
function declareTwin(entry: PlatformKindEntry, workload: IWorkload, props: any, spec: any): IWorkload {
  let parent: Construct = new App();
  for (const s of workload.node.scopes.slice(1, -1)) {
    const chart = Chart.isChart(s) ? s as Chart : undefined;
    parent = chart
      ? new Chart(parent, s.node.id, {
        namespace: chart.namespace, labels: chart.labels, disableResourceNameHashes: (chart as any)._disableResourceNameHashes,
      })
      : new Construct(parent, s.node.id);
  }
  const metadata = { name: props?.name, namespace: props?.namespace };
  return workloadFromSpec(entry.kind, parent, workload.node.id, spec, metadata, platformSpecContext(workload));
}

/** A workload's rendered objects with the order of a pipeline's templates left out (a spec's map holds them by name). */
function comparable(rendered: { primary: any; supporting: any[] }): any {
  return withTemplatesByName([rendered.primary, ...rendered.supporting]);
}

/**
 * A JSON value with every list of named templates (an Argo Workflow's) in name order: the order a pipeline declared
 * from a spec (whose `templates` is a map) gives them. @internal
 */
export function withTemplatesByName(o: any): any {
  if (Array.isArray(o)) return o.map(withTemplatesByName);
  if (o === null || typeof o !== 'object') return o;
  const out: any = {};
  for (const [k, v] of Object.entries(o)) {
    out[k] = k === 'templates' && Array.isArray(v) && v.every(x => typeof x?.name === 'string')
      ? [...v].sort((a: any, b: any) => a.name.localeCompare(b.name)).map(withTemplatesByName)
      : withTemplatesByName(v);
  }
  return out;
}

/** The path and value (in `a`) of the first difference between two JSON values. */
function firstDifference(a: any, b: any, path = ''): [string, any] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [path, a];
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
        const p = Array.isArray(a) ? `${path}[${k}]` : path === '' ? k : `${path}.${k}`;
        return firstDifference(a[k], b[k], p);
      }
    }
  }
  return [path, a];
}
