import type { AddInstruction } from './add.js';
import type { ArgInstruction } from './arg.js';
import type { CmdInstruction } from './cmd.js';
import type { CopyInstruction } from './copy.js';
import type { EntrypointInstruction } from './entrypoint.js';
import type { EnvInstruction } from './env.js';
import type { ExposeInstruction } from './expose.js';
import type { FromInstruction } from './from.js';
import type { HealthcheckInstruction } from './healthcheck.js';
import type { LabelInstruction } from './label.js';
import type { MaintainerInstruction } from './maintainer.js';
import type { OnbuildInstruction } from './onbuild.js';
import type { RunInstruction } from './run.js';
import type { ShellInstruction } from './shell.js';
import type { StopSignalInstruction } from './stopsignal.js';
import type { UserInstruction } from './user.js';
import type { VolumeInstruction } from './volume.js';
import type { WorkdirInstruction } from './workdir.js';

/** Every Dockerfile instruction, typed; switch on `kind`. */
export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | LabelInstruction
  | MaintainerInstruction
  | ExposeInstruction
  | EnvInstruction
  | AddInstruction
  | CopyInstruction
  | EntrypointInstruction
  | VolumeInstruction
  | UserInstruction
  | WorkdirInstruction
  | ArgInstruction
  | OnbuildInstruction
  | StopSignalInstruction
  | HealthcheckInstruction
  | ShellInstruction;

export type InstructionKind = Instruction['kind'];

/** An instruction that belongs to a stage (everything but FROM). */
export type StageCommand = Exclude<Instruction, FromInstruction>;

/** The instruction names, lowercased, as the `kind` values. */
export const INSTRUCTION_KINDS: readonly InstructionKind[] = [
  'add',
  'arg',
  'cmd',
  'copy',
  'entrypoint',
  'env',
  'expose',
  'from',
  'healthcheck',
  'label',
  'maintainer',
  'onbuild',
  'run',
  'shell',
  'stopsignal',
  'user',
  'volume',
  'workdir',
];
