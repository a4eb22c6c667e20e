import { Names } from 'cdk8s';
import { IConstruct } from 'constructs';
import { check, Is, isQualifiedName } from './checks';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Kubernetes name rules, and stable generated names.
 */
export class ResourceNames {
  /** Whether `name` is a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters). */
  public static isDns1123Label(name: string): boolean {
    return typeof name === 'string' && name.length <= 63 && DNS1123_LABEL.test(name);
  }

  /** Whether `name` is a DNS-1123 subdomain (labels joined by '.', at most 253 characters). */
  public static isDns1123Subdomain(name: string): boolean {
    return typeof name === 'string' && name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
  }

  /** Whether `key` is a valid label or annotation key (`[prefix/]name`). */
  public static isQualifiedName(key: string): boolean {
    return isQualifiedName(key);
  }

  /** Whether `value` is a valid label value (at most 63 characters). */
  public static isLabelValue(value: string): boolean {
    return typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value);
  }

  /**
   * A stable DNS-1123 label for `scope`, derived from its construct path, that never exceeds
   * `maxLength` characters (a short hash keeps truncated names unique).
   *
   * @param maxLength between 8 and 63 (default 63)
   */
  public static uniqueLabel(scope: IConstruct, maxLength?: number): string {
    const max = Math.max(Math.min(maxLength ?? 63, 63), 8);
    // cdk8s keeps '_' and '.' from construct ids; a DNS-1123 label cannot hold them
    return Names.toDnsLabel(scope, { maxLen: max }).replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
  }

  private constructor() {}
}

/** Throws unless `name` is a DNS-1123 label (undefined passes: the prop was left out). */
export function checkDns1123Label(scope: IConstruct, field: string, name: string | undefined, maxLength = 63): void {
  check(scope, field, name, Is.dnsLabel(maxLength));
}

/** Throws unless `name` is a DNS-1123 subdomain (undefined passes). */
export function checkDns1123Subdomain(scope: IConstruct, field: string, name: string | undefined): void {
  check(scope, field, name, Is.dnsSubdomain());
}

/** Throws unless every key and value is a valid label (errors name `<field>.<key>`). */
export function checkLabels(scope: IConstruct, field: string, labels: { [key: string]: string } | undefined): void {
  check(scope, field, labels, Is.labels());
}

/** Throws unless every key is a valid annotation key and every value a string. */
export function checkAnnotations(scope: IConstruct, field: string, annotations: { [key: string]: string } | undefined): void {
  check(scope, field, annotations, Is.annotations());
}
