import './assembly';
import Ajv from 'ajv';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  Accelerator, BatchJob, BatchQueue, EnvVarValue, ExistingGpuNodes, InferenceProtocol, InferenceService, KServeRuntime, KueueIntegration, LocalQueue,
  MLPipeline, ModelFormat, PodVolume, WorkloadPriorityClass,
  Predictor, TaskResult,
} from '../../src';
import { specFromProps } from '../../src/controller/kinds';
import { PLATFORM_API_GROUP, PLATFORM_API_VERSION, platformCrds, platformKinds, platformSpecContext, renderResource } from '../../src/controller/render';
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
  // metadata props have no spec form; construct references are names
  for (const p of ['name', 'namespace']) expect(spark.properties[p]).toBeUndefined();
  expect(spark.properties.pool).toMatchObject({ type: 'string', minLength: 1, description: expect.stringMatching(/In a spec: the name of a node pool of the platform\.$/) });
  expect(spark.properties.queue.description).toMatch(/In a spec: the name of a Kueue LocalQueue of the resource's namespace\.$/);
  expect(spark.properties.priorityClass.description).toMatch(/In a spec: the name of a Kueue WorkloadPriorityClass of the platform\.$/);
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
      "[platform/click-features] spec.imagee: 'x' is not valid; not a field of SparkJobProps in a spec; fields: annotations, args, batchScheduler, deps, driver, dynamicAllocation, env, executor, hadoopConf, image, imagePullPolicy, imagePullSecrets, labels, mainApplicationFile, mainClass, memoryOverheadFactor, monitoring, podAnnotations, podLabels, pool, priorityClass, queue, restartPolicy, run, security, serviceAccountName, sharedMemory, sparkConf, sparkVersion, timeToLive, type, volumeMounts"],
    ['the name in the spec', spark, { ...spark.spec, name: 'x' },
      "[platform/click-features] spec.name: 'x' is not valid; not a field of SparkJobProps in a spec; fields: annotations, args, batchScheduler, deps, driver, dynamicAllocation, env, executor, hadoopConf, image, imagePullPolicy, imagePullSecrets, labels, mainApplicationFile, mainClass, memoryOverheadFactor, monitoring, podAnnotations, podLabels, pool, priorityClass, queue, restartPolicy, run, security, serviceAccountName, sharedMemory, sparkConf, sparkVersion, timeToLive, type, volumeMounts"],
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

describe('toSpec(): the spec of a declared construct', () => {
  /** The construct of a case declared in TypeScript (props and builder calls), in a chart as the controller's. */
  function declared(c: Case, props: any = c.props()): any {
    const chart = new Chart(Testing.app(), 'platform', { namespace: c.namespace });
    const construct = new CONSTRUCTS[c.kind](chart, c.name, props);
    c.build?.(construct);
    return construct;
  }

  describe.each(CASES.map(c => [c.kind, c] as const))('%s', (_kind, c) => {
    test('toSpec() of the construct declared in TypeScript is the case\'s spec (builder parts included)', () => {
      expect(declared(c).toSpec()).toEqual(c.spec);
    });

    test('fromSpec(toSpec()) at the same path synthesizes exactly what the construct synthesizes', () => {
      const construct = declared(c);
      const again = new Chart(Testing.app(), 'platform', { namespace: c.namespace });
      const fromSpec = (CONSTRUCTS[c.kind] as any).fromSpec(again, c.name, construct.toSpec());
      expect(fromSpec).toBeInstanceOf(CONSTRUCTS[c.kind]);
      expect(Testing.synth(again)).toEqual(Testing.synth(Chart.of(construct)));
    });

    test('the spec is JSON and the generated CRD schema accepts it', () => {
      const spec = declared(c).toSpec();
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
      const validate = ajv.compile(specSchemaOf(c.kind));
      expect(validate(spec) ? [] : validate.errors).toEqual([]);
    });
  });

  test('name and namespace are metadata, left out of the spec', () => {
    const c = CASES.find(x => x.kind === 'BatchJob')!;
    const spec = declared(c, { ...c.props(), name: 'eval-7', namespace: 'other' }).toSpec();
    expect(spec).toEqual(c.spec);
  });

  test('values made before the library recorded factories are not needed: one-of values made from any module are recorded', () => {
    // the controller module was not loaded to make these (the index records factory calls when it loads)
    const job = new BatchJob(new Chart(Testing.app(), 'c'), 'j', {
      containers: [{ image: 'x:1', resources: { accelerator: Accelerator.amd(2) }, env: { A: EnvVarValue.fromConfigMapKey('cm', 'k', true) } }],
    });
    expect(job.toSpec()).toEqual({ containers: [{ image: 'x:1', resources: { accelerator: { amd: { count: 2 } } }, env: { A: { fromConfigMapKey: { configMapName: 'cm', key: 'k', optional: true } } } }] });
  });

  test('a static constant has no spec form: the error names the field and the factories that have one', () => {
    const chart = new Chart(Testing.app(), 'team', { namespace: 'ml-serving' });
    const svc = new InferenceService(chart, 'llm', { predictor: Predictor.model({ format: ModelFormat.huggingface(), runtime: KServeRuntime.HUGGINGFACE }) });
    const e: ValidationError = expectValidationError(() => svc.toSpec(),
      /^\[team\/llm\] predictor\.model\.runtime: 'KServeRuntime\(kserve-huggingfaceserver\)' is not valid; it was not made by a static factory with a spec form; only values made by these static factories have a spec form: .*KServeRuntime\.existing\(\)/);
    expect(e.field).toBe('predictor.model.runtime');
  });

  test('a change after construction that the spec cannot hold throws; one through the props is in the spec', () => {
    const c = CASES.find(x => x.kind === 'BatchJob')!;
    const job = declared(c) as BatchJob;
    job.podTemplates[0].addVolume(PodVolume.fromEmptyDir('scratch'));
    const e: ValidationError = expectValidationError(() => job.toSpec(),
      /^\[platform\/eval\] Job\.spec\.template\.spec\.volumes: .* is not valid; the workload was changed after construction in a way its spec cannot hold/);
    expect(e.field).toBe('Job.spec.template.spec.volumes');
    const withVolume = declared(c, { ...c.props(), volumes: [PodVolume.fromEmptyDir('scratch')] }) as BatchJob;
    expect(withVolume.toSpec().volumes).toEqual([{ fromEmptyDir: { name: 'scratch' } }]);
  });

  test('a pipeline: templates added in any order come back by name (the order of a spec\'s map), the DAG the same', () => {
    const chart = new Chart(Testing.app(), 'platform', { namespace: 'ml' });
    const p = new MLPipeline(chart, 'dag', {});
    const z = p.addScript('zeta', { image: 'python:3.12', source: 'print(1)' });
    const a = p.addContainer('alpha', { container: { image: 'busybox:1.36', args: ['{{inputs.parameters.x}}'] }, inputs: [{ name: 'x', defaultValue: 'd' }] });
    const gate = p.addApproval('gate', { duration: Duration.minutes(10) });
    const t1 = p.addTask('first', z);
    const t2 = p.addTask('second', a, { arguments: { x: 'y' }, dependsOn: [t1] });
    p.addTask('third', gate).dependsOn(t1, t2);
    p.onExit(a);
    const spec = p.toSpec();
    expect(Object.keys(spec.templates)).toEqual(['alpha', 'gate', 'zeta']);
    expect(spec.tasks).toEqual([
      { name: 'first', template: 'zeta' },
      { name: 'second', template: 'alpha', arguments: { x: 'y' }, dependsOn: ['first'] },
      { name: 'third', template: 'gate', dependsOn: ['first', 'second'] },
    ]);
    expect(spec.exitHandler).toBe('alpha');
    const again = new Chart(Testing.app(), 'platform', { namespace: 'ml' });
    MLPipeline.fromSpec(again, 'dag', spec);
    const templateNames = (objs: any[]) => objs[0].spec.templates.map((t: any) => t.name);
    const [mine, theirs] = [Testing.synth(chart), Testing.synth(again)];
    expect(templateNames(theirs)).toEqual(['main', 'alpha', 'gate', 'zeta']);
    expect(templateNames(mine)).toEqual(['main', 'zeta', 'alpha', 'gate']);
    const byName = (objs: any[]) => objs.map(o => (o.kind === 'Workflow' ? { ...o, spec: { ...o.spec, templates: [...o.spec.templates].sort((x: any, y: any) => x.name.localeCompare(y.name)) } } : o));
    expect(byName(theirs)).toEqual(byName(mine));
  });

  test('a pipeline dependency on another result than success has no spec form', () => {
    const p = new MLPipeline(new Chart(Testing.app(), 'platform'), 'dag', {});
    const s = p.addScript('s', { image: 'python:3.12', source: 'print(1)' });
    const a = p.addTask('a', s);
    p.addTask('cleanup', s).runsOn(a, TaskResult.FAILED);
    expectValidationError(() => p.toSpec(),
      "[platform/dag] tasks.cleanup.dependsOn: 'a.Failed' is not valid; only dependencies on success (dependsOn, then, chain) have a spec form; runsOn(task, TaskResult.FAILED) has none");
  });

  test('generated BatchJobs: fromSpec(toSpec()) synthesizes the same objects, and toSpec() of that is the same spec (defaults applied)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
    const accelerator = fc.oneof(
      fc.constant(undefined),
      fc.record({ count: fc.integer({ min: 1, max: 8 }) }).map(o => Accelerator.nvidia(o)),
      fc.integer({ min: 1, max: 4 }).map(n => Accelerator.amd(n)),
      fc.constantFrom('1g.10gb', '3g.40gb').map(p => Accelerator.nvidiaMig(p)),
    );
    const env = fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/), fc.oneof(
      name.map(v => EnvVarValue.fromValue(v)),
      fc.tuple(name, name).map(([a, b]) => EnvVarValue.fromSecretKey(a, b)),
      fc.constantFrom('metadata.name', 'metadata.namespace').map(f => EnvVarValue.fromFieldPath(f)),
    ), { maxKeys: 3 });
    const container = fc.record({
      image: name.map(n => `ghcr.io/example/${n}:1`),
      args: fc.array(name, { maxLength: 3 }),
      env,
      resources: fc.record({
        cpu: fc.oneof(fc.integer({ min: 1, max: 64 }).map(n => Cpu.units(n)), fc.integer({ min: 1, max: 999 }).map(n => Cpu.millis(n))),
        memory: fc.integer({ min: 1, max: 512 }).map(n => Size.gibibytes(n)),
        accelerator,
      }, { requiredKeys: ['cpu', 'memory'] }),
    }, { requiredKeys: ['image'] });
    const props = fc.record({
      containers: fc.array(container, { minLength: 1, maxLength: 2 }).map(cs => cs.map((x, i) => ({ ...x, name: `c${i}` }))),
      backoffLimit: fc.integer({ min: 0, max: 10 }),
      activeDeadline: fc.integer({ min: 1, max: 48 }).map(h => Duration.hours(h)),
      podLabels: fc.dictionary(name, name, { maxKeys: 2 }),
    }, { requiredKeys: ['containers'] });
    fc.assert(fc.property(props, p => {
      const chart = new Chart(Testing.app(), 'platform', { namespace: 'ml' });
      const job = new BatchJob(chart, 'gen', p);
      const spec = job.toSpec();
      const again = new Chart(Testing.app(), 'platform', { namespace: 'ml' });
      const fromSpec = BatchJob.fromSpec(again, 'gen', JSON.parse(JSON.stringify(spec)));
      expect(Testing.synth(again)).toEqual(Testing.synth(chart));
      // the same spec once the API server's defaults are applied (fromSpec takes a field equal to its default as unset)
      const schema = specSchemaOf('BatchJob');
      expect(withDefaults(schema, fromSpec.toSpec())).toEqual(withDefaults(schema, spec));
    }), { seed: 20261130, numRuns: 60 });
  });
});

test('importing the library records factory calls without reading the jsii assembly', () => {
  jest.isolateModules(() => {
    jest.doMock('../../src/controller/spec-assembly', () => { throw new Error('the jsii assembly module was loaded'); });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('../../src');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { factoryCallOf } = require('../../src/core/spec-record');
    const a = lib.Accelerator.nvidiaMig('1g.10gb', 2);
    expect(factoryCallOf(a)).toEqual({ owner: lib.Accelerator, factory: 'nvidiaMig', args: ['1g.10gb', 2] });
    jest.dontMock('../../src/controller/spec-assembly');
  });
});

describe('references by name: pool, queue, priorityClass', () => {
  /** A platform app with a GPU pool, a LocalQueue of ml-team and a priority class, and a chart of ml-team. */
  function platform() {
    const app = Testing.app();
    const infra = new Chart(app, 'infra');
    const pool = new ExistingGpuNodes(infra, 'gpus', {
      name: 'gpu-a10g',
      nodeLabels: { 'node-group': 'gpu-a10g' },
      taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' as any }],
      accelerator: Accelerator.nvidia({ product: 'NVIDIA-A10G' }),
      acceleratorsPerNode: 4,
    });
    const queue = new LocalQueue(infra, 'team-a', { clusterQueue: BatchQueue.fromClusterQueueName(infra, 'cq', 'gpu-batch', { integrations: [KueueIntegration.BATCH_JOB, KueueIntegration.PYTORCH_JOB] }), namespace: 'ml-team', name: 'team-a' });
    const priorityClass = new WorkloadPriorityClass(infra, 'high', { name: 'high', value: 1000 });
    const chart = new Chart(app, 'platform', { namespace: 'ml-team' });
    return { app, chart, pool, queue, priorityClass, context: JSON.parse(JSON.stringify(platformSpecContext(chart))) };
  }
  const batch = CASES.find(x => x.kind === 'BatchJob')!;
  const training = CASES.find(x => x.kind === 'DistributedTraining')!;
  const batchSpec = { ...batch.spec, containers: [{ ...batch.spec.containers[0], resources: { cpu: '2', memory: '4Gi', accelerator: { nvidia: {} } } }] };
  const batchProps = () => ({
    ...batch.props(),
    containers: [{ ...batch.props().containers[0], resources: { cpu: Cpu.units(2), memory: Size.gibibytes(4), accelerator: Accelerator.nvidia() } }],
  });

  test('the platform context is JSON: the pools\' placement facts, the queues by namespace, the priority classes', () => {
    expect(platform().context).toEqual({
      pools: {
        'gpu-a10g': {
          nodeLabels: { 'node-group': 'gpu-a10g' },
          taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
          resourceNames: ['nvidia.com/gpu'],
          products: ['NVIDIA-A10G'],
          maxPerNode: 4,
        },
      },
      queues: { 'ml-team': { 'team-a': { clusterQueue: 'gpu-batch', integrations: ['batch/job', 'kubeflow.org/pytorchjob'] } } },
      priorityClasses: { high: { value: 1000 } },
    });
  });

  test.each([
    ['BatchJob with pool, queue and priorityClass', batch, { ...batchSpec, pool: 'gpu-a10g', queue: 'team-a', priorityClass: 'high' },
      (p: ReturnType<typeof platform>) => ({ ...batchProps(), pool: p.pool, queue: p.queue, priorityClass: p.priorityClass })],
    ['DistributedTraining with pool and queue', training, { ...training.spec, pool: 'gpu-a10g', queue: 'team-a' },
      (p: ReturnType<typeof platform>) => ({ ...training.props(), pool: p.pool, queue: p.queue })],
  ])('%s: the custom resource renders exactly what the construct synthesizes (without the pool and queue objects); toSpec() names them', (_what, c, spec, props) => {
    const p = platform();
    const construct = new CONSTRUCTS[c.kind](p.chart, c.name, { ...props(p), name: c.name }) as any;
    const expected = Testing.synth(p.chart);
    const rendered = renderResource(resource(c, spec), p.context);
    expect(byKey(rendered.children)).toEqual(byKey(expected));
    expect(JSON.stringify(rendered.children)).toContain('gpu-a10g');
    expect(rendered.children.some(o => o.kind === 'LocalQueue' || o.kind === 'WorkloadPriorityClass')).toBe(false);
    expect(construct.toSpec()).toEqual(spec);
    const validate = ajv.compile(specSchemaOf(c.kind));
    expect(validate(spec) ? [] : validate.errors).toEqual([]);
  });

  test('in TypeScript, fromSpec resolves the names against the app\'s pools and queues', () => {
    const p = platform();
    const declared = new BatchJob(p.chart, 'eval', { ...batchProps(), pool: p.pool, queue: p.queue, priorityClass: p.priorityClass });
    const q = platform();
    BatchJob.fromSpec(q.chart, 'eval', declared.toSpec());
    expect(Testing.synth(q.chart)).toEqual(Testing.synth(p.chart));
  });

  test.each([
    ['an unknown pool', { pool: 'gpu-h100' }, "[platform/eval] spec.pool: 'gpu-h100' is not valid; must name a node pool of the platform: 'gpu-a10g'"],
    ['an unknown queue', { queue: 'team-b' }, "[platform/eval] spec.queue: 'team-b' is not valid; must name a Kueue LocalQueue of the resource's namespace: 'team-a'"],
    ['an unknown priority class', { queue: 'team-a', priorityClass: 'urgent' }, "[platform/eval] spec.priorityClass: 'urgent' is not valid; must name a Kueue WorkloadPriorityClass of the platform: 'high'"],
    ['a pool that is not a name', { pool: { name: 'gpu-a10g' } }, '[platform/eval] spec.pool: {"name":"gpu-a10g"} is not valid; must be the name of a node pool of the platform'],
  ])('%s is an invalid spec naming the field and the accepted names', (_what, extra, message) => {
    const e: ValidationError = expectValidationError(() => renderResource(resource(batch, { ...batchSpec, ...extra }), platform().context), message);
    expect(e.field.startsWith('spec.')).toBe(true);
  });

  test('a queue of another namespace is unknown; without a platform context no name resolves', () => {
    const other = { ...resource(batch, { ...batchSpec, queue: 'team-a' }), metadata: { name: 'eval', namespace: 'other' } };
    expectValidationError(() => renderResource(other, platform().context),
      "[platform/eval] spec.queue: 'team-a' is not valid; must name a Kueue LocalQueue of the resource's namespace (it has none)");
    expectValidationError(() => renderResource(resource(batch, { ...batchSpec, pool: 'gpu-a10g' })),
      "[platform/eval] spec.pool: 'gpu-a10g' is not valid; must name a node pool of the platform (it has none)");
  });

  test('the pool\'s checks apply to the referenced pool: an accelerator it does not offer is an invalid spec', () => {
    const amd = { ...batchSpec, pool: 'gpu-a10g', containers: [{ ...batchSpec.containers[0], resources: { accelerator: { amd: { count: 1 } } } }] };
    expectValidationError(() => renderResource(resource(batch, amd), platform().context),
      /^\[platform\/eval\] spec\.containers\[0\]\.resources\.accelerator\.resourceName: 'amd\.com\/gpu' is not valid; node pool 'gpu-a10g' offers 'nvidia\.com\/gpu'/);
  });
});
