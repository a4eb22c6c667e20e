import { IConstruct } from 'constructs';

const BRAND = Symbol.for('cdk8s-ai-platform.ValidationError');

/**
 * Helpers for the errors this library throws.
 */
export class Errors {
  /**
   * Whether `x` is the library's validation error: the one error type thrown for invalid input,
   * whose message names the construct path, the field, the bad value and what is accepted.
   * (TypeScript users can also import the class: `import { ValidationError } from 'cdk8s-ai-platform/lib/core/errors'`.)
   */
  public static isValidationError(x: any): boolean {
    return x !== null && typeof x === 'object' && BRAND in x;
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

  constructor(scope: IConstruct, field: string, value: any, accepted: string) {
    const path = scope.node.path || '<root>';
    super(`[${path}] ${field}: ${describeValue(value)} is not valid; ${accepted}`);
    Object.defineProperty(this, BRAND, { value: true });
    this.name = 'ValidationError';
    this.constructPath = path;
    this.field = field;
    this.accepted = accepted;
  }
}

/** Renders a bad value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value}'`;
  try {
    const s = JSON.stringify(value);
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
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    invalid(scope, field, value, max === undefined ? `must be an integer of at least ${min}` : `must be an integer from ${min} to ${max}`);
  }
}
