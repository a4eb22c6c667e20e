import { Construct } from 'constructs';
import { ServingRuntimeBase, ServingRuntimeBaseProps } from './serving-runtime-base';

/** Props of {@link ServingRuntime}. */
export interface ServingRuntimeProps extends ServingRuntimeBaseProps {
  /**
   * Namespace (InferenceServices in this namespace can use the runtime).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/**
 * A KServe `ServingRuntime` (serving.kserve.io/v1alpha1): a model server that InferenceServices in its
 * namespace select by format (auto-select, priority) or by name. Multi-model runtimes serve ModelMesh.
 */
export class ServingRuntime extends ServingRuntimeBase {
  /** Always false: a namespaced runtime. */
  public readonly clusterScoped = false;
  /** Namespace, if set. */
  public readonly runtimeNamespace?: string;

  constructor(scope: Construct, id: string, props: ServingRuntimeProps) {
    super(scope, id, 'ServingRuntime', props, props?.namespace);
    this.runtimeNamespace = props.namespace;
  }
}
