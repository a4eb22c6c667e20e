/**
 * The pipelines against a real kube-apiserver (the pinned Kubernetes release, see docs/real-cluster.md):
 * - the objects the end-to-end example's steps create (SparkApplication, PyTorchJob, batch Job) are accepted by a
 *   server-side dry-run `create`, with their generated names, as the Argo executor creates them; the rolled-out
 *   InferenceService by a dry-run apply, and the promotion's merge patch by a dry-run patch;
 * - each container and script step's pod, built as Argo's controller builds it (the step's main container and
 *   volumes, the run's pod security context, the executor's `init` and `wait` containers), is admitted in a
 *   namespace enforcing the restricted Pod Security Standard when the controller's `executor.securityContext` is
 *   restricted — and rejected when it is not set (why docs/pipelines.md asks the controller for it).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { synthExample } from '../../scripts/synth-examples';
import { assertBinaries, Cluster, REPO_ROOT, startCluster } from '../integration/cluster';

jest.setTimeout(300_000);

const NAMESPACE = 'ml-pipelines';
const CRDS = [
  'spark-operator/sparkoperator.k8s.io_sparkapplications.yaml',
  'training-operator/kubeflow.org_pytorchjobs.yaml',
  'kserve/serving.kserve.io_inferenceservices.yaml',
];
const EXECUTOR_IMAGE = 'quay.io/argoproj/argoexec:v4.1.4';
/** What the controller's `executor.securityContext` should be for restricted namespaces. */
const RESTRICTED_EXECUTOR = {
  allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
};

let cluster: Cluster;
let objects: any[] = [];

beforeAll(async () => {
  assertBinaries();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-pipeline-apiserver-'));
  try {
    objects = [...synthExample('pipeline-e2e', outdir).objects, ...synthExample('pipeline-diamond', outdir).objects];
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  cluster = await startCluster();
  for (const crd of CRDS) {
    const r = await cluster.kubectl(['apply', '--server-side', '-f', path.join(REPO_ROOT, '.upstream-cache', 'crds', crd)]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  await cluster.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=120s']);
  // the kinds are served once discovery lists them (the InferenceService CRD is large)
  for (const kind of ['sparkapplications', 'pytorchjobs', 'inferenceservices']) {
    for (let i = 0; i < 60; i++) {
      if ((await cluster.kubectl(['get', kind, '-A'])).code === 0) break;
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }
  for (const ns of [NAMESPACE, 'pipelines']) {
    const r = await cluster.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } },
      }),
    });
    if (r.code !== 0) throw new Error(r.stderr);
  }
});

afterAll(async () => {
  await cluster?.stop();
});

const workflows = () => objects.filter(o => o.kind === 'Workflow' || o.kind === 'WorkflowTemplate');

test('the objects the steps create are accepted by a server-side dry-run create', async () => {
  const manifests = workflows().flatMap(w => w.spec.templates.filter((t: any) => t.resource?.action === 'create').map((t: any) => YAML.parse(t.resource.manifest)));
  expect(manifests.map(m => m.kind)).toEqual(['SparkApplication', 'PyTorchJob', 'Job']);
  const failures: string[] = [];
  for (const m of manifests) {
    const r = await cluster.kubectl(['create', '--dry-run=server', '--validate=strict', '-n', NAMESPACE, '-o', 'name', '-f', '-'], { input: JSON.stringify(m) });
    if (r.code !== 0) failures.push(`${m.kind}: ${r.stderr.trim()}`);
  }
  expect(failures).toEqual([]);
});

test('the rolled-out object is accepted by a server-side dry-run apply', async () => {
  const applied = workflows().flatMap(w => w.spec.templates.filter((t: any) => t.resource?.action === 'apply').map((t: any) => YAML.parse(t.resource.manifest)));
  expect(applied.map(m => m.kind)).toEqual(['InferenceService']);
  const r = await cluster.kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '-n', NAMESPACE, '-f', '-'], { input: JSON.stringify(applied[0]) });
  expect(r.stderr.trim()).toBe('');
  expect(r.code).toBe(0);
  // the promotion patches it: apply it for real (no controller runs here), then dry-run the step's merge patch
  const real = await cluster.kubectl(['apply', '--server-side', '-n', NAMESPACE, '-f', '-'], { input: JSON.stringify(applied[0]) });
  expect(real.code).toBe(0);
  const patches = workflows().flatMap(w => w.spec.templates.filter((t: any) => t.resource?.action === 'patch'));
  expect(patches.map((t: any) => [t.name, t.resource.mergeStrategy])).toEqual([['promotion-patch', 'merge']]);
  const patch = YAML.parse(patches[0].resource.manifest);
  const p = await cluster.kubectl(['patch', 'inferenceservice', patch.metadata.name, '-n', NAMESPACE, '--type', 'merge', '--dry-run=server', '-o', 'json', '-p', JSON.stringify(patch)]);
  expect(p.stderr.trim()).toBe('');
  expect(JSON.parse(p.stdout).spec.predictor.canaryTrafficPercent).toBe(100);
});

/** The pod Argo's controller builds for a container or script template (emissary executor). */
function stepPod(workflow: any, template: any, executorSecurity: any): any {
  const main = template.container ?? template.script;
  const { source, ...container } = main;
  const argo = [{ name: 'var-run-argo', mountPath: '/var/run/argo' }];
  const executor = (name: string) => ({ name, image: EXECUTOR_IMAGE, volumeMounts: argo, securityContext: executorSecurity });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `step-${template.name}`, namespace: workflow.metadata.namespace, labels: workflow.spec.podMetadata?.labels },
    spec: {
      serviceAccountName: workflow.spec.serviceAccountName,
      securityContext: template.securityContext ?? workflow.spec.securityContext,
      initContainers: [executor('init')],
      containers: [
        executor('wait'),
        { ...container, command: ['/var/run/argo/argoexec', 'emissary', '--', ...(container.command ?? [])], volumeMounts: [...(container.volumeMounts ?? []), ...argo] },
        ...(template.sidecars ?? []),
      ],
      volumes: [...(template.volumes ?? []), { name: 'var-run-argo', emptyDir: {} }],
      nodeSelector: template.nodeSelector,
      tolerations: template.tolerations,
      restartPolicy: 'Never',
    },
  };
}

test('every container and script step pod is admitted under the restricted Pod Security Standard', async () => {
  const sas = objects.filter(o => o.kind === 'ServiceAccount');
  for (const sa of sas) await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(sa) });
  const pods = workflows().flatMap(w => w.spec.templates.filter((t: any) => t.container || t.script).map((t: any) => ({ w, t })));
  expect(pods.map(({ t }) => t.name).sort()).toEqual(['echo', 'lora-wait', 'modelcar-build-wait', 'promotion-wait', 'rollout-wait']);
  const failures: string[] = [];
  const rejectedWithoutExecutorSecurity: string[] = [];
  for (const { w, t } of pods) {
    const ok = await cluster.kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], { input: JSON.stringify(stepPod(w, t, RESTRICTED_EXECUTOR)) });
    if (ok.code !== 0) failures.push(`${t.name}: ${ok.stderr.trim()}`);
    const bare = await cluster.kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], { input: JSON.stringify(stepPod(w, t, undefined)) });
    if (bare.code !== 0 && /violates PodSecurity "restricted/.test(bare.stderr)) rejectedWithoutExecutorSecurity.push(t.name);
  }
  expect(failures).toEqual([]);
  expect(rejectedWithoutExecutorSecurity.sort()).toEqual(pods.map(({ t }) => t.name).sort());
});
