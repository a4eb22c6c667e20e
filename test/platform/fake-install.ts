import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IOperatorInstall } from '../../src/operators/operator-install';

/** Options of {@link FakeInstall}. */
export interface FakeInstallOptions {
  readonly namespace?: string;
  readonly prerequisites?: IOperatorInstall[];
  /** Emit a cert-manager Certificate (as KServe's install does). */
  readonly certificate?: boolean;
}

/**
 * A small stand-in operator install for the platform's unit tests: a CRD, a Namespace, a ServiceAccount, a
 * Deployment, a ValidatingWebhookConfiguration and optionally a Certificate, in the shape real installs have.
 */
export class FakeInstall extends Construct implements IOperatorInstall {
  public readonly version = '0.0.0';
  public readonly namespace: string;
  public readonly objects: ApiObject[] = [];
  public readonly crds: ApiObject[] = [];
  public readonly images: string[] = [];
  public readonly prerequisites: IOperatorInstall[];

  constructor(scope: Construct, id: string, public readonly operatorName: string, options: FakeInstallOptions = {}) {
    super(scope, id);
    this.namespace = options.namespace ?? `${operatorName}-system`;
    this.prerequisites = options.prerequisites ?? [];
    const group = `${operatorName}.example.com`;
    const crd = new ApiObject(this, 'crd', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    this.crds.push(crd);
    const image = `registry.example.com/${operatorName}:0.0.0`;
    this.images.push(image);
    const labels = { 'app.kubernetes.io/name': operatorName };
    this.objects.push(
      crd,
      new ApiObject(this, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } }),
      new ApiObject(this, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: operatorName, namespace: this.namespace } }),
      new ApiObject(this, 'deploy', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `${operatorName}-controller`, namespace: this.namespace },
        spec: {
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: operatorName,
              securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
              containers: [{ name: 'manager', image, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
            },
          },
        },
      }),
      new ApiObject(this, 'webhook', {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: `${operatorName}-validating` },
        webhooks: [],
      }),
    );
    if (options.certificate) {
      this.objects.push(new ApiObject(this, 'cert', {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: `${operatorName}-serving-cert`, namespace: this.namespace },
        spec: { secretName: `${operatorName}-webhook-cert`, dnsNames: [`${operatorName}.${this.namespace}.svc`], issuerRef: { name: 'selfsigned', kind: 'Issuer' } },
      }));
    }
  }
}
