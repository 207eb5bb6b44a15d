import { resolveRunMounts, runHeredoc } from '../dockerfile/instructions/index.js';
import type { ResolvedMount, RunInstruction } from '../dockerfile/instructions/index.js';
import type { ConvertContext, StepDraft } from './convert-context.js';
import { inputFrom } from './convert-copy.js';
import { planError } from './plan-error.js';
import type { ContentSource, PlannedMount } from './planned-instruction.js';
import { cleanPath, isAbsolutePath, joinPath } from './posix-path.js';
import type { StepInput } from './types.js';

/**
 * RUN: the command itself is not expanded (the shell does that), only the `--mount` options are.
 * Shell form gets the stage's SHELL in front; heredocs follow BuildKit's three cases (a `#!` script
 * run from a file, a body run as the command, or bodies fed to a program).
 */
export function convertRun(command: RunInstruction, context: ConvertContext): StepDraft {
  const { state } = context;
  const resolved = resolveRunMounts(command, { expand: (word) => context.expander.word(word) });
  const inputs: StepInput[] = [];
  const mounts = resolved.map((mount, i) => planMount(mount, context.sources[i], state.workdir, context, inputs));

  let args = [...command.command.args];
  let scriptFile: { path: string; data: string } | undefined;
  let labelSuffix: string | undefined;
  if (command.command.files.length > 0) {
    if (args.length !== 1 || !command.command.prependShell) {
      throw planError('INVALID_INSTRUCTION', `parsing produced an invalid run command: ${JSON.stringify(args)}`, context.range, {
        file: context.options.file,
      });
    }
    const heredoc = runHeredoc(command.command);
    if (heredoc?.kind === 'script') {
      const data = heredoc.file.data;
      if (heredoc.shebang && state.platform.os !== 'windows') {
        scriptFile = { path: `/dev/pipes/${heredoc.file.name}`, data };
        args = [scriptFile.path];
      } else {
        args = [data];
      }
      labelSuffix = ` (${summarizeHeredoc(data)})`;
    } else if (heredoc?.kind === 'fed') {
      args = [heredoc.script];
    }
  }
  const shellForm = command.command.prependShell;
  const argv = shellForm ? [...state.effectiveShell(), args.join(' ')] : args;
  return {
    instruction: {
      kind: 'run',
      args: argv,
      shellForm,
      ...(scriptFile !== undefined ? { scriptFile } : {}),
      mounts,
      network: command.network,
      security: command.security,
      env: state.envList(),
      proxyEnv: context.proxyEnv,
      buildArgs: state.historyArgs(),
      user: state.user,
    },
    layer: true,
    inputs,
    numbered: true,
    ...(labelSuffix !== undefined ? { labelSuffix } : {}),
  };
}

function planMount(
  mount: ResolvedMount,
  source: ContentSource | undefined,
  workdir: string,
  context: ConvertContext,
  inputs: StepInput[],
): PlannedMount {
  if (mount.type === 'secret' || mount.type === 'ssh') return mount;
  let target = mount.target;
  if (!isAbsolutePath(cleanPath(target))) target = joinPath('/', workdir, target);
  if (target === '/') {
    throw planError('INVALID_FLAG_VALUE', `invalid mount target ${JSON.stringify(target)}`, context.range, {
      file: context.options.file,
      hint: 'mount somewhere below /, e.g. target=/cache',
    });
  }
  if (mount.type === 'tmpfs') return { ...mount, target };
  const origin: ContentSource | undefined = source ?? (mount.type === 'bind' ? { kind: 'context' } : undefined);
  if (origin !== undefined && origin.kind !== 'scratch') inputs.push(inputFrom(origin, [mount.source]));
  return { ...mount, target, ...(origin !== undefined ? { origin } : {}) };
}

/** BuildKit's heredoc summary for progress: the first line, `...` when there are more. */
function summarizeHeredoc(doc: string): string {
  const lines = doc.trim().replace(/\r\n/g, '\n').split('\n');
  return (lines[0] ?? '') + (lines.length > 1 ? '...' : '');
}
