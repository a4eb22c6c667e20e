import { ApiObject, Duration } from 'cdk8s';
import { RestartPolicy } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { QueueOptions } from './queue-options';
import { checkWorkloadProps, Is } from '../core/checks';
import { ContainerSpec } from '../core/container';
import { wholeSeconds } from '../core/durations';
import { invalid } from '../core/errors';
import { PodTemplate } from '../core/pod-template';
import { BATCH_JOB_STATUS, StatusContract } from '../core/status-contract';
import { PodVolume } from '../core/volume';
import { placeWorkload, WorkloadBase, WorkloadMetadataProps, WorkloadPodOptions } from '../core/workload';

/** The most completions (and parallelism) of an Indexed Job, as Kubernetes accepts them. */
const MAX_INDEXED = 100000;
/** The most rules of a pod failure policy. */
const MAX_POD_FAILURE_RULES = 20;
/** The most exit codes of one rule. */
const MAX_EXIT_CODES = 255;

/** How a batch Job counts its completions (`completionMode`). */
export enum CompletionMode {
  /** The Job is complete when `completions` pods have succeeded, whichever they are. */
  NON_INDEXED = 'NonIndexed',
  /**
   * Each pod gets an index from 0 to `completions - 1` (annotation and env `JOB_COMPLETION_INDEX`, and a stable
   * hostname `<job>-<index>`); the Job is complete when one pod per index has succeeded.
   */
  INDEXED = 'Indexed',
}

/** What a pod failure policy rule does with a failed pod that matches it. */
export enum PodFailureAction {
  /** Fail the whole Job (and terminate its running pods). */
  FAIL_JOB = 'FailJob',
  /** Fail the pod's index only (needs `backoffLimitPerIndex`). */
  FAIL_INDEX = 'FailIndex',
  /** Don't count the failure against the backoff limit; the pod is replaced. */
  IGNORE = 'Ignore',
  /** Count the failure as usual (against `backoffLimit`). */
  COUNT = 'Count',
}

/** How a rule's exit codes are matched. */
export enum ExitCodeOperator {
  /** The exit code is one of the values. */
  IN = 'In',
  /** The exit code is none of the values. */
  NOT_IN = 'NotIn',
}

/** Options of {@link PodFailureRule.onExitCodes}. */
export interface ExitCodeRuleOptions {
  /** How the exit codes are matched. */
  readonly operator: ExitCodeOperator;
  /** The exit codes (1 to 255 distinct values; `0` is not allowed with `IN`). */
  readonly values: number[];
  /**
   * The container whose exit code is matched.
   * @default - any container of the pod
   */
  readonly containerName?: string;
}

/**
 * One rule of a batch Job's pod failure policy (`podFailurePolicy.rules[]`): what to do with a failed pod whose
 * container exit codes, or whose pod conditions, match.
 */
export class PodFailureRule {
  /**
   * Matches a failed pod by the exit code of its containers.
   * @param action what to do with a matching pod
   * @param options the exit codes
   */
  public static onExitCodes(action: PodFailureAction, options: ExitCodeRuleOptions): PodFailureRule {
    return new PodFailureRule(action, options, undefined);
  }

  /**
   * Matches a failed pod by one of its conditions, e.g. `DisruptionTarget` (the pod was evicted or preempted).
   * @param action what to do with a matching pod
   * @param conditionType the pod condition type
   * @param status the condition's status (`True`, `False` or `Unknown`; default `True`)
   */
  public static onPodCondition(action: PodFailureAction, conditionType: string, status?: string): PodFailureRule {
    return new PodFailureRule(action, undefined, { type: conditionType, status: status ?? 'True' });
  }

  private constructor(
    /** What to do with a matching pod. */
    public readonly action: PodFailureAction,
    private readonly exitCodes: ExitCodeRuleOptions | undefined,
    private readonly condition: { type: string; status: string } | undefined,
  ) {}

  /** @internal */
  public _render(scope: Construct, field: string): any {
    Is.enumOf(PodFailureAction, 'PodFailureAction').check(scope, `${field}.action`, this.action);
    if (this.exitCodes) {
      const e = this.exitCodes;
      const f = `${field}.onExitCodes`;
      Is.enumOf(ExitCodeOperator, 'ExitCodeOperator').check(scope, `${f}.operator`, e.operator);
      Is.arrayOf(Is.integer(0, 255), 1, MAX_EXIT_CODES).check(scope, `${f}.values`, e.values);
      if (new Set(e.values).size !== e.values.length) invalid(scope, `${f}.values`, e.values, 'must not repeat an exit code');
      if (e.operator === ExitCodeOperator.IN && e.values.includes(0)) {
        invalid(scope, `${f}.values`, e.values, 'must not contain 0 with operator IN (a pod that exits 0 has not failed)');
      }
      if (e.containerName !== undefined) Is.dnsLabel().check(scope, `${f}.containerName`, e.containerName);
      return {
        action: this.action,
        onExitCodes: { containerName: e.containerName, operator: e.operator, values: [...e.values].sort((a, b) => a - b) },
      };
    }
    const c = this.condition!;
    const f = `${field}.onPodConditions[0]`;
    Is.matching(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
      'must be a pod condition type, e.g. DisruptionTarget', 316).check(scope, `${f}.type`, c.type);
    Is.oneOf(['True', 'False', 'Unknown']).check(scope, `${f}.status`, c.status);
    return { action: this.action, onPodConditions: [{ type: c.type, status: c.status }] };
  }
}

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
   * How many pods run at once (`parallelism`).
   * @default - Kubernetes' (1)
   */
  readonly parallelism?: number;
  /**
   * How many pods must succeed for the Job to complete (`completions`).
   * @default - Kubernetes' (any one pod's success completes the Job, once all have ended); required with
   * `CompletionMode.INDEXED`
   */
  readonly completions?: number;
  /**
   * How completions are counted (`completionMode`).
   * @default CompletionMode.NON_INDEXED
   */
  readonly completionMode?: CompletionMode;
  /**
   * Retries before the Job fails (`backoffLimit`).
   * @default - Kubernetes' (6; with `backoffLimitPerIndex`, unlimited)
   */
  readonly backoffLimit?: number;
  /**
   * Retries per index before that index fails (`backoffLimitPerIndex`, `CompletionMode.INDEXED` only); other
   * indexes go on.
   * @default - one backoff limit for the whole Job
   */
  readonly backoffLimitPerIndex?: number;
  /**
   * How many indexes may fail before the whole Job fails (`maxFailedIndexes`, with `backoffLimitPerIndex`).
   * @default - the Job goes on until every index has succeeded or failed
   */
  readonly maxFailedIndexes?: number;
  /**
   * Longest the Job may run (`activeDeadlineSeconds`, at least one second). A queued Job's deadline counts from
   * admission (Kueue resets it when it unsuspends the Job).
   * @default - unlimited
   */
  readonly activeDeadline?: Duration;
  /**
   * How long a finished Job (and its pods) is kept before Kubernetes deletes it (`ttlSecondsAfterFinished`).
   * With GitOps, a deleted Job is re-created by the sync unless the tool ignores finished Jobs.
   * @default - kept until deleted
   */
  readonly ttlAfterFinished?: Duration;
  /**
   * Create the Job suspended (`suspend: true`): no pods run until it is resumed. A queued Job (`queue`) needs no
   * `suspend`: Kueue's webhook suspends it on creation and Kueue resumes it on admission (so `false` is refused with a
   * queue). Writing `true` for a queued Job, as Kueue's samples do, makes a GitOps tool that heals drift suspend it
   * again after Kueue has admitted it: leave it unset unless the tool ignores `/spec/suspend`.
   * @default - unset (not suspended; a queued Job is suspended by Kueue until admitted)
   */
  readonly suspend?: boolean;
  /**
   * Rules that decide, from a failed pod's exit codes or conditions, whether the failure fails the Job, fails its
   * index, counts against the backoff limit or is ignored (`podFailurePolicy`, at most 20 rules, the first that
   * matches applies).
   * @default - every failure counts against the backoff limit
   */
  readonly podFailurePolicy?: PodFailureRule[];
}

/** The rules of {@link BatchJobProps} besides the shared workload props. */
const BATCH_JOB_RULES = {
  initContainers: Is.arrayOf(Is.shape({}, 'must be a ContainerSpec')),
  volumes: Is.arrayOf(Is.instance('name', 'must be a PodVolume')),
  parallelism: Is.integer(0),
  completions: Is.integer(0),
  completionMode: Is.enumOf(CompletionMode, 'CompletionMode'),
  backoffLimit: Is.integer(0),
  backoffLimitPerIndex: Is.integer(0),
  maxFailedIndexes: Is.integer(0, MAX_INDEXED),
  activeDeadline: Is.duration('seconds', 1),
  ttlAfterFinished: Is.duration('seconds', 0, 2147483647),
  suspend: Is.boolean(),
  podFailurePolicy: Is.arrayOf(Is.instance('_render', 'must be a PodFailureRule, e.g. PodFailureRule.onExitCodes(...)'), 0, MAX_POD_FAILURE_RULES),
};

/**
 * A Kubernetes batch Job (`batch/v1`) on the workload model: one pod template with the library's secure defaults,
 * placed on a node pool and admitted to a Kueue queue like every workload. Its pods never restart in place
 * (`restartPolicy: Never`); the Job retries failed pods up to `backoffLimit` times (or per index), and a pod
 * failure policy can fail the Job early or ignore disruptions.
 *
 * With `queue`, the Job carries the label `kueue.x-k8s.io/queue-name`; Kueue's webhook suspends it on creation,
 * and Kueue admits it when the ClusterQueue has quota for all its pods (`parallelism` × the pod's requests), injects
 * the flavor's node labels and tolerations, and resumes it.
 *
 * As a Katib trial (`TrialTemplate.batchJob()`), it is what the Katib SDK's `tune()` and the Katib examples use.
 */
export class BatchJob extends WorkloadBase {
  /** A batch Job succeeds with condition `Complete` and fails for good with condition `Failed`. */
  public static readonly STATUS: StatusContract = BATCH_JOB_STATUS;

  /**
   * Declares a BatchJob from its spec: the JSON form of its props, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` BatchJob custom resource (quantities as strings, durations as Go durations,
   * one-of choices as `{ "<factory>": { <arguments> } }`; see docs/platform-apis.md). The workload's name is
   * derived from the construct path. An invalid spec throws the library's ValidationError naming `spec.<field>`.
   * @param spec the spec
   */
  public static fromSpec(scope: Construct, id: string, spec: any): BatchJob {
    // the controller module reads the jsii assembly: loaded on first use, not when the library is imported
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadFromSpec('BatchJob', scope, id, spec) as BatchJob;
  }

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
    checkWorkloadProps(this, props, BATCH_JOB_RULES);
    if (!Array.isArray(props.containers) || props.containers.length === 0) {
      invalid(this, 'containers', props.containers, 'a Job needs at least one container');
    }
    this.props = props;
    this.checkCounts(props);
    if (props.queue && props.suspend === false) {
      invalid(this, 'suspend', false, 'a queued Job is created suspended and resumed by Kueue when admitted; leave suspend unset (or true), or remove queue');
    }
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

  /**
   * The spec of this BatchJob: the JSON form of its props as declared, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` BatchJob custom resource — the inverse of {@link BatchJob.fromSpec}:
   * `BatchJob.fromSpec(scope, id, x.toSpec())` at the same construct path synthesizes what `x` synthesizes. `name` and
   * `namespace` are left out (a resource's metadata); node pools, queues and priority classes are written by name. A value
   * with no spec form (another construct reference, a static constant, an object not made by a static factory), or a
   * change after construction the spec cannot hold (through a pod template's methods or a JSON patch), throws the
   * library's ValidationError naming the field.
   */
  public toSpec(): any {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadToSpec('BatchJob', this, this.props);
  }

  /** The Job's pod template (rendered at synth: changes through it after construction count). */
  public get podTemplates(): PodTemplate[] {
    return [this.template];
  }

  protected renderSpec(): any {
    const p = this.props;
    const rules = p.podFailurePolicy ?? [];
    const indexed = p.completionMode === CompletionMode.INDEXED;
    const renderedRules = rules.map((r, i) => {
      if (r.action === PodFailureAction.FAIL_INDEX && p.backoffLimitPerIndex === undefined) {
        invalid(this, `podFailurePolicy[${i}].action`, r.action, 'FailIndex needs backoffLimitPerIndex');
      }
      return r._render(this, `podFailurePolicy[${i}]`);
    });
    return {
      parallelism: p.parallelism,
      completions: p.completions,
      completionMode: p.completionMode,
      backoffLimit: p.backoffLimit,
      backoffLimitPerIndex: indexed ? p.backoffLimitPerIndex : undefined,
      maxFailedIndexes: indexed ? p.maxFailedIndexes : undefined,
      activeDeadlineSeconds: wholeSeconds(this, 'activeDeadline', p.activeDeadline),
      ttlSecondsAfterFinished: wholeSeconds(this, 'ttlAfterFinished', p.ttlAfterFinished),
      suspend: p.suspend,
      podFailurePolicy: renderedRules.length ? { rules: renderedRules } : undefined,
      template: this.template.toPodTemplateSpec(this, 'main'),
    };
  }

  /** Combinations of the counts that Kubernetes refuses. */
  private checkCounts(p: BatchJobProps): void {
    const indexed = p.completionMode === CompletionMode.INDEXED;
    if (indexed) {
      if (p.completions === undefined) {
        invalid(this, 'completions', undefined, 'required with CompletionMode.INDEXED (the number of indexes)');
      }
      if (p.completions > MAX_INDEXED) invalid(this, 'completions', p.completions, `must be at most ${MAX_INDEXED} with CompletionMode.INDEXED`);
      if (p.parallelism !== undefined && p.parallelism > MAX_INDEXED) {
        invalid(this, 'parallelism', p.parallelism, `must be at most ${MAX_INDEXED} with CompletionMode.INDEXED`);
      }
    }
    if (p.backoffLimitPerIndex !== undefined && !indexed) {
      invalid(this, 'backoffLimitPerIndex', p.backoffLimitPerIndex, 'needs completionMode CompletionMode.INDEXED');
    }
    if (p.maxFailedIndexes !== undefined) {
      if (p.backoffLimitPerIndex === undefined) invalid(this, 'maxFailedIndexes', p.maxFailedIndexes, 'needs backoffLimitPerIndex');
      if (p.completions !== undefined && p.maxFailedIndexes > p.completions) {
        invalid(this, 'maxFailedIndexes', p.maxFailedIndexes, `must be at most completions (${p.completions})`);
      }
    }
  }
}
