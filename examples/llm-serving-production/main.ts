/**
 * The reference talk's LLM service as a team would run it in production (examples/llm-serving is the talk's own
 * YAML): Llama 2 7B chat served by KServe's Hugging Face runtime (vLLM, with the OpenAI-compatible API) with the talk's
 * resources (6 CPUs, 24Gi and one GPU, requests = limits), plus what production needs and the talk leaves out: a
 * Karpenter GPU pool with the NVIDIA device plugin, the gated model's Hugging Face token from a Secret, Knative mode
 * pinned, the runtime named, and autoscaling on concurrency (target 4) between 1 and 3 replicas.
 *
 *   npm run synth -- llm-serving-production
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, Autoscaling, DeploymentMode, EnvVarValue, GpuInstances, GpuNodePool, InferenceService, KServeRuntime, Memory, ModelFormat,
  NvidiaDevicePlugin, Predictor,
} from '../../src';

export class LlmServingProductionChart extends Chart {
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
          memory: Memory.gibibytes(24),
          accelerator: Accelerator.nvidia({ count: 1 }),
          limitsEqualRequests: true,
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
new LlmServingProductionChart(app, 'llm-serving-production');
app.synth();
