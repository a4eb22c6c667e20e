import { Construct } from 'constructs';
import {
  ArgoEventsInstall, ArgoWorkflowsInstall, CertManagerInstall, DeploymentMode, FluidInstall, IOperatorInstall, KarpenterInstall, KatibInstall,
  KServeInstall, KueueInstall, SparkOperatorInstall, TrainerInstall, TrainingOperatorInstall,
} from '../../src';

/** The operator installs of the platform: every operator of the talk, at its pinned version. */
export function operatorInstalls(scope: Construct): IOperatorInstall[] {
  const certManager = new CertManagerInstall(scope, 'cert-manager');
  return [
    new KarpenterInstall(scope, 'karpenter', { clusterName: 'ml-prod' }),
    new KueueInstall(scope, 'kueue'),
    // KServe's webhooks get their certificate from cert-manager: the platform installs it first
    new KServeInstall(scope, 'kserve', { certManager, deploymentMode: DeploymentMode.STANDARD }),
    new TrainerInstall(scope, 'trainer'),
    new TrainingOperatorInstall(scope, 'training-operator'),
    new KatibInstall(scope, 'katib'),
    new SparkOperatorInstall(scope, 'spark-operator', { jobNamespaces: ['ml-team'] }),
    new ArgoWorkflowsInstall(scope, 'argo-workflows'),
    new ArgoEventsInstall(scope, 'argo-events'),
    new FluidInstall(scope, 'fluid'),
  ];
}
