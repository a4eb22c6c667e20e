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

  private readonly registry = new Map<string, unknown[]>();
  private checksInstalled = false;
  private readonly checks: Array<() => void> = [];

  private constructor(private readonly root: IConstruct) {}

  /** Registers `value` under `key` (e.g. a node pool under `'node-pool'`). */
  public register(key: string, value: unknown): void {
    const list = this.registry.get(key);
    if (list) list.push(value);
    else this.registry.set(key, [value]);
  }

  /** Everything registered under `key`, in declaration order. */
  public list<T>(key: string): T[] {
    return (this.registry.get(key) ?? []) as T[];
  }

  /**
   * Runs `check` at synth, once every construct of the app is declared (so its answer does not depend on the
   * declaration order). The check throws the library's ValidationError, which reaches the caller of `synth()`
   * unchanged. Checks run in the order they were added.
   */
  public check(check: () => void): void {
    this.checks.push(check);
    if (this.checksInstalled) return;
    this.checksInstalled = true;
    this.root.node.addValidation({
      validate: () => {
        for (const c of this.checks) c();
        return [];
      },
    });
  }
}

const CONTEXTS = new WeakMap<IConstruct, PlatformContext>();
