import { ApiObject, ApiObjectProps, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkProps, WORKLOAD_RULES } from './checks';
import { PlatformContext, SynthPass } from './context';
import { invalid } from './errors';
import { ResourceNames } from './names';
import { INodePool, PlaceOptions } from './node-pool';
import { PodTemplate } from './pod-template';
import { PodSecurityOptions } from './security';
import { StatusContract, WorkloadStatus } from './status-contract';

const WORKLOAD = Symbol.for('cdk8s-ai-platform.Workload');

/** Registry key of node pools in the {@link PlatformContext}. @internal */
export const NODE_POOLS = 'node-pool';
/** Registry key of workloads in the {@link PlatformContext}. @internal */
export const WORKLOADS = 'workload';

/**
 * Metadata of a workload's primary object: one shape for every workload construct.
 */
export interface WorkloadMetadataProps {
  /**
   * Name of the workload's primary object.
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Namespace of the workload's objects.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Labels of the primary object.
   * @default {}
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the primary object.
   * @default {}
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * Pod-level options every workload construct takes for its pods: one shape, one name per concept.
 */
export interface WorkloadPodOptions {
  /**
   * Pod security. Pods meet the restricted Pod Security Standard unless this opts out (with a reason).
   * @default - restricted
   */
  readonly security?: PodSecurityOptions;
  /**
   * Service account the pods run as.
   * @default - the workload's default (the namespace's `default` account without an API token, unless the
   * workload creates its own)
   */
  readonly serviceAccountName?: string;
  /**
   * Secrets used to pull the images.
   * @default []
   */
  readonly imagePullSecrets?: string[];
  /**
   * Mount memory-backed shared memory at `/dev/shm` in the main containers.
   * @default - the workload's default (on for distributed training frameworks that need it)
   */
  readonly sharedMemory?: boolean;
  /**
   * Node pool the pods run on (node selector, tolerations and, for run-to-completion pods,
   * `karpenter.sh/do-not-disrupt`). The pool must offer the pods' accelerators (checked at synth).
   * @default - none; pods requesting accelerators are an error at synth when the app declares node pools
   */
  readonly pool?: INodePool;
  /**
   * Labels of the pods.
   * @default {}
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Annotations of the pods.
   * @default {}
   */
  readonly podAnnotations?: { [key: string]: string };
}

/**
 * A workload's objects as they are synthesized: the primary object and its supporting objects.
 */
export interface RenderedWorkload {
  /** The primary object (the one whose status tells the workload's state), as JSON. */
  readonly primary: any;
  /** The supporting objects (ServiceAccounts, Roles, claims, ConfigMaps...), as JSON, in declaration order. */
  readonly supporting: any[];
}

/**
 * A workload of the library: one primary object that an operator acts on, its supporting objects, how its
 * state is read, and its pods.
 *
 * Every workload construct implements it (through {@link WorkloadBase}); Katib trials, pipeline steps and the
 * runtime controller take any `IWorkload`.
 */
export interface IWorkload extends IConstruct {
  /** Name of the primary object. */
  readonly name: string;
  /**
   * Namespace of the workload's objects, when known (from the props or the chart).
   */
  readonly namespace?: string;
  /** The primary object. */
  readonly apiObject: ApiObject;
  /** Supporting objects the workload emits beside the primary object. */
  readonly supportingObjects: ApiObject[];
  /** How the primary object's state is read. */
  readonly statusContract: StatusContract;
  /** The status contract together with the object it applies to. */
  readonly status: WorkloadStatus;
  /**
   * The workload's pod templates (empty for workloads whose pods the operator builds entirely). They are
   * rendered at synth: changes through their methods (e.g. `placement`) after construction count.
   */
  readonly podTemplates: PodTemplate[];
  /**
   * Name of the container that runs the workload's own code in its main pods (e.g. `pytorch`, `node`,
   * `kserve-container`, `spark-kubernetes-driver`): where Katib collects metrics and trial parameters go.
   */
  readonly primaryContainerName: string;
  /** Renders the workload's objects as they are synthesized (throws the library's validation error). */
  render(): RenderedWorkload;
}

/** Options of the {@link WorkloadBase} constructor. */
export interface WorkloadBaseProps extends WorkloadMetadataProps {
  /**
   * Longest name the primary object may have (a default name is shortened to fit).
   * @default 63
   */
  readonly maxNameLength?: number;
}

/**
 * The base of every workload construct: name and namespace, the primary object created as the `Resource` child
 * (so `node.defaultChild` is the primary object), supporting objects, status, and the rendering model —
 * **validate eagerly, render lazily**: a subclass checks its props in its constructor (so mistakes fail where the
 * workload is declared), and its primary object's spec is produced by {@link WorkloadBase.renderSpec} at synth, so
 * documented mutators called after construction count. Checks that involve other constructs run at synth, whatever
 * the declaration order.
 */
export abstract class WorkloadBase extends Construct implements IWorkload {
  /** Whether `x` is a workload of this library. */
  public static isWorkload(x: any): boolean {
    return x !== null && typeof x === 'object' && WORKLOAD in x;
  }

  public readonly name: string;
  public readonly namespace?: string;
  public abstract readonly apiObject: ApiObject;
  public abstract readonly statusContract: StatusContract;
  public abstract readonly podTemplates: PodTemplate[];
  public abstract readonly primaryContainerName: string;

  /** Metadata of the primary object (as given). */
  protected readonly metadataProps: WorkloadMetadataProps;
  private cachedSpec: { spec: any } | undefined;
  /** The spec rendered at construction (see `_renderAndKeepSpec`), with the pod templates' revision then. */
  private keptSpec: { spec: any; revision: number } | undefined;

  constructor(scope: Construct, id: string, props: WorkloadBaseProps = {}) {
    super(scope, id);
    Object.defineProperty(this, WORKLOAD, { value: true });
    // every workload's metadata props, also from callers that pass null or values of the wrong type (JS, jsii)
    const { name, namespace, labels, annotations } = WORKLOAD_RULES;
    checkProps(this, props ?? {}, { name, namespace, labels, annotations });
    props = props ?? {};
    this.metadataProps = props;
    this.name = props.name ?? ResourceNames.uniqueLabel(this, props.maxNameLength);
    this.namespace = props.namespace ?? Chart.of(this).namespace;
  }

  public get supportingObjects(): ApiObject[] {
    const primary = this.apiObject;
    return this.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && c !== primary);
  }

  public get status(): WorkloadStatus {
    return { contract: this.statusContract, name: this.name, namespace: this.apiObject.metadata.namespace ?? this.namespace };
  }

  public render(): RenderedWorkload {
    return { primary: this.apiObject.toJson(), supporting: this.supportingObjects.map(o => o.toJson()) };
  }

  /**
   * Creates the primary object as the `Resource` child, with this workload's name, namespace, labels and
   * annotations and a spec rendered at synth by {@link WorkloadBase.renderSpec}.
   * @param apiVersion API version of the primary object
   * @param kind kind of the primary object
   * @param annotations annotations added to the user's (e.g. a recorded Pod Security opt-out)
   */
  protected createApiObject(apiVersion: string, kind: string, annotations?: { [key: string]: string }): ApiObject {
    const m = this.metadataProps;
    const merged = { ...(m.annotations ?? {}), ...(annotations ?? {}) };
    // registered once the workload has its primary object (a constructor that threw leaves nothing to check)
    const context = PlatformContext.of(this);
    context.register(WORKLOADS, this);
    context.check(() => this.checkMountNamespaces());
    return new WorkloadApiObject(this, 'Resource', {
      apiVersion,
      kind,
      metadata: {
        name: this.name,
        namespace: m.namespace,
        labels: m.labels && Object.keys(m.labels).length ? { ...m.labels } : undefined,
        annotations: Object.keys(merged).length ? merged : undefined,
      },
      spec: Lazy.any({ produce: () => this.takeSpec() }),
    }, () => {
      this.cachedSpec = { spec: this.currentSpec() };
    });
  }

  /**
   * Renders the spec now (a workload that validates eagerly does so in its constructor, so that mistakes fail where
   * it is declared) and keeps it: the first synth uses it when nothing it read has changed. What a spec reads that can
   * change after construction is the pod templates and their placements, which count their changes; the props are
   * not changed after construction.
   * @internal
   */
  protected _renderAndKeepSpec(render: () => any): any {
    const revision = this.templatesRevision();
    const spec = render();
    this.keptSpec = { spec, revision };
    return spec;
  }

  /**
   * Renders the primary object's spec from the props and the current state of the pod templates. Called at
   * synth (and by {@link WorkloadBase.render}); it must not emit constructs.
   */
  protected abstract renderSpec(): any;

  /** Pods cannot mount a claim of another namespace (e.g. a Fluid dataset's PVC). */
  private checkMountNamespaces(): void {
    const namespace = this.apiObject.metadata.namespace ?? this.namespace;
    if (namespace === undefined) return;
    for (const template of this.podTemplates) {
      for (const { mount, field } of template._volumeMountFields()) {
        const origin = mount.volume?._origin;
        if (origin === undefined || origin.namespace === namespace) continue;
        invalid(this, field, mount.volume.name,
          `${origin.description} is in namespace '${origin.namespace}' and its PersistentVolumeClaim can be mounted only by pods of that namespace, not '${namespace}'`);
      }
    }
  }

  private takeSpec(): any {
    const cached = this.cachedSpec;
    this.cachedSpec = undefined;
    return cached ? cached.spec : this.currentSpec();
  }

  /**
   * The spec kept by `_renderAndKeepSpec` when the pod templates have not changed since, else a new rendering. The
   * kept spec is handed on once (and no longer held): an app synthesizes once, and what the construct tree holds
   * until then is what its peak memory is made of.
   */
  private currentSpec(): any {
    const kept = this.keptSpec;
    this.keptSpec = undefined;
    if (kept && kept.revision === this.templatesRevision()) return kept.spec;
    return this.renderSpec();
  }

  /** The sum of the pod templates' revisions: it grows with any change to any of them. */
  private templatesRevision(): number {
    let revision = 0;
    for (const t of this.podTemplates) revision += t._revision;
    return revision;
  }
}

/**
 * A workload's primary object: it renders the workload's spec when it is serialized, before cdk8s's own
 * serialization (which wraps any error in a plain `Error`), so that an invalid change made after construction fails
 * with the library's ValidationError — once per serialization. (Rendering in a construct validation instead would
 * render every workload once per chart: cdk8s validates the whole app again for each chart it serializes.)
 */
class WorkloadApiObject extends ApiObject {
  /** The JSON a cross-resource check rendered (e.g. a queue's demand check), for the serialization of the same synth. */
  private fromChecks?: { json: any; pass: SynthPass };

  constructor(scope: Construct, id: string, props: ApiObjectProps, private readonly prepare: () => void) {
    super(scope, id, props);
  }

  public toJson(): any {
    // A check that reads this object at synth and the serialization right after it render it once: the check's JSON
    // is handed to the next serialization of the same synth pass (nothing changed, same tick), once.
    const memo = this.fromChecks;
    this.fromChecks = undefined;
    if (memo && PlatformContext.samePass(memo.pass)) return memo.json;
    this.prepare();
    const json = super.toJson();
    if (PlatformContext.checking) this.fromChecks = { json, pass: PlatformContext.synthPass() };
    return json;
  }
}

/** Node pools declared in the app of `scope` (registered by the pools, no tree scan). */
export function nodePoolsOf(scope: IConstruct): INodePool[] {
  return PlatformContext.of(scope).list<INodePool>(NODE_POOLS);
}

/**
 * Places a workload's pod template: on `pool` when given (the pool checks at synth that it can serve the pods'
 * accelerators). Without a pool, the workload gets a synth-time check: when its pods request accelerators and the
 * app declares node pools, not choosing one is an error that names the pools able to serve them. Both checks run
 * when the whole app is declared, so the declaration order of pools, device plugins and workloads does not matter.
 * @param field the user-facing name of the pool prop (e.g. `pool`, `driver.pool`)
 * @internal
 */
export function placeWorkload(
  workload: IConstruct, field: string, template: PodTemplate, pool: INodePool | undefined, options: PlaceOptions = {},
): void {
  if (pool) {
    pool.place(workload, template, options);
    return;
  }
  PlatformContext.of(workload).check(() => {
    const accelerators = template.accelerators;
    if (accelerators.length === 0) return;
    const pools = nodePoolsOf(workload);
    if (pools.length === 0) return; // nodes managed outside this app
    const serving = pools.filter(p => p.canServe(template)).map(p => `'${p.poolName}'`);
    const wanted = accelerators.map(a => `${a.count} ${a.resourceName}${a.product ? ` (${a.product})` : ''}`).join(', ');
    invalid(workload, field, undefined, serving.length
      ? `the pods request ${wanted} but are placed on no node pool; pass one of ${serving.join(', ')}`
      : `the pods request ${wanted} but no node pool in this app can serve it (pools: ${pools.map(p => `'${p.poolName}'`).join(', ')})`);
  });
}
