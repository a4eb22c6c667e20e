import { ApiObject, Duration } from 'cdk8s';
import { RestartPolicy } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { QueueOptions } from '../compute/queue-options';
import { ContainerSpec } from '../core/container';
import { wholeSeconds } from '../core/durations';
import { checkInteger, invalid } from '../core/errors';
import { PodTemplate } from '../core/pod-template';
import { BATCH_JOB_STATUS, StatusContract } from '../core/status-contract';
import { PodVolume } from '../core/volume';
import { placeWorkload, WorkloadBase, WorkloadMetadataProps, WorkloadPodOptions } from '../core/workload';

/** Props of {@link BatchJob}. */
export interface BatchJobProps extends WorkloadMetadataProps, WorkloadPodOptions, QueueOptions {
  /**
   * The containers of the Job's pod; the first runs the work (the primary container, named `main` unless named).
   */
  readonly containers: ContainerSpec[];
  /**
   * Init containers.
   * @default []
   */
  readonly initContainers?: ContainerSpec[];
  /**
   * Volumes that no container mounts but the pod needs (mounted volumes are added by themselves).
   * @default []
   */
  readonly volumes?: PodVolume[];
  /**
   * Retries before the Job fails (`backoffLimit`).
   * @default - Kubernetes' (6)
   */
  readonly backoffLimit?: number;
  /**
   * Longest the Job may run (`activeDeadlineSeconds`).
   * @default - unlimited
   */
  readonly activeDeadline?: Duration;
}

/**
 * A Kubernetes batch Job (`batch/v1`) on the workload model: one pod template with the library's secure defaults,
 * placed on a node pool and admitted to a Kueue queue like every workload. Its pods never restart in place
 * (`restartPolicy: Never`); the Job retries failed pods up to `backoffLimit` times.
 *
 * As a Katib trial (`TrialTemplate.batchJob()`), it is what the Katib SDK's `tune()` and the Katib examples use.
 */
export class BatchJob extends WorkloadBase {
  /** A batch Job succeeds with condition `Complete` and fails for good with condition `Failed`. */
  public static readonly STATUS: StatusContract = BATCH_JOB_STATUS;

  /** The Job. */
  public readonly apiObject: ApiObject;
  /** {@link BatchJob.STATUS}. */
  public readonly statusContract: StatusContract = BatchJob.STATUS;
  /** Name of the first container (`main` unless named). */
  public readonly primaryContainerName: string;

  private readonly props: BatchJobProps;
  private readonly template: PodTemplate;

  constructor(scope: Construct, id: string, props: BatchJobProps) {
    super(scope, id, props);
    this.props = props;
    if (!Array.isArray(props.containers) || props.containers.length === 0) {
      invalid(this, 'containers', props.containers, 'a Job needs at least one container');
    }
    checkInteger(this, 'backoffLimit', props.backoffLimit, 0);
    this.primaryContainerName = props.containers[0].name ?? 'main';
    this.template = new PodTemplate({
      containers: props.containers,
      initContainers: props.initContainers,
      volumes: props.volumes,
      security: props.security,
      serviceAccountName: props.serviceAccountName,
      imagePullSecrets: props.imagePullSecrets,
      sharedMemory: props.sharedMemory,
      labels: props.podLabels,
      annotations: props.podAnnotations,
      restartPolicy: RestartPolicy.NEVER,
    });
    this.template._nameFields({ '': '', 'labels': 'podLabels', 'annotations': 'podAnnotations' });
    placeWorkload(this, 'pool', this.template, props.pool, { runToCompletion: true });
    this.apiObject = this.createApiObject('batch/v1', 'Job');
    if (props.queue) {
      props.queue.admit(this.apiObject, props.priorityClass);
    } else if (props.priorityClass) {
      invalid(this, 'priorityClass', props.priorityClass.name, 'a Kueue WorkloadPriorityClass applies only to queued workloads; also set queue');
    }
    this.renderSpec(); // validate eagerly
  }

  /** The Job's pod template (rendered at synth: changes through it after construction count). */
  public get podTemplates(): PodTemplate[] {
    return [this.template];
  }

  protected renderSpec(): any {
    return {
      backoffLimit: this.props.backoffLimit,
      activeDeadlineSeconds: wholeSeconds(this, 'activeDeadline', this.props.activeDeadline),
      template: this.template.toPodTemplateSpec(this, 'main'),
    };
  }
}
