import type { QueueFlavor } from './queue-flavor';
import { INodePool } from '../core/node-pool';

const FLAVOR_POOLS = new WeakMap<QueueFlavor, INodePool>();

/** Records the node pool a flavor was built for (QueueFlavors.forPool). */
export function recordFlavorPool(flavor: QueueFlavor, pool: INodePool): void {
  FLAVOR_POOLS.set(flavor, pool);
}

/** The node pool a flavor was built for, if any. */
export function flavorPool(flavor: QueueFlavor): INodePool | undefined {
  return flavor !== null && typeof flavor === 'object' ? FLAVOR_POOLS.get(flavor) : undefined;
}
