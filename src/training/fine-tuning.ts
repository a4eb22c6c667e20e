import { ApiObject, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { DistributedTraining, DistributedTrainingProps, TRAINING_WORKER_RULES, TrainingWorkerOptions } from './distributed-training';
import { TrainingBackend } from './training-backend';
import { TrainingFramework } from './training-framework';
import { TrainingRuntimeRef } from './training-runtime-ref';
import { reportAs } from './training-util';
import { QueueOptions } from '../compute/queue-options';
import { checkWorkloadProps, Is } from '../core/checks';
import { ContainerSpec } from '../core/container';
import { EnvVarValue } from '../core/env';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Subdomain } from '../core/names';
import { PodTemplate, prune } from '../core/pod-template';
import { ComputeResources, mib } from '../core/resources';
import { StatusContract, WorkloadStatus } from '../core/status-contract';
import { PodVolume } from '../core/volume';
import { WorkloadBase, WorkloadMetadataProps, WorkloadPodOptions } from '../core/workload';

/** The `transformers` Auto class the Hugging Face trainer loads the model with (the SDK's `transformer_type`). */
export enum TransformerType {
  /** `AutoModelForSequenceClassification`. */
  SEQUENCE_CLASSIFICATION = 'AutoModelForSequenceClassification',
  /** `AutoModelForTokenClassification`. */
  TOKEN_CLASSIFICATION = 'AutoModelForTokenClassification',
  /** `AutoModelForQuestionAnswering`. */
  QUESTION_ANSWERING = 'AutoModelForQuestionAnswering',
  /** `AutoModelForCausalLM`. */
  CAUSAL_LM = 'AutoModelForCausalLM',
  /** `AutoModelForMaskedLM`. */
  MASKED_LM = 'AutoModelForMaskedLM',
  /** `AutoModelForImageClassification`. */
  IMAGE_CLASSIFICATION = 'AutoModelForImageClassification',
}

/** Which biases LoRA trains (peft `bias`). */
export enum LoraBias {
  /** No biases. */
  NONE = 'none',
  /** All biases. */
  ALL = 'all',
  /** Only the biases of LoRA layers. */
  LORA_ONLY = 'lora_only',
}

/** Access modes of the fine-tuning volume. */
export enum StorageAccessMode {
  /** Read-write by pods on one node. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Read-only by pods on many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Read-write by pods on many nodes. */
  READ_WRITE_MANY = 'ReadWriteMany',
  /** Read-write by one pod. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
}

/** A pre-trained Hugging Face model (the SDK's `HuggingFaceModelParams` / `HuggingFaceModelInitializer`). */
export interface HuggingFaceModel {
  /** Model URI, `hf://<org>/<model>`. */
  readonly uri: string;
  /**
   * The `transformers` Auto class (Training Operator v1 only, where it is required).
   * @default - none
   */
  readonly transformerType?: TransformerType;
  /**
   * Number of labels of a classification head (Training Operator v1 only).
   * @default - the model's
   */
  readonly numLabels?: number;
}

/** A Hugging Face dataset (the SDK's `HuggingFaceDatasetParams`). */
export interface HuggingFaceDataset {
  /** Dataset repository, e.g. `yelp_review_full` or `tatsu-lab/alpaca`. */
  readonly repoId: string;
  /**
   * Split to download, e.g. `train[:3000]`.
   * @default - all splits
   */
  readonly split?: string;
}

/** LoRA settings (peft `LoraConfig`; for Trainer v2 mapped to torchtune's `model.lora_*` overrides). */
export interface LoraSettings {
  /**
   * Rank of the update matrices.
   * @default 8
   */
  readonly r?: number;
  /**
   * Scaling factor.
   * @default 8
   */
  readonly alpha?: number;
  /**
   * Dropout of the LoRA layers, from 0 to 1.
   * @default 0
   */
  readonly dropout?: number;
  /**
   * Which biases are trained (Training Operator v1 only).
   * @default LoraBias.NONE
   */
  readonly bias?: LoraBias;
  /**
   * Modules LoRA is applied to (v1: peft `target_modules`; v2: torchtune `model.lora_attn_modules`, any of
   * `q_proj`, `k_proj`, `v_proj`, `output_proj`).
   * @default - v1: peft's choice for the model; v2: q_proj, v_proj, output_proj
   */
  readonly targetModules?: string[];
}

/** The volume the model and dataset are downloaded to (the SDK's `storage_config`). */
export interface FineTuningStorage {
  /**
   * Size.
   * @default Size.gibibytes(10)
   */
  readonly size?: Size;
  /**
   * Access modes. Several workers need ReadOnlyMany or ReadWriteMany: they run on separate nodes.
   * @default [READ_WRITE_ONCE, READ_ONLY_MANY] (the SDK's default)
   */
  readonly accessModes?: StorageAccessMode[];
  /**
   * StorageClass.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/** Props of {@link FineTuning}. `name` names the job (and, with the Training Operator v1, its PVC). */
export interface FineTuningProps extends WorkloadMetadataProps, WorkloadPodOptions, QueueOptions, TrainingWorkerOptions {
  /**
   * API the fine-tune is rendered for. v1 runs any Hugging Face model with the Kubeflow Hugging Face trainer
   * (what `TrainingClient().train()` creates; its run policy options apply); v2 runs a torchtune runtime
   * (`TrainingBackend.trainerV2({ runtime })`, by default the built-in one of the model; its initializers come
   * from `model` and `dataset`).
   * @default TrainingBackend.trainingOperatorV1()
   */
  readonly backend?: TrainingBackend;
  /** The pre-trained model. */
  readonly model: HuggingFaceModel;
  /** The dataset. */
  readonly dataset: HuggingFaceDataset;
  /**
   * LoRA settings.
   * @default - LoRA with peft's defaults (r 8, alpha 8, dropout 0)
   */
  readonly lora?: LoraSettings;
  /**
   * Hugging Face `TrainingArguments` (Training Operator v1 only), e.g. `{ output_dir: '/workspace/output', num_train_epochs: 1 }`.
   * A relative `output_dir` resolves in the trainer image's working directory, which the non-root user cannot write:
   * prefer a path under `/workspace`. Written as JSON with the keys sorted (the same from every language and from a
   * custom resource).
   * @default { output_dir: '/workspace/output' }
   */
  readonly trainingArguments?: { [key: string]: any };
  /**
   * Extra torchtune config overrides, `key=value` (Trainer v2 only), e.g. `['epochs=2', 'batch_size=4']`.
   * @default []
   */
  readonly torchtuneOverrides?: string[];
  /**
   * Volume the model and dataset are downloaded to (Training Operator v1; the v2 runtimes bring their own).
   * @default - 10 GiB, ReadWriteOnce + ReadOnlyMany, default StorageClass
   */
  readonly storage?: FineTuningStorage;
  /**
   * Hugging Face token for gated models and datasets, set as `HF_TOKEN` on the containers that download
   * (v1: the storage initializer; v2: both initializers); must reference a Secret.
   * @default - none
   */
  readonly hfToken?: EnvVarValue;
  /**
   * Image of the storage initializer (v1).
   * @default 'ghcr.io/kubeflow/training-v1/storage-initializer' (the SDK's default)
   */
  readonly storageInitializerImage?: string;
  /**
   * Image of the Hugging Face trainer (v1).
   * @default 'ghcr.io/kubeflow/training-v1/trainer-huggingface' (the SDK's default)
   */
  readonly trainerImage?: string;
}

/** Mount path of the storage initializer volume (`kubeflow.storage_initializer.constants.INIT_CONTAINER_MOUNT_PATH`). */
const WORKSPACE = '/workspace';
const STORAGE_INITIALIZER = 'storage-initializer';
const TORCHTUNE_ATTN_MODULES = ['q_proj', 'k_proj', 'v_proj', 'output_proj'];
/** Config keys the torchtune runtimes manage (Kubeflow Trainer `TorchTuneImmutableConfigs`). */
const TORCHTUNE_IMMUTABLE = ['output_dir', 'tokenizer.path', 'checkpointer.checkpoint_dir', 'tokenizer.merges_file'];
const TORCHTUNE_MODELS: Record<string, string> = {
  'hf://meta-llama/Llama-3.2-1B-Instruct': 'torchtune-llama3.2-1b',
  'hf://meta-llama/Llama-3.2-3B-Instruct': 'torchtune-llama3.2-3b',
  'hf://Qwen/Qwen2.5-1.5B-Instruct': 'torchtune-qwen2.5-1.5b',
};
/** The composed job's pod template paths, named after FineTuning's props. */
const FIELD_NAMES = {
  '': '',
  'labels': 'podLabels',
  'annotations': 'podAnnotations',
  'containers[0]': '',
  'containers[0].image': 'trainerImage',
  'containers[0].resources': 'resourcesPerWorker',
  'initContainers[0].image': 'storageInitializerImage',
  'initContainers[0].env.HF_TOKEN': 'hfToken',
};
/** The composed job's other fields, named after FineTuning's props. */
const RENAMED: Record<string, string> = {
  'backend.datasetInitializer.env.HF_TOKEN': 'hfToken',
  'backend.modelInitializer.env.HF_TOKEN': 'hfToken',
};

/**
 * LLM fine-tuning with LoRA on a Hugging Face model and dataset, composed on {@link DistributedTraining}.
 *
 * With the Training Operator v1 (the default) it emits what the Kubeflow training SDK's `TrainingClient().train()`
 * creates: a PersistentVolumeClaim named like the job and a PyTorchJob whose master runs the `storage-initializer`
 * init container (downloads model and dataset to `/workspace`) and every replica runs the Hugging Face trainer as
 * container `pytorch` with the same arguments. With Kubeflow Trainer v2 it emits a TrainJob on a built-in torchtune
 * runtime, with the LoRA settings as torchtune overrides and the model and dataset as initializers.
 *
 * `resourcesPerWorker` is mapped as the SDKs map `resources_per_worker`: every quantity is both the request and the
 * limit (`{ cpu: Cpu.units(5), memory: Memory.gigabytes(10), accelerator: Accelerator.nvidia({ count: 1 }) }` is
 * `{"cpu": 5, "memory": "10G", "gpu": 1}`: requests and limits of cpu `5`, memory `10G`, nvidia.com/gpu `1`); set
 * `limitsEqualRequests: false` in it for the library's usual rendering (no CPU limit, accelerators as limits only).
 *
 * Differences from the SDK, for security (docs/training.md lists them): pods run as uid 1000 under the restricted
 * Pod Security Standard (pod and container security contexts, no service account token), with `HF_HOME` on the
 * volume so the non-root user can cache (and an `output_dir` under `/workspace`, which the non-root user can write);
 * a token is passed as `HF_TOKEN` from a Secret, never inlined in the arguments. Beyond the SDK, a memory-backed
 * `/dev/shm` is mounted unless `sharedMemory` is false.
 */
export class FineTuning extends WorkloadBase {
  /** The storage initializer image the SDK uses by default. */
  public static readonly STORAGE_INITIALIZER_IMAGE = 'ghcr.io/kubeflow/training-v1/storage-initializer';
  /** The Hugging Face trainer image the SDK uses by default. */
  public static readonly TRAINER_IMAGE = 'ghcr.io/kubeflow/training-v1/trainer-huggingface';

  /**
   * Declares a FineTuning from its spec: the JSON form of its props, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` FineTuning custom resource (quantities as strings, durations as Go durations,
   * one-of choices as `{ "<factory>": { <arguments> } }`; see docs/platform-apis.md). The workload's name is
   * derived from the construct path. An invalid spec throws the library's ValidationError naming `spec.<field>`.
   * @param spec the spec
   */
  public static fromSpec(scope: Construct, id: string, spec: any): FineTuning {
    // the controller module reads the jsii assembly: loaded on first use, not when the library is imported
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadFromSpec('FineTuning', scope, id, spec) as FineTuning;
  }

  /** The job (PyTorchJob or TrainJob): the composed training's job object. */
  public readonly apiObject: ApiObject;
  /** The PersistentVolumeClaim (Training Operator v1 only), a supporting object. */
  public readonly claim?: ApiObject;
  /** The distributed training that renders the job. */
  public readonly training: DistributedTraining;
  /** The API the fine-tune is rendered for. */
  public readonly backend: TrainingBackend;

  constructor(scope: Construct, id: string, props: FineTuningProps) {
    super(scope, id, props ?? {});
    checkWorkloadProps(this, props, {
      ...TRAINING_WORKER_RULES,
      backend: Is.instance('apiName', 'must be a TrainingBackend, e.g. TrainingBackend.trainerV2()'),
      model: Is.required(Is.shape({
        uri: Is.required(Is.string()),
        transformerType: Is.enumOf(TransformerType, 'TransformerType'),
        numLabels: Is.integer(1, 2147483647),
      }, "must be a HuggingFaceModel: { uri: 'hf://<org>/<model>', transformerType?, numLabels? }")),
      dataset: Is.required(Is.shape({ repoId: Is.required(Is.string()), split: Is.string() }, 'must be a HuggingFaceDataset: { repoId, split? }')),
      lora: Is.shape({
        r: Is.integer(1, 2147483647),
        alpha: Is.integer(1, 2147483647),
        bias: Is.enumOf(LoraBias, 'LoraBias'),
        targetModules: Is.arrayOf(Is.string({ nonEmpty: true })),
      }, 'must be LoraSettings'),
      trainingArguments: Is.mapOf(Is.json()),
      torchtuneOverrides: Is.arrayOf(Is.string({ nonEmpty: true })),
      storage: Is.shape({
        size: Is.size(),
        accessModes: Is.arrayOf(Is.enumOf(StorageAccessMode, 'StorageAccessMode')),
        storageClassName: Is.dnsSubdomain(),
      }, 'must be FineTuningStorage: { size?, accessModes?, storageClassName? }'),
      hfToken: Is.instance('_render', "must be an EnvVarValue, e.g. EnvVarValue.fromSecretKey('hf-token', 'token')"),
      storageInitializerImage: Is.string(),
      trainerImage: Is.string(),
    });
    this.backend = props.backend ?? TrainingBackend.trainingOperatorV1();
    this.backend._check(this, 'backend');
    const workers = props.workers ?? 1;
    if (!/^hf:\/\/[^/\s]+\/[^\s]+$/.test(props.model.uri)) {
      invalid(this, 'model.uri', props.model.uri, "must be a Hugging Face model URI 'hf://<org>/<model>'");
    }
    if (!props.dataset.repoId || /\s|^hf:\/\//.test(props.dataset.repoId)) {
      invalid(this, 'dataset.repoId', props.dataset.repoId, "must be a Hugging Face dataset repository such as 'yelp_review_full' or 'tatsu-lab/alpaca' (no 'hf://')");
    }
    const lora = props.lora ?? {};
    checkInteger(this, 'lora.r', lora.r, 1);
    checkInteger(this, 'lora.alpha', lora.alpha, 1);
    if (lora.dropout !== undefined && (typeof lora.dropout !== 'number' || !(lora.dropout >= 0 && lora.dropout < 1))) {
      invalid(this, 'lora.dropout', lora.dropout, 'must be at least 0 and below 1');
    }
    if (lora.targetModules !== undefined && lora.targetModules.length === 0) {
      invalid(this, 'lora.targetModules', [], 'name at least one module, or leave it unset');
    }

    const v1 = this.backend.isTrainingOperatorV1;
    const job = v1 ? this.pyTorchJob(props) : this.trainJob(props, workers);
    if (v1) this.claim = this.renderClaim(props, workers);
    try {
      this.training = DistributedTraining._compose(this, 'Job', {
        name: this.name,
        namespace: props.namespace,
        labels: props.labels,
        annotations: props.annotations,
        framework: TrainingFramework.pyTorch(),
        workers,
        resourcesPerWorker: sdkResources(props.resourcesPerWorker),
        security: props.security,
        serviceAccountName: props.serviceAccountName,
        imagePullSecrets: props.imagePullSecrets,
        sharedMemory: props.sharedMemory ?? true,
        pool: props.pool,
        podLabels: props.podLabels,
        podAnnotations: props.podAnnotations,
        queue: props.queue,
        priorityClass: props.priorityClass,
        ...job.props,
      }, {
        owner: this,
        rename: f => RENAMED[f] ?? f,
        fieldNames: FIELD_NAMES,
        leaderInitContainers: job.leaderInitContainers,
        sdkRunPolicy: true,
        checkInitializerJobs: false,
      });
    } catch (e) {
      throw reportAs(e, this, f => RENAMED[f] ?? f);
    }
    this.apiObject = this.training.apiObject;
  }

  /**
   * The spec of this FineTuning: the JSON form of its props as declared, as in the `spec` of a
   * `platform.ai.cdk8s.io/v1alpha1` FineTuning custom resource — the inverse of {@link FineTuning.fromSpec}:
   * `FineTuning.fromSpec(scope, id, x.toSpec())` at the same construct path synthesizes what `x` synthesizes. `name` and
   * `namespace` are left out (a resource's metadata); node pools, queues and priority classes are written by name. A value
   * with no spec form (another construct reference, a static constant, an object not made by a static factory), or a
   * change after construction the spec cannot hold (through a pod template's methods or a JSON patch), throws the
   * library's ValidationError naming the field.
   */
  public toSpec(): any {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../controller/kinds').workloadToSpec('FineTuning', this, this.metadataProps);
  }

  /** Conditions `Succeeded` (v1) or `Complete` (TrainJob) and `Failed`, on the job. */
  public get statusContract(): StatusContract {
    return this.training.statusContract;
  }

  /** The job's pod templates (rendered at synth: changes after construction count). */
  public get podTemplates(): PodTemplate[] {
    return this.training.podTemplates;
  }

  /** `pytorch` (v1) or `node` (TrainJob). */
  public get primaryContainerName(): string {
    return this.training.primaryContainerName;
  }

  /** How to read the job's outcome (a job put in a queue's namespace is read there). */
  public get status(): WorkloadStatus {
    return this.training.status;
  }

  /** The job's spec is rendered by the composed training (at synth). */
  protected renderSpec(): any {
    return undefined;
  }

  private renderClaim(props: FineTuningProps, workers: number): ApiObject {
    const storage = props.storage ?? {};
    const modes = storage.accessModes ?? [StorageAccessMode.READ_WRITE_ONCE, StorageAccessMode.READ_ONLY_MANY];
    if (modes.length === 0) invalid(this, 'storage.accessModes', [], 'name at least one access mode');
    if (workers > 1 && !modes.some(m => m === StorageAccessMode.READ_ONLY_MANY || m === StorageAccessMode.READ_WRITE_MANY)) {
      invalid(this, 'storage.accessModes', modes, `${workers} workers run on separate nodes and all mount the volume; `
        + 'add ReadOnlyMany or ReadWriteMany (and use a StorageClass that supports it), or use one worker');
    }
    checkDns1123Subdomain(this, 'storage.storageClassName', storage.storageClassName);
    return new ApiObject(this, 'Storage', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: this.name, namespace: props.namespace },
      spec: prune({
        accessModes: modes,
        resources: { requests: { storage: mib(storage.size ?? Size.gibibytes(10)) } },
        storageClassName: storage.storageClassName,
      }),
    });
  }

  /** The Hugging Face trainer on every replica, the storage initializer on the master (as the SDK). */
  private pyTorchJob(props: FineTuningProps): ComposedJob {
    if (props.torchtuneOverrides !== undefined) {
      invalid(this, 'torchtuneOverrides', props.torchtuneOverrides, 'exists only in Kubeflow Trainer v2 (TrainingBackend.trainerV2())');
    }
    const model = props.model;
    if (!model.transformerType) {
      invalid(this, 'model.transformerType', undefined, 'the Hugging Face trainer needs the transformers Auto class, e.g. TransformerType.SEQUENCE_CLASSIFICATION');
    }
    checkInteger(this, 'model.numLabels', model.numLabels, 1);
    const volume = PodVolume.fromPersistentVolumeClaim(STORAGE_INITIALIZER, this.name);
    const mount = { volume, path: WORKSPACE };
    const hfHome = EnvVarValue.fromValue(`${WORKSPACE}/.cache/huggingface`);
    const lora = props.lora ?? {};
    const loraConfig = prune({
      r: lora.r, lora_alpha: lora.alpha, lora_dropout: lora.dropout, bias: lora.bias, target_modules: lora.targetModules,
    });
    return {
      props: {
        backend: this.backend,
        image: props.trainerImage ?? FineTuning.TRAINER_IMAGE,
        args: [
          '--model_uri', model.uri,
          '--transformer_type', model.transformerType,
          '--num_labels', model.numLabels === undefined ? 'None' : String(model.numLabels),
          '--model_dir', `${WORKSPACE}/model`,
          '--dataset_dir', `${WORKSPACE}/dataset`,
          '--lora_config', pyJson(loraConfig),
          // keys sorted: the same argument from every language (Go maps have no order) and from a custom resource (the
          // API server stores maps sorted); the trainer reads it with TrainingArguments(**json), where order is moot
          '--training_parameters', pyJson(sortedKeys(props.trainingArguments ?? { output_dir: `${WORKSPACE}/output` })),
        ],
        env: { HF_HOME: hfHome, ...(props.env ?? {}) },
        processesPerWorker: props.processesPerWorker ?? 1,
        volumeMounts: [mount],
        podAnnotations: { 'sidecar.istio.io/inject': 'false', ...(props.podAnnotations ?? {}) },
      },
      leaderInitContainers: [{
        name: STORAGE_INITIALIZER,
        image: props.storageInitializerImage ?? FineTuning.STORAGE_INITIALIZER_IMAGE,
        args: [
          '--model_provider', 'hf',
          '--model_provider_parameters', pyJson({ model_uri: model.uri, transformer_type: model.transformerType, access_token: null, num_labels: model.numLabels ?? null }),
          '--dataset_provider', 'hf',
          '--dataset_provider_parameters', pyJson({ repo_id: props.dataset.repoId, access_token: null, split: props.dataset.split ?? null }),
        ],
        env: { HF_HOME: hfHome, ...(props.hfToken ? { HF_TOKEN: props.hfToken } : {}) },
        volumeMounts: [mount],
      }],
    };
  }

  /** A torchtune runtime: LoRA as torchtune overrides, the model and dataset as initializers. */
  private trainJob(props: FineTuningProps, workers: number): ComposedJob {
    const v1Only: Array<[string, unknown]> = [
      ['model.transformerType', props.model.transformerType],
      ['model.numLabels', props.model.numLabels],
      ['lora.bias', props.lora?.bias],
      ['trainingArguments', props.trainingArguments],
      ['storage', props.storage],
      ['storageInitializerImage', props.storageInitializerImage],
      ['trainerImage', props.trainerImage],
    ];
    for (const [field, value] of v1Only) {
      if (value !== undefined) {
        invalid(this, field, value, 'exists only in the Training Operator v1 rendering (TrainingBackend.trainingOperatorV1()); '
          + 'Trainer v2 torchtune runtimes bring their own images and volume and take torchtuneOverrides');
      }
    }
    const v2 = this.backend._v2!;
    for (const [field, src] of [['datasetInitializer', v2.datasetInitializer], ['modelInitializer', v2.modelInitializer]] as const) {
      if (src) invalid(this, `backend.${field}`, src.storageUri, 'FineTuning downloads the model and dataset it is given; set model and dataset');
    }
    const builtIn = TORCHTUNE_MODELS[props.model.uri];
    const runtime = v2.runtime ? TrainingRuntimeRef._of(v2.runtime) : (builtIn ? TrainingRuntimeRef.builtIn(builtIn) : undefined);
    if (!runtime) {
      invalid(this, 'model.uri', props.model.uri, `Kubeflow Trainer v2 fine-tunes with built-in torchtune runtimes only for ${Object.keys(TORCHTUNE_MODELS).map(m => `'${m}'`).join(', ')}; `
        + 'pass TrainingBackend.trainerV2({ runtime }) for another one, or render with TrainingBackend.trainingOperatorV1()');
    }
    runtime._validate(this, 'backend.runtime');
    if (runtime.isBuiltIn && !runtime.isTorchTune) {
      invalid(this, 'backend.runtime', runtime.runtimeName, `fine-tuning needs a torchtune runtime (${TrainingRuntimeRef.builtInNames().filter(n => n.startsWith('torchtune-')).join(', ')})`);
    }
    if (workers > 1) {
      invalid(this, 'workers', workers, 'torchtune LoRA fine-tuning runs on one node (Kubeflow Trainer rejects LoRA with numNodes > 1)');
    }
    const lora = props.lora ?? {};
    const modules = lora.targetModules ?? ['q_proj', 'v_proj', 'output_proj'];
    modules.forEach((m, i) => {
      if (!TORCHTUNE_ATTN_MODULES.includes(m)) invalid(this, `lora.targetModules[${i}]`, m, `torchtune applies LoRA to ${TORCHTUNE_ATTN_MODULES.join(', ')}`);
    });
    (props.torchtuneOverrides ?? []).forEach((o, i) => {
      const key = o.split('=')[0];
      if (!o.includes('=') || !key) invalid(this, `torchtuneOverrides[${i}]`, o, "overrides are 'key=value'");
      if (TORCHTUNE_IMMUTABLE.includes(key)) invalid(this, `torchtuneOverrides[${i}]`, o, `the runtime manages ${TORCHTUNE_IMMUTABLE.join(', ')}`);
    });
    const token = props.hfToken ? { HF_TOKEN: props.hfToken } : undefined;
    return {
      props: {
        backend: TrainingBackend.trainerV2({
          runtime,
          datasetInitializer: { storageUri: `hf://${props.dataset.repoId}`, env: token },
          modelInitializer: { storageUri: props.model.uri, env: token },
        }),
        args: [
          ...(lora.r !== undefined ? [`model.lora_rank=${lora.r}`] : []),
          ...(lora.alpha !== undefined ? [`model.lora_alpha=${lora.alpha}`] : []),
          ...(lora.dropout !== undefined ? [`model.lora_dropout=${lora.dropout}`] : []),
          `model.lora_attn_modules=[${modules.join(',')}]`,
          ...(props.dataset.split !== undefined ? [`dataset.split=${props.dataset.split}`] : []),
          ...(props.torchtuneOverrides ?? []),
        ],
        env: props.env,
        processesPerWorker: props.processesPerWorker,
      },
    };
  }
}

/** What FineTuning gives the composed DistributedTraining for one API. */
interface ComposedJob {
  readonly props: DistributedTrainingProps;
  readonly leaderInitContainers?: ContainerSpec[];
}

/**
 * `resourcesPerWorker` as the Kubeflow SDKs map `resources_per_worker` (v1 `get_container_spec`, v2
 * `get_resources_per_node`): the same quantities as requests and as limits, unless the user turns that off.
 */
function sdkResources(r: ComputeResources | undefined): ComputeResources | undefined {
  if (r === null || typeof r !== 'object') return r;
  return { ...r, limitsEqualRequests: r.limitsEqualRequests ?? true };
}

/** The map with its keys in sorted order (the values as given). */
function sortedKeys(map: { [key: string]: any }): { [key: string]: any } {
  return Object.fromEntries(Object.keys(map).sort().map(k => [k, map[k]]));
}

/** JSON as Python's `json.dumps` writes it (`", "` and `": "` separators), so arguments match the SDK's. */
function pyJson(value: any): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`).join(', ')}}`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}
