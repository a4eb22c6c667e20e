/**
 * The Training Operator v1.9.4 acts on the PyTorchJob of the `pytorch-ddp` example: it runs as a local process (as
 * its install's ServiceAccount) against the test API server, with its validating webhook registered by URL, and
 * creates the master and worker pods and services. The example's namespace gets the Pod Security labels the
 * platform computes for it; the API server's PodSecurity admission enforces them on the pods the operator creates.
 */
import { Chart } from 'cdk8s';
import { Harness, KObject, loadExample, newApp, operatorBuilt, podSecurityRefusals, podSecurityVerdicts } from './harness';
import { startTrainingOperator } from './operators';
import { AiPlatform, TrainingOperatorInstall } from '../../src';

const NS = 'ml-team';
const JOB = 'resnet-ddp';

// the operators react within seconds, but a loaded CI machine may take longer than jest's default
jest.setTimeout(180_000);

let h: Harness | undefined;
let job: KObject;
let namespace: KObject;
let install: TrainingOperatorInstall;
const built = operatorBuilt('training-operator');
const t = built ? test : test.skip;

beforeAll(async () => {
  if (!built) return;
  const { PyTorchDdpChart } = loadExample('pytorch-ddp');
  const app = newApp();
  const platformChart = new Chart(app, 'platform');
  install = new TrainingOperatorInstall(platformChart, 'training-operator');
  // the example's queue, GPU pool and device plugin belong to operators this test does not run
  const platform = new AiPlatform(platformChart, 'ai', { operators: [install], namespaces: [NS], checkOperators: false });
  const example: Chart = new PyTorchDdpChart(app, 'pytorch-ddp');
  job = example.toJson().find((o: KObject) => o.kind === 'PyTorchJob');
  namespace = platform.namespaces[0].apiObject.toJson();

  h = await Harness.start();
  await startTrainingOperator(h, install);
  await h.apply([namespace]);
  await h.apply([job]);
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

const pods = (): Promise<KObject[]> => h!.list(`/api/v1/namespaces/${NS}/pods?labelSelector=training.kubeflow.org/job-name=${JOB}`);

t('the platform computes restricted for the namespace (the install configures a restricted init-pytorch template)', () => {
  expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  expect(install.restrictedInitContainers).toBe(true);
});

t('PyTorchJob → one master and three worker pods, admitted under the namespace\'s enforced level', async () => {
  const created = await h!.waitFor('the master and 3 worker pods', async () => {
    const p = await pods();
    return p.length === 4 ? p : undefined;
  });
  const roles = created.map(p => `${p.metadata.labels['training.kubeflow.org/replica-type']}-${p.metadata.labels['training.kubeflow.org/replica-index']}`).sort();
  expect(roles).toEqual(['master-0', 'worker-0', 'worker-1', 'worker-2']);
  expect(await podSecurityRefusals(h!, NS)).toEqual([]);
  const live = await h!.get(`/api/v1/namespaces/${NS}`);
  expect(live.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
});

t('PyTorchJob → a headless service per replica', async () => {
  const services = await h!.waitFor('4 services', async () => {
    const s = await h!.list(`/api/v1/namespaces/${NS}/services?labelSelector=training.kubeflow.org/job-name=${JOB}`);
    return s.length === 4 ? s : undefined;
  });
  expect(services.map(s => s.metadata.name).sort()).toEqual([`${JOB}-master-0`, `${JOB}-worker-0`, `${JOB}-worker-1`, `${JOB}-worker-2`]);
  for (const s of services) expect(s.spec.clusterIP).toBe('None');
});

t('the pods keep the library\'s placement, resources and security, and the operator\'s rendezvous settings', async () => {
  for (const p of await pods()) {
    const spec = p.spec;
    expect(spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'a10g', 'nvidia.com/gpu.product': 'NVIDIA-A10G' });
    expect(spec.tolerations).toEqual(expect.arrayContaining([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]));
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    const main = spec.containers.find((c: any) => c.name === 'pytorch');
    expect(main.resources.limits['nvidia.com/gpu']).toBe('4');
    expect(main.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const env = Object.fromEntries(main.env.map((e: any) => [e.name, e.value]));
    // 4 nodes of 4 processes each (the library's processesPerWorker)
    expect(env).toMatchObject({ MASTER_ADDR: `${JOB}-master-0`, MASTER_PORT: '23456', WORLD_SIZE: '16', PET_NPROC_PER_NODE: '4', PET_NNODES: '4' });
    expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: 'PyTorchJob', name: JOB, controller: true });
  }
});

t('workers get init-pytorch from the install\'s template, with a restricted security context', async () => {
  const workers = (await pods()).filter(p => p.metadata.labels['training.kubeflow.org/replica-type'] === 'worker');
  expect(workers).toHaveLength(3);
  for (const w of workers) {
    expect(w.spec.initContainers.map((c: any) => c.name)).toEqual(['init-pytorch']);
    expect(w.spec.initContainers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' },
    });
  }
});

t('every pod the operator created meets restricted; with upstream\'s template the workers would not', async () => {
  const created = await pods();
  const verdicts = await podSecurityVerdicts(h!, created);
  expect(verdicts.map(v => [v.name, v.restricted])).toEqual(created.map(p => [p.metadata.name, 'ok']));
  // the same worker with upstream's init-pytorch (no security context), as the operator adds it without the install's template
  const worker = JSON.parse(JSON.stringify(created.find(p => p.metadata.name === `${JOB}-worker-0`)));
  delete worker.spec.initContainers[0].securityContext;
  const [upstream] = await podSecurityVerdicts(h!, [worker]);
  expect(upstream.restricted).toMatch(/violates PodSecurity "restricted:v1\.34": allowPrivilegeEscalation != false \(container "init-pytorch"/);
  expect(upstream.baseline).toBe('ok');
});

t('the job\'s status records what was created', async () => {
  const status = await h!.waitFor('PyTorchJob status', async () => {
    const j = await h!.get(`/apis/kubeflow.org/v1/namespaces/${NS}/pytorchjobs/${JOB}`);
    return j?.status?.conditions?.some((c: any) => c.type === 'Created' && c.status === 'True') ? j.status : undefined;
  });
  expect(status.conditions.find((c: any) => c.type === 'Created').reason).toBe('PyTorchJobCreated');
});

t('the validating webhook, served by the local operator, rejects an invalid PyTorchJob', async () => {
  const bad = JSON.parse(JSON.stringify(job));
  bad.metadata.name = 'bad-ddp';
  bad.spec.pytorchReplicaSpecs.Master.replicas = 2;
  const r = await h!.tryApply([bad]);
  expect(r.code).not.toBe(0);
  expect(r.output).toMatch(/admission webhook "validator\.pytorchjob\.training-operator\.kubeflow\.org" denied the request/);
});
