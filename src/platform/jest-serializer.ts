/**
 * A jest snapshot serializer for synthesized Kubernetes objects (TypeScript and JavaScript only: jest is not a jsii
 * target). Register it once:
 *
 *   // jest.config: snapshotSerializers: ['cdk8s-ai-platform/lib/platform/jest-serializer']
 *   // or in a test file:
 *   import * as serializer from 'cdk8s-ai-platform/lib/platform/jest-serializer';
 *   expect.addSnapshotSerializer(serializer);
 *
 * Any array of objects with `apiVersion`, `kind` and `metadata` (what PlatformTesting.synth and Testing.synth return)
 * is then written as {@link PlatformTesting.toSnapshot} renders it: YAML documents headed by kind and name, nested
 * keys sorted, CRD schemas replaced by their digest.
 */
import { PlatformTesting } from './testing';

const isObject = (o: any): boolean => o !== null && typeof o === 'object' && typeof o.apiVersion === 'string'
  && typeof o.kind === 'string' && o.metadata !== null && typeof o.metadata === 'object';

/** Whether jest should print `val` with this serializer: a non-empty array of Kubernetes objects. */
export function test(val: unknown): boolean {
  return Array.isArray(val) && val.length > 0 && val.every(isObject);
}

/** The snapshot text of `val`. */
export function serialize(val: any[]): string {
  return PlatformTesting.toSnapshot(val);
}
