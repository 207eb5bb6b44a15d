import { chooseProgressMode } from './mode.js';
import type { ProgressMode, ResolvedProgressMode } from './mode.js';
import { createJsonRenderer } from './json-renderer.js';
import { createPlainRenderer } from './plain-renderer.js';
import { createQuietRenderer } from './quiet-renderer.js';
import { createTtyRenderer } from './tty-renderer.js';
import type { TerminalSize } from './tty-renderer.js';
import type { ProgressOutput, ProgressRenderer } from './types.js';

export interface ProgressRendererOptions {
  readonly stdout: ProgressOutput;
  /** Progress (tty, plain) goes here, as BuildKit's does. */
  readonly stderr: ProgressOutput;
  /** Whether stderr is a terminal (decides `auto`). */
  readonly isTTY: boolean;
  /** The terminal's width (default 80) and height (default 24). */
  readonly columns?: number | undefined;
  readonly rows?: number | undefined;
  /** The terminal's current size, asked before each frame (`() => process.stderr` fits). */
  readonly getSize?: (() => TerminalSize) | undefined;
  /** For `auto` (CI, TERM) and colours (NO_COLOR); default: none set. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The clock events are stamped with (default `performance.now`, as `eventTime()`). */
  readonly now?: () => number;
}

export interface ResolvedProgressRenderer extends ProgressRenderer {
  readonly mode: ResolvedProgressMode;
}

/**
 * The renderer for a `--progress` mode: tty (live view on stderr), plain (BuildKit's plain lines on
 * stderr), json (one event per line on stdout), quiet (the image id on stdout at the end).
 */
export function createProgressRenderer(mode: ProgressMode, options: ProgressRendererOptions): ResolvedProgressRenderer {
  const env = options.env ?? {};
  const resolved = chooseProgressMode(mode, { isTTY: options.isTTY, env });
  const clock = options.now === undefined ? {} : { now: options.now };
  switch (resolved) {
    case 'tty': {
      const noColor = env['NO_COLOR'];
      const renderer = createTtyRenderer({
        output: options.stderr,
        columns: options.columns,
        rows: options.rows,
        getSize: options.getSize,
        color: noColor === undefined || noColor === '',
        ...clock,
      });
      return { ...renderer, mode: resolved };
    }
    case 'plain':
      return { ...createPlainRenderer({ output: options.stderr, ...clock }), mode: resolved };
    case 'json':
      return { ...createJsonRenderer({ output: options.stdout }), mode: resolved };
    case 'quiet':
      return { ...createQuietRenderer({ output: options.stdout }), mode: resolved };
  }
}
