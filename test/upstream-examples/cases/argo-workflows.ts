import { Duration } from 'cdk8s';
import { ConcurrencyPolicy, CronSchedule, MLPipeline, PipelineRun } from '../../../src';
import { Outcome, UpstreamCase } from '../harness';

const C = 'argo-workflows';

/** The least-privilege account the library gives a pipeline's steps (Argo's executor records step results). */
const STEPS_ACCOUNT = (name: string) => ({
  [`ServiceAccount/${name}-steps`]: 'the steps run as their own ServiceAccount, not the namespace default',
  [`Role/${name}-steps`]: 'allows the executor exactly what it needs: create and patch workflowtaskresults',
  [`RoleBinding/${name}-steps`]: 'binds the Role to the steps\' ServiceAccount',
});

const COMMON_DIFFERENCES = {
  'metadata.name': 'the library names every object (GitOps tools apply by name); upstream uses generateName, which only `argo submit`/`kubectl create` can use',
  'metadata.generateName': 'see metadata.name',
  'spec.serviceAccountName': 'the steps\' own least-privilege ServiceAccount (see the extra objects)',
};

const ENTRYPOINT_DAG = {
  'spec.entrypoint': 'the library\'s entrypoint is always a DAG template named `main` whose tasks run the templates',
};

export const ARGO_WORKFLOWS_CASES: UpstreamCase[] = [
  {
    component: C,
    file: 'examples/hello-world.yaml',
    outcome: Outcome.DIFFERS,
    build: chart => {
      const w = new MLPipeline(chart, 'hello-world', {
        name: 'hello-world',
        labels: { 'workflows.argoproj.io/archive-strategy': 'false' },
        annotations: { 'workflows.argoproj.io/description': 'This is a simple hello world example.\n' },
      });
      w.addTask('hello-world', w.addContainer('hello-world', { container: { image: 'busybox', command: ['echo'], args: ['hello world'] } }));
    },
    differences: {
      ...COMMON_DIFFERENCES,
      ...ENTRYPOINT_DAG,
      'spec.templates': 'see spec.entrypoint: the library adds the DAG template `main` (two templates, upstream one)',
      'spec.workflowMetadata.labels.workflows.argoproj.io/archive-strategy': 'the library also copies the pipeline\'s labels to workflowMetadata (labels of the Workflow it runs, the same object here)',
    },
    extraObjects: STEPS_ACCOUNT('hello-world'),
  },
  {
    component: C,
    file: 'examples/dag-diamond.yaml',
    outcome: Outcome.DIFFERS,
    build: chart => {
      const w = new MLPipeline(chart, 'dag-diamond', { name: 'dag-diamond' });
      const echo = w.addContainer('echo', {
        container: { image: 'busybox', command: ['echo', '{{inputs.parameters.message}}'] }, inputs: [{ name: 'message' }],
      });
      const [a, b, c, d] = ['A', 'B', 'C', 'D'].map(n => w.addTask(n, echo, { arguments: { message: n } }));
      w.chain([a], [b, c], [d]);
    },
    differences: {
      ...COMMON_DIFFERENCES,
      ...ENTRYPOINT_DAG,
      'spec.templates[0].name': 'see spec.entrypoint',
    },
    extraObjects: STEPS_ACCOUNT('dag-diamond'),
  },
  {
    component: C,
    file: 'examples/steps.yaml',
    outcome: Outcome.DIFFERS,
    build: chart => {
      const w = new MLPipeline(chart, 'steps', { name: 'steps' });
      const print = w.addContainer('print-message', {
        container: { image: 'busybox', command: ['echo'], args: ['{{inputs.parameters.message}}'] }, inputs: [{ name: 'message' }],
      });
      const [h1, h2a, h2b] = ['hello1', 'hello2a', 'hello2b'].map(n => w.addTask(n, print, { arguments: { message: n } }));
      w.chain([h1], [h2a, h2b]);
    },
    differences: {
      ...COMMON_DIFFERENCES,
      ...ENTRYPOINT_DAG,
      'spec.templates[0].name': 'see spec.entrypoint',
      'spec.templates[0].dag': 'upstream runs the same order as `steps` (a list of lists of parallel steps); the library writes a DAG (`depends`)',
      'spec.templates[0].steps': 'see spec.templates[0].dag',
    },
    extraObjects: STEPS_ACCOUNT('steps'),
  },
  {
    component: C,
    file: 'examples/cron-workflow.yaml',
    outcome: Outcome.DIFFERS,
    build: chart => {
      const w = new MLPipeline(chart, 'hello-world', {
        name: 'hello-world',
        run: PipelineRun.scheduled({
          schedules: [CronSchedule.expression('* * * * *')],
          timezone: 'America/Los_Angeles',
          startingDeadline: Duration.seconds(0),
          concurrencyPolicy: ConcurrencyPolicy.REPLACE,
          successfulRunsHistoryLimit: 4,
          failedRunsHistoryLimit: 4,
          suspend: false,
        }),
      });
      w.addTask('hello-world-with-time', w.addContainer('hello-world-with-time', {
        container: { image: 'busybox', command: ['echo'], args: ['🕓 hello world. Scheduled on: {{workflow.scheduledTime}}'] },
      }));
    },
    differences: {
      'spec.workflowSpec.serviceAccountName': COMMON_DIFFERENCES['spec.serviceAccountName'],
      'spec.workflowSpec.entrypoint': ENTRYPOINT_DAG['spec.entrypoint'],
      'spec.workflowSpec.templates': 'see spec.workflowSpec.entrypoint: the library adds the DAG template `main` (two templates, upstream one)',
    },
    extraObjects: STEPS_ACCOUNT('hello-world'),
  },
];
