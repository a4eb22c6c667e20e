/**
 * The reference talk's LLM service: Llama 2 7B chat served by KServe's Hugging Face runtime (vLLM, with the
 * OpenAI-compatible API) on one GPU with 6 CPUs and 24 GiB, on a Karpenter GPU pool, in Knative mode.
 *
 *   npm run synth -- llm-serving
 */
import { App, Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, Autoscaling, DeploymentMode, EnvVarValue, GpuInstances, GpuNodePool, InferenceService, KServeRuntime, ModelFormat, NvidiaDevicePlugin,
  Predictor,
} from '../../src';

export class LlmServingChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const pool = new GpuNodePool(this, 'a10g', {
      instances: GpuInstances.families(['g5']),
      gpuLimit: 8,
      nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod' },
    });
    new NvidiaDevicePlugin(this, 'device-plugin', { pools: [pool] });

    new InferenceService(this, 'llama2', {
      name: 'huggingface-llama2',
      namespace: 'ml-serving',
      mode: DeploymentMode.KNATIVE,
      predictor: Predictor.model({
        format: ModelFormat.huggingface(),
        runtime: KServeRuntime.HUGGINGFACE,
        args: ['--model_name=llama2', '--model_id=meta-llama/Llama-2-7b-chat-hf'],
        // Llama 2 is gated on the Hugging Face Hub: the token comes from a Secret, never from the manifest
        env: { HF_TOKEN: EnvVarValue.fromSecretKey('hf-token', 'token') },
        resources: {
          cpu: Cpu.units(6),
          cpuLimit: Cpu.units(6),
          memory: Size.gibibytes(24),
          accelerator: Accelerator.nvidia({ count: 1 }),
        },
        minReplicas: 1,
        maxReplicas: 3,
        autoscaling: Autoscaling.concurrency(4),
        pool,
      }),
    });
  }
}

const app = new App();
new LlmServingChart(app, 'llm-serving');
app.synth();
