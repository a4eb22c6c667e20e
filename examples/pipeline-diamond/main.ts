/**
 * The talk's Hera example: the diamond `A >> [B, C] >> D` over one script template `echo(message)`, as an Argo
 * Workflow. The pipeline also gets its ServiceAccount with a least-privilege Role (the executor's
 * workflowtaskresults only, since no step creates objects) and restricted pods.
 *
 *   npm run synth -- pipeline-diamond
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { MLPipeline } from '../../src';

export class PipelineDiamondChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'pipelines', ...props });

    const w = new MLPipeline(this, 'dag-diamond', { name: 'dag-diamond' });
    const echo = w.addScript('echo', { image: 'python:3.12-alpine', source: 'print("{{inputs.parameters.message}}")', inputs: [{ name: 'message' }] });
    const [a, b, c, d] = ['A', 'B', 'C', 'D'].map(n => w.addTask(n, echo, { arguments: { message: n } }));
    w.chain([a], [b, c], [d]);
  }
}

const app = new App();
new PipelineDiamondChart(app, 'pipeline-diamond');
app.synth();
