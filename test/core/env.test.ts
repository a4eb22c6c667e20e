import { Testing } from 'cdk8s';
import { RestartPolicy } from 'cdk8s-plus-28';
import { EnvVarValue, renderEnv } from '../../src/core/env';
import { PodTemplate } from '../../src/core/pod-template';
import { expectValidationError, synthPodTemplate } from '../util';

const IMAGE = 'ghcr.io/example/app:1.0.0';

function pod(env: { [name: string]: EnvVarValue }): PodTemplate {
  return new PodTemplate({ restartPolicy: RestartPolicy.NEVER, containers: [{ image: IMAGE, env }] });
}

test('env renders sorted by name', () => {
  const { spec } = synthPodTemplate(pod({
    ZETA: EnvVarValue.fromValue('z'),
    ALPHA: EnvVarValue.fromValue('a'),
    MIDDLE: EnvVarValue.fromValue('m'),
    _UNDERSCORE: EnvVarValue.fromValue('u'),
  }));
  expect(spec.containers[0].env.map((e: any) => e.name)).toEqual(['ALPHA', 'MIDDLE', 'ZETA', '_UNDERSCORE']);
  expect(spec.containers[0].env[0]).toEqual({ name: 'ALPHA', value: 'a' });
});

test('the rendering order does not depend on the insertion order', () => {
  const a = renderEnv(Testing.chart(), 'env', { B: EnvVarValue.fromValue('2'), A: EnvVarValue.fromValue('1') });
  const b = renderEnv(Testing.chart(), 'env', { A: EnvVarValue.fromValue('1'), B: EnvVarValue.fromValue('2') });
  expect(a).toEqual(b);
  expect(a).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
});

test('no env, or an empty env, renders nothing', () => {
  expect(renderEnv(Testing.chart(), 'env', undefined)).toBeUndefined();
  expect(renderEnv(Testing.chart(), 'env', {})).toBeUndefined();
  const { spec } = synthPodTemplate(pod({}));
  expect(spec.containers[0].env).toBeUndefined();
});

test('literal values render as value (also empty strings)', () => {
  const { spec } = synthPodTemplate(pod({ BATCH_SIZE: EnvVarValue.fromValue('256'), EMPTY: EnvVarValue.fromValue('') }));
  expect(spec.containers[0].env).toEqual([{ name: 'BATCH_SIZE', value: '256' }, { name: 'EMPTY', value: '' }]);
});

test('Secret keys render as secretKeyRef', () => {
  const { spec } = synthPodTemplate(pod({
    HF_TOKEN: EnvVarValue.fromSecretKey('hf-credentials', 'token'),
    DB_PASSWORD: EnvVarValue.fromSecretKey('db', 'password', true),
  }));
  expect(spec.containers[0].env).toEqual([
    { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: true } } },
    { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-credentials', key: 'token' } } },
  ]);
});

test('ConfigMap keys render as configMapKeyRef', () => {
  const { spec } = synthPodTemplate(pod({
    MODEL_ID: EnvVarValue.fromConfigMapKey('model-config', 'model-id'),
    REVISION: EnvVarValue.fromConfigMapKey('model-config', 'revision', false),
  }));
  expect(spec.containers[0].env).toEqual([
    { name: 'MODEL_ID', valueFrom: { configMapKeyRef: { name: 'model-config', key: 'model-id' } } },
    { name: 'REVISION', valueFrom: { configMapKeyRef: { name: 'model-config', key: 'revision', optional: false } } },
  ]);
});

test('pod fields render as fieldRef', () => {
  const { spec } = synthPodTemplate(pod({
    POD_NAME: EnvVarValue.fromFieldPath('metadata.name'),
    POD_IP: EnvVarValue.fromFieldPath('status.podIP'),
  }));
  expect(spec.containers[0].env).toEqual([
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ]);
});

test.each([
  'HF_TOKEN',
  'HUGGING_FACE_HUB_TOKEN',
  'DB_PASSWORD',
  'PASSWORD',
  'db_password',
  'REDIS_PASSWD',
  'CLIENT_SECRET',
  'OPENAI_API_KEY',
  'WANDB_APIKEY',
  'AWS_SECRET_ACCESS_KEY',
  'MINIO_ACCESSKEY',
  'TLS_PRIVATE_KEY',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'REGISTRY_CREDENTIAL',
])('a literal value for the secret-like name %p is rejected', (name) => {
  expectValidationError(() => pod({ [name]: EnvVarValue.fromValue('s3cr3t') }).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.env\\.${name}: '${name}=<literal>' is not valid; `
      + 'looks like a credential; reference it with EnvVarValue\\.fromSecretKey\\(secretName, key\\) instead of inlining it$'));
});

test('the credential error never shows the literal value', () => {
  const e = expectValidationError(() => pod({ HF_TOKEN: EnvVarValue.fromValue('hf_abcdef123456') }).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.env\.HF_TOKEN: 'HF_TOKEN=<literal>' is not valid/);
  expect(e.message).not.toContain('hf_abcdef123456');
});

test('a secret-like name in an init container names the init container', () => {
  const t = new PodTemplate({
    containers: [{ image: IMAGE }],
    initContainers: [{ image: IMAGE, env: { DB_PASSWORD: EnvVarValue.fromValue('x') } }],
  });
  expectValidationError(() => t.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.initContainers\[0\]\.env\.DB_PASSWORD: 'DB_PASSWORD=<literal>' is not valid; looks like a credential/);
});

test('secret-like names are fine when they reference a Secret, a ConfigMap or a pod field', () => {
  const { spec } = synthPodTemplate(pod({
    HF_TOKEN: EnvVarValue.fromSecretKey('hf', 'token'),
    API_KEY: EnvVarValue.fromConfigMapKey('public-config', 'api-key'),
    SERVICE_ACCOUNT_TOKEN: EnvVarValue.fromFieldPath('metadata.name'),
  }));
  expect(spec.containers[0].env.map((e: any) => e.name)).toEqual(['API_KEY', 'HF_TOKEN', 'SERVICE_ACCOUNT_TOKEN']);
});

test.each(['TOKENIZERS_PARALLELISM', 'MAX_TOKENS', 'SECRET_NAME', 'PASSWORD_FILE', 'KEY', 'NCCL_DEBUG'])('a literal value for %p is allowed', (name) => {
  const { spec } = synthPodTemplate(pod({ [name]: EnvVarValue.fromValue('v') }));
  expect(spec.containers[0].env).toEqual([{ name, value: 'v' }]);
});

test.each(['1ST', 'MY VAR', 'A=B', 'Ä', 'A$B', ''])('environment variable name %p is rejected', (name) => {
  const escaped = name.replace(/[$]/g, '\\$');
  expectValidationError(() => pod({ [name]: EnvVarValue.fromValue('v') }).toPodSpec(Testing.chart()),
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.env\\.${escaped}: '${escaped}' is not valid; `
      + "environment variable names consist of letters, digits, '_', '-' and '\\.', and must not start with a digit$"));
});

test.each(['a', '_', 'my-var', 'my.var', 'CUDA_VISIBLE_DEVICES', 'x1'])('environment variable name %p is accepted', (name) => {
  const { spec } = synthPodTemplate(pod({ [name]: EnvVarValue.fromValue('v') }));
  expect(spec.containers[0].env).toEqual([{ name, value: 'v' }]);
});

test('a bad name is reported before a credential', () => {
  expectValidationError(() => pod({ '1_TOKEN': EnvVarValue.fromValue('v') }).toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.env\.1_TOKEN: '1_TOKEN' is not valid; environment variable names/);
});
