import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, BatchQueue, ClusterTrainingRuntime, DistributedTraining, EnvVarValue, FineTuning, GpuInstances, GpuNodePool, MlPolicy,
  NetworkTopologyMode, PodGroupPolicy, ContainerProbe, QueueFlavors, ResourceQuota, StartupOrder, StorageAccessMode, TrainingBackend, TrainingRuntime,
  TrainingRuntimeBaseProps, TrainingRuntimeKind, TrainingRuntimeRef, PodVolume, ITrainingRuntime,
} from '../../src';
import { expectValidationError, synthValid } from '../util';

const IMAGE = 'ghcr.io/example/trainer:1.0.0';
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: false, runAsNonRoot: true };

function runtimeOf(objects: any[], kind = 'TrainingRuntime'): any {
  return objects.find(o => o.kind === kind);
}

function jobsOf(runtime: any): any[] {
  return runtime.spec.template.spec.replicatedJobs;
}

function build(props: Partial<TrainingRuntimeBaseProps> & { namespace?: string }): TrainingRuntime {
  return new TrainingRuntime(Testing.chart(), 'rt', { name: 'custom', trainer: { image: IMAGE }, ...props });
}

// ------------------------------------------------------------------------------------------------
// Rendering

test('a namespaced torch runtime with initializers: ancestor labels, dependsOn, shared /workspace claim, restricted pods', () => {
  const chart = Testing.chart();
  const rt = new TrainingRuntime(chart, 'rt', {
    name: 'llm-sft',
    namespace: 'ml',
    numNodes: 2,
    trainer: {
      image: IMAGE,
      command: ['torchrun', '/app/sft.py'],
      resources: { cpu: Cpu.units(8), memory: Size.gibibytes(64), accelerator: Accelerator.nvidia({ count: 4 }) },
    },
    datasetInitializer: { storageUri: 'hf://tatsu-lab/alpaca' },
    modelInitializer: { env: { HF_TOKEN: EnvVarValue.fromSecretKey('hf-token', 'token') } },
    workspace: { size: Size.gibibytes(100), accessModes: [StorageAccessMode.READ_WRITE_MANY], storageClassName: 'efs' },
    maxRestarts: 3,
  });
  expect(rt.runtimeKind).toBe(TrainingRuntimeKind.TRAINING_RUNTIME);
  expect(rt.runtimeNamespace).toBe('ml');
  expect(rt.replicatedJobNames).toEqual(['dataset-initializer', 'model-initializer', 'node']);
  const r = runtimeOf(synthValid(chart));
  expect(r.apiVersion).toBe('trainer.kubeflow.org/v1alpha1');
  expect(r.metadata).toEqual({ name: 'llm-sft', namespace: 'ml', labels: { 'trainer.kubeflow.org/framework': 'torch' } });
  expect(r.spec.mlPolicy).toEqual({ numNodes: 2, torch: {} });
  expect(r.spec.template.spec.failurePolicy).toEqual({ maxRestarts: 3 });
  expect(r.spec.template.spec.volumeClaimPolicies).toEqual([{
    templates: [{
      metadata: { name: 'initializer' },
      spec: { accessModes: ['ReadWriteMany'], storageClassName: 'efs', resources: { requests: { storage: '100Gi' } } },
    }],
  }]);
  const [ds, model, node] = jobsOf(r);
  expect(ds.replicas).toBe(1);
  expect(ds.template.metadata.labels).toEqual({ 'trainer.kubeflow.org/trainjob-ancestor-step': 'dataset-initializer' });
  expect(model.template.metadata.labels).toEqual({ 'trainer.kubeflow.org/trainjob-ancestor-step': 'model-initializer' });
  expect(node.template.metadata.labels).toEqual({ 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' });
  expect(node.dependsOn).toEqual([{ name: 'dataset-initializer', status: 'Complete' }, { name: 'model-initializer', status: 'Complete' }]);
  const dsPod = ds.template.spec.template.spec;
  expect(dsPod.containers).toEqual([{
    name: 'dataset-initializer',
    image: 'ghcr.io/kubeflow/trainer/dataset-initializer:v2.3.0',
    env: [{ name: 'HF_HOME', value: '/workspace/.cache/huggingface' }, { name: 'STORAGE_URI', value: 'hf://tatsu-lab/alpaca' }],
    volumeMounts: [{ name: 'initializer', mountPath: '/workspace' }],
    securityContext: RESTRICTED_CONTAINER,
  }]);
  // JobSet adds the claim's volume itself; a pod volume of the same name is rejected
  expect(dsPod.volumes).toBeUndefined();
  const modelEnv = model.template.spec.template.spec.containers[0].env;
  expect(modelEnv).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
  expect(model.template.spec.template.spec.containers[0].image).toBe('ghcr.io/kubeflow/trainer/model-initializer:v2.3.0');
  const pod = node.template.spec.template.spec;
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.containers[0].name).toBe('node');
  expect(pod.containers[0].command).toEqual(['torchrun', '/app/sft.py']);
  expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
  expect(pod.containers[0].volumeMounts).toEqual([{ name: 'initializer', mountPath: '/workspace' }, { name: 'dshm', mountPath: '/dev/shm' }]);
  expect(pod.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
});

test('a ClusterTrainingRuntime with MPI: node (sshd) and launcher jobs as the upstream DeepSpeed runtime, no namespace', () => {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'ml' });
  const rt = new ClusterTrainingRuntime(chart, 'rt', {
    name: 'deepspeed-restricted',
    frameworkLabel: 'deepspeed',
    mlPolicy: MlPolicy.mpi({ numProcPerNode: 4 }),
    trainer: {
      image: IMAGE,
      command: ['/usr/sbin/sshd'],
      args: ['-De', '-f', '/home/mpiuser/.sshd_config'],
      readiness: ContainerProbe.tcpSocket(2222, { initialDelay: Duration.seconds(5) }),
    },
    podGroupPolicy: PodGroupPolicy.volcano(),
  });
  expect(rt.runtimeNamespace).toBeUndefined();
  expect(rt.replicatedJobNames).toEqual(['node', 'launcher']);
  const r = runtimeOf(synthValid(chart), 'ClusterTrainingRuntime');
  expect(r.metadata).toEqual({ name: 'deepspeed-restricted', labels: { 'trainer.kubeflow.org/framework': 'deepspeed' } });
  expect(r.spec.mlPolicy).toEqual({
    numNodes: 1, mpi: { numProcPerNode: 4, mpiImplementation: 'OpenMPI', sshAuthMountPath: '/home/mpiuser/.ssh', runLauncherAsNode: true },
  });
  expect(r.spec.podGroupPolicy).toEqual({ volcano: {} });
  expect(r.spec.template.spec.network).toEqual({ publishNotReadyAddresses: true });
  expect(r.spec.template.spec.successPolicy).toEqual({ operator: 'All', targetReplicatedJobs: ['launcher'] });
  const [node, launcher] = jobsOf(r);
  expect(node.template.metadata).toBeUndefined();
  expect(node.template.spec.template.spec.containers[0].command).toEqual(['/usr/sbin/sshd']);
  expect(launcher.dependsOn).toEqual([{ name: 'node', status: 'Ready' }]);
  expect(launcher.template.metadata.labels).toEqual({ 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' });
  const lc = launcher.template.spec.template.spec.containers[0];
  expect([lc.name, lc.image, lc.command, lc.args, lc.readinessProbe]).toEqual(['node', IMAGE, undefined, undefined, undefined]);
});

test('JAX, XGBoost and Flux policies; coscheduling; in-order startup', () => {
  const chart = Testing.chart();
  new ClusterTrainingRuntime(chart, 'jax', { name: 'jax', mlPolicy: MlPolicy.jax(), trainer: { image: IMAGE } });
  new ClusterTrainingRuntime(chart, 'xgb', { name: 'xgb', mlPolicy: MlPolicy.xgBoost(), trainer: { image: IMAGE }, sharedMemory: false });
  new ClusterTrainingRuntime(chart, 'flux', {
    name: 'flux',
    mlPolicy: MlPolicy.flux({ numProcPerNode: 2 }),
    trainer: { image: IMAGE },
    startupOrder: StartupOrder.IN_ORDER,
    podGroupPolicy: PodGroupPolicy.coscheduling({ scheduleTimeout: Duration.minutes(2) }),
  });
  new ClusterTrainingRuntime(chart, 'topo', {
    name: 'topo', trainer: { image: IMAGE }, podGroupPolicy: PodGroupPolicy.volcano({ networkTopologyMode: NetworkTopologyMode.SOFT, highestTierAllowed: 2 }),
  });
  const objects = synthValid(chart);
  const byName = (n: string) => objects.find(o => o.metadata.name === n);
  expect(byName('jax').spec.mlPolicy).toEqual({ numNodes: 1, jax: {} });
  expect(byName('jax').metadata.labels).toEqual({ 'trainer.kubeflow.org/framework': 'jax' });
  expect(byName('xgb').spec.mlPolicy).toEqual({ numNodes: 1, xgboost: {} });
  expect(jobsOf(byName('xgb'))[0].template.spec.template.spec.volumes).toBeUndefined();
  expect(byName('flux').spec.mlPolicy).toEqual({ numNodes: 1, flux: { numProcPerNode: 2 } });
  expect(byName('flux').spec.podGroupPolicy).toEqual({ coscheduling: { scheduleTimeoutSeconds: 120 } });
  expect(byName('flux').spec.template.spec.startupPolicy).toEqual({ startupPolicyOrder: 'InOrder' });
  expect(byName('topo').spec.podGroupPolicy).toEqual({ volcano: { networkTopology: { mode: 'soft', highestTierAllowed: 2 } } });
});

test('torch envInjection targets extra containers of a job', () => {
  const chart = Testing.chart();
  new TrainingRuntime(chart, 'rt', {
    name: 'with-init',
    modelInitializer: {},
    mlPolicy: MlPolicy.torch({ envInjection: [{ jobName: 'model-initializer', containerNames: ['model-initializer'] }] }),
    trainer: { image: IMAGE },
  });
  const r = runtimeOf(synthValid(chart));
  expect(r.spec.mlPolicy.torch).toEqual({ envInjection: { targets: [{ jobName: 'model-initializer', containerNames: ['model-initializer'] }] } });
});

test('a GPU pool places the trainer pods; initializers stay off it', () => {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'c', role: 'r' } });
  new TrainingRuntime(chart, 'rt', {
    name: 'pooled', trainer: { image: IMAGE, resources: { accelerator: Accelerator.nvidia({ count: 1 }) } }, datasetInitializer: {}, pool,
  });
  const [ds, node] = jobsOf(runtimeOf(synthValid(chart)));
  expect(node.template.spec.template.spec.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'gpu' });
  expect(node.template.spec.template.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
  expect(ds.template.spec.template.spec.nodeSelector).toBeUndefined();
});

// ------------------------------------------------------------------------------------------------
// TrainJobs on runtimes of this app

test('a TrainJob references a namespaced runtime of its namespace by kind TrainingRuntime; patches reach its jobs', () => {
  const chart = Testing.chart();
  const rt = new TrainingRuntime(chart, 'rt', { name: 'llm-sft', namespace: 'ml', trainer: { image: IMAGE }, datasetInitializer: {} });
  new DistributedTraining(chart, 'train', {
    name: 'sft', namespace: 'ml', backend: TrainingBackend.trainerV2({ runtime: rt, datasetInitializer: { storageUri: 'hf://org/data' } }),
  });
  const objects = synthValid(chart);
  expect(objects.map(o => o.kind)).toEqual(['TrainingRuntime', 'TrainJob']);
  const job = objects[1];
  expect(job.spec.runtimeRef).toEqual({ name: 'llm-sft', apiGroup: 'trainer.kubeflow.org', kind: 'TrainingRuntime' });
  expect(job.spec.initializer).toEqual({ dataset: { storageUri: 'hf://org/data' } });
  const jobs = job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs;
  expect(jobs.map((j: any) => [j.name, j.template.spec.template.spec.containers.map((c: any) => c.name)])).toEqual([
    ['dataset-initializer', ['dataset-initializer']], ['node', ['node']],
  ]);
});

test('a TrainJob queued into the runtime\'s namespace; a ClusterTrainingRuntime serves every namespace (MPI launcher container is node)', () => {
  const chart = Testing.chart();
  const queue = new BatchQueue(chart, 'q', {
    name: 'cpu', resourceGroups: [{ flavors: [{ flavor: QueueFlavors.forNodes({ name: 'cpu', nodeLabels: { pool: 'cpu' } }), quotas: [ResourceQuota.cpu('8')] }] }],
  }).addLocalQueue('ml');
  const rt = new TrainingRuntime(chart, 'rt', { name: 'team', namespace: 'ml', trainer: { image: IMAGE } });
  new DistributedTraining(chart, 'queued', { name: 'queued', backend: TrainingBackend.trainerV2({ runtime: rt }), queue });
  const mpi = new ClusterTrainingRuntime(chart, 'mpi', { name: 'mpi', mlPolicy: MlPolicy.mpi(), trainer: { image: IMAGE } });
  new DistributedTraining(chart, 'other', { name: 'other', namespace: 'research', backend: TrainingBackend.trainerV2({ runtime: mpi }) });
  const objects = synthValid(chart);
  const queued = objects.find(o => o.metadata.name === 'queued');
  expect(queued.metadata.namespace).toBe('ml');
  const other = objects.find(o => o.metadata.name === 'other');
  expect(other.spec.runtimeRef).toEqual({ name: 'mpi', apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime' });
  const jobs = other.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs;
  expect(jobs.map((j: any) => [j.name, j.template.spec.template.spec.containers.map((c: any) => c.name)])).toEqual([['node', ['node']], ['launcher', ['node']]]);
});

// ------------------------------------------------------------------------------------------------
// Validation

test('error: a TrainJob in another namespace than its TrainingRuntime', () => {
  const chart = Testing.chart();
  const rt = new TrainingRuntime(chart, 'rt', { name: 'team', namespace: 'ml', trainer: { image: IMAGE } });
  expectValidationError(() => new DistributedTraining(chart, 'train', { name: 'x', namespace: 'other', backend: TrainingBackend.trainerV2({ runtime: rt }) }),
    /^\[test\/train\] backend\.runtime: 'team' is not valid; TrainingRuntime 'team' is in namespace 'ml' and serves only TrainJobs there; this TrainJob is in namespace 'other': put both in one namespace or use a ClusterTrainingRuntime$/);
  expectValidationError(() => new DistributedTraining(chart, 'unset', { name: 'y', backend: TrainingBackend.trainerV2({ runtime: rt }) }),
    /^\[test\/unset\] backend\.runtime: 'team' is not valid; TrainingRuntime 'team' is in namespace 'ml' and serves only TrainJobs there; this TrainJob is in the namespace it is applied to:/);
  expectValidationError(() => new FineTuning(chart, 'ft', {
    name: 'ft',
    namespace: 'other',
    backend: TrainingBackend.trainerV2({ runtime: rt }),
    model: { uri: 'hf://meta-llama/Llama-3.2-1B-Instruct' },
    dataset: { repoId: 'tatsu-lab/alpaca' },
  }), /^\[test\/ft\] backend\.runtime: 'team' is not valid; TrainingRuntime 'team' is in namespace 'ml'/);
});

test('error: Flux processes per node below 1 (CEL)', () => {
  expectValidationError(() => build({ mlPolicy: MlPolicy.flux({ numProcPerNode: 0 }) }),
    /^\[test\/rt\] mlPolicy\.flux\.numProcPerNode: 0 is not valid; NumProcPerNode in fluxPolicy must be >= 1$/);
});

test('error: envInjection naming the node container (CEL), an unknown job or container', () => {
  expectValidationError(() => build({ mlPolicy: MlPolicy.torch({ envInjection: [{ jobName: 'node', containerNames: ['node'] }] }) }),
    /^\[test\/rt\] mlPolicy\.torch\.envInjection\[0\]\.containerNames\[0\]: 'node' is not valid; containerNames must not include the main node container because PET_\* envs are always injected into it$/);
  expectValidationError(() => build({ mlPolicy: MlPolicy.torch({ envInjection: [{ jobName: 'launcher', containerNames: ['x'] }] }) }),
    /^\[test\/rt\] mlPolicy\.torch\.envInjection\[0\]\.jobName: 'launcher' is not valid; the runtime's replicated jobs are 'node'$/);
  expectValidationError(() => build({ mlPolicy: MlPolicy.torch({ envInjection: [{ jobName: 'node', containerNames: ['sidecar'] }] }) }),
    /^\[test\/rt\] mlPolicy\.torch\.envInjection\[0\]\.containerNames\[0\]: 'sidecar' is not valid; job 'node' has the containers 'node'$/);
});

test('error: in-order startup with dependsOn (CEL)', () => {
  expectValidationError(() => build({ startupOrder: StartupOrder.IN_ORDER, datasetInitializer: {} }),
    /^\[test\/rt\] startupOrder: 'InOrder' is not valid; StartupPolicy and DependsOn APIs are mutually exclusive: job 'node' depends on 'dataset-initializer' \(initializers, MPI launcher\); leave startupOrder unset$/);
  expectValidationError(() => build({ startupOrder: StartupOrder.IN_ORDER, mlPolicy: MlPolicy.mpi() }),
    /^\[test\/rt\] startupOrder: 'InOrder' is not valid; StartupPolicy and DependsOn APIs are mutually exclusive: job 'launcher' depends on 'node'/);
});

test('error: the trainer container must be node; workspace without initializers; a one-node claim for several nodes', () => {
  expectValidationError(() => build({ trainer: { name: 'pytorch', image: IMAGE } }),
    /^\[test\/rt\] trainer\.name: 'pytorch' is not valid; the trainer container is named 'node': Kubeflow Trainer puts the TrainJob's image, command and resources into it$/);
  expectValidationError(() => build({ workspace: {} }),
    /^\[test\/rt\] workspace: \{\} is not valid; the \/workspace claim is shared with initializers; add datasetInitializer or modelInitializer \(or mount a volume in trainer\)$/);
  expectValidationError(() => build({ numNodes: 2, modelInitializer: {} }),
    /^\[test\/rt\] workspace\.accessModes: \["ReadWriteOnce"\] is not valid; 2 nodes mount \/workspace from different machines; add StorageAccessMode\.READ_WRITE_MANY or READ_ONLY_MANY$/);
  expectValidationError(() => build({ modelInitializer: {}, trainer: { image: IMAGE, volumeMounts: [{ volume: PodVolume.fromEmptyDir('scratch'), path: '/workspace' }] } }),
    /^\[test\/rt\] trainer\.volumeMounts: '\/workspace' is not valid; with initializers, 'initializer' is mounted at \/workspace; use another name and path$/);
});

test('error: names, node counts, restarts, storage URIs, schedule timeout', () => {
  expectValidationError(() => build({ name: 'Custom' }), /^\[test\/rt\] name: 'Custom' is not valid; /);
  expectValidationError(() => build({ namespace: 'ML' }), /^\[test\/rt\] namespace: 'ML' is not valid; /);
  expectValidationError(() => build({ numNodes: 0 }), /^\[test\/rt\] numNodes: 0 is not valid; must be an integer from 1 to 2147483647$/);
  expectValidationError(() => build({ maxRestarts: -1 }), /^\[test\/rt\] maxRestarts: -1 is not valid; must be an integer from 0 to 2147483647$/);
  expectValidationError(() => build({ datasetInitializer: { storageUri: 'tatsu-lab/alpaca' } }),
    /^\[test\/rt\] datasetInitializer\.storageUri: 'tatsu-lab\/alpaca' is not valid; must be a URI such as 'hf:\/\/org\/name' or 's3:\/\/bucket\/prefix'$/);
  expectValidationError(() => build({ podGroupPolicy: PodGroupPolicy.coscheduling({ scheduleTimeout: Duration.millis(0) }) }),
    /^\[test\/rt\] podGroupPolicy\.coscheduling\.scheduleTimeout: 0 is not valid; must be an integer from 1 to 2147483647$/);
  expectValidationError(() => build({ podGroupPolicy: PodGroupPolicy.coscheduling({ scheduleTimeout: Duration.millis(1500) }) }),
    /^\[test\/rt\] podGroupPolicy\.coscheduling\.scheduleTimeout: '1500ms' is not valid; must be a whole number of seconds$/);
  expectValidationError(() => build({ mlPolicy: MlPolicy.mpi({ sshAuthMountPath: '.ssh' }) }),
    /^\[test\/rt\] mlPolicy\.mpi\.sshAuthMountPath: '\.ssh' is not valid; must be an absolute path of at most 4096 characters$/);
});

test('the runtime object is apiObject; pod labels and annotations reach every job\'s pods', () => {
  const rt = build({ podLabels: { team: 'ml' }, podAnnotations: { note: 'x' }, datasetInitializer: {}, mlPolicy: MlPolicy.mpi() });
  expect(rt.apiObject.kind).toBe('TrainingRuntime');
  const jobs = jobsOf(runtimeOf(synthValid(Chart.of(rt))));
  expect(jobs.map((j: any) => j.name)).toEqual(['dataset-initializer', 'node', 'launcher']);
  for (const j of jobs) expect(j.template.spec.template.metadata).toEqual({ labels: { team: 'ml' }, annotations: { note: 'x' } });
});

test('errors in the runtime\'s pods name the runtime\'s props', () => {
  expectValidationError(() => build({ trainer: { image: IMAGE, env: { WANDB_API_KEY: EnvVarValue.fromValue('k') } } }),
    /^\[test\/rt\] trainer\.env\.WANDB_API_KEY: 'WANDB_API_KEY=<literal>' is not valid; looks like a credential; reference it with EnvVarValue\.fromSecretKey\(secretName, key\) instead of inlining it$/);
  expectValidationError(() => build({ trainer: { image: IMAGE, resources: { accelerator: Accelerator.nvidia({ count: 0 }) } } }),
    /^\[test\/rt\] trainer\.resources\.accelerator\.count: 0 is not valid; must be an integer of at least 1$/);
  expectValidationError(() => build({ modelInitializer: { env: { HF_TOKEN: EnvVarValue.fromValue('hf_abc') } } }),
    /^\[test\/rt\] modelInitializer\.env\.HF_TOKEN: 'HF_TOKEN=<literal>' is not valid; looks like a credential/);
  expectValidationError(() => build({ datasetInitializer: { image: 'not an image' } }),
    "[test/rt] datasetInitializer.image: 'not an image' is not valid; must be an image reference such as 'registry.example.com/team/trainer:1.4.2' or 'repo/name@sha256:<digest>'");
  expectValidationError(() => build({ security: { runAsUser: 0 } }),
    /^\[test\/rt\] security\.runAsUser: 0 is not valid; the restricted Pod Security Standard forbids running as root \(uid 0\)$/);
  expectValidationError(() => build({ podLabels: { 'bad key': 'x' } }), "[test/rt] podLabels.bad key: 'bad key' is not valid; label keys are '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'");
});

test('an MPI runtime\'s launcher without the pool\'s accelerators names pool, whatever the declaration order', () => {
  const chart = Testing.chart();
  const gpuNode = { accelerator: Accelerator.nvidia({ count: 1 }) };
  new ClusterTrainingRuntime(chart, 'mpi', { name: 'mpi', mlPolicy: MlPolicy.mpi(), trainer: { image: IMAGE, resources: gpuNode } });
  new GpuNodePool(chart, 'gpu', { instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'c', role: 'r' } });
  expectValidationError(() => Testing.synth(chart),
    /^\[test\/mpi\] pool: undefined is not valid; the pods request 1 nvidia\.com\/gpu but are placed on no node pool; pass one of 'gpu'$/);
});

test('runtimes are ITrainingRuntime: constructs are passed as they are, references describe the shape they know', () => {
  const builtIn = TrainingRuntimeRef.builtIn('torchtune-llama3.2-1b');
  expect([builtIn.runtimeName, builtIn.runtimeKind, builtIn.runtimeNamespace, builtIn.frameworkLabel]).toEqual([
    'torchtune-llama3.2-1b', TrainingRuntimeKind.CLUSTER_TRAINING_RUNTIME, undefined, 'torchtune',
  ]);
  expect(builtIn.replicatedJobNames).toEqual(['dataset-initializer', 'model-initializer', 'node']);
  expect(TrainingRuntimeRef.namespacedRuntime('team').replicatedJobNames).toEqual(['node']);
  // any ITrainingRuntime, e.g. one described by another package: its jobs are patched as it declares them
  const described: ITrainingRuntime = {
    runtimeName: 'mpi-shared', runtimeKind: TrainingRuntimeKind.CLUSTER_TRAINING_RUNTIME, replicatedJobNames: ['node', 'launcher'], frameworkLabel: 'mpi',
  };
  const chart = Testing.chart();
  new DistributedTraining(chart, 'train', { name: 'x', backend: TrainingBackend.trainerV2({ runtime: described }) });
  const [job] = synthValid(chart);
  expect(job.spec.runtimeRef).toEqual({ name: 'mpi-shared', apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime' });
  expect(job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs.map((j: any) => j.name)).toEqual(['node', 'launcher']);
});
