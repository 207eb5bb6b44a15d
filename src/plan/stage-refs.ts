import type { Stage } from '../dockerfile/instructions/index.js';
import { expandWord } from '../dockerfile/shell/index.js';
import type { EscapeChar } from '../dockerfile/shell/index.js';
import { suggestClosest } from '../errors/index.js';
import type { SourceRange } from '../errors/index.js';
import { parseReference } from '../oci/index.js';
import { findNamedContext, namedContextContent } from './named-contexts.js';
import type { NamedContextSource } from './options.js';
import { atInstruction, didYouMean, planError } from './plan-error.js';
import type { ContentSource } from './planned-instruction.js';
import type { PlanWarning } from './types.js';

export interface RefContext {
  readonly stages: readonly Stage[];
  readonly escapeChar: EscapeChar;
  readonly file: string | undefined;
  readonly warnings: PlanWarning[];
  /** `--build-context` values by normalised name (none when undefined). */
  readonly namedContexts?: ReadonlyMap<string, NamedContextSource>;
}

/** BuildKit's progress name of a stage: its name, else `stage-<index>`. */
export function stageId(stage: Stage): string {
  return stage.name ?? `stage-${stage.index}`;
}

/**
 * The stage named `name` (names are lowercase; the lookup ignores case), anywhere in the file; if
 * two stages share the name (which only a lenient parse allows), the later one, as in BuildKit.
 */
export function findStageByName(stages: readonly Stage[], name: string): Stage | undefined {
  const lower = name.toLowerCase();
  return stages.findLast((s) => s.name === lower);
}

/**
 * What `COPY --from=<value>` reads, as BuildKit's toCommand decides: the value may not use
 * variables; a number is a stage index (which must exist); a stage name (any stage; that it comes
 * earlier is checked when the stage is built); `scratch`; a `--build-context` of that name;
 * otherwise an image reference.
 */
export function resolveCopyFrom(value: string, range: SourceRange, context: RefContext): ContentSource {
  const literal = expandWord(value, new Map<string, string>(), { escapeChar: context.escapeChar }).value;
  if (literal !== value) {
    throw planError(
      'INVALID_FLAG_VALUE',
      'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
      range,
      { file: context.file, hint: 'ARG IMG=...  before the first FROM, then  FROM ${IMG} AS src  and  COPY --from=src ...' },
    );
  }
  if (/^[+-]?\d+$/.test(value)) {
    const index = Number.parseInt(value, 10);
    const stage = context.stages[index];
    if (index < 0 || stage === undefined) {
      throw planError('UNKNOWN_STAGE', `invalid stage index ${value}`, range, {
        file: context.file,
        hint: `stage indexes go from 0 to ${context.stages.length - 1}; naming the stage (FROM ... AS name) is clearer`,
      });
    }
    return { kind: 'stage', stage: stage.index };
  }
  return resolveNamedSource(value, range, context);
}

/** What `RUN --mount=from=<value>` reads: a stage by name only (no index), `scratch`, a named context, or an image. */
export function resolveMountFrom(value: string, range: SourceRange, context: RefContext): ContentSource {
  return resolveNamedSource(value, range, context);
}

function resolveNamedSource(value: string, range: SourceRange, context: RefContext): ContentSource {
  const stage = findStageByName(context.stages, value);
  if (stage !== undefined) return { kind: 'stage', stage: stage.index };
  if (value === 'scratch') return { kind: 'scratch' };
  const named = context.namedContexts === undefined ? undefined : findNamedContext(context.namedContexts, value);
  if (named !== undefined) return namedContextContent(named, value);
  const names = context.stages.flatMap((s) => (s.name === undefined ? [] : [s.name]));
  const suggestion = /[/:.@]/.test(value) ? undefined : suggestClosest(value, names);
  if (suggestion !== undefined) {
    context.warnings.push({
      code: 'FROM_UNKNOWN_STAGE',
      message: `--from=${value} names no stage, so it is pulled as an image; ${didYouMean(suggestion) ?? ''}`,
      range,
    });
  }
  const ref = atInstruction(range, context.file, () => parseReference(value));
  return { kind: 'image', image: value, ref: ref.toString() };
}
