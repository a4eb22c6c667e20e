/**
 * The core building blocks on their own: a GPU batch job and a small model server whose pods
 * are secure by default (restricted Pod Security Standard), read credentials from Secrets,
 * mount data from a PVC and shared memory at /dev/shm, and are placed on GPU nodes.
 *
 *   cd examples/secure-gpu-job && cdk8s synth      # or, from the repository root: npm run synth
 */
import { ApiObject, App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu, RestartPolicy, TaintEffect } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator, EnvVarValue, Placement, PodTemplate, ContainerProbe, ResourceNames, PodVolume } from '../../src';

export class SecureGpuJobChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const gpuNodes = new Placement({
      nodeSelector: { 'karpenter.sh/nodepool': 'gpu' },
      tolerations: [{ key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
    });
    const data = PodVolume.fromPersistentVolumeClaim('data', 'imagenet-val', true);

    // A batch scoring job on one A100.
    const job = new PodTemplate({
      restartPolicy: RestartPolicy.NEVER,
      placement: gpuNodes,
      sharedMemory: true,
      containers: [{
        image: 'ghcr.io/example/batch-scorer:2.1.0',
        args: ['--input', '/data/val', '--output', 's3://results/scores/'],
        env: {
          AWS_ACCESS_KEY_ID: EnvVarValue.fromSecretKey('s3-credentials', 'access-key-id'),
          AWS_SECRET_ACCESS_KEY: EnvVarValue.fromSecretKey('s3-credentials', 'secret-access-key'),
          BATCH_SIZE: EnvVarValue.fromValue('256'),
        },
        resources: {
          cpu: Cpu.units(4),
          memory: Size.gibibytes(16),
          accelerator: Accelerator.nvidia({ count: 1, product: 'NVIDIA-A100-SXM4-80GB' }),
        },
        volumeMounts: [{ volume: data, path: '/data', readOnly: true }],
      }],
    });
    new ApiObject(this, 'scoring-job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: ResourceNames.uniqueLabel(this, 40) + '-scoring' },
      spec: { backoffLimit: 2, ttlSecondsAfterFinished: 86400, template: job.toPodTemplateSpec(this, 'scorer') },
    });

    // A model server on a MIG slice, with probes.
    const labels = { 'app.kubernetes.io/name': 'embeddings' };
    const server = new PodTemplate({
      labels,
      placement: gpuNodes,
      security: { readOnlyRootFilesystem: true },
      containers: [{
        image: 'ghcr.io/example/embeddings-server@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
        ports: [{ number: 8080, name: 'http' }],
        resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(4), accelerator: Accelerator.nvidiaMig('1g.10gb') },
        readiness: ContainerProbe.httpGet('/v2/health/ready', { port: 8080, period: Duration.seconds(5) }),
        liveness: ContainerProbe.httpGet('/v2/health/live', { port: 8080, initialDelay: Duration.seconds(30) }),
        volumeMounts: [{ volume: PodVolume.fromEmptyDir('tmp', { sizeLimit: Size.gibibytes(1) }), path: '/tmp' }],
      }],
    });
    new ApiObject(this, 'embeddings', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'embeddings' },
      spec: { replicas: 2, selector: { matchLabels: labels }, template: server.toPodTemplateSpec(this, 'server') },
    });
  }
}

const app = new App();
new SecureGpuJobChart(app, 'secure-gpu-job', { namespace: 'ml-batch' });
app.synth();
