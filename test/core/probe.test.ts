import { Duration, Testing } from 'cdk8s';
import { RestartPolicy } from 'cdk8s-plus-28';
import { PodTemplate } from '../../src/core/pod-template';
import { ContainerProbe } from '../../src/core/probe';
import { expectValidationError, synthPodTemplate } from '../util';

/** Renders `probe` as the readiness probe of a Deployment's only container (schema-validated). */
function renderProbe(probe: ContainerProbe): any {
  const t = new PodTemplate({ restartPolicy: RestartPolicy.ALWAYS, containers: [{ image: 'ghcr.io/example/server:1', readiness: probe }] });
  return synthPodTemplate(t, { kind: 'Deployment' }).spec.containers[0].readinessProbe;
}

test('httpGet probes default to port 8080 and set no timing', () => {
  expect(renderProbe(ContainerProbe.httpGet('/healthz'))).toEqual({ httpGet: { path: '/healthz', port: 8080 } });
});

test('httpGet probes take a port', () => {
  expect(renderProbe(ContainerProbe.httpGet('/v2/health/ready', { port: 9000 }))).toEqual({ httpGet: { path: '/v2/health/ready', port: 9000 } });
});

test('tcpSocket probes', () => {
  expect(renderProbe(ContainerProbe.tcpSocket(5432))).toEqual({ tcpSocket: { port: 5432 } });
});

test('grpc probes', () => {
  expect(renderProbe(ContainerProbe.grpc(8081))).toEqual({ grpc: { port: 8081 } });
});

test('exec probes', () => {
  expect(renderProbe(ContainerProbe.exec(['sh', '-c', 'test -f /tmp/ready']))).toEqual({ exec: { command: ['sh', '-c', 'test -f /tmp/ready'] } });
});

test('timing renders in seconds', () => {
  expect(renderProbe(ContainerProbe.httpGet('/ready', {
    port: 8080,
    initialDelay: Duration.minutes(2),
    period: Duration.seconds(5),
    timeout: Duration.seconds(3),
    failureThreshold: 6,
  }))).toEqual({
    httpGet: { path: '/ready', port: 8080 },
    initialDelaySeconds: 120,
    periodSeconds: 5,
    timeoutSeconds: 3,
    failureThreshold: 6,
  });
});

test('timing applies to every kind of probe', () => {
  const timing = { initialDelay: Duration.seconds(0), period: Duration.seconds(30), timeout: Duration.seconds(10), failureThreshold: 1 };
  const expected = { initialDelaySeconds: 0, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 1 };
  expect(renderProbe(ContainerProbe.tcpSocket(80, timing))).toEqual({ tcpSocket: { port: 80 }, ...expected });
  expect(renderProbe(ContainerProbe.grpc(80, timing))).toEqual({ grpc: { port: 80 }, ...expected });
  expect(renderProbe(ContainerProbe.exec(['true'], timing))).toEqual({ exec: { command: ['true'] }, ...expected });
});

test('readiness, liveness and startup probes render on their own fields', () => {
  const t = new PodTemplate({
    containers: [{
      image: 'ghcr.io/example/server:1',
      readiness: ContainerProbe.httpGet('/ready'),
      liveness: ContainerProbe.httpGet('/live', { initialDelay: Duration.seconds(30) }),
      startup: ContainerProbe.tcpSocket(8080, { period: Duration.seconds(10), failureThreshold: 60 }),
    }],
  });
  const c = synthPodTemplate(t, { kind: 'Deployment' }).spec.containers[0];
  expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8080 } });
  expect(c.livenessProbe).toEqual({ httpGet: { path: '/live', port: 8080 }, initialDelaySeconds: 30 });
  expect(c.startupProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 10, failureThreshold: 60 });
});

test('one probe can be shared by several containers', () => {
  const probe = ContainerProbe.httpGet('/healthz', { period: Duration.seconds(7) });
  const t = new PodTemplate({
    containers: [{ image: 'ghcr.io/example/a:1', liveness: probe }, { image: 'ghcr.io/example/b:1', liveness: probe }],
  });
  const containers = synthPodTemplate(t, { kind: 'Deployment' }).spec.containers;
  expect(containers[0].livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 7 });
  expect(containers[1].livenessProbe).toEqual(containers[0].livenessProbe);
});

test('probe timings must be whole seconds', () => {
  const t = new PodTemplate({ containers: [{ image: 'repo/app:1', readiness: ContainerProbe.httpGet('/ready', { period: Duration.millis(1500) }) }] });
  expectValidationError(() => t.toPodSpec(Testing.chart()),
    /^\[test\] podTemplate\.containers\[0\]\.readiness\.period: '1500ms' is not valid; must be a whole number of seconds$/);
});
