// Public API of src/pipeline/ (one export line per construct file).
export { ConcurrencyPolicy, PipelineRun, PipelineRunKind } from './run-mode';
export type { ScheduledRunOptions } from './run-mode';
export { PatchStrategy, RetryOn } from './steps';
export type {
  ApprovalStepProps, ContainerStepProps, InputArtifact, OutputArtifact, OutputParameter, PatchStepProps, PipelineParameter,
  PodStepOptions, RetryBackoff, RolloutStepProps, S3ArtifactLocation, ScriptContainerOptions, ScriptStepProps, SecretKeyRef,
  SemaphoreRef, StepRetry, StepTemplateOptions, Synchronization, WorkloadOutput, WorkloadStepProps,
} from './steps';
export { Loop, MLPipeline, PipelineTask, PodGcStrategy, StepKind, StepTemplate, TaskResult } from './ml-pipeline';
export type { MLPipelineProps, PipelineRbacRule, PipelineTtl, SequenceOptions, TaskOptions } from './ml-pipeline';
export { EventBus, EventSource, EventSourceKind, PipelineTrigger, ResourceEventType } from './events';
export type {
  BucketEventOptions, CalendarEventOptions, EventBusProps, EventSourceProps, GitEventOptions, KafkaEventOptions,
  PipelineTriggerProps, ResourceEventOptions, TriggerParameter, WebhookEventOptions,
} from './events';
