export { BUILD_ID, eventTime, isStepEnd } from './build-event.js';
export type {
  BuildEvent,
  BuildEventType,
  BuildFinishedEvent,
  BuildStageInfo,
  BuildStartedEvent,
  EventSink,
  ExportProgressEvent,
  LayerProgressEvent,
  LayerStatus,
  LogStream,
  StageFinishedEvent,
  StageOutcome,
  StageStartedEvent,
  StepCachedEvent,
  StepCanceledEvent,
  StepDoneEvent,
  StepEndEvent,
  StepFailedEvent,
  StepLogEvent,
  StepStartedEvent,
  StepStatusEvent,
  WarningEvent,
} from './build-event.js';
export { createRecordingSink, discardSink, fanOutSink } from './sinks.js';
export type { RecordingSink } from './sinks.js';
export { LineAssembler } from './log-lines.js';
export type { LogLine } from './log-lines.js';
export { countSteps, createEventCollector } from './collect-events.js';
export type {
  BuildState,
  CollectorOptions,
  EventCollector,
  EventEffect,
  StepState,
  StepStatus,
} from './collect-events.js';
export type { TaskOutcome, TaskState } from './task-state.js';
