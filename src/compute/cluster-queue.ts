import { Construct, IConstruct } from 'constructs';
import { KueueIntegration } from './kueue-integration';
import { checkQueueIntegrationsInstalled, queueIntegrations } from './kueue-util';
import { invalid } from '../core/errors';
import { checkDns1123Subdomain } from '../core/names';

/**
 * A Kueue ClusterQueue that LocalQueues can submit to: one declared in this app ({@link BatchQueue}) or one
 * another repository owns ({@link BatchQueue.fromClusterQueueName}).
 */
export interface IClusterQueue extends IConstruct {
  /** Name of the ClusterQueue. */
  readonly name: string;
  /**
   * Kueue integrations enabled for the workloads of this ClusterQueue (`integrations.frameworks` of the Kueue
   * configuration); `LocalQueue.admit()` rejects workloads of other kinds.
   */
  readonly integrations: KueueIntegration[];
}

/** Options of {@link BatchQueue.fromClusterQueueName}. */
export interface ClusterQueueImportOptions {
  /**
   * Kueue integrations enabled in the cluster's Kueue configuration (`integrations.frameworks`).
   * @default - those of the app's Kueue installation (`KueueInstall`), or KueueIntegrations.defaults() (Kueue v0.19.2's default frameworks)
   */
  readonly integrations?: KueueIntegration[];
}

/**
 * A reference to a ClusterQueue declared elsewhere (e.g. by the platform team's repository).
 * @internal
 */
export function importClusterQueue(scope: Construct, id: string, name: string, options: ClusterQueueImportOptions = {}): IClusterQueue {
  return new ImportedClusterQueue(scope, id, name, options);
}

/** A ClusterQueue declared elsewhere: emits no objects. */
class ImportedClusterQueue extends Construct implements IClusterQueue {
  public readonly name: string;
  private readonly ownIntegrations?: KueueIntegration[];

  constructor(scope: Construct, id: string, name: string, options: ClusterQueueImportOptions = {}) {
    super(scope, id);
    if (typeof name !== 'string') invalid(this, 'clusterQueueName', name, 'must be the name of a ClusterQueue (a DNS-1123 subdomain)');
    checkDns1123Subdomain(this, 'clusterQueueName', name);
    this.name = name;
    this.ownIntegrations = options.integrations ? [...options.integrations] : undefined;
    if (this.ownIntegrations?.length === 0) invalid(this, 'integrations', this.ownIntegrations, 'must name at least one Kueue integration');
    checkQueueIntegrationsInstalled(this, this.ownIntegrations);
  }

  public get integrations(): KueueIntegration[] {
    return queueIntegrations(this, this.ownIntegrations);
  }
}
