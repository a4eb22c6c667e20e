import { Construct } from 'constructs';
import { IOperatorInstall, KueueInstall } from '../../src';

/** Whether every operator the workloads need has its install below (the platform then checks it at synth). */
export const OPERATORS_COMPLETE = false;

/** The operator installs of the platform. */
export function operatorInstalls(scope: Construct): IOperatorInstall[] {
  return [
    new KueueInstall(scope, 'kueue'),
  ];
}
