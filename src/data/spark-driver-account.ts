import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDns1123Label, checkDns1123Subdomain } from '../core/names';

/** Props of {@link SparkDriverAccount}. */
export interface SparkDriverAccountProps {
  /** Name of the ServiceAccount, Role and RoleBinding. */
  readonly name: string;
  /** Namespace the Spark applications run in (the ServiceAccount, Role and RoleBinding are created there). */
  readonly namespace: string;
}

/**
 * The ServiceAccount a Spark driver runs as, with a least-privilege Role and RoleBinding in the application's
 * namespace. {@link SparkJob} creates one unless it is given an existing account.
 *
 * The driver creates, watches, labels and deletes its executor pods, the executors' ConfigMap, on-demand
 * PersistentVolumeClaims and (on shutdown) its services, always in its own namespace. The Role grants exactly those
 * verbs (`get`, `list`, `watch`, `create`, `patch`, `delete`, `deletecollection`) on `pods`, `services`,
 * `configmaps` and `persistentvolumeclaims`: the Spark operator's Helm chart grants the same resources but also
 * `update`, which Spark's driver does not use. Executors do not talk to the API server and get no token.
 */
export class SparkDriverAccount extends Construct {
  /** Resources the Spark driver manages. */
  public static readonly RESOURCES = ['pods', 'services', 'configmaps', 'persistentvolumeclaims'];
  /** Verbs the Spark driver uses on them. */
  public static readonly VERBS = ['get', 'list', 'watch', 'create', 'patch', 'delete', 'deletecollection'];

  /** Name of the ServiceAccount. */
  public readonly serviceAccountName: string;
  /** Namespace of the ServiceAccount. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: SparkDriverAccountProps) {
    super(scope, id);
    this.serviceAccountName = props.name;
    this.namespace = props.namespace;
    checkDns1123Subdomain(this, 'name', props.name);
    checkDns1123Label(this, 'namespace', props.namespace);
    const metadata = { name: props.name, namespace: props.namespace, labels: { 'app.kubernetes.io/component': 'spark-driver' } };
    new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata });
    new ApiObject(this, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      rules: [{ apiGroups: [''], resources: SparkDriverAccount.RESOURCES, verbs: SparkDriverAccount.VERBS }],
    });
    new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.name },
      subjects: [{ kind: 'ServiceAccount', name: props.name, namespace: props.namespace }],
    });
  }
}
