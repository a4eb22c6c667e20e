import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

/** What one step template declares, for reference checks. @internal */
export interface TemplateDeclarations {
  readonly name: string;
  readonly inputs: string[];
  readonly inputArtifacts: string[];
  readonly outputs: string[];
  readonly outputArtifacts: string[];
  /** Whether `outputs.result` exists (container and script steps). */
  readonly result: boolean;
}

/** Where a string was found: inside a template, or inside a DAG task. @internal */
export interface ReferenceScope {
  /** User-facing field of the string's container (e.g. `templates.echo` or `tasks.B`). */
  readonly field: string;
  /** The template whose `inputs`/`outputs` the string may read (template scope). */
  readonly template?: TemplateDeclarations;
  /** The task the string belongs to (task scope). */
  readonly task?: string;
  /** Whether the task loops (`item` is defined). */
  readonly loops?: boolean;
  /** Keys every item has, when the items are records. */
  readonly itemKeys?: string[];
  /** Whether this is an exit handler (`workflow.status`, `workflow.failures` are meaningful). */
  readonly exitHandler?: boolean;
}

/** The DAG, for reference checks. @internal */
export interface DagDeclarations {
  readonly parameters: string[];
  /** task name → template declarations. */
  readonly tasks: Map<string, TemplateDeclarations>;
  /** task name → every task it depends on, directly or not. */
  readonly ancestors: Map<string, Set<string>>;
}

const WORKFLOW_GLOBALS = new Set(['name', 'namespace', 'uid', 'serviceAccountName', 'mainEntrypoint', 'status', 'failures',
  'duration', 'priority', 'creationTimestamp', 'scheduledTime', 'parameters', 'labels', 'annotations']);
const TEMPLATE_GLOBALS = new Set(['pod.name', 'node.name', 'retries', 'lastRetry.exitCode', 'lastRetry.status', 'lastRetry.duration',
  'lastRetry.message', 'inputs.parameters', 'outputs.parameters']);
const TASK_FIELDS = new Set(['id', 'ip', 'status', 'exitCode', 'startedAt', 'finishedAt', 'hostNodeName']);
const EXAMPLES = "e.g. '{{inputs.parameters.x}}', '{{workflow.parameters.x}}', '{{tasks.a.outputs.parameters.x}}', '{{item}}'";

const list = (names: Iterable<string>) => {
  const all = [...names].map(n => `'${n}'`);
  return all.length ? all.join(', ') : 'none';
};

/**
 * Checks every `{{...}}` reference in `value` (any JSON: strings are searched, objects and arrays walked) against
 * what the pipeline declares: Argo resolves them only at run time, and a wrong one fails the run or, in a `when`
 * condition, silently changes its outcome. @internal
 */
export function checkReferences(scope: IConstruct, where: ReferenceScope, dag: DagDeclarations, value: any, path = ''): void {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/\{\{([\s\S]*?)\}\}/g)) checkOne(scope, where, dag, m[0], m[1].trim(), path);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkReferences(scope, where, dag, v, `${path}[${i}]`));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkReferences(scope, where, dag, v, path ? `${path}.${k}` : k);
  }
}

function checkOne(scope: IConstruct, where: ReferenceScope, dag: DagDeclarations, text: string, inner: string, path: string): void {
  const field = path ? `${where.field}.${path}` : where.field;
  const fail = (why: string): never => invalid(scope, field, text, why);
  if (inner.startsWith('=')) {
    // an expression: check the references it names (dotted, or with ['name'] indexing)
    const normalized = inner.slice(1).replace(/\[\s*['"]([^'"]+)['"]\s*\]/g, '.$1');
    const refs = normalized.match(/\b(?:inputs\.(?:parameters|artifacts)|outputs\.(?:parameters|artifacts)|workflow\.parameters|tasks\.[A-Za-z0-9-]+\.outputs\.(?:parameters|artifacts))\.[A-Za-z0-9_-]+|\btasks\.[A-Za-z0-9-]+\.outputs\.result\b/g) ?? [];
    for (const r of refs) checkName(r, fail, where, dag);
    return;
  }
  checkName(inner, fail, where, dag);
}

function checkName(name: string, fail: (why: string) => never, where: ReferenceScope, dag: DagDeclarations): void {
  const parts = name.split('.');
  const t = where.template;
  if (parts[0] === 'workflow') {
    if (parts[1] === 'parameters' && parts.length >= 3 && parts[2] !== 'json') {
      const p = parts.slice(2).join('.');
      if (!dag.parameters.includes(p)) fail(`the pipeline declares no parameter '${p}' (declared: ${list(dag.parameters)})`);
      return;
    }
    if (parts[1] === 'outputs' || WORKFLOW_GLOBALS.has(parts[1])) return;
    return fail(`'workflow.${parts.slice(1).join('.')}' is not a workflow variable of Argo Workflows; ${EXAMPLES}`);
  }
  if (parts[0] === 'inputs' || parts[0] === 'outputs') {
    if (!t) return fail(`'${parts[0]}.*' is available only inside a step template; a task passes values with arguments`);
    if (TEMPLATE_GLOBALS.has(name)) return;
    const [, kind, item, attr] = parts;
    if (parts[0] === 'inputs' && kind === 'parameters' && parts.length === 3) {
      if (!t.inputs.includes(item)) fail(`template '${t.name}' declares no input parameter '${item}' (declared: ${list(t.inputs)})`);
      return;
    }
    if (parts[0] === 'inputs' && kind === 'artifacts' && (parts.length === 3 || (parts.length === 4 && attr === 'path'))) {
      if (!t.inputArtifacts.includes(item)) fail(`template '${t.name}' declares no input artifact '${item}' (declared: ${list(t.inputArtifacts)})`);
      return;
    }
    if (parts[0] === 'outputs' && parts.length === 4 && attr === 'path') {
      const declared = kind === 'parameters' ? t.outputs : t.outputArtifacts;
      if (!declared.includes(item)) fail(`template '${t.name}' declares no output ${kind === 'parameters' ? 'parameter' : 'artifact'} '${item}' (declared: ${list(declared)})`);
      return;
    }
    return fail(`not a reference Argo Workflows resolves; ${EXAMPLES}`);
  }
  if (TEMPLATE_GLOBALS.has(name) && t) return;
  if (parts[0] === 'item') {
    if (!where.loops) fail("'item' is defined only in a task that loops (loop: Loop.items(...), Loop.records(...), Loop.param(...) or Loop.sequence(...))");
    if (parts.length > 1 && where.itemKeys && !where.itemKeys.includes(parts.slice(1).join('.'))) {
      fail(`not every item has the key '${parts.slice(1).join('.')}' (keys of every item: ${list(where.itemKeys)})`);
    }
    return;
  }
  if (parts[0] === 'tasks') {
    if (where.task === undefined && !where.exitHandler) fail("'tasks.*' is available only in the tasks of the pipeline; pass the value to the template as an argument");
    const target = parts[1];
    if (target === 'name' && parts.length === 2) return;
    const declared = dag.tasks.get(target);
    if (!declared) return fail(`the pipeline has no task '${target}' (tasks: ${list(dag.tasks.keys())})`);
    if (where.task !== undefined) {
      if (target === where.task) fail(`task '${target}' cannot read its own outputs`);
      if (!dag.ancestors.get(where.task)?.has(target)) {
        fail(`task '${where.task}' does not depend on task '${target}' (a task reads the outputs only of tasks it depends on, directly or not)`);
      }
    }
    if (parts.length === 3 && TASK_FIELDS.has(parts[2])) return;
    if (parts[2] === 'outputs') {
      if (parts[3] === 'result' && parts.length === 4) {
        if (!declared.result) fail(`task '${target}' (template '${declared.name}') has no result: only container and script steps have one`);
        return;
      }
      if ((parts[3] === 'parameters' || parts[3] === 'artifacts') && parts.length === 4) return; // all outputs of a loop, as JSON
      if ((parts[3] === 'parameters' || parts[3] === 'artifacts') && parts.length === 5) {
        const names = parts[3] === 'parameters' ? declared.outputs : declared.outputArtifacts;
        if (!names.includes(parts[4])) {
          fail(`task '${target}' (template '${declared.name}') declares no output ${parts[3] === 'parameters' ? 'parameter' : 'artifact'} '${parts[4]}' (declared: ${list(names)})`);
        }
        return;
      }
    }
    return fail(`not a reference Argo Workflows resolves; ${EXAMPLES}`);
  }
  return fail(`not a reference Argo Workflows resolves here; ${EXAMPLES}`);
}
