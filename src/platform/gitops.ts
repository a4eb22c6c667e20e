import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PlatformTier, PlatformTiers } from './tiers';
import { invalid } from '../core/errors';
import { checkDns1123Label } from '../core/names';

/** Argo CD's sync-wave annotation. */
export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
/** Argo CD's sync-options annotation. */
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** API version of Flux's Kustomization. */
export const FLUX_KUSTOMIZATION_API_VERSION = 'kustomize.toolkit.fluxcd.io/v1';

/** API groups served by Kubernetes itself (objects of other groups are custom resources). */
const BUILT_IN_GROUPS = new Set([
  '', 'apps', 'batch', 'policy', 'autoscaling', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io',
  'scheduling.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'coordination.k8s.io', 'node.k8s.io',
  'discovery.k8s.io', 'certificates.k8s.io', 'apiregistration.k8s.io', 'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io', 'events.k8s.io',
]);

/** Kind of the Flux source the Kustomizations read the synthesized manifests from. */
export enum FluxSourceKind {
  /** A `source.toolkit.fluxcd.io` GitRepository. */
  GIT_REPOSITORY = 'GitRepository',
  /** An OCIRepository (manifests pushed with `flux push artifact`). */
  OCI_REPOSITORY = 'OCIRepository',
  /** A Bucket. */
  BUCKET = 'Bucket',
}

/** Options of {@link GitOpsOutput.argoCdSyncWaves}. */
export interface ArgoCdSyncWavesOptions {
  /**
   * Sync wave of the first tier (CRDs); each later tier gets the next wave.
   * @default -2 (CRDs -2, prerequisites -1, operators 0, cluster configuration 1, workloads 2)
   */
  readonly firstWave?: number;
}

/** Options of {@link GitOpsOutput.fluxKustomizations}. */
export interface FluxKustomizationsOptions {
  /** Name of the Flux source (e.g. the GitRepository) holding the synthesized output. */
  readonly sourceName: string;
  /**
   * Kind of the source.
   * @default FluxSourceKind.GIT_REPOSITORY
   */
  readonly sourceKind?: FluxSourceKind;
  /**
   * Path of the synthesized output directory in the source (the tier directories are below it).
   * @default './dist'
   */
  readonly path?: string;
  /**
   * Namespace of the Kustomizations (and of the source).
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /**
   * Prefix of the Kustomizations' names (`<prefix>-<tier>`).
   * @default 'platform'
   */
  readonly namePrefix?: string;
  /**
   * How often Flux reconciles each tier.
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;
  /**
   * How long Flux waits for a tier's objects to become ready before the tier fails.
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
  /**
   * Delete objects that disappear from the output.
   * @default true
   */
  readonly prune?: boolean;
}

/** One file of a platform's synthesized output. */
export interface SynthesizedFile {
  /** Path relative to the output directory, e.g. `platform.k8s.yaml` or `2-operators/platform.k8s.yaml`. */
  readonly path: string;
  /** The objects of the file, in order. */
  readonly objects: any[];
}

/** One chart's objects with their tiers, in synthesis order. @internal */
export interface TieredChart {
  readonly name: string;
  readonly objects: Array<{ readonly json: any; readonly tier: PlatformTier }>;
}

enum Mode { ARGO = 'argo', FLUX = 'flux', DIRECTORIES = 'directories' }

/**
 * How a platform's output is laid out for GitOps, so that each {@link PlatformTier} is applied (and healthy) before
 * the next. Pass it to {@link PlatformApp}.
 */
export class GitOpsOutput {
  /**
   * One file per chart, as cdk8s writes it, every object annotated with its tier's Argo CD sync wave
   * (`argocd.argoproj.io/sync-wave`). CRDs are applied server-side (`ServerSideApply=true`: several are larger than
   * client-side apply allows) and custom resources skip the dry-run while their CRD is not yet installed
   * (`SkipDryRunOnMissingResource=true`). Argo CD moves to the next wave once the previous one is healthy: ship the
   * platform's {@link ArgoCdHealthChecks} so that the kinds Argo CD knows nothing of are judged too.
   */
  public static argoCdSyncWaves(options: ArgoCdSyncWavesOptions = {}): GitOpsOutput {
    return new GitOpsOutput(Mode.ARGO, options, undefined);
  }

  /**
   * One directory per tier ({@link GitOpsOutput.directoryPerTier}) plus `flux/kustomizations.k8s.yaml`: one Flux
   * `Kustomization` per tier with objects, each `dependsOn` the previous one and waiting for its objects to be
   * ready (the workloads tier does not wait: jobs run for hours). Flux applies server-side, so large CRDs are fine.
   */
  public static fluxKustomizations(options: FluxKustomizationsOptions): GitOpsOutput {
    return new GitOpsOutput(Mode.FLUX, {}, options);
  }

  /**
   * One directory per tier (`0-crds/`, `1-prerequisites/`, `2-operators/`, `3-cluster-config/`, `4-workloads/`),
   * one file per chart in each: apply them in name order (`kubectl apply --server-side -f <dir>`), waiting for
   * each to be ready.
   */
  public static directoryPerTier(): GitOpsOutput {
    return new GitOpsOutput(Mode.DIRECTORIES, {}, undefined);
  }

  /** The directory of a tier's files in the directory and Flux layouts (e.g. `2-operators`). */
  public static directoryOf(tier: PlatformTier): string {
    return `${PlatformTiers.indexOf(tier)}-${tier}`;
  }

  private constructor(
    private readonly mode: Mode,
    private readonly argo: ArgoCdSyncWavesOptions,
    private readonly flux: FluxKustomizationsOptions | undefined,
  ) {}

  /** Checks the options (in the scope of the app that uses them). @internal */
  public _validate(scope: IConstruct): void {
    if (this.argo.firstWave !== undefined && !Number.isInteger(this.argo.firstWave)) {
      invalid(scope, 'gitOps.firstWave', this.argo.firstWave, 'an integer');
    }
    const flux = this.flux;
    if (flux === undefined) return;
    if (!flux.sourceName?.trim()) invalid(scope, 'gitOps.sourceName', flux.sourceName, 'the name of the Flux source holding the output');
    checkDns1123Label(scope, 'gitOps.namespace', flux.namespace);
    if (flux.path !== undefined && (flux.path.trim() === '' || flux.path.startsWith('/') || flux.path.split('/').includes('..'))) {
      invalid(scope, 'gitOps.path', flux.path, "a path relative to the source's root, without '..' (e.g. './dist')");
    }
    if (flux.namePrefix !== undefined && !/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/.test(flux.namePrefix)) {
      invalid(scope, 'gitOps.namePrefix', flux.namePrefix, 'a DNS-1123 label of at most 32 characters');
    }
  }

  /** Lays out the charts' objects as files. @internal */
  public _arrange(charts: TieredChart[], extension: string): SynthesizedFile[] {
    if (this.mode === Mode.ARGO) {
      const first = this.argo.firstWave ?? -2;
      return charts.filter(c => c.objects.length > 0).map(c => ({
        path: `${c.name}${extension}`,
        objects: c.objects.map(o => annotateForArgo(o.json, first + PlatformTiers.indexOf(o.tier))),
      }));
    }
    const files: SynthesizedFile[] = [];
    const used: PlatformTier[] = [];
    for (const tier of PlatformTiers.ALL) {
      for (const c of charts) {
        const objects = c.objects.filter(o => o.tier === tier).map(o => o.json);
        if (objects.length === 0) continue;
        if (!used.includes(tier)) used.push(tier);
        files.push({ path: `${GitOpsOutput.directoryOf(tier)}/${c.name}${extension}`, objects });
      }
    }
    if (this.mode === Mode.FLUX) files.push({ path: `flux/kustomizations${extension}`, objects: this.fluxKustomizations(used) });
    return files;
  }

  private fluxKustomizations(tiers: PlatformTier[]): any[] {
    const o = this.flux!;
    const prefix = o.namePrefix ?? 'platform';
    const namespace = o.namespace ?? 'flux-system';
    const base = (o.path ?? './dist').replace(/\/+$/, '');
    return tiers.map((tier, i) => ({
      apiVersion: FLUX_KUSTOMIZATION_API_VERSION,
      kind: 'Kustomization',
      metadata: { name: `${prefix}-${tier}`, namespace },
      spec: {
        interval: goDuration(o.interval ?? Duration.minutes(10)),
        timeout: goDuration(o.timeout ?? Duration.minutes(10)),
        path: `${base.startsWith('.') ? '' : './'}${base}/${GitOpsOutput.directoryOf(tier)}`,
        prune: o.prune ?? true,
        wait: tier !== PlatformTier.WORKLOADS,
        sourceRef: { kind: o.sourceKind ?? FluxSourceKind.GIT_REPOSITORY, name: o.sourceName },
        ...(i > 0 ? { dependsOn: [{ name: `${prefix}-${tiers[i - 1]}` }] } : {}),
      },
    }));
  }
}

function goDuration(d: Duration): string {
  const s = d.toSeconds();
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

function annotateForArgo(json: any, wave: number): any {
  const group = typeof json.apiVersion === 'string' && json.apiVersion.includes('/') ? json.apiVersion.split('/')[0] : '';
  const annotations: { [key: string]: string } = { ...(json.metadata?.annotations ?? {}) };
  annotations[ARGOCD_SYNC_WAVE] = String(wave);
  const options = (annotations[ARGOCD_SYNC_OPTIONS] ?? '').split(',').map(s => s.trim()).filter(Boolean);
  if (json.kind === 'CustomResourceDefinition' && group === 'apiextensions.k8s.io') options.push('ServerSideApply=true');
  else if (!BUILT_IN_GROUPS.has(group)) options.push('SkipDryRunOnMissingResource=true');
  if (options.length) annotations[ARGOCD_SYNC_OPTIONS] = [...new Set(options)].join(',');
  return { ...json, metadata: { ...(json.metadata ?? {}), annotations } };
}
