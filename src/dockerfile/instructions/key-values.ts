import type { InstructionNode } from '../syntax/ast.js';
import type { KeyValuePair } from './base.js';
import { errAtLeastOneArgument, errBlankNames, failAt, upperName } from './fail.js';

/** ENV/LABEL arguments: the parser gives (key, value, separator) triples; separator '' = legacy form. */
export function parseKeyValues(node: InstructionNode): KeyValuePair[] {
  const { args } = node;
  if (args.length === 0) throw errAtLeastOneArgument(node);
  if (args.length % 3 !== 0) {
    throw failAt('INVALID_INSTRUCTION', `Bad input to ${upperName(node)}, too many arguments`, node.range);
  }
  const pairs: KeyValuePair[] = [];
  for (let i = 0; i < args.length; i += 3) {
    const key = args[i] ?? '';
    if (key === '') throw errBlankNames(node);
    pairs.push({ key, value: args[i + 1] ?? '', noDelimiter: (args[i + 2] ?? '') === '' });
  }
  return pairs;
}
