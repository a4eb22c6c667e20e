import { Construct } from 'constructs';
import { ControllerRef, OperatorInstall, OperatorInstallProps } from './operator-install';
import { invalid } from '../core/errors';

/** Props of {@link KarpenterInstall}. */
export interface KarpenterInstallProps extends OperatorInstallProps {
  /** Name of the EKS cluster Karpenter provisions nodes for (`settings.clusterName`). */
  readonly clusterName: string;
  /**
   * SQS queue of EC2 interruption events (`settings.interruptionQueue`), for spot interruption handling.
   * @default - no interruption handling
   */
  readonly interruptionQueue?: string;
  /**
   * IAM role of the controller's service account (IRSA annotation `eks.amazonaws.com/role-arn`).
   * @default - none (EKS Pod Identity or node credentials)
   */
  readonly serviceAccountRoleArn?: string;
}

const CLUSTER_NAME_PLACEHOLDER = 'CLUSTER_NAME';

/**
 * Karpenter v1.14.1 (AWS provider), installed from its Helm charts `karpenter-crd` and `karpenter` of the pinned
 * module, in `kube-system`, with the image `public.ecr.aws/karpenter/controller:1.14.1` (the chart at that tag still
 * names 1.13.0 by digest). `replicas` and `resources` apply to the controller.
 */
export class KarpenterInstall extends OperatorInstall {
  /** EKS cluster name. */
  public readonly clusterName: string;

  constructor(scope: Construct, id: string, props: KarpenterInstallProps) {
    super(scope, id, 'karpenter', { ...props, createNamespace: props.createNamespace ?? false });
    if (typeof props.clusterName !== 'string' || !/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(props.clusterName)) {
      invalid(this, 'clusterName', props.clusterName, 'must be an EKS cluster name (1-100 letters, digits, - and _, starting with a letter or digit)');
    }
    this.clusterName = props.clusterName;
    if (props.interruptionQueue !== undefined && !/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(props.interruptionQueue)) {
      invalid(this, 'interruptionQueue', props.interruptionQueue, 'must be an SQS queue name (1-80 letters, digits, - and _)');
    }
    if (props.serviceAccountRoleArn !== undefined && !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]+$/.test(props.serviceAccountRoleArn)) {
      invalid(this, 'serviceAccountRoleArn', props.serviceAccountRoleArn, 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/karpenter');
    }
    const controller = this._container(this._find('Deployment', 'karpenter'), 'controller');
    const env = controller.env.find((e: any) => e.name === 'CLUSTER_NAME' && e.value === CLUSTER_NAME_PLACEHOLDER);
    if (!env) throw new Error(`${this.node.path}: the karpenter render has no CLUSTER_NAME placeholder`);
    env.value = props.clusterName;
    if (props.interruptionQueue !== undefined) {
      const at = controller.env.indexOf(env) + 1;
      controller.env.splice(at, 0, { name: 'INTERRUPTION_QUEUE', value: props.interruptionQueue });
    }
    if (props.serviceAccountRoleArn !== undefined) {
      const sa = this._find('ServiceAccount', 'karpenter');
      sa.metadata.annotations = { ...(sa.metadata.annotations ?? {}), 'eks.amazonaws.com/role-arn': props.serviceAccountRoleArn };
    }
    this._emit();
  }

  /** @internal */
  protected _controllers(): ControllerRef[] {
    return [{ kind: 'Deployment', name: 'karpenter', container: 'controller' }];
  }
}
