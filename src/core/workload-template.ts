import { App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PlatformContext } from './context';
import { invalid } from './errors';
import { IWorkload, RenderedWorkload, WorkloadBase } from './workload';

/** Props of {@link WorkloadTemplate}. */
export interface WorkloadTemplateProps {
  /**
   * Namespace of the private chart (the workload's default namespace).
   * @default - none
   */
  readonly namespace?: string;
  /**
   * Id of the private chart: the first segment of the construct paths named in errors and of default names.
   * @default 'template'
   */
  readonly chartId?: string;
  /**
   * Labels the private chart gives every object (as a Chart's `labels` do).
   * @default {}
   */
  readonly labels?: { [key: string]: string };
  /**
   * A construct of the app whose platform the workload runs on: the workload then sees that app's operator installs,
   * KServe and Katib configuration, node pools and runtimes, and renders as it would inside it (e.g. the KServe
   * deployment mode of the app's KServe install). Pipelines and experiments set it to themselves when they take
   * the template.
   * @default - the workload sees only what is declared in the template
   */
  readonly platform?: IConstruct;
}

/**
 * A private app and chart to declare one workload in and render it in isolation: its objects never reach any
 * app's output, and its rendering equals what the same props give inside an app (same construct path, same
 * namespace). Katib trial templates, pipeline resource steps and the runtime controller render workloads this way.
 *
 * ```ts
 * const t = new WorkloadTemplate({ namespace: 'ml' });
 * new DistributedTraining(t.scope, 'trial', { ... });
 * const { primary, supporting } = t.render();
 * ```
 */
export class WorkloadTemplate {
  /** The private chart: declare the workload in it. */
  public readonly scope: Construct;

  constructor(props: WorkloadTemplateProps = {}) {
    const app = new App({ outdir: 'cdk8s.out' });
    this.scope = new Chart(app, props.chartId ?? 'template', { namespace: props.namespace, labels: props.labels });
    if (props.platform) this.renderFor(props.platform);
  }

  /**
   * Renders the workload for the platform of `platform`'s app (see {@link WorkloadTemplateProps.platform}).
   * @param platform a construct of that app
   */
  public renderFor(platform: IConstruct): void {
    if (platform === null || typeof platform !== 'object' || typeof (platform as any).node?.root !== 'object') {
      invalid(this.scope, 'platform', platform, 'must be a construct of the app the workload runs in');
    }
    if (platform.node.root === this.scope.node.root) return;
    PlatformContext.of(this.scope).renderFor(platform);
  }

  /** The workload declared in the private chart (exactly one must be). */
  public get workload(): IWorkload {
    const found = this.scope.node.children.filter(c => WorkloadBase.isWorkload(c)) as unknown as IWorkload[];
    if (found.length !== 1) {
      invalid(this.scope, 'workload', found.map(w => w.node.id),
        'declare exactly one workload (e.g. a DistributedTraining, SparkJob or InferenceService) directly in the template\'s scope');
    }
    return found[0];
  }

  /** Renders the workload's primary and supporting objects (running the app's synth-time checks first). */
  public render(): RenderedWorkload {
    const workload = this.workload;
    for (const c of this.scope.node.root.node.findAll()) {
      for (const problem of c.node.validate()) invalid(c, 'synth', problem, 'the check above failed');
    }
    return workload.render();
  }
}
