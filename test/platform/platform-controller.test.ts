import '../controller/assembly';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, AiPlatform, BatchJob, BatchQueue, DeploymentMode, ExistingGpuNodes, InferenceService, KatibConfig, KServeConfig, KueueIntegration,
  LocalQueue, ModelFormat, PlatformController, PlatformTesting, Predictor, StorageUri, WorkloadPriorityClass,
} from '../../src';
import { kindsWithClusterScopedChildren } from '../../src/controller/kinds-rbac';
import { parseFlags, readPlatformContext } from '../../src/controller/main';
import { platformKinds, platformSpecContext, renderResource } from '../../src/controller/render';
import { CASES, resource } from '../controller/render-cases';
import { expectValid, expectValidationError } from '../util';

function synth(props: any = {}): any[] {
  const chart = new Chart(Testing.app(), 'c');
  new PlatformController(chart, 'controller', props);
  return Testing.synth(chart);
}

const objects = synth();
const of = (kind: string) => objects.filter(o => o.kind === kind);

test('emits the CRDs, namespace, ServiceAccount, ClusterRole and binding, Deployment, PodDisruptionBudget and metrics Service', () => {
  expectValid(objects);
  expect(PlatformTesting.problems(objects)).toEqual([]);
  expect(of('CustomResourceDefinition').map(c => c.spec.names.kind).sort()).toEqual(platformKinds().map(k => k.kind).sort());
  expect(objects.map(o => o.kind).filter(k => k !== 'CustomResourceDefinition')).toEqual([
    'Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service',
  ]);
  const [deployment] = of('Deployment');
  expect(deployment.metadata.namespace).toBe('ai-platform-system');
  expect(deployment.spec.replicas).toBe(2);
  const pod = deployment.spec.template.spec;
  expect(pod.serviceAccountName).toBe('cdk8s-ai-platform-controller');
  expect(pod.containers[0].image).toBe(`ghcr.io/cdk8s-ai-platform/controller:${JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version}`);
  expect(pod.containers[0].command).toEqual(['cdk8s-ai-platform-controller']);
  expect(pod.containers[0].args).toEqual([
    '--leader-elect', '--platform-context=/etc/cdk8s-ai-platform/context.json', '--concurrency=8', '--metrics-port=8080', '--resync-period=600',
  ]);
  expect(pod.containers[0].volumeMounts).toEqual([{ name: 'platform-context', mountPath: '/etc/cdk8s-ai-platform', readOnly: true }]);
  expect(pod.volumes).toEqual([{ name: 'platform-context', configMap: { name: 'cdk8s-ai-platform-controller-context' } }]);
  expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false });
  expect(of('Namespace')[0].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  expect(of('Service')[0].spec.ports).toEqual([{ name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' }]);
  expect(of('PodDisruptionBudget')[0].spec.maxUnavailable).toBe(1);
});

describe('least-privilege RBAC', () => {
  const rules: any[] = of('ClusterRole')[0].rules;
  const allows = (apiVersion: string, kind: string, verb: string) => {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const plural = kind.toLowerCase() + 's';
    return rules.some(r => r.apiGroups.includes(group) && r.resources.includes(plural) && r.verbs.includes(verb));
  };

  test('no wildcard', () => {
    for (const r of rules) {
      expect([...r.apiGroups, ...r.resources, ...r.verbs].filter(x => x.includes('*'))).toEqual([]);
    }
  });

  test('every child of every comparison case may be applied, read and pruned', () => {
    for (const c of CASES) {
      for (const child of renderResource(resource(c)).children) {
        for (const verb of ['get', 'list', 'watch', 'create', 'patch', 'delete']) {
          const allowed = allows(child.apiVersion, child.kind, verb);
          expect([child.apiVersion, child.kind, verb, allowed]).toEqual([child.apiVersion, child.kind, verb, true]);
        }
      }
    }
  });

  test('the Roles the kinds render grant nothing the controller does not hold', () => {
    for (const c of CASES) {
      for (const role of renderResource(resource(c)).children.filter(o => o.kind === 'Role')) {
        for (const r of role.rules) {
          for (const group of r.apiGroups) {
            for (const res of r.resources) {
              for (const verb of r.verbs) {
                expect([group, res, verb, rules.some(x => x.apiGroups.includes(group) && x.resources.includes(res) && x.verbs.includes(verb))])
                  .toEqual([group, res, verb, true]);
              }
            }
          }
        }
      }
    }
  });

  test('its platform kinds, their status, events and leases', () => {
    for (const k of platformKinds()) {
      expect(allows('platform.ai.cdk8s.io/v1alpha1', k.kind, 'watch')).toBe(true);
      expect(rules.some(r => r.resources.includes(`${k.plural}/status`) && r.verbs.includes('patch'))).toBe(true);
      // the controller never writes its resources' specs, and patches their metadata (a finalizer) only for the kinds
      // that render cluster-scoped children, which it deletes itself: none does today
      expect(allows('platform.ai.cdk8s.io/v1alpha1', k.kind, 'patch')).toBe(kindsWithClusterScopedChildren().includes(k.kind));
    }
    expect(kindsWithClusterScopedChildren()).toEqual([]);
    expect(rules).toContainEqual({ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'update'] });
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] });
  });
});

test('watched namespaces: RoleBindings there (and in its own namespace) instead of a ClusterRoleBinding', () => {
  const out = synth({ watchNamespaces: ['ml-team', 'ml-serving'], replicas: 1, concurrency: 4, resyncPeriod: Duration.minutes(2) });
  expect(out.filter(o => o.kind === 'ClusterRoleBinding')).toEqual([]);
  expect(out.filter(o => o.kind === 'RoleBinding').map(o => o.metadata.namespace)).toEqual(['ml-team', 'ml-serving', 'ai-platform-system']);
  expect(out.filter(o => o.kind === 'PodDisruptionBudget')).toEqual([]);
  const args = out.find(o => o.kind === 'Deployment').spec.template.spec.containers[0].args;
  expect(args).toEqual([
    '--leader-elect', '--platform-context=/etc/cdk8s-ai-platform/context.json', '--concurrency=4', '--metrics-port=8080', '--resync-period=120',
    '--namespaces=ml-team,ml-serving',
  ]);
});

test('installCrds and createNamespace off', () => {
  const out = synth({ installCrds: false, createNamespace: false, namespace: 'platform' });
  expect(out.filter(o => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace')).toEqual([]);
  expect(out.find(o => o.kind === 'Deployment').metadata.namespace).toBe('platform');
});

test('AiPlatform installs it on request only', () => {
  const chart = new Chart(Testing.app(), 'c');
  const without = new AiPlatform(chart, 'p1', { checkOperators: false });
  expect(without.controller).toBeUndefined();
  const withIt = new AiPlatform(chart, 'p2', { checkOperators: false, controller: { image: 'registry.example/controller:1' } });
  expect(withIt.controller).toBeInstanceOf(PlatformController);
  expect(withIt.controller!.image).toBe('registry.example/controller:1');
});

describe('invalid props', () => {
  test.each([
    [{ replicas: 0 }, '[c/controller] replicas: 0 is not valid; must be an integer of at least 1'],
    [{ concurrency: 1.5 }, '[c/controller] concurrency: 1.5 is not valid; must be an integer of at least 1'],
    [{ metricsPort: 80 }, '[c/controller] metricsPort: 80 is not valid; must be an unprivileged port (1024 to 65535): the pod runs as non-root'],
    [{ image: ' ' }, "[c/controller] image: ' ' is not valid; must be a non-empty image reference"],
  ])('%j', (props, message) => {
    expectValidationError(() => synth(props), message);
  });

  test('namespace names', () => {
    expectValidationError(() => synth({ namespace: 'Platform' }), /^\[c\/controller\] namespace: 'Platform' is not valid; /);
    expectValidationError(() => synth({ watchNamespaces: ['ok', 'Not_OK'] }), /^\[c\/controller\] watchNamespaces\[1\]: 'Not_OK' is not valid; /);
  });
});

describe('the platform context: what custom resources name, from the app to the running controller', () => {
  /** An app whose pool, queue and priority class are declared after the controller. */
  function platformApp(extraPool = false) {
    const app = Testing.app();
    const infra = new Chart(app, 'infra');
    const controller = new PlatformController(infra, 'controller', { installCrds: false });
    new ExistingGpuNodes(infra, 'gpus', {
      name: 'gpu-a10g',
      nodeLabels: { 'node-group': 'gpu-a10g' },
      taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' as any }],
      accelerator: Accelerator.nvidia({ product: 'NVIDIA-A10G' }),
      acceleratorsPerNode: 4,
    });
    if (extraPool) new ExistingGpuNodes(infra, 'h100', { name: 'gpu-h100', nodeLabels: { 'node-group': 'gpu-h100' }, accelerator: Accelerator.nvidia({ product: 'NVIDIA-H100' }) });
    const clusterQueue = BatchQueue.fromClusterQueueName(infra, 'cq', 'gpu-batch', { integrations: [KueueIntegration.BATCH_JOB] });
    new LocalQueue(infra, 'team-a', { clusterQueue, namespace: 'ml-team', name: 'team-a' });
    new WorkloadPriorityClass(infra, 'high', { name: 'high', value: 1000 });
    new KServeConfig(infra, 'kserve', { defaultDeploymentMode: DeploymentMode.STANDARD, storageSecretNameAnnotation: 'example.com/storage-secret' });
    const out = Testing.synth(infra);
    const configMap = out.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'cdk8s-ai-platform-controller-context');
    const deployment = out.find(o => o.kind === 'Deployment');
    return { app, infra, controller, configMap, deployment };
  }

  test('the ConfigMap holds the whole app\'s pools, LocalQueues and priority classes, whatever the declaration order', () => {
    const { infra, configMap } = platformApp();
    expect(configMap.metadata.namespace).toBe('ai-platform-system');
    expect(JSON.parse(configMap.data['context.json'])).toEqual(JSON.parse(JSON.stringify(platformSpecContext(infra))));
    expect(Object.keys(JSON.parse(configMap.data['context.json']).pools)).toEqual(['gpu-a10g']);
    expect(JSON.parse(configMap.data['context.json']).queues).toEqual({ 'ml-team': { 'team-a': { clusterQueue: 'gpu-batch', integrations: ['batch/job'] } } });
    expect(JSON.parse(configMap.data['context.json']).kserve).toEqual({
      enableModelcar: true, uidModelcar: 1010, defaultDeploymentMode: 'Standard', storageSecretNameAnnotation: 'example.com/storage-secret',
    });
  });

  test('an InferenceService resource follows the platform\'s KServeConfig, as the construct does in the platform\'s app', () => {
    const { configMap } = platformApp();
    const context = JSON.parse(configMap.data['context.json']);
    const predictor = { model: { format: { sklearn: {} }, storageUri: { s3: { bucket: 'models', key: 'iris' } } } };
    const rendered = renderResource({
      apiVersion: 'platform.ai.cdk8s.io/v1alpha1',
      kind: 'InferenceService',
      metadata: { name: 'iris', namespace: 'ml-team' },
      spec: { predictor, storageSecretName: 's3-credentials' },
    }, context);
    const { infra } = platformApp();
    const team = new Chart(infra.node.scope as any, 'team', { namespace: 'ml-team' });
    const isvc = new InferenceService(team, 'iris', {
      name: 'iris',
      predictor: Predictor.model({ format: ModelFormat.sklearn(), storageUri: StorageUri.s3('models', 'iris') }),
      storageSecretName: 's3-credentials',
    });
    expect(isvc.toSpec()).toEqual({ predictor, storageSecretName: 's3-credentials' });
    expect(rendered.children).toEqual(Testing.synth(team));
    expect(rendered.children[0].metadata.annotations).toEqual({
      'serving.kserve.io/deploymentMode': 'Standard', 'example.com/storage-secret': 's3-credentials',
    });
    // without the platform's KServeConfig, KServe's defaults apply (no mode annotation, the default secret annotation)
    const bare = renderResource({ apiVersion: 'platform.ai.cdk8s.io/v1alpha1', kind: 'InferenceService', metadata: { name: 'iris', namespace: 'ml-team' }, spec: { predictor, storageSecretName: 's3-credentials' } });
    expect(bare.children[0].metadata.annotations).toEqual({ 'serving.kserve.io/storageSecretName': 's3-credentials' });
  });

  test('the pods carry the context\'s checksum, so a changed platform rolls the controller', () => {
    const one = platformApp();
    const checksum = one.deployment.spec.template.metadata.annotations['platform.ai.cdk8s.io/context-checksum'];
    expect(checksum).toBe(createHash('sha256').update(one.configMap.data['context.json']).digest('hex'));
    expect(platformApp().deployment.spec.template.metadata.annotations).toEqual(one.deployment.spec.template.metadata.annotations);
    expect(platformApp(true).deployment.spec.template.metadata.annotations['platform.ai.cdk8s.io/context-checksum']).not.toBe(checksum);
  });

  test('the controller reads the mounted file: a custom resource naming the pool, queue and priority class renders what the construct synthesizes', () => {
    const { configMap } = platformApp();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-context-'));
    const file = path.join(dir, 'context.json');
    fs.writeFileSync(file, configMap.data['context.json']);
    const flags = parseFlags([`--platform-context=${file}`], {});
    const context = readPlatformContext(flags.platformContext!);

    const container = { name: 'eval', image: 'ghcr.io/example/eval:1.0', command: ['python', 'eval.py'] };
    const rendered = renderResource({
      apiVersion: 'platform.ai.cdk8s.io/v1alpha1',
      kind: 'BatchJob',
      metadata: { name: 'eval', namespace: 'ml-team' },
      spec: { containers: [{ ...container, resources: { cpu: '2', memory: '4Gi', accelerator: { nvidia: {} } } }], pool: 'gpu-a10g', queue: 'team-a', priorityClass: 'high' },
    }, context);

    const { infra } = platformApp();
    const team = new Chart(infra.node.scope as any, 'team', { namespace: 'ml-team' });
    const declared = <T>(kind: new (...a: any[]) => T) => infra.node.findAll().find(c => c instanceof kind) as unknown as T;
    new BatchJob(team, 'eval', {
      name: 'eval',
      containers: [{ ...container, resources: { cpu: Cpu.units(2), memory: Size.gibibytes(4), accelerator: Accelerator.nvidia() } }],
      pool: declared(ExistingGpuNodes),
      queue: declared(LocalQueue),
      priorityClass: declared(WorkloadPriorityClass),
    });
    const expected = Testing.synth(team);
    expect(rendered.children).toEqual(expected);
    const pod = rendered.children[0].spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'node-group': 'gpu-a10g' });
    expect(rendered.children[0].metadata.labels).toMatchObject({ 'kueue.x-k8s.io/queue-name': 'team-a', 'kueue.x-k8s.io/priority-class': 'high' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a missing or malformed file stops the controller with the file named', () => {
    expect(() => readPlatformContext('/nonexistent/context.json')).toThrow(/^--platform-context: cannot read \/nonexistent\/context\.json: ENOENT/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-context-'));
    fs.writeFileSync(path.join(dir, 'a.json'), '[]');
    expect(() => readPlatformContext(path.join(dir, 'a.json'))).toThrow(/must hold a JSON object \(pools, queues, priorityClasses\)$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

test('a HyperparameterExperiment resource follows the platform\'s Katib configuration', () => {
  const app = Testing.app();
  const infra = new Chart(app, 'infra');
  const controller = new PlatformController(infra, 'controller', { installCrds: false });
  new KatibConfig({ trialResources: ['PyTorchJob.v1.kubeflow.org'], injectSecurityContext: true }).register(infra);
  const configMap = Testing.synth(infra).find(o => o.metadata.name === `${controller.name}-context`);
  const context = JSON.parse(configMap.data['context.json']);
  expect(context.katib).toEqual({
    trialResources: ['PyTorchJob.v1.kubeflow.org'],
    suggestions: KatibConfig.DEFAULT_SUGGESTIONS,
    earlyStoppings: ['medianstop'],
    metricsCollectors: KatibConfig.DEFAULT_METRICS_COLLECTORS,
    injectSecurityContext: true,
  });
  const hpe = CASES.find(c => c.kind === 'HyperparameterExperiment')!;
  // the case's trial is a batch Job, which this platform's Katib does not watch: refused as the construct refuses it
  expect(() => renderResource(resource(hpe), context)).toThrow(/Katib watches only the trial kinds of its configuration \(PyTorchJob\.v1\.kubeflow\.org\)/);
  expect(renderResource(resource(hpe)).children[0].kind).toBe('Experiment');
});
