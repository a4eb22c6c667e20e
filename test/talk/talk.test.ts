/**
 * The reference talk's examples reproduce the talk, field for field.
 *
 * The talk ("Production-Ready AI Platform on Kubernetes", Yuan Tang, KubeCon + CloudNativeCon Europe 2024) shows
 * two manifests of the platform this library declares:
 * - "2. Model Training — Distributed large model fine-tuning": a call of the Kubeflow training SDK's
 *   `TrainingClient().train(...)` (reproduced by examples/llm-finetune-lora);
 * - "4. Model Serving — LLMs": the InferenceService `huggingface-llama2` (reproduced by examples/llm-serving).
 *
 * The expected objects are derived here from the talk: the SDK call's arguments are written out below and turned into
 * the objects `train()` creates by a line-by-line transcription of the pinned SDK (Training Operator v1.9.4,
 * sdk/python/kubeflow/training/api/training_client.py `train` and utils/utils.py `get_container_spec`,
 * `get_pod_template_spec`, `get_pytorchjob_template`, `get_pvc_spec`); the InferenceService is the talk's YAML, parsed.
 * The examples' output must equal them after the deliberate differences listed below — no more and no fewer fields
 * differ — and docs/training.md and docs/serving.md must list the same differences.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { synthExample } from '../../scripts/synth-examples';

const ROOT = path.join(__dirname, '..', '..');

// ---------------------------------------------------------------------------------------------------------------
// Comparing objects

/** Paths where two JSON values differ: a key one side lacks, or leaves that differ. Arrays of named objects are keyed by name. */
function differingPaths(a: any, b: any, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const named = (x: any) => Array.isArray(x) && x.length > 0 && x.every(i => i && typeof i === 'object' && typeof i.name === 'string');
  if (named(a) && named(b)) {
    const keys = [...new Set([...a.map((i: any) => i.name), ...b.map((i: any) => i.name)])];
    return keys.flatMap(k => differingPaths(a.find((i: any) => i.name === k), b.find((i: any) => i.name === k), `${at}[${k}]`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => differingPaths(x, b[i], `${at}[${i}]`));
  }
  const isObject = (x: any) => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap(k => differingPaths(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return [at];
}

/** Sets the value at one of {@link differingPaths}'s paths (creating objects on the way). */
function setPath(obj: any, p: string, value: any): void {
  const parts = p.match(/[^.[\]]+|\[[^\]]+\]/g)!;
  let cur = obj;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part.startsWith('[')) {
      const key = part.slice(1, -1);
      const idx = /^[0-9]+$/.test(key) ? Number(key) : cur.findIndex((x: any) => x.name === key);
      if (last) cur[idx] = value; else cur = cur[idx];
    } else if (last) {
      cur[part] = value;
    } else {
      cur[part] = cur[part] ?? {};
      cur = cur[part];
    }
  });
}

/** One deliberate difference: the path in the object, the value the library writes there, why (as the docs say). */
interface Difference {
  readonly path: string;
  readonly value: any;
  readonly why: string;
}

function docMentions(doc: string, d: Difference): boolean {
  // the docs name each path in backticks, with the replica/container prefix shortened as the tables do
  const short = d.path.replace(/^spec\.pytorchReplicaSpecs\.Master\.template\./, '').replace(/^spec\.predictor\./, 'predictor.');
  return doc.includes(`\`${short}\``);
}

/** The restricted Pod Security Standard, as the library's PodTemplate sets it (uid 1000). */
const POD_SECURITY = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };
const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: false, runAsNonRoot: true };

// ---------------------------------------------------------------------------------------------------------------
// The talk's fine-tune: TrainingClient().train(...)

/**
 * The slide's call, argument for argument:
 *
 *     TrainingClient().train(
 *         name=job_name_train_api,
 *         num_workers=1,
 *         num_procs_per_worker=1,
 *         model_provider_parameters=HuggingFaceModelParams(
 *             model_uri="hf://google-bert/bert-base-cased",
 *             transformer_type=transformers.AutoModelForSequenceClassification,
 *         ),
 *         storage_config={"access_modes": ["ReadWriteOnce"]},
 *         dataset_provider_parameters=HfDatasetParams(repo_id="yelp_review_full", split="train[:3000]"),
 *         train_parameters=HuggingFaceTrainParams(
 *             training_parameters=transformers.TrainingArguments(output_dir="test_trainer", save_strategy="no",
 *                 evaluation_strategy="no", do_eval=False, disable_tqdm=True, log_level="info"),
 *             lora_config=LoraConfig(r=8, lora_alpha=8, lora_dropout=0.1, bias="none"),
 *         ),
 *         resources_per_worker={"gpu": 1, "cpu": 5, "memory": "10G"},
 *     )
 *
 * The slide names the job with a variable (`job_name_train_api`) and takes the namespace from the client; the example
 * names them `fine-tune-bert` and `ml-team`. (The slide's `train_parameters=HuggingFaceTrainParams` is the SDK's
 * `trainer_parameters=HuggingFaceTrainerParams`.)
 */
const TALK_TRAIN = {
  name: 'fine-tune-bert',
  namespace: 'ml-team',
  num_workers: 1,
  num_procs_per_worker: 1,
  model_provider_parameters: { model_uri: 'hf://google-bert/bert-base-cased', transformer_type: 'AutoModelForSequenceClassification', access_token: null, num_labels: null },
  storage_config: { access_modes: ['ReadWriteOnce'] } as { access_modes?: string[]; size?: string; storage_class?: string },
  dataset_provider_parameters: { repo_id: 'yelp_review_full', access_token: null, split: 'train[:3000]' },
  training_parameters: { output_dir: 'test_trainer', save_strategy: 'no', evaluation_strategy: 'no', do_eval: false, disable_tqdm: true, log_level: 'info' },
  lora_config: { r: 8, lora_alpha: 8, lora_dropout: 0.1, bias: 'none' },
  resources_per_worker: { gpu: 1, cpu: 5, memory: '10G' } as Record<string, number | string>,
};

/** Python's `json.dumps` with its default separators (`", "`, `": "`), None as null. */
function pyJsonDumps(v: any): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyJsonDumps(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

/**
 * How this transcription models two things the SDK's request has that a manifest cannot reproduce literally (they are
 * not differences in what runs; docs/training.md states both):
 * - `TrainingArguments.to_dict()` and `LoraConfig.to_dict()` write every field of the client's transformers / peft
 *   version, defaults included; the trainer rebuilds them with `TrainingArguments(**json)` / `LoraConfig(**json)`
 *   (hf_llm_training.py), so the fields given are what counts, and they are what the library writes.
 * - the Kubernetes Python client sends `{"cpu": 5, "gpu": 1}` as JSON numbers; a quantity is the same whether written
 *   `5` or `"5"` (the pods the operator creates hold `"5"`), and the library writes quantities as strings.
 */
const toDict = (given: Record<string, unknown>) => given;
const quantity = (v: number | string) => String(v);

/** `train()` of the pinned SDK, line by line: the PVC, then the PyTorchJob, as the API server receives them. */
function sdkTrain(a: typeof TALK_TRAIN): any[] {
  // get_pvc_spec: size and access modes default when missing; storage_class only when given
  const storage = { size: '10Gi' /* PVC_DEFAULT_SIZE */, access_modes: ['ReadWriteOnce', 'ReadOnlyMany'] /* PVC_DEFAULT_ACCESS_MODES */, ...a.storage_config };
  const pvc = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: a.name, namespace: a.namespace },
    spec: {
      accessModes: storage.access_modes,
      resources: { requests: { storage: storage.size } },
      ...(storage.storage_class !== undefined ? { storageClassName: storage.storage_class } : {}),
    },
  };
  // STORAGE_INITIALIZER_VOLUME_MOUNT
  const mount = { name: 'storage-initializer', mountPath: '/workspace' };
  const init = {
    name: 'storage-initializer',
    image: 'ghcr.io/kubeflow/training-v1/storage-initializer',
    args: [
      '--model_provider', 'hf',
      '--model_provider_parameters', pyJsonDumps(a.model_provider_parameters),
      '--dataset_provider', 'hf',
      '--dataset_provider_parameters', pyJsonDumps(a.dataset_provider_parameters),
    ],
    volumeMounts: [mount],
  };
  // get_container_spec: keys lower-cased, "gpu" renamed nvidia.com/gpu, the same dict as requests and limits
  const resources: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.resources_per_worker)) resources[k.toLowerCase() === 'gpu' ? 'nvidia.com/gpu' : k.toLowerCase()] = quantity(v);
  const trainer = {
    name: 'pytorch',
    image: 'ghcr.io/kubeflow/training-v1/trainer-huggingface',
    args: [
      '--model_uri', a.model_provider_parameters.model_uri,
      '--transformer_type', a.model_provider_parameters.transformer_type,
      '--num_labels', a.model_provider_parameters.num_labels === null ? 'None' : String(a.model_provider_parameters.num_labels),
      '--model_dir', '/workspace/model',
      '--dataset_dir', '/workspace/dataset',
      '--lora_config', pyJsonDumps(toDict(a.lora_config)),
      '--training_parameters', pyJsonDumps(toDict(a.training_parameters)),
    ],
    volumeMounts: [mount],
    resources: { requests: resources, limits: resources },
  };
  const volume = { name: 'storage-initializer', persistentVolumeClaim: { claimName: a.name } };
  // get_pod_template_spec
  const template = (initContainers?: any[]) => ({
    metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } },
    spec: { ...(initContainers ? { initContainers } : {}), containers: [trainer], volumes: [volume] },
  });
  // get_pytorchjob_template: Master with the init container; Workers (num_workers - 1) only when more than one
  const job = {
    apiVersion: 'kubeflow.org/v1',
    kind: 'PyTorchJob',
    metadata: { name: a.name, namespace: a.namespace },
    spec: {
      runPolicy: {}, // clean_pod_policy=None
      nprocPerNode: String(a.num_procs_per_worker),
      pytorchReplicaSpecs: {
        Master: { replicas: 1, template: template([init]) },
        ...(a.num_workers > 1 ? { Worker: { replicas: a.num_workers - 1, template: template() } } : {}),
      },
    },
  };
  return JSON.parse(JSON.stringify([pvc, job]));
}

const MASTER = 'spec.pytorchReplicaSpecs.Master.template';
const HF_HOME = [{ name: 'HF_HOME', value: '/workspace/.cache/huggingface' }];
/** Every way examples/llm-finetune-lora differs from what train() creates (docs/training.md lists the same). */
const FINE_TUNE_DIFFERENCES: Difference[] = [
  { path: `${MASTER}.spec.automountServiceAccountToken`, value: false, why: 'the pods do not call the Kubernetes API' },
  { path: `${MASTER}.spec.securityContext`, value: POD_SECURITY, why: 'restricted Pod Security Standard: non-root uid 1000, RuntimeDefault seccomp' },
  { path: `${MASTER}.spec.containers[pytorch].securityContext`, value: CONTAINER_SECURITY, why: 'restricted: no privilege escalation, no capabilities' },
  { path: `${MASTER}.spec.initContainers[storage-initializer].securityContext`, value: CONTAINER_SECURITY, why: 'restricted, as above' },
  { path: `${MASTER}.spec.containers[pytorch].env`, value: HF_HOME, why: 'the non-root user caches Hugging Face files on the volume' },
  { path: `${MASTER}.spec.initContainers[storage-initializer].env`, value: HF_HOME, why: 'as above' },
  {
    path: `${MASTER}.spec.containers[pytorch].args[13]`,
    value: '{"disable_tqdm": true, "do_eval": false, "evaluation_strategy": "no", "log_level": "info", "output_dir": "/workspace/test_trainer", "save_strategy": "no"}',
    why: "output_dir on the volume: the relative 'test_trainer' resolves in the image's /app, which the non-root user cannot write; "
      + 'the keys sorted, so that every language and a custom resource write the same argument (the trainer reads it with TrainingArguments(**json))',
  },
];

describe("the talk's fine-tune (examples/llm-finetune-lora) is what TrainingClient().train() creates", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-talk-finetune-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const actual = synthExample('llm-finetune-lora', outdir).objects;
  const sdk = sdkTrain(TALK_TRAIN);

  test('the same objects: a PersistentVolumeClaim and a PyTorchJob, same kinds and names', () => {
    expect(actual.map(o => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(sdk.map(o => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`));
  });

  test('the PVC is field for field the one get_pvc_spec makes (10Gi default, ReadWriteOnce as the talk asks)', () => {
    expect(actual[0]).toEqual(sdk[0]);
  });

  test("resources_per_worker={'gpu': 1, 'cpu': 5, 'memory': '10G'}: requests = limits = cpu 5, memory 10G (decimal), nvidia.com/gpu 1", () => {
    const r = { 'cpu': '5', 'memory': '10G', 'nvidia.com/gpu': '1' };
    expect(sdk[1].spec.pytorchReplicaSpecs.Master.template.spec.containers[0].resources).toEqual({ requests: r, limits: r });
    expect(actual[1].spec.pytorchReplicaSpecs.Master.template.spec.containers[0].resources).toEqual({ requests: r, limits: r });
  });

  test('the PyTorchJob differs from the SDK\'s exactly in the listed hardening, and is equal with it applied', () => {
    expect(differingPaths(sdk[1], actual[1]).sort()).toEqual(FINE_TUNE_DIFFERENCES.map(d => d.path).sort());
    const hardened = JSON.parse(JSON.stringify(sdk[1]));
    for (const d of FINE_TUNE_DIFFERENCES) setPath(hardened, d.path, d.value);
    expect(actual[1]).toEqual(hardened);
  });

  test('docs/training.md lists every difference', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'training.md'), 'utf-8');
    expect(FINE_TUNE_DIFFERENCES.filter(d => !docMentions(doc, d)).map(d => d.path)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The talk's InferenceService

/**
 * The slide's YAML. The slide's text shows `resources` one level above where the KServe documentation's example it
 * comes from (and KServe's API) has it: container resources of the model, beside `args` (at the predictor level,
 * `resources` would be Kubernetes pod-level resources, which take no GPUs).
 */
const TALK_ISVC = YAML.parse(`
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: huggingface-llama2
spec:
  predictor:
    model:
      modelFormat:
        name: huggingface
      args:
        - --model_name=llama2
        - --model_id=meta-llama/Llama-2-7b-chat-hf
      resources:
        limits:
          cpu: "6"
          memory: 24Gi
          nvidia.com/gpu: "1"
        requests:
          cpu: "6"
          memory: 24Gi
          nvidia.com/gpu: "1"
`);

/** Every way examples/llm-serving differs from the talk's YAML (docs/serving.md lists the same). */
const SERVING_DIFFERENCES: Difference[] = [
  { path: 'spec.predictor.automountServiceAccountToken', value: false, why: 'the pods do not call the Kubernetes API' },
  { path: 'spec.predictor.securityContext', value: POD_SECURITY, why: 'restricted Pod Security Standard: non-root uid 1000, RuntimeDefault seccomp' },
  { path: 'spec.predictor.model.securityContext', value: CONTAINER_SECURITY, why: 'restricted: no privilege escalation, no capabilities' },
];

describe("the talk's InferenceService (examples/llm-serving) is the talk's YAML", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-talk-serving-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const actual = synthExample('llm-serving', outdir).objects;

  test('one object, the talk\'s InferenceService', () => {
    expect(actual.map(o => `${o.apiVersion}/${o.kind}/${o.metadata.name}`)).toEqual(['serving.kserve.io/v1beta1/InferenceService/huggingface-llama2']);
  });

  test('it differs from the talk\'s YAML exactly in the listed fields, and is equal with them applied', () => {
    expect(differingPaths(TALK_ISVC, actual[0]).sort()).toEqual(SERVING_DIFFERENCES.map(d => d.path).sort());
    const hardened = JSON.parse(JSON.stringify(TALK_ISVC));
    for (const d of SERVING_DIFFERENCES) setPath(hardened, d.path, d.value);
    expect(actual[0]).toEqual(hardened);
  });

  test('docs/serving.md lists every difference', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'serving.md'), 'utf-8');
    expect(SERVING_DIFFERENCES.filter(d => !docMentions(doc, d)).map(d => d.path)).toEqual([]);
  });
});

describe('the comparison itself', () => {
  test('differingPaths names missing keys, differing leaves and named array items', () => {
    expect(differingPaths({ a: 1, b: { c: [1, 2] }, l: [{ name: 'x', v: 1 }] }, { a: 1, b: { c: [1, 3], d: 0 }, l: [{ name: 'x', v: 2 }] }))
      .toEqual(['b.c[1]', 'b.d', 'l[x].v']);
    expect(differingPaths({ a: [1] }, { a: [1, 2] })).toEqual(['a']);
  });

  test('the SDK transcription maps a dict with several workers as the SDK does (Worker replicas without the init container)', () => {
    const [, job] = sdkTrain({ ...TALK_TRAIN, num_workers: 3 });
    expect(job.spec.pytorchReplicaSpecs.Worker.replicas).toBe(2);
    expect(job.spec.pytorchReplicaSpecs.Worker.template.spec.initContainers).toBeUndefined();
  });
});
