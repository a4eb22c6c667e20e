import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * An operator installed from the install manifests its pinned upstream release ships (rendered by
 * `npm run upstream` from the pinned Go module and shipped in this package), with typed settings applied after
 * loading. Every install construct of `src/operators` implements it; compositions (GitOps tiers, sync waves,
 * health checks) read installs only through this interface.
 */
export interface IOperatorInstall extends IConstruct {
  /** Short id of the operator, the id of its pin (e.g. `kserve`, `kueue`, `argo-workflows`). */
  readonly operatorName: string;
  /** Upstream version installed (the pin of `UpstreamVersions`). */
  readonly version: string;
  /** Namespace the operator's controllers run in. */
  readonly namespace: string;
  /** Every object of the install, CRDs included, in the order they are synthesized. */
  readonly objects: ApiObject[];
  /** The CustomResourceDefinitions of the install (a subset of `objects`). */
  readonly crds: ApiObject[];
  /** Every container image the install's pods run, as synthesized (registry override applied). */
  readonly images: string[];
  /** Installs this one needs in the cluster first (KServe needs cert-manager), in the same app. */
  readonly prerequisites: IOperatorInstall[];
}
