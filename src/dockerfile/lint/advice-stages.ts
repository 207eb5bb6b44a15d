import type { StageCommand } from '../instructions/index.js';
import { cleanPath } from './check-copy-ignored.js';
import { topLevelNames } from './context-info.js';
import type { LintContextInfo } from './context-info.js';
import type { LintReporter } from './reporter.js';
import { stageLabel } from './stage-graph.js';
import type { StageGraph } from './stage-graph.js';

/** StageReferencedByIndex: `COPY --from=<n>` breaks silently when stages are added or reordered. */
export function adviseIndexReferences(graph: StageGraph, reporter: LintReporter): void {
  for (const reference of graph.indexReferences) {
    const stage = reference.stage === undefined ? undefined : graph.stages[reference.stage];
    const written = `--from=${reference.instruction.from ?? ''}`;
    let change: string;
    if (stage === undefined) change = 'name the stage you mean (FROM <image> AS <name>) and use --from=<name>';
    else if (stage.name !== undefined) change = `use its name: --from=${stage.name}`;
    else change = `name it (FROM ${stage.from.image} AS <name>, line ${stage.range.start.line}) and use --from=<name>`;
    const target = stage === undefined ? 'a stage by index' : `stage ${stageLabel(stage)} by its index`;
    reporter.report(
      'StageReferencedByIndex',
      reference.instruction.range,
      `${written} refers to ${target}, which breaks when stages are added or reordered; ${change}`,
      reference.instruction.node.comments,
    );
  }
}

/** UnusedStage: a stage the target does not need is skipped by the build. */
export function adviseUnusedStages(graph: StageGraph, reporter: LintReporter): void {
  const target = graph.stages[graph.target];
  if (target === undefined) return;
  for (const stage of graph.stages) {
    if (graph.needed.has(stage.index)) continue;
    const change =
      stage.name !== undefined
        ? `build it with --target ${stage.name}, make the target depend on it (COPY --from=${stage.name}), or remove it`
        : 'remove it, or name it (AS <name>) and COPY --from it what the target needs';
    reporter.report(
      'UnusedStage',
      stage.range,
      `Stage ${stageLabel(stage)} is not needed by the target stage ${stageLabel(target)}, so a default build skips it; ${change}`,
      stage.from.node.comments,
    );
  }
}

/** Entries that should never reach the builder, with what they are. */
const UNWANTED_ENTRIES: readonly string[] = ['node_modules', '.git'];

function copiesContextRoot(command: StageCommand): boolean {
  if (command.kind !== 'copy' && command.kind !== 'add') return false;
  if (command.kind === 'copy' && command.from !== undefined) return false;
  return command.sources.some((source) => ['.', '/', '*', '/*'].includes(cleanPath(source)));
}

/**
 * MissingDockerignore: the context holds node_modules or .git and an instruction copies the whole
 * context, but no .dockerignore keeps them out (none exists, or it does not exclude them).
 */
export function adviseDockerignore(graph: StageGraph, reporter: LintReporter, context: LintContextInfo): void {
  const names = topLevelNames(context.entries);
  const present = UNWANTED_ENTRIES.filter((name) => names.has(name));
  const ignore = context.ignore;
  const kept = ignore === undefined ? present : present.filter((name) => !ignore.matchesOrParentMatches(name));
  if (kept.length === 0) return;
  const copy = graph.stages.flatMap((stage) => stage.commands).find(copiesContextRoot);
  if (copy === undefined) return;
  const list = kept.join(' and ');
  const message =
    context.ignoreFile === undefined
      ? `The build context holds ${list} but has no .dockerignore, so this ${copy.node.keywordText.toUpperCase()} sends and copies ${kept.length > 1 ? 'them' : 'it'} too; add a .dockerignore listing ${list}`
      : `${context.ignoreFile} does not exclude ${list}, which this ${copy.node.keywordText.toUpperCase()} then copies; add ${kept.length > 1 ? 'them' : 'it'} to ${context.ignoreFile}`;
  reporter.report('MissingDockerignore', copy.range, message, copy.node.comments);
}
