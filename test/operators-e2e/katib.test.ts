/**
 * The Katib v0.19.0 controller acts on the Experiment of the `katib-mnist-random` example: it creates the Suggestion
 * and the algorithm service's Deployment and Service in the experiment's namespace (kube-controller-manager creates
 * its pod). Trials come from that service's gRPC answers, and its pod never runs here (no kubelet), so what is
 * asserted is what the controller records and creates up to that point, and the Pod Security of the pod it creates.
 */
import { Chart } from 'cdk8s';
import { Harness, KObject, loadExample, newApp, operatorBuilt, podSecurityRefusals, podSecurityVerdicts } from './harness';
import { startKatib } from './operators';
import { AiPlatform, KatibInstall } from '../../src';

const NS = 'ml-team';
const EXPERIMENT = 'random';

// the operators react within seconds, but a loaded CI machine may take longer than jest's default
jest.setTimeout(180_000);

let h: Harness | undefined;
let namespace: KObject;
const built = operatorBuilt('katib');
const t = built ? test : test.skip;

beforeAll(async () => {
  if (!built) return;
  const { KatibMnistRandomChart } = loadExample('katib-mnist-random');
  const app = newApp();
  const platformChart = new Chart(app, 'platform');
  const katib = new KatibInstall(platformChart, 'katib');
  const platform = new AiPlatform(platformChart, 'ai', { operators: [katib], namespaces: [NS], checkOperators: false });
  const example: Chart = new KatibMnistRandomChart(app, 'katib-mnist-random');
  namespace = platform.namespaces[0].apiObject.toJson();

  h = await Harness.start();
  await startKatib(h, katib);
  await h.apply([namespace]);
  await h.apply(example.toJson().filter((o: KObject) => o.kind === 'Experiment'));
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

t('Experiment → a Suggestion for the random algorithm, with the experiment\'s parallelism', async () => {
  const suggestion = await h!.waitFor('the Suggestion', () => h!.get(`/apis/kubeflow.org/v1beta1/namespaces/${NS}/suggestions/${EXPERIMENT}`));
  expect(suggestion.spec.algorithm.algorithmName).toBe('random');
  expect(suggestion.spec.requests).toBe(2);
  expect(suggestion.metadata.ownerReferences[0]).toMatchObject({ kind: 'Experiment', name: EXPERIMENT });
  const experiment = await h!.get(`/apis/kubeflow.org/v1beta1/namespaces/${NS}/experiments/${EXPERIMENT}`);
  expect(experiment.status.conditions.find((c: any) => c.type === 'Created')).toMatchObject({ status: 'True' });
});

t('Suggestion → the algorithm service\'s Deployment and Service in the experiment\'s namespace', async () => {
  const deployment = await h!.waitFor('the suggestion Deployment', () => h!.get(`/apis/apps/v1/namespaces/${NS}/deployments/${EXPERIMENT}-random`));
  expect(deployment.spec.template.spec.containers[0].image).toBe('ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0');
  const service = await h!.waitFor('the suggestion Service', () => h!.get(`/api/v1/namespaces/${NS}/services/${EXPERIMENT}-random`));
  expect(service.spec.ports[0].port).toBe(6789);
});

t('the suggestion pod Katib creates is admitted under the namespace\'s level (baseline) but would be refused under restricted', async () => {
  // the platform computes baseline for a namespace with an experiment (the suggestion pod; here the StdOut collector too)
  expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  expect(namespace.metadata.labels['katib.kubeflow.org/metrics-collector-injection']).toBe('enabled');
  const pods = await h!.waitFor('the suggestion pod', async () => {
    const p = await h!.list(`/api/v1/namespaces/${NS}/pods?labelSelector=katib.kubeflow.org/suggestion=${EXPERIMENT}`);
    return p.length > 0 ? p : undefined;
  });
  expect(await podSecurityRefusals(h!, NS)).toEqual([]);
  const [verdict] = await podSecurityVerdicts(h!, pods);
  expect(verdict.baseline).toBe('ok');
  // Katib v0.19.0 builds the algorithm service's container from katib-config's runtime.suggestions entry, which the
  // install leaves without a security context (see docs/security.md)
  expect(verdict.restricted).toMatch(/^violates PodSecurity "restricted:v1\.34": allowPrivilegeEscalation != false \(container "suggestion"/);
});
