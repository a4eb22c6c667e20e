import { ApiObject, Chart, Size, Testing } from 'cdk8s';
import { Cpu, TaintEffect } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { byKey, changedObjects, installChart } from './helpers';
import { BatchQueue, ExistingGpuNodes, KueueIntegration, KueueIntegrations, MigStrategy, QueueFlavors, ResourceQuota } from '../../src/compute';
import { Accelerator, PodTemplate } from '../../src/core';
import { SparkApplicationType, SparkJob } from '../../src/data';
import {
  ArgoWorkflowsInstall, CertManagerInstall, FairSharingPreemptionStrategy, KarpenterInstall, KatibInstall, KatibTrialResource,
  KServeInstall, KueueInstall, NvidiaDevicePluginInstall, SparkOperatorInstall, TrainerInstall, TrainingOperatorInstall,
} from '../../src/operators';
import { DeploymentMode, InferenceService, KServeConfig, ModelFormat, Predictor, StorageUri } from '../../src/serving';
import { KatibConfig } from '../../src/tuning';
import { expectValidationError } from '../util';

const kueueConfig = (objs: Map<string, any>) =>
  YAML.parse(objs.get('ConfigMap/kueue-system/kueue-manager-config').data['controller_manager_config.yaml']);

describe('KueueInstall', () => {
  const declare = (s: any, p: any) => new KueueInstall(s, 'kueue', p);

  test('integrations and fair sharing change the manager configuration only', () => {
    expect(changedObjects(declare, { integrations: [KueueIntegration.BATCH_JOB, KueueIntegration.PYTORCH_JOB] }))
      .toEqual(['ConfigMap/kueue-system/kueue-manager-config']);
    expect(changedObjects(declare, { fairSharing: [FairSharingPreemptionStrategy.LESS_THAN_INITIAL_SHARE] }))
      .toEqual(['ConfigMap/kueue-system/kueue-manager-config']);
    const c = installChart();
    const install = declare(c, {
      integrations: [KueueIntegration.BATCH_JOB, KueueIntegration.PYTORCH_JOB],
      fairSharing: [FairSharingPreemptionStrategy.LESS_THAN_OR_EQUAL_TO_FINAL_SHARE],
    });
    const config = kueueConfig(byKey(c));
    expect(config.integrations.frameworks).toEqual(['batch/job', 'kubeflow.org/pytorchjob']);
    expect(config.fairSharing).toEqual({ preemptionStrategies: ['LessThanOrEqualToFinalShare'] });
    // the rest of the configuration is upstream's
    expect(config.webhook).toEqual({ port: 9443 });
    expect(install.integrations).toEqual([KueueIntegration.BATCH_JOB, KueueIntegration.PYTORCH_JOB]);
  });

  test('without settings, the integrations are upstream\'s defaults (those the library assumes without an install)', () => {
    const install = declare(installChart(), {});
    expect(install.integrations).toEqual(KueueIntegrations.defaults());
    expect(install.integrations).toContain(KueueIntegration.TRAINJOB);
    expect(install.integrations).not.toContain(KueueIntegration.PYTORCH_JOB);
    expect(install.fairSharing).toBeUndefined();
  });

  test('invalid settings', () => {
    expectValidationError(() => declare(installChart(), { integrations: [] }), '[test/kueue] integrations: [] is not valid; must name at least one Kueue integration');
    expectValidationError(() => declare(installChart(), { fairSharing: [] }), '[test/kueue] fairSharing: [] is not valid; must list at least one FairSharingPreemptionStrategy');
    expectValidationError(() => declare(installChart(), { integrations: [KueueIntegration.POD, KueueIntegration.POD] }),
      "[test/kueue] integrations: 'Pod, Pod' is not valid; must name each integration once");
  });
});

describe('Kueue queues read the installed integrations', () => {
  const quota = () => ({
    resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'default', nodeLabels: { 'node.kubernetes.io/instance-type': 'm5.large' } }), quotas: [ResourceQuota.cpu('8')] }] }],
  });
  const pytorch = (scope: Chart) => new ApiObject(scope, 'pt', { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'pt' } });

  test('a queue without its own integrations admits what the install enables, wherever the install is declared', () => {
    const chart = installChart();
    new KueueInstall(chart, 'kueue', { integrations: [KueueIntegration.BATCH_JOB, KueueIntegration.PYTORCH_JOB] });
    const queue = new BatchQueue(chart, 'queue', { name: 'gpu', ...quota() });
    expect(queue.integrations).toEqual([KueueIntegration.BATCH_JOB, KueueIntegration.PYTORCH_JOB]);
    queue.addLocalQueue('ml').admit(pytorch(chart));
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('a workload admitted before the install is declared is checked against the install at synth', () => {
    const chart = installChart();
    const queue = new BatchQueue(chart, 'queue', { name: 'gpu', ...quota() });
    const job = new ApiObject(chart, 'job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' } });
    queue.addLocalQueue('ml').admit(new ApiObject(chart, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } }));
    queue.addLocalQueue('ml2', 'gpu').admit(job);
    new KueueInstall(chart, 'kueue', { integrations: [KueueIntegration.BATCH_JOB] });
    expectValidationError(() => Testing.synth(chart),
      "[test/queue/LocalQueue-ml-gpu] workload.kind: 'apps/Deployment' is not valid; Kueue integrations enabled for ClusterQueue 'gpu' manage batch/Job");
  });

  test('a queue\'s own integrations must be enabled in the install (checked at synth)', () => {
    const chart = installChart();
    new BatchQueue(chart, 'queue', { name: 'gpu', integrations: [KueueIntegration.BATCH_JOB, KueueIntegration.MPI_JOB], ...quota() });
    new KueueInstall(chart, 'kueue', { integrations: [KueueIntegration.BATCH_JOB, KueueIntegration.PYTORCH_JOB] });
    expectValidationError(() => Testing.synth(chart),
      "[test/queue] integrations: 'kubeflow.org/MPIJob' is not valid; the Kueue installation 'test/kueue' does not enable it (it enables batch/Job, kubeflow.org/PyTorchJob); "
      + "enable it in the installation, or leave integrations unset to use the installation's");
  });

  test('an imported ClusterQueue uses the install\'s integrations too', () => {
    const chart = installChart();
    new KueueInstall(chart, 'kueue', { integrations: [KueueIntegration.PYTORCH_JOB] });
    expect(BatchQueue.fromClusterQueueName(chart, 'imported', 'platform').integrations).toEqual([KueueIntegration.PYTORCH_JOB]);
  });

  test('without an install, queues keep Kueue\'s defaults', () => {
    const chart = installChart();
    const queue = new BatchQueue(chart, 'queue', { name: 'gpu', ...quota() });
    expect(queue.integrations).not.toContain(KueueIntegration.PYTORCH_JOB);
    expect(queue.integrations).toContain(KueueIntegration.BATCH_JOB);
  });
});

describe('KServeInstall', () => {
  const declare = (s: any, p: any) => new KServeInstall(s, 'kserve', p);
  const config = (objs: Map<string, any>, key: string) => JSON.parse(objs.get('ConfigMap/kserve/inferenceservice-config').data[key]);

  test('deployment mode, modelcars, storage secret annotation change the configuration only; storage initializer resources also the default ClusterStorageContainer', () => {
    const cm = ['ConfigMap/kserve/inferenceservice-config'];
    expect(changedObjects(declare, { deploymentMode: DeploymentMode.STANDARD })).toEqual(cm);
    expect(changedObjects(declare, { enableModelcar: false })).toEqual(cm);
    expect(changedObjects(declare, { uidModelcar: 2000 })).toEqual(cm);
    expect(changedObjects(declare, { storageSecretNameAnnotation: 'serving.kserve.io/storageSecretName' })).toEqual(cm);
    expect(changedObjects(declare, { storageInitializerResources: { cpu: Cpu.millis(200), memory: Size.mebibytes(256) } }))
      .toEqual(['ClusterStorageContainer//default', ...cm]);
    const c = installChart();
    declare(c, {
      deploymentMode: DeploymentMode.STANDARD,
      enableModelcar: false,
      storageInitializerResources: { cpu: Cpu.millis(200), memory: Size.mebibytes(256) },
    });
    const objs = byKey(c);
    expect(config(objs, 'deploy')).toEqual({ defaultDeploymentMode: 'Standard' });
    expect(config(objs, 'storageInitializer')).toMatchObject({ enableModelcar: false, uidModelcar: 1010, cpuRequest: '200m', memoryRequest: '256Mi', memoryLimit: '256Mi' });
    expect(config(objs, 'storageInitializer').cpuLimit).toBeUndefined();
    expect(objs.get('ClusterStorageContainer//default').spec.container.resources).toEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '256Mi' } });
  });

  test('is the app\'s KServe configuration: KServeConfig.of finds it and InferenceServices are checked against it', () => {
    const chart = installChart();
    new InferenceService(chart, 'isvc', { name: 'llm', predictor: Predictor.model({ format: ModelFormat.huggingface(), storageUri: StorageUri.oci('registry.example.com/models/llama:1.0') }) });
    const install = declare(chart, { enableModelcar: false, deploymentMode: DeploymentMode.STANDARD });
    expect(KServeConfig.of(chart)).toBe(install.config);
    expect(install.config.defaultDeploymentMode).toBe(DeploymentMode.STANDARD);
    expect(install.config.storageSecretNameAnnotation).toBe('serving.kserve.io/secretName');
    expectValidationError(() => Testing.synth(chart),
      "[test/isvc] predictor.storageUri: 'oci://registry.example.com/models/llama:1.0' is not valid; modelcars are switched off in the KServe configuration (test/kserve/Config): "
      + 'set enableModelcar: true (storageInitializer.enableModelcar in inferenceservice-config) or store the model elsewhere');
  });

  test('without settings, the configuration is KServe\'s defaults; the chart names the storage secret with serving.kserve.io/secretName', () => {
    const installed = declare(installChart(), {}).config;
    expect([installed.enableModelcar, installed.uidModelcar, installed.defaultDeploymentMode])
      .toEqual([true, KServeConfig.DEFAULT_UID_MODELCAR, DeploymentMode.KNATIVE]);
    expect(installed.storageSecretNameAnnotation).toBe('serving.kserve.io/secretName');
  });

  test('cert-manager is a prerequisite; a second KServe configuration is an error', () => {
    const chart = installChart();
    const certManager = new CertManagerInstall(chart, 'cm');
    const install = declare(chart, { certManager });
    expect(install.prerequisites).toEqual([certManager]);
    expectValidationError(() => new KServeConfig(chart, 'other'),
      "[test/other] KServeConfig: 'test/kserve/Config' is not valid; an app targets one KServe installation; declare a single KServeConfig");
    expectValidationError(() => declare(installChart(), { certManager: new TrainingOperatorInstall(installChart(), 'to') }),
      "[test/kserve] certManager: 'test/to' is not valid; must be the CertManagerInstall of the app");
  });
});

describe('KatibInstall', () => {
  const declare = (s: any, p: any) => new KatibInstall(s, 'katib', p);
  const katibConfig = (objs: Map<string, any>) => YAML.parse(objs.get('ConfigMap/kubeflow/katib-config').data['katib-config.yaml']);

  test('trial resources change katib-config, and the controller\'s ClusterRole for kinds it has no rights on', () => {
    const withJax = [...KatibTrialResource.defaults(), KatibTrialResource.JAX_JOB];
    expect(changedObjects(declare, { trialResources: withJax })).toEqual(['ClusterRole//katib-controller', 'ConfigMap/kubeflow/katib-config']);
    expect(changedObjects(declare, { trialResources: [KatibTrialResource.JOB] })).toEqual(['ConfigMap/kubeflow/katib-config']);
    const c = installChart();
    declare(c, { trialResources: withJax });
    const objs = byKey(c);
    expect(katibConfig(objs).init.controller.trialResources).toEqual([
      'TrainJob.v1alpha1.trainer.kubeflow.org', 'Job.v1.batch', 'TFJob.v1.kubeflow.org', 'PyTorchJob.v1.kubeflow.org', 'MPIJob.v1.kubeflow.org',
      'XGBoostJob.v1.kubeflow.org', 'JAXJob.v1.kubeflow.org',
    ]);
    expect(objs.get('ClusterRole//katib-controller').rules.at(-1)).toEqual({ apiGroups: ['kubeflow.org'], resources: ['jaxjobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'] });
  });

  test('metrics collector resources change katib-config only', () => {
    expect(changedObjects(declare, { metricsCollectorResources: { memory: Size.mebibytes(128) } })).toEqual(['ConfigMap/kubeflow/katib-config']);
    const c = installChart();
    declare(c, { metricsCollectorResources: { cpu: Cpu.millis(100), memory: Size.mebibytes(128) } });
    for (const m of katibConfig(byKey(c)).runtime.metricsCollectors) {
      expect(m.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } });
    }
  });

  test('is the app\'s Katib configuration (KatibConfig.of, key \'katib-config\')', () => {
    const chart = installChart();
    const install = declare(chart, { trialResources: [KatibTrialResource.JOB, KatibTrialResource.custom({ kind: 'RayJob', version: 'v1', group: 'ray.io', plural: 'rayjobs' })] });
    const config = KatibConfig.of(chart)!;
    expect(config).toBe(install.config);
    expect(config.trialResources).toEqual(['Job.v1.batch', 'RayJob.v1.ray.io']);
    expect(config.watchesTrialKind('ray.io/v1', 'RayJob')).toBe(true);
    expect(config.watchesTrialKind('kubeflow.org/v1', 'PyTorchJob')).toBe(false);
    expect(config.suggestions).toEqual(KatibConfig.DEFAULT_SUGGESTIONS);
    expect(config.metricsCollectors).toEqual(['StdOut', 'File', 'TensorFlowEvent']);
    expect(config.earlyStoppings).toEqual(['medianstop']);
  });

  test('without settings, the configuration is the one the library assumes without an install', () => {
    const config = declare(installChart(), {}).config;
    expect(config.trialResources).toEqual(KatibConfig.DEFAULT_TRIAL_RESOURCES);
    expect(config.suggestions).toEqual(KatibConfig.DEFAULT_SUGGESTIONS);
    expect(config.metricsCollectors).toEqual(KatibConfig.DEFAULT_METRICS_COLLECTORS);
  });

  test('invalid trial resources', () => {
    expectValidationError(() => declare(installChart(), { trialResources: [] }), '[test/katib] trialResources: [] is not valid; must name at least one kind');
    expectValidationError(() => declare(installChart(), { trialResources: [KatibTrialResource.custom({ kind: 'RayJob', version: 'v1', group: 'ray.io', plural: 'RayJobs' })] }),
      "[test/katib] trialResources[0].plural: 'RayJobs' is not valid; must be a resource name such as rayjobs");
    expectValidationError(() => declare(installChart(), { trialResources: [KatibTrialResource.JOB, KatibTrialResource.JOB] }),
      "[test/katib] trialResources: 'Job.v1.batch, Job.v1.batch' is not valid; must name each kind once");
  });
});

describe('SparkOperatorInstall', () => {
  const declare = (s: any, p: any) => new SparkOperatorInstall(s, 'spark', p);
  const PI = {
    name: 'pi',
    type: SparkApplicationType.PYTHON,
    sparkVersion: '3.5.5',
    image: 'docker.io/apache/spark:3.5.5',
    mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
  };

  test('job namespaces change the per-namespace RBAC, the controller and webhook flags and the webhooks\' namespace selectors', () => {
    const perNamespace = (ns: string) => ['Role/NS/spark-operator-controller', 'Role/NS/spark-operator-spark', 'Role/NS/spark-operator-webhook',
      'RoleBinding/NS/spark-operator-controller', 'RoleBinding/NS/spark-operator-spark', 'RoleBinding/NS/spark-operator-webhook',
      'ServiceAccount/NS/spark-operator-spark'].map(k => k.replace('NS', ns));
    expect(changedObjects(declare, { jobNamespaces: ['etl', 'ml'] })).toEqual([
      'Deployment/spark-operator/spark-operator-controller', 'Deployment/spark-operator/spark-operator-webhook',
      'MutatingWebhookConfiguration//spark-operator-webhook',
      ...perNamespace('default'), ...perNamespace('etl'), ...perNamespace('ml'),
      'ValidatingWebhookConfiguration//spark-operator-webhook',
    ].sort());
    const c = installChart();
    declare(c, { jobNamespaces: ['etl', 'ml'] });
    const objs = byKey(c);
    expect(objs.get('Deployment/spark-operator/spark-operator-controller').spec.template.spec.containers[0].args).toContain('--namespaces=etl,ml');
    expect(objs.get('RoleBinding/ml/spark-operator-spark').subjects).toEqual([{ kind: 'ServiceAccount', name: 'spark-operator-spark', namespace: 'ml' }]);
    for (const hook of objs.get('MutatingWebhookConfiguration//spark-operator-webhook').webhooks) {
      expect(hook.namespaceSelector.matchExpressions).toEqual([{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['etl', 'ml'] }]);
    }
  });

  test('a Spark job outside the job namespaces is an error at synth, whatever the order', () => {
    const app = Testing.app();
    new SparkJob(new Chart(app, 'jobs', { namespace: 'analytics' }), 'job', PI);
    declare(new Chart(app, 'ops'), { jobNamespaces: ['etl'] });
    expectValidationError(() => app.synth(),
      "[jobs/job] namespace: 'analytics' is not valid; the Spark operator installed at 'ops/spark' runs SparkApplications only in etl; add it to jobNamespaces");
    const ok = Testing.app();
    declare(new Chart(ok, 'ops'), { jobNamespaces: ['etl'] });
    new SparkJob(new Chart(ok, 'jobs', { namespace: 'etl' }), 'job', PI);
    expect(() => ok.synth()).not.toThrow();
  });

  test('invalid job namespaces', () => {
    expectValidationError(() => declare(installChart(), { jobNamespaces: [] }), '[test/spark] jobNamespaces: [] is not valid; must name at least one namespace');
    expectValidationError(() => declare(installChart(), { jobNamespaces: ['ETL'] }),
      "[test/spark] jobNamespaces[0]: 'ETL' is not valid; must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
  });
});

describe('ArgoWorkflowsInstall', () => {
  const declare = (s: any, p: any) => new ArgoWorkflowsInstall(s, 'argo', p);
  const controllerArgs = (c: Chart) => byKey(c).get('Deployment/argo/workflow-controller').spec.template.spec.containers[0].args;

  test('the executor image is pinned (and mirrored with the other images)', () => {
    const c = installChart();
    declare(c, {});
    expect(controllerArgs(c)).toEqual(['--executor-image', 'quay.io/argoproj/argoexec:v4.1.4']);
    const m = installChart();
    const install = declare(m, { imageRegistry: 'mirror.example.com' });
    expect(controllerArgs(m)).toEqual(['--executor-image', 'mirror.example.com/argoproj/argoexec:v4.1.4']);
    expect(install.executorImage).toBe('mirror.example.com/argoproj/argoexec:v4.1.4');
  });

  const RESTRICTED_EXECUTOR = {
    runAsNonRoot: true, runAsUser: 8737, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
  };

  test('executor image, executor resources, parallelism and workflow namespaces change what they should', () => {
    expect(changedObjects(declare, { executorImage: 'registry.example.com/argoexec:v4.1.4' })).toEqual(['Deployment/argo/workflow-controller']);
    expect(changedObjects(declare, { parallelism: 20 })).toEqual(['ConfigMap/argo/workflow-controller-configmap']);
    expect(changedObjects(declare, { executorResources: { cpu: Cpu.millis(100), memory: Size.mebibytes(64) } })).toEqual(['ConfigMap/argo/workflow-controller-configmap']);
    expect(changedObjects(declare, { workflowNamespaces: ['pipelines'] })).toEqual(['Role/pipelines/argo-workflow', 'RoleBinding/pipelines/argo-workflow', 'ServiceAccount/pipelines/argo-workflow']);
    const c = installChart();
    declare(c, { parallelism: 20, executorResources: { cpu: Cpu.millis(100), memory: Size.mebibytes(64) }, workflowNamespaces: ['pipelines'] });
    const objs = byKey(c);
    expect(objs.get('ConfigMap/argo/workflow-controller-configmap').data.parallelism).toBe('20');
    expect(YAML.parse(objs.get('ConfigMap/argo/workflow-controller-configmap').data.executor)).toEqual({
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '64Mi' } },
      securityContext: RESTRICTED_EXECUTOR,
    });
    expect(objs.get('Role/pipelines/argo-workflow').rules).toEqual([{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }]);
  });

  test('the executor containers meet the restricted Pod Security Standard unless switched off', () => {
    const executorOf = (props: any) => {
      const c = installChart();
      declare(c, props);
      const data = byKey(c).get('ConfigMap/argo/workflow-controller-configmap').data ?? {};
      return data.executor === undefined ? undefined : YAML.parse(data.executor);
    };
    expect(executorOf({})).toEqual({ securityContext: RESTRICTED_EXECUTOR });
    expect(executorOf({ restrictedExecutor: false })).toBeUndefined();
    expect(changedObjects(declare, { restrictedExecutor: false })).toEqual(['ConfigMap/argo/workflow-controller-configmap']);
  });

  test('invalid settings', () => {
    expectValidationError(() => declare(installChart(), { parallelism: 0 }), '[test/argo] parallelism: 0 is not valid; must be an integer of at least 1');
    expectValidationError(() => declare(installChart(), { executorImage: 'Not An Image' }),
      "[test/argo] executorImage: 'Not An Image' is not valid; must be an image reference such as quay.io/argoproj/argoexec:v4.1.4");
  });
});

describe('KarpenterInstall', () => {
  const declare = (s: any, p: any) => new KarpenterInstall(s, 'karpenter', { clusterName: 'ml', ...p });

  test('cluster name, interruption queue and IRSA role', () => {
    expect(changedObjects(declare, { clusterName: 'other' })).toEqual(['Deployment/kube-system/karpenter']);
    expect(changedObjects(declare, { interruptionQueue: 'ml-interruptions' })).toEqual(['Deployment/kube-system/karpenter']);
    expect(changedObjects(declare, { serviceAccountRoleArn: 'arn:aws:iam::123456789012:role/karpenter' })).toEqual(['ServiceAccount/kube-system/karpenter']);
    const c = installChart();
    declare(c, { interruptionQueue: 'ml-interruptions', serviceAccountRoleArn: 'arn:aws:iam::123456789012:role/karpenter' });
    const objs = byKey(c);
    const env = objs.get('Deployment/kube-system/karpenter').spec.template.spec.containers[0].env;
    expect(env.filter((e: any) => ['CLUSTER_NAME', 'INTERRUPTION_QUEUE'].includes(e.name))).toEqual([
      { name: 'CLUSTER_NAME', value: 'ml' }, { name: 'INTERRUPTION_QUEUE', value: 'ml-interruptions' },
    ]);
    expect(objs.get('ServiceAccount/kube-system/karpenter').metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/karpenter');
  });

  test('invalid settings', () => {
    expectValidationError(() => declare(installChart(), { clusterName: '' }),
      "[test/karpenter] clusterName: '' is not valid; must be an EKS cluster name (1-100 letters, digits, - and _, starting with a letter or digit)");
    expectValidationError(() => declare(installChart(), { serviceAccountRoleArn: 'karpenter' }),
      "[test/karpenter] serviceAccountRoleArn: 'karpenter' is not valid; must be an IAM role ARN such as arn:aws:iam::123456789012:role/karpenter");
  });
});

test('TrainerInstall: builtInRuntimes false leaves out the ClusterTrainingRuntimes only', () => {
  const changed = changedObjects((s, p) => new TrainerInstall(s, 'trainer', p), { builtInRuntimes: false });
  expect(changed.length).toBe(8);
  expect(changed.every(k => k.startsWith('ClusterTrainingRuntime//'))).toBe(true);
  expect(changed).toContain('ClusterTrainingRuntime//torch-distributed');
});

describe('NvidiaDevicePluginInstall', () => {
  const declare = (s: any, p: any) => new NvidiaDevicePluginInstall(s, 'dp', p);
  const nodes = (scope: Construct) => new ExistingGpuNodes(scope, 'gpus', {
    nodeLabels: { 'node-role/gpu': 'a100' }, taints: [{ key: 'dedicated', value: 'gpu', effect: TaintEffect.NO_SCHEDULE }],
  });

  test('time slicing and MIG add the plugin configuration to the device plugin DaemonSet only', () => {
    expect(changedObjects(declare, { timeSlicingReplicas: 4 })).toEqual(['ConfigMap/nvidia-device-plugin/nvidia-device-plugin-config', 'DaemonSet/nvidia-device-plugin/nvidia-device-plugin']);
    expect(changedObjects(declare, { migStrategy: MigStrategy.MIXED })).toEqual(['ConfigMap/nvidia-device-plugin/nvidia-device-plugin-config', 'DaemonSet/nvidia-device-plugin/nvidia-device-plugin']);
    const c = installChart();
    declare(c, { timeSlicingReplicas: 4 });
    const objs = byKey(c);
    expect(JSON.parse(objs.get('ConfigMap/nvidia-device-plugin/nvidia-device-plugin-config').data['config.yaml']).sharing)
      .toEqual({ timeSlicing: { renameByDefault: true, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } });
    const container = objs.get('DaemonSet/nvidia-device-plugin/nvidia-device-plugin').spec.template.spec.containers[0];
    expect(container.env.at(-1)).toEqual({ name: 'CONFIG_FILE', value: '/config/config.yaml' });
  });

  test('pools: the DaemonSet selects and tolerates their nodes, and the pools advertise what the plugin offers', () => {
    const c = installChart();
    const pool = nodes(c);
    declare(c, { pools: [pool], timeSlicingReplicas: 2 });
    const pod = byKey(c).get('DaemonSet/nvidia-device-plugin/nvidia-device-plugin').spec.template.spec;
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms)
      .toEqual([{ matchExpressions: [{ key: 'node-role/gpu', operator: 'In', values: ['a100'] }] }]);
    expect(pod.tolerations).toContainEqual({ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' });
    // the pool now offers time-sliced GPUs only: a whole-GPU pod on it is an error
    const job = new PodTemplate({ containers: [{ name: 'main', image: 'repo/train:1', resources: { accelerator: Accelerator.nvidia() } }] });
    pool.place(c, job);
    expectValidationError(() => Testing.synth(c), /node pool 'gpus' offers 'nvidia\.com\/gpu\.shared'; place the workload on a pool that offers 'nvidia\.com\/gpu'$/);
    // without time slicing the same pod is fine
    const whole = installChart();
    const wholePool = nodes(whole);
    declare(whole, { pools: [wholePool] });
    wholePool.place(whole, new PodTemplate({ containers: [{ name: 'main', image: 'repo/train:1', resources: { accelerator: Accelerator.nvidia() } }] }));
    expect(() => Testing.synth(whole)).not.toThrow();
  });

  test('invalid settings', () => {
    expectValidationError(() => declare(installChart(), { timeSlicingReplicas: 0 }), '[test/dp] timeSlicingReplicas: 0 is not valid; must be an integer from 1 to 64');
  });
});
