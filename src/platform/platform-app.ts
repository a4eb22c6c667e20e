import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, Names } from 'cdk8s';
import { AppSynthesis } from './app-synthesis';
import { GitOpsOutput, SynthesizedFile, TieredChart } from './gitops';
import { installsOf, PlatformTier, tierOf } from './tiers';
import { saveYaml, stringifyYaml } from './yaml-writer';

/** Props of {@link PlatformApp}. */
export interface PlatformAppProps extends AppProps {
  /**
   * How the output is laid out for GitOps: Argo CD sync waves, Flux Kustomizations or one directory per tier.
   * @default - one file per chart, as cdk8s writes it, without tiers
   */
  readonly gitOps?: GitOpsOutput;
}

/**
 * A cdk8s App that writes a platform for GitOps: every object gets its {@link PlatformTier} (CRDs, prerequisites,
 * operators, cluster configuration, workloads) and the output is laid out as {@link GitOpsOutput} says, so that
 * each tier is applied before the next.
 *
 * Use it in place of `App`; charts and constructs are declared in it as usual. It also synthesizes in time linear in
 * the app: cdk8s's `App` resolves dependencies and validates the whole app again for every chart it writes (charts x
 * constructs), `PlatformApp` does so once and then writes each chart, with the same objects in the same order. Its
 * YAML is byte for byte cdk8s's (`Yaml.stringify`), written without building a YAML document model per object.
 */
export class PlatformApp extends App {
  /** The GitOps layout (undefined: one file per chart, as cdk8s writes it). */
  public readonly gitOps?: GitOpsOutput;

  private readonly recordMetadata: boolean;

  constructor(props: PlatformAppProps = {}) {
    super(props);
    this.gitOps = props.gitOps;
    this.recordMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
  }

  /**
   * The files the app synthesizes (paths relative to `outdir`) and their objects, without writing them. Runs every
   * validation of the app first, as `synth()` does.
   */
  public synthFiles(): SynthesizedFile[] {
    if (this.gitOps === undefined) return [...this.chartFiles()];
    this.gitOps._validate(this);
    return this.gitOps._arrange(this.tieredCharts(), this.outputFileExtension);
  }

  /**
   * Writes the files of {@link PlatformApp.synthFiles} to `outdir`.
   *
   * Without a GitOps layout, each chart's file is written as soon as it is serialized, so the app's objects are not
   * all held at once.
   */
  public synth(): void {
    fs.mkdirSync(this.outdir, { recursive: true });
    // without a GitOps layout, each chart's file is written before the next chart is serialized
    for (const file of this.gitOps === undefined ? this.chartFiles() : this.synthFiles()) {
      const target = path.join(this.outdir, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      saveYaml(target, file.objects);
    }
    if (this.recordMetadata) {
      const resources: { [name: string]: { path: string } } = {};
      for (const o of this.node.findAll()) if (ApiObject.isApiObject(o)) resources[o.name] = { path: o.node.path };
      fs.writeFileSync(path.join(this.outdir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources }));
    }
  }

  /**
   * The app's objects as one YAML string, as `App.synthYaml()` gives them.
   *
   * The app is prepared once, not once per chart.
   */
  public synthYaml(): string {
    const synthesis = new AppSynthesis(this);
    return stringifyYaml(synthesis.charts.flatMap(chart => synthesis.objectsOf(chart)));
  }

  /**
   * Without a GitOps layout: one file per chart that has objects, named after the chart, as cdk8s writes them;
   * each chart is serialized when the iteration reaches it (the app is validated first, as cdk8s does).
   */
  private *chartFiles(): Generator<SynthesizedFile> {
    const synthesis = new AppSynthesis(this);
    for (const chart of synthesis.charts) {
      const objects = synthesis.objectsOf(chart);
      if (objects.length > 0) yield { path: `${Names.toDnsLabel(chart)}${this.outputFileExtension}`, objects };
    }
  }

  /** Validates the app (as cdk8s does before writing) and returns each chart's objects with their tiers. */
  private tieredCharts(): TieredChart[] {
    const synthesis = new AppSynthesis(this);
    const installs = installsOf(this);
    return synthesis.charts.map(chart => {
      const tiers = new Map<string, PlatformTier>();
      for (const o of chart.node.findAll()) {
        if (!ApiObject.isApiObject(o) || Chart.of(o) !== chart) continue;
        tiers.set(identity(o.apiVersion, o.kind, o.metadata.namespace, o.name), tierOf(o, installs));
      }
      const objects = synthesis.objectsOf(chart).map((json: any) => ({
        json,
        tier: tiers.get(identity(json.apiVersion, json.kind, json.metadata?.namespace, json.metadata?.name)) ?? PlatformTier.WORKLOADS,
      }));
      return { name: Names.toDnsLabel(chart), objects };
    });
  }
}

function identity(apiVersion: string, kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${apiVersion}|${kind}|${namespace ?? ''}|${name ?? ''}`;
}
