import { isBuildError } from '../../errors/index.js';
import type { BuildError } from '../../errors/index.js';
import { parseDockerfile } from '../syntax/index.js';
import type { StageCommand } from './instruction.js';
import { parseStages } from './parse-stages.js';
import type { ParseStagesOptions } from './parse-stages.js';
import type { ParsedDockerfile } from './stage.js';

/** Test support (not public API): Dockerfile text -> stages. */
export function stagesOf(text: string, options: ParseStagesOptions = {}): ParsedDockerfile {
  return parseStages(parseDockerfile(text), options);
}

/** Test support: the typed instruction of `line`, written after `FROM scratch`. */
export function commandOf(line: string): StageCommand {
  const [stage] = stagesOf(`FROM scratch\n${line}\n`).stages;
  const [command] = stage?.commands ?? [];
  if (command === undefined) throw new Error(`no command parsed from ${line}`);
  return command;
}

/** Test support: the BuildError `fn` throws. */
export function buildErrorOf(fn: () => unknown): BuildError {
  try {
    fn();
  } catch (error) {
    if (isBuildError(error)) return error;
    throw error;
  }
  throw new Error('expected a BuildError, got none');
}

/** Test support: `line:column` of an error's first location. */
export function whereOf(error: BuildError): string {
  const [first] = error.locations;
  return first === undefined ? '' : `${first.start.line}:${first.start.column}`;
}
