import { createHash } from 'crypto';
import { ApiObject, Duration, Lazy, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PlatformNamespace } from './platform-namespace';
import { EnvVarValue } from '../core/env';
import { invalid } from '../core/errors';
import { checkDns1123Label } from '../core/names';
import { PodTemplate } from '../core/pod-template';
import { ContainerProbe } from '../core/probe';
import { ComputeResources } from '../core/resources';
import { PodSecurityLevel } from '../core/security';
import { PodVolume } from '../core/volume';

/** Where the controller's pods mount the platform context. */
const CONTEXT_DIR = '/etc/cdk8s-ai-platform';
/** Pod annotation holding the platform context's checksum (a change rolls the Deployment). */
const CONTEXT_CHECKSUM_ANNOTATION = 'platform.ai.cdk8s.io/context-checksum';

/** Props of {@link PlatformController}. */
export interface PlatformControllerProps {
  /**
   * Namespace the controller runs in (created, enforcing the restricted Pod Security Standard).
   * @default 'ai-platform-system'
   */
  readonly namespace?: string;
  /**
   * Whether to emit the namespace (turn off when it is declared elsewhere).
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * The controller's image (running `cdk8s-ai-platform-controller`).
   * @default `ghcr.io/cdk8s-ai-platform/controller:<this package's version>`
   */
  readonly image?: string;
  /**
   * Replicas: one is the leader (a coordination.k8s.io Lease), the others stand by.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Namespaces whose platform resources the controller reconciles.
   * @default - every namespace
   */
  readonly watchNamespaces?: string[];
  /**
   * Platform resources reconciled at once.
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Port of `/metrics`, `/healthz` and `/readyz`.
   * @default 8080
   */
  readonly metricsPort?: number;
  /**
   * How often every resource is reconciled again although nothing changed.
   * @default Duration.minutes(10)
   */
  readonly resyncPeriod?: Duration;
  /**
   * Resources of the controller's container.
   * @default - 100m CPU and 256 MiB of memory requested (memory limit equal)
   */
  readonly resources?: ComputeResources;
  /**
   * Secrets to pull the image with.
   * @default []
   */
  readonly imagePullSecrets?: string[];
  /**
   * Whether to emit the platform CustomResourceDefinitions (turn off when another app installs them).
   * @default true
   */
  readonly installCrds?: boolean;
}

/**
 * The platform's runtime controller: the library's workload constructs as Kubernetes custom resources
 * (`platform.ai.cdk8s.io/v1alpha1` SparkJob, DistributedTraining, FineTuning, HyperparameterExperiment,
 * InferenceService, MLPipeline, Dataset and BatchJob), reconciled by the same constructs. It emits:
 *
 * - the CustomResourceDefinitions, whose schemas are generated from the constructs' props (docs/platform-apis.md);
 * - a ServiceAccount and a ClusterRole with exactly what the controller needs, computed from what the kinds render:
 *   its kinds and their status, the kinds of object it applies and prunes, the rules of the Roles it creates (it
 *   must hold what it grants), Events and Leases; no wildcard;
 * - a Deployment of the controller (restricted pods, read-only root file system, leader election with two replicas),
 *   a PodDisruptionBudget keeping one running, and a Service for its metrics port (`/metrics`);
 * - the platform context, a ConfigMap the controller reads: the app's node pools (what they add to the pods placed on
 *   them), LocalQueues by namespace and Kueue WorkloadPriorityClasses, which custom resources name
 *   (`pool: gpu-a100`, `queue: team-a`, `priorityClass: high`). It is computed when the app is synthesized, whatever
 *   the declaration order; the pods carry its checksum, so a changed platform rolls the controller.
 */
export class PlatformController extends Construct {
  /** Default image repository of the controller (tagged with the package's version). */
  public static readonly DEFAULT_IMAGE_REPOSITORY = 'ghcr.io/cdk8s-ai-platform/controller';

  /** Namespace the controller runs in. */
  public readonly namespace: string;
  /** The controller's image. */
  public readonly image: string;
  /** Name of the ServiceAccount, Deployment, Service and ClusterRole. */
  public readonly name: string = 'cdk8s-ai-platform-controller';
  /** The Deployment. */
  public readonly deployment: ApiObject;
  /** The ClusterRole. */
  public readonly clusterRole: ApiObject;
  /** The ConfigMap of the platform context (`context.json`). */
  public readonly contextConfigMap: ApiObject;

  constructor(scope: Construct, id: string, props: PlatformControllerProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? 'ai-platform-system';
    checkDns1123Label(this, 'namespace', this.namespace);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const version: string = require('../../package.json').version;
    this.image = props.image ?? `${PlatformController.DEFAULT_IMAGE_REPOSITORY}:${version}`;
    if (typeof this.image !== 'string' || this.image.trim() === '') invalid(this, 'image', props.image, 'must be a non-empty image reference');
    const replicas = props.replicas ?? 2;
    if (!Number.isSafeInteger(replicas) || replicas < 1) invalid(this, 'replicas', props.replicas, 'must be an integer of at least 1');
    const concurrency = props.concurrency ?? 8;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) invalid(this, 'concurrency', props.concurrency, 'must be an integer of at least 1');
    const port = props.metricsPort ?? 8080;
    if (!Number.isSafeInteger(port) || port < 1024 || port > 65535) {
      invalid(this, 'metricsPort', props.metricsPort, 'must be an unprivileged port (1024 to 65535): the pod runs as non-root');
    }
    const resync = props.resyncPeriod ?? Duration.minutes(10);
    const watch = props.watchNamespaces ?? [];
    watch.forEach((ns, i) => checkDns1123Label(this, `watchNamespaces[${i}]`, ns));

    // The controller module reads the library's jsii assembly: loaded here, not when the library is imported.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const controller = require('../controller/render') as typeof import('../controller/render');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const rbac = require('../controller/kinds-rbac') as typeof import('../controller/kinds-rbac');

    const labels = { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/part-of': 'cdk8s-ai-platform' };
    const meta = (extra: any = {}) => ({ name: this.name, namespace: this.namespace, labels, ...extra });

    if (props.createNamespace ?? true) {
      new PlatformNamespace(this, 'Namespace', { name: this.namespace, maxPodSecurity: PodSecurityLevel.RESTRICTED });
    }
    if (props.installCrds ?? true) {
      for (const crd of controller.platformCrds()) new ApiObject(this, `Crd-${crd.spec.names.kind}`, crd);
    }

    new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(), automountServiceAccountToken: true });
    this.clusterRole = new ApiObject(this, 'ClusterRole', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: this.name, labels },
      rules: rbac.controllerRules().map(r => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs, resourceNames: r.resourceNames })),
    });
    const subjects = [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }];
    const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.name };
    if (watch.length === 0) {
      new ApiObject(this, 'ClusterRoleBinding', {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: this.name, labels }, roleRef, subjects,
      });
    } else {
      // only the watched namespaces (and its own, for the leader Lease and Events about itself)
      for (const ns of [...new Set([...watch, this.namespace])]) {
        new ApiObject(this, `RoleBinding-${ns}`, {
          apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: this.name, namespace: ns, labels }, roleRef, subjects,
        });
      }
    }

    // What custom resources may name, computed from the whole app at synth (pools declared after this construct count).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const references = require('../controller/spec-references') as typeof import('../controller/spec-references');
    let contextJson: string | undefined;
    const context = () => (contextJson ??= JSON.stringify(references.platformSpecContext(this), null, 2));
    const contextName = `${this.name}-context`;
    this.contextConfigMap = new ApiObject(this, 'PlatformContext', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta({ name: contextName }),
      data: { 'context.json': Lazy.any({ produce: context }) },
    });
    const contextVolume = PodVolume.fromConfigMap('platform-context', contextName);

    const args = [
      '--leader-elect',
      `--platform-context=${CONTEXT_DIR}/context.json`,
      `--concurrency=${concurrency}`,
      `--metrics-port=${port}`,
      `--resync-period=${resync.toSeconds()}`,
      ...(watch.length ? [`--namespaces=${watch.join(',')}`] : []),
    ];
    const template = new PodTemplate({
      serviceAccountName: this.name,
      security: { readOnlyRootFilesystem: true },
      imagePullSecrets: props.imagePullSecrets,
      labels,
      terminationGracePeriod: Duration.seconds(30),
      containers: [{
        name: 'controller',
        image: this.image,
        command: ['cdk8s-ai-platform-controller'],
        args,
        env: {
          POD_NAME: EnvVarValue.fromFieldPath('metadata.name'),
          POD_NAMESPACE: EnvVarValue.fromFieldPath('metadata.namespace'),
        },
        ports: [{ name: 'metrics', number: port }],
        volumeMounts: [{ volume: contextVolume, path: CONTEXT_DIR, readOnly: true }],
        resources: props.resources ?? { cpu: Cpu.millis(100), memory: Size.mebibytes(256) },
        liveness: ContainerProbe.httpGet('/healthz', { port, period: Duration.seconds(10), failureThreshold: 3 }),
        readiness: ContainerProbe.httpGet('/readyz', { port, period: Duration.seconds(5) }),
      }],
    });
    this.deployment = new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(),
      spec: {
        replicas,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: {
            labels,
            annotations: { [CONTEXT_CHECKSUM_ANNOTATION]: Lazy.any({ produce: () => createHash('sha256').update(context()).digest('hex') }) },
          },
          spec: template.toPodSpec(this, 'controller'),
        },
      },
    });
    if (replicas > 1) {
      new ApiObject(this, 'PodDisruptionBudget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(),
        spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
      });
    }
    new ApiObject(this, 'MetricsService', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta({ name: `${this.name}-metrics` }),
      spec: { selector: labels, ports: [{ name: 'metrics', port, targetPort: 'metrics', protocol: 'TCP' }] },
    });
  }
}
