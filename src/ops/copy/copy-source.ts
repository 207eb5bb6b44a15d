import { constants } from 'node:fs';
import { chmod, copyFile, lchown, link, lstat, lutimes, mkdir, symlink, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BuildError } from '../../errors/index.js';
import { resolveInRoot } from '../../runtime/index.js';
import type { ChmodSpec } from './chmod.js';
import { applyChmod } from './chmod.js';
import type { Owner } from './chown.js';
import { copyFailed, errnoCode, insideRoot } from './copy-errors.js';
import type { XattrsByPath } from './copy-xattrs.js';
import { writeXattrs } from './copy-xattrs.js';
import { createLimiter } from './limit.js';
import { makeDirs } from './make-dirs.js';
import { makeSpecialNode } from './special-node.js';
import { entryHostPath } from './selection.js';
import type { SelectedSource, SourceEntry } from './selection.js';

/** What every copy of one COPY/ADD step shares. */
export interface CopySettings {
  /** The root filesystem written into (the step's merged mount point). */
  readonly destRoot: string;
  readonly owner: Owner | undefined;
  readonly chmod: ChmodSpec | undefined;
  /** Whether ownership is set (only root can); otherwise files keep the process's owner. */
  readonly applyOwners: boolean;
  /** A fixed time for everything written (SOURCE_DATE_EPOCH); source times are kept otherwise. */
  readonly timestamp: Date | undefined;
  /** Extended attributes of the sources, by host path (copied along, as BuildKit does). */
  readonly xattrs: XattrsByPath;
  readonly signal: AbortSignal | undefined;
}

export interface CopyCounters {
  files: number;
  bytes: number;
  readonly warnings: string[];
}

/** Mode of the parent directories a copy creates: an octal --chmod, else 0755 (fsutil). */
export function parentDirMode(settings: CopySettings): number {
  return settings.chmod?.kind === 'octal' ? settings.chmod.mode : 0o755;
}

/** fsutil's split of the destination: with a trailing `/` (or `/.`) the whole path must be a directory. */
function ensuredDir(dest: string): string {
  const slash = dest.lastIndexOf('/');
  const last = dest.slice(slash + 1);
  return last === '' || last === '.' ? dest : dest.slice(0, slash + 1);
}

async function lstatOrUndefined(path: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

const seconds = (ns: bigint): number => Number(ns / 1000n) / 1e6;

/** Files written at once: the work is mostly waiting on the file system, not the CPU. */
const PARALLEL_WRITES = 16;

interface PendingDir {
  readonly target: string;
  readonly entry: SourceEntry;
  /** Whether the entry's owner and mode are applied (false: only its times, for the top directory that existed). */
  readonly fullInfo: boolean;
}

/**
 * Copies one selected source into the destination as fsutil's Copy does: the destination path is
 * resolved inside the rootfs (a symlink on it is followed there, never out of it); a file copied
 * onto an existing directory goes inside it under its own name; a directory's contents are merged
 * into the target, created when missing; existing files and symlinks in the way are replaced, an
 * existing directory is never replaced by a file, nor a file (or symlink) by a directory. Entries
 * keep their mode and times, owners become the --chown user (or stay as the selection says),
 * hardlinks within the source stay hardlinks.
 */
export async function copySource(source: SelectedSource, dest: string, settings: CopySettings, counters: CopyCounters): Promise<void> {
  const root = settings.destRoot;
  const shown = (host: string): string => insideRoot(root, host);
  const dirOptions = { root, mode: parentDirMode(settings), owner: settings.owner, applyOwners: settings.applyOwners, timestamp: settings.timestamp };
  const created: string[] = [];

  const ensure = ensuredDir(dest);
  if (ensure !== '') created.push(...(await makeDirs(await resolveInRoot(root, ensure), dirOptions)));

  const top = source.entries[0];
  if (top === undefined) return;
  const dstHost = await resolveInRoot(root, dest);
  const destStat = await lstatOrUndefined(dstHost);
  const sourceIsDir = top.type === 'dir';
  let target = dstHost;
  if (!sourceIsDir && destStat?.isDirectory() === true) target = join(dstHost, source.name);
  const parent = sourceIsDir && destStat === undefined ? target : dirname(target);
  if (target !== root) created.push(...(await makeDirs(parent, dirOptions)));

  const pendingDirs: PendingDir[] = [];
  const firstLinks = new Map<bigint, Promise<string>>();
  const limit = createLimiter(PARALLEL_WRITES);
  const writes: Promise<void>[] = [];
  let failure: Error | undefined;
  const fail = (entry: SourceEntry, out: string, error: unknown): Error => {
    if (error instanceof BuildError || (error as Error).name === 'AbortError') return error as Error;
    return copyFailed(`failed to copy ${source.path}${entry.rel === '' ? '' : '/' + entry.rel} to ${shown(out)}: ${(error as Error).message}`, error, {
      source: source.path,
      destination: shown(out),
    });
  };
  // Directories are made in order, so every parent exists before anything is written into it;
  // files, links and nodes are written several at once.
  for (const entry of source.entries) {
    if (failure !== undefined) break;
    settings.signal?.throwIfAborted();
    const out = entry.rel === '' ? target : join(target, entry.rel);
    if (entry.type !== 'dir') {
      // a hardlink to a file of this source written earlier is linked to that copy once it exists
      const linkTo = entry.type === 'file' && entry.nlink > 1 ? firstLinks.get(entry.ino) : undefined;
      const write = limit(() => writeEntry(source, entry, out, linkTo, settings, counters, shown));
      if (entry.type === 'file' && entry.nlink > 1 && linkTo === undefined) firstLinks.set(entry.ino, write.then(() => out));
      writes.push(
        write.catch((error: unknown) => {
          failure ??= fail(entry, out, error);
        }),
      );
      continue;
    }
    try {
      const existing = await lstatOrUndefined(out);
      if (existing === undefined) {
        await mkdir(out, 0o700);
        pendingDirs.push({ target: out, entry, fullInfo: true });
      } else if (!existing.isDirectory()) {
        throw copyFailed(`cannot copy to non-directory: ${shown(out)}`, undefined, { path: shown(out) });
      } else {
        pendingDirs.push({ target: out, entry, fullInfo: entry.rel !== '' });
      }
    } catch (error) {
      failure ??= fail(entry, out, error);
    }
  }
  await Promise.all(writes);
  if (failure !== undefined) throw failure;
  if (settings.xattrs.size > 0) {
    const items = [];
    for (const entry of source.entries) {
      const xattrs = settings.xattrs.get(entryHostPath(source, entry));
      const topDirKept = entry.rel === '' && entry.type === 'dir' && pendingDirs.some((d) => d.target === target && !d.fullInfo);
      if (xattrs !== undefined && entry.type !== 'socket' && !topDirKept) items.push({ path: entry.rel === '' ? target : join(target, entry.rel), xattrs });
    }
    const problem = await writeXattrs(root, items);
    if (problem !== undefined) counters.warnings.push(problem);
  }
  // directories last, innermost first: writing into a directory changes its mtime
  for (const pending of pendingDirs.reverse()) {
    if (pending.fullInfo) await applyInfo(pending.target, pending.entry, settings, true);
    else await setTimes(pending.target, pending.entry, settings);
  }
  if (settings.timestamp !== undefined) for (const dir of created.reverse()) await lutimes(dir, settings.timestamp, settings.timestamp);
}

/** Clears the way for a non-directory at `out`: a file or symlink there goes, a directory is an error. */
async function makeRoom(out: string, shown: (host: string) => string): Promise<void> {
  const existing = await lstatOrUndefined(out);
  if (existing === undefined) return;
  if (existing.isDirectory()) throw copyFailed(`cannot replace to directory ${shown(out)} with file`, undefined, { path: shown(out) });
  await unlink(out);
}

/** Runs `create`; if something is in the way (EEXIST), removes it as fsutil does and runs it again. */
async function createReplacing(out: string, shown: (host: string) => string, create: () => Promise<void>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
    await makeRoom(out, shown);
    await create();
  }
}

async function writeEntry(
  source: SelectedSource,
  entry: SourceEntry,
  out: string,
  linkTo: Promise<string> | undefined,
  settings: CopySettings,
  counters: CopyCounters,
  shown: (host: string) => string,
): Promise<void> {
  const from = entryHostPath(source, entry);
  let modeSet = false;
  switch (entry.type) {
    case 'file': {
      const firstPath = linkTo !== undefined ? await linkTo : undefined;
      if (firstPath !== undefined) {
        await createReplacing(out, shown, () => link(firstPath, out));
      } else {
        // copyFile gives the copy the source's mode (libuv fchmods it), exclusive: never through a symlink
        await createReplacing(out, shown, () => copyFile(from, out, constants.COPYFILE_EXCL));
        counters.bytes += entry.size;
        modeSet = true;
      }
      break;
    }
    case 'symlink':
      await createReplacing(out, shown, () => symlink(entry.linkTarget ?? '', out));
      break;
    case 'fifo':
    case 'char-device':
    case 'block-device':
      await makeRoom(out, shown);
      await makeSpecialNode(out, entry.type, entry.rdev);
      break;
    case 'socket':
      counters.warnings.push(`skipped socket ${source.path}/${entry.rel}: sockets cannot be copied`);
      return;
    case 'dir':
      return;
  }
  counters.files++;
  await applyInfo(out, entry, settings, !modeSet);
}

async function setTimes(target: string, entry: SourceEntry, settings: CopySettings): Promise<void> {
  if (settings.timestamp !== undefined) await lutimes(target, settings.timestamp, settings.timestamp);
  else await lutimes(target, seconds(entry.atimeNs), seconds(entry.mtimeNs));
}

/**
 * fsutil's copyFileInfo: owner, then mode (never on a symlink), then times. The mode is set only
 * when it is not already right: a fresh copy has its source's mode unless a chown just cleared
 * its set-id bits or --chmod asks for another one.
 */
async function applyInfo(target: string, entry: SourceEntry, settings: CopySettings, modeUnknown: boolean): Promise<void> {
  if (settings.applyOwners) {
    const owner = settings.owner ?? { uid: entry.uid, gid: entry.gid };
    await lchown(target, owner.uid, owner.gid);
  }
  const mode = applyChmod(settings.chmod, entry.mode, entry.type === 'dir');
  const stale = modeUnknown || mode !== (entry.mode & 0o7777) || (settings.applyOwners && (mode & 0o6000) !== 0);
  if (entry.type !== 'symlink' && stale) await chmod(target, mode);
  await setTimes(target, entry, settings);
}
