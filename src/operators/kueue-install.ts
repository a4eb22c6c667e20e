import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';
import { KueueIntegration, KueueIntegrations } from '../compute/kueue-integration';
import { KUEUE_INSTALL_CONFIG, KueueInstallConfig } from '../compute/kueue-util';
import { PlatformContext } from '../core/context';
import { invalid } from '../core/errors';

/** How Kueue's fair sharing picks workloads to preempt (`fairSharing.preemptionStrategies`). */
export enum FairSharingPreemptionStrategy {
  /** Preempt only if the preemptor's queue share, with the workload, stays at or below the preemptee's without it. */
  LESS_THAN_OR_EQUAL_TO_FINAL_SHARE = 'LessThanOrEqualToFinalShare',
  /** Preempt only if the preemptor's queue share, with the workload, is below the preemptee's current share. */
  LESS_THAN_INITIAL_SHARE = 'LessThanInitialShare',
}

/** Props of {@link KueueInstall}. */
export interface KueueInstallProps extends OperatorInstallProps {
  /**
   * Kueue integrations (`integrations.frameworks` of the manager configuration): the kinds Kueue manages. Queues
   * that set no `integrations` of their own use these, and queues that do must stay within them (checked at synth).
   * @default - Kueue v0.19.2's defaults (KueueIntegrations.defaults())
   */
  readonly integrations?: KueueIntegration[];
  /**
   * Fair sharing between ClusterQueues of a cohort (`fairSharing` of the manager configuration), with these
   * preemption strategies, tried in order. An empty list is not accepted.
   * @default - off (Kueue's default: preemption by priority within borrowing limits)
   */
  readonly fairSharing?: FairSharingPreemptionStrategy[];
}

const CONFIG_MAP = 'kueue-manager-config';
const CONFIG_KEY = 'controller_manager_config.yaml';

/**
 * Kueue v0.19.2, installed from its `config/default` kustomization (controller, CRDs, webhooks with a
 * self-managed certificate, visibility API server), with the release image `registry.k8s.io/kueue/kueue:v0.19.2`
 * instead of the staging one the kustomization names.
 *
 * The install is the app's Kueue configuration: BatchQueues and imported ClusterQueues without their own
 * `integrations` read its integrations, and those with their own are checked against it at synth.
 */
export class KueueInstall extends OperatorInstall {
  /** Integrations Kueue manages. */
  public readonly integrations: KueueIntegration[];
  /** Fair sharing preemption strategies, when fair sharing is on. */
  public readonly fairSharing?: FairSharingPreemptionStrategy[];

  constructor(scope: Construct, id: string, props: KueueInstallProps = {}) {
    super(scope, id, 'kueue', props);
    const config = YAML.parse(this._find('ConfigMap', CONFIG_MAP).data[CONFIG_KEY]);
    const known = Object.values(KueueIntegration) as string[];
    this.integrations = [...(props.integrations ?? (config.integrations.frameworks as KueueIntegration[]).filter(f => known.includes(f)))];
    if (this.integrations.length === 0) invalid(this, 'integrations', this.integrations, 'must name at least one Kueue integration');
    this.integrations.forEach((i, n) => {
      if (!known.includes(i)) invalid(this, `integrations[${n}]`, i, `must be a KueueIntegration (${known.join(', ')})`);
    });
    if (new Set(this.integrations).size !== this.integrations.length) {
      invalid(this, 'integrations', this.integrations.map(i => KueueIntegrations.kindOf(i)).join(', '), 'must name each integration once');
    }
    if (props.fairSharing !== undefined) {
      const strategies = Object.values(FairSharingPreemptionStrategy) as string[];
      if (!Array.isArray(props.fairSharing) || props.fairSharing.length === 0) {
        invalid(this, 'fairSharing', props.fairSharing, 'must list at least one FairSharingPreemptionStrategy');
      }
      props.fairSharing.forEach((s, n) => {
        if (!strategies.includes(s)) invalid(this, `fairSharing[${n}]`, s, `must be a FairSharingPreemptionStrategy (${strategies.join(', ')})`);
      });
      this.fairSharing = [...props.fairSharing];
    }

    if (props.integrations !== undefined || props.fairSharing !== undefined) {
      if (props.integrations !== undefined) config.integrations.frameworks = [...this.integrations];
      if (this.fairSharing) config.fairSharing = { preemptionStrategies: [...this.fairSharing] };
      this._setConfigData(CONFIG_MAP, CONFIG_KEY, YAML.stringify(config));
    }

    const registered: KueueInstallConfig = { integrations: this.integrations, path: this.node.path };
    PlatformContext.of(this).register(KUEUE_INSTALL_CONFIG, registered);
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [{ kind: 'Deployment', name: 'kueue-controller-manager', container: 'manager' }];
  }
}
