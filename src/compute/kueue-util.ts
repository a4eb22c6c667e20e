import { IConstruct } from 'constructs';
import { KueueIntegration, KueueIntegrations } from './kueue-integration';
import { PlatformContext } from '../core/context';
import { invalid } from '../core/errors';

/** API version of the Kueue objects this library emits (the storage version of Kueue v0.19). */
export const KUEUE_API_VERSION = 'kueue.x-k8s.io/v1beta2';
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const QUANTITY_ACCEPTED = "must be a non-negative Kubernetes quantity such as '64', '500m', '256Gi' or '8'";
export const INT32_MAX = 2147483647;

export { clusterScoped } from '../core/api-objects';

/** PlatformContext key of the Kueue installation's manager configuration (a KueueInstall registers it). */
export const KUEUE_INSTALL_CONFIG = 'kueue-install-config';

/** What the app's Kueue installation enables (`integrations.frameworks` of its manager configuration). */
export interface KueueInstallConfig {
  readonly integrations: KueueIntegration[];
  /** Construct path of the install, for messages. */
  readonly path: string;
}

/** The Kueue installation declared in the app of `scope`, if any. */
export function kueueInstallConfig(scope: IConstruct): KueueInstallConfig | undefined {
  return PlatformContext.of(scope).list<KueueInstallConfig>(KUEUE_INSTALL_CONFIG)[0];
}

/**
 * The integrations of a ClusterQueue: its own list when set; otherwise those of the app's Kueue installation, or
 * Kueue's defaults. With both an own list and an installation, a synth-time check requires that the installation
 * enables every integration of the list.
 */
export function queueIntegrations(scope: IConstruct, own: KueueIntegration[] | undefined): KueueIntegration[] {
  return [...(own ?? kueueInstallConfig(scope)?.integrations ?? KueueIntegrations.defaults())];
}

/** Registers the synth-time check that the installation enables every integration of a queue's own list. */
export function checkQueueIntegrationsInstalled(scope: IConstruct, own: KueueIntegration[] | undefined): void {
  if (own === undefined) return;
  PlatformContext.of(scope).check(() => {
    const install = kueueInstallConfig(scope);
    const missing = install ? own.filter(i => !install.integrations.includes(i)) : [];
    if (install && missing.length) {
      invalid(scope, 'integrations', KueueIntegrations.kindOf(missing[0]),
        `the Kueue installation '${install.path}' does not enable it (it enables ${install.integrations.map(i => KueueIntegrations.kindOf(i)).join(', ')}); ` +
        'enable it in the installation, or leave integrations unset to use the installation\'s');
    }
  });
}

export function checkQuantity(scope: IConstruct, field: string, q: string | undefined): void {
  if (q === undefined) return;
  if (typeof q !== 'string' || !QUANTITY.test(q) || q.startsWith('-')) invalid(scope, field, q, QUANTITY_ACCEPTED);
}

const SUFFIX: Record<string, number> = {
  '': 1,
  'n': 1e-9,
  'u': 1e-6,
  'm': 1e-3,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};

/** Approximate numeric value of a (valid) quantity, for comparisons. */
export function parseQuantity(q: string): number {
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)$/.exec(q);
  if (!m) return NaN;
  const n = parseFloat(m[1]);
  const suffix = m[2];
  if (/^[eE]/.test(suffix)) return n * Math.pow(10, parseFloat(suffix.slice(1)));
  return n * (SUFFIX[suffix] ?? NaN);
}

export { sortKeys } from '../core/placement';

export function prune(value: any): any {
  if (Array.isArray(value)) return value.map(prune);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = prune(v);
    }
    return out;
  }
  return value;
}
