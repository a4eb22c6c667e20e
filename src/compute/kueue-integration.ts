/**
 * Kueue job integrations ("frameworks") and the labels workloads use to opt in to a queue.
 *
 * Checked against Kueue v0.19.2: `config/components/manager/controller_manager_config.yaml`
 * (`integrations.frameworks`) and the `FrameworkName` constants in `pkg/controller/jobs/**`.
 */

/**
 * A Kueue job integration (an entry of `integrations.frameworks` in the Kueue manager configuration).
 *
 * An integration must be enabled in the Kueue installation for Kueue to manage that kind of workload.
 */
export enum KueueIntegration {
  /** `batch/v1` Job (`batch/job`). Kueue's webhook suspends the Job and unsuspends it on admission. Enabled by default. */
  BATCH_JOB = 'batch/job',
  /** `kubeflow.org/v2beta1` MPIJob of the MPI operator (`kubeflow.org/mpijob`). Enabled by default. */
  MPI_JOB = 'kubeflow.org/mpijob',
  /** KubeRay RayJob (`ray.io/rayjob`). Enabled by default. */
  RAY_JOB = 'ray.io/rayjob',
  /** KubeRay RayCluster (`ray.io/raycluster`). Enabled by default. */
  RAY_CLUSTER = 'ray.io/raycluster',
  /** KubeRay RayService (`ray.io/rayservice`). Enabled by default. */
  RAY_SERVICE = 'ray.io/rayservice',
  /** JobSet (`jobset.x-k8s.io/jobset`). Enabled by default. */
  JOBSET = 'jobset.x-k8s.io/jobset',
  /** CodeFlare AppWrapper (`workload.codeflare.dev/appwrapper`). Enabled by default. */
  APPWRAPPER = 'workload.codeflare.dev/appwrapper',
  /** Kubeflow Trainer v2 TrainJob (`trainer.kubeflow.org/trainjob`). Enabled by default. */
  TRAINJOB = 'trainer.kubeflow.org/trainjob',
  /**
   * Plain Pods (`pod`): Kueue's webhook adds the scheduling gate `kueue.x-k8s.io/admission` and removes it on admission.
   * Only Pods in namespaces selected by the Kueue configuration's `managedJobsNamespaceSelector`
   * (by default every namespace except `kube-system` and Kueue's own) are managed. Enabled by default.
   */
  POD = 'pod',
  /**
   * `apps/v1` Deployment (`deployment`): Kueue copies the queue labels into the pod template and manages each Pod
   * through the pod integration (implicitly enabled), so the same namespace selection applies. Enabled by default.
   */
  DEPLOYMENT = 'deployment',
  /**
   * `apps/v1` StatefulSet (`statefulset`): managed as one pod group through the pod integration (implicitly enabled),
   * so the same namespace selection applies. Enabled by default.
   */
  STATEFULSET = 'statefulset',
  /** LeaderWorkerSet (`leaderworkerset.x-k8s.io/leaderworkerset`), through the pod integration. Enabled by default. */
  LEADER_WORKER_SET = 'leaderworkerset.x-k8s.io/leaderworkerset',
  /** Training Operator v1 PyTorchJob (`kubeflow.org/pytorchjob`). Not enabled by default. */
  PYTORCH_JOB = 'kubeflow.org/pytorchjob',
  /** Training Operator v1 TFJob (`kubeflow.org/tfjob`). Not enabled by default. */
  TF_JOB = 'kubeflow.org/tfjob',
  /** Training Operator v1 XGBoostJob (`kubeflow.org/xgboostjob`). Not enabled by default. */
  XGBOOST_JOB = 'kubeflow.org/xgboostjob',
  /** Training Operator v1 PaddleJob (`kubeflow.org/paddlejob`). Not enabled by default. */
  PADDLE_JOB = 'kubeflow.org/paddlejob',
  /** Training Operator v1 JAXJob (`kubeflow.org/jaxjob`). Not enabled by default. */
  JAX_JOB = 'kubeflow.org/jaxjob',
  /** Spark operator SparkApplication (`sparkoperator.k8s.io/sparkapplication`). Not enabled by default. */
  SPARK_APPLICATION = 'sparkoperator.k8s.io/sparkapplication',
}

interface IntegrationKind {
  readonly group: string;
  readonly kind: string;
  /** API versions Kueue handles, when it handles only some. */
  readonly versions?: string[];
}

const KINDS: Record<KueueIntegration, IntegrationKind> = {
  [KueueIntegration.BATCH_JOB]: { group: 'batch', kind: 'Job' },
  [KueueIntegration.MPI_JOB]: { group: 'kubeflow.org', kind: 'MPIJob', versions: ['v2beta1'] },
  [KueueIntegration.RAY_JOB]: { group: 'ray.io', kind: 'RayJob' },
  [KueueIntegration.RAY_CLUSTER]: { group: 'ray.io', kind: 'RayCluster' },
  [KueueIntegration.RAY_SERVICE]: { group: 'ray.io', kind: 'RayService' },
  [KueueIntegration.JOBSET]: { group: 'jobset.x-k8s.io', kind: 'JobSet' },
  [KueueIntegration.APPWRAPPER]: { group: 'workload.codeflare.dev', kind: 'AppWrapper' },
  [KueueIntegration.TRAINJOB]: { group: 'trainer.kubeflow.org', kind: 'TrainJob' },
  [KueueIntegration.POD]: { group: '', kind: 'Pod' },
  [KueueIntegration.DEPLOYMENT]: { group: 'apps', kind: 'Deployment' },
  [KueueIntegration.STATEFULSET]: { group: 'apps', kind: 'StatefulSet' },
  [KueueIntegration.LEADER_WORKER_SET]: { group: 'leaderworkerset.x-k8s.io', kind: 'LeaderWorkerSet' },
  [KueueIntegration.PYTORCH_JOB]: { group: 'kubeflow.org', kind: 'PyTorchJob' },
  [KueueIntegration.TF_JOB]: { group: 'kubeflow.org', kind: 'TFJob' },
  [KueueIntegration.XGBOOST_JOB]: { group: 'kubeflow.org', kind: 'XGBoostJob' },
  [KueueIntegration.PADDLE_JOB]: { group: 'kubeflow.org', kind: 'PaddleJob' },
  [KueueIntegration.JAX_JOB]: { group: 'kubeflow.org', kind: 'JAXJob' },
  [KueueIntegration.SPARK_APPLICATION]: { group: 'sparkoperator.k8s.io', kind: 'SparkApplication' },
};

/** Kueue's default `integrations.frameworks` (v0.19.2 `config/components/manager/controller_manager_config.yaml`). */
const DEFAULTS: KueueIntegration[] = [
  KueueIntegration.BATCH_JOB,
  KueueIntegration.MPI_JOB,
  KueueIntegration.RAY_JOB,
  KueueIntegration.RAY_CLUSTER,
  KueueIntegration.RAY_SERVICE,
  KueueIntegration.JOBSET,
  KueueIntegration.APPWRAPPER,
  KueueIntegration.TRAINJOB,
  KueueIntegration.POD,
  KueueIntegration.DEPLOYMENT,
  KueueIntegration.STATEFULSET,
  KueueIntegration.LEADER_WORKER_SET,
];

/**
 * Facts about Kueue integrations: the defaults, and which integration manages a given kind.
 */
export class KueueIntegrations {
  /** Label that names the LocalQueue a workload is submitted to. */
  public static readonly QUEUE_NAME_LABEL = 'kueue.x-k8s.io/queue-name';
  /** Label that names the WorkloadPriorityClass of a workload. */
  public static readonly PRIORITY_CLASS_LABEL = 'kueue.x-k8s.io/priority-class';

  /**
   * The integrations Kueue v0.19.2 enables by default: batch/job, kubeflow.org/mpijob, ray.io/rayjob, ray.io/raycluster,
   * ray.io/rayservice, jobset.x-k8s.io/jobset, workload.codeflare.dev/appwrapper, trainer.kubeflow.org/trainjob, pod,
   * deployment, statefulset and leaderworkerset.x-k8s.io/leaderworkerset.
   */
  public static defaults(): KueueIntegration[] {
    return [...DEFAULTS];
  }

  /**
   * The integration that manages objects of `apiVersion` and `kind`, if any.
   * @param apiVersion e.g. `batch/v1`
   * @param kind e.g. `Job`
   */
  public static forKind(apiVersion: string, kind: string): KueueIntegration | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    return (Object.keys(KINDS) as KueueIntegration[]).find(i => {
      const k = KINDS[i];
      return k.group === group && k.kind === kind && (k.versions === undefined || k.versions.includes(version));
    });
  }

  /** The `<group>/<Kind>` managed by `integration`, e.g. `batch/Job` (`Pod` for the core group). */
  public static kindOf(integration: KueueIntegration): string {
    const k = KINDS[integration];
    return k.group ? `${k.group}/${k.kind}` : k.kind;
  }

  private constructor() {}
}
