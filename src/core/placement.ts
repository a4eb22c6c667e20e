import { TaintEffect } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { check, Is, LABEL_VALUE_ACCEPTED } from './checks';
import { PlatformContext } from './context';
import { invalid } from './errors';
import { ResourceNames } from './names';

/** The rules of a {@link Taint} (a toleration or a node taint). @internal */
export const TAINT_RULE = Is.shape({
  key: Is.required(Is.matching(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
    "taint keys are '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'", 317)),
  value: Is.matching(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, 'taint values are ' + LABEL_VALUE_ACCEPTED.replace(/^label values are /, ''), 63),
  effect: Is.required(Is.enumOf(TaintEffect, 'TaintEffect')),
}, 'must be a taint: { key, value?, effect }');

/** A node taint. */
export interface Taint {
  /** Taint key, e.g. `nvidia.com/gpu`. */
  readonly key: string;
  /**
   * Taint value.
   * @default - no value
   */
  readonly value?: string;
  /** Taint effect. */
  readonly effect: TaintEffect;
}

/** Operator of a node selector requirement. */
export enum NodeOperator {
  /** The label's value is one of the values. */
  IN = 'In',
  /** The label's value is none of the values. */
  NOT_IN = 'NotIn',
  /** The label exists. */
  EXISTS = 'Exists',
  /** The label does not exist. */
  DOES_NOT_EXIST = 'DoesNotExist',
  /** The label's integer value is greater than the single value. */
  GT = 'Gt',
  /** The label's integer value is less than the single value. */
  LT = 'Lt',
}

/** A requirement on a node label. */
export interface NodeRequirement {
  /** Label key. */
  readonly key: string;
  /** Operator. */
  readonly operator: NodeOperator;
  /**
   * Values (required for In/NotIn/Gt/Lt, empty for Exists/DoesNotExist).
   * @default []
   */
  readonly values?: string[];
}

/** Initial placement settings; all can also be added later through {@link Placement} methods. */
export interface PlacementProps {
  /**
   * Node labels the pods must run on.
   * @default {}
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Taints the pods tolerate.
   * @default []
   */
  readonly tolerations?: Taint[];
  /**
   * Required node affinity: all must hold.
   * @default []
   */
  readonly requiredNodeAffinity?: NodeRequirement[];
  /**
   * PriorityClass of the pods.
   * @default - the cluster default priority
   */
  readonly priorityClassName?: string;
}

/** The rules of a {@link NodeRequirement}. @internal */
export const REQUIREMENT_RULE = Is.shape({
  key: Is.required(Is.labelKey()),
  operator: Is.required(Is.enumOf(NodeOperator, 'NodeOperator')),
  values: Is.arrayOf(Is.labelValue()),
}, 'must be a node requirement: { key, operator, values? }');

/**
 * Where a workload's pods run: node selector, tolerations, node affinity and priority.
 * GPU node pools and batch queues fill this in when a workload is placed on them.
 */
export class Placement {
  private readonly selector: Record<string, string> = {};
  private readonly tolerationList: Taint[] = [];
  private readonly required: NodeRequirement[] = [];
  private readonly podLabelMap: Record<string, string> = {};
  private readonly podAnnotationMap: Record<string, string> = {};
  private priorityClass?: string;
  /** Changes made through the mutators (see `_revision`). */
  private changes = 0;

  private readonly given: PlacementProps;

  constructor(props: PlacementProps = {}) {
    this.given = props ?? {};
    const p = this.given;
    if (p.nodeSelector !== null && typeof p.nodeSelector === 'object') Object.entries(p.nodeSelector).forEach(([k, v]) => this.selector[k] = v);
    if (Array.isArray(p.tolerations)) p.tolerations.forEach(t => this.tolerate(t));
    if (Array.isArray(p.requiredNodeAffinity)) p.requiredNodeAffinity.forEach(r => this.requireNode(r));
    this.priorityClass = p.priorityClassName;
  }

  /** PriorityClass of the pods. */
  public get priorityClassName(): string | undefined {
    return this.priorityClass;
  }

  public set priorityClassName(name: string | undefined) {
    this.changed();
    this.priorityClass = name;
  }

  /** A mutator ran: the app's renders and this placement's revision are out of date. */
  private changed(): void {
    PlatformContext.touch();
    this.changes++;
  }

  /**
   * A number that grows with every change made through this placement's mutators: a rendering that read it
   * is still current while it is unchanged.
   * @internal
   */
  public get _revision(): number {
    return this.changes;
  }

  /** Requires a node label value (node selector). */
  public selectNodeLabel(key: string, value: string): void {
    this.changed();
    this.selector[key] = value;
  }

  /** Tolerates a taint (idempotent). */
  public tolerate(taint: Taint): void {
    this.changed();
    if (!this.tolerationList.some(t => JSON.stringify(t) === JSON.stringify(taint))) {
      this.tolerationList.push(taint);
    }
  }

  /** Adds a required node affinity term (idempotent). */
  public requireNode(requirement: NodeRequirement): void {
    this.changed();
    if (!this.required.some(r => JSON.stringify(r) === JSON.stringify(requirement))) {
      this.required.push(requirement);
    }
  }

  /** Adds a label to the pods (e.g. a queue name). */
  public addPodLabel(key: string, value: string): void {
    this.changed();
    this.podLabelMap[key] = value;
  }

  /** Adds an annotation to the pods (e.g. `karpenter.sh/do-not-disrupt`). */
  public addPodAnnotation(key: string, value: string): void {
    this.changed();
    this.podAnnotationMap[key] = value;
  }

  /** Node selector. */
  public get nodeSelector(): { [key: string]: string } {
    return { ...this.selector };
  }

  /** Tolerated taints. */
  public get tolerations(): Taint[] {
    return [...this.tolerationList];
  }

  /** Required node affinity. */
  public get requiredNodeAffinity(): NodeRequirement[] {
    return [...this.required];
  }

  /** Labels added to the pods. */
  public get podLabels(): { [key: string]: string } {
    return { ...this.podLabelMap };
  }

  /** Annotations added to the pods. */
  public get podAnnotations(): { [key: string]: string } {
    return { ...this.podAnnotationMap };
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    const p = this.given;
    check(scope, `${field}.nodeSelector`, p.nodeSelector, Is.present('must be a map of label keys to label values'));
    check(scope, `${field}.tolerations`, p.tolerations, Is.arrayOf(Is.present('must be a taint')));
    check(scope, `${field}.requiredNodeAffinity`, p.requiredNodeAffinity, Is.arrayOf(Is.present('must be a node requirement')));
    check(scope, `${field}.priorityClassName`, this.priorityClassName, Is.dnsSubdomain());
    for (const [k, v] of Object.entries(this.selector)) {
      if (!ResourceNames.isQualifiedName(k)) {
        invalid(scope, `${field}.nodeSelector`, k, "node selector keys are label keys: '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'");
      }
      if (!ResourceNames.isLabelValue(v)) {
        invalid(scope, `${field}.nodeSelector.${k}`, v, "node selector values are label values: at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
      }
    }
    this.required.forEach((r, i) => {
      check(scope, `${field}.requiredNodeAffinity[${i}]`, r, Is.required(REQUIREMENT_RULE));
      const needsValues = r.operator === NodeOperator.IN || r.operator === NodeOperator.NOT_IN;
      const needsOne = r.operator === NodeOperator.GT || r.operator === NodeOperator.LT;
      const n = r.values?.length ?? 0;
      if ((needsValues && n === 0) || (needsOne && (n !== 1 || !/^-?[0-9]+$/.test(r.values![0]))) || (!needsValues && !needsOne && n > 0)) {
        invalid(scope, `${field}.requiredNodeAffinity[${i}].values`, r.values ?? [],
          `operator ${r.operator} takes ${needsValues ? 'one or more values' : needsOne ? 'exactly one integer value' : 'no values'}`);
      }
    });
    this.tolerationList.forEach((t, i) => check(scope, `${field}.tolerations[${i}]`, t, Is.required(TAINT_RULE)));
  }

  /** @internal Pod spec fields. */
  public _renderPodSpec(extraNodeSelector: { [key: string]: string } = {}): any {
    const selector = { ...extraNodeSelector, ...this.selector };
    const tolerations = this.tolerationList.map(t => ({
      key: t.key,
      operator: t.value === undefined ? 'Exists' : 'Equal',
      value: t.value,
      effect: t.effect,
    }));
    return {
      nodeSelector: Object.keys(selector).length ? sortKeys(selector) : undefined,
      tolerations: tolerations.length ? tolerations : undefined,
      affinity: this.required.length ? {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{
              matchExpressions: this.required.map(r => ({ key: r.key, operator: r.operator, values: r.values?.length ? r.values : undefined })),
            }],
          },
        },
      } : undefined,
      priorityClassName: this.priorityClassName,
    };
  }
}

/** @internal A copy of `m` with its keys in sorted order (stable output). */
export function sortKeys(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => a.localeCompare(b)));
}
