import type {
  CmdInstruction,
  EntrypointInstruction,
  EnvInstruction,
  ExposeInstruction,
  LabelInstruction,
  StopSignalInstruction,
  UserInstruction,
  VolumeInstruction,
  WorkdirInstruction,
} from '../dockerfile/instructions/index.js';
import type { ConvertContext, StepDraft } from './convert-context.js';
import { parseExposedPorts } from './expose-ports.js';
import { planError } from './plan-error.js';
import type { KeyValue } from './planned-instruction.js';
import { normalizeWorkdir } from './posix-path.js';
import { isValidSignal } from './stop-signal.js';

const configOnly = { layer: false, inputs: [], numbered: false } as const;

/**
 * ENV: every key and value is expanded against the scope *before* the instruction (so
 * `ENV A=1 B=$A` gives B the old A), then the pairs enter the scope in order.
 */
export function convertEnv(command: EnvInstruction, context: ConvertContext): StepDraft {
  const pairs = expandPairs(command.env, context);
  for (const { key, value } of pairs) context.state.env.set(key, value);
  return { instruction: { kind: 'env', pairs }, ...configOnly };
}

export function convertLabel(command: LabelInstruction, context: ConvertContext): StepDraft {
  return { instruction: { kind: 'label', pairs: expandPairs(command.labels, context) }, ...configOnly };
}

function expandPairs(pairs: readonly { key: string; value: string }[], context: ConvertContext): KeyValue[] {
  return pairs.map((p) => ({ key: context.expander.word(p.key), value: context.expander.word(p.value) }));
}

export function convertUser(command: UserInstruction, context: ConvertContext): StepDraft {
  const user = context.expander.word(command.user);
  context.state.user = user;
  return { instruction: { kind: 'user', user }, ...configOnly };
}

export function convertVolume(command: VolumeInstruction, context: ConvertContext): StepDraft {
  const volumes = command.volumes.map((v) => context.expander.word(v));
  if (volumes.some((v) => v === '')) {
    throw planError('INVALID_INSTRUCTION', 'VOLUME specified can not be an empty string', context.range, {
      file: context.options.file,
    });
  }
  return { instruction: { kind: 'volume', volumes }, ...configOnly };
}

export function convertStopSignal(command: StopSignalInstruction, context: ConvertContext): StepDraft {
  const signal = context.expander.word(command.signal);
  if (!isValidSignal(signal)) {
    throw planError('INVALID_INSTRUCTION', `Invalid signal: ${signal}`, context.range, {
      file: context.options.file,
      hint: 'use a signal name such as SIGTERM or SIGINT, or its number',
    });
  }
  return { instruction: { kind: 'stopsignal', signal }, ...configOnly };
}

/** EXPOSE: each port word is expanded *and split*, then read as a port spec. */
export function convertExpose(command: ExposeInstruction, context: ConvertContext): StepDraft {
  const words = command.ports.flatMap((p) => context.expander.words(p));
  const parsed = parseExposedPorts(words);
  if (!parsed.ok) {
    throw planError('INVALID_INSTRUCTION', parsed.error, context.range, {
      file: context.options.file,
      hint: 'EXPOSE takes <port>[/<tcp|udp|sctp>] or a range <from>-<to>[/<proto>]',
    });
  }
  return { instruction: { kind: 'expose', ports: parsed.ports }, ...configOnly };
}

/** CMD and ENTRYPOINT are not expanded (the shell does it when the container starts). */
export function convertCommand(command: CmdInstruction | EntrypointInstruction, context: ConvertContext): StepDraft {
  const { args, prependShell } = command.command;
  const full = prependShell ? [...context.state.effectiveShell(), args.join(' ')] : [...args];
  return { instruction: { kind: command.kind, args: full, shellForm: prependShell }, ...configOnly };
}

/**
 * WORKDIR: the path is expanded and joined to the current directory. BuildKit creates the directory
 * (a layer, a numbered step) unless the result is `/`.
 */
export function convertWorkdir(command: WorkdirInstruction, context: ConvertContext): StepDraft {
  const path = context.expander.word(command.path);
  const workdir = normalizeWorkdir(context.state.workdir, path);
  context.state.workdir = workdir;
  const creates = workdir !== '/';
  return { instruction: { kind: 'workdir', path, workdir }, layer: creates, inputs: [], numbered: creates };
}
