import { Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  ArgoWorkflowsInstall, DistributedTraining, HyperparameterExperiment, InferenceService, KServeConfig, MetricsCollector, MLPipeline, ModelFormat,
  Objective, PlatformNamespace, PodSecurityLevel, Predictor, SearchAlgorithm, SearchParameter, StorageUri, TrialTemplate,
  TrainingBackend, TrainingFramework, TrainingOperatorInstall,
} from '../../src';

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

describe('PlatformNamespace: containers Argo Workflows injects', () => {
  const pipeline = (chart: Chart) => {
    const p = new MLPipeline(chart, 'etl', { name: 'etl', namespace: 'ml-team' });
    p.addTask('step', p.addContainer('step', { container: { image: 'ghcr.io/example/etl:1.0.0' } }));
    return p;
  };

  test('without the app\'s install (or with restrictedExecutor: false) the executor containers have no security context: baseline', () => {
    const chart = Testing.chart();
    const ns = new PlatformNamespace(chart, 'ml-team');
    pipeline(chart);
    expect(ns.podSecurity.requirements).toEqual([{
      level: PodSecurityLevel.BASELINE,
      reason: "Workflow 'etl' (Argo Workflows adds its init and wait executor containers without a security context to every workflow pod; "
        + 'an ArgoWorkflowsInstall in the app gives them one unless restrictedExecutor is false)',
    }]);
    const off = Testing.chart();
    const offNs = new PlatformNamespace(off, 'ml-team');
    new ArgoWorkflowsInstall(off, 'argo', { restrictedExecutor: false });
    pipeline(off);
    expect(offNs.podSecurity.enforce).toBe(PodSecurityLevel.BASELINE);
  });

  test('the app\'s ArgoWorkflowsInstall gives the executor a restricted security context (its default): restricted', () => {
    const chart = Testing.chart();
    const ns = new PlatformNamespace(chart, 'ml-team');
    const install = new ArgoWorkflowsInstall(chart, 'argo');
    expect(install.restrictedExecutor).toBe(true);
    pipeline(chart);
    expect(ns.podSecurity).toEqual({ enforce: PodSecurityLevel.RESTRICTED, requirements: [] });
  });
});

describe('PlatformNamespace: containers KServe injects', () => {
  test('an InferenceService served from an OCI image (modelcar) is baseline, with the reason; an s3:// model or modelcars off keeps restricted', () => {
    const serve = (chart: Chart) => new InferenceService(chart, 'llm', {
      name: 'llm',
      namespace: 'ml-serving',
      predictor: Predictor.model({ format: ModelFormat.huggingface(), storageUri: StorageUri.oci('registry.example.com/models/llm:1.0') }),
    });
    const chart = Testing.chart();
    const ns = new PlatformNamespace(chart, 'ml-serving');
    serve(chart);
    expect(ns.podSecurity.requirements).toEqual([{
      level: PodSecurityLevel.BASELINE,
      reason: "InferenceService 'llm' (KServe v0.20.0 injects the modelcar containers for its oci:// model with a security context that sets only "
        + 'runAsUser, which no KServe setting changes)',
    }]);
    const s3 = Testing.chart();
    const s3Ns = new PlatformNamespace(s3, 'ml-serving');
    new InferenceService(s3, 'llm', {
      name: 'llm',
      namespace: 'ml-serving',
      predictor: Predictor.model({ format: ModelFormat.huggingface(), storageUri: StorageUri.s3('models', 'llm') }),
    });
    expect(s3Ns.podSecurity.enforce).toBe(PodSecurityLevel.RESTRICTED);
    const off = Testing.chart();
    const offNs = new PlatformNamespace(off, 'ml-serving');
    new KServeConfig(off, 'kserve', { enableModelcar: false });
    serve(off);
    expect(offNs.podSecurity.enforce).toBe(PodSecurityLevel.RESTRICTED);
  });
});

describe('PlatformNamespace: Katib\'s metrics collector injection', () => {
  const experiment = (chart: Chart, collector: MetricsCollector) => {
    const lr = SearchParameter.double('lr', { min: 0.01, max: 0.05 });
    new HyperparameterExperiment(chart, 'exp', {
      name: 'mnist',
      namespace: 'ml-team',
      objective: Objective.maximize('accuracy'),
      algorithm: SearchAlgorithm.random(),
      parameters: [lr],
      metricsCollector: collector,
      trial: TrialTemplate.batchJob({ containers: [{ image: 'docker.io/kubeflowkatib/mxnet-mnist:v1beta1-45c5727', args: [`--lr=${lr.placeholder}`] }] }),
    });
  };
  const labels = (chart: Chart) => Testing.synth(chart).find(o => o.kind === 'Namespace').metadata.labels;

  test('an experiment whose collector Katib injects labels the namespace for the injection (Katib\'s webhook refuses it otherwise)', () => {
    const chart = Testing.chart();
    new PlatformNamespace(chart, 'ml-team');
    experiment(chart, MetricsCollector.stdOut());
    expect(labels(chart)['katib.kubeflow.org/metrics-collector-injection']).toBe('enabled');
  });

  test('the Push collector needs no injection: no label', () => {
    const chart = Testing.chart();
    new PlatformNamespace(chart, 'ml-team');
    experiment(chart, MetricsCollector.push());
    expect(labels(chart)['katib.kubeflow.org/metrics-collector-injection']).toBeUndefined();
  });
});
