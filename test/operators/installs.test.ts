import { Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { byKey, changedObjects, installChart } from './helpers';
import {
  ArgoEventsInstall, ArgoWorkflowsInstall, CertManagerInstall, FluidInstall, KarpenterInstall, KatibInstall, KServeInstall,
  KueueInstall, NvidiaDevicePluginInstall, OperatorInstall, SparkOperatorInstall, TrainerInstall, TrainingOperatorInstall,
} from '../../src/operators';
import { loadRender } from '../../src/operators/render-cache';
import { expectValid, expectValidationError } from '../util';

type Declare = (scope: Construct, props: any) => OperatorInstall;

/** Every install with the props it needs, its render, its namespace and its controller Deployments. */
const INSTALLS: Array<{ id: string; declare: Declare; namespace: string; controllers: string[]; daemonSet?: boolean }> = [
  { id: 'cert-manager', declare: (s, p) => new CertManagerInstall(s, 'op', p), namespace: 'cert-manager', controllers: ['cert-manager', 'cert-manager-webhook', 'cert-manager-cainjector'] },
  { id: 'kserve', declare: (s, p) => new KServeInstall(s, 'op', p), namespace: 'kserve', controllers: ['kserve-controller-manager'] },
  { id: 'kueue', declare: (s, p) => new KueueInstall(s, 'op', p), namespace: 'kueue-system', controllers: ['kueue-controller-manager'] },
  { id: 'training-operator', declare: (s, p) => new TrainingOperatorInstall(s, 'op', p), namespace: 'kubeflow', controllers: ['training-operator'] },
  { id: 'trainer', declare: (s, p) => new TrainerInstall(s, 'op', p), namespace: 'kubeflow-system', controllers: ['kubeflow-trainer-controller-manager', 'jobset-controller-manager'] },
  { id: 'katib', declare: (s, p) => new KatibInstall(s, 'op', p), namespace: 'kubeflow', controllers: ['katib-controller'] },
  { id: 'spark-operator', declare: (s, p) => new SparkOperatorInstall(s, 'op', p), namespace: 'spark-operator', controllers: ['spark-operator-controller', 'spark-operator-webhook'] },
  { id: 'argo-workflows', declare: (s, p) => new ArgoWorkflowsInstall(s, 'op', p), namespace: 'argo', controllers: ['workflow-controller', 'argo-server'] },
  { id: 'argo-events', declare: (s, p) => new ArgoEventsInstall(s, 'op', p), namespace: 'argo-events', controllers: ['controller-manager', 'events-webhook'] },
  { id: 'fluid', declare: (s, p) => new FluidInstall(s, 'op', p), namespace: 'fluid-system', controllers: ['dataset-controller', 'fluidapp-controller', 'fluid-webhook'] },
  { id: 'nvidia-device-plugin', declare: (s, p) => new NvidiaDevicePluginInstall(s, 'op', p), namespace: 'nvidia-device-plugin', controllers: ['nvidia-device-plugin'], daemonSet: true },
  { id: 'karpenter', declare: (s, p) => new KarpenterInstall(s, 'op', { clusterName: 'ml', ...p }), namespace: 'kube-system', controllers: ['karpenter'] },
];

const key = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe.each(INSTALLS)('$id install', ({ id, declare, namespace, controllers, daemonSet }) => {
  const knobs = (props: any) => changedObjects(declare, props);

  test('emits the render (Namespace first unless it exists already), cluster-scoped objects without namespace, schema-valid', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'elsewhere' });
    const install = declare(chart, {});
    const objects = Testing.synth(chart);
    const render = loadRender(id);
    expect(install.namespace).toBe(namespace);
    expect(install.version).toBe(render.version);
    const renderKeys = render.objects.filter(o => o.kind !== 'Namespace').map(key);
    const extra = id === 'trainer' ? loadRender('trainer-runtimes').objects.map(key)
      // the restricted init-pytorch template (TrainingOperatorInstall.restrictedInitContainers)
      : id === 'training-operator' ? ['ConfigMap/kubeflow/training-operator-pytorch-init-container'] : [];
    const emitted = objects.map(key);
    expect(emitted).toEqual([...(id === 'karpenter' ? [] : [`Namespace//${namespace}`]), ...renderKeys, ...extra]);
    expect(install.objects.length).toBe(objects.length);
    expect(install.crds.map(c => c.name)).toEqual(objects.filter(o => o.kind === 'CustomResourceDefinition').map(o => o.metadata.name));
    expect(objects.some(o => o.metadata.namespace === 'elsewhere')).toBe(false);
    expect(install.images).toEqual([...new Set([...render.images, ...render.configImages, ...(id === 'trainer' ? loadRender('trainer-runtimes').images : [])])].sort());
    expectValid(objects);
  });

  test('namespace moves every object of the upstream namespace and every reference to it', () => {
    const base = installChart();
    declare(base, {});
    const before = Testing.synth(base);
    const mentions = before.filter(o => o.kind === 'Namespace' || JSON.stringify(o.kind === 'CustomResourceDefinition' ? { m: o.metadata, c: o.spec.conversion } : o)
      .match(new RegExp(`"namespace":"${namespace}"|\\.${namespace}\\.svc|inject-ca-from":"${namespace}/|namespace=${namespace}"|"values":\\[[^\\]]*"${namespace}"`))).map(key);
    const moved = installChart();
    declare(moved, { namespace: 'platform-ops' });
    const after = Testing.synth(moved);
    const changed = changedObjects(declare, { namespace: 'platform-ops' });
    // what changed: every object that named the namespace (under its old or new key), and nothing else
    const renamed = mentions.map(k => k.replace(`/${namespace}/`, '/platform-ops/').replace(`Namespace//${namespace}`, 'Namespace//platform-ops'));
    expect(changed).toEqual([...new Set([...mentions, ...renamed])].sort());
    for (const o of after) {
      const text = JSON.stringify(o.kind === 'CustomResourceDefinition' ? { m: o.metadata, c: o.spec.conversion } : o);
      if (namespace === 'kube-system' || (namespace === 'cert-manager' && o.metadata.namespace === 'kube-system')) continue;
      expect({ obj: key(o), left: new RegExp(`"namespace":"${namespace}"|\\.${namespace}\\.svc|inject-ca-from":"${namespace}/|"values":\\[[^\\]]*"${namespace}"`).test(text) })
        .toEqual({ obj: key(o), left: false });
    }
  });

  test('replicas and resources change the controllers only', () => {
    if (daemonSet) {
      expect(knobs({ resources: { cpu: Cpu.units(1) } })).toEqual(controllers.map(n => `DaemonSet/${namespace}/${n}`));
      expectValidationError(() => declare(installChart(), { replicas: 2 }), `[test/op] replicas: 2 is not valid; ${id} runs as a DaemonSet (one pod per node); remove replicas`);
      return;
    }
    const deployments = controllers.map(n => `Deployment/${namespace}/${n}`).sort();
    expect(knobs({ replicas: 3 })).toEqual(deployments);
    expect(knobs({ resources: { cpu: Cpu.units(1) } })).toEqual(deployments);
    const c = installChart();
    declare(c, { replicas: 3, resources: { memory: Size.mebibytes(512) } });
    const objs = byKey(c);
    for (const d of deployments) expect(objs.get(d).spec.replicas).toBe(3);
  });

  test('imageRegistry rewrites every image, in pod specs and configuration, and only the objects that name one', () => {
    const c = installChart();
    const install = declare(c, { imageRegistry: 'mirror.example.com/ml' });
    const render = loadRender(id);
    for (const image of install.images) expect(image.startsWith('mirror.example.com/ml/')).toBe(true);
    const text = JSON.stringify(Testing.synth(c));
    for (const image of [...render.images, ...render.configImages]) {
      if (!image.startsWith('mirror.example.com')) expect(text.includes(`"${image}"`)).toBe(false);
    }
    const base = installChart();
    declare(base, {});
    const all = [...render.images, ...render.configImages, ...(id === 'trainer' ? loadRender('trainer-runtimes').images : [])];
    const naming = Testing.synth(base).filter(o => o.kind !== 'CustomResourceDefinition' && all.some(i => JSON.stringify(o).includes(i))).map(key);
    expect(knobs({ imageRegistry: 'mirror.example.com/ml' })).toEqual(naming.sort());
  });

  test('invalid common settings are errors naming the prop', () => {
    expectValidationError(() => declare(installChart(), { namespace: 'Ops' }),
      "[test/op] namespace: 'Ops' is not valid; must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
    expectValidationError(() => declare(installChart(), { imageRegistry: 'https://mirror' }),
      "[test/op] imageRegistry: 'https://mirror' is not valid; must be a registry host with an optional path, such as 'registry.example.com/mirror'");
    expectValidationError(() => declare(installChart(), { replicas: -1 }), '[test/op] replicas: -1 is not valid; must be an integer from 0 to 100');
  });
});

test('createNamespace: false drops only the Namespace; installs of one chart in one namespace share it', () => {
  expect(changedObjects((s, p) => new KatibInstall(s, 'op', p), { createNamespace: false })).toEqual(['Namespace//kubeflow']);
  const chart = installChart();
  const katib = new KatibInstall(chart, 'katib');
  const training = new TrainingOperatorInstall(chart, 'training');
  const namespaces = Testing.synth(chart).filter(o => o.kind === 'Namespace');
  expect(namespaces.map(n => n.metadata.name)).toEqual(['kubeflow']);
  expect(katib.objects[0]).toBe(training.objects[0]);
});

test('an operator is installed once per app (checked at synth, whatever the order)', () => {
  const app = Testing.app();
  new KueueInstall(new Chart(app, 'a'), 'kueue');
  new KueueInstall(new Chart(app, 'b'), 'kueue');
  expectValidationError(() => app.synth(), "[b/kueue] operatorName: 'kueue' is not valid; the app already installs it at 'a/kueue'; install each operator once");
  expect(OperatorInstall.installsOf(app).map(i => i.node.path)).toEqual(['a/kueue', 'b/kueue']);
});
