import { suggestClosest } from '../../errors/index.js';
import type { InstructionNode } from '../syntax/ast.js';
import { parseAdd } from './add.js';
import { parseArg } from './arg.js';
import { parseCmd } from './cmd.js';
import { parseCopy } from './copy.js';
import { parseEntrypoint } from './entrypoint.js';
import { parseEnv } from './env.js';
import { parseExpose } from './expose.js';
import { failAt } from './fail.js';
import { parseFrom } from './from.js';
import { parseHealthcheck } from './healthcheck.js';
import { INSTRUCTION_KINDS } from './instruction.js';
import type { Instruction } from './instruction.js';
import { parseLabel } from './label.js';
import { parseMaintainer } from './maintainer.js';
import { parseOnbuild } from './onbuild.js';
import { parseRun } from './run.js';
import { parseShell } from './shell.js';
import { parseStopSignal } from './stopsignal.js';
import { parseUser } from './user.js';
import { parseVolume } from './volume.js';
import { parseWorkdir } from './workdir.js';

/**
 * Turns one syntax node into its typed instruction, validating its flags and arguments as
 * BuildKit's instructions.ParseInstruction does. Words stay unexpanded. Throws a located
 * BuildError (UNKNOWN_INSTRUCTION, UNKNOWN_FLAG, INVALID_FLAG_VALUE, MISSING_ARGUMENT, ...).
 */
export function parseInstruction(node: InstructionNode): Instruction {
  switch (node.keyword.toLowerCase()) {
    case 'env':
      return parseEnv(node);
    case 'maintainer':
      return parseMaintainer(node);
    case 'label':
      return parseLabel(node);
    case 'add':
      return parseAdd(node);
    case 'copy':
      return parseCopy(node);
    case 'from':
      return parseFrom(node);
    case 'onbuild':
      return parseOnbuild(node, parseInstruction);
    case 'workdir':
      return parseWorkdir(node);
    case 'run':
      return parseRun(node);
    case 'cmd':
      return parseCmd(node);
    case 'healthcheck':
      return parseHealthcheck(node);
    case 'entrypoint':
      return parseEntrypoint(node);
    case 'expose':
      return parseExpose(node);
    case 'user':
      return parseUser(node);
    case 'volume':
      return parseVolume(node);
    case 'stopsignal':
      return parseStopSignal(node);
    case 'arg':
      return parseArg(node);
    case 'shell':
      return parseShell(node);
    default: {
      const names = INSTRUCTION_KINDS.map((kind) => kind.toUpperCase());
      const suggestion = suggestClosest(node.keywordText, names);
      throw failAt('UNKNOWN_INSTRUCTION', `unknown instruction: ${node.keywordText}`, node.keywordRange, {
        ...(suggestion !== undefined ? { hint: `did you mean ${suggestion}?` } : {}),
        details: {
          instruction: node.keywordText,
          ...(suggestion !== undefined ? { suggestion } : {}),
        },
      });
    }
  }
}
