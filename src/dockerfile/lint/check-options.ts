/**
 * The `check` configuration: the `# check=skip=A,B;error=true` parser directive, the same text
 * given on the command line (BuildKit's BUILDKIT_DOCKERFILE_CHECK build argument), and the same
 * text in a comment directly above one instruction (which then applies to that instruction only).
 */
export interface CheckOptions {
  /** `skip=all`: report nothing. */
  readonly skipAll: boolean;
  /** `skip=Rule1,Rule2`: rule ids not to report (unknown ids are ignored, as BuildKit does). */
  readonly skip: ReadonlySet<string>;
  /** `error=true`: findings of BuildKit's checks are errors, not warnings. */
  readonly error: boolean;
  /** `experimental=all` / `experimental=Rule1,...`: accepted for compatibility. */
  readonly experimentalAll: boolean;
  readonly experimental: ReadonlySet<string>;
}

export const DEFAULT_CHECK_OPTIONS: CheckOptions = {
  skipAll: false,
  skip: new Set(),
  error: false,
  experimentalAll: false,
  experimental: new Set(),
};

/** A `check` value that cannot be read; the message names the offending part. */
export class CheckOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckOptionsError';
  }
}

function parseBool(text: string): boolean | undefined {
  // The spellings Go's strconv.ParseBool accepts.
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  return undefined;
}

function ruleList(text: string): Set<string> {
  return new Set(text.split(',').map((rule) => rule.trim()));
}

/**
 * Reads a check value: up to three `;`-separated `key=value` parts with keys `skip`, `error` and
 * `experimental`. An empty value gives the defaults. Throws CheckOptionsError on anything else.
 */
export function parseCheckOptions(text: string): CheckOptions {
  const trimmed = text.trim();
  if (trimmed === '') return DEFAULT_CHECK_OPTIONS;
  // As BuildKit: at most three parts; a fourth stays glued to the third (and then fails there).
  const pieces = trimmed.split(';');
  const parts = pieces.length > 3 ? [...pieces.slice(0, 2), pieces.slice(2).join(';')] : pieces;
  let skipAll = false;
  let skip = new Set<string>();
  let error = false;
  let experimentalAll = false;
  let experimental = new Set<string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq === -1) throw new CheckOptionsError(`invalid check option ${JSON.stringify(part)}`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    switch (key) {
      case 'skip':
        if (value === 'all') skipAll = true;
        else skip = ruleList(value);
        break;
      case 'experimental':
        if (value === 'all') experimentalAll = true;
        else experimental = ruleList(value);
        break;
      case 'error': {
        const flag = parseBool(value);
        if (flag === undefined) {
          throw new CheckOptionsError(
            `failed to parse check option ${JSON.stringify(part)}: ${JSON.stringify(value)} is not a boolean`,
          );
        }
        error = flag;
        break;
      }
      default:
        throw new CheckOptionsError(`invalid check option ${JSON.stringify(key)}`);
    }
  }
  return { skipAll, skip, error, experimentalAll, experimental };
}

/**
 * Options with `extra` laid over `base`, as for an instruction's own check comment: skips and
 * experimental rules add up, `skip=all` wins, and `error` stays as the base set it.
 */
export function mergeCheckOptions(base: CheckOptions, extra: CheckOptions): CheckOptions {
  return {
    skipAll: base.skipAll || extra.skipAll,
    skip: extra.skip.size === 0 ? base.skip : new Set([...base.skip, ...extra.skip]),
    error: base.error,
    experimentalAll: base.experimentalAll || extra.experimentalAll,
    experimental:
      extra.experimental.size === 0 ? base.experimental : new Set([...base.experimental, ...extra.experimental]),
  };
}

const DIRECTIVE_LINE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;

/**
 * The check options a comment block above an instruction carries: the first comment line of the
 * form `check=<value>` counts, its value cut at the first space (so `# check=skip=all // why` works).
 * Comments are given without their `#`. A value that does not parse is ignored, as BuildKit does.
 */
export function checkOptionsFromComments(comments: readonly string[]): CheckOptions | undefined {
  for (const comment of comments) {
    const match = DIRECTIVE_LINE.exec(comment.trimStart());
    if (match?.[1]?.toLowerCase() !== 'check') continue;
    const value = (match[2] ?? '').split(' ')[0] ?? '';
    try {
      return parseCheckOptions(value);
    } catch (error) {
      if (error instanceof CheckOptionsError) return undefined;
      throw error;
    }
  }
  return undefined;
}
