import { BuildError } from '../../errors/index.js';
import type { CopyInstruction, Stage } from '../instructions/index.js';
import { expandWord } from '../shell/index.js';
import type { EscapeChar } from '../shell/index.js';
import type { GlobalScope } from './global-scope.js';

/** A `COPY --from=<n>` that names a stage by its position. */
export interface IndexReference {
  readonly instruction: CopyInstruction;
  /** The stage it resolves to; undefined when the index is out of range. */
  readonly stage: number | undefined;
}

/** How the stages depend on each other, for the multi-stage advice. */
export interface StageGraph {
  readonly stages: readonly Stage[];
  /** The stage each stage builds on (FROM <earlier stage>), or undefined. */
  readonly baseStage: readonly (number | undefined)[];
  /** The image each stage starts from when it does not build on a stage (expanded FROM word). */
  readonly baseImage: readonly (string | undefined)[];
  /** The stages each stage needs: its base, COPY --from and RUN --mount from=. */
  readonly deps: readonly ReadonlySet<number>[];
  /** The stage the build produces. */
  readonly target: number;
  /** The target and every stage it needs, directly or not. */
  readonly needed: ReadonlySet<number>;
  readonly indexReferences: readonly IndexReference[];
}

export interface StageGraphOptions {
  readonly scope: GlobalScope;
  readonly escapeChar: EscapeChar;
  /** The target stage's name; the last stage when undefined. */
  readonly target?: string | undefined;
}

function expandOr(word: string, scope: GlobalScope, escapeChar: EscapeChar): string {
  try {
    return expandWord(word, scope.env, { escapeChar }).value;
  } catch {
    return word;
  }
}

/**
 * Resolves stage references as BuildKit does: FROM names a stage defined above it (exact, after
 * expansion with the global ARGs); COPY --from names any stage (case-insensitive) or gives its
 * index; RUN --mount from= names a stage. Anything else is an image.
 */
export function buildStageGraph(stages: readonly Stage[], options: StageGraphOptions): StageGraph {
  const byName = new Map<string, number>();
  for (const stage of stages) if (stage.name !== undefined) byName.set(stage.name, stage.index);
  const defined = new Map<string, number>();
  const baseStage: (number | undefined)[] = [];
  const baseImage: (string | undefined)[] = [];
  const deps: Set<number>[] = [];
  const indexReferences: IndexReference[] = [];
  for (const stage of stages) {
    const from = expandOr(stage.from.image, options.scope, options.escapeChar);
    const base = defined.get(from);
    baseStage.push(base);
    baseImage.push(base === undefined ? from : undefined);
    const needs = new Set<number>(base === undefined ? [] : [base]);
    for (const command of stage.commands) {
      if (command.kind === 'copy' && command.from !== undefined) {
        if (/^[+-]?\d+$/.test(command.from)) {
          const index = Number(command.from);
          const target = index >= 0 && index < stages.length ? index : undefined;
          indexReferences.push({ instruction: command, stage: target });
          if (target !== undefined) needs.add(target);
        } else {
          const named = byName.get(command.from.toLowerCase());
          if (named !== undefined) needs.add(named);
        }
      }
      if (command.kind === 'run') {
        for (const mount of command.mounts) {
          const source = mount.mount?.from;
          const named = source === undefined ? undefined : byName.get(source.toLowerCase());
          if (named !== undefined) needs.add(named);
        }
      }
    }
    deps.push(needs);
    if (stage.name !== undefined) defined.set(stage.name, stage.index);
  }
  const target = resolveTarget(stages, byName, options.target);
  const needed = new Set<number>();
  const visit = (index: number): void => {
    if (needed.has(index)) return;
    needed.add(index);
    for (const dep of deps[index] ?? []) visit(dep);
  };
  visit(target);
  return { stages, baseStage, baseImage, deps, target, needed, indexReferences };
}

function resolveTarget(stages: readonly Stage[], byName: ReadonlyMap<string, number>, target: string | undefined): number {
  if (target === undefined) return stages.length - 1;
  const index = byName.get(target.toLowerCase());
  if (index === undefined) {
    throw new BuildError('UNKNOWN_TARGET', `target stage ${JSON.stringify(target)} could not be found`, {
      details: { target },
      hint: `the named stages are: ${[...byName.keys()].join(', ') || '(none)'}`,
    });
  }
  return index;
}

/** The stage and the stages it builds on, from the stage itself down to the one FROM an image. */
export function baseChain(graph: StageGraph, index: number): number[] {
  const chain: number[] = [];
  let current: number | undefined = index;
  while (current !== undefined && !chain.includes(current)) {
    chain.push(current);
    current = graph.baseStage[current];
  }
  return chain;
}

/** A stage's name for messages: `'builder'`, or `#1` for an unnamed one. */
export function stageLabel(stage: Stage): string {
  return stage.name !== undefined ? `'${stage.name}'` : `#${stage.index}`;
}
