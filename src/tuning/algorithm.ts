import { IConstruct } from 'constructs';
import { ParameterDistribution, SearchParameter } from './search-space';
import { checkInteger, invalid } from '../core/errors';

/** Settings of the random search (Katib's Hyperopt service). */
export interface RandomSearchOptions {
  /**
   * Seed of the random generator (`random_state`), for reproducible suggestions.
   * @default - unseeded
   */
  readonly randomState?: number;
}

/** Settings of the grid search (Katib's Optuna service). */
export interface GridSearchOptions {
  /**
   * Seed (`random_state`).
   * @default - unseeded
   */
  readonly randomState?: number;
}

/** Settings of the Tree of Parzen Estimators (Katib's Hyperopt service). */
export interface TpeOptions {
  /**
   * Fraction of trials counted as good (`gamma`), in (0, 1).
   * @default - Hyperopt's (0.25)
   */
  readonly gamma?: number;
  /**
   * Weight of the prior (`prior_weight`), above 0.
   * @default - Hyperopt's (1.0)
   */
  readonly priorWeight?: number;
  /**
   * Candidates drawn to pick the next suggestion (`n_EI_candidates`), at least 1.
   * @default - Hyperopt's (24)
   */
  readonly eiCandidates?: number;
  /**
   * Seed (`random_state`).
   * @default - unseeded
   */
  readonly randomState?: number;
}

/** Settings of the multivariate TPE (Katib's Optuna service). */
export interface MultivariateTpeOptions {
  /**
   * Random trials before the model is used (`n_startup_trials`).
   * @default - Optuna's (10)
   */
  readonly startupTrials?: number;
  /**
   * Candidates drawn to pick the next suggestion (`n_ei_candidates`).
   * @default - Optuna's (24)
   */
  readonly eiCandidates?: number;
  /**
   * Seed (`random_state`).
   * @default - unseeded
   */
  readonly randomState?: number;
}

/** Restart strategy of CMA-ES. */
export enum CmaEsRestartStrategy {
  /** No restarts. */
  NONE = 'none',
  /** IPOP-CMA-ES: restart with a larger population when the search stagnates. */
  IPOP = 'ipop',
}

/** Settings of CMA-ES (Katib's Goptuna service). It needs at least two double or integer parameters. */
export interface CmaEsOptions {
  /**
   * Initial standard deviation (`sigma`), at least 0.
   * @default - Goptuna's (a third of the smallest range)
   */
  readonly sigma?: number;
  /**
   * Restart strategy (`restart_strategy`).
   * @default CmaEsRestartStrategy.NONE
   */
  readonly restartStrategy?: CmaEsRestartStrategy;
  /**
   * Seed (`random_state`).
   * @default - unseeded
   */
  readonly randomState?: number;
}

/** Settings of the Sobol quasi-random sequence (Katib's Goptuna service). */
export interface SobolOptions {
  /**
   * Seed (`random_state`).
   * @default - unseeded
   */
  readonly randomState?: number;
}

/** Surrogate model of the Bayesian optimization (scikit-optimize `base_estimator`). */
export enum BaseEstimator {
  /** Gaussian process. */
  GAUSSIAN_PROCESS = 'GP',
  /** Random forest. */
  RANDOM_FOREST = 'RF',
  /** Extra trees. */
  EXTRA_TREES = 'ET',
  /** Gradient-boosted regression trees. */
  GRADIENT_BOOSTED_TREES = 'GBRT',
}

/** Acquisition function (scikit-optimize `acq_func`). */
export enum AcquisitionFunction {
  /** Probabilistic choice among LCB, EI and PI. */
  GP_HEDGE = 'gp_hedge',
  /** Lower confidence bound. */
  LCB = 'LCB',
  /** Expected improvement. */
  EI = 'EI',
  /** Probability of improvement. */
  PI = 'PI',
  /** Expected improvement per second. */
  EIPS = 'EIps',
  /** Probability of improvement per second. */
  PIPS = 'PIps',
}

/** How the acquisition function is minimized (scikit-optimize `acq_optimizer`). */
export enum AcquisitionOptimizer {
  /** `sampling` for tree models, `lbfgs` otherwise. */
  AUTO = 'auto',
  /** Random sampling. */
  SAMPLING = 'sampling',
  /** L-BFGS-B. */
  LBFGS = 'lbfgs',
}

/** Settings of the Bayesian optimization (Katib's scikit-optimize service). */
export interface BayesianOptimizationOptions {
  /**
   * Surrogate model.
   * @default BaseEstimator.GAUSSIAN_PROCESS
   */
  readonly baseEstimator?: BaseEstimator;
  /**
   * Random points evaluated before the model is used (`n_initial_points`).
   * @default 10
   */
  readonly initialPoints?: number;
  /**
   * Acquisition function.
   * @default AcquisitionFunction.GP_HEDGE
   */
  readonly acquisitionFunction?: AcquisitionFunction;
  /**
   * Acquisition optimizer.
   * @default AcquisitionOptimizer.AUTO
   */
  readonly acquisitionOptimizer?: AcquisitionOptimizer;
  /**
   * Seed (`random_state`).
   * @default - unseeded
   */
  readonly randomState?: number;
}

/** Settings of Hyperband (Katib's Hyperband service). */
export interface HyperbandOptions {
  /**
   * The search parameter Hyperband allocates as budget (`resource_name`), e.g. the number of epochs; it must be
   * one of the experiment's parameters, an integer or double range.
   */
  readonly resourceParameter: SearchParameter;
  /** Largest budget a trial gets (`r_l`), at least 1 (e.g. the most epochs). */
  readonly maxResource: number;
  /**
   * Factor by which each round keeps the best trials (`eta`), at least 2.
   * @default 3
   */
  readonly eta?: number;
}

/** Settings of Population Based Training (Katib's PBT service). */
export interface PbtOptions {
  /**
   * Directory where each trial reads its parent's checkpoint and writes its own (`suggestion_trial_dir`); Katib
   * mounts the suggestion's ReadWriteMany volume there in the trial's primary container.
   * @default '/var/log/katib/checkpoints/'
   */
  readonly suggestionTrialDir?: string;
  /** Trials per generation (`n_population`), at least 5. */
  readonly population: number;
  /** Fraction of the population replaced by perturbed copies of the best (`truncation_threshold`), from 0 to 1. */
  readonly truncationThreshold: number;
}

/** What an algorithm needs checked against the rest of the experiment. @internal */
export interface AlgorithmContext {
  readonly scope: IConstruct;
  readonly parameters: SearchParameter[];
  readonly parallelTrials: number;
  readonly maxTrials?: number;
}

/**
 * The search algorithm (`spec.algorithm`): one factory per algorithm Katib v0.19.0 ships, each with the settings
 * its suggestion service accepts (checked as the service checks them, at declaration) and the constraints it puts
 * on the search space and budgets (checked with the experiment).
 */
export class SearchAlgorithm {
  /** Random search (`random`). */
  public static random(options: RandomSearchOptions = {}): SearchAlgorithm {
    return new SearchAlgorithm('random', [['random_state', options.randomState, 'randomState', 'int0']], ALL_DISTRIBUTIONS);
  }

  /**
   * Grid search (`grid`): every combination of the parameters' values. Double parameters need a `step`, and
   * `maxTrialCount` must be set and at most the number of combinations.
   */
  public static grid(options: GridSearchOptions = {}): SearchAlgorithm {
    return new SearchAlgorithm('grid', [['random_state', options.randomState, 'randomState', 'int0']], []);
  }

  /** Tree of Parzen Estimators (`tpe`). */
  public static tpe(options: TpeOptions = {}): SearchAlgorithm {
    return new SearchAlgorithm('tpe', [
      ['gamma', options.gamma, 'gamma', 'open01'],
      ['prior_weight', options.priorWeight, 'priorWeight', 'positive'],
      ['n_EI_candidates', options.eiCandidates, 'eiCandidates', 'int1'],
      ['random_state', options.randomState, 'randomState', 'int0'],
    ], ALL_DISTRIBUTIONS);
  }

  /** Multivariate TPE (`multivariate-tpe`). */
  public static multivariateTpe(options: MultivariateTpeOptions = {}): SearchAlgorithm {
    return new SearchAlgorithm('multivariate-tpe', [
      ['n_startup_trials', options.startupTrials, 'startupTrials', 'int0'],
      ['n_ei_candidates', options.eiCandidates, 'eiCandidates', 'int0'],
      ['random_state', options.randomState, 'randomState', 'int0'],
    ], [ParameterDistribution.LOG_UNIFORM]);
  }

  /** CMA-ES (`cmaes`): needs at least two double or integer parameters. */
  public static cmaEs(options: CmaEsOptions = {}): SearchAlgorithm {
    return new SearchAlgorithm('cmaes', [
      ['sigma', options.sigma, 'sigma', 'nonNegative'],
      ['restart_strategy', options.restartStrategy, 'restartStrategy', Object.values(CmaEsRestartStrategy)],
      ['random_state', options.randomState, 'randomState', 'int0'],
    ], []);
  }

  /** Sobol quasi-random sequence (`sobol`). */
  public static sobol(options: SobolOptions = {}): SearchAlgorithm {
    return new SearchAlgorithm('sobol', [['random_state', options.randomState, 'randomState', 'int0']], []);
  }

  /** Bayesian optimization (`bayesianoptimization`). */
  public static bayesianOptimization(options: BayesianOptimizationOptions = {}): SearchAlgorithm {
    return new SearchAlgorithm('bayesianoptimization', [
      ['base_estimator', options.baseEstimator, 'baseEstimator', Object.values(BaseEstimator)],
      ['n_initial_points', options.initialPoints, 'initialPoints', 'int0'],
      ['acq_func', options.acquisitionFunction, 'acquisitionFunction', Object.values(AcquisitionFunction)],
      ['acq_optimizer', options.acquisitionOptimizer, 'acquisitionOptimizer', Object.values(AcquisitionOptimizer)],
      ['random_state', options.randomState, 'randomState', 'int0'],
    ], []);
  }

  /**
   * Hyperband (`hyperband`): successive halving over a budget parameter. `parallelTrialCount` must be at least
   * eta^s_max (s_max = floor(log(maxResource) / log(eta))), as Katib's Hyperband service requires.
   */
  public static hyperband(options: HyperbandOptions): SearchAlgorithm {
    const a = new SearchAlgorithm('hyperband', [
      ['r_l', options.maxResource, 'maxResource', 'atLeast1'],
      ['eta', options.eta, 'eta', 'int2'],
      ['resource_name', options.resourceParameter?.name, 'resourceParameter', 'string'],
    ], []);
    a.hyperband = options;
    return a;
  }

  /**
   * Population Based Training (`pbt`). Katib gives its suggestion a ReadWriteMany volume (katib-config's
   * `persistentVolumeClaimSpec` for `pbt`) and mounts it in each trial's primary container at
   * `suggestionTrialDir`; the trial resumes from the checkpoint it finds there.
   */
  public static pbt(options: PbtOptions): SearchAlgorithm {
    return new SearchAlgorithm('pbt', [
      ['suggestion_trial_dir', options.suggestionTrialDir ?? '/var/log/katib/checkpoints/', 'suggestionTrialDir', 'absolutePath'],
      ['n_population', options.population, 'population', 'int5'],
      ['truncation_threshold', options.truncationThreshold, 'truncationThreshold', 'closed01'],
    ], []);
  }

  /** Katib's name of the algorithm (`algorithmName`). */
  public readonly algorithmName: string;
  private hyperband?: HyperbandOptions;

  private constructor(
    name: string,
    private readonly settings: Array<[string, unknown, string, Rule]>,
    private readonly distributions: ParameterDistribution[],
  ) {
    this.algorithmName = name;
  }

  /** The settings as Katib takes them (`algorithmSettings`: name and string value). */
  public get algorithmSettings(): { [name: string]: string } {
    const out: { [name: string]: string } = {};
    for (const [name, value] of this.settings) if (value !== undefined) out[name] = String(value);
    return out;
  }

  /** Checks the settings (field `algorithm.<option>`), the search space and the budgets. @internal */
  public _validate(ctx: AlgorithmContext): void {
    const { scope } = ctx;
    for (const [, value, option, rule] of this.settings) {
      if (value === undefined) continue;
      checkSetting(scope, `algorithm.${option}`, value, rule);
    }
    ctx.parameters.forEach((p, i) => {
      const d = p.distribution;
      if (d !== undefined && d !== ParameterDistribution.UNIFORM && !this.distributions.includes(d)) {
        const honour = ['random', 'tpe', 'multivariate-tpe'].filter(n => n !== 'multivariate-tpe' || d === ParameterDistribution.LOG_UNIFORM);
        invalid(scope, `parameters[${i}].distribution`, d, `Katib's ${this.algorithmName} service samples uniformly and ignores it; `
          + `use a uniform distribution or an algorithm that honours ${d} (${honour.join(', ')})`);
      }
    });
    const continuous = ctx.parameters.filter(p => p.isRange).length;
    switch (this.algorithmName) {
      case 'grid': {
        let combinations = 1;
        ctx.parameters.forEach((p, i) => {
          const n = p._gridSize();
          if (n === undefined) {
            invalid(scope, `parameters[${i}].step`, undefined, 'grid search needs a step on every double parameter (the grid is min, min + step, ... max)');
          }
          combinations *= n;
        });
        if (ctx.maxTrials === undefined) {
          invalid(scope, 'maxTrialCount', undefined, `grid search needs a trial budget (Katib's grid service compares it with the ${combinations} combinations)`);
        }
        if (ctx.maxTrials > combinations) {
          invalid(scope, 'maxTrialCount', ctx.maxTrials, `must be at most the ${combinations} combinations of the grid`);
        }
        break;
      }
      case 'cmaes':
        if (continuous < 2) {
          invalid(scope, 'parameters', ctx.parameters.map(p => p.name), 'CMA-ES needs at least two double or integer parameters');
        }
        break;
      case 'hyperband': {
        const h = this.hyperband!;
        const index = ctx.parameters.indexOf(h.resourceParameter);
        if (index < 0) {
          invalid(scope, 'algorithm.resourceParameter', h.resourceParameter?.name, 'must be one of the experiment\'s parameters (Hyperband assigns it the budget)');
        }
        if (!h.resourceParameter.isRange) {
          invalid(scope, 'algorithm.resourceParameter', h.resourceParameter.name, 'must be an integer or double parameter (the budget is a number)');
        }
        const eta = h.eta ?? 3;
        const sMax = Math.floor(Math.log(h.maxResource) / Math.log(eta) + 1e-9);
        const needed = Math.ceil(Math.pow(eta, sMax) - 1e-9);
        if (ctx.parallelTrials < needed) {
          invalid(scope, 'parallelTrialCount', ctx.parallelTrials,
            `Hyperband with maxResource ${h.maxResource} and eta ${eta} runs ${needed} trials in its first round; set at least ${needed}`);
        }
        break;
      }
      case 'pbt':
        ctx.parameters.forEach((p, i) => {
          if (p.isRange && p.step === undefined) {
            invalid(scope, `parameters[${i}].step`, undefined, 'PBT samples each range on a grid of its step; set a step');
          }
        });
        break;
      default:
    }
  }

  /** The `spec.algorithm` object. @internal */
  public _render(): any {
    const settings = this.algorithmSettings;
    const list = Object.entries(settings).map(([name, value]) => ({ name, value }));
    return { algorithmName: this.algorithmName, algorithmSettings: list.length ? list : undefined };
  }
}

type Rule = 'int0' | 'int1' | 'int2' | 'int5' | 'open01' | 'closed01' | 'positive' | 'nonNegative' | 'atLeast1' | 'string' | 'absolutePath' | string[];

const ALL_DISTRIBUTIONS = [ParameterDistribution.LOG_UNIFORM, ParameterDistribution.NORMAL, ParameterDistribution.LOG_NORMAL];

function checkSetting(scope: IConstruct, field: string, value: unknown, rule: Rule): void {
  if (Array.isArray(rule)) {
    if (!rule.includes(value as string)) invalid(scope, field, value, `must be one of ${rule.join(', ')}`);
    return;
  }
  const num = value as number;
  const finite = typeof value === 'number' && Number.isFinite(value);
  switch (rule) {
    case 'int0': return checkInteger(scope, field, num, 0);
    case 'int1': return checkInteger(scope, field, num, 1);
    case 'int2': return checkInteger(scope, field, num, 2);
    case 'int5': return checkInteger(scope, field, num, 5);
    case 'open01':
      if (!finite || num <= 0 || num >= 1) invalid(scope, field, value, 'must be above 0 and below 1');
      return;
    case 'closed01':
      if (!finite || num < 0 || num > 1) invalid(scope, field, value, 'must be from 0 to 1');
      return;
    case 'positive':
      if (!finite || num <= 0) invalid(scope, field, value, 'must be a number above 0');
      return;
    case 'nonNegative':
      if (!finite || num < 0) invalid(scope, field, value, 'must be a number of at least 0');
      return;
    case 'atLeast1':
      if (!finite || num < 1) invalid(scope, field, value, 'must be a number of at least 1');
      return;
    case 'string':
      if (typeof value !== 'string' || value === '') invalid(scope, field, value, 'must be a SearchParameter');
      return;
    case 'absolutePath':
      if (typeof value !== 'string' || !value.startsWith('/')) invalid(scope, field, value, 'must be an absolute path');
      return;
  }
}

/** Settings of the median stopping rule. */
export interface MedianStopOptions {
  /**
   * Completed trials needed before any trial is stopped (`min_trials_required`), at least 1.
   * @default 3
   */
  readonly minTrialsRequired?: number;
  /**
   * Reports of the objective metric a trial makes before it can be stopped (`start_step`), at least 1.
   * @default 4
   */
  readonly startStep?: number;
}

/**
 * Early stopping (`spec.earlyStopping`): Katib v0.19.0 ships the median stopping rule. The metrics collector
 * sidecar applies the rule, so it works with the StdOut and File collectors only (checked with the experiment).
 */
export class EarlyStopping {
  /** Stops a trial whose best objective value so far is worse than the median of the completed trials' running averages at the same step (`medianstop`). */
  public static medianStop(options: MedianStopOptions = {}): EarlyStopping {
    return new EarlyStopping('medianstop', options);
  }

  /** Katib's name of the rule. */
  public readonly algorithmName: string;

  private constructor(name: string, private readonly options: MedianStopOptions) {
    this.algorithmName = name;
  }

  /** @internal */
  public _validate(scope: IConstruct): void {
    checkInteger(scope, 'earlyStopping.minTrialsRequired', this.options.minTrialsRequired, 1);
    checkInteger(scope, 'earlyStopping.startStep', this.options.startStep, 1);
  }

  /** @internal */
  public _render(): any {
    const s: Array<{ name: string; value: string }> = [];
    if (this.options.minTrialsRequired !== undefined) s.push({ name: 'min_trials_required', value: String(this.options.minTrialsRequired) });
    if (this.options.startStep !== undefined) s.push({ name: 'start_step', value: String(this.options.startStep) });
    return { algorithmName: this.algorithmName, algorithmSettings: s.length ? s : undefined };
  }
}
