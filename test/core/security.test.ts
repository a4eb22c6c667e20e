import { Testing } from 'cdk8s';
import { RestartPolicy } from 'cdk8s-plus-28';
import { ContainerSpec } from '../../src/core/container';
import { PodTemplate } from '../../src/core/pod-template';
import {
  POD_SECURITY_ANNOTATION, POD_SECURITY_REASON_ANNOTATION, PodSecurity, PodSecurityAnnotations, PodSecurityLevel, PodSecurityOptions,
} from '../../src/core/security';
import { expectValidationError, synthPodTemplate } from '../util';

const MAIN: ContainerSpec = { image: 'ghcr.io/example/app:1' };
const INIT: ContainerSpec = { image: 'ghcr.io/example/init:1' };

function pod(security?: PodSecurityOptions): PodTemplate {
  return new PodTemplate({ restartPolicy: RestartPolicy.NEVER, security, containers: [MAIN, { image: 'ghcr.io/example/sidecar:1' }], initContainers: [INIT] });
}

function fails(security: PodSecurityOptions, message: RegExp) {
  return expectValidationError(() => pod(security).toPodSpec(Testing.chart()), message);
}

const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: false,
  runAsNonRoot: true,
};

test('the annotation keys', () => {
  expect(POD_SECURITY_ANNOTATION).toBe('ai-platform.cdk8s.io/pod-security');
  expect(POD_SECURITY_REASON_ANNOTATION).toBe('ai-platform.cdk8s.io/pod-security-reason');
  // reachable from every language as static members
  expect(PodSecurityAnnotations.LEVEL).toBe(POD_SECURITY_ANNOTATION);
  expect(PodSecurityAnnotations.REASON).toBe(POD_SECURITY_REASON_ANNOTATION);
  expect(PodSecurityLevel.RESTRICTED).toBe('restricted');
  expect(PodSecurityLevel.BASELINE).toBe('baseline');
  expect(PodSecurityLevel.PRIVILEGED).toBe('privileged');
});

test('by default pods meet the restricted Pod Security Standard', () => {
  const t = pod();
  expect(t.securityLevel).toBe(PodSecurityLevel.RESTRICTED);
  expect(t.securityAnnotations).toEqual({});
  const { template, spec } = synthPodTemplate(t);
  expect(spec.securityContext).toEqual({
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    fsGroup: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(spec.containers).toHaveLength(2);
  expect(spec.initContainers).toHaveLength(1);
  for (const c of [...spec.containers, ...spec.initContainers]) {
    expect(c.securityContext).toEqual(RESTRICTED_CONTAINER);
  }
  expect(template.metadata).toBeUndefined();
});

test('user, group and fsGroup follow runAsUser unless given', () => {
  expect(synthPodTemplate(pod({ runAsUser: 65532 })).spec.securityContext).toEqual({
    runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(synthPodTemplate(pod({ runAsUser: 1001, runAsGroup: 2000 })).spec.securityContext).toEqual({
    runAsNonRoot: true, runAsUser: 1001, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(synthPodTemplate(pod({ runAsUser: 1001, runAsGroup: 2000, fsGroup: 3000 })).spec.securityContext).toEqual({
    runAsNonRoot: true, runAsUser: 1001, runAsGroup: 2000, fsGroup: 3000, seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(synthPodTemplate(pod({ runAsGroup: 0, fsGroup: 0 })).spec.securityContext).toEqual({
    runAsNonRoot: true, runAsUser: 1000, runAsGroup: 0, fsGroup: 0, seccompProfile: { type: 'RuntimeDefault' },
  });
});

test('readOnlyRootFilesystem applies to every container', () => {
  const { spec } = synthPodTemplate(pod({ readOnlyRootFilesystem: true }));
  for (const c of [...spec.containers, ...spec.initContainers]) {
    expect(c.securityContext).toEqual({ ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true });
  }
});

test('an explicit RESTRICTED level needs no reason and adds no annotations', () => {
  const t = pod({ level: PodSecurityLevel.RESTRICTED });
  expect(t.securityAnnotations).toEqual({});
  expect(synthPodTemplate(t).template.metadata).toBeUndefined();
});

test('opting out to BASELINE records the level and reason on the pod template', () => {
  const t = pod({ level: PodSecurityLevel.BASELINE, optOutReason: 'the vendor image runs as root' });
  expect(t.securityLevel).toBe(PodSecurityLevel.BASELINE);
  expect(t.securityAnnotations).toEqual({
    'ai-platform.cdk8s.io/pod-security': 'baseline',
    'ai-platform.cdk8s.io/pod-security-reason': 'the vendor image runs as root',
  });
  const { template, spec } = synthPodTemplate(t);
  expect(template.metadata.annotations).toEqual({
    'ai-platform.cdk8s.io/pod-security': 'baseline',
    'ai-platform.cdk8s.io/pod-security-reason': 'the vendor image runs as root',
  });
  // baseline still sets a numeric user and RuntimeDefault seccomp, but no longer forces non-root or drops capabilities
  expect(spec.securityContext).toEqual({
    runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' },
  });
  for (const c of [...spec.containers, ...spec.initContainers]) {
    expect(c.securityContext).toEqual({ readOnlyRootFilesystem: false });
  }
});

test('BASELINE allows running as root', () => {
  const { spec } = synthPodTemplate(pod({ level: PodSecurityLevel.BASELINE, optOutReason: 'needs root', runAsUser: 0 }));
  expect(spec.securityContext).toEqual({ runAsUser: 0, runAsGroup: 0, fsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } });
  expect(spec.containers[0].securityContext).toEqual({ readOnlyRootFilesystem: false });
});

test('opting out to PRIVILEGED records the level and reason and sets no security contexts', () => {
  const t = pod({ level: PodSecurityLevel.PRIVILEGED, optOutReason: 'loads a kernel module' });
  const { template, spec } = synthPodTemplate(t);
  expect(template.metadata.annotations).toEqual({
    'ai-platform.cdk8s.io/pod-security': 'privileged',
    'ai-platform.cdk8s.io/pod-security-reason': 'loads a kernel module',
  });
  expect(spec.securityContext).toBeUndefined();
  for (const c of [...spec.containers, ...spec.initContainers]) {
    expect(c.securityContext).toBeUndefined();
  }
});

test('opt-out annotations are merged with the pod annotations', () => {
  const t = new PodTemplate({
    annotations: { 'example.com/owner': 'ml-team' },
    security: { level: PodSecurityLevel.BASELINE, optOutReason: 'hostPath-free but root' },
    containers: [MAIN],
  });
  expect(synthPodTemplate(t).template.metadata.annotations).toEqual({
    'example.com/owner': 'ml-team',
    'ai-platform.cdk8s.io/pod-security': 'baseline',
    'ai-platform.cdk8s.io/pod-security-reason': 'hostPath-free but root',
  });
});

test.each([PodSecurityLevel.BASELINE, PodSecurityLevel.PRIVILEGED])('opting out to %s without a reason is rejected', (level) => {
  fails({ level }, new RegExp(`^\\[test\\] podTemplate\\.security\\.optOutReason: undefined is not valid; an opt-out to the '${level}' Pod Security Standard must say why \\(set optOutReason\\)$`));
  fails({ level, optOutReason: '' }, new RegExp(`^\\[test\\] podTemplate\\.security\\.optOutReason: '' is not valid; an opt-out to the '${level}' Pod Security Standard must say why`));
  fails({ level, optOutReason: '   ' }, new RegExp(`^\\[test\\] podTemplate\\.security\\.optOutReason: '   ' is not valid; an opt-out to the '${level}' Pod Security Standard must say why`));
});

test('running as root under the restricted standard is rejected', () => {
  fails({ runAsUser: 0 },
    /^\[test\] podTemplate\.security\.runAsUser: 0 is not valid; the restricted Pod Security Standard forbids running as root \(uid 0\)$/);
  fails({ level: PodSecurityLevel.RESTRICTED, runAsUser: 0 },
    /^\[test\] podTemplate\.security\.runAsUser: 0 is not valid; the restricted Pod Security Standard forbids running as root \(uid 0\)$/);
});

test('user ids must be non-negative integers', () => {
  fails({ runAsUser: -1 }, /^\[test\] podTemplate\.security\.runAsUser: -1 is not valid; must be an integer from 0 to 2147483647$/);
  fails({ runAsUser: 1000.5 }, /^\[test\] podTemplate\.security\.runAsUser: 1000\.5 is not valid; must be an integer from 0 to 2147483647$/);
  fails({ level: PodSecurityLevel.BASELINE, optOutReason: 'r', runAsUser: -1 },
    /^\[test\] podTemplate\.security\.runAsUser: -1 is not valid; must be an integer from 0 to 2147483647$/);
});

test('group ids must be non-negative integers', () => {
  fails({ runAsGroup: -1 }, /^\[test\] podTemplate\.security\.runAsGroup: -1 is not valid; must be an integer from 0 to 2147483647$/);
  fails({ runAsGroup: 1.5 }, /^\[test\] podTemplate\.security\.runAsGroup: 1\.5 is not valid; must be an integer from 0 to 2147483647$/);
  fails({ fsGroup: -2 }, /^\[test\] podTemplate\.security\.fsGroup: -2 is not valid; must be an integer from 0 to 2147483647$/);
  fails({ fsGroup: 0.1 }, /^\[test\] podTemplate\.security\.fsGroup: 0\.1 is not valid; must be an integer from 0 to 2147483647$/);
});

test('the missing reason is reported before bad ids', () => {
  fails({ level: PodSecurityLevel.BASELINE, runAsUser: -1 }, /^\[test\] podTemplate\.security\.optOutReason: undefined is not valid/);
});

test('PodSecurity renders the same contexts as the pod template', () => {
  const s = new PodSecurity();
  expect(s.level).toBe(PodSecurityLevel.RESTRICTED);
  expect(() => s.validate(Testing.chart(), 'security')).not.toThrow();
  expect(s.podSecurityContext()).toEqual({
    runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(s.containerSecurityContext()).toEqual(RESTRICTED_CONTAINER);
  expect(s.annotations()).toEqual({});
  const p = new PodSecurity({ level: PodSecurityLevel.PRIVILEGED, optOutReason: 'device plugin' });
  expect(p.podSecurityContext()).toBeUndefined();
  expect(p.containerSecurityContext()).toBeUndefined();
  expect(p.annotations()).toEqual({ [POD_SECURITY_ANNOTATION]: 'privileged', [POD_SECURITY_REASON_ANNOTATION]: 'device plugin' });
  expectValidationError(() => new PodSecurity({ level: PodSecurityLevel.PRIVILEGED }).validate(Testing.chart(), 'spec.security'),
    /^\[test\] spec\.security\.optOutReason: undefined is not valid; an opt-out to the 'privileged' Pod Security Standard must say why/);
});
