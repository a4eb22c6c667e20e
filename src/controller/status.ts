/**
 * A platform resource's status from its primary child, read through the child's `StatusContract`, and the
 * conditions the controller writes: `Ready`, `Progressing` and `Failed`.
 * @internal
 */
import { StatusContract, StatusSource } from '../core/status-contract';

/** A Kubernetes condition. @internal */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/**
 * Evaluates the JSONPath subset the status contracts use: `.a.b`, `.a[0]`, `.a[?(@.type=="X")].b`. Returns every
 * match.
 * @internal
 */
export function jsonPath(obj: any, path: string): any[] {
  let current: any[] = [obj];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\?\(@\.([A-Za-z0-9_-]+)\s*==\s*["']([^"']*)["']\)\]/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(path)) !== null) {
    if (m.index !== consumed) throw new Error(`unsupported JSONPath: ${path}`);
    consumed = re.lastIndex;
    const next: any[] = [];
    for (const c of current) {
      if (c === null || c === undefined) continue;
      if (m[1] !== undefined) {
        if (typeof c === 'object' && m[1] in c) next.push(c[m[1]]);
      } else if (m[2] !== undefined) {
        if (Array.isArray(c) && Number(m[2]) < c.length) next.push(c[Number(m[2])]);
      } else if (Array.isArray(c)) {
        for (const el of c) {
          if (el && String(el[m[3]]) === m[4]) next.push(el);
        }
      }
    }
    current = next;
  }
  if (consumed !== path.length) throw new Error(`unsupported JSONPath: ${path}`);
  return current;
}

/** Where the primary child stands, by its contract. @internal */
export interface ChildState {
  readonly state: 'succeeded' | 'failed' | 'progressing' | 'unknown';
  /** The operator's state (a condition type or a state field's value), if any. */
  readonly value?: string;
  readonly message?: string;
}

/** Reads the primary child's state with its contract (the child may not exist yet). @internal */
export function childState(contract: StatusContract, child: any | undefined): ChildState {
  if (!child) return { state: 'unknown' };
  const message = contract.messagePath ? firstString(jsonPath(child, contract.messagePath)) : undefined;
  if (contract.source === StatusSource.CONDITIONS) {
    const conditions: any[] = jsonPath(child, contract.path).flat().filter((c) => c && typeof c === 'object');
    const isTrue = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
    const failed = contract.failed.find(isTrue);
    if (failed) return { state: 'failed', value: failed, message: message ?? conditionMessage(conditions, failed) };
    const ok = contract.succeeded.find(isTrue);
    if (ok) return { state: 'succeeded', value: ok, message: message ?? conditionMessage(conditions, ok) };
    const progressing = (contract.inProgress ?? []).find(isTrue)
      ?? conditions.find((c) => c.status === 'True')?.type;
    return { state: progressing || conditions.length > 0 ? 'progressing' : 'unknown', value: progressing, message };
  }
  const value = firstString(jsonPath(child, contract.path));
  if (value === undefined || value === '') return { state: 'unknown', message };
  if (contract.failed.includes(value)) return { state: 'failed', value, message };
  if (contract.succeeded.includes(value)) return { state: 'succeeded', value, message };
  return { state: 'progressing', value, message };
}

function firstString(values: any[]): string | undefined {
  const v = values.find((x) => x !== undefined && x !== null && typeof x !== 'object');
  return v === undefined ? undefined : String(v);
}

function conditionMessage(conditions: any[], type: string): string | undefined {
  const c = conditions.find((x) => x.type === type);
  return c?.message || c?.reason || undefined;
}

/** Conditions for an applied resource whose primary child is in `state`. @internal */
export function conditionsFor(contract: StatusContract, kind: string, s: ChildState, generation: number): Condition[] {
  const what = `${contract.kind}`;
  const detail = (fallback: string) => (s.message ? `${fallback}: ${s.message}` : fallback);
  const cond = (type: string, status: boolean, reason: string, message: string): Condition => ({
    type, status: status ? 'True' : 'False', reason, message, observedGeneration: generation,
  });
  switch (s.state) {
    case 'succeeded': {
      const reason = contract.completes ? 'Succeeded' : 'Ready';
      const msg = detail(`${what} is ${s.value}`);
      return [cond('Ready', true, reason, msg), cond('Progressing', false, reason, msg), cond('Failed', false, reason, msg)];
    }
    case 'failed': {
      const msg = detail(`${what} is ${s.value}`);
      return [cond('Ready', false, 'ChildFailed', msg), cond('Progressing', false, 'ChildFailed', msg), cond('Failed', true, 'ChildFailed', msg)];
    }
    default: {
      const msg = s.value ? detail(`${what} is ${s.value}`) : `${kind} applied; waiting for the ${what} to report its state`;
      return [cond('Ready', false, 'InProgress', msg), cond('Progressing', true, 'InProgress', msg), cond('Failed', false, 'InProgress', msg)];
    }
  }
}

/** Conditions of a resource whose spec the library rejects: terminal, not retried until the spec changes. @internal */
export function invalidSpecConditions(message: string, generation: number): Condition[] {
  return [
    { type: 'Ready', status: 'False', reason: 'InvalidSpec', message, observedGeneration: generation },
    { type: 'Progressing', status: 'False', reason: 'InvalidSpec', message, observedGeneration: generation },
    { type: 'Failed', status: 'True', reason: 'InvalidSpec', message, observedGeneration: generation },
  ];
}

/** Conditions when applying failed in a way that a retry may fix (or a child belongs to someone else). @internal */
export function errorConditions(reason: string, message: string, generation: number): Condition[] {
  return [
    { type: 'Ready', status: 'False', reason, message, observedGeneration: generation },
    { type: 'Progressing', status: 'True', reason, message, observedGeneration: generation },
    { type: 'Failed', status: 'False', reason, message, observedGeneration: generation },
  ];
}

/** Keeps each condition's `lastTransitionTime` while its status is unchanged. @internal */
export function withTransitionTimes(next: Condition[], previous: Condition[] | undefined, now: string): Condition[] {
  return next.map((c) => {
    const old = (previous ?? []).find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now };
  });
}
