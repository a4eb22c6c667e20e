import { IConstruct } from 'constructs';
import { describeValue } from './errors';
import { INodePool, PlaceOptions } from './node-pool';
import { PodTemplate } from './pod-template';

/** Node pools declared anywhere in the app of `scope`. */
export function nodePoolsOf(scope: IConstruct): INodePool[] {
  return scope.node.root.node.findAll().filter((c): c is INodePool & IConstruct =>
    typeof (c as any).place === 'function' && typeof (c as any).canServe === 'function' && typeof (c as any).poolName === 'string');
}

/**
 * Places a workload's pod template: on `pool` when given (which checks at once that the pool can
 * serve the pods' accelerators). Without a pool, the workload gets a synth-time check: when its pods
 * request accelerators and the app declares node pools, not choosing one is an error that names the
 * pools able to serve them (pools may be declared anywhere in the app, before or after the workload).
 * @internal
 */
export function placeWorkload(
  workload: IConstruct, field: string, template: PodTemplate, pool: INodePool | undefined, options: PlaceOptions = {},
): void {
  if (pool) {
    pool.place(workload, template, options);
    return;
  }
  workload.node.addValidation({
    validate: () => {
      const accelerators = template.accelerators;
      const pools = nodePoolsOf(workload);
      if (accelerators.length === 0 || pools.length === 0) return []; // no GPUs, or nodes managed outside this app
      const serving = pools.filter(p => p.canServe(template)).map(p => `'${p.poolName}'`);
      const wanted = accelerators.map(a => `${a.count} ${a.resourceName}${a.product ? ` (${a.product})` : ''}`).join(', ');
      return [`${field}: ${describeValue(undefined)} is not valid; ` + (serving.length
        ? `the pods request ${wanted} but are placed on no node pool; pass one of ${serving.join(', ')}`
        : `the pods request ${wanted} but no node pool in this app can serve it (pools: ${pools.map(p => `'${p.poolName}'`).join(', ')})`)];
    },
  });
}
