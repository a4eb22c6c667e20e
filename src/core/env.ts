import { IConstruct } from 'constructs';
import { check, Is } from './checks';
import { invalid } from './errors';

const FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels', 'metadata.annotations',
  'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];

/** Names that must never carry a literal value: they hold credentials. */
const SECRET_LIKE = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;

/**
 * The value of an environment variable: a literal, or a reference to a Secret key,
 * a ConfigMap key or a pod field. Secrets are always referenced, never inlined.
 */
export class EnvVarValue {
  /** A literal value (never use this for credentials: see {@link EnvVarValue.fromSecretKey}). */
  public static fromValue(value: string): EnvVarValue {
    return new EnvVarValue({ value }, true);
  }

  /**
   * A key of an existing Secret.
   * @param secretName name of the Secret in the workload's namespace
   * @param key key within the Secret
   * @param optional whether the pod starts when the Secret or key is missing (default false)
   */
  public static fromSecretKey(secretName: string, key: string, optional?: boolean): EnvVarValue {
    return new EnvVarValue({ valueFrom: { secretKeyRef: { name: secretName, key, optional } } });
  }

  /**
   * A key of an existing ConfigMap.
   * @param configMapName name of the ConfigMap in the workload's namespace
   * @param key key within the ConfigMap
   * @param optional whether the pod starts when the ConfigMap or key is missing (default false)
   */
  public static fromConfigMapKey(configMapName: string, key: string, optional?: boolean): EnvVarValue {
    return new EnvVarValue({ valueFrom: { configMapKeyRef: { name: configMapName, key, optional } } });
  }

  /** A field of the pod, e.g. `metadata.name`, `metadata.namespace`, `status.podIP`. */
  public static fromFieldPath(fieldPath: string): EnvVarValue {
    return new EnvVarValue({ valueFrom: { fieldRef: { fieldPath } } });
  }

  private constructor(private readonly rendered: any, private readonly literal = false) {}

  /** @internal */
  public _render(scope: IConstruct, field: string, name: string): any {
    check(scope, field, name, Is.envName());
    const r = this.rendered;
    if (this.literal) check(scope, field, r.value, Is.required(Is.string()));
    const ref = r.valueFrom?.secretKeyRef ?? r.valueFrom?.configMapKeyRef;
    if (ref) {
      const kind = r.valueFrom.secretKeyRef ? 'secretKeyRef' : 'configMapKeyRef';
      check(scope, `${field}.${kind}.name`, ref.name, Is.required(Is.dnsSubdomain()));
      check(scope, `${field}.${kind}.key`, ref.key, Is.required(Is.configKey()));
      check(scope, `${field}.${kind}.optional`, ref.optional, Is.boolean());
    }
    if (r.valueFrom?.fieldRef) {
      const path = r.valueFrom.fieldRef.fieldPath;
      const ok = typeof path === 'string' && (FIELD_PATHS.includes(path) || /^metadata\.(labels|annotations)\['[^']+'\]$/.test(path));
      if (!ok) {
        invalid(scope, `${field}.fieldRef.fieldPath`, path,
          `must be a pod field: ${FIELD_PATHS.map(p => `'${p}'`).join(', ')}, or metadata.labels['<key>'] / metadata.annotations['<key>']`);
      }
    }
    if (this.literal && SECRET_LIKE.test(name)) {
      invalid(scope, `${field}`, `${name}=<literal>`,
        'looks like a credential; reference it with EnvVarValue.fromSecretKey(secretName, key) instead of inlining it');
    }
    return { name, ...this.rendered };
  }
}

/** Renders an env map in a stable (sorted) order. */
export function renderEnv(scope: IConstruct, field: string, env: { [name: string]: EnvVarValue } | undefined): any[] | undefined {
  if (env === undefined) return undefined;
  check(scope, field, env, Is.mapOf(Is.instance('_render', "must be an EnvVarValue, e.g. EnvVarValue.fromValue('1') or EnvVarValue.fromSecretKey(secretName, key)")));
  if (Object.keys(env).length === 0) return undefined;
  return Object.keys(env).sort().map(name => {
    const value = env[name];
    if (value === null || typeof value !== 'object' || typeof (value as any)._render !== 'function') {
      invalid(scope, `${field}.${name}`, value, 'must be an EnvVarValue, e.g. EnvVarValue.fromValue(\'1\') or EnvVarValue.fromSecretKey(secretName, key)');
    }
    return value._render(scope, `${field}.${name}`, name);
  });
}
