/**
 * A git repository named by an ADD source (or a build context), split the way BuildKit's
 * Dockerfile frontend splits it (dfgitutil.ParseGitRef over gitutil.ParseURL):
 * `https://host/org/repo.git#ref:subdir`, `git@host:org/repo.git#ref`, `git://host/repo`,
 * `ssh://git@host/repo`, with BuildKit's query form too (`?ref=`, `?tag=`, `?branch=`,
 * `?subdir=`, `?checksum=`/`?commit=`, `?keep-git-dir`, `?submodules=`, `?mtime=`,
 * `?fetch-by-commit`). Pure: no I/O.
 */
export interface GitRef {
  /** The repository to give git: the URL without its fragment and query. */
  readonly remote: string;
  /** The repository's directory name (`repo` for `.../repo.git`). */
  readonly shortName: string;
  /** A branch, tag, full ref or commit; '' for the default branch. */
  readonly ref: string;
  /** A commit (or a prefix of one) the ref must resolve to; '' when not given. */
  readonly checksum: string;
  /** The directory inside the repository to take; '' for all of it. */
  readonly subdir: string;
  /** `github.com/org/repo` without a scheme: ADD takes such a source as a local path. */
  readonly indistinguishableFromLocal: boolean;
  /** `http://` and `git://`: fetched over unencrypted TCP. */
  readonly unencryptedTcp: boolean;
  readonly keepGitDir: boolean | undefined;
  readonly submodules: boolean | undefined;
  readonly mtime: 'checkout' | 'commit' | undefined;
  readonly fetchByCommit: boolean;
}

/** What a source string is: no git repository, one, or one whose URL is wrong (the message says why). */
export type GitRefParse =
  | { readonly isGit: false }
  | { readonly isGit: true; readonly ref: GitRef }
  | { readonly isGit: true; readonly error: string };

const SUPPORTED_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'ssh', 'git']);
const SCHEME = /^([a-zA-Z0-9]+):\/\//;
const SCP_STYLE = /^([a-zA-Z0-9_-]+)@([a-zA-Z0-9.-]+):(.*?)(?:\?(.*?))?(?:#(.*))?$/;
const FLAG_QUERIES: ReadonlySet<string> = new Set(['submodules', 'keep-git-dir', 'fetch-by-commit']);

interface SplitUrl {
  readonly scheme: string;
  /** The path as git sees it (decoded), for the `.git` suffix check. */
  readonly path: string;
  readonly remote: string;
  readonly query: string | undefined;
  readonly fragment: string | undefined;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A `scheme://...` URL cut as Go's url.Parse cuts it: fragment at the first `#`, query at the first `?` before it. */
function splitSchemeUrl(text: string, scheme: string): SplitUrl | undefined {
  const hash = text.indexOf('#');
  const beforeFragment = hash === -1 ? text : text.slice(0, hash);
  const fragment = hash === -1 ? undefined : decode(text.slice(hash + 1));
  const question = beforeFragment.indexOf('?');
  const base = question === -1 ? beforeFragment : beforeFragment.slice(0, question);
  const query = question === -1 ? undefined : beforeFragment.slice(question + 1);
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    return undefined;
  }
  const rest = base.slice(scheme.length + 3);
  const slash = rest.indexOf('/');
  const path = slash === -1 ? '' : decode(rest.slice(slash));
  if (parsed.hostname === '' && scheme !== 'git' && scheme !== 'ssh') return undefined;
  return { scheme, path, remote: `${scheme}${base.slice(scheme.length)}`, query, fragment };
}

/** Go's url.ParseQuery, keeping every value of a key (a `;` is an error there, as here). */
function parseQuery(text: string | undefined): Map<string, string[]> | string {
  const out = new Map<string, string[]>();
  if (text === undefined || text === '') return out;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    if (pair.includes(';')) return `invalid semicolon separator in query`;
    const eq = pair.indexOf('=');
    const key = decode((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1).replace(/\+/g, ' '));
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** `ref:subdir` of a fragment; the subdir is cleaned (`/a/../b/` is `b`). */
function fragmentParts(fragment: string | undefined): { ref: string; subdir: string } {
  if (fragment === undefined || fragment === '') return { ref: '', subdir: '' };
  const colon = fragment.indexOf(':');
  const ref = colon === -1 ? fragment : fragment.slice(0, colon);
  const subdir = colon === -1 ? '' : fragment.slice(colon + 1);
  const parts: string[] = [];
  for (const part of subdir.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return { ref, subdir: parts.join('/') };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** BuildKit's loadQuery: the query's options, checked against the fragment's. */
function applyQuery(ref: Mutable<GitRef>, query: Map<string, string[]>): string | undefined {
  let tag = '';
  let branch = '';
  for (const [key, values] of query) {
    if (values.length > 1) return `query ${JSON.stringify(key)} has multiple values`;
    const value = values[0] ?? '';
    if (value === '' && !FLAG_QUERIES.has(key)) return `query ${JSON.stringify(key)} has no value`;
    const flag = (name: string): boolean | string => {
      if (value === '') return true;
      return parseBool(value) ?? `invalid ${name} value: ${JSON.stringify(value)}`;
    };
    switch (key) {
      case 'ref':
        if (ref.ref !== '' && ref.ref !== value) return `ref conflicts: ${JSON.stringify(ref.ref)} vs ${JSON.stringify(value)}`;
        ref.ref = value;
        break;
      case 'tag':
        tag = value;
        break;
      case 'branch':
        branch = value;
        break;
      case 'subdir':
        if (ref.subdir !== '' && ref.subdir !== value) return `subdir conflicts: ${JSON.stringify(ref.subdir)} vs ${JSON.stringify(value)}`;
        ref.subdir = value;
        break;
      case 'checksum':
      case 'commit':
        ref.checksum = value;
        break;
      case 'keep-git-dir':
      case 'submodules':
      case 'fetch-by-commit': {
        const parsed = flag(key);
        if (typeof parsed === 'string') return parsed;
        if (key === 'keep-git-dir') ref.keepGitDir = parsed;
        else if (key === 'submodules') ref.submodules = parsed;
        else ref.fetchByCommit = parsed;
        break;
      }
      case 'mtime':
        if (value !== 'checkout' && value !== 'commit') return `invalid mtime value: ${JSON.stringify(value)} (must be "checkout" or "commit")`;
        ref.mtime = value;
        break;
      default:
        return `unexpected query ${JSON.stringify(key)}`;
    }
  }
  if (tag !== '') {
    const full = tag.startsWith('refs/tags/') ? tag : `refs/tags/${tag}`;
    if (ref.ref !== '' && ref.ref !== full) return `ref conflicts: ${JSON.stringify(ref.ref)} vs ${JSON.stringify(full)}`;
    ref.ref = full;
  }
  if (branch !== '') {
    if (tag !== '') return 'branch conflicts with tag';
    const full = branch.startsWith('refs/heads/') ? branch : `refs/heads/${branch}`;
    if (ref.ref !== '' && ref.ref !== full) return `ref conflicts: ${JSON.stringify(ref.ref)} vs ${JSON.stringify(full)}`;
    ref.ref = full;
  }
  return undefined;
}

function splitSource(source: string): (SplitUrl & { readonly local: boolean }) | undefined {
  if (source.startsWith('github.com/')) {
    const split = splitSchemeUrl(`https://${source}`, 'https');
    return split === undefined ? undefined : { ...split, remote: split.remote.slice('https://'.length), local: true };
  }
  const scheme = SCHEME.exec(source)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!SUPPORTED_SCHEMES.has(scheme)) return undefined;
    const split = splitSchemeUrl(source, scheme);
    return split === undefined ? undefined : { ...split, local: false };
  }
  const scp = SCP_STYLE.exec(source);
  if (scp === null) return undefined;
  const [, user = '', host = '', path = '', query, fragment] = scp;
  return { scheme: 'ssh', path, remote: `${user}@${host}:${path}`, query, fragment, local: false };
}

/**
 * Whether `source` names a git repository, and its parts. An http(s) URL is one only when its
 * path ends in `.git`; `./x` and `../x` never are.
 */
export function parseGitRef(source: string): GitRefParse {
  if (source.startsWith('./') || source.startsWith('../')) return { isGit: false };
  const split = splitSource(source);
  if (split === undefined) return { isGit: false };
  if ((split.scheme === 'http' || split.scheme === 'https') && !split.local && !split.path.endsWith('.git')) return { isGit: false };
  const query = parseQuery(split.query);
  if (typeof query === 'string') return { isGit: false };
  const { ref, subdir } = fragmentParts(split.fragment);
  const elements = split.remote.split('/');
  const result: Mutable<GitRef> = {
    remote: split.remote,
    shortName: (elements[elements.length - 1] ?? '').replace(/\.git$/, ''),
    ref,
    checksum: '',
    subdir,
    indistinguishableFromLocal: split.local,
    unencryptedTcp: split.scheme === 'http' || split.scheme === 'git',
    keepGitDir: undefined,
    submodules: undefined,
    mtime: undefined,
    fetchByCommit: false,
  };
  const error = applyQuery(result, query);
  return error === undefined ? { isGit: true, ref: result } : { isGit: true, error };
}

/** Whether an ADD source is a git repository to clone (not one ADD would take as a local path). */
export function isGitSource(source: string): boolean {
  const parsed = parseGitRef(source);
  return parsed.isGit && !('ref' in parsed && parsed.ref.indistinguishableFromLocal);
}

/** A full commit id (SHA-1 or SHA-256, lowercase hex), as gitutil.IsCommitSHA. */
export function isCommitSha(text: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(text);
}
