export { planBuild } from './plan-build.js';
export type { BaseImageConfig, NamedContextSource, PlanOptions } from './options.js';
export { normalizeContextName } from './named-contexts.js';
export type {
  BuildArgUse,
  BuildPlan,
  DependencyKind,
  ImageDependency,
  NamedValue,
  PlanStage,
  PlanStep,
  PlanWarning,
  PlanWarningCode,
  StageBase,
  StageDependency,
  StepInput,
} from './types.js';
export type {
  ContentSource,
  KeyValue,
  PlannedAdd,
  PlannedArg,
  PlannedCommand,
  PlannedCopy,
  PlannedEnv,
  PlannedExpose,
  PlannedFrom,
  PlannedHealthcheck,
  PlannedInstruction,
  PlannedLabel,
  PlannedMaintainer,
  PlannedMount,
  PlannedOnbuild,
  PlannedRun,
  PlannedShell,
  PlannedStopSignal,
  PlannedUser,
  PlannedVolume,
  PlannedWorkdir,
} from './planned-instruction.js';
export { PROXY_ARGS, PLATFORM_ARGS } from './builtin-args.js';
export { formatPlanText } from './format-plan.js';
