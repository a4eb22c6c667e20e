/**
 * The generated platform CRDs on the project's real kube-apiserver: they install (structural schemas, valid
 * defaults), the API server accepts every comparison case's custom resource with strict field validation, defaults
 * it as the schema says, and what the controller renders from the stored object is exactly what the TypeScript
 * construct synthesizes; wrong types and unknown fields are refused by the API server itself.
 */
import './assembly';
import { Chart, Testing } from 'cdk8s';
import { kubectlApply } from './harness';
import { Case, CASES, CONSTRUCTS, declareNestedPipeline, NESTED_PIPELINE_NAMESPACE, resource } from './render-cases';
import { withTemplatesByName } from '../../src/controller/kinds';
import { platformCrds, platformKinds, renderResource } from '../../src/controller/render';
import { assertBinaries, Cluster, startCluster } from '../integration/cluster';

let cluster: Cluster;
const PLURAL: Record<string, string> = Object.fromEntries(platformKinds().map(k => [k.kind, k.plural]));

beforeAll(async () => {
  assertBinaries();
  cluster = await startCluster();
  const crds = platformCrds();
  await kubectlApply(cluster, crds, 'platform-crds-test');
  const r = await cluster.kubectl(['wait', '--for=condition=Established', ...crds.map(c => `crd/${c.metadata.name}`), '--timeout=180s'], { timeoutMs: 200_000 });
  if (r.code !== 0) throw new Error(`CRDs not established: ${r.stderr || r.stdout}`);
  for (const ns of [...new Set(CASES.map(c => c.namespace))]) {
    const created = await cluster.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    if (created.status >= 300) throw new Error(`namespace ${ns}: ${created.status} ${created.body}`);
  }
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
});

function dryRunCreate(c: Case, spec: any) {
  return cluster.request('POST', `/apis/platform.ai.cdk8s.io/v1alpha1/namespaces/${c.namespace}/${PLURAL[c.kind]}?dryRun=All&fieldValidation=Strict`, resource(c, spec));
}

function synthesized(c: Case): any[] {
  const chart = new Chart(Testing.app(), 'platform', { namespace: c.namespace });
  const construct = new CONSTRUCTS[c.kind](chart, c.name, { ...c.props(), name: c.name });
  c.build?.(construct);
  return Testing.synth(chart);
}

const byKey = (objects: any[]) => [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));

describe.each(CASES.map(c => [c.kind, c] as const))('%s', (_kind, c) => {
  test('the API server accepts the resource (strict field validation); rendered as stored, defaults included, it equals the construct\'s synth', async () => {
    const r = await dryRunCreate(c, c.spec);
    expect([r.status, r.status < 300 ? '' : r.body]).toEqual([201, '']);
    const stored = JSON.parse(r.body);
    expect(stored.metadata.generation).toBe(1);
    expect(byKey(renderResource(stored).children)).toEqual(byKey(synthesized(c)));
  });

  test('the API server refuses a wrong type and an unknown field', async () => {
    const [first] = Object.keys(c.spec);
    const wrongType = await dryRunCreate(c, { ...c.spec, [first]: typeof c.spec[first] === 'number' ? 'many' : 42 });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body).toContain(`spec.${first}`);
    const unknown = await dryRunCreate(c, { ...c.spec, notAField: true });
    expect(unknown.status).toBe(400); // strict field validation: BadRequest
    expect(unknown.body).toContain('notAField');
  });
});

test('a pipeline whose steps hold workloads as nested resources: stored by the API server, rendered as the construct synthesizes', async () => {
  const chart = new Chart(Testing.app(), 'platform', { namespace: NESTED_PIPELINE_NAMESPACE });
  const pipeline = declareNestedPipeline(chart);
  const c: Case = { kind: 'MLPipeline', name: 'release', namespace: NESTED_PIPELINE_NAMESPACE, spec: pipeline.toSpec(), props: () => ({}) };
  const r = await dryRunCreate(c, c.spec);
  expect([r.status, r.status < 300 ? '' : r.body]).toEqual([201, '']);
  const stored = JSON.parse(r.body);
  expect(stored.spec.templates.eval.workload.workload.spec.containers[0].image).toBe('ghcr.io/example/eval:1.0');
  // the Argo templates come in name order from a spec (a map), in declaration order from TypeScript
  expect(withTemplatesByName(byKey(renderResource(stored).children))).toEqual(withTemplatesByName(byKey(Testing.synth(chart))));
});
