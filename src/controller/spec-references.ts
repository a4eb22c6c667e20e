import { Construct, IConstruct } from 'constructs';
import { BatchQueue } from '../compute/batch-queue';
import { KueueIntegration } from '../compute/kueue-integration';
import { LocalQueue } from '../compute/local-queue';
import { NodePoolBase } from '../compute/node-pool-base';
import { WorkloadPriorityClass } from '../compute/workload-priority-class';
import { invalid } from '../core/errors';
import { INodePool } from '../core/node-pool';
import { Taint } from '../core/placement';
import { nodePoolsOf } from '../core/workload';
import { DeploymentMode, KServeConfig } from '../serving/kserve-config';
import { KatibConfig, KatibConfigProps } from '../tuning/katib-config';

/*
 * Spec forms of the props that reference constructs declared elsewhere: a node pool, a Kueue LocalQueue and a Kueue
 * WorkloadPriorityClass are written by name (`pool: gpu-a100`, `queue: team-a`, `priorityClass: high`). A name is
 * resolved
 * - in TypeScript (`X.fromSpec`), against the pools, queues and priority classes declared in the scope's app;
 * - in the runtime controller, against the platform context: the facts of the platform it was installed with (JSON,
 *   see PlatformSpecContext), turned into objects that contribute exactly what the platform's own constructs do (node
 *   selector, tolerations, accelerator checks; Kueue labels) and emit nothing.
 * An unknown name is a ValidationError naming the field and the accepted names.
 */

/** A node pool as a custom resource may reference it: what it contributes to the pods placed on it. @internal */
export interface PoolFacts {
  readonly nodeLabels: { [key: string]: string };
  readonly taints: Taint[];
  /** extended resource names the nodes advertise (`nvidia.com/gpu`; a trailing `*` matches by prefix) */
  readonly resourceNames: string[];
  /** GPU products the nodes may have (empty: unknown) */
  readonly products: string[];
  readonly maxPerNode?: number;
  readonly poolLimit?: number;
}

/** A LocalQueue as a custom resource may reference it. @internal */
export interface QueueFacts {
  /** name of its ClusterQueue */
  readonly clusterQueue: string;
  /** the Kueue integrations the ClusterQueue's Kueue manages */
  readonly integrations: string[];
}

/**
 * The platform context: what custom resources may reference by name, as JSON. The platform writes it; the
 * controller renders with it. @internal
 */
export interface PlatformSpecContext {
  /** node pools by name */
  readonly pools?: { [name: string]: PoolFacts };
  /** LocalQueues by namespace, then name */
  readonly queues?: { [namespace: string]: { [name: string]: QueueFacts } };
  /** Kueue WorkloadPriorityClasses by name, with their value */
  readonly priorityClasses?: { [name: string]: { readonly value: number } };
  /** the platform's KServe settings (its KServeConfig), which every InferenceService of the platform follows */
  readonly kserve?: KServeFacts;
  /** the platform's Katib configuration (its registered KatibConfig), which every HyperparameterExperiment follows */
  readonly katib?: KatibConfigProps;
}

/** The settings of the platform's KServeConfig. @internal */
export interface KServeFacts {
  readonly enableModelcar: boolean;
  readonly uidModelcar: number;
  readonly defaultDeploymentMode: string;
  readonly storageSecretNameAnnotation: string;
}

/** The jsii types written by name in a spec, and what a name stands for. @internal */
export const REFERENCE_TYPES: { [fqn: string]: { readonly what: string } } = {
  'cdk8s-ai-platform.INodePool': { what: 'a node pool of the platform' },
  'cdk8s-ai-platform.LocalQueue': { what: 'a Kueue LocalQueue of the resource\'s namespace' },
  'cdk8s-ai-platform.WorkloadPriorityClass': { what: 'a Kueue WorkloadPriorityClass of the platform' },
};

/** The name a referenced construct is written with. @internal */
export function referenceName(fqn: string, value: any): string | undefined {
  if (fqn === 'cdk8s-ai-platform.INodePool') return typeof value?.poolName === 'string' ? value.poolName : undefined;
  return typeof value?.name === 'string' ? value.name : undefined;
}

function all<T>(scope: IConstruct, is: (c: IConstruct) => boolean): T[] {
  return scope.node.root.node.findAll().filter(is) as unknown as T[];
}

/** The platform context of the app of `scope`: its node pools, LocalQueues and WorkloadPriorityClasses. @internal */
export function platformSpecContext(scope: IConstruct): PlatformSpecContext {
  const pools: { [name: string]: PoolFacts } = {};
  for (const p of nodePoolsOf(scope)) {
    const cap = (p as any).acceleratorCapacity ?? { resourceNames: [], products: [] };
    pools[p.poolName] = {
      nodeLabels: { ...p.nodeLabels },
      taints: p.taints.map(t => ({ ...t })),
      resourceNames: [...cap.resourceNames],
      products: [...cap.products],
      ...(cap.maxPerNode !== undefined ? { maxPerNode: cap.maxPerNode } : {}),
      ...(cap.poolLimit !== undefined ? { poolLimit: cap.poolLimit } : {}),
    };
  }
  const queues: { [namespace: string]: { [name: string]: QueueFacts } } = {};
  for (const q of all<LocalQueue>(scope, c => c instanceof LocalQueue)) {
    (queues[q.namespace] ??= {})[q.name] = { clusterQueue: q.clusterQueue.name, integrations: [...q.clusterQueue.integrations] };
  }
  const priorityClasses: { [name: string]: { value: number } } = {};
  for (const c of all<WorkloadPriorityClass>(scope, x => x instanceof WorkloadPriorityClass)) priorityClasses[c.name] = { value: c.value };
  const k = KServeConfig.of(scope);
  const kserve: KServeFacts | undefined = k && {
    enableModelcar: k.enableModelcar,
    uidModelcar: k.uidModelcar,
    defaultDeploymentMode: k.defaultDeploymentMode,
    storageSecretNameAnnotation: k.storageSecretNameAnnotation,
  };
  const c = KatibConfig.of(scope);
  const katib: KatibConfigProps | undefined = c && {
    trialResources: [...c.trialResources],
    suggestions: [...c.suggestions],
    earlyStoppings: [...c.earlyStoppings],
    metricsCollectors: [...c.metricsCollectors],
    injectSecurityContext: c.injectSecurityContext,
  };
  return { pools, queues, priorityClasses, ...(kserve ? { kserve } : {}), ...(katib ? { katib } : {}) };
}

/** A node pool known by its facts: places pods as the platform's pool does, emits nothing. */
class ReferencedNodePool extends NodePoolBase {
  public readonly nodeLabels: { [key: string]: string };
  public readonly taints: Taint[];
  constructor(scope: Construct, id: string, public readonly poolName: string, facts: PoolFacts) {
    super(scope, id);
    this.nodeLabels = { ...facts.nodeLabels };
    this.taints = facts.taints.map(t => ({ ...t }));
    this.initCapacity({
      resourceNames: [...facts.resourceNames], products: [...facts.products], maxPerNode: facts.maxPerNode, poolLimit: facts.poolLimit,
    });
  }
}

/**
 * Resolves names in a spec to the constructs they stand for (see the top of this file). `context` given: the
 * controller's platform context; otherwise the app of `scope`. @internal
 */
export class SpecReferences {
  private readonly made = new Map<string, any>();
  private holder?: Construct;

  /**
   * @param scope where the workload is declared (its app holds the pools, queues and priority classes without a context)
   * @param namespace the resource's namespace (LocalQueues are namespaced)
   * @param context the controller's platform context
   * @param lookup where declared queues and priority classes are found without a context (a nested workload's: the
   *   app of the resource that holds it)
   */
  constructor(
    public readonly scope: Construct, public readonly namespace: string | undefined, public readonly context?: PlatformSpecContext,
    public readonly lookup: IConstruct = scope,
  ) {}

  /**
   * Declares the platform-wide settings of the controller's platform context beside the workload (its KServeConfig
   * and Katib configuration),
   * so that the workload follows them as it does in the platform's app. Nothing without a context (TypeScript's
   * fromSpec: the app's own settings apply).
   */
  public declareSettings(): void {
    const { kserve, katib } = this.context ?? {};
    if (!kserve && !katib) return;
    this.holder ??= new Construct(this.scope, 'PlatformReferences');
    if (kserve) new KServeConfig(this.holder, 'kserve', { ...kserve, defaultDeploymentMode: kserve.defaultDeploymentMode as DeploymentMode });
    if (katib) new KatibConfig(katib).register(this.holder);
  }

  /** The construct `name` stands for, of the reference type `fqn`; `reporter` is named in errors. */
  public resolve(fqn: string, name: unknown, field: string, reporter: IConstruct): any {
    const what = REFERENCE_TYPES[fqn].what;
    // without a context, the declared constructs are listed once: their names and the one `name` stands for
    const declared = this.context ? undefined : this.declaredAll(fqn);
    const names = (declared ? declared.map(x => referenceName(fqn, x)!) : this.contextNames(fqn)).sort();
    if (typeof name !== 'string' || name === '') invalid(reporter, field, name, `must be the name of ${what}`);
    if (!names.includes(name)) {
      invalid(reporter, field, name, `must name ${what}${names.length ? `: ${names.map(n => `'${n}'`).join(', ')}` : ' (it has none)'}`);
    }
    if (declared) return declared.find(x => referenceName(fqn, x) === name);
    const key = `${fqn}/${name}`;
    if (!this.made.has(key)) this.made.set(key, this.make(fqn, name));
    return this.made.get(key);
  }

  /** The names the controller's platform context offers for the reference type `fqn`. */
  private contextNames(fqn: string): string[] {
    const ctx = this.context!;
    if (fqn === 'cdk8s-ai-platform.INodePool') return Object.keys(ctx.pools ?? {});
    if (fqn === 'cdk8s-ai-platform.LocalQueue') return Object.keys(ctx.queues?.[this.namespace ?? ''] ?? {});
    return Object.keys(ctx.priorityClasses ?? {});
  }

  private declaredAll(fqn: string): any[] {
    if (fqn === 'cdk8s-ai-platform.INodePool') return nodePoolsOf(this.scope);
    if (fqn === 'cdk8s-ai-platform.LocalQueue') {
      return all<LocalQueue>(this.lookup, c => c instanceof LocalQueue).filter(q => this.namespace === undefined || q.namespace === this.namespace);
    }
    return all<WorkloadPriorityClass>(this.lookup, c => c instanceof WorkloadPriorityClass);
  }

  /** Objects standing for the platform's, in a construct beside the workload; the objects they would emit are removed. */
  private make(fqn: string, name: string): any {
    this.holder ??= new Construct(this.scope, 'PlatformReferences');
    const ctx = this.context!;
    if (fqn === 'cdk8s-ai-platform.INodePool') return new ReferencedNodePool(this.holder, `pool-${name}`, name, ctx.pools![name]) as INodePool;
    if (fqn === 'cdk8s-ai-platform.LocalQueue') {
      const facts = ctx.queues![this.namespace!][name];
      const clusterQueue = BatchQueue.fromClusterQueueName(this.holder, `cq-${name}`, facts.clusterQueue, { integrations: facts.integrations as KueueIntegration[] });
      const q = new LocalQueue(this.holder, `queue-${name}`, { clusterQueue, namespace: this.namespace!, name });
      q.node.tryRemoveChild('Resource');
      return q;
    }
    const pc = new WorkloadPriorityClass(this.holder, `priority-${name}`, { name, value: ctx.priorityClasses![name].value });
    pc.node.tryRemoveChild('Resource');
    return pc;
  }
}
