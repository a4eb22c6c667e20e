import { Names } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from './errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Kubernetes name rules, and stable generated names.
 */
export class ResourceNames {
  /** Whether `name` is a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters). */
  public static isDns1123Label(name: string): boolean {
    return name.length <= 63 && DNS1123_LABEL.test(name);
  }

  /** Whether `name` is a DNS-1123 subdomain (labels joined by '.', at most 253 characters). */
  public static isDns1123Subdomain(name: string): boolean {
    return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
  }

  /** Whether `key` is a valid label or annotation key (`[prefix/]name`). */
  public static isQualifiedName(key: string): boolean {
    const parts = key.split('/');
    if (parts.length > 2) return false;
    const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    if (prefix !== undefined && !ResourceNames.isDns1123Subdomain(prefix)) return false;
    return name.length <= 63 && QUALIFIED_NAME.test(name);
  }

  /** Whether `value` is a valid label value (at most 63 characters). */
  public static isLabelValue(value: string): boolean {
    return value.length <= 63 && LABEL_VALUE.test(value);
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

/** Throws unless `name` is a DNS-1123 label. */
export function checkDns1123Label(scope: IConstruct, field: string, name: string | undefined, maxLength = 63): void {
  if (name === undefined) return;
  if (name.length > maxLength || !DNS1123_LABEL.test(name)) {
    invalid(scope, field, name, `must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`);
  }
}

/** Throws unless `name` is a DNS-1123 subdomain. */
export function checkDns1123Subdomain(scope: IConstruct, field: string, name: string | undefined): void {
  if (name === undefined) return;
  if (!ResourceNames.isDns1123Subdomain(name)) {
    invalid(scope, field, name, "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters");
  }
}

/** Throws unless every key and value is a valid label. */
export function checkLabels(scope: IConstruct, field: string, labels: { [key: string]: string } | undefined): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!ResourceNames.isQualifiedName(k)) {
      invalid(scope, `${field}.${k}`, k, "label keys are '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'");
    }
    if (!ResourceNames.isLabelValue(v)) {
      invalid(scope, `${field}.${k}`, v, "label values are at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
    }
  }
}
