/**
 * The one place where every upstream component this library targets is pinned.
 *
 * Everything derived from upstream (CRD schemas used for validation, CRDs installed in
 * integration tests, install manifests) is extracted by `npm run upstream` from the Go
 * modules named here, at exactly these versions. Change a version here, run
 * `npm run upstream`, and the tests validate the output against the new schemas.
 */

/** Kubernetes version whose OpenAPI schemas validate core kinds, and whose kube-apiserver runs the integration tests. */
export const KUBERNETES_VERSION = '1.34.4';
/** etcd built for the integration-test API server (the version k8s.io/kubernetes requires for its client). */
export const ETCD_VERSION = '3.6.4';

/**
 * How one upstream component is pinned and where its CRDs are found inside its Go module.
 * (Internal to scripts and tests; the public API exposes {@link UpstreamVersions}.)
 */
export interface UpstreamPinSpec {
  /** Short id, also the folder name in the upstream cache. */
  readonly id: string;
  /** Human name. */
  readonly name: string;
  /** Upstream release version (without a leading "v"). */
  readonly version: string;
  /** Go module path. */
  readonly goModule: string;
  /** Go module version as the module proxy knows it. */
  readonly goModuleVersion: string;
  /** Folders (relative to the module root) whose `*.yaml` files are CRDs we extract. */
  readonly crdDirs: string[];
  /**
   * Why the Go module cannot be downloaded, when the proxy does not serve it.
   * The upstream script reports this instead of failing, and nothing of that
   * component is validated against upstream schemas until it is served.
   */
  readonly notServedReason?: string;
}

/** @internal */
export const UPSTREAM_PINS: UpstreamPinSpec[] = [
  {
    id: 'kubernetes',
    name: 'Kubernetes (core OpenAPI schemas)',
    version: KUBERNETES_VERSION,
    goModule: 'k8s.io/kubernetes',
    goModuleVersion: `v${KUBERNETES_VERSION}`,
    crdDirs: [],
  },
  {
    id: 'spark-operator',
    name: 'Kubeflow Spark operator',
    version: '2.5.2',
    goModule: 'github.com/kubeflow/spark-operator/v2',
    goModuleVersion: 'v2.5.2',
    crdDirs: ['config/crd/bases'],
  },
  {
    id: 'training-operator',
    name: 'Kubeflow Training Operator v1',
    version: '1.9.4',
    goModule: 'github.com/kubeflow/training-operator',
    goModuleVersion: 'v1.9.4',
    crdDirs: ['manifests/base/crds'],
  },
  {
    id: 'trainer',
    name: 'Kubeflow Trainer v2',
    version: '2.3.0',
    goModule: 'github.com/kubeflow/trainer/v2',
    goModuleVersion: 'v2.3.0',
    crdDirs: ['manifests/base/crds'],
  },
  {
    id: 'jobset',
    name: 'JobSet',
    version: '0.12.0',
    goModule: 'sigs.k8s.io/jobset',
    goModuleVersion: 'v0.12.0',
    crdDirs: ['config/components/crd/bases'],
  },
  {
    id: 'katib',
    name: 'Katib',
    version: '0.19.0',
    goModule: 'github.com/kubeflow/katib',
    goModuleVersion: 'v0.19.0',
    crdDirs: ['manifests/v1beta1/components/crd'],
  },
  {
    id: 'kserve',
    name: 'KServe',
    version: '0.20.0',
    goModule: 'github.com/kserve/kserve',
    goModuleVersion: 'v0.20.0',
    crdDirs: [
      'config/crd/full',
      'config/crd/full/clusterstoragecontainer',
      'config/crd/full/localmodel',
      'config/crd/full/llmisvc',
    ],
  },
  {
    id: 'argo-workflows',
    name: 'Argo Workflows',
    // v4.1.2 is not served by the Go module proxy; v4.0.x has a known ArtifactGC security flaw
    version: '4.1.4',
    goModule: 'github.com/argoproj/argo-workflows/v4',
    goModuleVersion: 'v4.1.4',
    crdDirs: ['manifests/base/crds/full'],
  },
  {
    id: 'argo-events',
    name: 'Argo Events',
    version: '1.9.11',
    goModule: 'github.com/argoproj/argo-events',
    goModuleVersion: 'v1.9.11',
    crdDirs: ['manifests/base/crds'],
  },
  {
    id: 'karpenter',
    name: 'Karpenter (AWS provider)',
    version: '1.14.1',
    goModule: 'github.com/aws/karpenter-provider-aws',
    goModuleVersion: 'v1.14.1',
    crdDirs: ['pkg/apis/crds'],
  },
  {
    id: 'nvidia-device-plugin',
    name: 'NVIDIA device plugin',
    // the newest version the Go module proxy serves (v0.20.0 is not); the device plugin has no CRDs
    version: '0.19.3',
    goModule: 'github.com/NVIDIA/k8s-device-plugin',
    goModuleVersion: 'v0.19.3',
    crdDirs: [],
  },
  {
    id: 'kueue',
    name: 'Kueue',
    version: '0.19.2',
    goModule: 'sigs.k8s.io/kueue',
    goModuleVersion: 'v0.19.2',
    crdDirs: ['config/components/crd/bases'],
  },
  {
    id: 'cert-manager',
    name: 'cert-manager',
    // a prerequisite of KServe (its webhook certificates); the install is rendered from the module's Helm chart
    version: '1.19.2',
    goModule: 'github.com/cert-manager/cert-manager',
    goModuleVersion: 'v1.19.2',
    crdDirs: ['deploy/crds'],
  },
  {
    id: 'argo-cd',
    name: 'Argo CD',
    // for its CRDs (Application, AppProject, ApplicationSet) and its built-in resource health checks
    // (resource_customizations/**/health.lua); v3.6.x needs Go 1.27
    version: '3.5.7',
    goModule: 'github.com/argoproj/argo-cd/v3',
    goModuleVersion: 'v3.5.7',
    crdDirs: ['manifests/crds'],
  },
  {
    id: 'volcano',
    name: 'Volcano',
    version: '1.15.1',
    goModule: 'volcano.sh/volcano',
    goModuleVersion: 'v1.15.1',
    crdDirs: ['config/crd/volcano/bases', 'config/crd/jobflow/bases'],
  },
  {
    id: 'fluid',
    name: 'Fluid',
    version: '1.0.8',
    goModule: 'github.com/fluid-cloudnative/fluid',
    goModuleVersion: 'v1.0.8',
    crdDirs: ['config/crd/bases'],
  },
];

/** @internal */
export function upstreamPin(id: string): UpstreamPinSpec {
  const pin = UPSTREAM_PINS.find(p => p.id === id);
  if (!pin) {
    throw new Error(`unknown upstream component '${id}'`);
  }
  return pin;
}

/**
 * The upstream versions this release of cdk8s-ai-platform emits resources for.
 *
 * Every custom resource the library synthesizes is validated against the CRD schemas
 * of exactly these versions.
 */
export class UpstreamVersions {
  /** Kubernetes version whose core API schemas are used. */
  public static readonly KUBERNETES = KUBERNETES_VERSION;
  /** Kubeflow Spark operator. */
  public static readonly SPARK_OPERATOR = upstreamPin('spark-operator').version;
  /** Kubeflow Training Operator (v1 APIs, `kubeflow.org/v1`). */
  public static readonly TRAINING_OPERATOR = upstreamPin('training-operator').version;
  /** Kubeflow Trainer (v2 APIs, `trainer.kubeflow.org/v1alpha1`). */
  public static readonly TRAINER = upstreamPin('trainer').version;
  /** JobSet, required by Kubeflow Trainer runtimes. */
  public static readonly JOBSET = upstreamPin('jobset').version;
  /** Katib. */
  public static readonly KATIB = upstreamPin('katib').version;
  /** KServe. */
  public static readonly KSERVE = upstreamPin('kserve').version;
  /** Argo Workflows. */
  public static readonly ARGO_WORKFLOWS = upstreamPin('argo-workflows').version;
  /** Argo Events. */
  public static readonly ARGO_EVENTS = upstreamPin('argo-events').version;
  /** Karpenter (AWS provider and core). */
  public static readonly KARPENTER = upstreamPin('karpenter').version;
  /** NVIDIA Kubernetes device plugin. */
  public static readonly NVIDIA_DEVICE_PLUGIN = upstreamPin('nvidia-device-plugin').version;
  /** Kueue. */
  public static readonly KUEUE = upstreamPin('kueue').version;
  /** cert-manager, which KServe needs for its webhook certificates. */
  public static readonly CERT_MANAGER = upstreamPin('cert-manager').version;
  /** Argo CD (CRDs and built-in health checks of GitOps output). */
  public static readonly ARGO_CD = upstreamPin('argo-cd').version;
  /** Volcano. */
  public static readonly VOLCANO = upstreamPin('volcano').version;
  /** Fluid. */
  public static readonly FLUID = upstreamPin('fluid').version;

  private constructor() {}
}
