import { PLATFORM_API_GROUP, PLATFORM_API_VERSION, platformKindEntries } from './kinds';
import { renderResource } from './render';
import { jsiiType, onAssemblyReset } from './spec-assembly';
import { factoriesOf, specProperties } from './spec-convert';

/** A rule of the controller's ClusterRole. @internal */
export interface ControllerRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  /** the names the rule is limited to, if any */
  readonly resourceNames?: string[];
}

/** A kind of object the controller applies. @internal */
export interface ChildKind {
  readonly apiVersion: string;
  readonly kind: string;
}

/**
 * Specs of each platform kind whose renderings, together with every single choice of the kind's top-level one-of
 * props (rendered from the base sample with empty arguments), cover the kinds of object the construct can emit
 * (the SparkApplication or ScheduledSparkApplication, the TrainJob or a Training Operator v1 kind per framework, the
 * cache runtime per Dataset runtime, the Workflow, CronWorkflow or WorkflowTemplate ...). The controller's RBAC is
 * what these render, not a list kept by hand.
 */
const SAMPLES: { [kind: string]: any[] } = {
  SparkJob: [
    { type: 'Python', sparkVersion: '3.5.5', image: 'spark:3.5.5', mainApplicationFile: 'local:///app.py' },
    { type: 'Python', sparkVersion: '3.5.5', image: 'spark:3.5.5', mainApplicationFile: 'local:///app.py', run: { scheduled: { schedule: { daily: {} } } } },
  ],
  DistributedTraining: [
    { image: 'trainer:1', checkpoints: { volume: { fromPersistentVolumeClaim: { name: 'ckpt', claimName: 'ckpt' } } } },
    ...['pyTorch', 'tensorFlow', 'xgBoost', 'paddle', 'jax', 'deepSpeed', 'mlx'].map(f => ({
      image: 'trainer:1', backend: { trainingOperatorV1: {} }, framework: { [f]: {} },
    })),
    { image: 'trainer:1', backend: { trainingOperatorV1: {} }, framework: { mpi: { slotsPerWorker: 1 } } },
  ],
  FineTuning: [
    { model: { uri: 'hf://org/model', transformerType: 'AutoModelForCausalLM' }, dataset: { repoId: 'org/data' } },
    { model: { uri: 'hf://org/model', transformerType: 'AutoModelForCausalLM' }, dataset: { repoId: 'org/data' }, backend: { trainerV2: {} } },
  ],
  HyperparameterExperiment: [{
    objective: { maximize: { metric: 'accuracy' } },
    parameters: [{ double: { name: 'lr', min: 0.01, max: 0.1 } }],
    trial: { batchJob: { containers: [{ image: 'trial:1', args: ['--lr=${trialParameters.lr}'] }] } },
  }],
  InferenceService: [
    { predictor: { model: { format: { sklearn: {} }, storageUri: { s3: { bucket: 'models', key: 'iris' } } } } },
    { predictor: { model: { format: { sklearn: {} }, storageUri: { s3: { bucket: 'models', key: 'iris' } } } }, mode: 'Standard' },
  ],
  Dataset: [
    { mounts: [{ fromUri: { uri: 's3://bucket/data/' } }], runtime: { alluxio: { tiers: [{ medium: 'MEM', quota: '1Gi' }] } } },
    { mounts: [{ juiceFs: {} }], runtime: { juiceFs: { tier: { medium: 'MEM', quota: '1Gi' } } } },
  ],
  BatchJob: [{ containers: [{ image: 'job:1' }] }],
  MLPipeline: [
    ...[{}, { run: { scheduled: { schedules: [{ daily: {} }] } } }, { run: { template: {} } }].map(extra => ({
      ...extra,
      templates: { step: { container: { container: { image: 'step:1' } } } },
      tasks: [{ name: 'step', template: 'step' }],
    })),
  ],
};

/** The sample specs of a kind: the hand-written ones, and each top-level one-of choice (empty arguments) on the first. */
function samplesOf(kind: string, propsFqn: string): any[] {
  const base = SAMPLES[kind] ?? [];
  const out = [...base];
  if (base.length === 0) return out;
  for (const p of specProperties(propsFqn)) {
    if (!p.type.fqn || jsiiType(p.type.fqn).kind !== 'class') continue;
    for (const f of factoriesOf(p.type.fqn)) out.push({ ...base[0], [p.name]: { [f.name]: {} } });
  }
  return out;
}

let rendered: any[][] | undefined;
let renderedKinds: string[] = [];
onAssemblyReset(() => { rendered = undefined; });

/** The children of every sample of every kind (samples a construct rejects, e.g. a choice that needs arguments, are skipped). */
function renderedSamples(): any[][] {
  if (rendered) return rendered;
  rendered = [];
  renderedKinds = [];
  for (const entry of platformKindEntries()) {
    for (const spec of samplesOf(entry.kind, entry.propsFqn)) {
      try {
        rendered.push(renderResource({
          apiVersion: `${PLATFORM_API_GROUP}/${PLATFORM_API_VERSION}`,
          kind: entry.kind,
          metadata: { name: 'sample', namespace: 'sample' },
          spec,
        }).children);
        renderedKinds.push(entry.kind);
      } catch {
        continue;
      }
    }
  }
  return rendered;
}

/** Every kind of object the platform kinds render, found by rendering each kind's samples with the constructs. @internal */
export function childKinds(): ChildKind[] {
  const found = new Map<string, ChildKind>();
  for (const children of renderedSamples()) {
    for (const c of children) found.set(`${c.apiVersion}/${c.kind}`, { apiVersion: c.apiVersion, kind: c.kind });
  }
  return [...found.values()].sort((a, b) => `${a.apiVersion}/${a.kind}`.localeCompare(`${b.apiVersion}/${b.kind}`));
}

/**
 * The platform kinds whose samples render a cluster-scoped child (no namespace): the controller adds a finalizer to
 * such resources (it deletes those children itself), which takes `patch` on the kind. @internal
 */
export function kindsWithClusterScopedChildren(): string[] {
  const samples = renderedSamples();
  const kinds = new Set<string>();
  samples.forEach((children, i) => {
    if (children.some(c => c.metadata?.namespace === undefined)) kinds.add(renderedKinds[i]);
  });
  return [...kinds].sort();
}

/** The rules of the Roles the platform kinds render (the controller must hold what it grants). @internal */
export function grantedRules(): ControllerRule[] {
  const rules: ControllerRule[] = [];
  for (const children of renderedSamples()) {
    for (const c of children) {
      if (c.apiVersion !== 'rbac.authorization.k8s.io/v1' || c.kind !== 'Role') continue;
      for (const r of c.rules ?? []) {
        rules.push({
          apiGroups: [...(r.apiGroups ?? [])],
          resources: [...(r.resources ?? [])],
          verbs: [...(r.verbs ?? [])],
          ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
        });
      }
    }
  }
  return mergeRules(rules);
}

/** The plural resource name of a kind (Kubernetes' rule for the kinds the workloads emit). @internal */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

/** Merges rules with the same API groups and verbs (resources sorted, no duplicates). @internal */
export function mergeRules(rules: ControllerRule[]): ControllerRule[] {
  const byKey = new Map<string, { apiGroups: string[]; verbs: string[]; resourceNames?: string[]; resources: Set<string> }>();
  for (const r of rules) {
    const apiGroups = [...new Set(r.apiGroups)].sort();
    const verbs = [...new Set(r.verbs)].sort();
    const resourceNames = r.resourceNames ? [...new Set(r.resourceNames)].sort() : undefined;
    const key = `${apiGroups.join(',')}|${verbs.join(',')}|${resourceNames?.join(',') ?? '*'}`;
    const entry = byKey.get(key) ?? { apiGroups, verbs, resourceNames, resources: new Set<string>() };
    for (const res of r.resources) entry.resources.add(res);
    byKey.set(key, entry);
  }
  return [...byKey.values()]
    .map(e => ({
      apiGroups: e.apiGroups, resources: [...e.resources].sort(), verbs: e.verbs, ...(e.resourceNames ? { resourceNames: e.resourceNames } : {}),
    }))
    .sort((a, b) => `${a.apiGroups.join(',')}/${a.resources.join(',')}`.localeCompare(`${b.apiGroups.join(',')}/${b.resources.join(',')}`));
}

/**
 * The controller's least-privilege rules: its platform kinds (read, and write their status and finalizers; patch the
 * kinds that render cluster-scoped children, for the finalizer that deletes them), the
 * kinds of object it renders (read, apply, prune), the rules of the Roles it renders, Events, and Leases for leader
 * election. No wildcard. @internal
 */
export function controllerRules(): ControllerRule[] {
  const plurals = platformKindEntries().map(k => k.plural);
  const rules: ControllerRule[] = [
    { apiGroups: [PLATFORM_API_GROUP], resources: plurals, verbs: ['get', 'list', 'watch'] },
    { apiGroups: [PLATFORM_API_GROUP], resources: plurals.map(p => `${p}/status`), verbs: ['get', 'patch', 'update'] },
    // owner references with blockOwnerDeletion need update on the owner's finalizers where the
    // OwnerReferencesPermissionEnforcement admission plugin is on
    { apiGroups: [PLATFORM_API_GROUP], resources: plurals.map(p => `${p}/finalizers`), verbs: ['update'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'update'] },
  ];
  const finalized = kindsWithClusterScopedChildren();
  if (finalized.length) {
    const plural = new Map(platformKindEntries().map(k => [k.kind, k.plural]));
    rules.push({ apiGroups: [PLATFORM_API_GROUP], resources: finalized.map(k => plural.get(k)!), verbs: ['patch'] });
  }
  for (const c of childKinds()) {
    const group = c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : '';
    rules.push({ apiGroups: [group], resources: [pluralOf(c.kind)], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] });
  }
  return mergeRules([...rules, ...grantedRules()]);
}
