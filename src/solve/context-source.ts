import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseDockerignore, PatternMatcher, resolveDockerignore } from '../context/index.js';
import { BuildError } from '../errors/index.js';
import { ContextDigester } from '../context/digest-index.js';
import { contextFileHasher, digestCopySources, selectCopySources } from '../ops/index.js';
import type { SelectedSource } from '../ops/index.js';
import type { Digest } from '../oci/index.js';

/** What COPY sees of the build context: its directory, its .dockerignore rules, and its stat-cached file digests. */
export interface ContextSource {
  readonly root: string;
  readonly ignore: PatternMatcher | undefined;
  readonly digester: ContextDigester;
}

/**
 * Opens the build context: .dockerignore (or `<Dockerfile>.dockerignore`) read before anything
 * else, and a digester whose stat cache lives in the store (`context-cache/<hash of the path>.json`)
 * so a rebuild re-reads only the files whose size, times, inode or mode changed.
 */
export async function openContextSource(
  contextDir: string,
  dockerfilePath: string,
  storeRoot: string,
  options: { readonly dockerignore?: 'dockerfile-first' | 'context-root' | 'none' } = {},
): Promise<ContextSource> {
  const root = resolve(contextDir);
  const patterns = await ignorePatterns(root, dockerfilePath, options.dockerignore ?? 'dockerfile-first');
  const ignore = patterns.length > 0 ? new PatternMatcher(patterns) : undefined;
  const cacheFile = join(storeRoot, 'context-cache', `${createHash('sha256').update(root).digest('hex')}.json`);
  const digester = await ContextDigester.open(root, { cacheFile });
  return { root, ignore, digester };
}

/**
 * The ignore patterns of a context: the main context's (`<Dockerfile>.dockerignore`, else
 * `.dockerignore`), a named context's (its own `.dockerignore` only, as BuildKit reads it), or
 * none (a context sent as an archive, which BuildKit takes as it is).
 */
async function ignorePatterns(root: string, dockerfilePath: string, mode: 'dockerfile-first' | 'context-root' | 'none'): Promise<readonly string[]> {
  if (mode === 'none') return [];
  if (mode === 'dockerfile-first') return (await resolveDockerignore(root, dockerfilePath)).patterns;
  const path = join(root, '.dockerignore');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new BuildError('CONTEXT_UNREADABLE', `cannot read ${path}`, { details: { path }, cause: error });
  }
  return parseDockerignore(text, { file: path });
}

export interface SelectOptions {
  readonly exclude?: readonly string[];
  readonly parents?: boolean;
  readonly signal?: AbortSignal;
}

/** The context paths a COPY reads (after .dockerignore, wildcards and --exclude) and their digest. */
export async function selectContext(
  context: ContextSource,
  patterns: readonly string[],
  options: SelectOptions,
): Promise<{ selection: SelectedSource[]; digest: Digest }> {
  const selection = await selectCopySources({
    root: context.root,
    patterns,
    owner: 'root',
    ...(context.ignore !== undefined ? { ignore: context.ignore } : {}),
    ...(options.exclude !== undefined && options.exclude.length > 0 ? { exclude: options.exclude } : {}),
    ...(options.parents === true ? { parents: true } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  const digest = await digestCopySources(selection, {
    hashFile: contextFileHasher(context.digester),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  return { selection, digest };
}

/** The paths a COPY --from reads in another stage's (or an image's) root filesystem, and their digest (files read). */
export async function selectTree(root: string, patterns: readonly string[], options: SelectOptions): Promise<{ selection: SelectedSource[]; digest: Digest }> {
  const selection = await selectCopySources({
    root,
    patterns,
    owner: 'keep',
    ...(options.exclude !== undefined && options.exclude.length > 0 ? { exclude: options.exclude } : {}),
    ...(options.parents === true ? { parents: true } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  const digest = await digestCopySources(selection, options.signal !== undefined ? { signal: options.signal } : {});
  return { selection, digest };
}
