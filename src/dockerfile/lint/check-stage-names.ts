import type { Stage } from '../instructions/index.js';
import type { LintReporter } from './reporter.js';

/** Names BuildKit keeps for itself: `scratch` (the empty image) and `context` (the build context). */
const RESERVED_STAGE_NAMES: ReadonlySet<string> = new Set(['context', 'scratch']);

function isUniformCase(text: string): boolean {
  return text === text.toLowerCase() || text === text.toUpperCase();
}

/**
 * StageNameCasing and FromAsCasing (per FROM, honouring a check comment above it),
 * DuplicateStageName and ReservedStageName (over all stages).
 */
export function checkStageNames(stages: readonly Stage[], reporter: LintReporter): void {
  for (const { from } of stages) {
    const comments = from.node.comments;
    const written = from.stageNameText;
    if (written !== undefined && written !== written.toLowerCase()) {
      reporter.report('StageNameCasing', from.range, `Stage name '${written}' should be lowercase`, comments);
    }
    const as = from.asKeyword;
    const keyword = from.node.keywordText;
    // A FROM keyword of mixed case is ConsistentInstructionCasing's business, not this rule's.
    if (as !== undefined && isUniformCase(keyword)) {
      const wanted = keyword === keyword.toLowerCase() ? as.toLowerCase() : as.toUpperCase();
      if (as !== wanted) {
        reporter.report('FromAsCasing', from.range, `'${as}' and '${keyword}' keywords' casing do not match`, comments);
      }
    }
  }
  const seen = new Set<string>();
  for (const stage of stages) {
    const name = stage.name;
    if (name === undefined) continue;
    if (RESERVED_STAGE_NAMES.has(name)) {
      reporter.report(
        'ReservedStageName',
        stage.range,
        `Stage name should not use the same name as reserved stage ${JSON.stringify(name)}`,
      );
    }
    if (seen.has(name)) {
      reporter.report(
        'DuplicateStageName',
        stage.range,
        `Duplicate stage name ${JSON.stringify(name)}, stage names should be unique`,
      );
    }
    seen.add(name);
  }
}

/**
 * ConsistentInstructionCasing: each instruction keyword in the stages (not the ARGs before the
 * first FROM) must be all-lowercase or all-uppercase, and agree with the majority; a tie counts as
 * an uppercase majority.
 */
export function checkInstructionCasing(stages: readonly Stage[], reporter: LintReporter): void {
  const keywords = stages.flatMap((stage) => [stage.from, ...stage.commands]);
  let lower = 0;
  let upper = 0;
  for (const { node } of keywords) {
    const text = node.keywordText;
    if (!isUniformCase(text)) continue;
    if (text === text.toLowerCase()) lower++;
    else upper++;
  }
  const majorityLower = lower > upper;
  for (const { node, range } of keywords) {
    const text = node.keywordText;
    let wanted: string | undefined;
    if (majorityLower && text !== text.toLowerCase()) wanted = 'lowercase';
    else if (!majorityLower && text !== text.toUpperCase()) wanted = 'uppercase';
    if (wanted !== undefined) {
      reporter.report(
        'ConsistentInstructionCasing',
        range,
        `Command '${text}' should match the case of the command majority (${wanted})`,
      );
    }
  }
}
