import { IConstruct } from 'constructs';

/**
 * What one app knows about its platform: the node pools, device plugins, operator settings, runtimes and
 * queues declared in it, indexed as they are constructed, so that cross-resource checks never scan the construct
 * tree and give the same answer whatever the declaration order.
 *
 * There is one context per construct tree (per App, or per private app of a rendered-in-isolation workload).
 * Constructs register themselves under a key when constructed; checks that involve two constructs run at synth
 * (see {@link PlatformContext.check}), when every construct of the app has been declared.
 *
 * @internal
 */
export class PlatformContext {
  /** The context of `scope`'s construct tree (created on first use). */
  public static of(scope: IConstruct): PlatformContext {
    const root = scope.node.root;
    let ctx = CONTEXTS.get(root);
    if (!ctx) {
      ctx = new PlatformContext(root);
      CONTEXTS.set(root, ctx);
    }
    return ctx;
  }

  /**
   * Records a change that may alter the outcome of a check (a registration, a check added, a pod template or
   * placement changed): the next validation runs every check again.
   */
  public static touch(): void {
    mutations++;
  }

  /**
   * Whether the app's cross-resource checks are running (what a check renders can be reused by the serialization
   * that follows in the same synth, see {@link PlatformContext.synthPass}).
   */
  public static get checking(): boolean {
    return checking > 0;
  }

  /**
   * Identifies the current synth pass: two calls return equal keys (see {@link PlatformContext.samePass}) while
   * nothing changed (no {@link PlatformContext.touch}) and within one tick of the event loop, as one
   * `app.synth()` runs.
   */
  public static synthPass(): SynthPass {
    if (!tick) {
      const t = (tick = {});
      queueMicrotask(() => {
        if (tick === t) tick = undefined;
      });
    }
    return { mutations, tick };
  }

  /** Whether `pass` (from {@link PlatformContext.synthPass}) is still the current synth pass. */
  public static samePass(pass: SynthPass): boolean {
    return pass.mutations === mutations && pass.tick === tick;
  }

  private readonly registry = new Map<string, unknown[]>();
  private parent?: PlatformContext;
  private checksInstalled = false;
  private passedAt = -1;
  private passedInThisTick = false;
  private readonly checks: Array<() => void> = [];

  private constructor(private readonly root: IConstruct) {}

  /** Registers `value` under `key` (e.g. a node pool under `'node-pool'`). */
  public register(key: string, value: unknown): void {
    PlatformContext.touch();
    const list = this.registry.get(key);
    if (list) list.push(value);
    else this.registry.set(key, [value]);
  }

  /**
   * Everything registered under `key`, in declaration order: first what the platform this tree renders for
   * registered (see {@link PlatformContext.renderFor}), then this tree's own.
   */
  public list<T>(key: string): T[] {
    const own = (this.registry.get(key) ?? []) as T[];
    return this.parent ? [...this.parent.list<T>(key), ...own] : own;
  }

  /**
   * Makes this tree (a private app that renders one workload in isolation) see what the app of `platform`
   * registered — its operator installs, KServe and Katib configuration, node pools, runtimes — so that the workload
   * renders as it would inside that app. Checks registered here still run here.
   */
  public renderFor(platform: IConstruct): void {
    const parent = PlatformContext.of(platform);
    for (let p: PlatformContext | undefined = parent; p; p = p.parent) {
      if (p === this) throw new Error('a construct tree cannot render for itself');
    }
    this.parent = parent;
  }

  /**
   * Runs `check` at synth, once every construct of the app is declared (so its answer does not depend on the
   * declaration order). The check throws the library's ValidationError, which reaches the caller of `synth()`
   * unchanged. Checks run in the order they were added.
   */
  public check(check: () => void): void {
    PlatformContext.touch();
    this.checks.push(check);
    if (this.checksInstalled) return;
    this.checksInstalled = true;
    this.root.node.addValidation({
      validate: () => {
        // cdk8s validates the whole app again for every chart it serializes: within one synth (the same tick, nothing
        // changed since the checks last passed) they are not run again, which keeps synthesis linear in the app's size
        if (this.passedAt === mutations && this.passedInThisTick) return [];
        checking++;
        try {
          for (const c of this.checks) c();
        } finally {
          checking--;
        }
        this.passedAt = mutations;
        this.passedInThisTick = true;
        queueMicrotask(() => { this.passedInThisTick = false; });
        return [];
      },
    });
  }

}

/** Changes that may alter checks' outcomes, counted over the whole process (see {@link PlatformContext.touch}). */
let mutations = 0;
/** Depth of running check passes (see {@link PlatformContext.checking}). */
let checking = 0;
/** The current tick's token (see {@link PlatformContext.synthPass}). */
let tick: object | undefined;

/** A synth pass (see {@link PlatformContext.synthPass}). @internal */
export interface SynthPass {
  readonly mutations: number;
  readonly tick: object;
}

const CONTEXTS = new WeakMap<IConstruct, PlatformContext>();
