/**
 * How each value made by a static factory of the library was made (`Accelerator.nvidia({ count: 1 })`), so that a
 * workload's `toSpec()` can write its props back as JSON (`{"nvidia": {"count": 1}}`).
 *
 * The library's index wraps the public static methods of every exported class once, when it loads: a call records
 * its class, method name and arguments in a WeakMap keyed by the object it returns — nothing else (no jsii assembly is
 * read; `toSpec()` interprets the records with it). The jsii runtime calls static methods by name on the class, so
 * values made from Python, Java, Go or .NET are recorded too. Values made before the index loaded (the classes' own
 * static constants) have no record.
 * @internal
 */

/** One recorded factory call. @internal */
export interface FactoryCall {
  /** the class whose static method made the value */
  readonly owner: Function;
  /** the static method's name */
  readonly factory: string;
  /** the arguments as passed */
  readonly args: any[];
}

const calls = new WeakMap<object, FactoryCall>();
const WRAPPED = Symbol.for('cdk8s-ai-platform.recordsFactoryCalls');
const SKIP = new Set(['length', 'name', 'prototype', 'arguments', 'caller']);

/** How `value` was made, when a static factory of the library made it. @internal */
export function factoryCallOf(value: unknown): FactoryCall | undefined {
  return value !== null && typeof value === 'object' ? calls.get(value) : undefined;
}

function isClass(v: unknown): v is Function {
  return typeof v === 'function' && Object.prototype.hasOwnProperty.call(v, 'prototype')
    && /^class\b/.test(Function.prototype.toString.call(v));
}

/**
 * Wraps the public static methods of the classes exported by `modules` so that each call records how the object it
 * returns was made. Idempotent per class. @internal
 */
export function recordFactoryCalls(modules: object[]): void {
  const seen = new Set<Function>();
  for (const mod of modules) {
    for (const key of Object.keys(mod)) {
      const cls = (mod as any)[key];
      if (!isClass(cls) || seen.has(cls)) continue;
      seen.add(cls);
      if (Object.prototype.hasOwnProperty.call(cls, WRAPPED)) continue;
      Object.defineProperty(cls, WRAPPED, { value: true });
      for (const name of Object.getOwnPropertyNames(cls)) {
        if (SKIP.has(name) || name.startsWith('_')) continue;
        const d = Object.getOwnPropertyDescriptor(cls, name)!;
        const original = d.value;
        if (typeof original !== 'function' || !d.writable || isClass(original)) continue;
        const wrapped = function (this: any, ...args: any[]) {
          const result = original.apply(this, args);
          if (result !== null && typeof result === 'object') calls.set(result, { owner: cls, factory: name, args });
          return result;
        };
        Object.defineProperty(wrapped, 'name', { value: name });
        Object.defineProperty(wrapped, 'length', { value: original.length });
        Object.defineProperty(cls, name, { ...d, value: wrapped });
      }
    }
  }
}
