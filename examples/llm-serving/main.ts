/**
 * The reference talk's LLM service, as the talk's YAML writes it: the InferenceService `huggingface-llama2` serving
 * Llama 2 7B chat (`--model_id=meta-llama/Llama-2-7b-chat-hf`, served as `llama2`) with KServe's Hugging Face model
 * format, and 6 CPUs, 24Gi and one NVIDIA GPU as requests and limits. Nothing else: KServe picks the runtime and the
 * deployment mode from its configuration, as it does for the talk's YAML. It renders the talk's YAML field for field
 * apart from the restricted-pod hardening listed in docs/serving.md (test/talk/talk.test.ts compares them).
 * examples/llm-serving-production adds what production needs (GPU pool, Hugging Face token, autoscaling).
 *
 *   npm run synth -- llm-serving
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator, InferenceService, Memory, ModelFormat, Predictor } from '../../src';

export class LlmServingChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    new InferenceService(this, 'llama2', {
      name: 'huggingface-llama2',
      predictor: Predictor.model({
        format: ModelFormat.huggingface(),
        args: ['--model_name=llama2', '--model_id=meta-llama/Llama-2-7b-chat-hf'],
        resources: {
          cpu: Cpu.units(6),
          memory: Memory.gibibytes(24),
          accelerator: Accelerator.nvidia({ count: 1 }),
          limitsEqualRequests: true,
        },
      }),
    });
  }
}

const app = new App();
new LlmServingChart(app, 'llm-serving');
app.synth();
