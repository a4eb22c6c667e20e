import { Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { DistributedTraining, PlatformNamespace, PodSecurityLevel, TrainingBackend, TrainingFramework, TrainingOperatorInstall } from '../../src';

/** What the operators inject into the pods they create counts in the namespace's computed Pod Security level. */
describe('PlatformNamespace: containers the Training Operator injects', () => {
  const pyTorchJob = (chart: Chart, workers: number) => new DistributedTraining(chart, 'ddp', {
    name: 'ddp',
    namespace: 'ml-team',
    backend: TrainingBackend.trainingOperatorV1(),
    framework: TrainingFramework.pyTorch(),
    image: 'ghcr.io/example/ddp:1.0.0',
    workers,
    resourcesPerWorker: { cpu: Cpu.units(4), memory: Size.gibibytes(8) },
  });

  test('PyTorchJob workers get init-pytorch without a security context from upstream\'s install: baseline, with the reason', () => {
    const chart = Testing.chart();
    const ns = new PlatformNamespace(chart, 'ml-team');
    pyTorchJob(chart, 2);
    expect(ns.podSecurity).toEqual({
      enforce: PodSecurityLevel.BASELINE,
      requirements: [{
        level: PodSecurityLevel.BASELINE,
        reason: "PyTorchJob 'ddp' (the Training Operator adds an init-pytorch init container without a security context to the workers; "
          + 'a TrainingOperatorInstall in the app gives it one unless restrictedInitContainers is false)',
      }],
    });
  });

  test('the app\'s TrainingOperatorInstall gives init-pytorch a restricted security context: restricted', () => {
    const chart = Testing.chart();
    const ns = new PlatformNamespace(chart, 'ml-team');
    new TrainingOperatorInstall(chart, 'training-operator');
    pyTorchJob(chart, 2);
    expect(ns.podSecurity).toEqual({ enforce: PodSecurityLevel.RESTRICTED, requirements: [] });
  });

  test('restrictedInitContainers: false keeps upstream\'s template: baseline', () => {
    const chart = Testing.chart();
    const ns = new PlatformNamespace(chart, 'ml-team');
    new TrainingOperatorInstall(chart, 'training-operator', { restrictedInitContainers: false });
    pyTorchJob(chart, 2);
    expect(ns.podSecurity.enforce).toBe(PodSecurityLevel.BASELINE);
  });

  test('a PyTorchJob with a master only gets no init container: restricted', () => {
    const chart = Testing.chart();
    const ns = new PlatformNamespace(chart, 'ml-team');
    pyTorchJob(chart, 1);
    expect(ns.podSecurity.enforce).toBe(PodSecurityLevel.RESTRICTED);
  });
});
