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
