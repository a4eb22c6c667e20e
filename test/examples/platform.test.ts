import { Chart } from 'cdk8s';
import { exampleSuite } from './example-suite';
import { buildPlatformApp } from '../../examples/platform/platform';
import { GitOpsOutput, PlatformApp, PlatformTesting } from '../../src';

exampleSuite('platform', { yamlSnapshot: true });

describe('platform example: the GitOps layouts', () => {
  const files = (gitOps: GitOpsOutput) => buildPlatformApp(new PlatformApp({ gitOps })).synthFiles();

  test('Argo CD: one file per chart, every object in a sync wave, CRDs server-side', () => {
    const out = files(GitOpsOutput.argoCdSyncWaves());
    expect(out.map(f => f.path)).toEqual(['platform.k8s.yaml', 'workloads.k8s.yaml', 'serving.k8s.yaml', 'argocd.k8s.yaml']);
    const objects = out.flatMap(f => f.objects);
    const waves = new Map<string, Set<string>>();
    for (const o of objects) {
      const wave = o.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
      expect([o.kind, o.metadata.name, wave !== undefined]).toEqual([o.kind, o.metadata.name, true]);
      if (!waves.has(wave)) waves.set(wave, new Set());
      waves.get(wave)!.add(o.kind);
    }
    expect([...waves.keys()].sort()).toEqual(['-1', '-2', '0', '1', '2']);
    expect([...waves.get('-2')!]).toEqual(['CustomResourceDefinition']);
    expect(objects.filter(o => o.kind === 'CustomResourceDefinition').every(o => o.metadata.annotations['argocd.argoproj.io/sync-options'] === 'ServerSideApply=true')).toBe(true);
    for (const kind of ['TrainJob', 'InferenceService', 'Experiment', 'Dataset', 'WorkflowTemplate', 'ScheduledSparkApplication']) expect(waves.get('2')!.has(kind)).toBe(true);
    for (const kind of ['NodePool', 'EC2NodeClass', 'ClusterQueue', 'LocalQueue', 'ResourceFlavor', 'Namespace']) expect(waves.get('1')!.has(kind)).toBe(true);
  });

  test('directory per tier and Flux: the same objects, split by tier, with one Kustomization per tier', () => {
    const argo = files(GitOpsOutput.argoCdSyncWaves()).flatMap(f => f.objects);
    const dirs = files(GitOpsOutput.directoryPerTier());
    expect([...new Set(dirs.map(f => f.path.split('/')[0]))]).toEqual(['0-crds', '1-prerequisites', '2-operators', '3-cluster-config', '4-workloads']);
    expect(dirs.flatMap(f => f.objects).length).toBe(argo.length);
    const flux = files(GitOpsOutput.fluxKustomizations({ sourceName: 'platform' }));
    const ks = flux.find(f => f.path === 'flux/kustomizations.k8s.yaml')!.objects;
    expect(ks.map(k => [k.metadata.name, k.spec.dependsOn?.[0]?.name ?? null])).toEqual([
      ['platform-crds', null],
      ['platform-prerequisites', 'platform-crds'],
      ['platform-operators', 'platform-prerequisites'],
      ['platform-cluster-config', 'platform-operators'],
      ['platform-workloads', 'platform-cluster-config'],
    ]);
  });

  test('team namespaces enforce what their workloads need, and say why', () => {
    const objects = PlatformTesting.synth(buildPlatformApp(new PlatformApp()));
    const ns = (name: string) => objects.find(o => o.kind === 'Namespace' && o.metadata.name === name);
    // the reviews Dataset's Fluid cache runs privileged FUSE pods in ml-team
    expect(ns('ml-team').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns('ml-team').metadata.annotations['ai-platform.cdk8s.io/pod-security-reason']).toBe(
      "privileged: Dataset 'reviews' (Fluid runs the cache's FUSE pods, privileged with host paths, in the dataset's namespace); "
      + "baseline: Experiment 'reviews-hpo' (Katib injects its metrics collector sidecar into the trial pods without a security context; "
      + "use the Push collector or the Katib configuration's injectSecurityContext for restricted); "
      + "baseline: Experiment 'reviews-hpo' (Katib v0.19.0 runs the experiment's suggestion service as a Deployment in its namespace, "
      + "with the container of katib-config's runtime.suggestions, which sets no security context; its images run as root)");
    // the reviews InferenceService serves its model from an OCI image: KServe's modelcar containers only set runAsUser
    expect(ns('ml-serving').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(ns('ml-serving').metadata.annotations['ai-platform.cdk8s.io/pod-security-reason']).toBe(
      "baseline: InferenceService 'reviews' (KServe v0.20.0 injects the modelcar containers for its oci:// model with a security context that "
      + 'sets only runAsUser, which no KServe setting changes)');
  });

  test('the Argo CD chart holds only the health checks', () => {
    const app = buildPlatformApp(new PlatformApp());
    const argocd = app.node.findChild('argocd') as Chart;
    const objects = PlatformTesting.synth(argocd);
    expect(objects.map(o => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['ConfigMap/argocd/argocd-cm']);
  });
});
