import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { PatternMatcher, resolveDockerignore } from '../context/index.js';
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
export async function openContextSource(contextDir: string, dockerfilePath: string, storeRoot: string): Promise<ContextSource> {
  const root = resolve(contextDir);
  const ignoreFile = await resolveDockerignore(root, dockerfilePath);
  const ignore = ignoreFile.patterns.length > 0 ? new PatternMatcher(ignoreFile.patterns) : undefined;
  const cacheFile = join(storeRoot, 'context-cache', `${createHash('sha256').update(root).digest('hex')}.json`);
  const digester = await ContextDigester.open(root, { cacheFile });
  return { root, ignore, digester };
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
