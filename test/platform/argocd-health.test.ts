import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { buildPlatformApp } from '../../examples/platform/platform';
import { ArgoCdHealthChecks, ArgoCdHealthStatus, Dataset, PlatformApp, PlatformTesting, SparkJob } from '../../src';
import { argoCdHealthChecksDir } from '../../src/operators/render-cache';
import { expectValidationError } from '../util';
import { runHealthScript } from './lua';

const cond = (type: string, status: string, message?: string) => ({ type, status, ...(message ? { message } : {}) });
const withConditions = (...conditions: any[]) => ({ status: { conditions } });

interface Sample { readonly obj: any; readonly status: ArgoCdHealthStatus; readonly message: string }

/** For each kind: sample objects and the health Argo CD must report. */
const SAMPLES: Array<[string, string, Sample[]]> = [
  ['trainer.kubeflow.org/v1alpha1', 'TrainJob', [
    { obj: {}, status: ArgoCdHealthStatus.PROGRESSING, message: 'Waiting for the TrainJob status' },
    { obj: withConditions(cond('Suspended', 'False')), status: ArgoCdHealthStatus.PROGRESSING, message: 'Waiting for the TrainJob to be done' },
    { obj: withConditions(cond('Suspended', 'True', 'TrainJob is suspended')), status: ArgoCdHealthStatus.SUSPENDED, message: 'TrainJob is suspended' },
    { obj: withConditions(cond('Complete', 'True', 'TrainJob is completed')), status: ArgoCdHealthStatus.HEALTHY, message: 'TrainJob is completed' },
    { obj: withConditions(cond('Complete', 'False'), cond('Failed', 'True', 'trainer node failed')), status: ArgoCdHealthStatus.DEGRADED, message: 'trainer node failed' },
  ]],
  ...['PyTorchJob', 'TFJob', 'MPIJob', 'XGBoostJob', 'JAXJob', 'PaddleJob'].map((kind): [string, string, Sample[]] => ['kubeflow.org/v1', kind, [
    { obj: withConditions(cond('Created', 'True', 'created'), cond('Running', 'True', `${kind} is running`)), status: ArgoCdHealthStatus.PROGRESSING, message: `${kind} is running` },
    { obj: withConditions(cond('Running', 'False'), cond('Succeeded', 'True', `${kind} successfully completed`)), status: ArgoCdHealthStatus.HEALTHY, message: `${kind} successfully completed` },
    { obj: withConditions(cond('Restarting', 'True'), cond('Failed', 'True', 'backoff limit reached')), status: ArgoCdHealthStatus.DEGRADED, message: 'backoff limit reached' },
    { obj: withConditions(cond('Suspended', 'True')), status: ArgoCdHealthStatus.SUSPENDED, message: 'Suspended is True' },
  ]]),
  ['kubeflow.org/v1beta1', 'Experiment', [
    { obj: withConditions(cond('Created', 'True'), cond('Running', 'True', 'Experiment is running')), status: ArgoCdHealthStatus.PROGRESSING, message: 'Experiment is running' },
    { obj: withConditions(cond('Running', 'False'), cond('Succeeded', 'True', 'Experiment has succeeded because max trial count has reached')), status: ArgoCdHealthStatus.HEALTHY, message: 'Experiment has succeeded because max trial count has reached' },
    { obj: withConditions(cond('Failed', 'True', 'max failed trial count reached')), status: ArgoCdHealthStatus.DEGRADED, message: 'max failed trial count reached' },
  ]],
  ['jobset.x-k8s.io/v1alpha2', 'JobSet', [
    { obj: { status: { replicatedJobsStatus: [] } }, status: ArgoCdHealthStatus.PROGRESSING, message: 'Waiting for the JobSet status' },
    { obj: withConditions(cond('StartupPolicyCompleted', 'True', 'started')), status: ArgoCdHealthStatus.PROGRESSING, message: 'started' },
    { obj: withConditions(cond('Completed', 'True', 'jobset completed successfully')), status: ArgoCdHealthStatus.HEALTHY, message: 'jobset completed successfully' },
    { obj: withConditions(cond('Failed', 'True', 'jobset failed due to reaching max restarts')), status: ArgoCdHealthStatus.DEGRADED, message: 'jobset failed due to reaching max restarts' },
    { obj: withConditions(cond('Suspended', 'True', 'jobset is suspended')), status: ArgoCdHealthStatus.SUSPENDED, message: 'jobset is suspended' },
  ]],
  ...['ClusterQueue', 'LocalQueue'].map((kind): [string, string, Sample[]] => ['kueue.x-k8s.io/v1beta2', kind, [
    { obj: {}, status: ArgoCdHealthStatus.PROGRESSING, message: `Waiting for the ${kind} status` },
    { obj: withConditions(cond('Active', 'True', 'Can admit new workloads')), status: ArgoCdHealthStatus.HEALTHY, message: 'Can admit new workloads' },
    { obj: withConditions(cond('Active', 'False', "Can't admit new workloads: references missing ResourceFlavor(s): [a10g]")), status: ArgoCdHealthStatus.DEGRADED, message: "Can't admit new workloads: references missing ResourceFlavor(s): [a10g]" },
  ]]),
  ['kueue.x-k8s.io/v1beta2', 'Workload', [
    { obj: withConditions(cond('QuotaReserved', 'False', "couldn't assign flavors")), status: ArgoCdHealthStatus.PROGRESSING, message: 'Waiting for the Workload to be done' },
    { obj: withConditions(cond('QuotaReserved', 'True', 'Quota reserved in ClusterQueue gpu')), status: ArgoCdHealthStatus.PROGRESSING, message: 'Quota reserved in ClusterQueue gpu' },
    { obj: withConditions(cond('QuotaReserved', 'True'), cond('Admitted', 'True', 'The workload is admitted')), status: ArgoCdHealthStatus.HEALTHY, message: 'The workload is admitted' },
    { obj: withConditions({ ...cond('Finished', 'True', 'Job finished successfully'), reason: 'Succeeded' }), status: ArgoCdHealthStatus.HEALTHY, message: 'Job finished successfully' },
    { obj: withConditions({ ...cond('Finished', 'True', 'BackoffLimitExceeded'), reason: 'Failed' }), status: ArgoCdHealthStatus.DEGRADED, message: 'BackoffLimitExceeded' },
    { obj: withConditions({ ...cond('Evicted', 'True'), reason: 'Deactivated' }), status: ArgoCdHealthStatus.DEGRADED, message: 'Evicted (Deactivated)' },
  ]],
  ['kueue.x-k8s.io/v1beta2', 'ResourceFlavor', [
    { obj: {}, status: ArgoCdHealthStatus.HEALTHY, message: 'ResourceFlavor has no status to wait for' },
  ]],
  ['data.fluid.io/v1alpha1', 'Dataset', [
    { obj: {}, status: ArgoCdHealthStatus.PROGRESSING, message: 'Waiting for the Dataset status' },
    { obj: { status: { phase: 'NotBound' } }, status: ArgoCdHealthStatus.PROGRESSING, message: 'Dataset is NotBound' },
    { obj: { status: { phase: 'Bound' } }, status: ArgoCdHealthStatus.HEALTHY, message: 'Dataset is Bound' },
    { obj: { status: { phase: 'Failed' } }, status: ArgoCdHealthStatus.DEGRADED, message: 'Dataset is Failed' },
  ]],
  ['data.fluid.io/v1alpha1', 'DataLoad', [
    { obj: { status: { phase: 'Executing' } }, status: ArgoCdHealthStatus.PROGRESSING, message: 'DataLoad is Executing' },
    { obj: { status: { phase: 'Complete' } }, status: ArgoCdHealthStatus.HEALTHY, message: 'DataLoad is Complete' },
    { obj: { status: { phase: 'Failed' } }, status: ArgoCdHealthStatus.DEGRADED, message: 'DataLoad is Failed' },
  ]],
  ['sparkoperator.k8s.io/v1beta2', 'ScheduledSparkApplication', [
    { obj: { status: { scheduleState: 'Validating' } }, status: ArgoCdHealthStatus.PROGRESSING, message: 'ScheduledSparkApplication is Validating' },
    { obj: { status: { scheduleState: 'Scheduled', lastRunName: 'nightly-1' } }, status: ArgoCdHealthStatus.HEALTHY, message: 'ScheduledSparkApplication is Scheduled' },
    { obj: { status: { scheduleState: 'FailedValidation', reason: 'invalid cron expression' } }, status: ArgoCdHealthStatus.DEGRADED, message: 'invalid cron expression' },
  ]],
  ['serving.kserve.io/v1alpha1', 'InferenceGraph', [
    { obj: withConditions(cond('Ready', 'False', 'router not ready')), status: ArgoCdHealthStatus.PROGRESSING, message: 'Waiting for the InferenceGraph to be ready' },
    { obj: withConditions(cond('Ready', 'True')), status: ArgoCdHealthStatus.HEALTHY, message: 'Ready is True' },
  ]],
  ['argoproj.io/v1alpha1', 'EventSource', [
    { obj: withConditions(cond('SourcesProvided', 'True')), status: ArgoCdHealthStatus.PROGRESSING, message: 'SourcesProvided' },
    { obj: withConditions(cond('SourcesProvided', 'True'), cond('Deployed', 'True')), status: ArgoCdHealthStatus.HEALTHY, message: 'SourcesProvided, Deployed are True' },
    { obj: withConditions(cond('SourcesProvided', 'False', 'no event sources found')), status: ArgoCdHealthStatus.DEGRADED, message: 'no event sources found' },
  ]],
  ['argoproj.io/v1alpha1', 'Sensor', [
    { obj: withConditions(cond('DependenciesProvided', 'True'), cond('TriggersProvided', 'True')), status: ArgoCdHealthStatus.PROGRESSING, message: 'TriggersProvided' },
    { obj: withConditions(cond('DependenciesProvided', 'True'), cond('TriggersProvided', 'True'), cond('Deployed', 'True')), status: ArgoCdHealthStatus.HEALTHY, message: 'DependenciesProvided, TriggersProvided, Deployed are True' },
    { obj: withConditions(cond('Deployed', 'False', 'failed to deploy sensor')), status: ArgoCdHealthStatus.DEGRADED, message: 'failed to deploy sensor' },
  ]],
  ['argoproj.io/v1alpha1', 'WorkflowTemplate', [
    { obj: { spec: { templates: [] } }, status: ArgoCdHealthStatus.HEALTHY, message: 'WorkflowTemplate has no status to wait for' },
  ]],
];

describe('Argo CD health checks (Lua, run by fengari on sample objects)', () => {
  test('one check per kind Argo CD v3.5.7 has none for, under the argocd-cm key resource.customizations.health.<group>_<Kind>', () => {
    expect(Object.keys(ArgoCdHealthChecks.scripts()).sort()).toEqual(SAMPLES.map(([v, k]) => `resource.customizations.health.${v.split('/')[0]}_${k}`).sort());
  });

  for (const [apiVersion, kind, samples] of SAMPLES) {
    test(`${kind}: ${[...new Set(samples.map(s => s.status))].join(' / ')}`, () => {
      const script = ArgoCdHealthChecks.scriptFor(apiVersion, kind);
      expect(script).toBeDefined();
      for (const s of samples) {
        expect({ obj: s.obj, ...runHealthScript(script!, { apiVersion, kind, metadata: { name: 'x' }, ...s.obj }) }).toEqual({ obj: s.obj, status: s.status, message: s.message });
      }
    });
  }

  test('each kind with a library status contract gets Healthy, Progressing and Degraded from it', () => {
    const run = (c: any, state: string) => runHealthScript(ArgoCdHealthChecks.scriptFor(c.apiVersion, c.kind)!, { status: { [c.path.split('.').pop()]: state } });
    for (const c of [Dataset.STATUS, SparkJob.SCHEDULED_STATUS]) {
      for (const s of c.succeeded) expect(run(c, s).status).toBe('Healthy');
      for (const s of c.failed) expect(run(c, s).status).toBe('Degraded');
      for (const s of c.inProgress ?? []) expect(run(c, s).status).toBe('Progressing');
    }
  });

  test('the scripts are Lua 5.1 as Argo CD runs it (no goto, no integer division, no bitwise operators)', () => {
    for (const script of Object.values(ArgoCdHealthChecks.scripts())) {
      expect(script).not.toMatch(/\bgoto\b|\/\/|[^~]=\s*~|<<|>>/);
    }
  });

  test('the construct emits a partial argocd-cm in Argo CD\'s namespace', () => {
    const chart = Testing.chart();
    const checks = new ArgoCdHealthChecks(chart, 'health', { namespace: 'gitops' });
    const [cm] = Testing.synth(chart);
    expect(cm.metadata).toEqual({ name: 'argocd-cm', namespace: 'gitops', labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' } });
    expect(cm.data).toEqual(ArgoCdHealthChecks.scripts());
    expect(checks.data).toEqual(cm.data);
    expectValidationError(() => new ArgoCdHealthChecks(chart, 'bad', { namespace: 'Argo CD' }),
      // the accepted part is the core's DNS-1123 label wording (tested there)
      /^\[test\/bad\] namespace: 'Argo CD' is not valid; .*DNS-1123 label/);
  });

  test('Argo CD v3.5.7 ships no check of its own for any of them (its built-in resource_customizations, as extracted by npm run upstream)', () => {
    const dir = argoCdHealthChecksDir();
    expect(dir).toBeDefined();
    // the extracted tree has the built-in checks of other kinds, e.g. KServe's InferenceService and Karpenter's NodePool
    expect(fs.existsSync(path.join(dir!, 'serving.kserve.io', 'InferenceService', 'health.lua'))).toBe(true);
    expect(fs.existsSync(path.join(dir!, 'karpenter.sh', 'NodePool', 'health.lua'))).toBe(true);
    const builtIn = SAMPLES.map(([v, k]) => path.join(v.split('/')[0], k)).filter(p => fs.existsSync(path.join(dir!, p, 'health.lua')));
    expect(builtIn).toEqual([]);
  });

  test("every custom resource kind of the platform example has a health check (Argo CD's or ours) or no status to wait for", () => {
    const dir = argoCdHealthChecksDir()!;
    const ours = ArgoCdHealthChecks.scripts();
    // kinds with no status of their own
    const withoutCheck: { [kind: string]: string } = {
      'trainer.kubeflow.org/ClusterTrainingRuntime': 'a template, no status',
      'serving.kserve.io/ClusterStorageContainer': 'a template, no status',
      'data.fluid.io/AlluxioRuntime': "its readiness is the Dataset's (Bound), which has a check",
    };
    const objects = PlatformTesting.synthUnchecked(buildPlatformApp(new PlatformApp()));
    const kinds = [...new Set(objects.filter(o => o.apiVersion.includes('.') && !/(^|\.)k8s\.io\//.test(o.apiVersion) && !o.apiVersion.startsWith('apiextensions'))
      .map(o => `${o.apiVersion.split('/')[0]}/${o.kind}`))].sort();
    const missing = kinds.filter(k => {
      const [group, kind] = k.split('/');
      return !fs.existsSync(path.join(dir, group, kind, 'health.lua')) && ours[`resource.customizations.health.${group}_${kind}`] === undefined && !(k in withoutCheck);
    });
    expect(kinds.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
    // the exceptions are kinds the example emits (none stale)
    expect(Object.keys(withoutCheck).filter(k => !kinds.includes(k))).toEqual([]);
  });
});
