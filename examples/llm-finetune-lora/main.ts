/**
 * The reference talk's fine-tune: BERT with LoRA on 3,000 Yelp reviews, one worker with one GPU, 5 CPUs and
 * 10 GiB, on a ReadWriteOnce volume. Emits what the Kubeflow training SDK's `TrainingClient().train()` creates:
 * a PVC and a PyTorchJob (storage-initializer + Hugging Face trainer). See docs/training.md for the mapping.
 *
 *   npm run synth -- llm-finetune-lora
 */
import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator, FineTuning, LoraBias, StorageAccessMode, TransformerType } from '../../src';

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
      resourcesPerWorker: { cpu: Cpu.units(5), memory: Size.gibibytes(10), accelerator: Accelerator.nvidia({ count: 1 }) },
    });
  }
}

const app = new App();
new LlmFineTuneLoraChart(app, 'llm-finetune-lora');
app.synth();
