import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { failAt } from './fail.js';
import { parseFlags } from './flags.js';

/** `FROM [--platform=<p>] <image> [AS <name>]`: starts a stage. */
export interface FromInstruction extends InstructionBase<'from'> {
  /** The base image or stage name, unexpanded (`${BASE}:1.2`, `builder`, `scratch`). */
  readonly image: string;
  /** The `--platform` value, unexpanded; undefined when not given (or given empty). */
  readonly platform: string | undefined;
  /** The stage name after `AS`, lowercased as BuildKit does; undefined for an unnamed stage. */
  readonly stageName: string | undefined;
  /** The stage name as written (for casing checks). */
  readonly stageNameText: string | undefined;
  /** The `AS` keyword as written (`AS`, `as`), for casing checks. */
  readonly asKeyword: string | undefined;
}

const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** Parses FROM: the image word, `AS name` (lowercased, validated) and `--platform`. */
export function parseFrom(node: InstructionNode): FromInstruction {
  const { args } = node;
  let stageName: string | undefined;
  let stageNameText: string | undefined;
  let asKeyword: string | undefined;
  if (args.length === 3 && args[1]?.toLowerCase() === 'as') {
    stageNameText = args[2] ?? '';
    asKeyword = args[1];
    stageName = stageNameText.toLowerCase();
    if (!VALID_STAGE_NAME.test(stageName)) {
      throw failAt(
        'INVALID_STAGE_NAME',
        `invalid name for build stage: ${JSON.stringify(stageNameText)}, name can't start with a number or contain symbols`,
        node.range,
        {
          hint: 'stage names start with a letter and contain only letters, digits, "-", "_" and "."',
          details: { name: stageNameText },
        },
      );
    }
  } else if (args.length !== 1) {
    throw failAt(
      args.length === 0 ? 'MISSING_ARGUMENT' : 'INVALID_INSTRUCTION',
      'FROM requires either one or three arguments',
      node.range,
      { hint: 'write FROM <image> or FROM <image> AS <name>', details: { count: args.length } },
    );
  }
  const flags = parseFlags(node, { platform: 'string' });
  const platform = flags.string('platform');
  return {
    kind: 'from',
    range: node.range,
    node,
    image: args[0] ?? '',
    platform: platform === '' ? undefined : platform,
    stageName,
    stageNameText,
    asKeyword,
  };
}
