import { IConstruct } from 'constructs';
import { CRON_ACCEPTED, cronProblem } from './cron';
import { describeValue, invalid } from './errors';
import { QUANTITY_ACCEPTED, quantityOf } from './quantity';
import { checkUniqueObjects } from './unique-objects';

/*
 * The input-checking layer: every construct states the rules of its props declaratively with these rules
 * (`check(scope, 'driver.cores', props.driver.cores, Is.integer(1))`,
 * `checkProps(scope, props, { name: Is.dnsLabel(), replicas: Is.required(Is.integer(1)) })`) instead of ad hoc,
 * so that any value a TypeScript, JavaScript, Python, Java or Go caller can pass — `null`, `undefined`, a value of
 * the wrong runtime type, NaN, Infinity, a fraction, a huge number, a string outside an enum — ends in the
 * library's one ValidationError naming the prop path, never in a TypeError or an invalid manifest.
 *
 * A rule checks a value that is present: `check` lets `undefined` through (an optional prop left out) and rejects
 * `null` with the rule's accepted text; `Is.required(rule)` rejects both. Inside arrays and maps every item is
 * required.
 *
 * Everything here is internal: the public API stays jsii-compatible.
 */

/**
 * A rule on one value.
 * @internal
 */
export interface Rule {
  /** What the rule accepts, as printed after `is not valid;`. */
  readonly accepted: string;
  /** Throws the library's ValidationError unless `value` (never undefined or null) is accepted. */
  readonly check: (scope: IConstruct, field: string, value: any) => void;
  /** Whether the rule accepts undefined and null itself (so `check` calls it for them). */
  readonly handlesAbsent?: boolean;
}

/**
 * Checks one prop: `undefined` (left out) passes; `null` and anything else the rule does not accept throws the
 * library's ValidationError naming `field`.
 * @internal
 */
export function check(scope: IConstruct, field: string, value: unknown, r: Rule): void {
  if (value === undefined && !r.handlesAbsent) return;
  if (value === null && !r.handlesAbsent) invalid(scope, field, null, r.accepted);
  r.check(scope, field, value);
}

/**
 * Checks the props named in `rules` (each at `<prefix><name>`); `props` itself must be an object (or left out when
 * `required` is false).
 * @internal
 */
export function checkProps(scope: IConstruct, props: unknown, rules: { [name: string]: Rule }, prefix = '', required = false): void {
  checkUniqueObjects(scope);
  if (props === undefined && !required) return;
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    invalid(scope, prefix.replace(/\.$/, '') || 'props', props, required ? 'required: must be an object of props' : 'must be an object of props');
  }
  checkMembers(scope, props, rules, prefix);
}

/**
 * Checks each member of `obj` named in `rules` (at `<prefix><name>`). Runs for every workload, pod template and
 * props shape: no entry arrays, and no field name made for a member left out.
 */
function checkMembers(scope: IConstruct, obj: any, rules: { [name: string]: Rule }, prefix: string): void {
  for (const name in rules) {
    const r = rules[name];
    const value = obj[name];
    if (value === undefined && !r.handlesAbsent) continue;
    check(scope, `${prefix}${name}`, value, r);
  }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const C_IDENTIFIER = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** Largest quantity the library writes: 2^63 - 1 bytes (Kubernetes quantities are int64 underneath). */
const MAX_BYTES = 2 ** 63 - 1;
/** Most cores a CPU quantity may be (far above any node, below any float trouble). */
const MAX_CORES = 1_000_000;
/** Longest duration accepted: 100 years. */
const MAX_MILLIS = 100 * 365 * 24 * 3600 * 1000;

/** @internal */
export const LABEL_KEY_ACCEPTED = "label keys are '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'";
/** @internal */
export const LABEL_VALUE_ACCEPTED = "label values are at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
/** @internal */
export const DNS_LABEL_ACCEPTED = (max: number) =>
  `must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${max} characters`;
/** @internal */
export const DNS_SUBDOMAIN_ACCEPTED = "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters";

/** Whether `key` is a qualified name (`[prefix/]name`), as label, annotation and taint keys are. @internal */
export function isQualifiedName(key: unknown): boolean {
  if (typeof key !== 'string') return false;
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && !(prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

function rule(accepted: string, ok: (value: any) => boolean, shown?: (value: any) => unknown): Rule {
  return {
    accepted,
    check: (scope, field, value) => {
      if (!ok(value)) invalid(scope, field, shown ? shown(value) : value, accepted);
    },
  };
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Milliseconds of a cdk8s Duration-like object, or undefined when it has none. */
function toMillis(d: any): number | undefined {
  try {
    const ms = d.toMilliseconds();
    return typeof ms === 'number' ? ms : undefined;
  } catch {
    return undefined;
  }
}

/** How a Duration is printed in errors: `'0.5 millis'`, `NaN seconds`. */
function showDuration(d: any): unknown {
  if (d === null || typeof d !== 'object' || !('amount' in d)) return d;
  const amount = d.amount;
  const unit = d.unit?.label ?? '';
  return Number.isFinite(amount) ? `${amount} ${unit}`.trim() : amount;
}

/** KiB of a cdk8s Size-like object, or undefined. */
function toKibibytes(s: any): number | undefined {
  try {
    const k = s.toKibibytes({ rounding: 2 /* SizeRoundingBehavior.NONE */ });
    return typeof k === 'number' ? k : undefined;
  } catch {
    return undefined;
  }
}

function showSize(s: any): unknown {
  const q = quantityOf(s);
  if (q) return q.quantity;
  if (s === null || typeof s !== 'object' || !('amount' in s)) return s;
  return `${describeValue(s.amount)} ${s.unit?.label ?? ''}`.trim();
}

/** Millicores of a cdk8s-plus Cpu-like object (`amount` is `'2'`, `'0.5'` or `'500m'`), or undefined. */
export function cpuMillicores(cpu: any): number | undefined {
  const a = cpu?.amount;
  if (typeof a !== 'string') return undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(a);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'm' ? n : n * 1000;
}

/**
 * The rules of the checking layer. Each states what it accepts; the message of a rejected value is
 * `[<path>] <field>: <value> is not valid; <accepted>`.
 * @internal
 */
export class Is {
  /** Rejects undefined and null as well (`required: <accepted>`). */
  public static required(inner: Rule): Rule {
    const accepted = `required: ${inner.accepted}`;
    return {
      accepted,
      handlesAbsent: true,
      check: (scope, field, value) => {
        if (value === undefined || value === null) invalid(scope, field, value, accepted);
        inner.check(scope, field, value);
      },
    };
  }

  /** Any value that is present. */
  public static present(accepted: string): Rule {
    return rule(accepted, () => true);
  }

  /** An integer within [min, max]. */
  public static integer(min: number, max?: number): Rule {
    const accepted = max === undefined ? `must be an integer of at least ${min}` : `must be an integer from ${min} to ${max}`;
    return rule(accepted, v => typeof v === 'number' && Number.isInteger(v) && v >= min && (max === undefined || v <= max) && Number.isSafeInteger(v));
  }

  /** A finite number within [min, max] (or above `min` when `exclusiveMin`). */
  public static number(min: number, max?: number, exclusiveMin = false): Rule {
    const low = exclusiveMin ? `greater than ${min}` : `at least ${min}`;
    const accepted = max === undefined ? `must be a finite number ${low}` : `must be a finite number ${low} and at most ${max}`;
    return rule(accepted, v => isFiniteNumber(v) && (exclusiveMin ? v > min : v >= min) && (max === undefined || v <= max));
  }

  /** A TCP/UDP port number. */
  public static port(): Rule {
    return rule('must be a port number from 1 to 65535', v => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535);
  }

  /** true or false. */
  public static boolean(): Rule {
    return rule('must be true or false', v => typeof v === 'boolean');
  }

  /** A string, optionally non-empty and at most `maxLength` characters. */
  public static string(options: { nonEmpty?: boolean; maxLength?: number } = {}): Rule {
    const parts = [options.nonEmpty ? 'a non-empty string' : 'a string'];
    if (options.maxLength !== undefined) parts.push(`of at most ${options.maxLength} characters`);
    return rule(`must be ${parts.join(' ')}`, v => typeof v === 'string'
      && (!options.nonEmpty || v.trim().length > 0) && (options.maxLength === undefined || v.length <= options.maxLength));
  }

  /** A string matching `pattern`. */
  public static matching(pattern: RegExp, accepted: string, maxLength?: number): Rule {
    return rule(accepted, v => typeof v === 'string' && pattern.test(v) && (maxLength === undefined || v.length <= maxLength));
  }

  /** A DNS-1123 label (namespaces, most object names). */
  public static dnsLabel(maxLength = 63): Rule {
    return rule(DNS_LABEL_ACCEPTED(maxLength), v => typeof v === 'string' && v.length <= maxLength && DNS1123_LABEL.test(v));
  }

  /** A DNS-1123 subdomain (Secret, ConfigMap, ServiceAccount, PriorityClass and scheduler names). */
  public static dnsSubdomain(): Rule {
    return rule(DNS_SUBDOMAIN_ACCEPTED, v => typeof v === 'string' && v.length <= 253 && DNS1123_SUBDOMAIN.test(v));
  }

  /** A label key (also annotation and taint keys, node selector keys). */
  public static labelKey(): Rule {
    return rule(LABEL_KEY_ACCEPTED, isQualifiedName);
  }

  /** A label value. */
  public static labelValue(): Rule {
    return rule(LABEL_VALUE_ACCEPTED, v => typeof v === 'string' && v.length <= 63 && LABEL_VALUE.test(v));
  }

  /** Labels: a map of label keys to label values (errors name `<field>.<key>`). */
  public static labels(): Rule {
    return {
      accepted: 'must be a map of label keys to label values',
      check: (scope, field, value) => {
        if (typeof value !== 'object' || Array.isArray(value)) invalid(scope, field, value, 'must be a map of label keys to label values');
        for (const [k, v] of Object.entries(value)) {
          if (!isQualifiedName(k)) invalid(scope, `${field}.${k}`, k, LABEL_KEY_ACCEPTED);
          if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) invalid(scope, `${field}.${k}`, v, LABEL_VALUE_ACCEPTED);
        }
      },
    };
  }

  /** Annotations: qualified-name keys, string values, at most 256 KiB in total (errors name `<field>.<key>`). */
  public static annotations(): Rule {
    const accepted = 'must be a map of annotation keys to string values';
    return {
      accepted,
      check: (scope, field, value) => {
        if (typeof value !== 'object' || Array.isArray(value)) invalid(scope, field, value, accepted);
        let total = 0;
        for (const [k, v] of Object.entries(value)) {
          if (!isQualifiedName(k)) invalid(scope, `${field}.${k}`, k, "annotation keys are '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'");
          if (typeof v !== 'string') invalid(scope, `${field}.${k}`, v, 'annotation values are strings');
          total += k.length + v.length;
        }
        if (total > 256 * 1024) invalid(scope, field, `${total} bytes`, 'annotations may hold at most 256 KiB in total');
      },
    };
  }

  /** One of the values of a TypeScript string enum (`enumName` is printed). */
  public static enumOf(enumObject: object, enumName: string): Rule {
    const values = Object.values(enumObject).filter(v => typeof v === 'string') as string[];
    return rule(`must be one of ${enumName}: ${values.map(v => `'${v}'`).join(', ')}`, v => values.includes(v));
  }

  /** One of the given strings. */
  public static oneOf(values: string[]): Rule {
    return rule(`must be one of ${values.map(v => `'${v}'`).join(', ')}`, v => values.includes(v));
  }

  /** An array of at least `min` (and at most `max`) items, each present and accepted by `item` (at `<field>[i]`). */
  public static arrayOf(item: Rule, min = 0, max?: number): Rule {
    const size = max !== undefined ? ` of ${min} to ${max} items` : min > 0 ? ` of at least ${min} item${min === 1 ? '' : 's'}` : '';
    const accepted = `must be an array${size}`;
    const required = Is.required(item);
    return {
      accepted,
      check: (scope, field, value) => {
        if (!Array.isArray(value) || value.length < min || (max !== undefined && value.length > max)) invalid(scope, field, value, accepted);
        value.forEach((v: unknown, i: number) => required.check(scope, `${field}[${i}]`, v));
      },
    };
  }

  /** A map whose values are present and accepted by `value` (at `<field>.<key>`), and whose keys by `key`. */
  public static mapOf(value: Rule, key?: Rule): Rule {
    const accepted = 'must be a map (an object of keys to values)';
    const required = Is.required(value);
    return {
      accepted,
      check: (scope, field, map) => {
        if (typeof map !== 'object' || Array.isArray(map)) invalid(scope, field, map, accepted);
        for (const [k, v] of Object.entries(map)) {
          if (key) key.check(scope, `${field}.${k}`, k);
          required.check(scope, `${field}.${k}`, v);
        }
      },
    };
  }

  /** An object (props) whose named members follow their rules (at `<field>.<name>`). */
  public static shape(rules: { [name: string]: Rule }, accepted = 'must be an object'): Rule {
    return {
      accepted,
      check: (scope, field, value) => {
        if (typeof value !== 'object' || Array.isArray(value)) invalid(scope, field, value, accepted);
        checkMembers(scope, value, rules, `${field}.`);
      },
    };
  }

  /** An object of a class of this library (or of cdk8s), recognised by a member it must have. */
  public static instance(member: string, accepted: string): Rule {
    return rule(accepted, v => typeof v === 'object' && v !== null && member in v && !Array.isArray(v));
  }

  /**
   * A cdk8s Size: finite, a whole number of bytes, at least `minBytes` (default: more than zero) and at most
   * 2^63-1 bytes (8 EiB).
   */
  public static size(minBytes?: number): Rule {
    const accepted = 'must be a Size, e.g. Size.gibibytes(16)';
    return {
      accepted,
      check: (scope, field, v) => {
        if (typeof v !== 'object' || typeof v.toKibibytes !== 'function') invalid(scope, field, v, accepted);
        if (quantityOf(v)?.valid === false) invalid(scope, field, showSize(v), QUANTITY_ACCEPTED);
        const k = toKibibytes(v);
        if (k === undefined || !Number.isFinite(k) || k < 0) invalid(scope, field, showSize(v), 'must be a finite, non-negative Size');
        const bytes = k * 1024;
        if (bytes > MAX_BYTES) invalid(scope, field, showSize(v), 'must be at most 8 EiB');
        const whole = quantityOf(v)?.whole ?? Math.abs(bytes - Math.round(bytes)) <= 1e-6;
        if (!whole) invalid(scope, field, showSize(v), 'must be a whole number of bytes');
        if (minBytes === undefined ? bytes <= 0 : bytes < minBytes) {
          invalid(scope, field, showSize(v), minBytes === undefined ? 'must be more than 0 bytes' : `must be at least ${minBytes} bytes`);
        }
      },
    };
  }

  /**
   * A cdk8s-plus Cpu: `Cpu.units(n)` or `Cpu.millis(n)` of whole millicores, more than zero and at most
   * 1,000,000 cores.
   */
  public static cpu(): Rule {
    const accepted = 'must be a Cpu, e.g. Cpu.units(2) or Cpu.millis(500)';
    return {
      accepted,
      check: (scope, field, v) => {
        if (typeof v !== 'object' || typeof v.amount !== 'string') invalid(scope, field, v, accepted);
        const m = cpuMillicores(v);
        if (m === undefined) invalid(scope, field, v.amount, 'must be a finite, non-negative number of cores');
        if (Math.abs(m - Math.round(m)) > 1e-9) invalid(scope, field, v.amount, 'must be a whole number of millicores (at most 3 decimals of a core)');
        if (m <= 0) invalid(scope, field, v.amount, 'must be more than 0 cores');
        if (m > MAX_CORES * 1000) invalid(scope, field, v.amount, `must be at most ${MAX_CORES} cores`);
      },
    };
  }

  /**
   * A cdk8s Duration: finite, a whole number of `unit` (seconds for most Kubernetes fields, milliseconds otherwise),
   * from `min` to `max` of that unit (max default 100 years).
   */
  public static duration(unit: 'seconds' | 'millis', min = 0, max?: number): Rule {
    const per = unit === 'seconds' ? 1000 : 1;
    const upper = max ?? MAX_MILLIS / per;
    const accepted = 'must be a Duration, e.g. Duration.seconds(30)';
    const name = unit === 'seconds' ? 'seconds' : 'milliseconds';
    return {
      accepted,
      check: (scope, field, v) => {
        if (typeof v !== 'object' || typeof v.toMilliseconds !== 'function') invalid(scope, field, v, accepted);
        const amount = v.amount;
        if (typeof amount === 'number' && (!Number.isFinite(amount) || amount < 0)) {
          invalid(scope, field, showDuration(v), 'must be a finite, non-negative Duration');
        }
        const ms = toMillis(v);
        if (ms === undefined) invalid(scope, field, showDuration(v), 'must be a whole number of milliseconds');
        if (!Number.isFinite(ms) || ms < 0) invalid(scope, field, ms, 'must be a finite, non-negative Duration');
        if (ms % per !== 0) invalid(scope, field, `${ms}ms`, `must be a whole number of ${name}`);
        const n = ms / per;
        if (n < min || n > upper) invalid(scope, field, showDuration(v), `must be from ${min} to ${upper} ${name}`);
      },
    };
  }

  /** An absolute path without `..` segments (mount paths, working directories). */
  public static absolutePath(): Rule {
    return rule("must be an absolute path without '..' segments", v => typeof v === 'string' && v.startsWith('/')
      && !v.split('/').includes('..') && !v.includes('\0') && v.length <= 4096);
  }

  /** A relative path without `..` segments (a volume mount's subPath). */
  public static relativePath(): Rule {
    return rule("must be a relative path without '..' segments", v => typeof v === 'string' && !v.startsWith('/')
      && !v.split('/').includes('..') && !v.includes('\0') && v.length <= 4096);
  }

  /** An environment variable name. */
  public static envName(): Rule {
    return rule("environment variable names consist of letters, digits, '_', '-' and '.', and must not start with a digit",
      v => typeof v === 'string' && C_IDENTIFIER.test(v));
  }

  /** A key of a ConfigMap or Secret. */
  public static configKey(): Rule {
    return rule("keys of ConfigMaps and Secrets are at most 253 letters, digits, '-', '_' or '.'",
      v => typeof v === 'string' && v.length <= 253 && CONFIG_KEY.test(v) && v !== '.' && v !== '..');
  }

  /** A cron schedule (5 fields, a descriptor or '@every <duration>') that fires. */
  public static cron(): Rule {
    return {
      accepted: CRON_ACCEPTED,
      check: (scope, field, v) => {
        const problem = cronProblem(v);
        if (problem !== undefined) invalid(scope, field, v, `${problem}; ${CRON_ACCEPTED}`);
      },
    };
  }

  /** A JSON value: a string, a finite number, true, false, null, or arrays and plain objects of them. */
  public static json(): Rule {
    const accepted = 'must be a JSON value: a string, a finite number, true, false, null, or arrays and objects of them';
    const ok = (v: any, depth: number): boolean => {
      if (depth > 32) return false;
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
      if (typeof v === 'number') return Number.isFinite(v);
      if (Array.isArray(v)) return v.every(x => ok(x, depth + 1));
      if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).every(x => ok(x, depth + 1));
      return false;
    };
    return { accepted, handlesAbsent: false, check: (scope, field, v) => { if (!ok(v, 0)) invalid(scope, field, v, accepted); } };
  }

  /** A list of strings (command, args), each present. */
  public static strings(min = 0): Rule {
    return Is.arrayOf(Is.string(), min);
  }

  /** Any of the rules (the first rule's message when none accepts). */
  public static either(accepted: string, ...rules: Rule[]): Rule {
    return {
      accepted,
      check: (scope, field, value) => {
        for (const r of rules) {
          try {
            r.check(scope, field, value);
            return;
          } catch { /* try the next */ }
        }
        invalid(scope, field, value, accepted);
      },
    };
  }

  private constructor() {}
}

/** A node pool (INodePool). @internal */
export const NODE_POOL_RULE = Is.instance('place', 'must be a node pool (INodePool), e.g. a GpuNodePool or ExistingGpuNodes');

/**
 * The rules of the props every workload shares (WorkloadMetadataProps, WorkloadPodOptions, QueueOptions); each
 * workload construct checks them first thing, so that a wrong type never reaches its rendering.
 * @internal
 */
export const WORKLOAD_RULES: { [name: string]: Rule } = {
  name: Is.string(),
  namespace: Is.dnsLabel(),
  labels: Is.labels(),
  annotations: Is.annotations(),
  security: Is.shape({}, 'must be PodSecurityOptions'),
  serviceAccountName: Is.dnsSubdomain(),
  imagePullSecrets: Is.arrayOf(Is.dnsSubdomain()),
  sharedMemory: Is.boolean(),
  pool: NODE_POOL_RULE,
  podLabels: Is.labels(),
  podAnnotations: Is.annotations(),
  queue: Is.instance('admit', "must be a LocalQueue, e.g. batchQueue.addLocalQueue('team-a')"),
  priorityClass: Is.instance('value', 'must be a WorkloadPriorityClass'),
};

/**
 * Checks a workload's props object and its shared props (plus `rules` for its own), naming `prefix<prop>`.
 * @internal
 */
export function checkWorkloadProps(scope: IConstruct, props: unknown, rules: { [name: string]: Rule } = NO_RULES, prefix = ''): void {
  let merged = WORKLOAD_RULES_WITH.get(rules);
  if (!merged) {
    merged = { ...WORKLOAD_RULES, ...rules };
    WORKLOAD_RULES_WITH.set(rules, merged);
  }
  checkProps(scope, props, merged, prefix, true);
}

const NO_RULES: { [name: string]: Rule } = {};
/** The shared rules merged with each workload's own, once per rules object. */
const WORKLOAD_RULES_WITH = new WeakMap<object, { [name: string]: Rule }>();

/** Whether `tz` is an IANA time zone name this runtime knows (as Go's time.LoadLocation would). @internal */
export function isTimeZone(tz: unknown): boolean {
  if (typeof tz !== 'string' || tz === '' || tz === 'Local') return tz === 'Local';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz);
  } catch {
    return false;
  }
}
