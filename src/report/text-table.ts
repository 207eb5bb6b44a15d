/** Column alignment of a text table. */
export type Align = 'left' | 'right';

/**
 * A plain-text table: columns padded to their widest cell and separated by two spaces, numbers
 * right-aligned when asked; the last column is never padded (it holds paths and commands).
 */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: readonly Align[] = []): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => {
          if (i === row.length - 1 && align[i] !== 'right') return cell;
          const width = widths[i] ?? 0;
          return align[i] === 'right' ? cell.padStart(width) : cell.padEnd(width);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
