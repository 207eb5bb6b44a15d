import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { CacheSharing } from '../dockerfile/instructions/index.js';
import { currentOwner, isOwnerAlive, StoreLock } from '../store/index.js';

/*
 * Cache mounts on disk, under the store root (one group per cache key):
 *
 *   cache-mounts/<sha256 of key>/key.json     {"key", "label"}: what the cache is, for prune's report
 *   cache-mounts/<hash>/lock                  a short lock (the store's lock protocol, stale
 *                                             recovery included) held while an instance is chosen
 *   cache-mounts/<hash>/<n>                   instance n (0, 1, ...): the directory a step mounts
 *   cache-mounts/<hash>/users/<n>.<shared|exclusive>.<OWNER>.<R>
 *                                             a step using instance n, written under the lock
 *   cache-mounts/<hash>/.tmp.<OWNER>.<R>.*     an instance being seeded or removed
 *   cache-mounts/.tmp.<OWNER>.<R>             a group being removed by prune
 *
 * As BuildKit's cache mounts: `shared` steps use one instance together; a `private` step takes an
 * instance nobody uses, or a new one; a `locked` step takes an instance nobody uses and waits while
 * all are in use (a new one only when none exists yet). A step's use is a file naming its process
 * (`PID-STARTTIME`), so a process that dies mid-step (kill -9) stops holding its cache the next
 * time anyone looks: a `locked` cache is never left locked by a crash. Every choice is made under
 * the group's lock, and prune removes an instance only under that lock when no live user names it.
 */

const GROUP_LOCK_TIMEOUT_MS = 10 * 60_000;
const WAIT_MS = 100;
const TEMP = '.tmp.';
const INSTANCE = /^\d+$/;

export function cacheMountsDir(root: string): string {
  return join(root, 'cache-mounts');
}

export function cacheGroupDir(root: string, key: string): string {
  return join(cacheMountsDir(root), createHash('sha256').update(key).digest('hex'));
}

export interface InstanceUser {
  readonly instance: number;
  readonly exclusive: boolean;
}

/**
 * Which instance a step with `sharing` takes, given the instances that exist and the live users;
 * `wait` when a locked step must wait for one. A new instance gets the lowest free number.
 */
export function chooseInstance(sharing: CacheSharing, instances: readonly number[], users: readonly InstanceUser[]): number | 'wait' {
  const known = [...new Set([...instances, ...users.map((u) => u.instance)])].sort((a, b) => a - b);
  const usable = (n: number): boolean => users.every((u) => u.instance !== n || (sharing === 'shared' && !u.exclusive));
  const idle = known.find(usable);
  if (idle !== undefined) return idle;
  if (sharing === 'locked' && known.length > 0) return 'wait';
  let fresh = 0;
  while (known.includes(fresh)) fresh++;
  return fresh;
}

interface UserFile extends InstanceUser {
  readonly name: string;
}

function parseUser(name: string): (UserFile & { owner: string }) | undefined {
  const [n, mode, owner] = name.split('.');
  if (n === undefined || !INSTANCE.test(n) || (mode !== 'shared' && mode !== 'exclusive') || owner === undefined) return undefined;
  return { name, instance: Number(n), exclusive: mode === 'exclusive', owner };
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function tempName(suffix: string): string {
  return `${TEMP}${currentOwner()}.${randomBytes(6).toString('hex')}.${suffix}`;
}

/** The instances and live users of a group; users and temp entries of dead processes are removed. Hold the group lock. */
export async function scanGroup(group: string): Promise<{ instances: number[]; users: UserFile[] }> {
  const instances: number[] = [];
  for (const name of await names(group)) {
    if (INSTANCE.test(name)) instances.push(Number(name));
    else if (name.startsWith(TEMP) && !(await isOwnerAlive(name.slice(TEMP.length).split('.')[0] ?? ''))) {
      await rm(join(group, name), { recursive: true, force: true });
    }
  }
  const users: UserFile[] = [];
  for (const name of await names(join(group, 'users'))) {
    const user = parseUser(name);
    if (user === undefined) continue;
    if (await isOwnerAlive(user.owner)) users.push(user);
    else await rm(join(group, 'users', name), { force: true });
  }
  return { instances: instances.sort((a, b) => a - b), users };
}

/**
 * Runs `fn` holding the group's lock. A group renamed away by a prune while we waited makes the
 * lock fail with ENOENT: the group is then made again and the lock taken there.
 */
export async function withGroupLock<T>(group: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (;;) {
    await mkdir(join(group, 'users'), { recursive: true });
    const lock = new StoreLock(group, GROUP_LOCK_TIMEOUT_MS);
    let release: () => Promise<void>;
    try {
      release = await lock.acquire({ purpose: 'cache mount', signal });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    try {
      return await fn();
    } finally {
      await release();
    }
  }
}

export interface CacheMountHold {
  /** The instance directory (or file) to mount. */
  readonly path: string;
  readonly instance: number;
  /** Ends this step's use (the instance stays for the next build). */
  release(): Promise<void>;
}

export interface HoldCacheMountOptions {
  readonly sharing: CacheSharing;
  /** Shown by prune: what the cache is (`id=npm`, its seed). */
  readonly label: string;
  /** Makes a new instance at `target` (which does not exist yet): its first content. */
  readonly seed: (target: string) => Promise<void>;
  readonly signal?: AbortSignal;
}

/** Waits `ms`; rejects with the signal's reason when it aborts. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal !== undefined ? { signal } : {});
  } catch (err) {
    if (signal?.aborted === true) throw signal.reason;
    throw err;
  }
}

async function writeKeyFile(group: string, key: string, label: string): Promise<void> {
  const path = join(group, 'key.json');
  try {
    if ((JSON.parse(await readFile(path, 'utf8')) as { key?: unknown }).key === key) return;
  } catch {
    // missing or unreadable: written below
  }
  const temp = join(group, tempName('key.json'));
  await writeFile(temp, JSON.stringify({ key, label }) + '\n');
  await rename(temp, path);
}

/**
 * Makes instance `n` from `seed`: into a temp entry renamed into place, so an instance is whole or
 * absent (a crash leaves a temp entry of a dead process, which the next scan removes). Hold the
 * group lock: nobody else can make or use `n` meanwhile.
 */
async function seedInstance(group: string, n: number, seed: (target: string) => Promise<void>): Promise<void> {
  const temp = join(group, tempName(`seed.${String(n)}`));
  try {
    await seed(temp);
    await rename(temp, join(group, String(n)));
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/**
 * Takes an instance of the cache `key` for one step, as `sharing` allows (waiting, for `locked`,
 * until one is free or `signal` aborts), seeding it when it is new. Release it when the step ends.
 */
export async function holdCacheMount(root: string, key: string, options: HoldCacheMountOptions): Promise<CacheMountHold> {
  const group = cacheGroupDir(root, key);
  const mode = options.sharing === 'shared' ? 'shared' : 'exclusive';
  let chosen: { n: number; userFile: string } | undefined;
  while (chosen === undefined) {
    chosen = await withGroupLock(
      group,
      async () => {
        await writeKeyFile(group, key, options.label);
        const { instances, users } = await scanGroup(group);
        const n = chooseInstance(options.sharing, instances, users);
        if (n === 'wait') return undefined;
        // a new instance is seeded under the lock (rare: first use, or every instance busy)
        if (!instances.includes(n)) await seedInstance(group, n, options.seed);
        const userFile = join(group, 'users', `${String(n)}.${mode}.${currentOwner()}.${randomBytes(6).toString('hex')}`);
        await writeFile(userFile, '');
        return { n, userFile };
      },
      options.signal,
    );
    if (chosen === undefined) await pause(WAIT_MS, options.signal);
  }
  const { n, userFile } = chosen;
  let released = false;
  return {
    path: join(group, String(n)),
    instance: n,
    release: async () => {
      if (released) return;
      released = true;
      await unlink(userFile).catch(() => undefined);
    },
  };
}
