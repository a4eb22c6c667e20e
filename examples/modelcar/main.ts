/**
 * Modelcars: Llama 2 7B chat is packaged once into an OCI image by an in-cluster build Job (fetch from the
 * Hugging Face Hub, layer under /models as the modelcar user, push with a push Secret), pre-pulled on the
 * GPU pool's nodes, and served from that image, so replicas start without downloading the model.
 *
 *   npm run synth -- modelcar
 */
import { App, Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, DeploymentMode, EnvVarValue, GpuInstances, GpuNodePool, InferenceService, KServeConfig, KServeRuntime, ModelcarImage, ModelFormat,
  Predictor, StorageUri,
} from '../../src';

export class ModelcarChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // the cluster's KServe configuration: modelcars are on (the v0.20.0 default), stated explicitly
    new KServeConfig(this, 'kserve', { enableModelcar: true });

    const pool = new GpuNodePool(this, 'a10g', {
      instances: GpuInstances.families(['g5']),
      gpuLimit: 8,
      nodeClass: { clusterName: 'ml-prod', role: 'KarpenterNodeRole-ml-prod' },
    });

    const image = new ModelcarImage(this, 'llama2-image', {
      name: 'llama-2-7b-chat-modelcar',
      namespace: 'ml-serving',
      source: StorageUri.huggingFace('meta-llama/Llama-2-7b-chat-hf'),
      image: 'registry.example.com/models/llama-2-7b-chat:1.0',
      pushSecretName: 'registry-push',
      sourceEnv: { HF_TOKEN: EnvVarValue.fromSecretKey('hf-token', 'token') },
      scratchSize: Size.gibibytes(60),
      prePull: { pool, pullSecretName: 'registry-pull' },
    });

    new InferenceService(this, 'llama2', {
      name: 'llama2-modelcar',
      namespace: 'ml-serving',
      mode: DeploymentMode.KNATIVE,
      predictor: Predictor.model({
        format: ModelFormat.huggingface(),
        runtime: KServeRuntime.HUGGINGFACE,
        storageUri: image.storageUri(),
        args: ['--model_name=llama2'],
        resources: { cpu: Cpu.units(6), cpuLimit: Cpu.units(6), memory: Size.gibibytes(24), accelerator: Accelerator.nvidia() },
        pool,
      }),
    });
  }
}

const app = new App();
new ModelcarChart(app, 'modelcar');
app.synth();
