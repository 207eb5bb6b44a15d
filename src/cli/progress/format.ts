import type { TaskState, WarningEvent } from '../../events/index.js';

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;

/** Bytes as BuildKit prints them (`%.2f` of go units): `512B`, `1.23kB`, `28.57MB` (powers of 1000). */
export function formatBytes(bytes: number): string {
  const value = Math.max(0, Math.trunc(bytes));
  let unit = 0;
  let base = 1;
  while (unit < DECIMAL_UNITS.length - 1 && value >= base * 1000) {
    base *= 1000;
    unit++;
  }
  if (unit === 0) return `${value}B`;
  return `${(value / base).toFixed(2)}${DECIMAL_UNITS[unit] ?? ''}`;
}

/** A duration in seconds with one decimal: `4.2`. */
export function formatSeconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(1);
}

/**
 * A log line's offset from its step's start, as BuildKit's plain output shows it: three decimals
 * under 10 s, two under 100 s, one above (`0.512`, `12.34`, `123.4`).
 */
export function formatLogOffset(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  return seconds.toFixed(seconds < 10 ? 3 : seconds < 100 ? 2 : 1);
}

/** A warning's one-line form: `UndefinedVar: Usage of undefined variable '$FOO' (line 3)`. */
export function formatWarning(warning: WarningEvent): string {
  const text = warning.code === undefined ? warning.message : `${warning.code}: ${warning.message}`;
  return warning.range === undefined ? text : `${text} (line ${warning.range.start.line})`;
}

/** The closing list of warnings, as buildx prints it after a build (empty when there are none). */
export function formatWarningSummary(warnings: readonly WarningEvent[], heading: (text: string) => string): string {
  if (warnings.length === 0) return '';
  const count = warnings.length === 1 ? '1 warning found' : `${warnings.length} warnings found`;
  return `\n ${heading(`${count}:`)}\n${warnings.map((w) => ` - ${formatWarning(w)}\n`).join('')}`;
}

/** Whether a code point takes two terminal columns (East Asian wide and fullwidth forms, emoji). */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Whether a code point takes no column (combining marks, zero-width characters). */
function isZeroWidth(code: number): boolean {
  return (
    (code >= 0x0300 && code <= 0x036f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    code === 0xfeff
  );
}

function columnsOf(code: number): number {
  return isZeroWidth(code) ? 0 : isWide(code) ? 2 : 1;
}

/** How many terminal columns a text (without control characters) takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += columnsOf(char.codePointAt(0) ?? 0);
  return width;
}

/** The longest prefix of `text` that fits in `columns` terminal columns. */
export function truncateToWidth(text: string, columns: number): string {
  if (columns <= 0) return '';
  let width = 0;
  let end = 0;
  for (const char of text) {
    const w = columnsOf(char.codePointAt(0) ?? 0);
    if (width + w > columns) return text.slice(0, end);
    width += w;
    end += char.length;
  }
  return text;
}

/** `text` padded with spaces to `columns` terminal columns (or returned as is when wider). */
export function padToWidth(text: string, columns: number): string {
  const width = displayWidth(text);
  return width >= columns ? text : text + ' '.repeat(columns - width);
}

// eslint-disable-next-line no-control-regex -- terminal escape sequences are what this removes
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * A line of program output made safe to draw inside the live view: escape sequences removed, a
 * carriage return keeps only what was written after it (as a terminal would show a progress bar),
 * tabs expanded to 8-column stops, other control characters dropped.
 */
export function sanitizeLine(text: string): string {
  let line = text.replace(ESCAPES, '');
  if (line.endsWith('\r')) line = line.slice(0, -1);
  const cr = line.lastIndexOf('\r');
  if (cr !== -1) line = line.slice(cr + 1);
  line = line.replace(CONTROLS, '');
  if (!line.includes('\t')) return line;
  let out = '';
  for (const char of line) out += char === '\t' ? ' '.repeat(8 - (displayWidth(out) % 8)) : char;
  return out;
}

/** A sub-task's plain line: `sha256:3f4e... 3.40MB / 3.40MB 0.2s done`, `exporting layers 0.3s done`. */
export function formatTaskStatus(task: TaskState): string {
  let bytes = '';
  if (task.outcome !== 'exists' && task.outcome !== 'mounted') {
    if (task.total > 0) bytes = ` ${formatBytes(task.current)} / ${formatBytes(task.total)}`;
    else if (task.current > 0) bytes = ` ${formatBytes(task.current)}`;
  }
  let time = '';
  if (task.startedAt !== undefined) {
    const ms = (task.completedAt ?? task.updatedAt) - task.startedAt;
    if (ms > 10) time = ` ${formatSeconds(ms)}s`;
  }
  return `${task.name}${bytes}${time}${formatTaskOutcome(task)}`;
}

/** ` done`, ` already exists`, ` mounted`, or '' while the task runs. */
export function formatTaskOutcome(task: TaskState): string {
  switch (task.outcome) {
    case undefined:
      return '';
    case 'done':
      return ' done';
    case 'exists':
      return ' already exists';
    case 'mounted':
      return ' mounted';
  }
}
