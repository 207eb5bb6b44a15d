import { BuildError } from '../../errors/index.js';
import { invalidCopyOption } from './copy-errors.js';
import { redactGitUrl, runGit } from './git-command.js';
import type { GitCommandOptions } from './git-command.js';
import { isCommitSha, parseGitRef } from './git-ref.js';
import type { GitRef } from './git-ref.js';

/** How a git source is fetched: the URL's options merged with the ADD flags. */
export interface GitSourceSettings {
  readonly keepGitDir: boolean;
  /** A commit id or a prefix of one the ref must resolve to; '' for none. */
  readonly checksum: string;
  readonly submodules: boolean;
  readonly mtime: 'checkout' | 'commit';
  /** The subdirectory to take, cleaned ('' for the whole repository). */
  readonly subdir: string;
}

/** A git source with its ref resolved to an object id: what to fetch, and the key of its content. */
export interface ResolvedGitSource {
  readonly source: string;
  readonly ref: GitRef;
  readonly settings: GitSourceSettings;
  /** What to fetch: `refs/heads/main`, `refs/tags/v1`, `HEAD`, or a commit id. */
  readonly fetchRef: string;
  /** The object the ref names: a commit, or an annotated tag. */
  readonly checksum: string;
  /**
   * BuildKit's key of the checkout: the commit (the tag's commit for an annotated tag, unless .git
   * is kept), plus `.git#ref`, `:subdir`, `(skip-submodules)`, `(mtime=commit)` as they apply. The
   * URL is not part of it: the same commit is the same content wherever it came from.
   */
  readonly cacheKey: string;
}

function cleanSubdir(subdir: string): string {
  const parts: string[] = [];
  for (const part of subdir.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** Parses an ADD git source; a URL that is a repository but wrongly written fails here. */
export function parseGitSource(source: string): GitRef {
  const parsed = parseGitRef(source);
  if (!parsed.isGit) throw invalidCopyOption(`${redactGitUrl(source)} is not a git repository URL`, { source: redactGitUrl(source) });
  if ('error' in parsed) throw invalidCopyOption(`${redactGitUrl(source)}: ${parsed.error}`, { source: redactGitUrl(source) });
  return parsed.ref;
}

/** BuildKit's merge of `--keep-git-dir` and `--checksum` with the URL's own options (they may not disagree). */
export function gitSourceSettings(ref: GitRef, flags: { readonly keepGitDir?: boolean | undefined; readonly checksum?: string | undefined }): GitSourceSettings {
  if (flags.keepGitDir !== undefined && ref.keepGitDir !== undefined && flags.keepGitDir !== ref.keepGitDir) {
    throw invalidCopyOption('inconsistent keep-git-dir configuration', { flag: flags.keepGitDir, url: ref.keepGitDir });
  }
  const flagChecksum = flags.checksum ?? '';
  if (flagChecksum !== '' && ref.checksum !== '' && flagChecksum !== ref.checksum) {
    throw invalidCopyOption(`checksum mismatch ${JSON.stringify(flagChecksum)} != ${JSON.stringify(ref.checksum)}`);
  }
  const checksum = ref.checksum !== '' ? ref.checksum : flagChecksum;
  if (checksum !== '' && !/^[a-fA-F0-9]+$/.test(checksum)) {
    throw invalidCopyOption(`invalid checksum ${checksum} for Git URL, expected hex commit hash`, { checksum }, 'give a commit id or a prefix of one');
  }
  return {
    keepGitDir: ref.keepGitDir ?? flags.keepGitDir ?? false,
    checksum,
    submodules: ref.submodules ?? true,
    mtime: ref.mtime ?? 'checkout',
    subdir: cleanSubdir(ref.subdir),
  };
}

function cacheKeyOf(sha: string, usedRef: string, settings: GitSourceSettings): string {
  let key = sha;
  if (settings.keepGitDir) key += `.git${usedRef !== '' ? `#${usedRef}` : ''}`;
  if (settings.subdir !== '') key += `:${settings.subdir}`;
  if (!settings.submodules) key += '(skip-submodules)';
  if (settings.mtime !== 'checkout') key += `(mtime=${settings.mtime})`;
  return key;
}

function checksumMismatch(settings: GitSourceSettings, found: string): BuildError<'CHECKSUM_MISMATCH'> {
  return new BuildError('CHECKSUM_MISMATCH', `expected checksum to match ${settings.checksum}, got ${found}`, {
    details: { expected: settings.checksum, actual: found },
  });
}

/** The remote's default branch (`git ls-remote --symref URL HEAD`); undefined when it names none. */
async function defaultBranch(remote: string, options: GitCommandOptions): Promise<string | undefined> {
  const out = await runGit(['ls-remote', '--symref', '--', remote, 'HEAD'], `error fetching default branch for repository ${redactGitUrl(remote)}`, options);
  return /^ref: (refs\/\S+)\s+HEAD$/m.exec(out)?.[1];
}

/**
 * Resolves a git source's ref to the object it names now, with `git ls-remote` as BuildKit does:
 * a full commit id is taken as is; a name is looked up as a full ref, a branch, then a tag (an
 * annotated tag's commit is used for the key); no ref means the default branch. A `--checksum`
 * (or `?checksum=`) must be a prefix of what it resolves to.
 */
export async function resolveGitSource(
  source: string,
  flags: { readonly keepGitDir?: boolean | undefined; readonly checksum?: string | undefined },
  options: GitCommandOptions = {},
): Promise<ResolvedGitSource> {
  const ref = parseGitSource(source);
  const settings = gitSourceSettings(ref, flags);
  const done = (fetchRef: string, checksum: string, keySha: string, usedRef: string): ResolvedGitSource => ({
    source,
    ref,
    settings,
    fetchRef,
    checksum,
    cacheKey: cacheKeyOf(keySha, usedRef, settings),
  });
  if (isCommitSha(ref.ref)) {
    if (settings.checksum !== '' && !ref.ref.startsWith(settings.checksum)) throw checksumMismatch(settings, ref.ref);
    return done(ref.ref, ref.ref, ref.ref, ref.ref);
  }
  if (ref.fetchByCommit) {
    if (!isCommitSha(settings.checksum)) {
      throw invalidCopyOption(`fetch-by-commit requires a full commit SHA checksum, got ${JSON.stringify(settings.checksum)}`);
    }
    const usedRef = ref.ref === '' ? settings.checksum : ref.ref.startsWith('refs/') ? ref.ref : `refs/heads/${ref.ref}`;
    return done(settings.checksum, settings.checksum, settings.checksum, usedRef);
  }
  const what = `failed to fetch remote ${redactGitUrl(ref.remote)}`;
  const name = ref.ref !== '' ? ref.ref : ((await defaultBranch(ref.remote, options)) ?? 'HEAD');
  const out = await runGit(['ls-remote', '--', ref.remote, name, `${name}^{}`], what, options);
  const short = name.replace(/^refs\//, '');
  const wanted = {
    partial: `refs/${short}`,
    head: `refs/heads/${name.replace(/^refs\/heads\//, '')}`,
    tag: `refs/tags/${name.replace(/^refs\/tags\//, '')}`,
  };
  let sha = '';
  let usedRef = '';
  let headSha = '';
  let tagSha = '';
  let annotatedSha = '';
  for (const line of out.split('\n')) {
    const [lineSha = '', lineRef = ''] = line.split('\t');
    if (lineRef === wanted.head) headSha = lineSha;
    else if (lineRef === wanted.tag) tagSha = lineSha;
    else if (lineRef === `${wanted.tag}^{}`) annotatedSha = lineSha;
    else if (lineRef === wanted.partial || (name === 'HEAD' && lineRef === 'HEAD')) {
      sha = lineSha;
      usedRef = lineRef;
    }
  }
  // like git checkout, a branch wins over a tag of the same name
  if (sha === '' && headSha !== '') {
    sha = headSha;
    usedRef = wanted.head;
  }
  if (sha !== '') annotatedSha = '';
  if (sha === '' && tagSha !== '') {
    sha = tagSha;
    usedRef = wanted.tag;
  }
  if (sha === '') {
    throw new BuildError('GIT_FAILED', `repository ${redactGitUrl(ref.remote)} does not contain ref ${name}`, {
      hint: 'name a branch, a tag or a full commit id after # in the URL',
      details: { ref: name },
    });
  }
  if (!isCommitSha(sha)) throw new BuildError('GIT_FAILED', `${what}: invalid commit sha ${JSON.stringify(sha)}`);
  if (settings.checksum !== '' && !sha.startsWith(settings.checksum) && !annotatedSha.startsWith(settings.checksum)) {
    throw checksumMismatch(settings, annotatedSha !== '' ? `${sha} or ${annotatedSha}` : sha);
  }
  const keySha = annotatedSha !== '' && !settings.keepGitDir ? annotatedSha : sha;
  return done(usedRef, sha, keySha, usedRef);
}
