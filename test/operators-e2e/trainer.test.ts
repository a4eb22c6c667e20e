/**
 * Kubeflow Trainer v2.3.0 and JobSet v0.12.0 act on the TrainJobs of the `trainjob-torch` example: the Trainer turns
 * each TrainJob into a JobSet from its ClusterTrainingRuntime (the install's built-in runtimes), JobSet creates the
 * Jobs and kube-controller-manager's job controller the pods. The namespace gets the Pod Security labels the
 * platform computes; the API server's PodSecurity admission enforces them on every pod.
 */
import { Chart } from 'cdk8s';
import { Harness, KObject, loadExample, newApp, operatorBuilt, podSecurityRefusals, podSecurityVerdicts } from './harness';
import { startJobSet, startTrainer } from './operators';
import { AiPlatform, TrainerInstall } from '../../src';

const NS = 'ml-team';

// the operators react within seconds, but a loaded CI machine may take longer than jest's default
jest.setTimeout(180_000);

let h: Harness | undefined;
let namespace: KObject;
const built = operatorBuilt('trainer') && operatorBuilt('jobset');
const t = built ? test : test.skip;

beforeAll(async () => {
  if (!built) return;
  const { TrainJobTorchChart } = loadExample('trainjob-torch');
  const app = newApp();
  const platformChart = new Chart(app, 'platform');
  const trainer = new TrainerInstall(platformChart, 'trainer');
  // the example's queue and GPU pool belong to operators this test does not run
  const platform = new AiPlatform(platformChart, 'ai', { operators: [trainer], namespaces: [NS], checkOperators: false });
  const example: Chart = new TrainJobTorchChart(app, 'trainjob-torch');
  namespace = platform.namespaces[0].apiObject.toJson();

  h = await Harness.start();
  await startJobSet(h, trainer);
  await startTrainer(h, trainer);
  await h.apply([namespace]);
  await h.apply(example.toJson().filter((o: KObject) => o.kind === 'TrainJob'));
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

const jobSet = (name: string) => h!.waitFor(`JobSet ${name}`, () => h!.get(`/apis/jobset.x-k8s.io/v1alpha2/namespaces/${NS}/jobsets/${name}`));
const podsOf = (jobSetName: string) => h!.list(`/api/v1/namespaces/${NS}/pods?labelSelector=jobset.sigs.k8s.io/jobset-name=${jobSetName}`);

t('TrainJob mnist-ddp → a JobSet from the torch-distributed runtime, with the library\'s placement and security', async () => {
  const js = await jobSet('mnist-ddp');
  expect(js.metadata.ownerReferences[0]).toMatchObject({ kind: 'TrainJob', name: 'mnist-ddp', controller: true });
  const node = js.spec.replicatedJobs.find((r: any) => r.name === 'node');
  expect(node.template.spec.parallelism).toBe(2);
  const pod = node.template.spec.template.spec;
  expect(pod.nodeSelector).toMatchObject({ 'karpenter.sh/nodepool': 'l40s' });
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  const trainer = pod.containers.find((c: any) => c.name === 'node');
  expect(trainer.image).toBe('ghcr.io/example/mnist-ddp:0.4.0');
  expect(trainer.resources.limits['nvidia.com/gpu']).toBe('2');
});

t('JobSet → Jobs → pods (2 nodes), admitted under the namespace\'s enforced level', async () => {
  const jobs = await h!.waitFor('the Jobs of mnist-ddp', async () => {
    const j = await h!.list(`/apis/batch/v1/namespaces/${NS}/jobs?labelSelector=jobset.sigs.k8s.io/jobset-name=mnist-ddp`);
    return j.length > 0 ? j : undefined;
  });
  expect(jobs.map(j => j.metadata.name)).toContain('mnist-ddp-node-0');
  const pods = await h!.waitFor('2 node pods', async () => {
    const p = (await podsOf('mnist-ddp')).filter(x => x.metadata.labels['jobset.sigs.k8s.io/replicatedjob-name'] === 'node');
    return p.length === 2 ? p : undefined;
  });
  const env = Object.fromEntries(pods[0].spec.containers.find((c: any) => c.name === 'node').env.map((e: any) => [e.name, e.value]));
  expect(env).toMatchObject({ PET_NNODES: '2', PET_NPROC_PER_NODE: '2', PET_MASTER_ADDR: 'mnist-ddp-node-0-0.mnist-ddp' });
  const live = await h!.get(`/api/v1/namespaces/${NS}`);
  expect(live.metadata.labels['pod-security.kubernetes.io/enforce']).toBe(namespace.metadata.labels['pod-security.kubernetes.io/enforce']);
});

t('every pod the operators created meets the namespace\'s level: what each replicated job of each TrainJob got', async () => {
  // the fine-tuning TrainJob runs the torchtune runtime: dataset and model initializers, then the trainer nodes
  await jobSet('llama-alpaca-lora');
  await h!.waitFor('the initializer pods of llama-alpaca-lora', async () => {
    const p = await podsOf('llama-alpaca-lora');
    return p.length > 0 || (await podSecurityRefusals(h!, NS)).length > 0 ? true : undefined;
  });
  const pods = [...await podsOf('mnist-ddp'), ...await podsOf('llama-alpaca-lora')];
  const verdicts = await podSecurityVerdicts(h!, pods);
  expect(verdicts.map(v => [v.name, v.restricted])).toEqual(pods.map(p => [p.metadata.name, 'ok']));
  expect(await podSecurityRefusals(h!, NS)).toEqual([]);
});
