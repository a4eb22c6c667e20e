/**
 * Kueue v0.19.2 and the Training Operator v1.9.4 act on the `pytorch-ddp` example: its ClusterQueue, LocalQueue and
 * ResourceFlavor are applied, the PyTorchJob is suspended by Kueue's webhook, a Workload is created and admitted
 * against the queue's quota, and the job is released to the Training Operator, which creates the pods. A second
 * copy of the job does not fit the remaining quota and stays queued.
 */
import { Chart } from 'cdk8s';
import { Harness, KObject, loadExample, newApp, operatorBuilt, podSecurityRefusals } from './harness';
import { startKueue, startTrainingOperator } from './operators';
import { AiPlatform, KueueInstall, KueueIntegration, KueueIntegrations, TrainingOperatorInstall } from '../../src';

const NS = 'ml-team';
const JOB = 'resnet-ddp';
const KUEUE = '/apis/kueue.x-k8s.io/v1beta2';

// the operators react within seconds, but a loaded CI machine may take longer than jest's default
jest.setTimeout(180_000);

let h: Harness | undefined;
let objects: KObject[] = [];
const built = operatorBuilt('kueue') && operatorBuilt('training-operator');
const t = built ? test : test.skip;

beforeAll(async () => {
  if (!built) return;
  const { PyTorchDdpChart } = loadExample('pytorch-ddp');
  const app = newApp();
  const platformChart = new Chart(app, 'platform');
  const trainingOperator = new TrainingOperatorInstall(platformChart, 'training-operator');
  // the example's queue enables the PyTorchJob integration, which Kueue's defaults leave off
  const kueue = new KueueInstall(platformChart, 'kueue', { integrations: [...KueueIntegrations.defaults(), KueueIntegration.PYTORCH_JOB] });
  const platform = new AiPlatform(platformChart, 'ai', { operators: [trainingOperator, kueue], namespaces: [NS], checkOperators: false });
  const example: Chart = new PyTorchDdpChart(app, 'pytorch-ddp');
  objects = example.toJson();

  h = await Harness.start();
  await startKueue(h, kueue);
  await startTrainingOperator(h, trainingOperator);
  await h.apply([platform.namespaces[0].apiObject.toJson()]);
  await h.apply(objects.filter(o => ['ResourceFlavor', 'ClusterQueue', 'LocalQueue'].includes(o.kind)));
  await h.waitFor('the ClusterQueue to be active', async () => {
    const cq = await h!.get(`${KUEUE}/clusterqueues/training`);
    return cq?.status?.conditions?.some((c: any) => c.type === 'Active' && c.status === 'True');
  });
  const job = objects.find(o => o.kind === 'PyTorchJob')!;
  await h.apply([job]);
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

const workloadOf = async (job: string) => (await h!.list(`${KUEUE}/namespaces/${NS}/workloads`))
  .find(w => w.metadata.ownerReferences?.some((r: any) => r.kind === 'PyTorchJob' && r.name === job));

t('Kueue creates a Workload for the PyTorchJob and admits it against the ClusterQueue\'s quota', async () => {
  const wl = await h!.waitFor('the Workload to be admitted', async () => {
    const w = await workloadOf(JOB);
    return w?.status?.conditions?.some((c: any) => c.type === 'Admitted' && c.status === 'True') ? w : undefined;
  });
  expect(wl.spec.queueName).toBe('training');
  expect(wl.spec.podSets.map((p: any) => [p.name, p.count]).sort()).toEqual([['master', 1], ['worker', 3]]);
  expect(wl.status.admission.clusterQueue).toBe('training');
  for (const ps of wl.status.admission.podSetAssignments) {
    expect(ps.flavors).toEqual({ 'cpu': 'a10g', 'memory': 'a10g', 'nvidia.com/gpu': 'a10g' });
  }
  const gpus = wl.status.admission.podSetAssignments.reduce((n: number, ps: any) => n + Number(ps.resourceUsage['nvidia.com/gpu']), 0);
  expect(gpus).toBe(16);
});

t('the ClusterQueue records the quota the job uses', async () => {
  const cq = await h!.waitFor('ClusterQueue usage', async () => {
    const q = await h!.get(`${KUEUE}/clusterqueues/training`);
    return q?.status?.admittedWorkloads === 1 ? q : undefined;
  });
  const a10g = cq.status.flavorsUsage.find((f: any) => f.name === 'a10g');
  expect(a10g.resources.find((r: any) => r.name === 'nvidia.com/gpu').total).toBe('16');
  expect(a10g.resources.find((r: any) => r.name === 'cpu').total).toBe('160');
});

t('the admitted job is released to the Training Operator, which creates its pods with the flavor\'s placement', async () => {
  const pods = await h!.waitFor('4 pods of the admitted job', async () => {
    const p = await h!.list(`/api/v1/namespaces/${NS}/pods?labelSelector=training.kubeflow.org/job-name=${JOB}`);
    return p.length === 4 ? p : undefined;
  });
  const job = await h!.get(`/apis/kubeflow.org/v1/namespaces/${NS}/pytorchjobs/${JOB}`);
  expect(job.spec.runPolicy.suspend).toBe(false);
  for (const p of pods) {
    expect(p.spec.nodeSelector['karpenter.sh/nodepool']).toBe('a10g');
    expect(p.spec.tolerations).toEqual(expect.arrayContaining([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]));
  }
  expect(await podSecurityRefusals(h!, NS)).toEqual([]);
});

t('a second job that does not fit the remaining quota stays suspended with a pending Workload', async () => {
  const second = JSON.parse(JSON.stringify(objects.find(o => o.kind === 'PyTorchJob')));
  second.metadata.name = 'resnet-ddp-2';
  await h!.apply([second]);
  const wl = await h!.waitFor('the second Workload to be evaluated', async () => {
    const w = await workloadOf('resnet-ddp-2');
    return w?.status?.conditions?.some((c: any) => c.type === 'QuotaReserved' && c.status === 'False') ? w : undefined;
  });
  const reserved = wl.status.conditions.find((c: any) => c.type === 'QuotaReserved');
  expect(reserved.message).toMatch(/insufficient unused quota for nvidia\.com\/gpu in flavor a10g, 4 more needed/);
  const job = await h!.get(`/apis/kubeflow.org/v1/namespaces/${NS}/pytorchjobs/resnet-ddp-2`);
  expect(job.spec.runPolicy.suspend).toBe(true);
  expect(await h!.list(`/api/v1/namespaces/${NS}/pods?labelSelector=training.kubeflow.org/job-name=resnet-ddp-2`)).toEqual([]);
});
