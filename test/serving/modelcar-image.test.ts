import { Testing } from 'cdk8s';
import { EnvVarValue, GpuInstances, GpuNodePool, InferenceService, KServeConfig, ModelcarImage, ModelFormat, Predictor, StorageUri } from '../../src';
import { expectValidationError, synthValid } from '../util';

const nodeClass = { clusterName: 'ml', role: 'KarpenterNodeRole-ml' };

test('builds from hf:// in a restricted Job with a daemonless builder, pushes with the push secret, and serves via oci://', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass });
  const image = new ModelcarImage(chart, 'llama', {
    name: 'llama2-modelcar',
    source: StorageUri.huggingFace('meta-llama/Llama-2-7b-chat-hf'),
    image: 'registry.example.com/models/llama-2-7b-chat:1.0',
    pushSecretName: 'registry-push',
    sourceEnv: { HF_TOKEN: EnvVarValue.fromSecretKey('hf-token', 'token') },
    prePull: { pool, pullSecretName: 'registry-pull' },
  });
  new InferenceService(chart, 'isvc', { name: 'llama2', predictor: Predictor.model({ format: ModelFormat.huggingface(), storageUri: image.storageUri() }) });
  const objects = synthValid(chart);
  const job = objects.find(o => o.kind === 'Job');
  const pod = job.spec.template.spec;
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1010, runAsGroup: 1010, seccompProfile: { type: 'RuntimeDefault' } });
  expect(job.metadata.annotations).toBeUndefined(); // no Pod Security opt-out
  expect(pod.initContainers[0]).toMatchObject({
    name: 'fetch', image: 'kserve/storage-initializer:v0.20.0', args: ['hf://meta-llama/Llama-2-7b-chat-hf', '/workspace/layer/models'],
  });
  expect(pod.initContainers[0].env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
  const build = pod.containers[0];
  expect(build.image).toBe('gcr.io/go-containerregistry/crane/debug:v0.20.6');
  expect(build.command[2]).toContain("crane mutate 'busybox:1.37.0' --append /workspace/layer.tar --user 1010 -t 'registry.example.com/models/llama-2-7b-chat:1.0'");
  expect(pod.volumes).toContainEqual({ name: 'push-secret', secret: { secretName: 'registry-push', defaultMode: 0o440 } });
  const isvc = objects.find(o => o.kind === 'InferenceService');
  expect(isvc.spec.predictor.model.storageUri).toBe('oci://registry.example.com/models/llama-2-7b-chat:1.0');
  const ds = objects.find(o => o.kind === 'DaemonSet');
  expect(ds.spec.template.spec.initContainers[0].image).toBe('registry.example.com/models/llama-2-7b-chat:1.0');
  expect(ds.spec.template.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
  expect(ds.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-pull' }]);
});

test('a PVC source is mounted read-only; a digest pins the served reference', () => {
  const chart = Testing.chart();
  const image = new ModelcarImage(chart, 'img', {
    source: StorageUri.pvc('weights', 'llama'),
    image: 'registry.example.com/models/llama:1.0',
    digest: `sha256:${'a'.repeat(64)}`,
    pushSecretName: 'registry-push',
  });
  const [job] = synthValid(chart);
  expect(job.spec.template.spec.initContainers).toBeUndefined();
  expect(job.spec.template.spec.volumes).toContainEqual({ name: 'source', persistentVolumeClaim: { claimName: 'weights', readOnly: true } });
  expect(job.spec.template.spec.containers[0].command[2]).toContain("ln -s '/source/llama' /workspace/stage/models");
  expect(image.storageUri().uri).toBe(`oci://registry.example.com/models/llama:1.0@sha256:${'a'.repeat(64)}`);
});

test('error: modelcars switched off in the KServe configuration (synth time)', () => {
  const chart = Testing.chart();
  new KServeConfig(chart, 'kserve', { enableModelcar: false });
  new ModelcarImage(chart, 'img', { source: StorageUri.s3('models', 'llama'), image: 'registry.example.com/models/llama:1.0', pushSecretName: 'push' });
  expectValidationError(() => Testing.synth(chart), "[test/img] image: 'registry.example.com/models/llama:1.0' is not valid; modelcars are switched off in the KServe configuration "
    + '(test/kserve), so KServe cannot serve this image: set enableModelcar: true');
});

test('errors: image without tag, bad digest, oci source', () => {
  const base = { source: StorageUri.s3('models', 'm'), pushSecretName: 'push' };
  expectValidationError(() => new ModelcarImage(Testing.chart(), 'img', { ...base, image: 'registry.example.com/models/llama' }),
    /^\[test\/img\] image: 'registry\.example\.com\/models\/llama' is not valid; must be an image reference with a tag and no digest/);
  expectValidationError(() => new ModelcarImage(Testing.chart(), 'img', { ...base, image: 'r.example.com/m:1', digest: 'sha256:abc' }),
    /^\[test\/img\] digest: 'sha256:abc' is not valid; must be 'sha256:' followed by 64 lowercase hex digits$/);
  expectValidationError(() => new ModelcarImage(Testing.chart(), 'img', { ...base, source: StorageUri.oci('r.example.com/m:1'), image: 'r.example.com/m:2' }),
    /^\[test\/img\] source: 'oci:\/\/r\.example\.com\/m:1' is not valid; the model source must be/);
});
