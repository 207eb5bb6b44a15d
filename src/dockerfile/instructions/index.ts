/**
 * Dockerfile instructions: syntax nodes in, one typed instruction per node out (a union on
 * `kind`), grouped into stages. Pure (no I/O). The rules are BuildKit's
 * (frontend/dockerfile/instructions): flags as its BFlags, `--mount` CSV and validation as
 * commands_runmount.go, HEALTHCHECK durations as Go's time.ParseDuration, stage names as its regexp.
 * Words are not expanded here; the planner expands them with the stage's ARG/ENV scope (and
 * resolves `RUN --mount` values that hold variables with `resolveRunMount`).
 *
 * Choices where we differ from BuildKit, on purpose:
 * - A repeated stage name is DUPLICATE_STAGE (BuildKit only warns); `allowDuplicateStageNames`
 *   gives BuildKit's behaviour.
 * - A `--mount` without variables is validated when parsed, in every stage; BuildKit validates
 *   mounts when it dispatches a stage, so it misses bad mounts in stages the target does not need.
 * - A RUN with heredoc bodies in exec form is refused when parsed (BuildKit: at dispatch).
 * - `RUN --device` (labs) is not supported: it is an unknown flag.
 */
export type { CommandLine, InstructionBase, KeyValuePair, ShellInlineFile } from './base.js';
export type { AddInstruction } from './add.js';
export type { ArgDefinition, ArgInstruction } from './arg.js';
export type { CmdInstruction } from './cmd.js';
export type { CopyInstruction } from './copy.js';
export type { EntrypointInstruction } from './entrypoint.js';
export type { EnvInstruction } from './env.js';
export type { ExposeInstruction } from './expose.js';
export type { FromInstruction } from './from.js';
export type { HealthConfig, HealthcheckInstruction } from './healthcheck.js';
export type { LabelInstruction } from './label.js';
export type { MaintainerInstruction } from './maintainer.js';
export type {
  CacheSharing,
  Mount,
  MountType,
  ResolvedBindMount,
  ResolvedCacheMount,
  ResolvedMount,
  ResolvedSecretMount,
  ResolvedSshMount,
  ResolvedTmpfsMount,
} from './mount.js';
export type { OnbuildInstruction } from './onbuild.js';
export type { NetworkMode, RunInstruction, RunMount, SecurityMode } from './run.js';
export type { ShellInstruction } from './shell.js';
export type { InlineSource, SourcesAndDest } from './sources.js';
export type { StopSignalInstruction } from './stopsignal.js';
export type { UserInstruction } from './user.js';
export type { VolumeInstruction } from './volume.js';
export type { WorkdirInstruction } from './workdir.js';
export type { Instruction, InstructionKind, StageCommand } from './instruction.js';
export { INSTRUCTION_KINDS } from './instruction.js';
export type { ParsedDockerfile, Stage } from './stage.js';

export { parseStages } from './parse-stages.js';
export type { ParseStagesOptions } from './parse-stages.js';
export { parseInstruction } from './parse-instruction.js';
export { parseMount, MOUNT_TYPES, CACHE_SHARING_MODES } from './parse-mount.js';
export type { ParseMountOptions } from './parse-mount.js';
export { resolveRunMount, resolveRunMounts, resolveMountDefaults } from './resolve-mount.js';
export type { ResolveMountOptions } from './resolve-mount.js';
export { runHeredoc } from './run.js';
export type { RunHeredoc } from './run.js';
export { parseHeredocWord } from './heredoc-word.js';
export type { HeredocWord } from './heredoc-word.js';
export { parseGoDuration } from './go-duration.js';
export { COPY_FLAGS } from './copy.js';
export { ADD_FLAGS } from './add.js';
export { RUN_FLAGS } from './run.js';
export { HEALTHCHECK_FLAGS } from './healthcheck.js';
