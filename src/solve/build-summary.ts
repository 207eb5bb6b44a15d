import type { BuildResult } from './types.js';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Sizes as docker prints them (decimal units, 3 significant digits): `474MB`, `1.21kB`, `0B`. */
export function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${String(Number(value.toPrecision(3)))}${UNITS[unit] ?? 'B'}`;
}

/**
 * The summary printed after a multi-stage build: each stage's result size (and what its own steps
 * added), the final image's size, and what each `COPY --from` carried. Empty for a one-stage build.
 */
export function formatBuildSummary(result: BuildResult): string {
  if (result.stages.length < 2) return '';
  const width = Math.max(...result.stages.map((s) => (s.id === '' ? '(final)' : s.id).length));
  const lines = ['stages:'];
  for (const stage of result.stages) {
    const name = (stage.id === '' ? '(final)' : stage.id).padEnd(width);
    const final = stage.index === result.target.index ? '  <- final image' : '';
    lines.push(`  ${name}  ${formatSize(stage.size).padStart(7)}  (+${formatSize(stage.addedSize)} in its own steps)${final}`);
  }
  lines.push(`final image: ${formatSize(result.size)} in ${String(result.stages.find((s) => s.index === result.target.index)?.layers ?? 0)} layers`);
  if (result.copies.length > 0) {
    lines.push('copied between stages:');
    for (const copy of result.copies) {
      lines.push(`  line ${String(copy.line)}: ${copy.paths.join(' ')} from ${copy.from}: ${formatSize(copy.bytes)}`);
    }
  }
  return lines.join('\n') + '\n';
}
