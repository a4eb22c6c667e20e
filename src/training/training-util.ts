import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RuntimeLayout, TrainingRuntimeKind, TrainingRuntimeRef } from './training-runtime-ref';
import { KueueIntegrations } from '../compute/kueue-integration';
import type { LocalQueue } from '../compute/local-queue';
import type { WorkloadPriorityClass } from '../compute/workload-priority-class';
import { Errors, invalid, ValidationError } from '../core/errors';
import { StatusContract, StatusSource } from '../core/status-contract';

/** API version of Training Operator v1 jobs. */
export const TRAINING_OPERATOR_API_VERSION = 'kubeflow.org/v1';
/** API version of Kubeflow Trainer v2 objects. */
export const TRAINER_API_VERSION = 'trainer.kubeflow.org/v1alpha1';
/** Manager recorded on the runtime patches this library writes. */
export const PATCH_MANAGER = 'ai-platform.cdk8s.io/training';

const RFC1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Both APIs require RFC 1035 labels as job names (v1 webhook, v2 CEL). */
export function checkJobName(scope: IConstruct, name: string): void {
  if (name.length > 63 || !RFC1035.test(name)) {
    invalid(scope, 'name', name, "training job names are RFC 1035 labels: lowercase letters, digits and '-', starting with a letter, at most 63 characters");
  }
}

/**
 * Submits a training job to a Kueue LocalQueue, first checking that Kueue manages the kind, so that the error
 * names the training construct and how to fix it.
 */
export function admitToQueue(
  scope: IConstruct, job: ApiObject, queue: LocalQueue | undefined, priorityClass: WorkloadPriorityClass | undefined,
): void {
  if (!queue) {
    if (priorityClass) invalid(scope, 'priorityClass', priorityClass.name, 'a Kueue WorkloadPriorityClass applies only to queued workloads; also set queue');
    return;
  }
  const integration = KueueIntegrations.forKind(job.apiVersion, job.kind);
  const enabled = queue.clusterQueue.integrations;
  if (integration === undefined || !enabled.includes(integration)) {
    const group = job.apiVersion.split('/')[0];
    invalid(scope, 'queue', queue.name, integration === undefined
      ? `Kueue has no integration for ${group}/${job.kind} (its MPIJob integration manages kubeflow.org/v2beta1 of the MPI operator); `
        + 'run without a queue or render with TrainingBackend.trainerV2()'
      : `Kueue manages ${group}/${job.kind} only when the integration '${integration}' is enabled (it is not by default); `
        + `enable it on ClusterQueue '${queue.clusterQueue.name}' (integrations) and in the Kueue configuration, or render with TrainingBackend.trainerV2()`);
  }
  queue.admit(job, priorityClass);
}

/**
 * The status contract of a training job: v1 jobs succeed with condition `Succeeded`, TrainJobs with `Complete`;
 * both fail with `Failed`, whose message says why.
 */
export function trainingStatusContract(v1: boolean, kind: string): StatusContract {
  return {
    apiVersion: v1 ? TRAINING_OPERATOR_API_VERSION : TRAINER_API_VERSION,
    kind,
    source: StatusSource.CONDITIONS,
    path: '.status.conditions',
    succeeded: [v1 ? 'Succeeded' : 'Complete'],
    failed: ['Failed'],
    messagePath: '.status.conditions[?(@.type=="Failed")].message',
    completes: true,
  };
}

/**
 * The same validation error reported on `scope` with its field renamed: a construct that composes another
 * (FineTuning a DistributedTraining) names its own path and the props its user wrote. Other errors pass unchanged.
 */
export function reportAs(error: unknown, scope: IConstruct, rename: (field: string) => string): unknown {
  if (!Errors.isValidationError(error)) return error;
  const e = error as ValidationError;
  const out = new ValidationError(scope, rename(e.field), undefined, e.accepted);
  const message = `[${out.constructPath}] ${out.field}: ${e.value} is not valid; ${e.accepted}`;
  Object.assign(out, { value: e.value, message });
  Object.defineProperty(out, 'stack', { value: `ValidationError: ${message}\n${(e.stack ?? '').split('\n').slice(1).join('\n')}` });
  return out;
}

/** Replicated jobs of the Trainer's dataset and model initializers. */
const INITIALIZER_JOBS = ['dataset-initializer', 'model-initializer'];
/** Container fields a TrainJob's runtime patch may set. */
const PATCHABLE_CONTAINER_FIELDS = ['name', 'env', 'volumeMounts', 'securityContext'];
/** Pod fields a TrainJob's runtime patch may set (Kubeflow Trainer v2.3.0 `RuntimePatch`). */
const PATCHABLE_POD_FIELDS = [
  'affinity', 'containers', 'imagePullSecrets', 'initContainers', 'nodeSelector', 'schedulingGates', 'securityContext',
  'serviceAccountName', 'terminationGracePeriodSeconds', 'tolerations', 'volumes',
];

/**
 * Builds the TrainJob `runtimePatches` entry that carries a rendered pod template onto a runtime's replicated jobs:
 * pod-level security and service account on every job of the runtime, placement on all but the initializers,
 * which need no GPU node; container security on
 * every container; volume mounts on the trainer's `node` container; `jobEnv` on the `node` container of the jobs it names.
 */
export function runtimePatch(podTemplateSpec: any, layout: RuntimeLayout, trainerMounts: boolean, jobEnv: { [job: string]: any[] } = {}): any {
  const spec = podTemplateSpec.spec;
  const main = spec.containers[0];
  const securityContext = main.securityContext;
  const pod: any = {};
  for (const k of PATCHABLE_POD_FIELDS) {
    if (k !== 'containers' && k !== 'initContainers' && spec[k] !== undefined) pod[k] = spec[k];
  }
  const replicatedJobs = layout.jobs.map(job => {
    const containers = job.containers.map(name => {
      const c: any = { name, securityContext };
      if (trainerMounts && job.name === 'node' && name === 'node' && main.volumeMounts) c.volumeMounts = main.volumeMounts;
      // a role's env (DistributedTraining `roles`) on the job's trainer container
      if (name === 'node' && jobEnv[job.name]) c.env = jobEnv[job.name];
      return pick(c, PATCHABLE_CONTAINER_FIELDS);
    });
    const volumes = job.name === 'node' ? pod.volumes : undefined;
    // initializers download on CPU: the trainer's placement (GPU pool, do-not-disrupt) stays on the training jobs
    const initializer = INITIALIZER_JOBS.includes(job.name);
    const placement = initializer ? { affinity: undefined, nodeSelector: undefined, tolerations: undefined, schedulingGates: undefined } : {};
    return {
      name: job.name,
      template: {
        spec: {
          template: {
            metadata: initializer ? undefined : podTemplateSpec.metadata,
            spec: { ...pod, ...placement, volumes, containers },
          },
        },
      },
    };
  });
  return { manager: PATCH_MANAGER, trainingRuntimeSpec: { template: { spec: { replicatedJobs } } } };
}

function pick(o: any, keys: string[]): any {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => keys.includes(k) && v !== undefined));
}

/**
 * A TrainJob finds a namespaced TrainingRuntime only in its own namespace: a TrainJob referencing a runtime of
 * this app in another namespace would never start. `jobNamespace` is the TrainJob's effective namespace.
 */
export function checkRuntimeNamespace(scope: IConstruct, runtime: TrainingRuntimeRef, jobNamespace: string | undefined): void {
  const r = runtime._source;
  if (!r || runtime.runtimeKind !== TrainingRuntimeKind.TRAINING_RUNTIME || r.runtimeNamespace === jobNamespace) return;
  const show = (ns: string | undefined) => (ns === undefined ? 'the namespace it is applied to' : `namespace '${ns}'`);
  invalid(scope, 'backend.runtime', runtime.runtimeName, `TrainingRuntime '${runtime.runtimeName}' is in ${show(r.runtimeNamespace)} and serves only TrainJobs there; `
    + `this TrainJob is in ${show(jobNamespace)}: put both in one namespace or use a ClusterTrainingRuntime`);
}
