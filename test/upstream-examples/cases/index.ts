import { ARGO_WORKFLOWS_CASES } from './argo-workflows';
import { FLUID_CASES } from './fluid';
import { KATIB_CASES } from './katib';
import { KSERVE_CASES } from './kserve';
import { KUEUE_CASES } from './kueue';
import { SPARK_OPERATOR_CASES } from './spark-operator';
import { TRAINER_CASES } from './trainer';
import { TRAINING_OPERATOR_CASES } from './training-operator';
import { UpstreamCase } from '../harness';

/** Every case, by operator. */
export const ALL_CASES: UpstreamCase[] = [
  ...SPARK_OPERATOR_CASES,
  ...TRAINING_OPERATOR_CASES,
  ...TRAINER_CASES,
  ...KUEUE_CASES,
  ...KATIB_CASES,
  ...ARGO_WORKFLOWS_CASES,
  ...FLUID_CASES,
  ...KSERVE_CASES,
];
