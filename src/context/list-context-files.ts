import type { Dirent } from 'node:fs';
import { Buffer } from 'node:buffer';
import { constants } from 'node:fs';
import { lstat, open, readdir, readlink, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BuildError } from '../errors/index.js';
import { toContextEntry } from './context-entry.js';
import type { ContextEntry } from './context-entry.js';
import type { ParentMatches } from './pattern-matcher.js';
import { PatternMatcher } from './pattern-matcher.js';

export interface ListContextOptions {
  readonly signal?: AbortSignal;
}

// Characters that make a pattern more than a plain path (BuildKit's fsutil, on Unix).
const PATTERN_CHARS = /[*[\]?^\\]/;
const MAX_PARALLEL_FS_CALLS = 32;

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** The path vanished while we walked: it is skipped, as BuildKit's walker skips it. */
const isGone = (error: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '');
const isDenied = (error: unknown): boolean => ['EACCES', 'EPERM'].includes(errorCode(error) ?? '');

function unreadable(path: string, error: unknown): BuildError {
  const code = errorCode(error) ?? 'EIO';
  return new BuildError('CONTEXT_UNREADABLE', `cannot read ${path} in the build context (${code})`, {
    details: { path, code },
    hint: 'fix its permissions, or exclude it with .dockerignore',
    cause: error,
  });
}

/** A pattern with a trailing `/**` or `/*` removed (fsutil's patternWithoutTrailingGlob). */
function withoutTrailingGlob(pattern: string): string {
  let out = pattern.endsWith('/**') ? pattern.slice(0, -3) : pattern;
  if (out.endsWith('/*')) out = out.slice(0, -2);
  return out;
}

function sortByPathBytes(entries: readonly ContextEntry[]): ContextEntry[] {
  return entries
    .map((entry) => ({ key: Buffer.from(entry.path), entry }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map(({ entry }) => entry);
}

/** A small limiter so a wide tree does not flood libuv's queue with thousands of calls. */
function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= max) await new Promise<void>((go) => waiting.push(go));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Lists the build context under `contextDir` with Docker's .dockerignore semantics, deciding from
 * names alone before anything is read: an ignored directory is not entered unless an exception
 * (`!pattern`) could re-include something below it, exactly as BuildKit's file walker decides.
 * Directories that are ignored but hold re-included paths are listed too (BuildKit sends them as
 * the parents of what it copies). Symlinks are listed as symlinks. The result is sorted by the
 * bytes of the path, so parents come before their children.
 *
 * Throws CONTEXT_NOT_FOUND when `contextDir` is not a directory, INVALID_IGNORE_PATTERN for a bad
 * pattern, and CONTEXT_UNREADABLE naming the first included path that cannot be read.
 */
export async function listContextFiles(
  contextDir: string,
  patterns: readonly string[] | PatternMatcher,
  options: ListContextOptions = {},
): Promise<ContextEntry[]> {
  const matcher = patterns instanceof PatternMatcher ? patterns : new PatternMatcher(patterns);
  const root = resolve(contextDir);
  await assertDirectory(root, contextDir);
  const walker = new ContextWalker(root, matcher, options.signal);
  return sortByPathBytes(await walker.walk('', undefined, false));
}

async function assertDirectory(root: string, shown: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(root)).isDirectory();
  } catch (error) {
    throw new BuildError('CONTEXT_NOT_FOUND', `build context ${shown} not found`, { cause: error, details: { path: shown } });
  }
  if (!isDir) {
    throw new BuildError('CONTEXT_NOT_FOUND', `build context ${shown} is not a directory`, { details: { path: shown } });
  }
}

class ContextWalker {
  private readonly limit = limiter(MAX_PARALLEL_FS_CALLS);
  /** Whether no exception is more than a plain path, so prefixes tell where to descend. */
  private readonly plainExceptions: boolean;

  constructor(
    private readonly root: string,
    private readonly matcher: PatternMatcher,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.plainExceptions = matcher.patterns.every(
      (p) => !p.exclusion || !PATTERN_CHARS.test(withoutTrailingGlob(p.pattern)),
    );
  }

  /** Lists the directory `rel` ('' for the root); `excluded` when it is itself ignored. */
  async walk(rel: string, parent: ParentMatches | undefined, excluded: boolean): Promise<ContextEntry[]> {
    this.signal?.throwIfAborted();
    let dirents: Dirent[];
    try {
      dirents = await this.limit(() => readdir(join(this.root, rel), { withFileTypes: true }));
    } catch (error) {
      if (rel !== '' && isGone(error)) return [];
      if (excluded && isDenied(error)) return [];
      throw unreadable(rel === '' ? '.' : rel, error);
    }
    const work = dirents.map(async (dirent): Promise<ContextEntry[]> => {
      const path = rel === '' ? dirent.name : `${rel}/${dirent.name}`;
      const isDir = dirent.isDirectory();
      const { matched, perPattern } = this.matcher.matchesWithParent(path, parent);
      if (!matched) {
        const self = await this.describe(path);
        if (self === undefined) return [];
        return isDir && self.type === 'dir' ? [self, ...(await this.walk(path, perPattern, false))] : [self];
      }
      if (!isDir || !this.mayReinclude(path)) return [];
      const below = await this.walk(path, perPattern, true);
      if (below.length === 0) return [];
      const self = await this.describe(path);
      return self === undefined ? below : [self, ...below];
    });
    return (await Promise.all(work)).flat();
  }

  /** Whether an exception could re-include something inside the ignored directory `dir`. */
  private mayReinclude(dir: string): boolean {
    if (!this.plainExceptions) return true;
    return this.matcher.patterns.some(
      (p) => p.exclusion && `${withoutTrailingGlob(p.pattern)}/`.startsWith(`${dir}/`),
    );
  }

  /** The entry for an included path; undefined when it vanished meanwhile. */
  private async describe(path: string): Promise<ContextEntry | undefined> {
    const full = join(this.root, path);
    return this.limit(async () => {
      try {
        const stats = await lstat(full, { bigint: true });
        if (stats.isSymbolicLink()) return toContextEntry(path, stats, await readlink(full));
        if (stats.isFile() && (stats.mode & 0o004n) === 0n) await assertReadable(full);
        return toContextEntry(path, stats);
      } catch (error) {
        if (isGone(error)) return undefined;
        throw unreadable(path, error);
      }
    });
  }
}

/** Opens and closes a file that not everyone may read, so a denied read fails here, by name. */
async function assertReadable(full: string): Promise<void> {
  const handle = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  await handle.close();
}
