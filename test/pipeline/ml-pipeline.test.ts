import { execSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ApiObject, Chart, Duration, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { synthExample } from '../../scripts/synth-examples';
import { CRON_ACCEPTED } from '../../src/core/cron';
import { StatusSource } from '../../src/core/status-contract';
import { PodVolume } from '../../src/core/volume';
import { WorkloadBase } from '../../src/core/workload';
import { WorkloadTemplate } from '../../src/core/workload-template';
import { SparkApplicationType, SparkJob, SparkRun } from '../../src/data';
import { CronSchedule } from '../../src/data/cron-schedule';
import {
  ConcurrencyPolicy, EventBus, PodGcStrategy, EventSource, EventSourceKind, Loop, MLPipeline, PipelineRun, PipelineTrigger, ResourceEventType,
  RetryOn, TaskResult,
} from '../../src/pipeline';
import { expectValid, expectValidationError } from '../util';

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'ml' });
}

function diamond(c: Chart, props: any = {}) {
  const p = new MLPipeline(c, 'p', { name: 'p', ...props });
  const echo = p.addScript('echo', { image: 'python:3.12-alpine', source: 'print("{{inputs.parameters.message}}")', inputs: [{ name: 'message' }] });
  const tasks = ['A', 'B', 'C', 'D'].map(n => p.addTask(n, echo, { arguments: { message: n } }));
  p.chain([tasks[0]], [tasks[1], tasks[2]], [tasks[3]]);
  return { p, echo, tasks };
}

function sparkTemplate(namespace = 'ml', args: string[] = []): WorkloadTemplate {
  const t = new WorkloadTemplate({ namespace, chartId: 'etl' });
  new SparkJob(t.scope, 'etl', {
    name: 'etl',
    type: SparkApplicationType.PYTHON,
    sparkVersion: '3.5.5',
    image: 'docker.io/apache/spark:3.5.5',
    mainApplicationFile: 'local:///opt/app/etl.py',
    args,
    driver: { cores: 1, memory: Size.gibibytes(1) },
    executor: { cores: 1, instances: 1, memory: Size.gibibytes(1) },
  });
  return t;
}

/** A workload with a FIELD contract and a ConfigMap supporting object holding `value`. */
function configured(value: string): WorkloadTemplate {
  class Configured extends WorkloadBase {
    public readonly apiObject = this.createApiObject('example.com/v1', 'Task');
    public readonly statusContract = {
      apiVersion: 'example.com/v1', kind: 'Task', source: StatusSource.FIELD, path: '.status.phase', succeeded: ['Done'], failed: ['Failed'], completes: true,
    };
    public readonly podTemplates = [];
    public readonly primaryContainerName = 'main';
    constructor(scope: Construct, id: string) {
      super(scope, id, { name: 'task' });
      new ApiObject(this, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { value } });
    }
    protected renderSpec(): any {
      return { value };
    }
  }
  const t = new WorkloadTemplate({ namespace: 'ml' });
  new Configured(t.scope, 'task');
  return t;
}

/** The e2e example's objects (an example module runs once per test file: jest keeps its own module registry). */
let e2e: any[] | undefined;
function e2eObjects(): any[] {
  if (!e2e) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-pipeline-e2e-'));
    try {
      e2e = synthExample('pipeline-e2e', outdir).objects;
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  return e2e;
}

const workflowOf = (objects: any[], kind = 'Workflow') => objects.find(o => o.kind === kind);

describe('MLPipeline: the DAG', () => {
  test('the diamond renders as Argo depends expressions and is schema-valid', () => {
    const c = chart();
    diamond(c);
    const wf = workflowOf(expectValid(Testing.synth(c)));
    const tasks = wf.spec.templates[0].dag.tasks;
    expect(tasks.map((t: any) => [t.name, t.depends])).toEqual([['A', undefined], ['B', 'A'], ['C', 'A'], ['D', 'B && C']]);
    expect(wf.spec.serviceAccountName).toBe('p-steps');
  });

  test('a cycle is a synth-time error naming it', () => {
    const c = chart();
    const { tasks } = diamond(c);
    tasks[0].dependsOn(tasks[3]);
    expectValidationError(() => Testing.synth(c), "[test/p] tasks: 'A -> B -> D -> A' is not valid; the dependencies form a cycle; a pipeline is a DAG");
  });

  test('a dependency on a task of another pipeline is an unknown dependency', () => {
    const c = chart();
    const { tasks } = diamond(c);
    const other = new MLPipeline(c, 'other', { name: 'other' });
    const x = other.addTask('X', other.addApproval('pause'));
    tasks[1].dependsOn(x);
    expectValidationError(() => Testing.synth(c), "[test/p] tasks.B.dependsOn: 'X' is not valid; the pipeline has no such task (tasks: 'A', 'B', 'C', 'D'); add it with addTask() on this pipeline");
  });

  test('failure routing, loops, when, retries, timeouts, exit handler, parallelism, mutexes, pod GC and TTL', () => {
    const c = chart();
    const p = new MLPipeline(c, 'p', {
      name: 'p',
      parallelism: 2,
      timeout: Duration.hours(1),
      synchronization: { mutexes: ['m'], semaphores: [{ configMapName: 'limits', key: 'gpu' }] },
      podGc: undefined,
      ttl: { afterSuccess: Duration.hours(1) },
    });
    const step = p.addContainer('step', {
      container: { image: 'busybox:1.37.0', args: ['echo', '{{inputs.parameters.x}}'] },
      inputs: [{ name: 'x' }],
      outputs: [{ name: 'score', path: '/tmp/score' }],
      retry: { limit: 3, retryOn: RetryOn.ALWAYS, backoff: { duration: Duration.seconds(10), factor: 2, maxDelay: Duration.minutes(5) } },
      timeout: Duration.minutes(20),
    });
    const a = p.addTask('a', step, { arguments: { x: '1' } });
    const fan = p.addTask('fan', step, { arguments: { x: '{{item.shard}}' }, loop: Loop.records([{ shard: '1' }, { shard: '2' }]), dependsOn: [a] });
    p.addTask('gate', step, { arguments: { x: '{{tasks.a.outputs.parameters.score}}' }, when: '{{tasks.a.outputs.parameters.score}} > 0.9', dependsOn: [a] });
    p.addTask('cleanup', step, { arguments: { x: 'failed' }, continueOnFailure: true }).runsOn(fan, TaskResult.FAILED);
    p.addTask('seq', step, { arguments: { x: '{{item}}' }, loop: Loop.sequence({ count: 3 }) });
    const notify = p.addScript('notify', { image: 'python:3.12-alpine', source: 'print("{{workflow.status}}")' });
    p.onExit(notify);
    const wf = workflowOf(expectValid(Testing.synth(c)));
    const tasks = wf.spec.templates[0].dag.tasks;
    expect(tasks.find((t: any) => t.name === 'cleanup')).toMatchObject({ depends: 'fan.Failed', continueOn: { failed: true } });
    expect(tasks.find((t: any) => t.name === 'fan').withItems).toEqual([{ shard: '1' }, { shard: '2' }]);
    expect(tasks.find((t: any) => t.name === 'seq').withSequence).toEqual({ count: '3' });
    const tpl = wf.spec.templates.find((t: any) => t.name === 'step');
    expect(tpl.retryStrategy).toEqual({ limit: 3, retryPolicy: 'Always', backoff: { duration: '10s', factor: 2, cap: '5m' } });
    expect(tpl.timeout).toBe('20m');
    expect(wf.spec).toMatchObject({
      onExit: 'notify',
      parallelism: 2,
      activeDeadlineSeconds: 3600,
      ttlStrategy: { secondsAfterSuccess: 3600 },
      synchronization: { mutexes: [{ name: 'm' }], semaphores: [{ configMapKeyRef: { name: 'limits', key: 'gpu' } }] },
      workflowMetadata: { labels: { 'ai-platform.cdk8s.io/pipeline': 'p' } },
    });
  });
});

describe('MLPipeline: references', () => {
  test('a reference to an undeclared output is an error', () => {
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p' });
    const s = p.addContainer('s', { container: { image: 'busybox:1.37.0' }, inputs: [{ name: 'x' }], outputs: [{ name: 'score', path: '/tmp/s' }] });
    const a = p.addTask('a', s, { arguments: { x: '1' } });
    p.addTask('b', s, { arguments: { x: '{{tasks.a.outputs.parameters.acc}}' }, dependsOn: [a] });
    expectValidationError(() => Testing.synth(c),
      "[test/p] tasks.b.arguments.parameters[0].value: '{{tasks.a.outputs.parameters.acc}}' is not valid; task 'a' (template 's') declares no output parameter 'acc' (declared: 'score')");
  });

  test('a reference to a task it does not depend on is an error', () => {
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p' });
    const s = p.addContainer('s', { container: { image: 'busybox:1.37.0' }, inputs: [{ name: 'x' }], outputs: [{ name: 'score', path: '/tmp/s' }] });
    p.addTask('a', s, { arguments: { x: '1' } });
    p.addTask('b', s, { arguments: { x: '{{tasks.a.outputs.parameters.score}}' } });
    expectValidationError(() => Testing.synth(c),
      "[test/p] tasks.b.arguments.parameters[0].value: '{{tasks.a.outputs.parameters.score}}' is not valid; task 'b' does not depend on task 'a' (a task reads the outputs only of tasks it depends on, directly or not)");
  });

  test('an undeclared pipeline parameter (inside a workload manifest too) is an error', () => {
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p', parameters: [{ name: 'key' }] });
    p.addTask('etl', p.addWorkload('etl', { workload: sparkTemplate('ml', ['{{workflow.parameters.bucket}}']) }));
    expectValidationError(() => Testing.synth(c),
      "[test/p] templates.etl.resource.manifest: '{{workflow.parameters.bucket}}' is not valid; the pipeline declares no parameter 'bucket' (declared: 'key')");
  });

  test('an undeclared input parameter is an error', () => {
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p' });
    p.addTask('a', p.addScript('echo', { image: 'python:3.12-alpine', source: 'print("{{inputs.parameters.msg}}")', inputs: [{ name: 'message' }] }), { arguments: { message: 'x' } });
    expectValidationError(() => Testing.synth(c),
      "[test/p] templates.echo.script.source: '{{inputs.parameters.msg}}' is not valid; template 'echo' declares no input parameter 'msg' (declared: 'message')");
  });

  test('item outside a loop, and unknown variables, are errors', () => {
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p' });
    const s = p.addContainer('s', { container: { image: 'busybox:1.37.0' }, inputs: [{ name: 'x' }] });
    p.addTask('a', s, { arguments: { x: '{{item}}' } });
    expectValidationError(() => Testing.synth(c),
      "[test/p] tasks.a.arguments.parameters[0].value: '{{item}}' is not valid; 'item' is defined only in a task that loops (loop: Loop.items(...), Loop.records(...), Loop.param(...) or Loop.sequence(...))");
    const c2 = chart();
    const p2 = new MLPipeline(c2, 'p', { name: 'p' });
    p2.addTask('a', p2.addContainer('s', { container: { image: 'busybox:1.37.0', args: ['{{workflow.nmae}}'] } }));
    expectValidationError(() => Testing.synth(c2),
      "[test/p] templates.s.container.args[0]: '{{workflow.nmae}}' is not valid; 'workflow.nmae' is not a workflow variable of Argo Workflows; e.g. '{{inputs.parameters.x}}', '{{workflow.parameters.x}}', '{{tasks.a.outputs.parameters.x}}', '{{item}}'");
  });

  test('arguments must match the template inputs', () => {
    const c = chart();
    const { p, echo } = diamond(c);
    expectValidationError(() => p.addTask('E', echo), "[test/p] tasks.E.arguments: {} is not valid; template 'echo' needs a value for its input parameter 'message'");
    expectValidationError(() => p.addTask('F', echo, { arguments: { message: 'x', extra: 'y' } }),
      "[test/p] tasks.F.arguments.extra: 'y' is not valid; template 'echo' declares no input parameter 'extra' (declared: 'message')");
  });
});

describe('MLPipeline: workload steps', () => {
  test('a SparkJob step: created with a generated name and owner reference, waited on with its status field', () => {
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p' });
    p.addTask('etl', p.addWorkload('etl', { workload: sparkTemplate() }));
    const objects = expectValid(Testing.synth(c));
    const tpl = workflowOf(objects).spec.templates.find((t: any) => t.name === 'etl');
    expect(tpl.resource).toMatchObject({
      action: 'create',
      setOwnerReference: true,
      successCondition: 'status.applicationState.state == COMPLETED',
      failureCondition: 'status.applicationState.state in (FAILED,SUBMISSION_FAILED)',
    });
    expect(tpl.resource.manifest).toContain('generateName: etl-');
    // the driver's ServiceAccount and Role are emitted beside the pipeline; the pipeline's Role creates SparkApplications only
    expect(objects.filter(o => o.kind === 'ServiceAccount').map(o => o.metadata.name).sort()).toEqual(['etl-driver', 'p-steps'].sort());
    const role = objects.find(o => o.kind === 'Role' && o.metadata.name === 'p-steps');
    expect(role.rules).toEqual([
      { apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] },
      { apiGroups: ['sparkoperator.k8s.io'], resources: ['sparkapplications'], verbs: ['get', 'create'] },
    ]);
  });

  test('a workload of another namespace is an error', () => {
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p' });
    expectValidationError(() => p.addWorkload('etl', { workload: sparkTemplate('other') }),
      "[test/p] templates.etl.workload: 'other' is not valid; the workload is in namespace 'other' but the pipeline runs in 'ml' (a run owns and waits on objects of its own namespace); declare the WorkloadTemplate with namespace 'ml'");
  });

  test('a workload with no status contract is an error', () => {
    class NoContract extends WorkloadBase {
      public readonly apiObject = this.createApiObject('example.com/v1', 'Thing');
      public readonly statusContract: any = undefined;
      public readonly podTemplates = [];
      public readonly primaryContainerName = 'main';
      constructor(scope: Construct, id: string) {
        super(scope, id, { name: 'thing' });
      }
      protected renderSpec(): any {
        return { size: 1 };
      }
    }
    const t = new WorkloadTemplate({ namespace: 'ml' });
    new NoContract(t.scope, 'thing');
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p' });
    expectValidationError(() => p.addWorkload('thing', { workload: t }),
      "[test/p] templates.thing.workload: 'thing' is not valid; the workload has no usable status contract (source, a path such as .status.phase and at least one succeeded value): a step cannot tell when it is done");
  });

  test('a contract on a conditions list gets a restricted kubectl wait step', () => {
    class Conditioned extends WorkloadBase {
      public readonly apiObject = this.createApiObject('example.com/v1', 'Batch');
      public readonly statusContract = {
        apiVersion: 'example.com/v1',
        kind: 'Batch',
        source: StatusSource.CONDITIONS,
        path: '.status.conditions',
        succeeded: ['Complete'],
        failed: ['Failed'],
        completes: true,
      };
      public readonly podTemplates = [];
      public readonly primaryContainerName = 'main';
      constructor(scope: Construct, id: string) {
        super(scope, id, { name: 'batch' });
      }
      protected renderSpec(): any {
        return { size: 1 };
      }
    }
    const t = new WorkloadTemplate({ namespace: 'ml' });
    new Conditioned(t.scope, 'batch');
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p' });
    p.addTask('run', p.addWorkload('batch', { workload: t, timeout: Duration.hours(2) }));
    const wf = workflowOf(Testing.synth(c));
    const names = wf.spec.templates.map((x: any) => x.name);
    expect(names).toEqual(['main', 'batch', 'batch-create', 'batch-wait']);
    const wait = wf.spec.templates[3];
    expect(wait.timeout).toBe('2h');
    expect(wait.script.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(wait.script.source).toContain("kubectl get batches.v1.example.com \"{{inputs.parameters.name}}\" -o jsonpath='{range .status.conditions[?(@.status==\"True\")]}{.type}{\"\\n\"}{end}'");
    expect(wait.script.source).toContain("grep -qx 'Failed'");
  });
});

describe('MLPipeline: run modes', () => {
  test('scheduled: a CronWorkflow with a schedules list', () => {
    const c = chart();
    diamond(c, { run: PipelineRun.scheduled({ schedules: [CronSchedule.expression('0 2 * * *'), CronSchedule.daily()], timezone: 'Europe/Paris', concurrencyPolicy: ConcurrencyPolicy.FORBID }) });
    const cron = workflowOf(expectValid(Testing.synth(c)), 'CronWorkflow');
    expect(cron.spec).toMatchObject({ schedules: ['0 2 * * *', '@daily'], timezone: 'Europe/Paris', concurrencyPolicy: 'Forbid' });
    expect(cron.spec.workflowSpec.entrypoint).toBe('main');
  });

  test('template: a WorkflowTemplate', () => {
    const c = chart();
    diamond(c, { run: PipelineRun.template() });
    expect(workflowOf(expectValid(Testing.synth(c)), 'WorkflowTemplate').spec.templates).toHaveLength(2);
  });

  test('a cron that never fires is an error', () => {
    const c = chart();
    expectValidationError(() => diamond(c, { run: PipelineRun.scheduled({ schedules: [CronSchedule.expression('0 0 30 2 *')] }) }),
      `[test/p] run.schedules[0]: '0 0 30 2 *' is not valid; it never fires: no day 30 in February; ${CRON_ACCEPTED}`);
    // day of month OR day of week when both are restricted; February 29th exists in leap years
    for (const fires of ['0 0 30 2 MON', '0 0 29 2 *', '0 0 31 * *']) {
      expect(() => diamond(chart(), { run: PipelineRun.scheduled({ schedules: [CronSchedule.expression(fires)] }) })).not.toThrow();
    }
  });

  test('the status contract is the Workflow phase', () => {
    const c = chart();
    const { p } = diamond(c);
    expect(p.statusContract).toEqual(MLPipeline.STATUS);
    expect(p.status).toEqual({ contract: MLPipeline.STATUS, name: 'p', namespace: 'ml' });
  });
});

describe('Argo Events', () => {
  const schemaPath = path.join(execSync('go env GOMODCACHE').toString().trim(),
    'github.com/argoproj/argo-events@v1.9.11/api/jsonschema/schema.json');
  const validators = () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
    ajv.addSchema(schema, 'events');
    return (kind: string) => ajv.getSchema(`events#/definitions/io.argoproj.events.v1alpha1.${kind}`)!;
  };

  function triggered(c: Chart) {
    const { p } = diamond(c, { run: PipelineRun.template(), parameters: [{ name: 'key' }, { name: 'bucket', defaultValue: 'raw' }] });
    const bus = new EventBus(c, 'bus');
    const kinds = [
      EventSourceKind.webhook({ endpoint: '/new-data' }),
      EventSourceKind.bucket({ bucket: 'raw', endpoint: 'minio:9000', accessKey: { name: 'm', key: 'a' }, secretKey: { name: 'm', key: 's' } }),
      EventSourceKind.kafka({ url: 'kafka:9092', topic: 'datasets', consumerGroup: 'pipelines' }),
      EventSourceKind.calendar({ schedule: CronSchedule.expression('0 3 * * *'), timezone: 'UTC' }),
      EventSourceKind.resource({ group: '', version: 'v1', resource: 'configmaps', eventTypes: [ResourceEventType.ADD], labels: { dataset: 'reviews' } }),
      EventSourceKind.github({ repositories: ['acme/models'], events: ['push'], url: 'https://events.example.com', endpoint: '/github', apiToken: { name: 'gh', key: 'token' }, webhookSecret: { name: 'gh', key: 'secret' } }),
      EventSourceKind.gitlab({ repositories: ['acme/models'], events: ['PushEvents'], url: 'https://events.example.com', endpoint: '/gitlab', apiToken: { name: 'gl', key: 'token' }, webhookSecret: { name: 'gl', key: 'secret' } }),
    ];
    const sources = kinds.map((k, i) => new EventSource(c, `src${i}`, { name: `src-${i}`, source: k, eventBus: bus }));
    new PipelineTrigger(c, 'trigger', { name: 'on-data', pipeline: p, source: sources[0], eventBus: bus, parameters: [{ pipelineParameter: 'key', dataKey: 'body.key' }] });
    return p;
  }

  test('event sources of every kind, the bus and the sensor validate against the Argo Events schemas', () => {
    const c = chart();
    triggered(c);
    const objects = expectValid(Testing.synth(c));
    const v = validators();
    for (const o of objects.filter(x => ['EventBus', 'EventSource', 'Sensor'].includes(x.kind))) {
      const validate = v(o.kind);
      const ok = validate(o);
      expect({ name: o.metadata.name, errors: ok ? [] : validate.errors }).toEqual({ name: o.metadata.name, errors: [] });
    }
    const sensor = objects.find(o => o.kind === 'Sensor');
    const k8s = sensor.spec.triggers[0].template.k8s;
    expect(k8s.source.resource.spec.workflowTemplateRef).toEqual({ name: 'p' });
    expect(k8s.parameters).toEqual([{ src: { dependencyName: 'event', dataKey: 'body.key' }, dest: 'spec.arguments.parameters.0.value' }]);
    const role = objects.find(o => o.kind === 'Role' && o.metadata.name === 'on-data-sensor');
    expect(role.rules).toEqual([{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create'] }]);
  });

  test('trigger errors: a parameter the pipeline lacks, a required parameter not taken, a pipeline that is not a template', () => {
    const c = chart();
    const p = triggered(c);
    const src = new EventSource(c, 'more', { source: EventSourceKind.webhook({ endpoint: '/x' }) });
    expectValidationError(() => new PipelineTrigger(c, 't2', { pipeline: p, source: src, parameters: [{ pipelineParameter: 'keys', dataKey: 'body.key' }] }),
      "[test/t2] parameters[0].pipelineParameter: 'keys' is not valid; the pipeline 'p' declares no parameter 'keys' (declared: 'key', 'bucket')");
    expectValidationError(() => new PipelineTrigger(c, 't3', { pipeline: p, source: src }),
      "[test/t3] parameters: [] is not valid; the pipeline's parameter 'key' has no default: take it from the event");
    const c2 = chart();
    const { p: once } = diamond(c2);
    const s2 = new EventSource(c2, 's', { source: EventSourceKind.webhook({ endpoint: '/x' }) });
    expectValidationError(() => new PipelineTrigger(c2, 't', { pipeline: once, source: s2 }),
      "[test/t] pipeline: 'p' is not valid; the pipeline runs as a Workflow; a trigger submits runs of a pipeline declared with run: PipelineRun.template()");
  });

  test('a calendar that never fires is an error', () => {
    const c = chart();
    expectValidationError(() => new EventSource(c, 'cal', { source: EventSourceKind.calendar({ schedule: CronSchedule.expression('0 0 31 11 *') }) }),
      `[test/cal] source.schedule: '0 0 31 11 *' is not valid; it never fires: no day 31 in November; ${CRON_ACCEPTED}`);
  });
});

describe('the end-to-end example', () => {
  test('the objects its steps create validate against the pinned schemas, and its wait steps run restricted', () => {
    {
      const objects = e2eObjects();
      const wt = workflowOf(objects, 'WorkflowTemplate');
      const manifests = wt.spec.templates.filter((t: any) => t.resource).map((t: any) => YAML.parse(t.resource.manifest));
      expect(manifests.map((m: any) => m.kind)).toEqual(['SparkApplication', 'PyTorchJob', 'Job', 'InferenceService', 'InferenceService']);
      // created objects get a generated name; give them one to validate as the API server would see them
      expectValid(manifests.map((m: any) => ({ ...m, metadata: { ...m.metadata, name: m.metadata.name ?? `${m.metadata.generateName}abcde` } })));
      const waits = wt.spec.templates.filter((t: any) => t.name.endsWith('-wait'));
      expect(waits.map((t: any) => t.name)).toEqual(['lora-wait', 'modelcar-build-wait', 'rollout-wait', 'promotion-wait']);
      for (const w of waits) expect(w.script.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
      expect(objects.find(o => o.kind === 'Role' && o.metadata.name === 'reviews-to-production-steps').rules).toEqual([
        { apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] },
        { apiGroups: ['sparkoperator.k8s.io'], resources: ['sparkapplications'], verbs: ['get', 'create'] },
        { apiGroups: ['kubeflow.org'], resources: ['pytorchjobs'], verbs: ['get', 'create'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'create'] },
        { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: ['get', 'create', 'patch'] },
      ]);
    }
  });
});

describe('MLPipeline: declaration errors', () => {
  test('names, duplicates, the reserved entry template, exit handlers', () => {
    const c = chart();
    const { p, echo } = diamond(c);
    expectValidationError(() => p.addApproval('main'), "[test/p] templates: 'main' is not valid; 'main' is the pipeline's own DAG template; choose another name");
    expectValidationError(() => p.addApproval('echo'),
      "[test/p] templates: 'echo' is not valid; template names must be unique in a pipeline (resource steps also use <name>-create, -apply, -patch and -wait)");
    expectValidationError(() => p.addApproval('a_b'),
      "[test/p] templates: 'a_b' is not valid; template names are letters, digits and '-', starting with a letter or digit, at most 56 characters");
    expectValidationError(() => p.addTask('A', echo, { arguments: { message: 'x' } }), "[test/p] tasks: 'A' is not valid; task names must be unique in a pipeline");
    expectValidationError(() => p.onExit(echo), "[test/p] exitHandler: 'echo' is not valid; an exit handler takes no arguments: give its inputs defaults");
    const other = new MLPipeline(c, 'q', { name: 'q' });
    expectValidationError(() => other.addTask('x', echo), "[test/q] tasks.x.template: 'echo' is not valid; must be a step template of this pipeline (from its add* methods)");
    expectValidationError(() => new MLPipeline(chart(), 'p', { parameters: [{ name: 'mode', defaultValue: 'fast', allowedValues: ['full', 'sample'] }] }),
      "[test/p] parameters[0].defaultValue: 'fast' is not valid; must be one of the parameter's allowedValues ('full', 'sample')");
    expectValidationError(() => new MLPipeline(chart(), 'p', { parameters: [{ name: 'a' }, { name: 'a' }] }), "[test/p] parameters: 'a' is not valid; names must be unique");
    expectValidationError(() => new MLPipeline(chart(), 'p', { waitImage: 'not an image' }), "[test/p] waitImage: 'not an image' is not valid; must be an image reference");
    expectValidationError(() => Testing.synth(new MLPipeline(chart(), 'p').node.scope as Chart), '[test/p] tasks: [] is not valid; a pipeline needs at least one task (addTask)');
  });

  test('retries and step pods', () => {
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p', retry: { limit: 1, backoff: { duration: Duration.seconds(1), factor: 1.5 } } });
    p.addTask('a', p.addApproval('pause'));
    expectValidationError(() => Testing.synth(c), '[test/p] retry.backoff.factor: 1.5 is not valid; must be an integer of at least 1');
    const p2 = new MLPipeline(chart(), 'p', { name: 'p' });
    expectValidationError(() => p2.addContainer('s', { container: { image: 'busybox:1.37.0', name: 'x', env: {} }, retry: { limit: -1 } }),
      '[test/p] templates.s.retry.limit: -1 is not valid; must be an integer of at least 0');
    expectValidationError(() => p2.addScript('s', { image: 'python:3.12', source: ' ' }), "[test/p] templates.s.source: ' ' is not valid; must be a non-empty script");
    expectValidationError(() => p2.addContainer('t', { container: { image: 'Not/Valid' } }),
      "[test/p] templates.t.container.image: 'Not/Valid' is not valid; must be an image reference such as 'registry.example.com/team/trainer:1.4.2' or 'repo/name@sha256:<digest>'");
  });

  test('workload, rollout and patch steps', () => {
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p' });
    expectValidationError(() => p.addWorkload('etl', { workload: sparkTemplate(), modelUri: 'model' }),
      "[test/p] templates.etl.modelUri: 'model' is not valid; must be a URI such as 'oci://registry/models/m:1', 'pvc://claim/path' or 's3://bucket/key'");
    const streaming = new WorkloadTemplate({ namespace: 'ml' });
    new SparkJob(streaming.scope, 'stream', {
      name: 'stream',
      type: SparkApplicationType.PYTHON,
      sparkVersion: '3.5.5',
      image: 'docker.io/apache/spark:3.5.5',
      mainApplicationFile: 'local:///opt/app/s.py',
      run: SparkRun.streaming(),
    });
    expectValidationError(() => p.addWorkload('stream', { workload: streaming }),
      "[test/p] templates.stream.workload: 'stream' is not valid; a SparkApplication never completes (its status contract has completes: false); apply it with addRollout(), which waits until it is ready");
    const rollout = p.addRollout('stream', { workload: streaming });
    expect(rollout.outputNames).toEqual(['name']);
    expectValidationError(() => p.addPatch('promote', { workload: streaming, patch: {} }),
      '[test/p] templates.promote.patch: {} is not valid; must be a non-empty object, e.g. { spec: { predictor: { canaryTrafficPercent: 100 } } }');
    expectValidationError(() => p.addPatch('promote', { workload: streaming, patch: { metadata: { name: 'x' } } }),
      '[test/p] templates.promote.patch.metadata: {"name":"x"} is not valid; the patched object is the workload; patch its spec');
    // the same supporting objects are emitted once; a different object of the same name is an error
    p.addWorkload('etl', { workload: sparkTemplate() });
    p.addWorkload('etl-again', { workload: sparkTemplate('ml', ['--other']) });
    expect(p.supportingObjects.filter(o => o.kind === 'ServiceAccount').map(o => o.name)).toEqual(['p-steps', 'stream-driver', 'etl-driver']);
    p.addWorkload('config-a', { workload: configured('a') });
    expectValidationError(() => p.addWorkload('config-b', { workload: configured('b') }),
      "[test/p] templates.config-b.workload: 'ConfigMap/settings' is not valid; another step emits a different object of the same kind and name; give the workloads different names");
  });
});

describe('Argo Events: declaration errors', () => {
  test('event sources', () => {
    const c = chart();
    expectValidationError(() => new EventSource(c, 'w', { source: EventSourceKind.webhook({ endpoint: 'new-data' }) }),
      "[test/w] source.endpoint: 'new-data' is not valid; must be a URL path such as '/new-data'");
    expectValidationError(() => new EventSource(c, 'g', {
      source: EventSourceKind.github({ repositories: ['models'], events: ['push'], url: 'https://x', endpoint: '/gh', apiToken: { name: 'a', key: 'b' }, webhookSecret: { name: 'a', key: 'c' } }),
    }), "[test/g] source.repositories[0]: 'models' is not valid; must be 'owner/name'");
    expectValidationError(() => new EventSource(c, 'r', { source: EventSourceKind.resource({ group: '', version: 'v1', resource: 'pods', eventTypes: [] }) }),
      '[test/r] source.eventTypes: [] is not valid; give at least one ResourceEventType');
    expectValidationError(() => new EventSource(c, 'cal', { source: EventSourceKind.calendar({ schedule: CronSchedule.daily(), timezone: 'Paris' }) }),
      "[test/cal] source.timezone: 'Paris' is not valid; must be an IANA time zone name such as 'UTC' or 'Europe/Paris'");
  });
});

describe('MLPipeline: data between steps', () => {
  test('S3 artifacts, PVC volumes, parameter loops and pod GC; artifact references are checked', () => {
    const c = chart();
    const p = new MLPipeline(c, 'p', { name: 'p', podGc: PodGcStrategy.ON_POD_SUCCESS });
    const split = p.addScript('split', {
      image: 'python:3.12-alpine',
      source: 'import json; print(json.dumps(["a", "b"]))',
      outputArtifacts: [{ name: 'data', path: '/tmp/data', s3: { bucket: 'curated', key: 'runs/{{workflow.name}}/data', endpoint: 'minio.storage.svc:9000', insecure: true, accessKey: { name: 'minio', key: 'accesskey' }, secretKey: { name: 'minio', key: 'secretkey' } } }],
    });
    const work = p.addContainer('work', {
      container: {
        image: 'busybox:1.37.0',
        args: ['{{inputs.parameters.shard}}', '{{inputs.artifacts.data.path}}'],
        volumeMounts: [{ volume: PodVolume.fromPersistentVolumeClaim('scratch', 'shared-scratch'), path: '/scratch' }],
      },
      inputs: [{ name: 'shard' }],
      inputArtifacts: [{ name: 'data', path: '/data' }],
    });
    const s = p.addTask('split', split);
    p.addTask('work', work, {
      arguments: { shard: '{{item}}' }, artifacts: { data: '{{tasks.split.outputs.artifacts.data}}' }, loop: Loop.param('{{tasks.split.outputs.result}}'), dependsOn: [s],
    });
    const wf = workflowOf(expectValid(Testing.synth(c)));
    expect(wf.spec.podGC).toEqual({ strategy: 'OnPodSuccess' });
    const task = wf.spec.templates[0].dag.tasks[1];
    expect(task).toMatchObject({ withParam: '{{tasks.split.outputs.result}}', arguments: { artifacts: [{ name: 'data', from: '{{tasks.split.outputs.artifacts.data}}' }] } });
    const tpl = wf.spec.templates.find((t: any) => t.name === 'work');
    expect(tpl.volumes).toEqual([{ name: 'scratch', persistentVolumeClaim: { claimName: 'shared-scratch' } }]);
    expect(wf.spec.templates.find((t: any) => t.name === 'split').outputs.artifacts[0].s3).toMatchObject({ bucket: 'curated', accessKeySecret: { name: 'minio', key: 'accesskey' } });

    const c2 = chart();
    const p2 = new MLPipeline(c2, 'p', { name: 'p' });
    const a = p2.addTask('split', p2.addScript('split', { image: 'python:3.12-alpine', source: 'print(1)', outputArtifacts: [{ name: 'data', path: '/tmp/data' }] }));
    p2.addTask('use', p2.addContainer('use', { container: { image: 'busybox:1.37.0' }, inputArtifacts: [{ name: 'data', path: '/data' }] }), {
      artifacts: { data: '{{tasks.split.outputs.artifacts.dataset}}' }, dependsOn: [a],
    });
    expectValidationError(() => Testing.synth(c2),
      "[test/p] tasks.use.arguments.artifacts[0].from: '{{tasks.split.outputs.artifacts.dataset}}' is not valid; task 'split' (template 'split') declares no output artifact 'dataset' (declared: 'data')");
  });
});

describe('Argo Events: namespaces', () => {
  test('a trigger and its event source share the pipeline namespace; a resource source watches its own', () => {
    const c = chart();
    const { p } = diamond(c, { run: PipelineRun.template() });
    const elsewhere = new Chart(c.node.scope as Construct, 'other', { namespace: 'events' });
    const src = new EventSource(elsewhere, 'hook', { name: 'hook', source: EventSourceKind.webhook({ endpoint: '/x' }) });
    expectValidationError(() => new PipelineTrigger(c, 't', { pipeline: p, source: src }),
      "[test/t] source: 'hook' is not valid; the event source is in namespace 'events' but the pipeline in 'ml'; a Sensor reads events of its own namespace's bus and creates runs there");
    const watch = new EventSource(c, 'cm', { name: 'cm', source: EventSourceKind.resource({ group: '', version: 'v1', resource: 'configmaps', eventTypes: [ResourceEventType.UPDATE] }) });
    expect(watch.apiObject.toJson().spec.resource.default.namespace).toBe('ml');
    const noNs = new Chart(Testing.app(), 'bare');
    expectValidationError(() => new EventSource(noNs, 'cm', { source: EventSourceKind.resource({ group: '', version: 'v1', resource: 'configmaps', eventTypes: [ResourceEventType.ADD] }) }),
      '[bare/cm] source.namespace: undefined is not valid; give the namespace to watch (or declare the event source in a chart with a namespace)');
  });
});

describe('the kubectl wait step, run', () => {
  /** Runs the e2e example's `lora-wait` script with a fake kubectl: at the n-th loop, `generations[n]` and `states[n]`. */
  function runWait(states: string[], generations: string[]): { code: number; out: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-wait-'));
    try {
      const wait = workflowOf(e2eObjects(), 'WorkflowTemplate').spec.templates.find((t: any) => t.name === 'lora-wait');
      fs.writeFileSync(path.join(dir, 'states'), states.join('\n---\n'));
      fs.writeFileSync(path.join(dir, 'generations'), generations.join('\n'));
      // each loop asks the generations first: that question advances the clock; the state answered is the clock's
      fs.writeFileSync(path.join(dir, 'kubectl'), [
        '#!/bin/sh',
        `D=${dir}`,
        'case "$*" in',
        '  *observedGeneration*) n=$(cat $D/tick 2>/dev/null || echo 0); n=$((n+1)); echo $n > $D/tick; sed -n "${n}p" $D/generations | grep . || tail -n1 $D/generations ;;',
        '  *status==*) n=$(cat $D/tick); awk -v n=$n \'BEGIN{RS="\\n---\\n"} NR==n{printf "%s\\n", $0; f=1} {l=$0} END{if(!f) printf "%s\\n", l}\' $D/states ;;',
        '  *message*) echo "OOM in worker 0" ;;',
        'esac',
      ].join('\n'), { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'sleep'), '#!/bin/sh\n', { mode: 0o755 });
      const script = wait.script.source.replace(/\{\{inputs\.parameters\.name\}\}/g, 'reviews-lora-abcde');
      try {
        const out = execSync(`sh -c '${script.replace(/'/g, "'\\''")}' 2>&1`, { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, timeout: 10_000 }).toString();
        return { code: 0, out };
      } catch (e: any) {
        return { code: e.status, out: `${e.stdout}` };
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('it succeeds on the succeeded condition, fails with the message on the failed one, and ignores a stale status', () => {
    expect(runWait(['Created', 'Created\nRunning', 'Created\nSucceeded'], ['1 1'])).toEqual({ code: 0, out: 'PyTorchJob Succeeded\n' });
    expect(runWait(['Created\nFailed'], ['1 1'])).toEqual({ code: 1, out: 'PyTorchJob Failed\nOOM in worker 0\n' });
    // at the first loop generation 2 is not yet observed: the Succeeded then (of generation 1) is not read
    const stale = runWait(['Created\nSucceeded', 'Created\nFailed'], ['2 1', '2 2']);
    expect(stale).toEqual({ code: 1, out: 'PyTorchJob Failed\nOOM in worker 0\n' });
  });
});
