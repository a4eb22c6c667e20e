import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformTier, PlatformTiers } from './tiers';
import { KUEUE_API_VERSION } from '../compute/kueue-util';
import { checkDns1123Label } from '../core/names';
import { StatusContract, StatusSource } from '../core/status-contract';
import { DataLoad } from '../data/data-load';
import { Dataset } from '../data/dataset';
import { SparkJob } from '../data/spark-job';
import { InferenceGraph } from '../serving/inference-graph';
import { trainingStatusContract } from '../training/training-util';
import { HyperparameterExperiment } from '../tuning/hyperparameter-experiment';

/** Argo CD's health statuses a check returns. */
export enum ArgoCdHealthStatus {
  /** The object is ready (or its work finished successfully). */
  HEALTHY = 'Healthy',
  /** Still working towards ready or done. */
  PROGRESSING = 'Progressing',
  /** Failed, or misconfigured. */
  DEGRADED = 'Degraded',
  /** Suspended on purpose (e.g. a suspended job waiting for a queue). */
  SUSPENDED = 'Suspended',
}

/**
 * How one kind's health is read, as data: a status contract plus what Argo CD distinguishes beyond it.
 * @internal
 */
interface HealthRule {
  readonly contract: StatusContract;
  /** Condition types that mean suspended when `"True"`. */
  readonly suspended?: string[];
  /** Condition types that mean degraded when `"False"` (e.g. an inactive ClusterQueue). */
  readonly degradedWhenFalse?: string[];
  /** Condition types that mean degraded when `"True"` with one of these reasons (Kueue's `Finished` with `Failed`). */
  readonly degradedReasons?: { [conditionType: string]: string[] };
  /** Condition types that must all be `"True"` for healthy (in place of any one of `succeeded`). */
  readonly allOf?: string[];
  /** Health of an object without status (a kind that has none). @default PROGRESSING */
  readonly withoutStatus?: ArgoCdHealthStatus;
}

const conditions = (apiVersion: string, kind: string, succeeded: string[], failed: string[], completes: boolean): StatusContract => ({
  apiVersion, kind, source: StatusSource.CONDITIONS, path: '.status.conditions', succeeded, failed, completes,
});

/** The Training Operator v1 job kinds the library renders. */
const TRAINING_OPERATOR_KINDS = ['PyTorchJob', 'TFJob', 'MPIJob', 'XGBoostJob', 'JAXJob', 'PaddleJob'];

/**
 * The kinds the platform runs that Argo CD (v3.5.7) has no health check for, each derived from the library's status
 * contract of that kind where the library has one (so the check and the library cannot disagree).
 */
function rules(): HealthRule[] {
  return [
    { contract: trainingStatusContract(false, 'TrainJob'), suspended: ['Suspended'] },
    ...TRAINING_OPERATOR_KINDS.map(kind => ({ contract: trainingStatusContract(true, kind), suspended: ['Suspended'] })),
    { contract: HyperparameterExperiment.STATUS },
    { contract: conditions('jobset.x-k8s.io/v1alpha2', 'JobSet', ['Completed'], ['Failed'], true), suspended: ['Suspended'] },
    { contract: conditions(KUEUE_API_VERSION, 'ClusterQueue', ['Active'], [], false), degradedWhenFalse: ['Active'] },
    { contract: conditions(KUEUE_API_VERSION, 'LocalQueue', ['Active'], [], false), degradedWhenFalse: ['Active'] },
    {
      // Finished also ends failed jobs (reason Failed) and orphaned workloads; Evicted with Deactivated stops for good
      contract: conditions(KUEUE_API_VERSION, 'Workload', ['Finished', 'Admitted'], [], true),
      degradedReasons: { Finished: ['Failed', 'OutOfSync', 'OwnerNotFound'], Evicted: ['Deactivated'] },
    },
    { contract: conditions(KUEUE_API_VERSION, 'ResourceFlavor', [], [], false), withoutStatus: ArgoCdHealthStatus.HEALTHY },
    { contract: Dataset.STATUS },
    { contract: DataLoad.STATUS },
    { contract: SparkJob.SCHEDULED_STATUS },
    { contract: InferenceGraph.STATUS },
    {
      contract: conditions('argoproj.io/v1alpha1', 'EventSource', [], [], false),
      allOf: ['SourcesProvided', 'Deployed'],
      degradedWhenFalse: ['SourcesProvided', 'Deployed'],
    },
    {
      contract: conditions('argoproj.io/v1alpha1', 'Sensor', [], [], false),
      allOf: ['DependenciesProvided', 'TriggersProvided', 'Deployed'],
      degradedWhenFalse: ['DependenciesProvided', 'TriggersProvided', 'Deployed'],
    },
    { contract: conditions('argoproj.io/v1alpha1', 'WorkflowTemplate', [], [], false), withoutStatus: ArgoCdHealthStatus.HEALTHY },
  ];
}

const lua = (s: string) => JSON.stringify(s); // a JSON string literal is a valid Lua string literal for these values
const luaList = (xs: string[]) => `{${xs.map(lua).join(', ')}}`;

/** `.status.a.b` → `{"status", "a", "b"}`; undefined for paths with filters or indexes. */
function keysOf(path: string | undefined): string[] | undefined {
  if (path === undefined || !/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) return undefined;
  return path.slice(1).split('.');
}

/** The Lua health script of a rule, in the subset of Lua 5.1 that Argo CD's interpreter (gopher-lua) runs. */
function luaOf(rule: HealthRule): string {
  const c = rule.contract;
  const keys = keysOf(c.path);
  if (keys === undefined) throw new Error(`status path ${c.path} of ${c.kind} is not a plain field path`);
  const withoutStatus = rule.withoutStatus ?? ArgoCdHealthStatus.PROGRESSING;
  const lines = [
    `-- ${c.kind} (${c.apiVersion}): generated by cdk8s-ai-platform from its status contract`,
    'local hs = {}',
    'local function field(o, keys)',
    '  for _, k in ipairs(keys) do',
    '    if type(o) ~= "table" then return nil end',
    '    o = o[k]',
    '  end',
    '  return o',
    'end',
    `local state = field(obj, ${luaList(keys)})`,
    'if state == nil then',
    `  hs.status = ${lua(withoutStatus)}`,
    `  hs.message = ${lua(withoutStatus === ArgoCdHealthStatus.HEALTHY ? `${c.kind} has no status to wait for` : `Waiting for the ${c.kind} status`)}`,
    '  return hs',
    'end',
  ];
  if (c.source === StatusSource.FIELD) {
    const messageKeys = keysOf(c.messagePath);
    lines.push(
      messageKeys ? `local message = field(obj, ${luaList(messageKeys)})` : 'local message = nil',
      'local function said(default) if type(message) == "string" and message ~= "" then return message end return default end',
      'local function is(list) for _, v in ipairs(list) do if state == v then return true end end return false end',
      `if is(${luaList(c.failed)}) then hs.status = "Degraded"; hs.message = said(${lua(c.kind)} .. " is " .. tostring(state)); return hs end`,
      `if is(${luaList(c.succeeded)}) then hs.status = "Healthy"; hs.message = said(${lua(c.kind)} .. " is " .. tostring(state)); return hs end`,
      'hs.status = "Progressing"',
      `hs.message = said(${lua(c.kind)} .. " is " .. tostring(state))`,
      'return hs',
    );
    return lines.join('\n') + '\n';
  }
  lines.push(
    'local yes, no = {}, {}',
    'local last = nil',
    'if type(state) == "table" then',
    '  for _, cond in ipairs(state) do',
    '    if type(cond) == "table" and cond.type ~= nil then',
    '      if cond.status == "True" then yes[cond.type] = cond; last = cond elseif cond.status == "False" then no[cond.type] = cond end',
    '    end',
    '  end',
    'end',
    'local function text(cond, default) if cond.message ~= nil and cond.message ~= "" then return cond.message end return default end',
  );
  const each = (types: string[], table: string, status: ArgoCdHealthStatus, suffix: string) => {
    if (types.length === 0) return;
    lines.push(
      `for _, t in ipairs(${luaList(types)}) do`,
      `  local cond = ${table}[t]`,
      `  if cond ~= nil then hs.status = ${lua(status)}; hs.message = text(cond, t .. ${lua(suffix)}); return hs end`,
      'end',
    );
  };
  each(c.failed, 'yes', ArgoCdHealthStatus.DEGRADED, ' is True');
  for (const [type, reasons] of Object.entries(rule.degradedReasons ?? {})) {
    lines.push(
      `if yes[${lua(type)}] ~= nil then`,
      `  for _, r in ipairs(${luaList(reasons)}) do`,
      `    if yes[${lua(type)}].reason == r then hs.status = "Degraded"; hs.message = text(yes[${lua(type)}], ${lua(type)} .. " (" .. r .. ")"); return hs end`,
      '  end',
      'end',
    );
  }
  each(rule.degradedWhenFalse ?? [], 'no', ArgoCdHealthStatus.DEGRADED, ' is False');
  each(rule.suspended ?? [], 'yes', ArgoCdHealthStatus.SUSPENDED, ' is True');
  each(c.succeeded, 'yes', ArgoCdHealthStatus.HEALTHY, ' is True');
  if (rule.allOf && rule.allOf.length > 0) {
    lines.push(
      'local all = true',
      `for _, t in ipairs(${luaList(rule.allOf)}) do if yes[t] == nil then all = false end end`,
      `if all then hs.status = "Healthy"; hs.message = ${lua(`${rule.allOf.join(', ')} are True`)}; return hs end`,
    );
  } else if (c.succeeded.length === 0) {
    // a kind with no condition of its own (e.g. ResourceFlavor): stored is ready
    lines.push(`hs.status = "Healthy"; hs.message = ${lua(`${c.kind} has no readiness condition`)}; return hs`);
    return lines.join('\n') + '\n';
  }
  lines.push(
    'hs.status = "Progressing"',
    `if last ~= nil then hs.message = text(last, last.type) else hs.message = ${lua(`Waiting for the ${c.kind} to be ${c.completes ? 'done' : 'ready'}`)} end`,
    'return hs',
  );
  return lines.join('\n') + '\n';
}

/** The `argocd-cm` key of a kind's health check: `resource.customizations.health.<group>_<Kind>`. */
function keyOf(apiVersion: string, kind: string): string {
  return `resource.customizations.health.${apiVersion.split('/')[0]}_${kind}`;
}

/** Props of {@link ArgoCdHealthChecks}. */
export interface ArgoCdHealthChecksProps {
  /**
   * Namespace Argo CD runs in (where its `argocd-cm` ConfigMap is).
   * @default 'argocd'
   */
  readonly namespace?: string;
}

/**
 * Argo CD health checks (Lua, as Argo CD's `resource.customizations`) for the kinds of the platform that Argo CD
 * v3.5.7 has none for: TrainJob, the Training Operator jobs, Katib Experiment, JobSet, Kueue's ClusterQueue,
 * LocalQueue, Workload and ResourceFlavor, Fluid Dataset and DataLoad, ScheduledSparkApplication, InferenceGraph,
 * Argo Events EventSource and Sensor, and Argo WorkflowTemplate. Without them Argo CD calls such objects healthy
 * as soon as they exist, so a sync wave does not wait for them.
 *
 * Each check is generated from the library's status contract of its kind where there is one (so it reads the same
 * conditions or state field, with the same meaning): failed → `Degraded`, succeeded (or ready) → `Healthy`,
 * suspended → `Suspended`, anything else → `Progressing`, with the operator's message.
 *
 * It emits the checks as a partial `argocd-cm` ConfigMap: apply it server-side (`kubectl apply --server-side`, or
 * an Argo CD application with `ServerSideApply=true`), so that only these keys are owned and the rest of Argo CD's
 * configuration is kept; or copy {@link ArgoCdHealthChecks.data} into the Argo CD Helm chart's `configs.cm` values.
 */
export class ArgoCdHealthChecks extends Construct {
  /**
   * The checks as `argocd-cm` data: `resource.customizations.health.<group>_<Kind>` → Lua script.
   */
  public static scripts(): { [key: string]: string } {
    const out: { [key: string]: string } = {};
    for (const rule of rules()) out[keyOf(rule.contract.apiVersion, rule.contract.kind)] = luaOf(rule);
    return out;
  }

  /**
   * The Lua script of one kind, or undefined when the platform ships none for it.
   * @param apiVersion API version (or group) of the kind, e.g. `trainer.kubeflow.org/v1alpha1`
   * @param kind e.g. `TrainJob`
   */
  public static scriptFor(apiVersion: string, kind: string): string | undefined {
    return ArgoCdHealthChecks.scripts()[keyOf(apiVersion, kind)];
  }

  /** The checks, as `argocd-cm` data. */
  public readonly data: { [key: string]: string };
  /** The partial `argocd-cm` ConfigMap. */
  public readonly configMap: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoCdHealthChecksProps = {}) {
    super(scope, id);
    checkDns1123Label(this, 'namespace', props.namespace);
    this.data = ArgoCdHealthChecks.scripts();
    this.configMap = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'argocd-cm',
        namespace: props.namespace ?? 'argocd',
        labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
      },
      data: { ...this.data },
    });
    // in place before any wave waits on the health of these kinds
    PlatformTiers.assign(this, PlatformTier.PREREQUISITES);
  }
}
