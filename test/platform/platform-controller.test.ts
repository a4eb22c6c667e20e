import '../controller/assembly';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { AiPlatform, PlatformController, PlatformTesting } from '../../src';
import { platformKinds, renderResource } from '../../src/controller/render';
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
    'Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment', 'PodDisruptionBudget', 'Service',
  ]);
  const [deployment] = of('Deployment');
  expect(deployment.metadata.namespace).toBe('ai-platform-system');
  expect(deployment.spec.replicas).toBe(2);
  const pod = deployment.spec.template.spec;
  expect(pod.serviceAccountName).toBe('cdk8s-ai-platform-controller');
  expect(pod.containers[0].image).toBe(`ghcr.io/cdk8s-ai-platform/controller:${JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version}`);
  expect(pod.containers[0].command).toEqual(['cdk8s-ai-platform-controller']);
  expect(pod.containers[0].args).toEqual(['--leader-elect', '--concurrency=8', '--metrics-port=8080', '--resync-period=600']);
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
      // the controller never writes its resources' specs
      expect(allows('platform.ai.cdk8s.io/v1alpha1', k.kind, 'patch')).toBe(false);
    }
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
  expect(args).toEqual(['--leader-elect', '--concurrency=4', '--metrics-port=8080', '--resync-period=120', '--namespaces=ml-team,ml-serving']);
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
