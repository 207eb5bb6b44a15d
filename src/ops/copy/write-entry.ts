import { constants } from 'node:fs';
import { chmod, copyFile, lchown, link, lstat, lutimes, symlink, unlink } from 'node:fs/promises';
import { applyChmod } from './chmod.js';
import { copyFailed, errnoCode } from './copy-errors.js';
import type { CopyCounters, CopySettings } from './copy-settings.js';
import { entryHostPath } from './selection.js';
import type { SelectedSource, SourceEntry } from './selection.js';
import { makeSpecialNode } from './special-node.js';

const seconds = (ns: bigint): number => Number(ns / 1000n) / 1e6;

async function lstatOrUndefined(path: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
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

export async function writeEntry(
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

export async function setTimes(target: string, entry: SourceEntry, settings: CopySettings): Promise<void> {
  if (settings.timestamp !== undefined) await lutimes(target, settings.timestamp, settings.timestamp);
  else await lutimes(target, seconds(entry.atimeNs), seconds(entry.mtimeNs));
}

/**
 * fsutil's copyFileInfo: owner, then mode (never on a symlink), then times. The mode is set only
 * when it is not already right: a fresh copy has its source's mode unless a chown just cleared
 * its set-id bits or --chmod asks for another one.
 */
export async function applyInfo(target: string, entry: SourceEntry, settings: CopySettings, modeUnknown: boolean): Promise<void> {
  if (settings.applyOwners) {
    const owner = settings.owner ?? { uid: entry.uid, gid: entry.gid };
    await lchown(target, owner.uid, owner.gid);
  }
  const mode = applyChmod(settings.chmod, entry.mode, entry.type === 'dir');
  const stale = modeUnknown || mode !== (entry.mode & 0o7777) || (settings.applyOwners && (mode & 0o6000) !== 0);
  if (entry.type !== 'symlink' && stale) await chmod(target, mode);
  await setTimes(target, entry, settings);
}
