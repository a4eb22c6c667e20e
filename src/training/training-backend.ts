/**
 * Which Kubeflow API a training intent is rendered for.
 */
export enum TrainingBackend {
  /**
   * Kubeflow Trainer v2 (`trainer.kubeflow.org/v1alpha1` TrainJob referencing a ClusterTrainingRuntime or
   * TrainingRuntime). Needs the Trainer controller and JobSet; TrainJob is one of Kueue's default integrations.
   */
  TRAINER_V2 = 'trainer-v2',
  /**
   * Kubeflow Training Operator v1 (`kubeflow.org/v1` PyTorchJob, TFJob, MPIJob, XGBoostJob, JAXJob, PaddleJob).
   * Kueue manages these kinds only when their integration is enabled in the Kueue configuration.
   */
  TRAINING_OPERATOR_V1 = 'training-operator-v1',
}

/** Which pods the Training Operator v1 deletes when a job finishes (`runPolicy.cleanPodPolicy`). */
export enum CleanPodPolicy {
  /** Keep every pod (logs stay readable). */
  NONE = 'None',
  /** Delete the pods still running (e.g. parameter servers). */
  RUNNING = 'Running',
  /** Delete all pods. */
  ALL = 'All',
}

/** Restart policy of the replicas of a Training Operator v1 job. */
export enum ReplicaRestartPolicy {
  /** Always restart. */
  ALWAYS = 'Always',
  /** Restart on failure (the pod's containers restart in place). */
  ON_FAILURE = 'OnFailure',
  /** Never restart; a failed pod counts against the backoff limit. */
  NEVER = 'Never',
  /** Restart only on retryable exit codes (130, 137, 143 and codes above 128 from signals); other failures are permanent. */
  EXIT_CODE = 'ExitCode',
}
