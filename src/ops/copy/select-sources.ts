import { resolve } from 'node:path';
import { BuildError } from '../../errors/index.js';
import { PatternMatcher } from '../../context/index.js';
import { cleanPath } from '../../context/index.js';
import { errnoCode, invalidCopyOption, sourceNotFound } from './copy-errors.js';
import { compileGlob, containsWildcards, GlobSyntaxError, splitWildcards } from './go-glob.js';
import type { SelectedSource, SourceEntry } from './selection.js';
import { SourceTree } from './source-tree.js';
import type { WalkFilters } from './walk-source.js';
import { toEntry, walkSourceDir } from './walk-source.js';

export interface SelectCopySourcesOptions {
  /** The host directory sources are read from: the build context, or a stage's root filesystem. */
  readonly root: string;
  /** The sources as written (after variable expansion), in order. URLs and heredocs are not sources here. */
  readonly patterns: readonly string[];
  /** `--exclude` patterns (.dockerignore syntax), matched inside each copied directory. */
  readonly exclude?: readonly string[];
  /** The .dockerignore rules of the build context: ignored paths do not exist for COPY. */
  readonly ignore?: PatternMatcher;
  /** `COPY --parents`: keep the directories above each source (below a `/./` pivot if written). */
  readonly parents?: boolean;
  /** `root` for the build context (BuildKit sends it without owners: uid/gid 0), `keep` for stages. */
  readonly owner?: 'root' | 'keep';
  readonly signal?: AbortSignal;
}

function matcher(patterns: readonly string[] | undefined, flag: string): PatternMatcher | undefined {
  if (patterns === undefined || patterns.length === 0) return undefined;
  try {
    return new PatternMatcher(patterns);
  } catch (error) {
    if (error instanceof BuildError && error.code === 'INVALID_IGNORE_PATTERN') {
      throw invalidCopyOption(`invalid ${flag} pattern: ${error.message.replace(/^invalid \.dockerignore pattern /, '')}`, { patterns });
    }
    throw error;
  }
}

interface Context {
  readonly tree: SourceTree;
  readonly filters: WalkFilters;
}

/** The source at `path` (absolute, clean, as the user names it), its top-level symlinks followed. */
async function selectPath(ctx: Context, pattern: string, path: string): Promise<SelectedSource | undefined> {
  const resolved = await ctx.tree.resolve(path, true);
  const stat = await ctx.tree.lstat(resolved);
  if (stat === undefined) return undefined;
  const self = toEntry('', stat, ctx.filters.rootOwned);
  const isDir = stat.type === 'dir';
  const inside: SourceEntry[] = isDir ? await walkSourceDir(ctx.tree, resolved, ctx.filters) : [];
  const name = path === '/' ? '' : path.slice(path.lastIndexOf('/') + 1);
  return { pattern, path, name, root: ctx.tree.root, resolved, contents: isDir, entries: [self, ...inside] };
}

/**
 * The paths a wildcard matches, as fsutil's ResolveWildcards finds them: the part before the first
 * wildcard element is resolved (symlinks followed), then the tree below it is walked without
 * following symlinks, matching each relative path with filepath.Match; a matching directory is
 * not entered. A missing literal part is an error, a wildcard matching nothing is not.
 */
async function expandWildcard(ctx: Context, path: string): Promise<string[]> {
  const { literal, pattern } = splitWildcards(path);
  let glob;
  try {
    glob = compileGlob(pattern);
  } catch (error) {
    if (error instanceof GlobSyntaxError) throw invalidCopyOption(`invalid source ${JSON.stringify(path)}: ${error.message}`, { path });
    throw error;
  }
  const depth = pattern.split('/').length;
  const base = await ctx.tree.resolve(literal, true);
  const baseStat = await ctx.tree.lstat(base);
  if (baseStat === undefined) {
    throw new BuildError('COPY_SOURCE_NOT_FOUND', `lstat ${literal}: no such file or directory`, {
      details: { path: literal, pattern: path },
      hint: `the directory before the wildcard in ${JSON.stringify(path)} must exist (a wildcard that matches nothing copies nothing)`,
    });
  }
  if (baseStat.type !== 'dir') return [];
  const matches: string[] = [];
  const visit = async (rel: string, level: number): Promise<void> => {
    ctx.filters.signal?.throwIfAborted();
    const dir = [base, rel].filter((p) => p !== '').join('/');
    const names = ctx.tree.readdirSync(dir);
    for (const name of names) {
      const child = rel === '' ? name : `${rel}/${name}`;
      if (glob.test(child)) {
        matches.push(child);
        continue;
      }
      if (level + 1 >= depth) continue;
      const stat = ctx.tree.lstatSync(`${dir === '' ? '' : dir + '/'}${name}`);
      if (stat?.type === 'dir') await visit(child, level + 1);
    }
  };
  await visit('', 0);
  const prefix = literal === '/' ? '' : literal;
  return matches.map((m) => `${prefix}/${m}`);
}

/**
 * `COPY --parents`: the source splits at `/./` into the directory that is copied (the root when
 * there is no pivot) and the pattern whose directories are kept, which selects inside it as an
 * include pattern (.dockerignore syntax, so `**` works). Without wildcards the path must exist.
 */
async function selectParents(ctx: Context, written: string, exclude: PatternMatcher | undefined): Promise<SelectedSource[]> {
  const pivot = written.indexOf('/./');
  const dir = pivot < 0 ? '/' : cleanPath('/' + written.slice(0, pivot));
  const kept = cleanPath('/' + (pivot < 0 ? written : written.slice(pivot + 3))).slice(1);
  const include = new PatternMatcher([kept]);
  const required = !containsWildcards(dir) && !containsWildcards(kept);
  const dirs = containsWildcards(dir) ? await expandWildcard(ctx, dir) : [dir];
  const selected: SelectedSource[] = [];
  for (const path of dirs) {
    const resolved = await ctx.tree.resolve(path, true);
    const stat = await ctx.tree.lstat(resolved);
    if (stat?.type !== 'dir') continue;
    const entries = await walkSourceDir(ctx.tree, resolved, { ...ctx.filters, include, ...(exclude !== undefined ? { exclude } : {}) });
    const name = path === '/' ? '' : path.slice(path.lastIndexOf('/') + 1);
    const self = toEntry('', stat, ctx.filters.rootOwned);
    selected.push({ pattern: written, path, name, root: ctx.tree.root, resolved, contents: true, entries: [self, ...entries] });
  }
  const found = selected.some((s) => s.entries.some((e) => e.rel === kept || e.rel.startsWith(kept + '/')));
  if (required && !found) throw sourceNotFound(cleanPath(`${dir}/${kept}`), { source: written });
  return selected;
}

/**
 * What a COPY (or the local sources of an ADD) reads, with BuildKit's rules: each source is made
 * absolute and cleaned against the source root (`../x` is `/x`, a trailing `/` is dropped), Go
 * wildcards are expanded per path element, a directory copies its contents, a top-level symlink is
 * followed (inside the root) while symlinks inside a copied directory stay symlinks, ignored files
 * do not exist, `--exclude` filters inside copied directories. A path that does not exist is
 * COPY_SOURCE_NOT_FOUND; a wildcard that matches nothing selects nothing (BuildKit does not fail).
 */
export async function selectCopySources(options: SelectCopySourcesOptions): Promise<SelectedSource[]> {
  const root = resolve(options.root);
  const tree = new SourceTree(root, options.ignore);
  const exclude = matcher(options.exclude, '--exclude');
  const filters: WalkFilters = {
    rootOwned: options.owner === 'root',
    ...(exclude !== undefined ? { exclude } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
  const ctx: Context = { tree, filters };
  const selected: SelectedSource[] = [];
  try {
    for (const written of options.patterns) {
      options.signal?.throwIfAborted();
      if (options.parents === true) {
        selected.push(...(await selectParents(ctx, written, exclude)));
        continue;
      }
      const path = cleanPath('/' + written);
      if (!containsWildcards(path)) {
        const source = await selectPath(ctx, written, path);
        if (source === undefined) throw sourceNotFound(path, { source: written });
        selected.push(source);
        continue;
      }
      for (const match of await expandWildcard(ctx, path)) {
        const source = await selectPath(ctx, written, match);
        if (source !== undefined) selected.push(source);
      }
    }
  } catch (error) {
    if (error instanceof BuildError || (error as Error).name === 'AbortError') throw error;
    const code = errnoCode(error) ?? 'EIO';
    throw new BuildError('COPY_FAILED', `cannot read the COPY sources in ${root} (${code}: ${(error as Error).message})`, {
      details: { root, code },
      cause: error,
    });
  }
  return selected;
}
