import { IConstruct } from 'constructs';

const BRAND = Symbol.for('cdk8s-ai-platform.ValidationError');

/**
 * The parts of a validation error's message: `[<constructPath>] <field>: <value> is not valid; <accepted>`.
 */
export interface ValidationErrorParts {
  /** Path of the construct whose props are invalid (`<root>` for the app itself). */
  readonly constructPath: string;
  /** Path of the prop the user wrote, e.g. `predictor.env.HF_TOKEN` or `resourcesPerWorker.accelerator.count`. */
  readonly field: string;
  /** The bad value as printed in the message (strings quoted, NaN and Infinity as such). */
  readonly value: string;
  /** What the field accepts. */
  readonly accepted: string;
}

/** `[path] field: value is not valid; accepted` — the documented, stable form of every validation error's message. */
const MESSAGE = /^\[([^\]\n]*)\] ([^\n]*?): ([\s\S]*?) is not valid; ([\s\S]*)$/;

/**
 * Helpers for the errors this library throws.
 *
 * Every invalid input, including synth-time checks across constructs, raises the library's one validation error,
 * whose message has the stable form `[<construct path>] <field>: <value> is not valid; <what is accepted>`.
 * In TypeScript and JavaScript the error object is branded (`Errors.isValidationError(e)`). Python, Java and Go
 * receive only the message through jsii: they use `Errors.isValidationErrorMessage(str(e))` /
 * `Errors.parseValidationErrorMessage(...)`, which read that form.
 */
export class Errors {
  /**
   * Whether `x` is the library's validation error object (JavaScript and TypeScript; other languages receive
   * only the message, see {@link Errors.isValidationErrorMessage}).
   */
  public static isValidationError(x: any): boolean {
    return x !== null && typeof x === 'object' && BRAND in x;
  }

  /**
   * Whether `message` is the message of the library's validation error (works in every language: jsii passes
   * only an error's message to Python, Java and Go). Language runtimes may put a prefix before it (e.g. the
   * error's type); the message is looked for from the first `[`.
   */
  public static isValidationErrorMessage(message: string): boolean {
    return Errors.parseValidationErrorMessage(message) !== undefined;
  }

  /**
   * The construct path, field, value and accepted values of a validation error's message, or undefined when
   * `message` is not one.
   */
  public static parseValidationErrorMessage(message: string): ValidationErrorParts | undefined {
    if (typeof message !== 'string') return undefined;
    const start = message.indexOf('[');
    if (start < 0) return undefined;
    let text = message.slice(start);
    // Java's jsii runtime appends the JavaScript stack to the message; the stack starts by repeating the message.
    const stack = text.indexOf('\nValidationError: [');
    if (stack >= 0) text = text.slice(0, stack);
    const m = MESSAGE.exec(text.trim());
    if (!m) return undefined;
    return { constructPath: m[1], field: m[2], value: m[3], accepted: m[4] };
  }

  private constructor() {}
}

/**
 * The one error type this library throws for invalid input.
 *
 * Its message names the construct path, the field, the bad value and what is accepted:
 * `[chart/spark-pi] driver.cores: 0 is not valid; must be an integer of at least 1`.
 */
export class ValidationError extends Error {
  /** Path of the construct whose props are invalid. */
  public readonly constructPath: string;
  /** Dotted name of the offending field, e.g. `driver.cores`. */
  public readonly field: string;
  /** What the field accepts. */
  public readonly accepted: string;
  /** The bad value as printed in the message. */
  public readonly value: string;

  constructor(scope: IConstruct, field: string, value: any, accepted: string) {
    const path = scope.node.path || '<root>';
    const printed = describeValue(value);
    super(`[${path}] ${field}: ${printed} is not valid; ${accepted}`);
    Object.defineProperty(this, BRAND, { value: true });
    this.name = 'ValidationError';
    this.constructPath = path;
    this.field = field;
    this.accepted = accepted;
    this.value = printed;
  }
}

/**
 * The same error with its field renamed (e.g. a pod template's internal path mapped to the prop the user wrote).
 * Anything that is not a ValidationError is returned as it is.
 */
export function renameField(error: unknown, rename: (field: string) => string): unknown {
  if (!Errors.isValidationError(error)) return error;
  const e = error as ValidationError;
  const field = rename(e.field);
  if (field === e.field) return e;
  const renamed = Object.create(ValidationError.prototype) as ValidationError;
  const message = `[${e.constructPath}] ${field}: ${e.value} is not valid; ${e.accepted}`;
  Object.assign(renamed, { constructPath: e.constructPath, field, accepted: e.accepted, value: e.value, name: 'ValidationError', message });
  Object.defineProperty(renamed, BRAND, { value: true });
  Object.defineProperty(renamed, 'stack', { value: `ValidationError: ${message}\n${(e.stack ?? '').split('\n').slice(1).join('\n')}` });
  return renamed;
}

/** Renders a bad value for an error message (NaN, Infinity and -Infinity as such, also inside objects). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') return value.toString();
  try {
    const s = JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `__nonfinite:${v}` : v))
      .replace(/"__nonfinite:([^"]+)"/g, '$1');
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(value);
  }
}

/** Throws a {@link ValidationError}. */
export function invalid(scope: IConstruct, field: string, value: unknown, accepted: string): never {
  throw new ValidationError(scope, field, value, accepted);
}

/** Checks that `value` is an integer within [min, max]. */
export function checkInteger(scope: IConstruct, field: string, value: number | undefined, min: number, max?: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || (max !== undefined && value > max)) {
    invalid(scope, field, value, max === undefined ? `must be an integer of at least ${min}` : `must be an integer from ${min} to ${max}`);
  }
}
