/**
 * The system calls Node.js lacks (mount, umount2, l{list,get,set}xattr, the FS_IOC_*FLAGS ioctls,
 * posix_spawn and waitpid), and two loops of calls done in one thread-pool job each (unmounting a
 * stack of mounts, removing a tree), from the addon that `npm run build` compiles out of
 * native/stagecraft-sys.c. Loaded on first use; where it is missing (not built: no compiler or no
 * Node headers) or turned off with STAGECRAFT_NATIVE=0, `nativeSys()` is undefined and callers run
 * mount(8), umount(8), getfattr, setfattr and chattr, or child_process.spawn, instead. Every call
 * but markTopDir and spawnPiped runs on libuv's thread pool; failures are errors with Node's
 * `code`/`errno`/`syscall`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** mount(2) flags used here (linux/mount.h). */
export const MountFlags = {
  readOnly: 0x1,
} as const;

/** A path's extended attributes, as the addon reports them: [name, value] in the order listed. */
export type XattrList = ReadonlyArray<readonly [string, Buffer]>;

export interface NativeSys {
  mount(source: string, target: string, fstype: string, flags: number, data?: string): Promise<void>;
  umount(target: string, flags: number): Promise<void>;
  /**
   * Takes every mount stacked on `target` off, lazily (umount -l) where one is busy, in one
   * thread-pool job; resolves to how many went, `limit + 1` when more than `limit` were stacked.
   * Nothing mounted there: 0.
   */
  umountAll(target: string, limit: number): Promise<number>;
  /**
   * Removes a file or a directory tree (rm -rf) in one thread-pool job, never following symlinks;
   * a directory on another device inside it (a mount point) fails the call with EXDEV and is left
   * alone. A missing path is no error.
   */
  removeTree(path: string): Promise<void>;
  /**
   * Starts `file` (looked up in PATH) with `args` (args[0] included) through posix_spawnp, stdin
   * /dev/null, stdout and stderr into new pipes whose read ends it returns; signal handling reset
   * to the defaults; `newSession`: in a session (and process group) of its own. Synchronous; a
   * failure to start (ENOENT, EACCES) throws.
   */
  spawnPiped(file: string, args: readonly string[], newSession: boolean): { readonly pid: number; readonly stdout: number; readonly stderr: number };
  /** Waits for a child started by spawnPiped (on the pool: call it once its pipes have closed); the signal as a number. */
  waitProcess(pid: number): Promise<{ readonly code: number | null; readonly signal: number | null }>;
  /**
   * The attributes of each path and, when `recursive`, of everything below the directories among
   * them, never following symlinks (getfattr -R -P -h -d -m -). Only paths that have attributes are
   * listed; missing or unreadable ones are skipped.
   */
  readXattrs(paths: readonly string[], recursive: boolean): Promise<ReadonlyArray<readonly [string, XattrList]>>;
  /** Sets each attribute without following a final symlink; resolves to those that failed (by index). */
  writeXattrs(items: ReadonlyArray<readonly [string, string, Buffer]>): Promise<ReadonlyArray<readonly [number, NodeJS.ErrnoException]>>;
  /** Sets the "top of directory hierarchies" flag (chattr +T) on a directory: 0, or the errno (file systems without it: ENOTTY or EOPNOTSUPP). */
  markTopDir(path: string): number;
}

interface AddonExports extends NativeSys {
  readonly version: number;
}

const ADDON_FILE = 'stagecraft-sys.node';
const ADDON_VERSION = 4;

/**
 * Where the addon may be, relative to this module: dist/native/ beside the compiled module (tsc
 * output), ../native/ from the bundle in dist/bundle/, and dist/native/ from src/native/ (tests).
 */
function candidates(): string[] {
  const here = import.meta.url;
  return [`./${ADDON_FILE}`, `../native/${ADDON_FILE}`, `../../dist/native/${ADDON_FILE}`].map((relative) => fileURLToPath(new URL(relative, here)));
}

let loaded: { readonly sys: NativeSys | undefined; readonly reason: string } | undefined;

function load(): { readonly sys: NativeSys | undefined; readonly reason: string } {
  if (process.env.STAGECRAFT_NATIVE === '0') return { sys: undefined, reason: 'turned off (STAGECRAFT_NATIVE=0)' };
  if (process.platform !== 'linux') return { sys: undefined, reason: `not on Linux (${process.platform})` };
  const path = candidates().find((candidate) => existsSync(candidate));
  if (path === undefined) return { sys: undefined, reason: `${ADDON_FILE} was not built (npm run build compiles it; it needs cc and Node's headers)` };
  try {
    const module = { exports: {} as Partial<AddonExports> };
    process.dlopen(module, path);
    if (module.exports.version !== ADDON_VERSION) return { sys: undefined, reason: `${path} is version ${String(module.exports.version)}, not ${String(ADDON_VERSION)}: rebuild it` };
    return { sys: module.exports as AddonExports, reason: path };
  } catch (err) {
    return { sys: undefined, reason: `${path} could not be loaded: ${(err as Error).message}` };
  }
}

/** Set by tests to run the command-line fallbacks in a process that has the addon. */
let disabledForTesting = false;

/** The addon, or undefined where it is not available (callers then run the command-line tools). */
export function nativeSys(): NativeSys | undefined {
  if (disabledForTesting) return undefined;
  loaded ??= load();
  return loaded.sys;
}

/** Runs `body` as if the addon were missing (tests of the fallbacks); not for concurrent use. */
export async function withoutNativeSys<T>(body: () => Promise<T>): Promise<T> {
  const before = disabledForTesting;
  disabledForTesting = true;
  try {
    return await body();
  } finally {
    disabledForTesting = before;
  }
}

/** Where the addon was loaded from, or why it was not. */
export function nativeSysStatus(): { readonly available: boolean; readonly detail: string } {
  loaded ??= load();
  return { available: loaded.sys !== undefined, detail: loaded.reason };
}
