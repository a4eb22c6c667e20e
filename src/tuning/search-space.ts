import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

/** Katib's parameter types (`spec.parameters[].parameterType`). */
export enum SearchParameterType {
  /** A real number in [min, max]. */
  DOUBLE = 'double',
  /** An integer in [min, max]. */
  INTEGER = 'int',
  /** One of a list of numbers. */
  DISCRETE = 'discrete',
  /** One of a list of strings. */
  CATEGORICAL = 'categorical',
}

/**
 * How a continuous parameter is sampled (`feasibleSpace.distribution`). Katib v0.19.0's Hyperopt service (random,
 * TPE) honours all four; its Optuna service (multivariate TPE) honours uniform and log-uniform; the other
 * algorithms sample uniformly whatever is set, so the library accepts a non-uniform distribution only with an
 * algorithm that honours it.
 */
export enum ParameterDistribution {
  /** Uniform between min and max (Katib's default). */
  UNIFORM = 'uniform',
  /** Uniform on the logarithm (min must be above 0): for learning rates and other scale parameters. */
  LOG_UNIFORM = 'logUniform',
  /** Normal, centred between min and max with sigma (max - min) / 6 (random and TPE only). */
  NORMAL = 'normal',
  /** Log-normal, the same on the logarithm (min must be above 0; random and TPE only). */
  LOG_NORMAL = 'logNormal',
}

/** Options shared by every search parameter. */
export interface SearchParameterOptions {
  /**
   * Name of the trial parameter that carries the value into the trial (`${trialParameters.<name>}`).
   * @default - the search parameter's name
   */
  readonly trialParameterName?: string;
  /**
   * Description of the trial parameter (`trialParameters[].description`).
   * @default - none
   */
  readonly description?: string;
}

/** A continuous range (double or integer). */
export interface RangeOptions extends SearchParameterOptions {
  /** Lowest value. */
  readonly min: number;
  /** Highest value (above `min`). */
  readonly max: number;
  /**
   * Step between values: the space becomes a grid `min, min + step, ...` (needed for a double parameter searched
   * by grid search).
   * @default - continuous (integers: 1)
   */
  readonly step?: number;
  /**
   * How values are sampled.
   * @default ParameterDistribution.UNIFORM
   */
  readonly distribution?: ParameterDistribution;
}

/** Matches `${trialParameters.<name>}` placeholders (Katib's `TrialTemplateParamReplaceFormatRegex`). @internal */
export const PLACEHOLDER = /\$\{trialParameters\.(.+?)\}/g;
/** Valid trial parameter names (Katib forbids `{` and `}`; the library keeps names plain). */
const TRIAL_PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** Valid search parameter names (they become suggestion assignment names). */
const SEARCH_PARAMETER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * One dimension of the search space (`spec.parameters[]`), and the trial parameter that carries its value into
 * each trial: put {@link SearchParameter.placeholder} into the trial workload's args, env or any string prop.
 *
 * ```ts
 * const lr = SearchParameter.double('lr', { min: 0.01, max: 0.05 });
 * args: [`--lr=${lr.placeholder}`]
 * ```
 */
export class SearchParameter {
  /** A real number in [min, max]. */
  public static double(name: string, options: RangeOptions): SearchParameter {
    return new SearchParameter(name, SearchParameterType.DOUBLE, options, undefined);
  }

  /** An integer in [min, max]. */
  public static integer(name: string, options: RangeOptions): SearchParameter {
    return new SearchParameter(name, SearchParameterType.INTEGER, options, undefined);
  }

  /** One of a list of strings. */
  public static categorical(name: string, values: string[], options: SearchParameterOptions = {}): SearchParameter {
    return new SearchParameter(name, SearchParameterType.CATEGORICAL, options, values);
  }

  /** One of a list of numbers. */
  public static discrete(name: string, values: number[], options: SearchParameterOptions = {}): SearchParameter {
    return new SearchParameter(name, SearchParameterType.DISCRETE, options, values);
  }

  /** Name of the search parameter (`spec.parameters[].name`). */
  public readonly name: string;
  /** Its type. */
  public readonly parameterType: SearchParameterType;
  /** Name of the trial parameter that carries its value. */
  public readonly trialParameterName: string;
  /** Description of the trial parameter. */
  public readonly description?: string;
  /** Lowest value of a range. */
  public readonly min?: number;
  /** Highest value of a range. */
  public readonly max?: number;
  /** Step of a range. */
  public readonly step?: number;
  /** Distribution of a range. */
  public readonly distribution?: ParameterDistribution;
  /** Values of a categorical or discrete parameter. */
  public readonly values?: string[];
  private readonly rawValues?: Array<string | number>;

  private constructor(
    name: string, type: SearchParameterType, options: SearchParameterOptions & Partial<RangeOptions>, values: Array<string | number> | undefined,
  ) {
    this.name = name;
    this.parameterType = type;
    this.trialParameterName = options.trialParameterName ?? name;
    this.description = options.description;
    this.min = options.min;
    this.max = options.max;
    this.step = options.step;
    this.distribution = options.distribution;
    this.values = values?.map(v => (typeof v === 'number' ? numberString(v) : v));
    this.rawValues = values;
  }

  /** The string to put where the trial should receive this parameter's value: `${trialParameters.<name>}`. */
  public get placeholder(): string {
    return `\${trialParameters.${this.trialParameterName}}`;
  }

  /** Whether the parameter is a range (double or integer). */
  public get isRange(): boolean {
    return this.parameterType === SearchParameterType.DOUBLE || this.parameterType === SearchParameterType.INTEGER;
  }

  /** Number of values of a grid over this parameter, or undefined when it is continuous. @internal */
  public _gridSize(): number | undefined {
    if (!this.isRange) return this.values!.length;
    const step = this.step ?? (this.parameterType === SearchParameterType.INTEGER ? 1 : undefined);
    if (step === undefined) return undefined;
    return Math.floor((this.max! - this.min!) / step + 1e-9) + 1;
  }

  /** Checks the parameter; `field` is where the user passed it (e.g. `parameters[0]`). @internal */
  public _validate(scope: IConstruct, field: string): void {
    if (typeof this.name !== 'string' || !SEARCH_PARAMETER_NAME.test(this.name)) {
      invalid(scope, `${field}.name`, this.name, 'must be letters, digits, \'_\', \'.\' or \'-\' (e.g. \'lr\' or \'num-epochs\')');
    }
    if (typeof this.trialParameterName !== 'string' || !TRIAL_PARAMETER_NAME.test(this.trialParameterName)) {
      invalid(scope, `${field}.trialParameterName`, this.trialParameterName,
        'must start with a letter or \'_\' and contain letters, digits, \'_\', \'.\' or \'-\' (it is written as ${trialParameters.<name>})');
    }
    if (this.isRange) {
      const integer = this.parameterType === SearchParameterType.INTEGER;
      for (const key of ['min', 'max'] as const) {
        const v = this[key];
        if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
          invalid(scope, `${field}.${key}`, v, integer ? 'must be an integer' : 'must be a finite number');
        }
      }
      if (this.min! >= this.max!) {
        invalid(scope, `${field}.min`, this.min, `must be below max (${numberString(this.max!)})`);
      }
      if (this.step !== undefined) {
        const s = this.step;
        if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0 || (integer && !Number.isInteger(s))) {
          invalid(scope, `${field}.step`, s, integer ? 'must be an integer of at least 1' : 'must be a number above 0');
        }
        if (s > this.max! - this.min!) {
          invalid(scope, `${field}.step`, s, `must not exceed max - min (${numberString(this.max! - this.min!)})`);
        }
      }
      const d = this.distribution;
      if (d !== undefined && !Object.values(ParameterDistribution).includes(d)) {
        invalid(scope, `${field}.distribution`, d, `must be one of ${Object.values(ParameterDistribution).join(', ')}`);
      }
      if ((d === ParameterDistribution.LOG_UNIFORM || d === ParameterDistribution.LOG_NORMAL) && this.min! <= 0) {
        invalid(scope, `${field}.min`, this.min, `must be above 0 for the ${d} distribution (it samples the logarithm)`);
      }
    } else {
      const values = this.rawValues;
      if (!Array.isArray(values) || values.length === 0) {
        invalid(scope, `${field}.values`, values, 'must list at least one value');
      }
      const seen = new Set<string>();
      values.forEach((v, i) => {
        if (this.parameterType === SearchParameterType.DISCRETE && (typeof v !== 'number' || !Number.isFinite(v))) {
          invalid(scope, `${field}.values[${i}]`, v, 'must be a finite number');
        }
        if (this.parameterType === SearchParameterType.CATEGORICAL && (typeof v !== 'string' || v === '')) {
          invalid(scope, `${field}.values[${i}]`, v, 'must be a non-empty string');
        }
        const s = String(v);
        if (seen.has(s)) invalid(scope, `${field}.values[${i}]`, v, 'is listed twice');
        seen.add(s);
      });
    }
  }

  /** The `spec.parameters[]` entry. @internal */
  public _render(): any {
    const feasibleSpace = this.isRange
      ? {
        min: numberString(this.min!),
        max: numberString(this.max!),
        step: this.step === undefined ? undefined : numberString(this.step),
        distribution: this.distribution,
      }
      : { list: this.values };
    return { name: this.name, parameterType: this.parameterType, feasibleSpace };
  }

}

/** What a {@link TrialMetadata} parameter carries: a field of the trial's own object. */
export enum TrialMetadataField {
  /** The trial object's name (`${trialSpec.Name}`). */
  NAME = 'Name',
  /** Its namespace (`${trialSpec.Namespace}`). */
  NAMESPACE = 'Namespace',
  /** Its kind (`${trialSpec.Kind}`). */
  KIND = 'Kind',
  /** Its API version (`${trialSpec.APIVersion}`). */
  API_VERSION = 'APIVersion',
}

/**
 * A trial parameter that carries metadata of the trial's own object instead of a searched value (Katib's
 * `${trialSpec.Name}` references), e.g. the trial name for an output directory:
 *
 * ```ts
 * const trialName = TrialMetadata.field('trialName', TrialMetadataField.NAME);
 * args: [`--output=/out/${trialName.placeholder}`]
 * ```
 */
export class TrialMetadata {
  /** Name, namespace, kind or API version of the trial object. */
  public static field(trialParameterName: string, field: TrialMetadataField, description?: string): TrialMetadata {
    return new TrialMetadata(trialParameterName, `\${trialSpec.${field}}`, description, field);
  }

  /** A label of the trial object (`${trialSpec.Labels[key]}`). */
  public static label(trialParameterName: string, key: string, description?: string): TrialMetadata {
    return new TrialMetadata(trialParameterName, `\${trialSpec.Labels[${key}]}`, description, key);
  }

  /** An annotation of the trial object (`${trialSpec.Annotations[key]}`). */
  public static annotation(trialParameterName: string, key: string, description?: string): TrialMetadata {
    return new TrialMetadata(trialParameterName, `\${trialSpec.Annotations[${key}]}`, description, key);
  }

  /** Name of the trial parameter. */
  public readonly trialParameterName: string;
  /** Katib's reference (`${trialSpec.Name}`, `${trialSpec.Labels[key]}` ...). */
  public readonly reference: string;
  /** Description of the trial parameter. */
  public readonly description?: string;

  private constructor(name: string, reference: string, description: string | undefined, private readonly key: string) {
    this.trialParameterName = name;
    this.reference = reference;
    this.description = description;
  }

  /** The string to put where the trial should receive the value: `${trialParameters.<name>}`. */
  public get placeholder(): string {
    return `\${trialParameters.${this.trialParameterName}}`;
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    if (typeof this.trialParameterName !== 'string' || !TRIAL_PARAMETER_NAME.test(this.trialParameterName)) {
      invalid(scope, `${field}.trialParameterName`, this.trialParameterName,
        'must start with a letter or \'_\' and contain letters, digits, \'_\', \'.\' or \'-\' (it is written as ${trialParameters.<name>})');
    }
    if (typeof this.key !== 'string' || this.key === '' || /[[\]{}]/.test(this.key)) {
      invalid(scope, `${field}.key`, this.key, 'must be a non-empty label or annotation key without brackets or braces');
    }
  }
}

/** A number as Katib reads it (a plain decimal string, no exponent for ordinary values). @internal */
export function numberString(n: number): string {
  return String(n);
}
