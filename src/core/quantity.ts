import { Size, SizeRoundingBehavior } from 'cdk8s';

/** Where a Size made by {@link Memory} keeps the quantity it was written as (a symbol shared by every copy of the library). */
const QUANTITY = Symbol.for('cdk8s-ai-platform.quantity');

/**
 * The Kubernetes quantity grammar (`k8s.io/apimachinery/pkg/api/resource`):
 * `<signedNumber><suffix>`, the number `<digits>`, `<digits>.<digits>`, `<digits>.` or `.<digits>`, the suffix a
 * binary SI suffix (`Ki` .. `Ei`), a decimal exponent (`e<signedNumber>` / `E<signedNumber>`) or a decimal SI suffix
 * (`m`, none, `k`, `M`, `G`, `T`, `P`, `E`).
 */
const GRAMMAR = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?[0-9]+)|(m|k|M|G|T|P|E))?$/;
const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
/** Exponents beyond this are out of any range the library writes (kept small so the exact arithmetic stays cheap). */
const MAX_EXPONENT = 40;

/** What accepted quantities look like, for error messages. @internal */
export const QUANTITY_ACCEPTED = 'must be a Kubernetes quantity: a number with an optional binary suffix (Ki, Mi, Gi, Ti, Pi, Ei), '
  + "decimal suffix (k, M, G, T, P, E) or exponent (e9), e.g. '10G' or '10Gi'";

/** A quantity as written and what it means. @internal */
export interface ParsedQuantity {
  /** The quantity as written. */
  readonly quantity: string;
  /** Whether it follows the Kubernetes quantity grammar. */
  readonly valid: boolean;
  /** Its value (bytes for memory and storage); NaN when not valid. */
  readonly value: number;
  /** Whether the value is a whole number. */
  readonly whole: boolean;
}

/** Parses a Kubernetes quantity exactly (decimal fractions and exponents without floating-point error). @internal */
export function parseQuantity(quantity: string): ParsedQuantity {
  const m = typeof quantity === 'string' ? GRAMMAR.exec(quantity) : null;
  if (!m) return { quantity, valid: false, value: NaN, whole: false };
  const [, sign, number, binary, exponent, decimal] = m;
  const [int, frac = ''] = number.split('.');
  let numerator = BigInt(`${int || '0'}${frac}` || '0');
  let denominator = 10n ** BigInt(frac.length);
  let exp10 = 0;
  if (binary) numerator *= 1024n ** BigInt(BINARY[binary]);
  if (exponent !== undefined) exp10 = Number(exponent);
  if (decimal) exp10 = DECIMAL[decimal];
  if (Math.abs(exp10) > MAX_EXPONENT) {
    const value = numerator === 0n ? 0 : (exp10 > 0 ? Infinity : 0);
    return { quantity, valid: true, value: sign === '-' && value !== 0 ? -value : value, whole: exp10 > 0 || numerator === 0n };
  }
  if (exp10 >= 0) numerator *= 10n ** BigInt(exp10);
  else denominator *= 10n ** BigInt(-exp10);
  const whole = numerator % denominator === 0n;
  const magnitude = whole ? Number(numerator / denominator) : Number(numerator) / Number(denominator);
  return { quantity, valid: true, value: sign === '-' ? -magnitude : magnitude, whole };
}

/** The quantity a Size was made from by {@link Memory}, if it was. @internal */
export function quantityOf(size: unknown): ParsedQuantity | undefined {
  if (size === null || typeof size !== 'object') return undefined;
  return (size as any)[QUANTITY];
}

/**
 * A byte quantity (memory, ephemeral storage, volume size) in Kubernetes quantity syntax: as written when the Size
 * was made by {@link Memory}, else in the largest binary unit that keeps it whole (`Gi`, `Mi`, `Ki`, bytes).
 * @internal
 */
export function renderByteQuantity(size: Size): string {
  const q = quantityOf(size);
  if (q) return q.quantity;
  const k = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (k % (1024 * 1024) === 0) return `${k / 1024 / 1024}Gi`;
  if (k % 1024 === 0) return `${k / 1024}Mi`;
  if (Number.isInteger(k)) return `${k}Ki`;
  return `${Math.ceil(k * 1024)}`;
}

/**
 * Memory and storage amounts in Kubernetes quantity syntax, decimal (`10G`, the unit of the Kubeflow SDK's
 * `"memory": "10G"`) as well as binary (`10Gi`).
 *
 * The factories return a cdk8s `Size`, so every prop of this library that takes a `Size` (container memory,
 * ephemeral storage, volume sizes) takes them, and the library writes them exactly as they were given:
 * `Memory.gigabytes(10)` is written `10G` (10,000,000,000 bytes), `Memory.gibibytes(10)` `10Gi`
 * (10,737,418,240 bytes), `Memory.of('1500M')` `1500M`. A Size made with cdk8s's own factories
 * (`Size.gibibytes(10)`) is still written in binary units (`10Gi`). Comparisons (a limit below its request) use the
 * exact number of bytes whichever way the amounts are written.
 *
 * A quantity that does not follow the Kubernetes grammar, is negative, is not a whole number of bytes or is above
 * 8 EiB is reported (as the library's ValidationError naming the construct and prop) when the construct that takes it
 * checks its props.
 */
export class Memory {
  /**
   * The Kubernetes quantity grammar as a regular expression (for schemas of custom resources that hold quantities);
   * {@link Memory.isQuantity} tests a string against it.
   */
  public static readonly QUANTITY_PATTERN = GRAMMAR.source;

  /**
   * Parses a Kubernetes quantity (`'10G'`, `'10Gi'`, `'1.5T'`, `'512Mi'`, `'1e9'`); the library writes it as given.
   * @param quantity a quantity: a number with an optional binary suffix (Ki, Mi, Gi, Ti, Pi, Ei), decimal suffix
   * (k, M, G, T, P, E) or exponent
   */
  public static of(quantity: string): Size {
    const parsed = parseQuantity(quantity);
    const kib = parsed.valid && parsed.value >= 0 ? parsed.value / 1024 : NaN;
    const size = Size.kibibytes(kib);
    Object.defineProperty(size, QUANTITY, { value: parsed, enumerable: false });
    return size;
  }

  /** An amount of bytes, written without a suffix (`Memory.bytes(1000)` is `1000`). */
  public static bytes(amount: number): Size {
    return Memory.of(numberText(amount));
  }

  /** Kilobytes, 1000 bytes (`k`). */
  public static kilobytes(amount: number): Size {
    return Memory.of(`${numberText(amount)}k`);
  }

  /** Megabytes, 1000^2 bytes (`M`). */
  public static megabytes(amount: number): Size {
    return Memory.of(`${numberText(amount)}M`);
  }

  /** Gigabytes, 1000^3 bytes (`G`): `Memory.gigabytes(10)` is the Kubeflow SDK's `"10G"`. */
  public static gigabytes(amount: number): Size {
    return Memory.of(`${numberText(amount)}G`);
  }

  /** Terabytes, 1000^4 bytes (`T`). */
  public static terabytes(amount: number): Size {
    return Memory.of(`${numberText(amount)}T`);
  }

  /** Petabytes, 1000^5 bytes (`P`). */
  public static petabytes(amount: number): Size {
    return Memory.of(`${numberText(amount)}P`);
  }

  /** Kibibytes, 1024 bytes (`Ki`). */
  public static kibibytes(amount: number): Size {
    return Memory.of(`${numberText(amount)}Ki`);
  }

  /** Mebibytes, 1024^2 bytes (`Mi`). */
  public static mebibytes(amount: number): Size {
    return Memory.of(`${numberText(amount)}Mi`);
  }

  /** Gibibytes, 1024^3 bytes (`Gi`). */
  public static gibibytes(amount: number): Size {
    return Memory.of(`${numberText(amount)}Gi`);
  }

  /** Tebibytes, 1024^4 bytes (`Ti`). */
  public static tebibytes(amount: number): Size {
    return Memory.of(`${numberText(amount)}Ti`);
  }

  /** Pebibytes, 1024^5 bytes (`Pi`). */
  public static pebibytes(amount: number): Size {
    return Memory.of(`${numberText(amount)}Pi`);
  }

  /**
   * The quantity string the library writes for a size: as given for a Size made here (`'10G'`), else in binary
   * units (`Size.gibibytes(10)` is `'10Gi'`, `Size.mebibytes(1536)` is `'1536Mi'`). `Memory.of(Memory.quantity(s))`
   * is written the same as `s`.
   */
  public static quantity(size: Size): string {
    return renderByteQuantity(size);
  }

  /** Whether a string follows the Kubernetes quantity grammar (any sign, fraction or size). */
  public static isQuantity(quantity: string): boolean {
    return parseQuantity(quantity).valid;
  }

  private constructor() {}
}

/** A number as written in a quantity (`10`, `1.5`); NaN, infinities and huge numbers give text the grammar refuses or the range checks report. */
function numberText(amount: number): string {
  return typeof amount === 'number' ? String(amount) : `${amount}`;
}
