import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { TrainingOperatorInstall } from '../../src';

const synth = (props = {}) => {
  const chart = new Chart(Testing.app(), 'test');
  const install = new TrainingOperatorInstall(chart, 'op', props);
  return { install, objects: Testing.synth(chart) };
};

describe('TrainingOperatorInstall restrictedInitContainers', () => {
  test('by default the operator reads a restricted init-pytorch template from a mounted ConfigMap', () => {
    const { install, objects } = synth();
    expect(install.restrictedInitContainers).toBe(true);
    const cm = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'training-operator-pytorch-init-container');
    // a Go template: rendered by the operator with the init image, the number of tries and the master's address
    const text: string = cm.data['initContainer.yaml'];
    expect(text).toContain('image: {{.InitContainerImage}}');
    const rendered = text.replace('{{.InitContainerImage}}', 'alpine:3.10').replace('{{.MaxTries}}', '100').replace('{{.MasterAddr}}', 'job-master-0');
    const [container] = YAML.parse(rendered);
    expect(container.name).toBe('init-pytorch');
    expect(container.image).toBe('alpine:3.10');
    expect(container.command[2]).toContain('for i in $(seq 100); do if nslookup job-master-0;');
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' },
    });
    const deployment = objects.find(o => o.kind === 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'pytorch-init-container', configMap: { name: 'training-operator-pytorch-init-container' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'pytorch-init-container', mountPath: '/etc/config', readOnly: true });
    expect(pod.containers[0].args).toEqual(['--pytorch-init-container-template-file=/etc/config/initContainer.yaml']);
  });

  test('false keeps upstream\'s install (the operator\'s built-in template, without a security context)', () => {
    const { install, objects } = synth({ restrictedInitContainers: false });
    expect(install.restrictedInitContainers).toBe(false);
    expect(objects.filter(o => o.kind === 'ConfigMap')).toEqual([]);
    const pod = objects.find(o => o.kind === 'Deployment').spec.template.spec;
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['cert']);
    expect(pod.containers[0].args).toBeUndefined();
  });
});
