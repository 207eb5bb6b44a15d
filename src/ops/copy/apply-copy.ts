import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { cleanPath } from '../../context/index.js';
import type { PatternMatcher } from '../../context/index.js';
import { resolveInRoot } from '../../runtime/index.js';
import { parseChmod } from './chmod.js';
import { resolveChown } from './chown.js';
import { invalidCopyOption } from './copy-errors.js';
import type { CopyCounters, CopySettings } from './copy-settings.js';
import { copySource } from './copy-source.js';
import { readSourceXattrs } from './copy-xattrs.js';
import type { XattrsByPath } from './copy-xattrs.js';
import { openDecompressed } from './decompress.js';
import { detectArchive } from './detect-archive.js';
import type { DownloadedFile } from './download-url.js';
import { downloadUrl, redactUrl } from './download-url.js';
import { extractArchive } from './extract-archive.js';
import type { ResolvedGitSource } from './git-resolve.js';
import { checkoutGitSource } from './git-source.js';
import { makeDirs } from './make-dirs.js';
import { selectCopySources } from './select-sources.js';
import type { SelectedSource } from './selection.js';
import { entryHostPath } from './selection.js';
import { downloadedSource, stageInlineFile } from './staged-sources.js';
import { classifySource } from './source-kind.js';

/** Where local sources are read from. */
export interface CopySourceRoot {
  /** The host directory: the build context, or a stage's or image's root filesystem. */
  readonly root: string;
  /** The build context: .dockerignore applies and owners become root:root (BuildKit sends it so). */
  readonly kind: 'context' | 'stage' | 'image';
  readonly ignore?: PatternMatcher;
}

/** One COPY or ADD to carry out, from the plan's PlannedCopy/PlannedAdd and the step's mounts. */
export interface CopyOp {
  readonly kind: 'copy' | 'add';
  /** The root filesystem written into (the step's merged mount point, a plain directory here). */
  readonly destRoot: string;
  /** The destination inside it: absolute (PlannedCopy.destinationPath) or relative to `workdir`; a trailing `/` means "into this directory". */
  readonly destination: string;
  readonly workdir?: string;
  /** Where local sources come from (needed when `sources` holds paths). */
  readonly from?: CopySourceRoot;
  /** Paths (with wildcards), and for ADD http(s) URLs, in order. */
  readonly sources: readonly string[];
  /** Heredoc files, copied after the other sources. */
  readonly contents?: readonly { readonly path: string; readonly data: string }[];
  readonly chown?: string | undefined;
  readonly chmod?: string | undefined;
  readonly exclude?: readonly string[];
  readonly parents?: boolean;
  readonly checksum?: string | undefined;
  /** ADD --unpack: undefined unpacks local archives only; true also downloads; false nothing. */
  readonly unpack?: boolean | undefined;
  /** The local sources already selected (for the cache key): copied as they are, not looked up again. */
  readonly selection?: readonly SelectedSource[];
  /**
   * The xattrs of the selection's files when the caller started reading them early (for example
   * while the destination was being mounted); otherwise they are read here.
   */
  readonly sourceXattrs?: Promise<XattrsByPath>;
  /** URLs already downloaded (for the cache key), by URL. */
  readonly downloads?: ReadonlyMap<string, DownloadedFile>;
  /** ADD --keep-git-dir: keep the `.git` directory of a git source. */
  readonly keepGitDir?: boolean | undefined;
  /** Git sources already resolved to a commit (for the cache key), by source as written. */
  readonly gitSources?: ReadonlyMap<string, ResolvedGitSource>;
  /** A fixed time for every file written (SOURCE_DATE_EPOCH); otherwise source times are kept. */
  readonly timestamp?: Date;
}

export interface ApplyCopyOptions {
  readonly signal?: AbortSignal;
  /** Where heredoc files and downloads are staged (the system temp dir by default). */
  readonly tempDir?: string;
  readonly fetch?: typeof fetch;
  /** Set owners (default: when running as root, the only case where it can work). */
  readonly applyOwners?: boolean;
}

export interface CopyResult {
  /** Files, symlinks and special files written (directories not counted). */
  readonly filesCopied: number;
  /** Bytes of file content written (hardlinks not counted twice). */
  readonly bytes: number;
  /** Things the user may want to know (BuildKit says nothing about them). */
  readonly warnings: readonly string[];
}

/** The destination made absolute against the working directory; a trailing `/` (or `/.`) kept. */
export function absoluteDestination(destination: string, workdir = '/'): string {
  const base = destination.startsWith('/') ? '' : workdir === '' ? '/' : workdir;
  const written = destination === '' || destination === '.' ? './' : destination;
  const joined = cleanPath(`${base}/${written}`);
  if (written.endsWith('/.')) return joined === '/' ? '/.' : `${joined}/.`;
  return written.endsWith('/') && joined !== '/' ? `${joined}/` : joined;
}

function validate(op: CopyOp): void {
  const kinds = op.sources.map(classifySource);
  if (op.kind === 'copy' && kinds.includes('url')) throw invalidCopyOption("source can't be a URL for COPY", { sources: op.sources });
  if (op.kind === 'copy' && kinds.includes('git')) throw invalidCopyOption("source can't be a git ref for COPY", { sources: op.sources });
  if (op.checksum !== undefined) {
    if (op.kind === 'copy') throw invalidCopyOption("checksum can't be specified for COPY");
    if (op.sources.length !== 1) throw invalidCopyOption("checksum can't be specified for multiple sources", { sources: op.sources });
    if (kinds[0] !== 'url' && kinds[0] !== 'git') throw invalidCopyOption('checksum requires HTTP(S) or Git sources', { sources: op.sources });
  }
  if (kinds.includes('path') && op.from === undefined && op.selection === undefined) {
    throw invalidCopyOption('COPY has local sources but no source root was given', { sources: op.sources });
  }
}

/**
 * Carries out a COPY or ADD into `op.destRoot` with BuildKit's semantics (see copySource for the
 * file rules, selectCopySources for the sources): sources are copied one after another in the
 * order written, heredoc files last; ADD unpacks local tar archives (gzip, bzip2, xz, zstd or
 * plain, told by content) into the destination directory, downloads http(s) URLs (checking
 * `--checksum`) and unpacks those only with `--unpack`. Several sources into a destination
 * without a trailing `/` are copied there one over the other, as BuildKit does (a warning says so).
 */
export async function applyCopy(op: CopyOp, options: ApplyCopyOptions = {}): Promise<CopyResult> {
  validate(op);
  const signal = options.signal;
  const destRoot = resolve(op.destRoot);
  const dest = absoluteDestination(op.destination, op.workdir);
  let settings: CopySettings = {
    destRoot,
    owner: op.chown !== undefined ? await resolveChown(destRoot, op.chown) : undefined,
    chmod: op.chmod !== undefined ? parseChmod(op.chmod) : undefined,
    applyOwners: options.applyOwners ?? userInfo().uid === 0,
    timestamp: op.timestamp,
    xattrs: new Map(),
    signal,
  };
  const counters: CopyCounters = { files: 0, bytes: 0, warnings: [] };
  let staging: string | undefined;
  const stagingDir = async (): Promise<string> => {
    staging ??= await mkdtemp(join(options.tempDir ?? tmpdir(), 'stagecraft-copy-'));
    return staging;
  };
  try {
    const plan: { source: SelectedSource; unpack: boolean }[] = [];
    const localUnpack = op.kind === 'add' && op.unpack !== false;
    const selection = [...(op.selection ?? [])];
    for (const written of op.sources) {
      signal?.throwIfAborted();
      const kind = classifySource(written);
      if (kind === 'url') {
        const file = op.downloads?.get(written) ?? (await download(written, op, await stagingDir(), options));
        plan.push({ source: await downloadedSource(file), unpack: op.unpack === true });
        continue;
      }
      if (kind === 'git') {
        for (const source of await gitSelection(written, op, await stagingDir(), signal)) plan.push({ source, unpack: false });
        continue;
      }
      const selected = op.selection !== undefined ? takeSelected(selection, written) : await selectFrom(op, written, signal);
      for (const source of selected) plan.push({ source, unpack: localUnpack });
    }
    const local = plan.filter((p) => classifySource(p.source.pattern) === 'path').map((p) => p.source);
    settings = { ...settings, xattrs: await (op.sourceXattrs ?? readSourceXattrs(selectionRoots(local))) };
    for (const inline of op.contents ?? []) plan.push({ source: await stageInlineFile(await stagingDir(), inline), unpack: false });
    if (plan.length > 1 && !dest.endsWith('/') && !dest.endsWith('/.')) {
      counters.warnings.push(`${String(plan.length)} sources copied to ${dest}, which does not end with /: each one was written over the one before`);
    }
    for (const { source, unpack } of plan) {
      signal?.throwIfAborted();
      if (unpack && (await unpackIfArchive(source, dest, settings, counters))) continue;
      await copySource(source, dest, settings, counters);
    }
  } finally {
    if (staging !== undefined) await rm(staging, { recursive: true, force: true });
  }
  return { filesCopied: counters.files, bytes: counters.bytes, warnings: counters.warnings };
}

/** The top path of each source (getfattr -R reads what is below). */
export function selectionRoots(selection: readonly SelectedSource[]): string[] {
  return selection.flatMap((s) => (s.entries[0] === undefined ? [] : [entryHostPath(s, s.entries[0])]));
}

function takeSelected(selection: SelectedSource[], written: string): SelectedSource[] {
  const taken: SelectedSource[] = [];
  while (selection[0]?.pattern === written) taken.push(selection.shift() as SelectedSource);
  return taken;
}

async function selectFrom(op: CopyOp, written: string, signal: AbortSignal | undefined): Promise<SelectedSource[]> {
  const from = op.from;
  if (from === undefined) return [];
  return selectCopySources({
    root: from.root,
    patterns: [written],
    owner: from.kind === 'context' ? 'root' : 'keep',
    ...(from.ignore !== undefined ? { ignore: from.ignore } : {}),
    ...(op.exclude !== undefined ? { exclude: op.exclude } : {}),
    ...(op.parents === true ? { parents: true } : {}),
    ...(signal !== undefined ? { signal } : {}),
  });
}

/** A git source cloned into the staging directory: its checkout's root (or subdir), selected as a whole. */
async function gitSelection(source: string, op: CopyOp, parent: string, signal: AbortSignal | undefined): Promise<SelectedSource[]> {
  const resolved = op.gitSources?.get(source);
  const checkout = await checkoutGitSource(source, {
    dir: await mkdtemp(join(parent, 'git-')),
    keepGitDir: op.keepGitDir,
    checksum: op.checksum,
    signal,
    ...(resolved !== undefined ? { resolved } : {}),
  });
  return selectCopySources({
    root: checkout.root,
    patterns: ['/'],
    owner: 'root',
    ...(op.exclude !== undefined && op.exclude.length > 0 ? { exclude: op.exclude } : {}),
    ...(signal !== undefined ? { signal } : {}),
  });
}

async function download(url: string, op: CopyOp, parent: string, options: ApplyCopyOptions): Promise<DownloadedFile> {
  const dir = await mkdtemp(join(parent, 'url-'));
  return downloadUrl(url, {
    dir,
    ...(op.checksum !== undefined ? { checksum: op.checksum } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  });
}

/** BuildKit's unpack step: a regular-file source that is a tar archive is extracted into the destination. */
async function unpackIfArchive(source: SelectedSource, dest: string, settings: CopySettings, counters: CopyCounters): Promise<boolean> {
  const top = source.entries[0];
  if (top?.type !== 'file') return false;
  const hostPath = entryHostPath(source, top);
  const compression = await detectArchive(hostPath);
  if (compression === undefined) return false;
  const destHost = await resolveInRoot(settings.destRoot, dest);
  await makeDirs(destHost, { root: settings.destRoot, mode: 0o755, owner: settings.owner, applyOwners: settings.applyOwners, timestamp: settings.timestamp });
  const counts = await extractArchive(openDecompressed(hostPath, compression), destHost, {
    root: settings.destRoot,
    source: source.path.startsWith('/') ? source.path : redactUrl(source.path),
    owner: settings.owner,
    applyOwners: settings.applyOwners,
    signal: settings.signal,
  });
  counters.files += counts.files;
  counters.bytes += counts.bytes;
  return true;
}
