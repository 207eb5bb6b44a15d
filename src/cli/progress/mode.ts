import { BuildError, suggestClosest } from '../../errors/index.js';

/** The values of `--progress`. */
export const PROGRESS_MODES = ['auto', 'tty', 'plain', 'json', 'quiet'] as const;

export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** A mode with `auto` decided. */
export type ResolvedProgressMode = Exclude<ProgressMode, 'auto'>;

/** Reads a `--progress` value; anything else is a usage error with a "did you mean". */
export function parseProgressMode(text: string): ProgressMode {
  const mode = PROGRESS_MODES.find((candidate) => candidate === text.toLowerCase());
  if (mode !== undefined) return mode;
  const closest = suggestClosest(text, PROGRESS_MODES);
  throw new BuildError('USAGE', `invalid progress mode ${JSON.stringify(text)}`, {
    hint: closest === undefined ? `use one of ${PROGRESS_MODES.join(', ')}` : `did you mean ${closest}?`,
  });
}

export interface ModeContext {
  /** Whether the progress stream (stderr) is a terminal. */
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Decides `auto`: the live view when stderr is a terminal that can move its cursor (TERM is not
 * `dumb`) and the build is not running in CI (`CI` unset or empty); plain lines otherwise.
 * An explicit mode is kept as asked.
 */
export function chooseProgressMode(mode: ProgressMode, context: ModeContext): ResolvedProgressMode {
  if (mode !== 'auto') return mode;
  const ci = context.env['CI'];
  const dumb = context.env['TERM'] === 'dumb';
  return context.isTTY && !dumb && (ci === undefined || ci === '') ? 'tty' : 'plain';
}
