const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/**
 * Bytes in decimal units with three significant digits, as docker prints sizes (`474 MB`,
 * `12.3 kB`, `999 B`); negative values keep their sign.
 */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 999.5 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 99.95 ? 0 : value >= 9.995 ? 1 : 2;
  return `${sign}${value.toFixed(digits)} ${UNITS[unit] ?? 'B'}`;
}

/** A ratio as a percentage with one decimal (`98.7 %`). */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

/** A command line shortened to `max` characters, BuildKit's `/bin/sh -c` prefix dropped. */
export function shortCommand(createdBy: string | undefined, max = 60): string {
  if (createdBy === undefined || createdBy === '') return '';
  const text = createdBy.replace(/^\/bin\/sh -c (#\(nop\) )?/, '').replace(/\s+/g, ' ').trim();
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
