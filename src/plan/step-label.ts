import type { StageCommand } from '../dockerfile/instructions/index.js';
import { expandWord } from '../dockerfile/shell/index.js';
import type { EscapeChar } from '../dockerfile/shell/index.js';

/**
 * BuildKit's progress prefix: `[builder 3/5] `, the number padded to the width of the total;
 * no stage id when the build has a single stage; `ONBUILD ` after it for a trigger.
 */
export function stepPrefix(id: string, number: number, total: number, onbuild: boolean): string {
  const width = Math.floor(1 + Math.log10(Math.max(total, 1)));
  const name = id === '' ? '' : `${id} `;
  return `[${name}${String(number).padStart(width)}/${total}] ${onbuild ? 'ONBUILD ' : ''}`;
}

/**
 * The text BuildKit shows for a step: the instruction's source with the keyword uppercased and,
 * for RUN, variables in scope substituted (unset ones and quotes left as written); for COPY, ADD
 * and WORKDIR, substituted the ordinary way. A text that fails to expand is shown as written.
 */
export function stepText(
  command: StageCommand,
  env: ReadonlyMap<string, string>,
  escapeChar: EscapeChar,
): string {
  const original = command.node.original.trim();
  let text = original;
  try {
    if (command.kind === 'run') {
      text = expandWord(original, env, { escapeChar, rawQuotes: true, skipUnsetEnv: true }).value;
    } else if (command.kind === 'copy' || command.kind === 'add' || command.kind === 'workdir') {
      text = expandWord(original, env, { escapeChar }).value;
    }
  } catch {
    text = original;
  }
  return uppercaseKeyword(text);
}

function uppercaseKeyword(text: string): string {
  const space = text.indexOf(' ');
  return space === -1 ? text.toUpperCase() : text.slice(0, space).toUpperCase() + text.slice(space);
}
