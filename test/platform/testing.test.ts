import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { GitOpsOutput, PlatformApp, PlatformTesting } from '../../src';
import * as serializer from '../../src/platform/jest-serializer';

const restrictedPod = {
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'main', image: 'busybox:1.37', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
};

function deployment(scope: Chart, name: string, podSpec: any, annotations?: any): ApiObject {
  return new ApiObject(scope, name, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'team', annotations },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
  });
}

describe('PlatformTesting', () => {
  test('synth returns the objects of a chart when they are valid', () => {
    const chart = Testing.chart();
    deployment(chart, 'web', restrictedPod);
    const objects = PlatformTesting.synth(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/web']);
  });

  test('synth of an App and of a PlatformApp (laid out as its GitOps output says)', () => {
    const app = new App();
    deployment(new Chart(app, 'a'), 'web', restrictedPod);
    deployment(new Chart(app, 'b'), 'api', restrictedPod);
    expect(PlatformTesting.synth(app).map(o => o.metadata.name)).toEqual(['web', 'api']);
    const papp = new PlatformApp({ gitOps: GitOpsOutput.argoCdSyncWaves() });
    deployment(new Chart(papp, 'a'), 'web', restrictedPod);
    expect(PlatformTesting.synth(papp)[0].metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '2' });
  });

  test('pods below restricted are problems, naming object, path, container and rule', () => {
    const chart = Testing.chart();
    deployment(chart, 'root', {
      hostNetwork: true,
      volumes: [{ name: 'host', hostPath: { path: '/var/run' } }],
      containers: [{ name: 'main', image: 'busybox:1.37', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }],
    });
    const objects = Testing.synth(chart);
    expect(PlatformTesting.problems(objects)).toEqual([
      'Deployment team/root /spec/template/spec: hostNetwork=true (restricted)',
      'Deployment team/root /spec/template/spec: hostPath volume "host" (restricted)',
      'Deployment team/root /spec/template/spec: container "main": privileged (restricted)',
      'Deployment team/root /spec/template/spec: container "main": adds capability SYS_ADMIN (restricted)',
      'Deployment team/root /spec/template/spec: container "main": allowPrivilegeEscalation != false (restricted)',
      'Deployment team/root /spec/template/spec: container "main": capabilities.drop does not include ALL (restricted)',
      'Deployment team/root /spec/template/spec: container "main": adds capability SYS_ADMIN (restricted)',
      'Deployment team/root /spec/template/spec: container "main": runAsNonRoot != true (restricted)',
      'Deployment team/root /spec/template/spec: container "main": seccompProfile must be RuntimeDefault or Localhost (restricted)',
    ]);
    expect(() => PlatformTesting.validate(objects)).toThrow(/^9 problem\(s\) in the synthesized objects:\n {2}Deployment team\/root/);
    expect(PlatformTesting.problems(objects, { podSecurity: false })).toEqual([]);
  });

  test('an explicit opt-out is checked at its level: baseline still forbids privileged, privileged is not checked', () => {
    const chart = Testing.chart();
    const loose = { containers: [{ name: 'main', image: 'busybox:1.37' }] };
    deployment(chart, 'baseline-ok', loose, { 'ai-platform.cdk8s.io/pod-security': 'baseline' });
    deployment(chart, 'baseline-bad', { containers: [{ name: 'main', image: 'busybox:1.37', securityContext: { privileged: true } }] },
      { 'ai-platform.cdk8s.io/pod-security': 'baseline' });
    deployment(chart, 'privileged', { hostPID: true, containers: [{ name: 'main', image: 'busybox:1.37' }] }, { 'ai-platform.cdk8s.io/pod-security': 'privileged' });
    expect(PlatformTesting.problems(Testing.synth(chart))).toEqual(['Deployment team/baseline-bad /spec/template/spec: container "main": privileged (baseline)']);
  });

  test('schema violations and kinds without a pinned schema are problems (unknown kinds can be allowed)', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'bad', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad' }, spec: { replicaz: 1 } });
    new ApiObject(chart, 'mine', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    const objects = Testing.synth(chart);
    const problems = PlatformTesting.problems(objects);
    expect(problems.some(p => /replicaz/.test(p))).toBe(true);
    expect(problems).toContain('example.com/v1 Widget w: no schema for example.com/v1 Widget in the pinned upstream versions (src/core/versions.ts)');
    expect(PlatformTesting.problems(objects, { allowUnknownKinds: true }).some(p => /Widget/.test(p))).toBe(false);
    expect(() => PlatformTesting.synth(chart)).toThrow(/problem\(s\) in the synthesized objects/);
  });

  test('snapshots: YAML documents headed by kind and name, nested keys sorted, CRD schemas as digests', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'team', name: 'settings' }, data: { z: '1', a: 'two\nlines\n' } },
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: { group: 'example.com', versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object' } } }] },
      },
    ];
    expect(PlatformTesting.toSnapshot(objects)).toEqual([
      '# ConfigMap team/settings',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: settings',
      '  namespace: team',
      'data:',
      '  a: |',
      '    two',
      '    lines',
      '  z: "1"',
      '---',
      '# CustomResourceDefinition widgets.example.com',
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: widgets.example.com',
      'spec:',
      '  group: example.com',
      '  versions:',
      '    - name: v1',
      '      schema:',
      // sha256 of '{"type":"object"}' (echo -n ... | sha256sum), first 16 hex digits
      '        openAPIV3Schema: <sha256 a2c799262a3ce3c1, 17 bytes>',
      '',
    ].join('\n'));
  });

  test('the jest serializer takes arrays of Kubernetes objects only', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    expect(serializer.test([cm])).toBe(true);
    expect(serializer.test([])).toBe(false);
    expect(serializer.test([{ kind: 'ConfigMap' }])).toBe(false);
    expect(serializer.test(cm)).toBe(false);
    expect(serializer.serialize([cm])).toBe(PlatformTesting.toSnapshot([cm]));
  });

  test('objectsOf picks the objects a construct emitted', () => {
    const chart = Testing.chart();
    const web = deployment(chart, 'web', restrictedPod);
    deployment(chart, 'api', restrictedPod);
    const objects = Testing.synth(chart);
    expect(PlatformTesting.objectsOf(web, objects).map(o => o.metadata.name)).toEqual(['web']);
  });

  test('RBAC objects are named by path segments (as kube-apiserver validates them)', () => {
    const role = (name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [] });
    expect(PlatformTesting.problems([role('cert-manager-webhook:subjectaccessreviews')])).toEqual([]);
    expect(PlatformTesting.problems([role('a/b')])).toEqual([
      "rbac.authorization.k8s.io/v1 ClusterRole a/b: /metadata/name: 'a/b' is not a valid name: may not be '.' or '..' nor contain '/' or '%'",
    ]);
  });
});
