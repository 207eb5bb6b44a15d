import { lstat, lutimes, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BuildError } from '../../errors/index.js';
import { resolveInRoot } from '../../runtime/index.js';
import { copyFailed, errnoCode, insideRoot } from './copy-errors.js';
import type { CopyCounters, CopySettings } from './copy-settings.js';
import { parentDirMode } from './copy-settings.js';
import { writeXattrs } from './copy-xattrs.js';
import { createLimiter } from '../../util/limiter.js';
import { makeDirs } from './make-dirs.js';
import { entryHostPath } from './selection.js';
import type { SelectedSource, SourceEntry } from './selection.js';
import { applyInfo, setTimes, writeEntry } from './write-entry.js';

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

