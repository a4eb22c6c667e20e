/**
 * The Argo Workflows v4.1.4 workflow controller acts on the Workflow of the `pipeline-diamond` example: it creates
 * the pod of the DAG's first step (the others wait for it, and pods never run here), with its `init` and `wait`
 * executor containers. The namespace gets the Pod Security labels the platform computes; the API server enforces
 * them on the pod.
 */
import { Chart } from 'cdk8s';
import { Harness, KObject, loadExample, newApp, operatorBuilt, podSecurityRefusals, podSecurityVerdicts } from './harness';
import { startArgoWorkflows } from './operators';
import { AiPlatform, ArgoWorkflowsInstall } from '../../src';

const NS = 'pipelines';

// the operators react within seconds, but a loaded CI machine may take longer than jest's default
jest.setTimeout(180_000);

let h: Harness | undefined;
let namespace: KObject;
const built = operatorBuilt('argo-workflows');
const t = built ? test : test.skip;

beforeAll(async () => {
  if (!built) return;
  const { PipelineDiamondChart } = loadExample('pipeline-diamond');
  const app = newApp();
  const platformChart = new Chart(app, 'platform');
  const argo = new ArgoWorkflowsInstall(platformChart, 'argo-workflows');
  const platform = new AiPlatform(platformChart, 'ai', { operators: [argo], namespaces: [NS], checkOperators: false });
  const example: Chart = new PipelineDiamondChart(app, 'pipeline-diamond');
  namespace = platform.namespaces[0].apiObject.toJson();

  h = await Harness.start();
  await startArgoWorkflows(h, argo);
  await h.apply([namespace]);
  await h.apply(example.toJson());
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

t('Workflow → the first step\'s pod with the executor containers, admitted under restricted', async () => {
  expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  const pods = await h!.waitFor('the pod of step A', async () => {
    const p = await h!.list(`/api/v1/namespaces/${NS}/pods?labelSelector=workflows.argoproj.io/workflow=dag-diamond`);
    return p.length > 0 ? p : undefined;
  });
  expect(pods).toHaveLength(1);
  const pod = pods[0];
  expect(pod.metadata.annotations['workflows.argoproj.io/node-name']).toBe('dag-diamond.A');
  const init = pod.spec.initContainers.find((c: any) => c.name === 'init');
  const wait = pod.spec.containers.find((c: any) => c.name === 'wait');
  for (const c of [init, wait]) {
    expect(c.image).toBe('quay.io/argoproj/argoexec:v4.1.4');
    expect(c.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 8737, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
  }
  expect(pod.spec.containers.find((c: any) => c.name === 'main').image).toBe('python:3.12-alpine');
  expect(await podSecurityRefusals(h!, NS)).toEqual([]);
  const [verdict] = await podSecurityVerdicts(h!, pods);
  expect(verdict.restricted).toBe('ok');
});
