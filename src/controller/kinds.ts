import { Construct } from 'constructs';
import { fromSpecStruct, METADATA_PROPS, SpecErrors, toSpecStruct } from './spec';
import { jsiiType, runtimeValue } from './spec-assembly';
import { renameField } from '../core/errors';
import { IWorkload } from '../core/workload';

/** API group of the platform kinds. */
export const PLATFORM_API_GROUP = 'platform.ai.cdk8s.io';
/** API version of the platform kinds. */
export const PLATFORM_API_VERSION = 'v1alpha1';

/** A platform kind: a workload construct offered as a Kubernetes custom resource. */
export interface PlatformKind {
  /** Kind, the construct's class name (e.g. `DistributedTraining`). */
  readonly kind: string;
  /** Plural resource name (e.g. `distributedtrainings`). */
  readonly plural: string;
  /** Singular resource name (e.g. `distributedtraining`). */
  readonly singular: string;
  /** Short names for kubectl. */
  readonly shortNames: string[];
}

/** A platform kind and the construct it is rendered with. @internal */
export interface PlatformKindEntry extends PlatformKind {
  /** jsii fqn of the construct class */
  readonly constructFqn: string;
  /** jsii fqn of its props struct (the spec's type) */
  readonly propsFqn: string;
}

/**
 * The workloads offered as platform kinds and their kubectl short names. Kinds are the construct names; where an
 * operator's kind has the same name (KServe's InferenceService, Fluid's Dataset), `kubectl get` needs the full
 * resource name (`inferenceservices.platform.ai.cdk8s.io`), the short name or the `ai-platform` category.
 */
const KINDS: Array<[string, string[]]> = [
  ['SparkJob', ['sparkjob', 'sj']],
  ['DistributedTraining', ['dtrain']],
  ['FineTuning', ['finetune', 'ft']],
  ['HyperparameterExperiment', ['hpexp']],
  ['InferenceService', ['pisvc']],
  ['MLPipeline', ['mlpipe']],
  ['Dataset', ['pds']],
  ['BatchJob', ['bjob']],
];

let entries: PlatformKindEntry[] | undefined;

/** Every platform kind with its construct and props types (read from the jsii assembly). @internal */
export function platformKindEntries(): PlatformKindEntry[] {
  if (entries) return entries;
  entries = KINDS.map(([kind, shortNames]) => {
    const constructFqn = `cdk8s-ai-platform.${kind}`;
    const init = jsiiType(constructFqn).initializer?.parameters ?? [];
    const propsFqn = init[2]?.type.fqn;
    if (!propsFqn) throw new Error(`${constructFqn}'s initializer has no props parameter`);
    const lower = kind.toLowerCase();
    const singular = shortNames[0] === lower ? lower : lower;
    return { kind, plural: `${lower}s`, singular, shortNames: shortNames.filter(s => s !== lower), constructFqn, propsFqn };
  });
  return entries;
}

/** The platform kinds. */
export function platformKinds(): PlatformKind[] {
  return platformKindEntries().map(({ kind, plural, singular, shortNames }) => ({ kind, plural, singular, shortNames: [...shortNames] }));
}

/** The platform kind named `kind`, or undefined. @internal */
export function platformKind(kind: string): PlatformKindEntry | undefined {
  return platformKindEntries().find(k => k.kind === kind);
}

/** Metadata of the custom resource a workload is declared from. @internal */
export interface SpecMetadata {
  readonly name?: string;
  readonly namespace?: string;
}

/**
 * Declares the workload of platform kind `kind` from its spec (the JSON form of its props; `name` and `namespace`
 * come from `metadata`, not from the spec). Invalid specs throw the library's ValidationError with the field as
 * `spec.<prop path>` (`metadata.name` / `metadata.namespace` for those). @internal
 */
export function workloadFromSpec(kind: string, scope: Construct, id: string, spec: any, metadata: SpecMetadata = {}): IWorkload {
  const entry = platformKind(kind);
  if (!entry) throw new Error(`${kind} is not a platform kind (${platformKindEntries().map(k => k.kind).join(', ')})`);
  const path = scope.node.path ? `${scope.node.path}/${id}` : id;
  const props = fromSpecStruct(entry.propsFqn, spec ?? {}, 'spec', new SpecErrors(path), METADATA_PROPS);
  const Cls = runtimeValue(entry.constructFqn);
  const meta = Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined));
  try {
    return new Cls(scope, id, { ...props, ...meta });
  } catch (e) {
    throw specError(e, path);
  }
}

/**
 * A ValidationError of the workload at `constructPath` (or below it) with its field named as in a custom resource:
 * `spec.<prop path>`, or `metadata.name` / `metadata.namespace`. Other errors are returned as they are. @internal
 */
export function specError(e: unknown, constructPath: string): unknown {
  const cp = (e as any)?.constructPath;
  if (typeof cp !== 'string' || (cp !== constructPath && !cp.startsWith(`${constructPath}/`))) return e;
  return renameField(e, f => (f.startsWith('spec.') || f.startsWith('metadata.') ? f
    : METADATA_PROPS.includes(f) ? `metadata.${f}` : `spec.${f}`));
}

/**
 * The spec of platform kind `kind` for the construct props `props` (the inverse of {@link workloadFromSpec}). One-of
 * values must come from their static factories after the controller module was loaded; props without a spec form
 * (`pool`, `queue`, `runtime` ...) throw. `name` and `namespace` are left out (they are the resource's metadata). @internal
 */
export function specFromProps(kind: string, props: any): any {
  const entry = platformKind(kind);
  if (!entry) throw new Error(`${kind} is not a platform kind`);
  return toSpecStruct(entry.propsFqn, props, 'spec', METADATA_PROPS);
}
