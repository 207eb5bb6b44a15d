import type { StageCommand } from '../dockerfile/instructions/index.js';
import { convertArg } from './convert-arg.js';
import {
  convertCommand,
  convertEnv,
  convertExpose,
  convertLabel,
  convertStopSignal,
  convertUser,
  convertVolume,
  convertWorkdir,
} from './convert-config.js';
import type { ConvertContext, StepDraft } from './convert-context.js';
import { convertAdd, convertCopy } from './convert-copy.js';
import { convertRun } from './convert-run.js';

const configOnly = { layer: false, inputs: [], numbered: false } as const;

/**
 * Converts one stage command. Which words are expanded follows BuildKit: ADD, COPY, ENV, EXPOSE,
 * LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR, ARG defaults and RUN `--mount` options are; RUN, CMD,
 * ENTRYPOINT, SHELL, HEALTHCHECK, MAINTAINER and ONBUILD are not.
 */
export function convertInstruction(command: StageCommand, context: ConvertContext): StepDraft {
  switch (command.kind) {
    case 'run':
      return convertRun(command, context);
    case 'copy':
      return convertCopy(command, context);
    case 'add':
      return convertAdd(command, context);
    case 'workdir':
      return convertWorkdir(command, context);
    case 'arg':
      return convertArg(command, context);
    case 'env':
      return convertEnv(command, context);
    case 'label':
      return convertLabel(command, context);
    case 'user':
      return convertUser(command, context);
    case 'volume':
      return convertVolume(command, context);
    case 'stopsignal':
      return convertStopSignal(command, context);
    case 'expose':
      return convertExpose(command, context);
    case 'cmd':
    case 'entrypoint':
      return convertCommand(command, context);
    case 'shell':
      context.state.shell = command.shell;
      return { instruction: { kind: 'shell', shell: command.shell }, ...configOnly };
    case 'healthcheck':
      return { instruction: { kind: 'healthcheck', health: command.health }, ...configOnly };
    case 'maintainer':
      return { instruction: { kind: 'maintainer', maintainer: command.maintainer }, ...configOnly };
    case 'onbuild':
      return { instruction: { kind: 'onbuild', expression: command.expression }, ...configOnly };
  }
}
