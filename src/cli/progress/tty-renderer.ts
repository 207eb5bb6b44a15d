import { createEventCollector } from '../../events/index.js';
import type { BuildEvent } from '../../events/index.js';
import { formatWarningSummary } from './format.js';
import { formatErrorLogs } from './summary.js';
import { renderFrame } from './tty-frame.js';
import { writeOut } from './types.js';
import type { ProgressOutput, ProgressRenderer } from './types.js';

/** The fastest the view redraws (10 frames a second). */
export const FRAME_MS = 100;

export interface TtyRendererOptions {
  readonly output: ProgressOutput;
  /** Terminal width (default 80) and height (default 24). */
  readonly columns?: number | undefined;
  readonly rows?: number | undefined;
  /** The terminal's current size, asked before each frame (follows resizes; wins over the fixed one). */
  readonly getSize?: (() => TerminalSize) | undefined;
  /** Colours for ended steps, errors and output tails (default true; NO_COLOR turns them off). */
  readonly color?: boolean;
  /** The clock events are stamped with (default `performance.now`). */
  readonly now?: () => number;
}

export interface TerminalSize {
  readonly columns?: number | undefined;
  readonly rows?: number | undefined;
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const CLEAR_LINE_END = '\x1b[K';
const CLEAR_SCREEN_END = '\x1b[J';

/**
 * BuildKit's live view: a frame redrawn in place (cursor moved up over the previous one) at most
 * every 100 ms, only when its text changed; a timer keeps the clocks moving while the build runs.
 * `finish()` draws a closing frame with every step, then the failed steps' output and the warnings.
 */
export function createTtyRenderer(options: TtyRendererOptions): ProgressRenderer {
  const now = options.now ?? (() => performance.now());
  const collector = createEventCollector({ logLines: 10 });
  const tailCounts = new Map<string, number>();
  let drawnLines = 0;
  let lastText: string | undefined;
  let lastDrawAt = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finishing: Promise<void> | undefined;

  const frameText = (final: boolean, at: number): string => {
    const size = options.getSize?.() ?? {};
    const lines = renderFrame(collector.state, {
      now: at,
      columns: Math.max(size.columns ?? options.columns ?? 80, 20),
      rows: Math.max(size.rows ?? options.rows ?? 24, 3),
      final,
      color: options.color ?? true,
      tailCounts,
    });
    return lines.map((line) => `${line}${CLEAR_LINE_END}\n`).join('');
  };

  /** Moves up over the previous frame and draws the new one over it. */
  const paint = (text: string): string => {
    const up = drawnLines > 0 ? `\x1b[${drawnLines}A\r` : '';
    drawnLines = text.split('\n').length - 1;
    lastText = text;
    return `${HIDE_CURSOR}${up}${text}${CLEAR_SCREEN_END}${SHOW_CURSOR}`;
  };

  const draw = (): void => {
    const at = now();
    lastDrawAt = at;
    const text = frameText(false, at);
    if (text !== lastText) void writeOut(options.output, paint(text));
    schedule(FRAME_MS);
  };

  const schedule = (delay: number): void => {
    if (timer !== undefined || finishing !== undefined) return;
    if (collector.state.finished !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      draw();
    }, delay);
    timer.unref();
  };

  const handle = (event: BuildEvent): void => {
    if (finishing !== undefined) return;
    collector.apply(event);
    if (timer !== undefined) return;
    const wait = lastDrawAt + FRAME_MS - now();
    if (wait <= 0) draw();
    else schedule(wait);
  };

  const finish = (): Promise<void> => {
    finishing ??= (async () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      let out = paint(frameText(true, now()));
      out += formatErrorLogs(collector.state);
      const yellow = options.color ?? true ? (text: string) => `\x1b[33m${text}\x1b[0m` : (text: string) => text;
      out += formatWarningSummary(collector.state.warnings, yellow);
      await writeOut(options.output, out);
    })();
    return finishing;
  };

  return { sink: handle, finish };
}
