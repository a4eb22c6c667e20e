/**
 * A workload held by another resource — a pipeline's workload, rollout and patch steps, a Katib trial from a
 * WorkloadTemplate — written as a nested platform resource `{kind, name, spec}`.
 */
import './assembly';
import Ajv from 'ajv';
import { Chart, Testing } from 'cdk8s';
import { declareNestedPipeline, NESTED_PIPELINE_NAMESPACE } from './render-cases';
import { Accelerator, BatchJob, ExistingGpuNodes, MLPipeline, WorkloadTemplate } from '../../src';
import { withTemplatesByName } from '../../src/controller/kinds';
import { platformCrds, platformSpecContext, renderResource } from '../../src/controller/render';
import { expectValidationError } from '../util';

const NS = NESTED_PIPELINE_NAMESPACE;

function specSchemaOf(kind: string): any {
  return platformCrds().find(x => x.spec.names.kind === kind).spec.versions[0].schema.openAPIV3Schema.properties.spec;
}

const evalSpec = (extra: any = {}) => ({
  kind: 'BatchJob',
  name: 'eval',
  spec: { containers: [{ name: 'eval', image: 'ghcr.io/example/eval:1.0', command: ['python', 'eval.py'], resources: { cpu: '2', ...extra } }] },
});
const serveSpec = {
  kind: 'InferenceService',
  name: 'iris',
  spec: { predictor: { model: { format: { sklearn: {} }, storageUri: { s3: { bucket: 'models', key: 'iris' } }, canaryTrafficPercent: 10 } } },
};

test('toSpec writes the steps\' workloads as nested resources, and the resource renders what the construct synthesizes', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: NS });
  const spec = declareNestedPipeline(chart).toSpec();
  expect(spec.templates).toEqual({
    eval: { workload: { workload: evalSpec(), timeout: '1h' } },
    promote: { patch: { workload: serveSpec, patch: { spec: { predictor: { canaryTrafficPercent: 100 } } }, strategy: 'merge' } },
    rollout: { rollout: { workload: serveSpec } },
  });
  const validate = new Ajv({ strict: false }).compile(specSchemaOf('MLPipeline'));
  expect(validate(spec) ? [] : validate.errors).toEqual([]);

  const rendered = renderResource({ apiVersion: 'platform.ai.cdk8s.io/v1alpha1', kind: 'MLPipeline', metadata: { name: 'release', namespace: NS }, spec });
  const byKey = (objs: any[]) => objs.map(o => JSON.stringify(o)).sort();
  const synthesized = Testing.synth(chart);
  // the Argo templates are listed in name order from a spec (a map), in declaration order from TypeScript
  expect(byKey(withTemplatesByName(rendered.children))).toEqual(byKey(withTemplatesByName(synthesized)));
  expect(JSON.stringify(rendered.children)).toContain('ghcr.io/example/eval:1.0');
});

test('a nested workload names the platform\'s pool through the platform context', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace: NS });
  const pool = new ExistingGpuNodes(chart, 'gpus', { name: 'gpu-a10g', nodeLabels: { 'node-group': 'gpu-a10g' }, accelerator: Accelerator.nvidia() });
  const spec = declareNestedPipeline(chart, pool).toSpec();
  expect(spec.templates.eval.workload.workload.spec.pool).toBe('gpu-a10g');
  const context = JSON.parse(JSON.stringify(platformSpecContext(chart)));
  const rendered = renderResource({ apiVersion: 'platform.ai.cdk8s.io/v1alpha1', kind: 'MLPipeline', metadata: { name: 'release', namespace: NS }, spec }, context);
  expect(JSON.stringify(rendered.children)).toContain('node-group: gpu-a10g');
  expectValidationError(() => renderResource({ apiVersion: 'platform.ai.cdk8s.io/v1alpha1', kind: 'MLPipeline', metadata: { name: 'release', namespace: NS }, spec }),
    "[platform/release] spec.templates.eval.workload.workload.spec.pool: 'gpu-a10g' is not valid; must name a node pool of the platform (it has none)");
});

describe('an invalid nested workload is an invalid spec naming the nested field', () => {
  const pipeline = (workload: any) => ({
    apiVersion: 'platform.ai.cdk8s.io/v1alpha1',
    kind: 'MLPipeline',
    metadata: { name: 'release', namespace: NS },
    spec: { templates: { eval: { workload: { workload } } }, tasks: [{ name: 'eval', template: 'eval' }] },
  });
  test.each([
    ['an unknown kind', { kind: 'Deployment', spec: {} }, /^\[platform\/release\] spec\.templates\.eval\.workload\.workload\.kind: 'Deployment' is not valid; must be a platform kind: SparkJob, /],
    ['a field of the nested spec', evalSpec({ cpu: 'two' }),
      /^\[platform\/release\] spec\.templates\.eval\.workload\.workload\.spec\.containers\[0\]\.resources\.cpu: 'two' is not valid; /],
    ['an extra field', { ...evalSpec(), namespace: 'x' }, /^\[platform\/release\] spec\.templates\.eval\.workload\.workload\.namespace: 'x' is not valid; not a field of a nested workload/],
  ])('%s', (_what, workload, message) => {
    expectValidationError(() => renderResource(pipeline(workload)), message);
  });
});

test('a workload of no platform kind has no spec form (a subclass renders what the platform kind cannot say)', () => {
  class TeamJob extends BatchJob {}
  const chart = new Chart(Testing.app(), 'c', { namespace: NS });
  const pipeline = new MLPipeline(chart, 'p', { name: 'p' });
  const t = new WorkloadTemplate({ namespace: NS, platform: chart });
  new TeamJob(t.scope, 'eval', { name: 'eval', containers: [{ name: 'eval', image: 'ghcr.io/example/eval:1.0' }] });
  pipeline.addTask('eval', pipeline.addWorkload('eval', { workload: t }));
  expectValidationError(() => pipeline.toSpec(),
    /^\[c\/p\] templates\.eval\.workload: 'TeamJob' is not valid; only a workload of a platform kind has a spec form \(SparkJob, /);
});
