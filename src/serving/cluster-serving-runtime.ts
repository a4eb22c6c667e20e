import { Construct } from 'constructs';
import { ServingRuntimeBase, ServingRuntimeBaseProps } from './serving-runtime-base';

/** Props of {@link ClusterServingRuntime}. */
export interface ClusterServingRuntimeProps extends ServingRuntimeBaseProps {}

/**
 * A KServe `ClusterServingRuntime` (serving.kserve.io/v1alpha1): a model server every namespace's
 * InferenceServices can select by format or by name.
 */
export class ClusterServingRuntime extends ServingRuntimeBase {
  /** Always true: a cluster-wide runtime. */
  public readonly clusterScoped = true;

  constructor(scope: Construct, id: string, props: ClusterServingRuntimeProps) {
    super(scope, id, 'ClusterServingRuntime', props);
  }
}
