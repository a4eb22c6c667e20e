import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { parseQuantity } from './kueue-util';
import { invalid } from '../core/errors';

/** What all the pods of a workload request, per resource, and how many pods that is. */
export interface WorkloadDemand {
  readonly total: Map<string, number>;
  readonly pods: number;
}

function add(into: Map<string, number>, from: Map<string, number>, times: number): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v * times);
}

/** Requests of one container (limits where no request is given, as Kubernetes defaults them). */
function containerDemand(c: any): Map<string, number> {
  const out = new Map<string, number>();
  const r = c?.resources ?? {};
  const names = new Set([...Object.keys(r.requests ?? {}), ...Object.keys(r.limits ?? {})]);
  for (const n of names) {
    const q = r.requests?.[n] ?? r.limits?.[n];
    const v = typeof q === 'number' ? q : typeof q === 'string' ? parseQuantity(q) : NaN;
    if (Number.isFinite(v)) out.set(n, v);
  }
  return out;
}

/** A pod's effective requests: its containers' sum, or an init container's if larger (as the scheduler counts). */
function podDemand(spec: any): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of spec.containers ?? []) add(out, containerDemand(c), 1);
  for (const c of spec.initContainers ?? []) {
    for (const [k, v] of containerDemand(c)) if (v > (out.get(k) ?? 0)) out.set(k, v);
  }
  return out;
}

/**
 * The demand of a workload object as Kueue sums it over its pod sets: every pod template found in its spec, times
 * the `replicas` and `parallelism` above it (Job, Deployment, PyTorchJob and the other Training Operator kinds,
 * MPIJob, JobSet), and a TrainJob's `numNodes × resourcesPerNode`. Kinds whose pods are not in the object (a
 * SparkApplication's executors) count only what the object shows.
 * @internal
 */
export function workloadDemand(json: any): WorkloadDemand {
  const total = new Map<string, number>();
  let pods = 0;
  const walk = (node: any, times: number): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(n => walk(n, times));
      return;
    }
    if (Array.isArray(node.containers) && node.containers.length > 0 && node.containers.every((c: any) => typeof c?.image === 'string' || typeof c?.name === 'string')) {
      add(total, podDemand(node), times);
      pods += times;
      return;
    }
    if (node.resourcesPerNode && typeof node.resourcesPerNode === 'object') {
      const n = typeof node.numNodes === 'number' ? node.numNodes : 1;
      add(total, containerDemand({ resources: node.resourcesPerNode }), times * n);
      pods += times * n;
    }
    let inner = times;
    if (node.template && typeof node.template === 'object') {
      if (typeof node.replicas === 'number') inner *= node.replicas;
      if (typeof node.parallelism === 'number') inner *= node.parallelism;
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'metadata' || k === 'status') continue;
      walk(v, k === 'template' ? inner : times);
    }
  };
  walk(json?.spec, 1);
  return { total, pods };
}

/** Prints a resource amount as a quantity a user recognises. */
function show(resource: string, v: number): string {
  if (resource === 'memory' || resource.endsWith('storage')) {
    const gi = v / 2 ** 30;
    return Number.isInteger(gi) ? `${gi}Gi` : `${Math.round(v / 2 ** 20)}Mi`;
  }
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
}

/**
 * Throws when a workload submitted to a ClusterQueue needs more of a resource than the queue can ever admit
 * (Kueue would keep it pending forever).
 * @param scope the workload's construct (named in the error)
 * @param field the prop of the queue (e.g. `queue`)
 * @internal
 */
export function checkQueueDemand(scope: IConstruct, field: string, workload: ApiObject, queueName: string,
  admissible: Map<string, { most?: number; flavors: number }>): void {
  const demand = workloadDemand(workload.toJson());
  for (const [resource, need] of demand.total) {
    const cap = admissible.get(resource);
    if (cap === undefined || cap.most === undefined || need <= cap.most + 1e-9) continue;
    invalid(scope, field, queueName,
      `the ${workload.kind} requests ${show(resource, need)} ${resource} in total over its ${demand.pods} pod${demand.pods === 1 ? '' : 's'}, `
      + `but ClusterQueue '${queueName}' can admit at most ${show(resource, cap.most)} (its nominal quota${cap.flavors > 1 ? ' over all flavors' : ''} and borrowing limit): `
      + 'Kueue would keep it pending forever; raise the quota or request less');
  }
}
