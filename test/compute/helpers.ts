import { ApiObject } from 'cdk8s';
import { RestartPolicy } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerSpec, INodePool, PodTemplate, StatusContract, StatusSource, WorkloadBase, WorkloadMetadataProps } from '../../src';
import { placeWorkload } from '../../src/core/workload';

/** A RegExp matching exactly `s`. */
export function exact(s: string): RegExp {
  return new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
}

/** Props of {@link GpuJob}. */
export interface GpuJobProps extends WorkloadMetadataProps {
  /** The worker container. */
  readonly worker: ContainerSpec;
  /** Node pool. */
  readonly pool?: INodePool;
}

/**
 * A minimal workload built on the core model (a batch/v1 Job of one worker container), as the library's workload
 * constructs are: its pod template names its fields after the props (`worker`, `pool`) and is placed with
 * `placeWorkload`, so pool checks run at synth.
 */
export class GpuJob extends WorkloadBase {
  public readonly apiObject: ApiObject;
  public readonly statusContract: StatusContract = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    source: StatusSource.CONDITIONS,
    path: '.status.conditions',
    succeeded: ['Complete'],
    failed: ['Failed'],
    completes: true,
  };
  public readonly podTemplates: PodTemplate[];
  public readonly primaryContainerName = 'worker';
  private readonly template: PodTemplate;

  constructor(scope: Construct, id: string, props: GpuJobProps) {
    super(scope, id, props);
    this.template = new PodTemplate({ restartPolicy: RestartPolicy.NEVER, containers: [{ name: 'worker', ...props.worker }] });
    this.template._nameFields({ 'containers[0]': 'worker', '': '' });
    this.podTemplates = [this.template];
    placeWorkload(this, 'pool', this.template, props.pool, { runToCompletion: true });
    this.apiObject = this.createApiObject('batch/v1', 'Job');
  }

  protected renderSpec(): any {
    return { backoffLimit: 0, template: this.template.toPodTemplateSpec(this, 'worker') };
  }
}
