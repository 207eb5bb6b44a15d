import type { DockerfileAst } from '../syntax/ast.js';
import type { ArgInstruction } from './arg.js';
import { docCommentFor } from './doc-comment.js';
import { failAt } from './fail.js';
import type { FromInstruction } from './from.js';
import type { StageCommand } from './instruction.js';
import { parseInstruction } from './parse-instruction.js';
import type { ParsedDockerfile, Stage } from './stage.js';

export interface ParseStagesOptions {
  /**
   * Accept two stages with the same name, as BuildKit does (it only warns, and a later reference
   * finds the later stage). By default a repeated name is a DUPLICATE_STAGE error.
   */
  readonly allowDuplicateStageNames?: boolean;
}

interface StageDraft {
  readonly from: FromInstruction;
  readonly commands: StageCommand[];
}

/**
 * Groups a Dockerfile's instructions into stages, as BuildKit's instructions.Parse: ARGs before
 * the first FROM are meta args; any other instruction there is NO_FROM; a file without FROM is
 * NO_FROM too. Each instruction is parsed (and validated) in order, so the first error wins.
 */
export function parseStages(ast: DockerfileAst, options: ParseStagesOptions = {}): ParsedDockerfile {
  const metaArgs: ArgInstruction[] = [];
  const drafts: StageDraft[] = [];
  const byName = new Map<string, FromInstruction>();
  for (const node of ast.instructions) {
    const instruction = parseInstruction(node);
    if (instruction.kind === 'from') {
      const name = instruction.stageName;
      if (name !== undefined) {
        const previous = byName.get(name);
        if (previous !== undefined && options.allowDuplicateStageNames !== true) {
          throw failAt('DUPLICATE_STAGE', `duplicate stage name ${JSON.stringify(name)}`, node.range, {
            hint: `a stage named ${JSON.stringify(name)} is already defined on line ${previous.range.start.line}; stage names must be unique`,
            details: { name, previousLine: previous.range.start.line },
          }).withLocation(previous.range);
        }
        byName.set(name, instruction);
      }
      drafts.push({ from: instruction, commands: [] });
      continue;
    }
    const current = drafts[drafts.length - 1];
    if (current === undefined) {
      if (instruction.kind === 'arg') {
        metaArgs.push(instruction);
        continue;
      }
      throw failAt('NO_FROM', `no build stage in current context: ${node.keywordText} comes before the first FROM`, node.range, {
        hint: 'start the Dockerfile with FROM <image>; only ARG may come before the first FROM',
        details: { instruction: node.keyword.toUpperCase() },
      });
    }
    current.commands.push(instruction);
  }
  if (drafts.length === 0) {
    const last = ast.instructions[ast.instructions.length - 1];
    throw failAt(
      ast.instructions.length === 0 ? 'DOCKERFILE_EMPTY' : 'NO_FROM',
      'dockerfile contains no stages to build',
      last?.range ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      { hint: 'add a FROM instruction, e.g. FROM debian:bookworm' },
    );
  }
  const stages = drafts.map(
    (draft, index): Stage => ({
      name: draft.from.stageName,
      index,
      from: draft.from,
      commands: draft.commands,
      range: draft.from.range,
      description: docCommentFor(draft.from.node.comments, draft.from.stageName),
    }),
  );
  return { metaArgs, stages };
}
