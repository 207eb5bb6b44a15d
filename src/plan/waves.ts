/**
 * Schedules needed stages into waves: a stage's wave is one more than the latest wave of the
 * stages it needs (its base stage, the stages it copies or mounts from), 0 when it needs none.
 * Every stage of a wave can run at the same time once the earlier waves are done.
 */
export function computeWaves(
  needed: ReadonlySet<number>,
  dependencies: (stage: number) => readonly number[],
): { waves: number[][]; waveOf: Map<number, number> } {
  const waveOf = new Map<number, number>();
  const levelOf = (stage: number, trail: ReadonlySet<number>): number => {
    const known = waveOf.get(stage);
    if (known !== undefined) return known;
    if (trail.has(stage)) throw new Error(`invariant failed: dependency cycle through stage ${stage}`);
    const next = new Set(trail).add(stage);
    let level = 0;
    for (const dep of dependencies(stage)) if (needed.has(dep)) level = Math.max(level, levelOf(dep, next) + 1);
    waveOf.set(stage, level);
    return level;
  };
  const sorted = [...needed].sort((a, b) => a - b);
  for (const stage of sorted) levelOf(stage, new Set());
  const waves: number[][] = [];
  for (const stage of sorted) {
    const level = waveOf.get(stage) ?? 0;
    while (waves.length <= level) waves.push([]);
    waves[level]?.push(stage);
  }
  return { waves, waveOf };
}

/**
 * The chain of stages ending at `target` with the greatest total weight (the work that cannot be
 * parallelised away), from the first stage of the chain to the target. Ties go to the stage that
 * comes first in the file.
 */
export function criticalPath(
  target: number,
  dependencies: (stage: number) => readonly number[],
  weight: (stage: number) => number,
): number[] {
  const best = new Map<number, { total: number; previous: number | undefined }>();
  const solve = (stage: number): number => {
    const known = best.get(stage);
    if (known !== undefined) return known.total;
    let previous: number | undefined;
    let longest = 0;
    for (const dep of [...new Set(dependencies(stage))].sort((a, b) => a - b)) {
      const total = solve(dep);
      if (total > longest) {
        longest = total;
        previous = dep;
      }
    }
    const total = longest + weight(stage);
    best.set(stage, { total, previous });
    return total;
  };
  solve(target);
  const path: number[] = [];
  for (let stage: number | undefined = target; stage !== undefined; stage = best.get(stage)?.previous) path.unshift(stage);
  return path;
}
