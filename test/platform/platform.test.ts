import { ApiObject, Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, AiPlatform, CacheMedium, CacheRuntime, Dataset, DatasetMount, DistributedTraining, FluxSourceKind, GitOpsOutput,
  GpuInstances, PlatformApp, PlatformNamespace, PlatformTier, PlatformTiers, PodSecurityLevel, QueueFlavors, ResourceQuota,
  TrainingBackend, TrainingFramework, HyperparameterExperiment, KatibConfig, MetricsCollector, Objective, SearchAlgorithm, SearchParameter,
  TrialTemplate,
} from '../../src';
import { expectValidationError } from '../util';
import { FakeInstall } from './fake-install';

const nodeClass = { clusterName: 'ml', role: 'KarpenterNodeRole-ml' };

function platformApp(gitOps?: GitOpsOutput): { app: PlatformApp; chart: Chart; platform: AiPlatform } {
  const app = new PlatformApp({ gitOps });
  const chart = new Chart(app, 'platform');
  const certManager = new FakeInstall(chart, 'cert-manager', 'cert-manager', { namespace: 'cert-manager' });
  const kserve = new FakeInstall(chart, 'kserve', 'kserve', { prerequisites: [certManager], certificate: true });
  const platform = new AiPlatform(chart, 'ai', { operators: [kserve], namespaces: ['ml-team'] });
  const pool = platform.addGpuPool('a10g', { name: 'a10g', instances: GpuInstances.families(['g5']), nodeClass, gpuLimit: 8 });
  platform.addQueue('gpu', {
    name: 'gpu',
    resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forPool(pool), quotas: [ResourceQuota.cpu('64'), ResourceQuota.memory('256Gi'), ResourceQuota.accelerator(Accelerator.nvidia({ product: 'NVIDIA-A10G' }), 8)] }] }],
  }).addLocalQueue('ml-team', 'ml-team');
  return { app, chart, platform };
}

function byKind(objects: any[], kind: string, name?: string): any {
  const o = objects.find(x => x.kind === kind && (name === undefined || x.metadata?.name === name));
  if (!o) throw new Error(`no ${kind} ${name ?? ''}`);
  return o;
}

describe('PlatformTiers', () => {
  test('kinds give their tier when no install or assignment claims them', () => {
    expect(PlatformTiers.ofKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).toBe(PlatformTier.CRDS);
    expect(PlatformTiers.ofKind('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration')).toBe(PlatformTier.PREREQUISITES);
    expect(PlatformTiers.ofKind('cert-manager.io/v1', 'ClusterIssuer')).toBe(PlatformTier.OPERATORS);
    for (const [v, k] of [['karpenter.sh/v1', 'NodePool'], ['kueue.x-k8s.io/v1beta2', 'ClusterQueue'], ['kueue.x-k8s.io/v1beta2', 'LocalQueue'],
      ['kueue.x-k8s.io/v1beta2', 'ResourceFlavor'], ['serving.kserve.io/v1alpha1', 'ClusterServingRuntime'], ['v1', 'Namespace'],
      ['trainer.kubeflow.org/v1alpha1', 'ClusterTrainingRuntime']]) {
      expect([k, PlatformTiers.ofKind(v, k)]).toEqual([k, PlatformTier.CLUSTER_CONFIG]);
    }
    expect(PlatformTiers.ofKind('trainer.kubeflow.org/v1alpha1', 'TrainJob')).toBe(PlatformTier.WORKLOADS);
    expect(PlatformTiers.ofKind('v1', 'ServiceAccount')).toBe(PlatformTier.WORKLOADS);
    expect(PlatformTiers.ALL).toEqual(['crds', 'prerequisites', 'operators', 'cluster-config', 'workloads']);
  });

  test('install objects: prerequisites (cert-manager) before operators; webhooks early; cert-manager kinds with the operators', () => {
    const { app, chart } = platformApp();
    app.synthFiles(); // tiers are read at synth
    const tiers = chart.node.findAll().filter(ApiObject.isApiObject).map(o => `${o.node.path.split('/').slice(1).join('/')} ${PlatformTiers.of(o)}`);
    expect(tiers).toEqual([
      'cert-manager/crd crds', 'cert-manager/ns prerequisites', 'cert-manager/sa prerequisites', 'cert-manager/deploy prerequisites',
      'cert-manager/webhook prerequisites',
      'kserve/crd crds', 'kserve/ns operators', 'kserve/sa operators', 'kserve/deploy operators', 'kserve/webhook prerequisites', 'kserve/cert operators',
      'ai/namespace-ml-team/Resource cluster-config', 'ai/a10g/NodeClass cluster-config', 'ai/a10g/Resource cluster-config',
      'ai/a10g-device-plugin/Config cluster-config', 'ai/a10g-device-plugin/Resource cluster-config', 'ai/gpu/Resource cluster-config',
      'ai/gpu/LocalQueue-ml-team-ml-team/Resource cluster-config', 'kueue-flavor-a10g/Resource cluster-config',
    ]);
  });

  test('configuration an install ships (runtimes, priority classes) comes after the operators', () => {
    const chart = Testing.chart();
    const install = new FakeInstall(chart, 'trainer', 'trainer');
    const pc = new ApiObject(install, 'pc', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'p' }, value: 1 });
    install.objects.push(pc);
    new AiPlatform(chart, 'ai', { operators: [install] });
    expect(PlatformTiers.of(pc)).toBe(PlatformTier.CLUSTER_CONFIG);
    expect(PlatformTiers.of(install.objects.find(o => o.kind === 'Namespace')!)).toBe(PlatformTier.OPERATORS);
  });

  test('an assignment moves a subtree (CRDs stay first)', () => {
    const chart = Testing.chart();
    const cm = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const crd = new ApiObject(chart, 'crd', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'a.b.c' } });
    expect(PlatformTiers.of(cm)).toBe(PlatformTier.WORKLOADS);
    PlatformTiers.assign(chart, PlatformTier.OPERATORS);
    expect(PlatformTiers.of(cm)).toBe(PlatformTier.OPERATORS);
    expect(PlatformTiers.of(crd)).toBe(PlatformTier.CRDS);
  });
});

describe('GitOpsOutput', () => {
  test('Argo CD: sync waves by tier, server-side apply of CRDs, custom resources skip the dry-run until their CRD exists', () => {
    const { app } = platformApp(GitOpsOutput.argoCdSyncWaves());
    const files = app.synthFiles();
    expect(files.map(f => f.path)).toEqual(['platform.k8s.yaml']);
    const objects = files[0].objects;
    const wave = (kind: string, name: string) => byKind(objects, kind, name).metadata.annotations['argocd.argoproj.io/sync-wave'];
    const options = (kind: string, name: string) => byKind(objects, kind, name).metadata.annotations['argocd.argoproj.io/sync-options'];
    expect(wave('CustomResourceDefinition', 'widgets.kserve.example.com')).toBe('-2');
    expect(options('CustomResourceDefinition', 'widgets.kserve.example.com')).toBe('ServerSideApply=true');
    expect(wave('Deployment', 'cert-manager-controller')).toBe('-1');
    expect(wave('ValidatingWebhookConfiguration', 'kserve-validating')).toBe('-1');
    expect(wave('Deployment', 'kserve-controller')).toBe('0');
    expect(wave('Certificate', 'kserve-serving-cert')).toBe('0');
    expect(options('Certificate', 'kserve-serving-cert')).toBe('SkipDryRunOnMissingResource=true');
    expect(wave('NodePool', 'a10g')).toBe('1');
    expect(wave('ClusterQueue', 'gpu')).toBe('1');
    expect(wave('Namespace', 'ml-team')).toBe('1');
    expect(options('Deployment', 'kserve-controller')).toBeUndefined();
    // every object has a wave
    expect(objects.filter(o => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] === undefined)).toEqual([]);
  });

  test('Argo CD: the first wave can be moved', () => {
    const { app } = platformApp(GitOpsOutput.argoCdSyncWaves({ firstWave: 10 }));
    const objects = app.synthFiles()[0].objects;
    expect(byKind(objects, 'CustomResourceDefinition').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('10');
    expect(byKind(objects, 'NodePool').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('13');
  });

  test('one directory per tier, one file per chart in each', () => {
    const { app } = platformApp(GitOpsOutput.directoryPerTier());
    const files = app.synthFiles();
    expect(files.map(f => f.path)).toEqual([
      '0-crds/platform.k8s.yaml', '1-prerequisites/platform.k8s.yaml', '2-operators/platform.k8s.yaml', '3-cluster-config/platform.k8s.yaml',
    ]);
    expect(files[0].objects.every(o => o.kind === 'CustomResourceDefinition')).toBe(true);
    expect(files[1].objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/cert-manager', 'ServiceAccount/cert-manager', 'Deployment/cert-manager-controller', 'ValidatingWebhookConfiguration/cert-manager-validating',
      'ValidatingWebhookConfiguration/kserve-validating',
    ]);
    // no annotations are added in this layout
    expect(files.flatMap(f => f.objects).filter(o => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'])).toEqual([]);
  });

  test('Flux: the tier directories plus one Kustomization per tier, each depending on the previous one', () => {
    const { app } = platformApp(GitOpsOutput.fluxKustomizations({ sourceName: 'platform-repo', path: 'clusters/prod', interval: Duration.minutes(5) }));
    const files = app.synthFiles();
    expect(files.map(f => f.path)).toEqual([
      '0-crds/platform.k8s.yaml', '1-prerequisites/platform.k8s.yaml', '2-operators/platform.k8s.yaml', '3-cluster-config/platform.k8s.yaml',
      'flux/kustomizations.k8s.yaml',
    ]);
    const ks = files[4].objects;
    expect(ks.map(k => [k.metadata.name, k.spec.path, k.spec.dependsOn?.[0]?.name, k.spec.wait])).toEqual([
      ['platform-crds', './clusters/prod/0-crds', undefined, true],
      ['platform-prerequisites', './clusters/prod/1-prerequisites', 'platform-crds', true],
      ['platform-operators', './clusters/prod/2-operators', 'platform-prerequisites', true],
      ['platform-cluster-config', './clusters/prod/3-cluster-config', 'platform-operators', true],
    ]);
    expect(ks[0]).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'platform-crds', namespace: 'flux-system' },
      spec: { interval: '5m', timeout: '10m', path: './clusters/prod/0-crds', prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: 'platform-repo' } },
    });
  });

  test('Flux: workloads do not hold the sync (wait false), other source kinds', () => {
    const app = new PlatformApp({ gitOps: GitOpsOutput.fluxKustomizations({ sourceName: 'oci', sourceKind: FluxSourceKind.OCI_REPOSITORY, namePrefix: 'ml' }) });
    const chart = new Chart(app, 'team', { namespace: 'ml' });
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: 'b' } });
    const files = app.synthFiles();
    expect(files.map(f => f.path)).toEqual(['4-workloads/team.k8s.yaml', 'flux/kustomizations.k8s.yaml']);
    expect(files[1].objects[0].metadata.name).toBe('ml-workloads');
    expect(files[1].objects[0].spec).toMatchObject({ path: './dist/4-workloads', wait: false, sourceRef: { kind: 'OCIRepository', name: 'oci' } });
  });

  test('invalid options are errors naming the option', () => {
    const synth = (gitOps: GitOpsOutput) => () => new PlatformApp({ gitOps }).synthFiles();
    expectValidationError(synth(GitOpsOutput.argoCdSyncWaves({ firstWave: 0.5 })), '[<root>] gitOps.firstWave: 0.5 is not valid; an integer');
    expectValidationError(synth(GitOpsOutput.fluxKustomizations({ sourceName: ' ' })),
      "[<root>] gitOps.sourceName: ' ' is not valid; the name of the Flux source holding the output");
    expectValidationError(synth(GitOpsOutput.fluxKustomizations({ sourceName: 'repo', path: '../x' })),
      "[<root>] gitOps.path: '../x' is not valid; a path relative to the source's root, without '..' (e.g. './dist')");
    expectValidationError(synth(GitOpsOutput.fluxKustomizations({ sourceName: 'repo', namePrefix: 'Bad' })),
      "[<root>] gitOps.namePrefix: 'Bad' is not valid; a DNS-1123 label of at most 32 characters");
  });
});

describe('PlatformNamespace: Pod Security computed from the workloads placed in it', () => {
  test('restricted when every pod meets it; warn and audit restricted; versions pinned', () => {
    const chart = Testing.chart();
    new PlatformNamespace(chart, 'ml-team');
    const ns = byKind(Testing.synth(chart), 'Namespace');
    expect(ns).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'ml-team',
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.34',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'v1.34',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'v1.34',
        },
      },
    });
  });

  test('a v1 MPIJob (injected kubectl-delivery) makes it baseline; a Fluid dataset privileged; the reasons are recorded', () => {
    const chart = Testing.chart();
    const ns = new PlatformNamespace(chart, 'ml-team');
    const other = new PlatformNamespace(chart, 'other');
    new DistributedTraining(chart, 'horovod', {
      name: 'horovod',
      namespace: 'ml-team',
      backend: TrainingBackend.trainingOperatorV1(),
      framework: TrainingFramework.mpi({ slotsPerWorker: 1 }),
      image: 'ghcr.io/example/horovod:1.0.0',
      workers: 2,
      resourcesPerWorker: { cpu: Cpu.units(4), memory: Size.gibibytes(8) },
    });
    expect(ns.podSecurity.enforce).toBe(PodSecurityLevel.BASELINE);
    new Dataset(chart, 'cache', {
      name: 'imagenet',
      namespace: 'ml-team',
      mounts: [DatasetMount.fromUri('s3://bucket/imagenet/', { name: 'imagenet' })],
      runtime: CacheRuntime.alluxio({ tiers: [{ medium: CacheMedium.MEMORY, quota: Size.gibibytes(2) }] }),
    });
    const objects = Testing.synth(chart);
    const nsJson = byKind(objects, 'Namespace', 'ml-team');
    expect(nsJson.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(nsJson.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(nsJson.metadata.annotations).toEqual({
      'ai-platform.cdk8s.io/pod-security-reason':
        "baseline: MPIJob 'horovod' (the Training Operator adds a kubectl-delivery init container without a security context to the launcher); "
        + "privileged: Dataset 'imagenet' (Fluid runs the cache's FUSE pods, privileged with host paths, in the dataset's namespace)",
    });
    expect(byKind(objects, 'Namespace', 'other').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(other.podSecurity.requirements).toEqual([]);
  });

  test('a Katib experiment makes it baseline: the suggestion pod always, the collector sidecar unless Push or injectSecurityContext', () => {
    const experiment = (chart: Chart, collector: MetricsCollector, katib?: KatibConfig) => {
      const lr = SearchParameter.double('lr', { min: 0.01, max: 0.05 });
      return new HyperparameterExperiment(chart, 'exp', {
        name: 'mnist',
        namespace: 'ml-team',
        objective: Objective.maximize('accuracy'),
        algorithm: SearchAlgorithm.random(),
        parameters: [lr],
        metricsCollector: collector,
        katib,
        trial: TrialTemplate.batchJob({ containers: [{ image: 'docker.io/kubeflowkatib/mxnet-mnist:v1beta1-45c5727', args: [`--lr=${lr.placeholder}`] }] }),
      });
    };
    const SUGGESTION = {
      level: PodSecurityLevel.BASELINE,
      reason: "Experiment 'mnist' (Katib v0.19.0 runs the experiment's suggestion service as a Deployment in its namespace, with the container of "
        + "katib-config's runtime.suggestions, which sets no security context; its images run as root)",
    };
    const chart = Testing.chart();
    const ns = new PlatformNamespace(chart, 'ml-team');
    experiment(chart, MetricsCollector.stdOut());
    expect(ns.podSecurity.enforce).toBe(PodSecurityLevel.BASELINE);
    expect(ns.podSecurity.requirements).toEqual([{
      level: PodSecurityLevel.BASELINE,
      reason: "Experiment 'mnist' (Katib injects its metrics collector sidecar into the trial pods without a security context; "
        + "use the Push collector or the Katib configuration's injectSecurityContext for restricted)",
    }, SUGGESTION]);
    const collectorCases = [
      [MetricsCollector.push(), undefined],
      [MetricsCollector.stdOut(), new KatibConfig({ injectSecurityContext: true })],
    ] as const;
    for (const [collector, katib] of collectorCases) {
      const c = Testing.chart();
      const other = new PlatformNamespace(c, 'ml-team');
      experiment(c, collector, katib);
      // the trial pods meet restricted; the suggestion pod keeps the namespace at baseline
      expect(other.podSecurity.enforce).toBe(PodSecurityLevel.BASELINE);
      expect(other.podSecurity.requirements).toEqual([SUGGESTION]);
    }
  });

  test("a workload's own opt-out counts, with its reason", () => {
    const chart = Testing.chart();
    const ns = new PlatformNamespace(chart, 'ml-team');
    new DistributedTraining(chart, 'root', {
      name: 'root-trainer',
      namespace: 'ml-team',
      image: 'ghcr.io/example/legacy:1.0.0',
      workers: 1,
      resourcesPerWorker: { cpu: Cpu.units(2), memory: Size.gibibytes(4) },
      security: { level: PodSecurityLevel.BASELINE, optOutReason: 'the image writes to /opt as root' },
    });
    expect(ns.podSecurity).toEqual({
      enforce: PodSecurityLevel.BASELINE,
      requirements: [{ level: PodSecurityLevel.BASELINE, reason: "TrainJob 'root-trainer' (the image writes to /opt as root)" }],
    });
  });

  test('pods outside the library are declared with addPodSecurityRequirement; a reason is required', () => {
    const chart = Testing.chart();
    const ns = new PlatformNamespace(chart, 'monitoring');
    ns.addPodSecurityRequirement(PodSecurityLevel.PRIVILEGED, 'node-exporter DaemonSet (host network and PID)');
    expect(ns.podSecurity.enforce).toBe(PodSecurityLevel.PRIVILEGED);
    expectValidationError(() => ns.addPodSecurityRequirement(PodSecurityLevel.BASELINE, ''),
      "[test/monitoring] reason: '' is not valid; what the pods are and why they cannot meet the restricted standard");
  });

  test('a namespace capped at restricted rejects a workload that needs more, at synth', () => {
    const chart = Testing.chart();
    new PlatformNamespace(chart, 'ml-team', { maxPodSecurity: PodSecurityLevel.RESTRICTED });
    new Dataset(chart, 'cache', {
      name: 'imagenet',
      namespace: 'ml-team',
      mounts: [DatasetMount.fromUri('s3://bucket/imagenet/', { name: 'imagenet' })],
      runtime: CacheRuntime.alluxio({ tiers: [{ medium: CacheMedium.MEMORY, quota: Size.gibibytes(2) }] }),
    });
    expectValidationError(() => Testing.synth(chart),
      "[test/ml-team] maxPodSecurity: 'restricted' is not valid; Dataset 'imagenet' (Fluid runs the cache's FUSE pods, privileged with host paths, "
      + "in the dataset's namespace) needs 'privileged': allow that level or move the workload to another namespace");
  });
});

describe('AiPlatform', () => {
  test('composes installs with their prerequisites, namespaces, GPU pools with device plugins, queues', () => {
    const { app, platform } = platformApp();
    expect(platform.operators.map(o => o.operatorName)).toEqual(['cert-manager', 'kserve']);
    expect(platform.namespaces.map(n => n.name)).toEqual(['ml-team']);
    expect(platform.findNamespace('ml-team')).toBe(platform.namespaces[0]);
    expect(platform.gpuPools.map(p => p.poolName)).toEqual(['a10g']);
    expect(platform.queues.map(q => q.name)).toEqual(['gpu']);
    const objects = app.synthFiles().flatMap(f => f.objects);
    const ds = byKind(objects, 'DaemonSet');
    expect(ds.metadata).toMatchObject({ name: 'nvidia-device-plugin-a10g', namespace: 'kube-system' });
    expect(byKind(objects, 'LocalQueue').metadata).toMatchObject({ name: 'ml-team', namespace: 'ml-team' });
  });

  test('one install per operator', () => {
    const chart = Testing.chart();
    const platform = new AiPlatform(chart, 'ai', { operators: [new FakeInstall(chart, 'a', 'kueue')] });
    expectValidationError(() => platform.addOperator(new FakeInstall(chart, 'b', 'kueue')),
      "[test/ai] operators: 'kueue' is not valid; one install per operator ('kueue' is already installed by test/a)");
    expectValidationError(() => { platform.addNamespace('team'); platform.addNamespace('team'); },
      "[test/ai] namespaces: 'team' is not valid; each namespace once");
  });

  test('a workload whose operator the platform does not install is an error at synth (unless checkOperators is off)', () => {
    const build = (checkOperators?: boolean) => {
      const chart = Testing.chart();
      new AiPlatform(chart, 'ai', { operators: [new FakeInstall(chart, 'kueue', 'kueue')], checkOperators });
      new DistributedTraining(chart, 'train', {
        name: 'train', image: 'ghcr.io/example/t:1', workers: 1, resourcesPerWorker: { cpu: Cpu.units(1), memory: Size.gibibytes(1) },
      });
      return chart;
    };
    expectValidationError(() => Testing.synth(build()),
      "[test/ai] operators: 'kueue' is not valid; TrainJob 'train' (test/train) needs the 'trainer' operator: add its install, or set "
      + 'checkOperators: false when it is installed otherwise');
    expect(Testing.synth(build(false)).some(o => o.kind === 'TrainJob')).toBe(true);
  });

  test('the device plugin namespace is recorded as needing privileged', () => {
    const chart = Testing.chart();
    const platform = new AiPlatform(chart, 'ai', { devicePluginNamespace: 'gpu-system', namespaces: ['gpu-system'] });
    platform.addGpuPool('l4', { name: 'l4', instances: GpuInstances.types(['g6.xlarge']), nodeClass, timeSlicingReplicas: 4 });
    expect(platform.findNamespace('gpu-system')!.podSecurity.requirements).toEqual([{
      level: PodSecurityLevel.PRIVILEGED,
      reason: "DaemonSet 'nvidia-device-plugin-l4' (the NVIDIA device plugin mounts the kubelet device-plugin socket directory (hostPath))",
    }]);
  });

  test("an install's own Namespace gets the Pod Security its pods meet, with the reason", () => {
    const chart = Testing.chart();
    const ok = new FakeInstall(chart, 'ok', 'kueue');
    const loose = new FakeInstall(chart, 'loose', 'fluid');
    // a CSI DaemonSet as Fluid ships it: privileged
    const ds = new ApiObject(loose, 'csi', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'csi-nodeplugin-fluid', namespace: 'fluid-system' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'plugins', image: 'fluid/csi:1', securityContext: { privileged: true } }] } } },
    });
    loose.objects.push(ds);
    new AiPlatform(chart, 'ai', { operators: [ok, loose], checkOperators: false });
    const objects = Testing.synth(chart);
    expect(byKind(objects, 'Namespace', 'kueue-system').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(byKind(objects, 'Namespace', 'kueue-system').metadata.annotations).toBeUndefined();
    const fluid = byKind(objects, 'Namespace', 'fluid-system').metadata;
    expect(fluid.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'restricted' });
    expect(fluid.annotations).toEqual({ 'ai-platform.cdk8s.io/pod-security-reason': 'privileged: DaemonSet \'csi-nodeplugin-fluid\' (container "plugins": privileged)' });
    // the upstream object records its level as an explicit opt-out
    expect(byKind(objects, 'DaemonSet', 'csi-nodeplugin-fluid').metadata.annotations).toEqual({
      'ai-platform.cdk8s.io/pod-security': 'privileged',
      'ai-platform.cdk8s.io/pod-security-reason': 'as upstream fluid 0.0.0 ships it: container "plugins": privileged',
    });
    expect(byKind(objects, 'Deployment', 'kueue-controller').metadata.annotations).toBeUndefined();
  });

  test('an install with cert-manager objects needs cert-manager in the platform, and gets it first even when it does not list it', () => {
    const chart = Testing.chart();
    new AiPlatform(chart, 'ai', { operators: [new FakeInstall(chart, 'kserve', 'kserve', { certificate: true })] });
    expectValidationError(() => Testing.synth(chart),
      "[test/ai] operators: 'kserve' is not valid; 'kserve' gets its webhook certificates from cert-manager: add the cert-manager install "
      + '(and pass it to the install that needs it), or set checkOperators: false when cert-manager is installed otherwise');

    const app = new PlatformApp({ gitOps: GitOpsOutput.argoCdSyncWaves() });
    const chart2 = new Chart(app, 'c');
    const certManager = new FakeInstall(chart2, 'cm', 'cert-manager', { namespace: 'cert-manager' });
    new AiPlatform(chart2, 'ai', { operators: [new FakeInstall(chart2, 'kserve', 'kserve', { certificate: true }), certManager] });
    const objects = app.synthFiles()[0].objects;
    expect(byKind(objects, 'Deployment', 'cert-manager-controller').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(byKind(objects, 'Deployment', 'kserve-controller').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
  });
});
