import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Accelerator, EnvVarValue, Errors, GpuInstances, GpuNodePool, PodTemplate, StatusContract, StatusSource, WorkloadBase, WorkloadTemplate } from '../../src';
import { PlatformContext } from '../../src/core/context';
import { durationMillis, wholeMillis, wholeSeconds } from '../../src/core/durations';
import { describeValue, invalid } from '../../src/core/errors';
import { placeWorkload } from '../../src/core/workload';
import { expectValidationError } from '../util';

const JOB_STATUS: StatusContract = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  source: StatusSource.CONDITIONS,
  path: '.status.conditions',
  succeeded: ['Complete'],
  failed: ['Failed'],
  completes: true,
};

interface TestJobProps {
  readonly name?: string;
  readonly namespace?: string;
  readonly annotations?: { [k: string]: string };
  readonly image: string;
  readonly accelerator?: Accelerator;
}

/** A minimal workload on the model: a batch/v1 Job with one pod template and a ConfigMap beside it. */
class TestJob extends WorkloadBase {
  public readonly apiObject: ApiObject;
  public readonly statusContract = JOB_STATUS;
  public readonly podTemplates: PodTemplate[];
  public readonly primaryContainerName = 'main';
  public renders = 0;

  constructor(scope: Construct, id: string, props: TestJobProps) {
    super(scope, id, props);
    const resources = props.accelerator ? { accelerator: props.accelerator } : undefined;
    const pod = new PodTemplate({ containers: [{ image: props.image, resources }] });
    pod._nameFields({ 'containers[0]': '', 'containers[0].resources.accelerator': 'accelerator', '': '' });
    this.podTemplates = [pod];
    new ApiObject(this, 'Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${this.name}-config` } });
    this.apiObject = this.createApiObject('batch/v1', 'Job');
    placeWorkload(this, 'pool', pod, undefined);
    this.renderSpec(); // validate eagerly
  }

  protected renderSpec(): any {
    this.renders++;
    return { backoffLimit: 0, template: this.podTemplates[0].toPodTemplateSpec(this, this.primaryContainerName) };
  }
}

describe('WorkloadBase', () => {
  test('the primary object is the Resource child, named from the props or the construct path, with its status', () => {
    const chart = Testing.chart();
    const job = new TestJob(chart, 'score', { image: 'repo/app:1', namespace: 'ml' });
    expect(job.node.defaultChild).toBe(job.apiObject);
    expect(WorkloadBase.isWorkload(job)).toBe(true);
    expect(WorkloadBase.isWorkload(chart)).toBe(false);
    expect(job.name).toMatch(/^test-score-[0-9a-f]{8}$/);
    expect(job.status).toEqual({ contract: JOB_STATUS, name: job.name, namespace: 'ml' });
    expect(job.supportingObjects.map(o => o.kind)).toEqual(['ConfigMap']);
  });

  test('metadata props of every workload are checked by the base, also null and values of the wrong type', () => {
    expectValidationError(() => new TestJob(Testing.chart(), 'a', { image: 'repo/app:1', annotations: { 'bad key!': 'x' } } as any),
      /^\[test\/a\] annotations\.bad key!: 'bad key!' is not valid; /);
    expectValidationError(() => new TestJob(Testing.chart(), 'b', { image: 'repo/app:1', name: 42 } as any), /^\[test\/b\] name: 42 is not valid; /);
    expectValidationError(() => new TestJob(Testing.chart(), 'c', { image: 'repo/app:1', namespace: 'Not_A_Namespace' }), /^\[test\/c\] namespace: 'Not_A_Namespace' is not valid; /);
  });

  test('render lazily: a change through a pod template after construction reaches the output', () => {
    const chart = Testing.chart();
    const job = new TestJob(chart, 'score', { name: 'score', image: 'repo/app:1' });
    job.podTemplates[0].placement.selectNodeLabel('topology.kubernetes.io/zone', 'eu-west-1a');
    const out = Testing.synth(chart).find(o => o.kind === 'Job');
    expect(out.spec.template.spec.nodeSelector).toEqual({ 'topology.kubernetes.io/zone': 'eu-west-1a' });
  });

  test('an invalid change after construction fails at synth with the library error and the user field', () => {
    const chart = Testing.chart();
    const job = new TestJob(chart, 'score', { name: 'score', image: 'repo/app:1' });
    job.podTemplates[0].addContainer({ image: 'not an image' });
    expectValidationError(() => Testing.synth(chart), /^\[test\/score\] containers\[1\]\.image: 'not an image' is not valid; /);
  });

  test('the spec is rendered once per synth (validation renders, serialization reuses it)', () => {
    const chart = Testing.chart();
    const job = new TestJob(chart, 'score', { name: 'score', image: 'repo/app:1' });
    const before = job.renders;
    Testing.synth(chart);
    expect(job.renders - before).toBe(1);
  });

  test('render() gives the primary and supporting objects as synthesized', () => {
    const chart = Testing.chart();
    const job = new TestJob(chart, 'score', { name: 'score', image: 'repo/app:1', namespace: 'ml' });
    const synthesized = Testing.synth(chart);
    const rendered = job.render();
    expect(rendered.primary).toEqual(synthesized.find(o => o.kind === 'Job'));
    expect(rendered.supporting).toEqual([synthesized.find(o => o.kind === 'ConfigMap')]);
  });
});

describe('WorkloadTemplate', () => {
  test('renders a workload in a private app: equal to the same props in an app, and nothing reaches the app', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'team', { namespace: 'ml' });
    new TestJob(chart, 'score', { image: 'repo/app:1' }); // default name from the path
    const inApp = Testing.synth(chart);

    const template = new WorkloadTemplate({ chartId: 'team', namespace: 'ml' });
    new TestJob(template.scope, 'score', { image: 'repo/app:1' });
    const rendered = template.render();
    expect([rendered.primary, ...rendered.supporting]).toEqual([inApp.find(o => o.kind === 'Job'), inApp.find(o => o.kind === 'ConfigMap')]);
    expect(app.charts).toHaveLength(1);
  });

  test('exactly one workload must be declared in it', () => {
    const template = new WorkloadTemplate();
    expectValidationError(() => template.render(), "[template] workload: [] is not valid; declare exactly one workload (e.g. a DistributedTraining, SparkJob or InferenceService) directly in the template's scope");
    new TestJob(template.scope, 'a', { image: 'repo/app:1' });
    new TestJob(template.scope, 'b', { image: 'repo/app:1' });
    expectValidationError(() => template.render(), /^\[template\] workload: \["a","b"\] is not valid; declare exactly one workload/);
  });
});

describe('rendering for a platform', () => {
  test('a template rendered for an app sees what that app registered, after its own; its checks stay its own', () => {
    const app = Testing.chart();
    PlatformContext.of(app).register('kserve-config', 'the platform\'s');
    const template = new WorkloadTemplate({ namespace: 'ml' });
    const ctx = PlatformContext.of(template.scope);
    ctx.register('kserve-config', 'the template\'s own');
    expect(ctx.list('kserve-config')).toEqual(['the template\'s own']);
    template.renderFor(app);
    expect(ctx.list('kserve-config')).toEqual(['the platform\'s', 'the template\'s own']);
    // registered later in the app: still seen (lists are read when checks and renders run)
    PlatformContext.of(app).register('kserve-config', 'declared later');
    expect(ctx.list('kserve-config')).toEqual(['the platform\'s', 'declared later', 'the template\'s own']);
    expect(PlatformContext.of(app).list('kserve-config')).toEqual(['the platform\'s', 'declared later']);
  });

  test('a GPU workload in a template sees the pools of the app it is rendered for', () => {
    const app = Testing.chart();
    new GpuNodePool(app, 'a10g', { instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'ml', role: 'node' } });
    const alone = new WorkloadTemplate({ chartId: 'team' });
    new TestJob(alone.scope, 'score', { name: 'score', image: 'repo/app:1', accelerator: Accelerator.nvidia() });
    expect(() => alone.render()).not.toThrow(); // no pools in sight: nodes managed elsewhere
    const forApp = new WorkloadTemplate({ chartId: 'team', platform: app });
    new TestJob(forApp.scope, 'score', { name: 'score', image: 'repo/app:1', accelerator: Accelerator.nvidia() });
    expectValidationError(() => forApp.render(),
      "[team/score] pool: undefined is not valid; the pods request 1 nvidia.com/gpu but are placed on no node pool; pass one of 'a10g'");
  });

  test('platform must be a construct', () => {
    expectValidationError(() => new WorkloadTemplate({ platform: 'app' as any }), "[template] platform: 'app' is not valid; must be a construct of the app the workload runs in");
  });
});

describe('PlatformContext', () => {
  test('checks run once per synth however many charts cdk8s serializes, and again after any change', () => {
    const app = Testing.app();
    const charts = [0, 1, 2].map(i => new Chart(app, `c${i}`));
    let runs = 0;
    PlatformContext.of(app).check(() => { runs++; });
    app.synthYaml(); // cdk8s validates the whole app once, then again for each of the 3 charts
    expect(runs).toBe(1);
    // a change in the same tick (a pod template, a placement, a registration) runs the checks again
    const pool = new GpuNodePool(charts[0], 'a10g', { instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'ml', role: 'node' } });
    const pod = new PodTemplate({ containers: [{ image: 'repo/app:1' }] });
    placeWorkload(new Construct(charts[1], 'job'), 'pool', pod, pool);
    runs = 0;
    app.synthYaml();
    expect(runs).toBe(1);
    pod.addContainer({ image: 'repo/app:1', name: 'big', resources: { accelerator: Accelerator.nvidia({ count: 9 }) } });
    expectValidationError(() => app.synthYaml(), /^\[c1\/job\] podTemplate\.containers\[1\]\.resources\.accelerator\.count: 9 is not valid; /);
  });

  test('one registry per construct tree', () => {
    const a = Testing.chart();
    const b = Testing.chart();
    PlatformContext.of(a).register('thing', 1);
    PlatformContext.of(new Construct(a, 'deep')).register('thing', 2);
    expect(PlatformContext.of(a).list('thing')).toEqual([1, 2]);
    expect(PlatformContext.of(b).list('thing')).toEqual([]);
  });

  test('checks run at synth, after everything is declared, and throw the library error unchanged', () => {
    const chart = Testing.chart();
    const ctx = PlatformContext.of(chart);
    ctx.check(() => {
      if (ctx.list('pool').length === 0) invalid(chart, 'pool', undefined, 'needs a pool');
    });
    ctx.register('pool', 'declared after the check');
    expect(() => Testing.synth(chart)).not.toThrow();
    const other = Testing.chart();
    PlatformContext.of(other).check(() => invalid(other, 'pool', undefined, 'needs a pool'));
    expectValidationError(() => Testing.synth(other), '[test] pool: undefined is not valid; needs a pool');
  });
});

describe('errors', () => {
  test('NaN, Infinity and -Infinity are printed as such, also inside objects', () => {
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue(-Infinity)).toBe('-Infinity');
    expect(describeValue({ count: Infinity, list: [NaN, 1] })).toBe('{"count":Infinity,"list":[NaN,1]}');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
  });

  test('the message form is documented and parsed back, also with a language runtime prefix', () => {
    const e = expectValidationError(() => invalid(Testing.chart(), 'predictor.env.HF_TOKEN', 'x', 'looks like a credential; use a Secret'),
      "[test] predictor.env.HF_TOKEN: 'x' is not valid; looks like a credential; use a Secret");
    expect(Errors.isValidationErrorMessage(e.message)).toBe(true);
    expect(Errors.parseValidationErrorMessage(`RuntimeError: ${e.message}`)).toEqual({
      constructPath: 'test', field: 'predictor.env.HF_TOKEN', value: "'x'", accepted: 'looks like a credential; use a Secret',
    });
    expect(Errors.isValidationErrorMessage('Validation failed with the following errors')).toBe(false);
    expect(Errors.isValidationErrorMessage("Cannot read properties of undefined (reading 'forEach')")).toBe(false);
    expect(Errors.parseValidationErrorMessage(42 as any)).toBeUndefined();
  });

  test('a pod template names its errors after the props they came from', () => {
    const pod = new PodTemplate({ containers: [{ image: 'repo/app:1', env: { HF_TOKEN: EnvVarValue.fromValue('hf_abcdefghijklmnopqrstuvwxyz0123456789') } }] });
    expectValidationError(() => pod.toPodSpec(Testing.chart()), /^\[test\] podTemplate\.containers\[0\]\.env\.HF_TOKEN: /);
    pod._nameFields({ 'containers[0]': 'predictor', '': 'predictor' });
    expectValidationError(() => pod.toPodSpec(Testing.chart()), /^\[test\] predictor\.env\.HF_TOKEN: /);
    pod._nameFields({ 'containers[0]': '', '': '' });
    expectValidationError(() => pod.toPodSpec(Testing.chart()), /^\[test\] env\.HF_TOKEN: /);
  });
});

describe('durations', () => {
  const chart = new Chart(new App(), 'd');
  test('whole seconds and milliseconds', () => {
    expect(wholeSeconds(chart, 'timeout', Duration.minutes(2))).toBe(120);
    expect(wholeSeconds(chart, 'timeout', undefined)).toBeUndefined();
    expect(wholeMillis(chart, 'timeout', Duration.seconds(1.5))).toBe(1500);
    expectValidationError(() => wholeSeconds(chart, 'timeout', Duration.millis(1500)), "[d] timeout: '1500ms' is not valid; must be a whole number of seconds");
  });

  test('anything but a finite, non-negative Duration is the library error', () => {
    expectValidationError(() => durationMillis(chart, 'timeout', '30s' as any), "[d] timeout: '30s' is not valid; must be a Duration, e.g. Duration.seconds(30)");
    expectValidationError(() => durationMillis(chart, 'timeout', null as any), '[d] timeout: null is not valid; must be a Duration, e.g. Duration.seconds(30)');
    expectValidationError(() => wholeSeconds(chart, 'timeout', Duration.seconds(NaN)), '[d] timeout: NaN is not valid; must be a finite, non-negative Duration');
    expectValidationError(() => wholeSeconds(chart, 'timeout', Duration.seconds(Infinity)), '[d] timeout: Infinity is not valid; must be a finite, non-negative Duration');
    expectValidationError(() => wholeMillis(chart, 'timeout', Duration.millis(0.5)), "[d] timeout: '0.5 millis' is not valid; must be a whole number of milliseconds");
    expectValidationError(() => wholeSeconds(chart, 'timeout', { toMilliseconds: () => -5 } as any), '[d] timeout: -5 is not valid; must be a finite, non-negative Duration');
  });
});
