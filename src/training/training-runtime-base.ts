import { ApiObject, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { StorageAccessMode } from './fine-tuning';
import { MlPolicy } from './ml-policy';
import { PodGroupPolicy } from './pod-group-policy';
import { ITrainingRuntime, TrainingRuntimeKind } from './training-runtime-ref';
import { TRAINER_API_VERSION } from './training-util';
import { checkProps, Is, WORKLOAD_RULES } from '../core/checks';
import { ContainerSpec, IMAGE_RULE } from '../core/container';
import { EnvVarValue } from '../core/env';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Subdomain, checkLabels, ResourceNames } from '../core/names';
import { PodTemplate, prune } from '../core/pod-template';
import { mib } from '../core/resources';
import { upstreamPin } from '../core/versions';
import { PodVolume } from '../core/volume';
import { placeWorkload, WorkloadPodOptions } from '../core/workload';

/** Label Kubeflow Trainer reads to map a replicated job to a TrainJob part. */
export const ANCESTOR_LABEL = 'trainer.kubeflow.org/trainjob-ancestor-step';
/** Label naming the framework of a runtime (read by the Kubeflow SDK). */
export const FRAMEWORK_LABEL = 'trainer.kubeflow.org/framework';
/** Name of the shared `/workspace` claim (the upstream torchtune runtimes' `initializer`). */
const WORKSPACE_CLAIM = 'initializer';
const WORKSPACE_PATH = '/workspace';

/** Order in which JobSet starts the replicated jobs (`startupPolicy.startupPolicyOrder`). */
export enum StartupOrder {
  /** All jobs start at once (JobSet's default). */
  ANY_ORDER = 'AnyOrder',
  /** Each job starts once the previous one is ready; cannot be combined with `dependsOn` (initializers, MPI). */
  IN_ORDER = 'InOrder',
}

/** A dataset or model initializer job of a runtime. */
export interface RuntimeInitializer {
  /**
   * Default storage URI (`hf://...`, `s3://...`); a TrainJob's `initializer.dataset|model.storageUri` replaces it.
   * @default - none; each TrainJob names it
   */
  readonly storageUri?: string;
  /**
   * Initializer image.
   * @default - `ghcr.io/kubeflow/trainer/dataset-initializer` or `model-initializer` at the pinned Trainer version
   */
  readonly image?: string;
  /**
   * Extra environment (secrets by reference, e.g. `HF_TOKEN`).
   * @default {}
   */
  readonly env?: { [name: string]: EnvVarValue };
}

/** The volume shared by the initializers and the trainer at `/workspace` (a JobSet `volumeClaimPolicies` claim per TrainJob). */
export interface RuntimeWorkspace {
  /**
   * Size of the claim.
   * @default Size.gibibytes(20)
   */
  readonly size?: Size;
  /**
   * Access modes; several nodes need `READ_WRITE_MANY` (or `READ_ONLY_MANY`).
   * @default [StorageAccessMode.READ_WRITE_ONCE]
   */
  readonly accessModes?: StorageAccessMode[];
  /**
   * Storage class.
   * @default - the cluster's default
   */
  readonly storageClassName?: string;
}

/**
 * Props shared by {@link TrainingRuntime} and {@link ClusterTrainingRuntime}. The pod options apply to the runtime's
 * pods: `security`, `imagePullSecrets`, `podLabels` and `podAnnotations` to every job's, `serviceAccountName`,
 * `sharedMemory` and `pool` to the trainer's (`node`, and the MPI `launcher`).
 */
export interface TrainingRuntimeBaseProps extends WorkloadPodOptions {
  /**
   * Name of the runtime (a DNS-1123 subdomain), as TrainJobs reference it.
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Framework policy (`mlPolicy`).
   * @default MlPolicy.torch()
   */
  readonly mlPolicy?: MlPolicy;
  /**
   * Default number of training nodes (`mlPolicy.numNodes`); a TrainJob's `trainer.numNodes` replaces it.
   * @default 1
   */
  readonly numNodes?: number;
  /**
   * `trainer.kubeflow.org/framework` label (the Kubeflow SDK shows it and picks trainers by it), e.g. `deepspeed`.
   * @default - the policy's: `torch`, `mpi`, `jax`, `xgboost` or `flux`
   */
  readonly frameworkLabel?: string;
  /**
   * The trainer container, named `node` (Trainer puts the TrainJob's image, command, args, env and resources into
   * it). With `MlPolicy.mpi()` it is the `node` (sshd) container and the `launcher` runs the same image without
   * its command, args and probes.
   */
  readonly trainer: ContainerSpec;
  /**
   * Dataset initializer job (`dataset-initializer`): downloads into `/workspace/dataset` before training.
   * @default - none
   */
  readonly datasetInitializer?: RuntimeInitializer;
  /**
   * Model initializer job (`model-initializer`): downloads into `/workspace/model` before training.
   * @default - none
   */
  readonly modelInitializer?: RuntimeInitializer;
  /**
   * The `/workspace` claim (created only with an initializer).
   * @default - 20Gi ReadWriteOnce
   */
  readonly workspace?: RuntimeWorkspace;
  /**
   * Gang scheduling of the pods (`podGroupPolicy`).
   * @default - none
   */
  readonly podGroupPolicy?: PodGroupPolicy;
  /**
   * Times JobSet recreates all jobs after a failure (`failurePolicy.maxRestarts`).
   * @default 0
   */
  readonly maxRestarts?: number;
  /**
   * Startup order of the replicated jobs.
   * @default StartupOrder.ANY_ORDER
   */
  readonly startupOrder?: StartupOrder;
  /**
   * Labels of the runtime object.
   * @default {}
   */
  readonly labels?: { [key: string]: string };
}

/** Field names of a runtime job's pod template after the props the user wrote (`prop` holds the container). */
function podFields(prop: string): { [templatePath: string]: string } {
  return { '': '', 'labels': 'podLabels', 'annotations': 'podAnnotations', 'containers[0]': prop };
}

interface RenderedJob {
  readonly name: string;
  readonly containers: string[];
  readonly json: any;
}

/**
 * A Kubeflow Trainer v2 runtime defined in this app: `mlPolicy`, optional `podGroupPolicy`, and a JobSet
 * (`jobset.x-k8s.io/v1alpha2`, JobSet v0.12.0 must be installed) with the trainer job `node`, optional
 * `dataset-initializer` and `model-initializer` jobs sharing a `/workspace` claim, and (MPI) a `launcher` job.
 * Every pod is rendered through `PodTemplate` (restricted Pod Security by default).
 */
export abstract class TrainingRuntimeBase extends Construct implements ITrainingRuntime {
  /** The runtime object. */
  public readonly apiObject: ApiObject;
  /** Name of the runtime. */
  public readonly runtimeName: string;
  /** Kind of the runtime. */
  public abstract readonly runtimeKind: TrainingRuntimeKind;
  /** Names of the replicated jobs, in order. */
  public readonly replicatedJobNames: string[];
  /** `trainer.kubeflow.org/framework` label. */
  public readonly frameworkLabel: string;
  /** The framework policy. */
  public readonly mlPolicy: MlPolicy;
  /** Namespace of a namespaced runtime. */
  public abstract readonly runtimeNamespace?: string;

  protected constructor(scope: Construct, id: string, kind: TrainingRuntimeKind, props: TrainingRuntimeBaseProps, namespace?: string) {
    super(scope, id);
    const initializer = Is.shape({
      storageUri: Is.string({ nonEmpty: true }),
      image: IMAGE_RULE,
      env: Is.present('must be a map of environment variable names to EnvVarValues'),
    }, 'must be a RuntimeInitializer: { storageUri?, image?, env? }');
    checkProps(this, props, {
      ...WORKLOAD_RULES,
      name: Is.dnsSubdomain(),
      mlPolicy: Is.instance('defaultFrameworkLabel', 'must be an MlPolicy, e.g. MlPolicy.torch()'),
      numNodes: Is.integer(1, 2147483647),
      frameworkLabel: Is.string(),
      trainer: Is.required(Is.shape({}, 'must be a container: { image, command?, ... }')),
      datasetInitializer: initializer,
      modelInitializer: initializer,
      workspace: Is.shape({
        size: Is.size(),
        accessModes: Is.arrayOf(Is.enumOf(StorageAccessMode, 'StorageAccessMode')),
        storageClassName: Is.dnsSubdomain(),
      }, 'must be a RuntimeWorkspace: { size?, accessModes?, storageClassName? }'),
      podGroupPolicy: Is.instance('_render', 'must be a PodGroupPolicy, e.g. PodGroupPolicy.coscheduling()'),
      maxRestarts: Is.integer(0, 2147483647),
      startupOrder: Is.enumOf(StartupOrder, 'StartupOrder'),
    }, '', true);
    this.runtimeName = props.name ?? ResourceNames.uniqueLabel(this);
    checkDns1123Subdomain(this, 'name', this.runtimeName);
    checkLabels(this, 'labels', props.labels);
    this.mlPolicy = props.mlPolicy ?? MlPolicy.torch();
    this.frameworkLabel = props.frameworkLabel ?? this.mlPolicy.defaultFrameworkLabel;
    checkLabels(this, 'frameworkLabel', { [FRAMEWORK_LABEL]: this.frameworkLabel });
    const numNodes = props.numNodes ?? 1;
    checkInteger(this, 'numNodes', numNodes, 1, 2147483647);
    checkInteger(this, 'maxRestarts', props.maxRestarts, 0, 2147483647);
    if (props.trainer.name !== undefined && props.trainer.name !== 'node') {
      invalid(this, 'trainer.name', props.trainer.name, "the trainer container is named 'node': Kubeflow Trainer puts the TrainJob's image, command and resources into it");
    }

    const initializers = ([['dataset-initializer', props.datasetInitializer], ['model-initializer', props.modelInitializer]] as const)
      .filter((e): e is ['dataset-initializer' | 'model-initializer', RuntimeInitializer] => e[1] !== undefined);
    const ws = props.workspace;
    if (ws && initializers.length === 0) {
      invalid(this, 'workspace', ws, 'the /workspace claim is shared with initializers; add datasetInitializer or modelInitializer (or mount a volume in trainer)');
    }
    const accessModes = ws?.accessModes ?? [StorageAccessMode.READ_WRITE_ONCE];
    const manyNodes = accessModes.some(m => m === StorageAccessMode.READ_WRITE_MANY || m === StorageAccessMode.READ_ONLY_MANY);
    if (initializers.length && numNodes > 1 && !manyNodes) {
      invalid(this, 'workspace.accessModes', accessModes, `${numNodes} nodes mount /workspace from different machines; add StorageAccessMode.READ_WRITE_MANY or READ_ONLY_MANY`);
    }
    const workspaceMount = { volume: PodVolume.fromPersistentVolumeClaim(WORKSPACE_CLAIM, WORKSPACE_CLAIM), path: WORKSPACE_PATH };

    const trainerMounts = [...(props.trainer.volumeMounts ?? [])];
    if (initializers.length) {
      const clash = trainerMounts.find(m => m.path === WORKSPACE_PATH || m.volume.name === WORKSPACE_CLAIM);
      if (clash) invalid(this, 'trainer.volumeMounts', clash.path, `with initializers, '${WORKSPACE_CLAIM}' is mounted at ${WORKSPACE_PATH}; use another name and path`);
      trainerMounts.push(workspaceMount);
    }
    const pods = { security: props.security, imagePullSecrets: props.imagePullSecrets, labels: props.podLabels, annotations: props.podAnnotations };
    const trainerTemplate = (c: ContainerSpec) => {
      const t = new PodTemplate({
        ...pods,
        containers: [{ ...c, name: 'node', volumeMounts: trainerMounts }],
        sharedMemory: props.sharedMemory ?? true,
        serviceAccountName: props.serviceAccountName,
      });
      t._nameFields(podFields('trainer'));
      return t;
    };
    const node = trainerTemplate(props.trainer);
    placeWorkload(this, 'pool', node, props.pool, { runToCompletion: true });

    const version = upstreamPin('trainer').version;
    const jobs: RenderedJob[] = initializers.map(([name, init]) => {
      if (init.storageUri !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\/.+$/.test(init.storageUri)) {
        invalid(this, `${name === 'dataset-initializer' ? 'datasetInitializer' : 'modelInitializer'}.storageUri`, init.storageUri,
          "must be a URI such as 'hf://org/name' or 's3://bucket/prefix'");
      }
      const template = new PodTemplate({
        ...pods,
        containers: [{
          name,
          image: init.image ?? `ghcr.io/kubeflow/trainer/${name}:v${version}`,
          env: {
            ...(init.storageUri ? { STORAGE_URI: EnvVarValue.fromValue(init.storageUri) } : {}),
            HF_HOME: EnvVarValue.fromValue(`${WORKSPACE_PATH}/.cache/huggingface`),
            ...(init.env ?? {}),
          },
          volumeMounts: [workspaceMount],
        }],
      });
      template._nameFields(podFields(name === 'dataset-initializer' ? 'datasetInitializer' : 'modelInitializer'));
      return this.job(name, [name], name, template);
    });
    const deps = initializers.map(([name]) => ({ name, status: 'Complete' }));
    if (this.mlPolicy.isMpi) {
      // as the upstream DeepSpeed/MLX runtimes: `node` runs sshd, the `launcher` (the TrainJob's trainer) runs mpirun once the nodes are ready
      jobs.push(this.job('node', ['node'], undefined, node, deps));
      const { command: _c, args: _a, readiness: _r, liveness: _l, startup: _s, ...launcher } = props.trainer;
      const launcherTemplate = trainerTemplate(launcher);
      placeWorkload(this, 'pool', launcherTemplate, props.pool, { runToCompletion: true });
      jobs.push(this.job('launcher', ['node'], 'trainer', launcherTemplate, [{ name: 'node', status: 'Ready' }]));
    } else {
      jobs.push(this.job('node', ['node'], 'trainer', node, deps));
    }
    const jobMap = new Map(jobs.map(j => [j.name, j.containers]));
    this.mlPolicy._validate(this, 'mlPolicy', jobMap);
    this.replicatedJobNames = jobs.map(j => j.name);

    const startupOrder = props.startupOrder;
    const dependent = jobs.find(j => j.json.dependsOn);
    if (startupOrder === StartupOrder.IN_ORDER && dependent) {
      // CEL (JobSet spec): StartupPolicy and DependsOn APIs are mutually exclusive
      invalid(this, 'startupOrder', startupOrder, `StartupPolicy and DependsOn APIs are mutually exclusive: job '${dependent.name}' depends on `
        + `${dependent.json.dependsOn.map((d: any) => `'${d.name}'`).join(', ')} (initializers, MPI launcher); leave startupOrder unset`);
    }

    const spec = {
      // the policy is set apart from prune, which would drop the empty objects (`torch: {}`, `volcano: {}`) that select it
      mlPolicy: { numNodes, [this.mlPolicy.kind]: prune(this.mlPolicy._render()) },
      ...(props.podGroupPolicy ? { podGroupPolicy: props.podGroupPolicy._render(this, 'podGroupPolicy') } : {}),
      template: prune({
        spec: {
          network: this.mlPolicy.isMpi ? { publishNotReadyAddresses: true } : undefined,
          startupPolicy: startupOrder ? { startupPolicyOrder: startupOrder } : undefined,
          successPolicy: this.mlPolicy.isMpi ? { operator: 'All', targetReplicatedJobs: ['launcher'] } : undefined,
          failurePolicy: props.maxRestarts !== undefined ? { maxRestarts: props.maxRestarts } : undefined,
          volumeClaimPolicies: initializers.length ? [{
            templates: [{
              metadata: { name: WORKSPACE_CLAIM },
              spec: {
                accessModes,
                storageClassName: ws?.storageClassName,
                resources: { requests: { storage: mib(ws?.size ?? Size.gibibytes(20)) } },
              },
            }],
          }] : undefined,
          replicatedJobs: jobs.map(j => j.json),
        },
      }),
    };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: TRAINER_API_VERSION,
      kind,
      metadata: { name: this.runtimeName, namespace, labels: { ...(props.labels ?? {}), [FRAMEWORK_LABEL]: this.frameworkLabel } },
      spec,
    });
    const annotations = node.securityAnnotations;
    for (const [k, v] of Object.entries(annotations)) this.apiObject.metadata.addAnnotation(k, v);
  }

  /** Renders one replicated job (one replica; Trainer sets the trainer job's parallelism to the node count). */
  private job(name: string, containers: string[], ancestor: string | undefined, template: PodTemplate, dependsOn?: any[]): RenderedJob {
    const pod = template.toPodTemplateSpec(this, containers[0]);
    // JobSet adds the volume of a volumeClaimPolicies claim; the pod must not declare one of that name
    const volumes = (pod.spec.volumes ?? []).filter((v: any) => v.name !== WORKSPACE_CLAIM);
    pod.spec.volumes = volumes.length ? volumes : undefined;
    return {
      name,
      containers,
      json: prune({
        name,
        replicas: 1,
        dependsOn: dependsOn?.length ? dependsOn : undefined,
        template: {
          metadata: ancestor ? { labels: { [ANCESTOR_LABEL]: ancestor } } : undefined,
          spec: { template: pod },
        },
      }),
    };
  }
}
