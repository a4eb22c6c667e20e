import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { wholeSeconds } from '../core/durations';
import { checkInteger } from '../core/errors';
import { prune } from '../core/pod-template';

/** How strictly Volcano keeps a gang within a network tier. */
export enum NetworkTopologyMode {
  /** Never cross `highestTierAllowed`. */
  HARD = 'hard',
  /** Prefer staying within the tier. */
  SOFT = 'soft',
}

/** Options of {@link PodGroupPolicy.coscheduling}. */
export interface CoschedulingOptions {
  /**
   * How long the PodGroup may wait to be scheduled as a whole.
   * @default Duration.seconds(60)
   */
  readonly scheduleTimeout?: Duration;
}

/** Options of {@link PodGroupPolicy.volcano}. */
export interface VolcanoOptions {
  /**
   * Network-topology-aware placement (needs Volcano's HyperNode CRD and the feature enabled).
   * @default - none
   */
  readonly networkTopologyMode?: NetworkTopologyMode;
  /**
   * Highest network tier the gang may span (with `networkTopologyMode`).
   * @default 1
   */
  readonly highestTierAllowed?: number;
}

/**
 * Gang scheduling of a Kubeflow Trainer v2 runtime's pods (`podGroupPolicy`): Trainer creates a PodGroup for
 * each TrainJob, so that all nodes start together or none does.
 */
export class PodGroupPolicy {
  /** The scheduler-plugins coscheduling plugin (the pods' `schedulerName` must be the plugin's scheduler). */
  public static coscheduling(options: CoschedulingOptions = {}): PodGroupPolicy {
    return new PodGroupPolicy('coscheduling', options);
  }

  /**
   * Volcano. Trainer creates the PodGroup and annotates the pods with it, but does not set `schedulerName`: the
   * pods must reach Volcano's scheduler (`volcano`) as the cluster's Volcano setup arranges.
   */
  public static volcano(options: VolcanoOptions = {}): PodGroupPolicy {
    return new PodGroupPolicy('volcano', options);
  }

  private constructor(
    /** `coscheduling` or `volcano`. */
    public readonly plugin: string,
    private readonly options: CoschedulingOptions & VolcanoOptions,
  ) {
    this.options = options ?? {};
  }

  /** @internal */
  public _render(scope: IConstruct, field: string): any {
    const o = this.options;
    if (this.plugin === 'coscheduling') {
      const seconds = wholeSeconds(scope, `${field}.coscheduling.scheduleTimeout`, o.scheduleTimeout);
      checkInteger(scope, `${field}.coscheduling.scheduleTimeout`, seconds, 1, 2147483647);
      return { coscheduling: prune({ scheduleTimeoutSeconds: seconds }) };
    }
    checkInteger(scope, `${field}.volcano.highestTierAllowed`, o.highestTierAllowed, 1);
    const topology = o.networkTopologyMode || o.highestTierAllowed !== undefined
      ? { mode: o.networkTopologyMode, highestTierAllowed: o.highestTierAllowed }
      : undefined;
    return { volcano: prune({ networkTopology: topology }) };
  }
}
