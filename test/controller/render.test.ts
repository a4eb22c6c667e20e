import './assembly';
import Ajv from 'ajv';
import { Chart, Testing } from 'cdk8s';
import { BatchJob, EnvVarValue, InferenceProtocol, KServeRuntime, ModelFormat, Predictor } from '../../src';
import { specFromProps } from '../../src/controller/kinds';
import { PLATFORM_API_GROUP, PLATFORM_API_VERSION, platformCrds, platformKinds, renderResource } from '../../src/controller/render';
import { ValidationError } from '../../src/core/errors';
import { expectValid, expectValidationError } from '../util';
import { Case, CASES, CONSTRUCTS, resource } from './render-cases';

/** What the TypeScript construct with the same props synthesizes in an app (chart id and namespace as the controller's). */
function synthesized(c: Case): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'platform', { namespace: c.namespace });
  const construct = new CONSTRUCTS[c.kind](chart, c.name, { ...c.props(), name: c.name });
  c.build?.(construct);
  return Testing.synth(chart);
}

function byKey(objects: any[]): any[] {
  const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
  return [...objects].sort((a, b) => key(a).localeCompare(key(b)));
}

function specSchemaOf(kind: string): any {
  const crd = platformCrds().find(x => x.spec.names.kind === kind);
  return crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
}

/** Applies a structural schema's defaults as the API server does (to a copy). */
function withDefaults(schema: any, value: any): any {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return schema.items ? value.map(v => withDefaults(schema.items, v)) : value;
  const out: any = { ...value };
  for (const [k, s] of Object.entries<any>(schema.properties ?? {})) {
    if (out[k] === undefined && s.default !== undefined) out[k] = JSON.parse(JSON.stringify(s.default));
    if (out[k] !== undefined) out[k] = withDefaults(s, out[k]);
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    for (const k of Object.keys(out)) if (!(k in (schema.properties ?? {}))) out[k] = withDefaults(schema.additionalProperties, out[k]);
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

test('every platform kind has a case', () => {
  expect(platformKinds().map(k => k.kind).sort()).toEqual(CASES.map(c => c.kind).sort());
  for (const k of ['SparkJob', 'DistributedTraining', 'FineTuning', 'HyperparameterExperiment', 'InferenceService', 'MLPipeline', 'Dataset']) {
    expect(platformKinds().map(x => x.kind)).toContain(k);
  }
});

describe.each(CASES.map(c => [c.kind, c] as const))('%s', (_kind, c) => {
  test('the custom resource renders exactly what the TypeScript construct synthesizes', () => {
    const rendered = renderResource(resource(c));
    const expected = synthesized(c);
    expect(byKey(rendered.children)).toEqual(byKey(expected));
    expect(rendered.children[0]).toEqual(expected.find(o => o.kind === rendered.primary.kind && o.metadata.name === rendered.primary.name));
    expect(rendered.primary.namespace).toBe(c.namespace);
    expect(rendered.children.every(o => o.metadata.namespace === c.namespace && o.metadata.ownerReferences === undefined)).toBe(true);
    expect(rendered.statusContract.kind).toBe(rendered.primary.kind);
  });

  test('the generated CRD schema accepts the spec, and its defaults (as the API server applies them) render the same', () => {
    const schema = specSchemaOf(c.kind);
    const validate = ajv.compile(schema);
    expect(validate(c.spec) ? [] : validate.errors).toEqual([]);
    const defaulted = withDefaults(schema, c.spec);
    expect(validate(defaulted) ? [] : validate.errors).toEqual([]);
    expect(byKey(renderResource(resource(c, defaulted)).children)).toEqual(byKey(synthesized(c)));
  });

  test('the generated CRD schema rejects a wrong type', () => {
    const validate = ajv.compile(specSchemaOf(c.kind));
    const [first] = Object.keys(c.spec);
    const wrong = { ...c.spec, [first]: typeof c.spec[first] === 'number' ? 'many' : 42 };
    expect(validate(wrong)).toBe(false);
    expect(validate.errors!.some(e => e.instancePath === `/${first}`)).toBe(true);
  });

  test('toSpec: the props give back the spec', () => {
    const spec = Object.fromEntries(Object.entries(c.spec).filter(([k]) => !(c.builderFields ?? []).includes(k)));
    expect(specFromProps(c.kind, c.props())).toEqual(spec);
  });
});

test('the CRDs are valid apiextensions.k8s.io/v1 objects, one per kind, with the status subresource and printer columns', () => {
  const crds = expectValid(platformCrds());
  expect(crds.map(c => c.metadata.name).sort()).toEqual(platformKinds().map(k => `${k.plural}.${PLATFORM_API_GROUP}`).sort());
  for (const crd of crds) {
    const v = crd.spec.versions[0];
    expect(v.name).toBe(PLATFORM_API_VERSION);
    expect(v.subresources).toEqual({ status: {} });
    expect(v.additionalPrinterColumns.map((c: any) => c.name)).toEqual(['Ready', 'Status', 'Primary', 'State', 'Age']);
    expect(Object.keys(v.schema.openAPIV3Schema.properties.status.properties)).toEqual(['observedGeneration', 'conditions', 'primary', 'children']);
    expect(crd.spec.names.categories).toEqual(['ai-platform']);
  }
});

test('the schema is generated from the jsii types: descriptions, enums, defaults, required fields, one-of choices', () => {
  const spark = specSchemaOf('SparkJob');
  expect(spark.required).toEqual(['image', 'mainApplicationFile', 'sparkVersion', 'type']);
  expect(spark.properties.type).toMatchObject({ type: 'string', enum: ['Java', 'Scala', 'Python', 'R'] });
  expect(spark.properties.imagePullPolicy.enum).toEqual(['Always', 'IfNotPresent', 'Never']);
  expect(spark.properties.run).toMatchObject({ type: 'object', minProperties: 1, maxProperties: 1, default: { once: {} } });
  expect(Object.keys(spark.properties.run.properties)).toEqual(['once', 'scheduled', 'streaming']);
  expect(spark.properties.timeToLive).toMatchObject({ type: 'string', pattern: expect.any(String) });
  expect(spark.properties.args).toMatchObject({ type: 'array', items: { type: 'string' }, default: [] });
  expect(typeof spark.properties.mainClass.description).toBe('string');
  // metadata props and construct references have no spec form
  for (const p of ['name', 'namespace', 'pool', 'queue', 'priorityClass']) expect(spark.properties[p]).toBeUndefined();
  const training = specSchemaOf('DistributedTraining');
  const accelerator = training.properties.resourcesPerWorker.properties.accelerator;
  expect(Object.keys(accelerator.properties)).toEqual(['amd', 'awsNeuron', 'nvidia', 'nvidiaMig', 'resource']);
  expect(accelerator.properties.nvidia.properties.count).toMatchObject({ type: 'number', default: 1 });
  expect(accelerator.properties.nvidiaMig.required).toEqual(['profile']);
  expect(training.properties.workers).toMatchObject({ type: 'number', default: 1 });
  expect(training.properties.suspend).toMatchObject({ type: 'boolean', default: false });
});

test('a field equal to its documented default is the default (as the API server fills it in)', () => {
  const c = CASES.find(x => x.kind === 'DistributedTraining')!;
  const explicit = renderResource(resource(c, { ...c.spec, suspend: false, workers: 4, framework: { pyTorch: {} } }));
  expect(explicit.children).toEqual(renderResource(resource(c)).children);
});

describe('invalid specs throw the ValidationError naming spec.<path>', () => {
  const spark = CASES.find(x => x.kind === 'SparkJob')!;
  const training = CASES.find(x => x.kind === 'DistributedTraining')!;
  const pipeline = CASES.find(x => x.kind === 'MLPipeline')!;
  test.each([
    ['a wrong type', spark, { ...spark.spec, args: 'x' },
      "[platform/click-features] spec.args: 'x' is not valid; must be a list (of string)"],
    ['a wrong element type', spark, { ...spark.spec, args: ['a', 1] },
      '[platform/click-features] spec.args[1]: 1 is not valid; must be a string'],
    ['a missing required field', spark, { ...spark.spec, image: undefined },
      '[platform/click-features] spec.image: undefined is not valid; required (string)'],
    ['an unknown field', spark, { ...spark.spec, imagee: 'x' },
      "[platform/click-features] spec.imagee: 'x' is not valid; not a field of SparkJobProps in a spec; fields: annotations, args, batchScheduler, deps, driver, dynamicAllocation, env, executor, hadoopConf, image, imagePullPolicy, imagePullSecrets, labels, mainApplicationFile, mainClass, memoryOverheadFactor, monitoring, podAnnotations, podLabels, restartPolicy, run, security, serviceAccountName, sharedMemory, sparkConf, sparkVersion, timeToLive, type, volumeMounts"],
    ['the name in the spec', spark, { ...spark.spec, name: 'x' },
      "[platform/click-features] spec.name: 'x' is not valid; not a field of SparkJobProps in a spec; fields: annotations, args, batchScheduler, deps, driver, dynamicAllocation, env, executor, hadoopConf, image, imagePullPolicy, imagePullSecrets, labels, mainApplicationFile, mainClass, memoryOverheadFactor, monitoring, podAnnotations, podLabels, restartPolicy, run, security, serviceAccountName, sharedMemory, sparkConf, sparkVersion, timeToLive, type, volumeMounts"],
    ['a bad enum value', spark, { ...spark.spec, type: 'python' },
      '[platform/click-features] spec.type: \'python\' is not valid; must be one of "Java", "Scala", "Python", "R"'],
    ['a bad duration', spark, { ...spark.spec, timeToLive: '1d' },
      "[platform/click-features] spec.timeToLive: '1d' is not valid; must be a Go duration such as \"1h30m\", \"90s\" or \"500ms\""],
    ['a bad quantity', spark, { ...spark.spec, driver: { memory: '2G' } },
      "[platform/click-features] spec.driver.memory: '2G' is not valid; must be a binary quantity such as \"512Mi\" or \"10Gi\""],
    ['two choices of a one-of', training, { ...training.spec, framework: { pyTorch: {}, jax: {} } },
      '[platform/resnet-ddp] spec.framework: {"pyTorch":{},"jax":{}} is not valid; must be an object with exactly one of the keys deepSpeed, jax, mlx, mpi, paddle, pyTorch, tensorFlow, xgBoost (TrainingFramework.<key>(...))'],
    ['an unknown choice', training, { ...training.spec, framework: { pytorch: {} } },
      '[platform/resnet-ddp] spec.framework.pytorch: {} is not valid; not a choice of TrainingFramework; use one of deepSpeed, jax, mlx, mpi, paddle, pyTorch, tensorFlow, xgBoost'],
    ['an unknown argument of a factory', training, { ...training.spec, resourcesPerWorker: { accelerator: { nvidia: { cnt: 1 } } } },
      '[platform/resnet-ddp] spec.resourcesPerWorker.accelerator.nvidia.cnt: 1 is not valid; not an argument of Accelerator.nvidia(); arguments: count, product, sharing'],
    ['a rule of the construct', training, { ...training.spec, workers: 0 },
      '[platform/resnet-ddp] spec.workers: 0 is not valid; must be an integer from 1 to 2147483647'],
    ['a task naming no template', pipeline, { ...pipeline.spec, tasks: [{ name: 'a', template: 'nope' }] },
      "[platform/nightly] spec.tasks[0].template: 'nope' is not valid; must name one of the templates (echo, prep)"],
    ['a dependency on no task', pipeline, { ...pipeline.spec, tasks: [{ name: 'a', template: 'echo', arguments: { message: 'x' }, dependsOn: ['b'] }] },
      "[platform/nightly] spec.tasks[0].dependsOn[0]: 'b' is not valid; must name another task (a)"],
  ])('%s', (_what, c, spec, message) => {
    const e: ValidationError = expectValidationError(() => renderResource(resource(c, spec)), message);
    expect(e.field.startsWith('spec.')).toBe(true);
  });
});

test.each(CASES.filter(c => !c.build).map(c => [c.kind, c] as const))('%s.fromSpec declares the construct the props declare', (_kind, c) => {
  const viaSpec = new Chart(Testing.app(), 'platform', { namespace: c.namespace });
  const declared = (CONSTRUCTS[c.kind] as any).fromSpec(viaSpec, c.name, c.spec);
  expect(declared).toBeInstanceOf(CONSTRUCTS[c.kind]);
  const viaProps = new Chart(Testing.app(), 'platform', { namespace: c.namespace });
  new CONSTRUCTS[c.kind](viaProps, c.name, c.props());
  expect(Testing.synth(viaSpec)).toEqual(Testing.synth(viaProps));
});

test('fromSpec names the field of an invalid spec', () => {
  const chart = new Chart(Testing.app(), 'team', { namespace: 'ml' });
  expectValidationError(() => BatchJob.fromSpec(chart, 'eval', { containers: [{ image: 'x', resources: { memory: '1GB' } }] }),
    "[team/eval] spec.containers[0].resources.memory: '1GB' is not valid; must be a binary quantity such as \"512Mi\" or \"10Gi\"");
});

test('a reference with a static factory has a spec form: a predictor\'s runtime is KServeRuntime.existing(name, options)', () => {
  const c: Case = {
    kind: 'InferenceService',
    name: 'llama',
    namespace: 'ml-serving',
    spec: {
      predictor: {
        model: {
          format: { huggingface: {} },
          runtime: { existing: { name: 'kserve-huggingfaceserver', supportedModelFormats: [{ name: 'huggingface', version: '1' }], protocolVersions: ['v2', 'v1'] } },
          args: ['--model_name=llama', '--model_id=meta-llama/Llama-3.1-8B-Instruct'],
          env: { HF_TOKEN: { fromSecretKey: { secretName: 'hf-token', key: 'token' } } },
        },
      },
    },
    props: () => ({
      predictor: Predictor.model({
        format: ModelFormat.huggingface(),
        runtime: KServeRuntime.existing('kserve-huggingfaceserver', {
          supportedModelFormats: [{ name: 'huggingface', version: '1' }], protocolVersions: [InferenceProtocol.V2, InferenceProtocol.V1],
        }),
        args: ['--model_name=llama', '--model_id=meta-llama/Llama-3.1-8B-Instruct'],
        env: { HF_TOKEN: EnvVarValue.fromSecretKey('hf-token', 'token') },
      }),
    }),
  };
  expect(byKey(renderResource(resource(c)).children)).toEqual(byKey(synthesized(c)));
  expect(specFromProps(c.kind, c.props())).toEqual(c.spec);
  const validate = ajv.compile(specSchemaOf(c.kind));
  expect(validate(c.spec) ? [] : validate.errors).toEqual([]);
  // the construct's own rule, its field named where the spec has it (inside the one-of choice `model`)
  const noFormats = { predictor: { model: { ...c.spec.predictor.model, runtime: { existing: { name: 'kserve-huggingfaceserver' } } } } };
  expectValidationError(() => renderResource(resource(c, noFormats)),
    "[platform/llama] spec.predictor.model.format: 'huggingface' is not valid; runtime 'kserve-huggingfaceserver' supports no declared formats");
});
