import { Duration, Testing } from 'cdk8s';
import { ImagePullPolicy, Protocol, RestartPolicy } from 'cdk8s-plus-28';
import { ContainerSpec, isImageReference } from '../../src/core/container';
import { PodTemplate } from '../../src/core/pod-template';
import { ContainerProbe } from '../../src/core/probe';
import { expectValidationError, synthPodTemplate } from '../util';

const IMAGE = 'ghcr.io/example/trainer:1.4.2';

function pod(...containers: ContainerSpec[]): PodTemplate {
  return new PodTemplate({ restartPolicy: RestartPolicy.NEVER, containers });
}

function fails(container: Partial<ContainerSpec>, message: RegExp | string) {
  return expectValidationError(() => pod({ image: IMAGE, ...container }).toPodSpec(Testing.chart()), message);
}

test.each([
  'nginx',
  'nginx:1.27',
  'library/nginx:latest',
  'ghcr.io/example/trainer:1.4.2',
  'registry.example.com:5000/team/trainer:v1.4.2-rc.1',
  'localhost:5000/trainer',
  'localhost/trainer:dev',
  'nvcr.io/nvidia/pytorch:24.05-py3',
  'public.ecr.aws/neuron/pytorch-training-neuronx:2.1.2-neuronx-py310-sdk2.20.0-ubuntu20.04',
  'repo/name@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
  'repo/name:1.0@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
  'my_registry/a__b/c-d.e:tag_1',
  '[::1]:5000/trainer:1',
])('image reference %p is accepted', (image) => {
  expect(isImageReference(image)).toBe(true);
});

test.each([
  '',
  'NOT AN IMAGE',
  'Repo/Name:1',
  'repo/name:',
  'repo/name:-tag',
  'repo//name',
  'repo/name/',
  '/repo/name',
  'repo/name@sha256:abc',
  'repo/name@sha256',
  'repo/name:' + 't'.repeat(129),
  'repo/-name',
  'https://registry.example.com/repo:1',
])('image reference %p is rejected', (image) => {
  expect(isImageReference(image)).toBe(false);
});

test('image references longer than 4096 characters are rejected', () => {
  expect(isImageReference('a/'.repeat(2048) + 'b')).toBe(false);
  expect(isImageReference('a/'.repeat(2047) + 'b')).toBe(true);
});

test('a bad image reference is a validation error', () => {
  fails({ image: 'NOT AN IMAGE' },
    /^\[test\] podTemplate\.containers\[0\]\.image: 'NOT AN IMAGE' is not valid; must be an image reference such as 'registry\.example\.com\/team\/trainer:1\.4\.2' or 'repo\/name@sha256:<digest>'$/);
});

test('a bad image reference in an init container names the init container', () => {
  const t = new PodTemplate({ containers: [{ image: IMAGE }], initContainers: [{ image: IMAGE }, { image: 'Bad Image' }] });
  expectValidationError(() => t.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.initContainers\[1\]\.image: 'Bad Image' is not valid; must be an image reference/);
});

test.each(['Main', 'my_container', '-main', 'main-', 'a.b', 'x'.repeat(64), ''])('container name %p is rejected', (name) => {
  const escaped = name.replace(/\./g, '\\.');
  fails({ name }, new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.name: '${escaped}' is not valid; must be a DNS-1123 label: `
    + "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters$"));
});

test('a bad default container name is a validation error', () => {
  expectValidationError(() => pod({ image: IMAGE }).toPodSpec(Testing.chart(), 'Scorer'),
    /^\[test\] podTemplate\.containers\[0\]\.name: 'Scorer' is not valid; must be a DNS-1123 label/);
});

test.each([0, -1, 65536, 80.5])('port number %p is rejected', (number) => {
  fails({ ports: [{ number: 8080 }, { number }] },
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.ports\\[1\\]\\.number: ${String(number).replace('.', '\\.')} is not valid; must be an integer from 1 to 65535$`));
});

test.each(['HTTP', 'http_alt', '-http', 'http-', '8080', 'a-very-long-port-name', '', 'a--b', 'http--metrics'])('port name %p is rejected', (name) => {
  fails({ ports: [{ number: 8080, name }] },
    new RegExp(`^\\[test\\] podTemplate\\.containers\\[0\\]\\.ports\\[0\\]\\.name: '${name}' is not valid; `
      + 'port names are IANA service names: at most 15 lowercase letters, digits and single hyphens, with at least one letter$'));
});

test.each(['http', 'grpc', 'h2c', 'metrics-9090', 'a', 'x'.repeat(15), '8080-http'])('port name %p is accepted', (name) => {
  const { spec } = synthPodTemplate(pod({ image: IMAGE, ports: [{ number: 8080, name }] }));
  expect(spec.containers[0].ports).toEqual([{ containerPort: 8080, name }]);
});

test('ports render as containerPort with an optional name', () => {
  const { spec } = synthPodTemplate(pod({ image: IMAGE, ports: [{ number: 1 }, { number: 65535, name: 'max' }] }));
  expect(spec.containers[0].ports).toEqual([{ containerPort: 1 }, { containerPort: 65535, name: 'max' }]);
});

test('a port renders its protocol when given (TCP is the default and not written)', () => {
  const { spec } = synthPodTemplate(pod({
    image: IMAGE,
    ports: [{ number: 53, name: 'dns', protocol: Protocol.UDP }, { number: 53, name: 'dns-tcp', protocol: Protocol.TCP }, { number: 9000, protocol: Protocol.SCTP }],
  }));
  expect(spec.containers[0].ports).toEqual([
    { containerPort: 53, name: 'dns', protocol: 'UDP' },
    { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
    { containerPort: 9000, protocol: 'SCTP' },
  ]);
});

test('a port protocol outside the Protocol enum is rejected', () => {
  fails({ ports: [{ number: 8080, protocol: 'HTTP' as Protocol }] },
    "[test] podTemplate.containers[0].ports[0].protocol: 'HTTP' is not valid; must be one of Protocol: 'TCP', 'UDP', 'SCTP'");
});

test('a port number listed twice for one protocol is rejected (TCP by default)', () => {
  fails({ ports: [{ number: 8080, name: 'http' }, { number: 8080, name: 'alt', protocol: Protocol.TCP }] },
    '[test] podTemplate.containers[0].ports[1].number: 8080 is not valid; each port may be listed only once per protocol (TCP) in a container');
});

test('a port name used twice in a container is rejected', () => {
  fails({ ports: [{ number: 8080, name: 'http' }, { number: 8081, name: 'http' }] },
    "[test] podTemplate.containers[0].ports[1].name: 'http' is not valid; port names must be unique within a pod");
});

test('a port name used by two containers of a pod is rejected', () => {
  expectValidationError(() => pod({ image: IMAGE, ports: [{ number: 8080, name: 'http' }] }, { image: IMAGE, name: 'proxy', ports: [{ number: 9090, name: 'http' }] })
    .toPodSpec(Testing.chart()),
  "[test] podTemplate.containers[1].ports[0].name: 'http' is not valid; port names must be unique within a pod; container 'main' has a port of this name");
});

test('a port that is not a port object is rejected', () => {
  fails({ ports: [8080 as any] }, '[test] podTemplate.containers[0].ports[0]: 8080 is not valid; must be a port: { number, name?, protocol? }');
});

test('an image pull policy outside the ImagePullPolicy enum is rejected', () => {
  fails({ imagePullPolicy: 'Sometimes' as ImagePullPolicy },
    "[test] podTemplate.containers[0].imagePullPolicy: 'Sometimes' is not valid; must be one of ImagePullPolicy: 'Always', 'IfNotPresent', 'Never'");
});

test('a minimal container renders only what is set', () => {
  const { spec } = synthPodTemplate(pod({ image: IMAGE }));
  expect(Object.keys(spec.containers[0]).sort()).toEqual(['image', 'name', 'securityContext']);
  expect(spec.containers[0].name).toBe('main');
  expect(spec.containers[0].image).toBe(IMAGE);
});

test('command, args, working directory and pull policy render as given', () => {
  const { spec } = synthPodTemplate(pod({
    image: IMAGE,
    name: 'trainer',
    command: ['python', '-m', 'train'],
    args: ['--epochs', '3'],
    workingDir: '/workspace',
    imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
  }));
  const c = spec.containers[0];
  expect(c.name).toBe('trainer');
  expect(c.command).toEqual(['python', '-m', 'train']);
  expect(c.args).toEqual(['--epochs', '3']);
  expect(c.workingDir).toBe('/workspace');
  expect(c.imagePullPolicy).toBe('IfNotPresent');
  expect(ImagePullPolicy.ALWAYS).toBe('Always');
  expect(ImagePullPolicy.NEVER).toBe('Never');
});

test('containers without a name are called main (or the given default) and sidecar-<i>', () => {
  const t = pod({ image: IMAGE }, { image: 'ghcr.io/example/logger:1' }, { image: 'ghcr.io/example/proxy:1', name: 'proxy' });
  expect(synthPodTemplate(t).spec.containers.map((c: any) => c.name)).toEqual(['main', 'sidecar-1', 'proxy']);
  expect(synthPodTemplate(t, { defaultContainerName: 'scorer' }).spec.containers.map((c: any) => c.name)).toEqual(['scorer', 'sidecar-1', 'proxy']);
});

test('init containers without a name are called init-<i>', () => {
  const t = new PodTemplate({
    restartPolicy: RestartPolicy.NEVER,
    containers: [{ image: IMAGE }],
    initContainers: [{ image: 'ghcr.io/example/fetch:1' }, { image: 'ghcr.io/example/warm:1', name: 'warm' }, { image: 'ghcr.io/example/x:1' }],
  });
  expect(synthPodTemplate(t).spec.initContainers.map((c: any) => c.name)).toEqual(['init-0', 'warm', 'init-2']);
});

test('probes render on the container', () => {
  const { spec } = synthPodTemplate(pod({
    image: IMAGE,
    readiness: ContainerProbe.httpGet('/ready', { period: Duration.seconds(5) }),
    liveness: ContainerProbe.tcpSocket(8080),
    startup: ContainerProbe.exec(['cat', '/tmp/started'], { failureThreshold: 30 }),
  }));
  const c = spec.containers[0];
  expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 });
  expect(c.livenessProbe).toEqual({ tcpSocket: { port: 8080 } });
  expect(c.startupProbe).toEqual({ exec: { command: ['cat', '/tmp/started'] }, failureThreshold: 30 });
});
