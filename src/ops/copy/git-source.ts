import { lstat, lutimes, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../../errors/index.js';
import { isBuildError } from '../../errors/index.js';
import { redactGitUrl, runGit } from './git-command.js';
import type { GitCommandOptions } from './git-command.js';
import { isCommitSha } from './git-ref.js';
import { resolveGitSource } from './git-resolve.js';
import type { ResolvedGitSource } from './git-resolve.js';

/** A checked-out git source: the directory whose contents ADD copies. */
export interface GitCheckout {
  readonly root: string;
  /** The commit checked out. */
  readonly commit: string;
}

export interface CheckoutGitOptions extends GitCommandOptions {
  /** An empty directory to clone into (the caller removes it). */
  readonly dir: string;
  /** The source already resolved (for the cache key); resolved here otherwise. */
  readonly resolved?: ResolvedGitSource;
  readonly keepGitDir?: boolean | undefined;
  readonly checksum?: string | undefined;
}

/** `git fetch`, shallow first; a server that cannot serve a shallow fetch (dumb HTTP) gets a full one. */
async function fetchShallowOrFull(args: readonly string[], what: string, options: GitCommandOptions): Promise<void> {
  try {
    await runGit(['fetch', '-q', '--depth=1', ...args], what, options);
  } catch (err) {
    if (!isBuildError(err) || err.code !== 'GIT_FAILED') throw err;
    await runGit(['fetch', '-q', ...args], what, options);
  }
}

async function hasObject(id: string, options: GitCommandOptions): Promise<boolean> {
  try {
    await runGit(['cat-file', '-e', `${id}^{commit}`], 'check object', options);
    return true;
  } catch {
    return false;
  }
}

/** Fetches what the resolved ref names into the repository at `options.cwd`, as BuildKit does. */
async function fetchResolved(resolved: ResolvedGitSource, options: GitCommandOptions): Promise<void> {
  const what = `failed to fetch remote ${redactGitUrl(resolved.ref.remote)}`;
  const { fetchRef, checksum } = resolved;
  if (isCommitSha(fetchRef)) {
    try {
      await runGit(['fetch', '-q', '--tags', 'origin', fetchRef], what, options);
    } catch (err) {
      // a server that will not hand out a commit by id: fetch its branches and look for it there
      if (!isBuildError(err) || err.code !== 'GIT_FAILED') throw err;
      await runGit(['fetch', '-q', '--tags', 'origin', '+refs/heads/*:refs/remotes/origin/*'], what, options);
    }
  } else {
    const refspec = fetchRef.startsWith('refs/') ? `+${fetchRef}:${fetchRef}` : fetchRef;
    await fetchShallowOrFull(['--no-tags', '-u', 'origin', '--', refspec], what, options);
    const fetched = (await runGit(['rev-parse', '--verify', fetchRef.startsWith('refs/') ? fetchRef : 'FETCH_HEAD'], what, options)).trim();
    // the remote moved between resolving and fetching: get the commit the key was made for
    if (fetched !== checksum && !(await hasObject(checksum, options))) {
      await runGit(['fetch', '-q', '--tags', 'origin', checksum], what, options).catch(() => undefined);
    }
  }
  if (!(await hasObject(checksum, options))) {
    throw new BuildError('GIT_FAILED', `fetched ref ${fetchRef} does not match expected commit ${checksum} and commit can not be found in the repository`);
  }
}

/** Sets every entry's times to the commit's time (`?mtime=commit`). */
async function resetTimes(dir: string, seconds: number): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await resetTimes(path, seconds);
    await lutimes(path, seconds, seconds);
  }
  await lutimes(dir, seconds, seconds);
}

/** BuildKit's validateDirsOnly: every element of the subdir is a real directory (no symlink out). */
async function subdirRoot(repo: string, subdir: string): Promise<string> {
  let path = repo;
  for (const part of subdir.split('/')) {
    path = join(path, part);
    const info = await lstat(path).catch(() => undefined);
    if (info?.isDirectory() !== true) {
      throw new BuildError('GIT_FAILED', `invalid subdir ${subdir}: ${info === undefined ? 'no such directory' : 'not a directory'} in the repository`, {
        details: { subdir },
      });
    }
  }
  return path;
}

/**
 * Clones a git source with the host's git into `options.dir` and checks out the commit its ref
 * resolves to (resolved first unless given): submodules too (unless `?submodules=false`), times
 * set to the commit's with `?mtime=commit`, `.git` removed unless `--keep-git-dir` (BuildKit keeps
 * it only without a subdir), and the subdir, when named, taken as the root.
 */
export async function checkoutGitSource(source: string, options: CheckoutGitOptions): Promise<GitCheckout> {
  const common: GitCommandOptions = { signal: options.signal, git: options.git };
  const resolved = options.resolved ?? (await resolveGitSource(source, { keepGitDir: options.keepGitDir, checksum: options.checksum }, common));
  const { settings, ref } = resolved;
  const repo = join(options.dir, 'checkout');
  const init = ['-c', 'init.defaultBranch=master', 'init', '-q', ...(resolved.checksum.length === 64 ? ['--object-format=sha256'] : []), repo];
  await runGit(init, 'failed to prepare a clone', common);
  const inRepo: GitCommandOptions = { ...common, cwd: repo };
  await runGit(['remote', 'add', 'origin', ref.remote], 'failed to prepare a clone', inRepo);
  await fetchResolved(resolved, inRepo);
  const what = `failed to checkout remote ${redactGitUrl(ref.remote)}`;
  await runGit(['-c', 'advice.detachedHead=false', 'checkout', '-q', '--detach', resolved.checksum], what, inRepo);
  const commit = (await runGit(['rev-parse', `${resolved.checksum}^{commit}`], what, inRepo)).trim();
  const commitTime = settings.mtime === 'commit' ? Number((await runGit(['log', '-1', '--format=%ct', commit], what, inRepo)).trim()) : undefined;
  if (settings.submodules && (await lstat(join(repo, '.gitmodules')).catch(() => undefined)) !== undefined) {
    await runGit(['submodule', 'update', '--init', '--recursive', '--depth=1'], `failed to update submodules for ${redactGitUrl(ref.remote)}`, inRepo);
  }
  const keep = settings.keepGitDir && settings.subdir === '';
  if (keep) {
    await runGit(['remote', 'set-url', 'origin', redactGitUrl(ref.remote)], what, inRepo);
    await runGit(['reflog', 'expire', '--all', '--expire=now'], what, inRepo);
    await rm(join(repo, '.git', 'FETCH_HEAD'), { force: true });
  } else {
    await rm(join(repo, '.git'), { recursive: true, force: true });
  }
  if (commitTime !== undefined && Number.isInteger(commitTime)) await resetTimes(repo, commitTime);
  return { root: settings.subdir === '' ? repo : await subdirRoot(repo, settings.subdir), commit };
}
