import { Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, BatchQueue, EnvVarValue, FineTuning, FineTuningProps, KueueIntegration, KueueIntegrations, LoraBias, Memory, QueueFlavors,
  ResourceQuota, StatusSource, StorageAccessMode, TrainingBackend, TrainingRuntimeRef, TransformerType,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

const V2 = TrainingBackend.trainerV2();
const BERT = { uri: 'hf://google-bert/bert-base-cased', transformerType: TransformerType.SEQUENCE_CLASSIFICATION };
const YELP = { repoId: 'yelp_review_full', split: 'train[:3000]' };
const LLAMA = { uri: 'hf://meta-llama/Llama-3.2-1B-Instruct' };
const ALPACA = { repoId: 'tatsu-lab/alpaca', split: 'train[:1000]' };
const perWorker = { cpu: Cpu.units(5), memory: Size.gibibytes(10), accelerator: Accelerator.nvidia({ count: 1 }) };

function build(props: Partial<FineTuningProps>): FineTuning {
  return new FineTuning(Testing.chart(), 'ft', { name: 'bert', model: BERT, dataset: YELP, ...props });
}

function synth(props: Partial<FineTuningProps>): any[] {
  const chart = Testing.chart();
  new FineTuning(chart, 'ft', { name: 'bert', model: BERT, dataset: YELP, ...props });
  return synthValid(chart);
}

// ------------------------------------------------------------------------------------------------
// Training Operator v1: what TrainingClient().train() creates

test('v1: PVC named like the job, with the SDK defaults', () => {
  const [pvc] = synth({});
  expect(pvc).toEqual({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'bert' },
    spec: { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], resources: { requests: { storage: '10Gi' } } },
  });
});

test('v1: PyTorchJob with the storage-initializer init container and the Hugging Face trainer, arguments as the SDK writes them', () => {
  const [, job] = synth({
    lora: { r: 8, alpha: 8, dropout: 0.1, bias: LoraBias.NONE },
    trainingArguments: { output_dir: 'test_trainer', save_strategy: 'no', do_eval: false },
    resourcesPerWorker: perWorker,
    storage: { accessModes: [StorageAccessMode.READ_WRITE_ONCE], size: Size.gibibytes(50), storageClassName: 'gp3' },
    hfToken: EnvVarValue.fromSecretKey('hf-token', 'token'),
  });
  expect(job.apiVersion).toBe('kubeflow.org/v1');
  expect(job.kind).toBe('PyTorchJob');
  expect(job.spec.nprocPerNode).toBe('1');
  expect(Object.keys(job.spec.pytorchReplicaSpecs)).toEqual(['Master']);
  const master = job.spec.pytorchReplicaSpecs.Master;
  expect(master.replicas).toBe(1);
  expect(master.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
  const [init] = master.template.spec.initContainers;
  expect(init.name).toBe('storage-initializer');
  expect(init.image).toBe('ghcr.io/kubeflow/training-v1/storage-initializer');
  expect(init.args).toEqual([
    '--model_provider', 'hf',
    '--model_provider_parameters',
    '{"model_uri": "hf://google-bert/bert-base-cased", "transformer_type": "AutoModelForSequenceClassification", "access_token": null, "num_labels": null}',
    '--dataset_provider', 'hf',
    '--dataset_provider_parameters', '{"repo_id": "yelp_review_full", "access_token": null, "split": "train[:3000]"}',
  ]);
  expect(init.env).toEqual([
    { name: 'HF_HOME', value: '/workspace/.cache/huggingface' },
    { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } },
  ]);
  const [trainer] = master.template.spec.containers;
  expect(trainer.name).toBe('pytorch');
  expect(trainer.image).toBe('ghcr.io/kubeflow/training-v1/trainer-huggingface');
  expect(trainer.args).toEqual([
    '--model_uri', 'hf://google-bert/bert-base-cased',
    '--transformer_type', 'AutoModelForSequenceClassification',
    '--num_labels', 'None',
    '--model_dir', '/workspace/model',
    '--dataset_dir', '/workspace/dataset',
    '--lora_config', '{"r": 8, "lora_alpha": 8, "lora_dropout": 0.1, "bias": "none"}',
    '--training_parameters', '{"do_eval": false, "output_dir": "test_trainer", "save_strategy": "no"}',
  ]);
  expect(trainer.env).toEqual([{ name: 'HF_HOME', value: '/workspace/.cache/huggingface' }]); // the token stays with the downloader
  // as the SDK's get_container_spec: the resources_per_worker dict is both requests and limits
  expect(trainer.resources).toEqual({
    requests: { 'cpu': '5', 'memory': '10Gi', 'nvidia.com/gpu': '1' },
    limits: { 'cpu': '5', 'memory': '10Gi', 'nvidia.com/gpu': '1' },
  });
  expect(trainer.volumeMounts).toEqual([{ name: 'storage-initializer', mountPath: '/workspace' }, { name: 'dshm', mountPath: '/dev/shm' }]);
  expect(master.template.spec.volumes[0]).toEqual({ name: 'storage-initializer', persistentVolumeClaim: { claimName: 'bert' } });
  expect(master.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
});

test('v1: resourcesPerWorker as the SDK maps resources_per_worker: decimal quantities as given, on requests and limits of every replica', () => {
  const [, job] = synth({
    workers: 2,
    storage: { accessModes: [StorageAccessMode.READ_WRITE_MANY] },
    resourcesPerWorker: { cpu: Cpu.units(5), memory: Memory.gigabytes(10), accelerator: Accelerator.nvidia({ count: 1 }) },
  });
  const sdk = { 'cpu': '5', 'memory': '10G', 'nvidia.com/gpu': '1' };
  for (const role of ['Master', 'Worker']) {
    expect(job.spec.pytorchReplicaSpecs[role].template.spec.containers[0].resources).toEqual({ requests: sdk, limits: sdk });
  }
});

test('v1: limitsEqualRequests: false gives the library\'s usual rendering (no CPU limit, GPUs as limits)', () => {
  const [, job] = synth({ resourcesPerWorker: { ...perWorker, limitsEqualRequests: false } });
  expect(job.spec.pytorchReplicaSpecs.Master.template.spec.containers[0].resources).toEqual({
    requests: { cpu: '5', memory: '10Gi' }, limits: { 'memory': '10Gi', 'nvidia.com/gpu': '1' },
  });
});

test('error: a limit that differs from its request, as the SDK writes one quantity for both', () => {
  expectValidationError(() => synth({ resourcesPerWorker: { ...perWorker, cpuLimit: Cpu.units(6) } }),
    "[test/ft] resourcesPerWorker.cpuLimit: '6' is not valid; must equal the CPU request (5) when limitsEqualRequests is set");
  expectValidationError(() => synth({ resourcesPerWorker: { memory: Memory.gigabytes(10), memoryLimit: Memory.gibibytes(10) } }),
    "[test/ft] resourcesPerWorker.memoryLimit: '10Gi' is not valid; must equal the memory request (10G) when limitsEqualRequests is set");
  expectValidationError(() => synth({ resourcesPerWorker: { memory: Memory.of('10GB') } }),
    "[test/ft] resourcesPerWorker.memory: '10GB' is not valid; must be a Kubernetes quantity: a number with an optional binary suffix (Ki, Mi, Gi, Ti, Pi, Ei), "
    + "decimal suffix (k, M, G, T, P, E) or exponent (e9), e.g. '10G' or '10Gi'");
});

test('v1: several workers get Worker replicas without the init container; defaults for LoRA and training arguments', () => {
  const [pvc, job] = synth({ workers: 3, processesPerWorker: 2, resourcesPerWorker: { accelerator: Accelerator.nvidia({ count: 2 }) } });
  expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce', 'ReadOnlyMany']);
  expect(job.spec.nprocPerNode).toBe('2');
  expect(job.spec.pytorchReplicaSpecs.Worker.replicas).toBe(2);
  expect(job.spec.pytorchReplicaSpecs.Worker.template.spec.initContainers).toBeUndefined();
  const args = job.spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].args;
  expect(args.slice(-4)).toEqual(['--lora_config', '{}', '--training_parameters', '{"output_dir": "/workspace/output"}']);
});

test('v1: queued through Kueue when the PyTorchJob integration is enabled; completion reads Succeeded', () => {
  const chart = Testing.chart();
  const queue = new BatchQueue(chart, 'q', {
    name: 'gpu',
    integrations: [...KueueIntegrations.defaults(), KueueIntegration.PYTORCH_JOB],
    resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'gpu', nodeLabels: { pool: 'gpu' } }), quotas: [ResourceQuota.nvidiaGpus(4)] }] }],
  }).addLocalQueue('ml');
  const ft = new FineTuning(chart, 'ft', { name: 'bert', model: BERT, dataset: YELP, queue });
  const job = synthValid(chart).find(o => o.kind === 'PyTorchJob');
  expect(job.metadata.labels).toEqual({ 'kueue.x-k8s.io/queue-name': 'gpu' });
  expect(ft.status).toEqual({
    contract: {
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      source: StatusSource.CONDITIONS,
      path: '.status.conditions',
      succeeded: ['Succeeded'],
      failed: ['Failed'],
      messagePath: '.status.conditions[?(@.type=="Failed")].message',
      completes: true,
    },
    name: 'bert',
    namespace: 'ml',
  });
});

// ------------------------------------------------------------------------------------------------
// Trainer v2: torchtune

test('v2: TrainJob on the torchtune runtime of the model, LoRA as torchtune overrides, initializers from the model and dataset', () => {
  const chart = Testing.chart();
  const ft = new FineTuning(chart, 'ft', {
    name: 'llama',
    backend: V2,
    model: LLAMA,
    dataset: ALPACA,
    lora: { r: 8, alpha: 16, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj'] },
    torchtuneOverrides: ['epochs=2'],
    resourcesPerWorker: { memory: Size.gibibytes(200), accelerator: Accelerator.nvidia({ count: 1 }) },
    hfToken: EnvVarValue.fromSecretKey('hf-token', 'token'),
  });
  const [job] = synthValid(chart);
  expect(job.kind).toBe('TrainJob');
  expect(job.spec.runtimeRef).toEqual({ name: 'torchtune-llama3.2-1b', apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime' });
  const token = [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } }];
  expect(job.spec.initializer).toEqual({
    dataset: { storageUri: 'hf://tatsu-lab/alpaca', env: token },
    model: { storageUri: 'hf://meta-llama/Llama-3.2-1B-Instruct', env: token },
  });
  expect(job.spec.trainer).toEqual({
    args: ['model.lora_rank=8', 'model.lora_alpha=16', 'model.lora_dropout=0.05', 'model.lora_attn_modules=[q_proj,k_proj,v_proj]', 'dataset.split=train[:1000]', 'epochs=2'],
    numNodes: 1,
    resourcesPerNode: { requests: { 'memory': '200Gi', 'nvidia.com/gpu': '1' }, limits: { 'memory': '200Gi', 'nvidia.com/gpu': '1' } },
  });
  const jobs = job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs;
  expect(jobs.map((j: any) => j.name)).toEqual(['dataset-initializer', 'model-initializer', 'node']);
  expect(ft.status).toEqual({
    contract: {
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'TrainJob',
      source: StatusSource.CONDITIONS,
      path: '.status.conditions',
      succeeded: ['Complete'],
      failed: ['Failed'],
      messagePath: '.status.conditions[?(@.type=="Failed")].message',
      completes: true,
    },
    name: 'llama',
    namespace: undefined,
  });
});

test('v2: default attention modules keep LoRA on (Trainer detects LoRA by model.lora_attn_modules)', () => {
  const chart = Testing.chart();
  new FineTuning(chart, 'ft', { backend: V2, model: { uri: 'hf://Qwen/Qwen2.5-1.5B-Instruct' }, dataset: ALPACA });
  const [job] = synthValid(chart);
  expect(job.spec.runtimeRef.name).toBe('torchtune-qwen2.5-1.5b');
  expect(job.spec.trainer.args).toEqual(['model.lora_attn_modules=[q_proj,v_proj,output_proj]', 'dataset.split=train[:1000]']);
});

// ------------------------------------------------------------------------------------------------
// Validation

test('error: ReadWriteOnce volume with several workers', () => {
  expectValidationError(() => build({ workers: 2, storage: { accessModes: [StorageAccessMode.READ_WRITE_ONCE] } }),
    /^\[test\/ft\] storage.accessModes: \["ReadWriteOnce"\] is not valid; 2 workers run on separate nodes and all mount the volume; add ReadOnlyMany or ReadWriteMany/);
});

test('error: more processes per worker than GPUs', () => {
  expectValidationError(() => build({ processesPerWorker: 2, resourcesPerWorker: perWorker }),
    /^\[test\/ft\] processesPerWorker: 2 is not valid; must not exceed the GPUs per worker \(1\): each process drives one GPU$/);
});

test('error: zero workers', () => {
  expectValidationError(() => build({ workers: 0 }), /^\[test\/ft\] workers: 0 is not valid; must be an integer from 1 to 2147483647$/);
});

test('error: model URI and dataset repository', () => {
  expectValidationError(() => build({ model: { ...BERT, uri: 'google-bert/bert-base-cased' } }),
    /^\[test\/ft\] model.uri: 'google-bert\/bert-base-cased' is not valid; must be a Hugging Face model URI 'hf:\/\/<org>\/<model>'$/);
  expectValidationError(() => build({ dataset: { repoId: 'hf://yelp_review_full' } }), /^\[test\/ft\] dataset.repoId: 'hf:\/\/yelp_review_full' is not valid/);
});

test('error: LoRA settings', () => {
  expectValidationError(() => build({ lora: { dropout: 1.5 } }), /^\[test\/ft\] lora.dropout: 1.5 is not valid; must be at least 0 and below 1$/);
  expectValidationError(() => build({ lora: { r: 0 } }), /^\[test\/ft\] lora.r: 0 is not valid; must be an integer from 1 to 2147483647$/);
});

test('error: v1 needs the transformer type', () => {
  expectValidationError(() => build({ model: { uri: BERT.uri } }),
    /^\[test\/ft\] model.transformerType: undefined is not valid; the Hugging Face trainer needs the transformers Auto class/);
});

test('error: the token must reference a Secret', () => {
  expectValidationError(() => synth({ hfToken: EnvVarValue.fromValue('hf_abc') }), /^\[test\/ft\] .*HF_TOKEN.* is not valid; looks like a credential/);
});

test('error: v1-only options with Trainer v2 and the other way round', () => {
  expectValidationError(() => build({ backend: V2, model: LLAMA, trainingArguments: { num_train_epochs: 1 } }),
    /^\[test\/ft\] trainingArguments: \{"num_train_epochs":1\} is not valid; exists only in the Training Operator v1 rendering \(TrainingBackend\.trainingOperatorV1\(\)\); Trainer v2 torchtune runtimes bring their own images and volume and take torchtuneOverrides$/);
  expectValidationError(() => build({ backend: V2, model: { ...LLAMA, transformerType: TransformerType.CAUSAL_LM } }),
    /^\[test\/ft\] model.transformerType: 'AutoModelForCausalLM' is not valid; exists only in the Training Operator v1 rendering/);
  expectValidationError(() => build({ torchtuneOverrides: ['epochs=1'] }),
    /^\[test\/ft\] torchtuneOverrides: \["epochs=1"\] is not valid; exists only in Kubeflow Trainer v2 \(TrainingBackend\.trainerV2\(\)\)$/);
});

test('error: v2 model without a torchtune runtime, or a runtime that is not torchtune', () => {
  expectValidationError(() => build({ backend: V2, model: { uri: 'hf://google-bert/bert-base-cased' } }),
    "[test/ft] model.uri: 'hf://google-bert/bert-base-cased' is not valid; Kubeflow Trainer v2 fine-tunes with built-in torchtune runtimes only for "
      + "'hf://meta-llama/Llama-3.2-1B-Instruct', 'hf://meta-llama/Llama-3.2-3B-Instruct', 'hf://Qwen/Qwen2.5-1.5B-Instruct'; "
      + 'pass TrainingBackend.trainerV2({ runtime }) for another one, or render with TrainingBackend.trainingOperatorV1()');
  expectValidationError(() => build({ backend: TrainingBackend.trainerV2({ runtime: TrainingRuntimeRef.builtIn('torch-distributed') }), model: LLAMA }),
    /^\[test\/ft\] backend\.runtime: 'torch-distributed' is not valid; fine-tuning needs a torchtune runtime \(torchtune-llama3\.2-1b, torchtune-llama3\.2-3b, torchtune-qwen2\.5-1\.5b\)$/);
  expectValidationError(() => build({ backend: TrainingBackend.trainerV2({ runtime: TrainingRuntimeRef.builtIn('torchtune-llama3.3-70b') }), model: LLAMA }),
    /^\[test\/ft\] backend\.runtime: 'torchtune-llama3.3-70b' is not valid; Kubeflow Trainer 2.3.0 installs the ClusterTrainingRuntimes/);
});

test('error: v2 LoRA on several nodes, unknown attention modules, runtime-managed overrides', () => {
  expectValidationError(() => build({ backend: V2, model: LLAMA, workers: 2 }),
    /^\[test\/ft\] workers: 2 is not valid; torchtune LoRA fine-tuning runs on one node/);
  expectValidationError(() => build({ backend: V2, model: LLAMA, lora: { targetModules: ['query'] } }),
    /^\[test\/ft\] lora.targetModules\[0\]: 'query' is not valid; torchtune applies LoRA to q_proj, k_proj, v_proj, output_proj$/);
  expectValidationError(() => build({ lora: { targetModules: [] } }),
    /^\[test\/ft\] lora\.targetModules: \[\] is not valid; name at least one module, or leave it unset$/);
  expectValidationError(() => build({ backend: V2, model: LLAMA, torchtuneOverrides: ['output_dir=/tmp'] }),
    /^\[test\/ft\] torchtuneOverrides\[0\]: 'output_dir=\/tmp' is not valid; the runtime manages output_dir/);
});
