/**
 * The reference talk's fine-tune, with the talk's values: BERT with LoRA on 3,000 Yelp reviews, as the Kubeflow
 * training SDK's `TrainingClient().train()` call on the slide makes it — one worker with one process,
 * `resources_per_worker={"gpu": 1, "cpu": 5, "memory": "10G"}` (the same quantities as requests and limits) and a
 * ReadWriteOnce volume of the SDK's default size. It emits what `train()` creates, a PVC and a PyTorchJob whose
 * storage-initializer downloads model and dataset and whose Hugging Face trainer gets the same arguments, field for
 * field apart from the restricted-pod hardening listed in docs/training.md (test/talk/talk.test.ts compares them).
 * examples/llm-finetune-production is the same fine-tune as a team would run it.
 *
 *   npm run synth -- llm-finetune-lora
 */
import { App, Chart } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator, FineTuning, LoraBias, Memory, StorageAccessMode, TransformerType } from '../../src';

export class LlmFineTuneLoraChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'ml-team' });
    new FineTuning(this, 'bert-lora', {
      name: 'fine-tune-bert',
      workers: 1,
      processesPerWorker: 1,
      model: { uri: 'hf://google-bert/bert-base-cased', transformerType: TransformerType.SEQUENCE_CLASSIFICATION },
      storage: { accessModes: [StorageAccessMode.READ_WRITE_ONCE] },
      dataset: { repoId: 'yelp_review_full', split: 'train[:3000]' },
      trainingArguments: {
        output_dir: '/workspace/test_trainer', save_strategy: 'no', evaluation_strategy: 'no', do_eval: false, disable_tqdm: true, log_level: 'info',
      },
      lora: { r: 8, alpha: 8, dropout: 0.1, bias: LoraBias.NONE },
      resourcesPerWorker: { cpu: Cpu.units(5), memory: Memory.gigabytes(10), accelerator: Accelerator.nvidia({ count: 1 }) },
      sharedMemory: false, // train() mounts no /dev/shm
    });
  }
}

const app = new App();
new LlmFineTuneLoraChart(app, 'llm-finetune-lora');
app.synth();
