import { parseInstruction } from '../dockerfile/instructions/index.js';
import type { Stage, StageCommand } from '../dockerfile/instructions/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import { isBuildError } from '../errors/index.js';
import type { SourceRange } from '../errors/index.js';
import type { BaseImageConfig } from './options.js';
import { planError } from './plan-error.js';
import { stageId } from './stage-refs.js';
import type { StageBase } from './types.js';

/** An ONBUILD trigger run at the start of a stage, and where it was written. */
export interface TriggerCommand {
  readonly instruction: StageCommand;
  readonly expression: string;
  /** The ONBUILD line of a base stage; the stage's own FROM for a trigger from an image's config. */
  readonly range: SourceRange;
}

/**
 * The ONBUILD triggers a stage runs first, as BuildKit collects them: the ONBUILD instructions of
 * its base stage, or the OnBuild list of its base image's config (when the caller knows it).
 * A trigger that is not a valid instruction (or is FROM, ONBUILD or MAINTAINER) fails at the FROM.
 */
export function triggersOf(
  stage: Stage,
  base: StageBase,
  stages: readonly Stage[],
  options: { readonly baseImage: (ref: string) => BaseImageConfig | undefined; readonly file: string | undefined },
): TriggerCommand[] {
  const fail = (reason: string, where: readonly SourceRange[] = []): Error =>
    where.reduce(
      (error, range) => error.withLocation(range, options.file),
      planError('INVALID_INSTRUCTION', `ONBUILD trigger: ${reason}`, stage.range, { file: options.file }),
    );
  const checked = (instruction: StageCommand | undefined, why: string | undefined, where: SourceRange[]): StageCommand => {
    if (instruction === undefined) throw fail(why ?? 'not a valid instruction', where);
    if (instruction.kind === 'onbuild' || instruction.kind === 'maintainer') {
      throw fail(`${instruction.kind.toUpperCase()} isn't allowed as an ONBUILD trigger`, where);
    }
    return instruction;
  };
  if (base.kind === 'stage') {
    const baseStage = stages[base.stage];
    const out: TriggerCommand[] = [];
    for (const onbuild of baseStage?.commands ?? []) {
      if (onbuild.kind !== 'onbuild') continue;
      const nested = onbuild.instruction?.kind === 'from' ? undefined : onbuild.instruction;
      const why = onbuild.instruction?.kind === 'from' ? "FROM isn't allowed as an ONBUILD trigger" : onbuild.triggerError?.message;
      const instruction = checked(nested, why && `${why} (in stage ${baseStage ? stageId(baseStage) : base.stage})`, [onbuild.range]);
      out.push({ instruction, expression: onbuild.expression, range: onbuild.range });
    }
    return out;
  }
  if (base.kind !== 'image') return [];
  return (options.baseImage(base.ref)?.onBuild ?? []).map((expression) => {
    let parsed: ReturnType<typeof parseInstruction> | undefined;
    let why: string | undefined;
    try {
      const nodes = parseDockerfile(expression).instructions;
      const node = nodes[0];
      if (nodes.length !== 1 || node === undefined) why = 'onbuild trigger should be a single expression';
      else parsed = parseInstruction(node);
    } catch (error) {
      if (!isBuildError(error)) throw error;
      why = error.message;
    }
    if (parsed?.kind === 'from') throw fail("FROM isn't allowed as an ONBUILD trigger");
    return { instruction: checked(parsed, why && `${why} (from the config of ${base.ref})`, []), expression, range: stage.range };
  });
}
