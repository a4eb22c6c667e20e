/**
 * The KServe v0.20.0 controller manager (Standard mode) acts on the InferenceService of the `sklearn-canary` example:
 * it creates the predictor's Deployment, Service and HorizontalPodAutoscaler; kube-controller-manager creates the
 * pods from the Deployment, and KServe's pod mutating webhook (served by the local process, registered by URL)
 * injects the storage-initializer. The namespace's Pod Security labels are the ones the platform computes; the API
 * server's PodSecurity admission enforces them on those pods.
 */
import { Chart } from 'cdk8s';
import { Harness, KObject, loadExample, newApp, operatorBuilt, podSecurityRefusals, podSecurityVerdicts } from './harness';
import { startKServe } from './operators';
import { AiPlatform, ClusterServingRuntime, DeploymentMode, InferenceProtocol, KServeInstall } from '../../src';

const NS = 'ml-serving';
const ISVC = 'sklearn-iris';

// the operators react within seconds, but a loaded CI machine may take longer than jest's default
jest.setTimeout(180_000);

let h: Harness | undefined;
let namespace: KObject;
const built = operatorBuilt('kserve');
const t = built ? test : test.skip;

beforeAll(async () => {
  if (!built) return;
  const { SklearnCanaryChart } = loadExample('sklearn-canary');
  const app = newApp();
  const platformChart = new Chart(app, 'platform');
  const kserve = new KServeInstall(platformChart, 'kserve', { deploymentMode: DeploymentMode.STANDARD });
  // KServe's built-in sklearn runtime (config/runtimes/kserve-sklearnserver.yaml of v0.20.0), which the install does not ship
  const runtime = new ClusterServingRuntime(platformChart, 'sklearn', {
    name: 'kserve-sklearnserver',
    supportedModelFormats: [{ name: 'sklearn', version: '1', autoSelect: true, priority: 1 }],
    protocolVersions: [InferenceProtocol.V1, InferenceProtocol.V2],
    container: { image: 'kserve/sklearnserver:v0.20.0', args: ['--model_name={{.Name}}', '--model_dir=/mnt/models', '--http_port=8080'] },
  });
  // cert-manager does not run here: the harness gives KServe its webhook certificate
  const platform = new AiPlatform(platformChart, 'ai', { operators: [kserve], namespaces: [NS], checkOperators: false });
  const example: Chart = new SklearnCanaryChart(app, 'sklearn-canary');
  namespace = platform.namespaces[0].apiObject.toJson();

  h = await Harness.start();
  await startKServe(h, kserve);
  await h.apply([namespace, runtime.apiObject.toJson()]);
  await h.apply(example.toJson().filter((o: KObject) => o.kind === 'InferenceService'));
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

const podsOf = async (component: string) => h!.list(`/api/v1/namespaces/${NS}/pods?labelSelector=serving.kserve.io/inferenceservice=${ISVC},component=${component}`);

t('the platform computes restricted for the serving namespace', () => {
  expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
});

t('InferenceService (Standard) → the stable predictor\'s Deployment, Service and HPA, and the canary\'s Deployment', async () => {
  const deployment = await h!.waitFor('the predictor Deployment', () => h!.get(`/apis/apps/v1/namespaces/${NS}/deployments/${ISVC}-predictor`));
  const pod = deployment.spec.template.spec;
  const server = pod.containers.find((c: any) => c.name === 'kserve-container');
  expect(server.image).toBe('kserve/sklearnserver:v0.20.0');
  expect(server.args).toEqual(expect.arrayContaining([`--model_name=${ISVC}`, '--model_dir=/mnt/models']));
  expect(server.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(deployment.metadata.ownerReferences[0]).toMatchObject({ kind: 'InferenceService', name: ISVC });

  const service = await h!.waitFor('the predictor Service', () => h!.get(`/api/v1/namespaces/${NS}/services/${ISVC}-predictor`));
  expect(service.spec.selector).toMatchObject({ app: `isvc.${ISVC}-predictor` });

  // KServe v0.20.0 gives the canary fixed replicas (its minReplicas: 1) and takes them from the stable minimum: 2 - 1
  const hpa = await h!.waitFor('the predictor HPA', () => h!.get(`/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers/${ISVC}-predictor`));
  expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: `${ISVC}-predictor` } });
  expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);

  const deployments = await h!.waitFor('the canary Deployment', async () => {
    const d = await h!.list(`/apis/apps/v1/namespaces/${NS}/deployments?labelSelector=serving.kserve.io/inferenceservice=${ISVC}`);
    return d.length === 2 ? d : undefined;
  });
  const canary = deployments.find(d => d.metadata.name !== `${ISVC}-predictor`);
  expect(canary.metadata.name).toBe(`${ISVC}-sklearn-iris-v2-predictor`);
  expect(canary.spec.replicas).toBe(1);
});

t('the predictor pods get the storage-initializer from KServe\'s webhook, and are admitted under restricted', async () => {
  // one stable pod (the HPA's minimum) and one canary pod, each downloading its own model
  const pods = await h!.waitFor('the stable and canary pods', async () => {
    const p = await podsOf('predictor');
    return p.length >= 2 ? p : undefined;
  });
  const models = pods.map(p => {
    const init = (p.spec.initContainers ?? []).find((c: any) => c.name === 'storage-initializer');
    expect(init).toBeDefined();
    expect(init.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    expect(init.args[1]).toBe('/mnt/models');
    return init.args[0];
  });
  expect([...new Set(models)].sort()).toEqual(['gs://kfserving-examples/models/sklearn/1.0/model', 'gs://kfserving-examples/models/sklearn/1.0/model-2']);
  expect(await podSecurityRefusals(h!, NS)).toEqual([]);
  const verdicts = await podSecurityVerdicts(h!, pods);
  expect(verdicts.map(v => v.restricted)).toEqual(pods.map(() => 'ok'));
});
