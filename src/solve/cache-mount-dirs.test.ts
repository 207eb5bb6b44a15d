import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnTsChild, waitForChild, waitForLine } from '../store/testing/spawn-child.js';
import { cacheGroupDir, chooseInstance, holdCacheMount } from './cache-mount-dirs.js';
import type { HoldCacheMountOptions, InstanceUser } from './cache-mount-dirs.js';
import { pruneCacheMounts } from './cache-mount-prune.js';

const CHILD = '../../solve/testing/child-hold-cache.ts';
/** A pid above the kernel's pid_max default: certainly not running. */
const DEAD = '4194305-9';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-cache-mounts-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function options(sharing: HoldCacheMountOptions['sharing'], seeds: string[] = [], extra: Partial<HoldCacheMountOptions> = {}): HoldCacheMountOptions {
  return {
    sharing,
    label: 'id=test',
    seed: async (target) => {
      await mkdir(target);
      seeds.push(target);
    },
    ...extra,
  };
}

const shared = (n: number): InstanceUser => ({ instance: n, exclusive: false });
const exclusive = (n: number): InstanceUser => ({ instance: n, exclusive: true });

describe('chooseInstance', () => {
  it.each<[string, Parameters<typeof chooseInstance>, number | 'wait']>([
    ['shared, nothing yet: a new instance 0', ['shared', [], []], 0],
    ['shared joins shared users', ['shared', [0], [shared(0), shared(0)]], 0],
    ['shared never joins an exclusive user: a new instance', ['shared', [0], [exclusive(0)]], 1],
    ['shared takes the lowest instance without an exclusive user', ['shared', [0, 1, 2], [exclusive(0), shared(2)]], 1],
    ['private takes an idle instance', ['private', [0, 1], [shared(0)]], 1],
    ['private makes a new instance when all are used', ['private', [0, 1], [shared(0), exclusive(1)]], 2],
    ['private fills a gap in the numbers', ['private', [0, 2], [exclusive(0), exclusive(2)]], 1],
    ['locked takes an idle instance', ['locked', [0, 1], [exclusive(0)]], 1],
    ['locked waits while every instance is used', ['locked', [0], [shared(0)]], 'wait'],
    ['locked makes instance 0 when there is none', ['locked', [], []], 0],
    ['an instance reserved by a user counts as existing', ['locked', [], [exclusive(0)]], 'wait'],
  ])('%s', (_name, args, expected) => {
    expect(chooseInstance(...args)).toBe(expected);
  });
});

describe('holdCacheMount in one process', () => {
  it('shared steps use one instance, seeded once; it persists after release', async () => {
    const seeds: string[] = [];
    const a = await holdCacheMount(root, 'k', options('shared', seeds));
    const b = await holdCacheMount(root, 'k', options('shared', seeds));
    expect([a.instance, b.instance]).toEqual([0, 0]);
    expect(seeds).toHaveLength(1);
    await writeFile(join(a.path, 'file'), 'kept');
    await a.release();
    await b.release();
    const c = await holdCacheMount(root, 'k', options('shared', seeds));
    expect(await readFile(join(c.path, 'file'), 'utf8')).toBe('kept');
    expect(seeds).toHaveLength(1);
    await c.release();
  });

  it('private: a second step gets its own instance while the first holds one; later the lowest idle one is reused', async () => {
    const a = await holdCacheMount(root, 'k', options('private'));
    const b = await holdCacheMount(root, 'k', options('private'));
    expect([a.instance, b.instance]).toEqual([0, 1]);
    expect(a.path).not.toBe(b.path);
    await a.release();
    const c = await holdCacheMount(root, 'k', options('private'));
    expect(c.instance).toBe(0);
    await Promise.all([b.release(), c.release()]);
  });

  it('locked: a second step waits until the first releases, then gets the same instance', async () => {
    const order: string[] = [];
    const first = await holdCacheMount(root, 'k', options('locked'));
    const second = holdCacheMount(root, 'k', options('locked')).then((hold) => {
      order.push('second held');
      return hold;
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    order.push('first releases');
    await first.release();
    const hold = await second;
    expect(order).toEqual(['first releases', 'second held']);
    expect(hold.instance).toBe(first.instance);
    await hold.release();
  });

  it('a waiting locked step stops when its signal aborts', async () => {
    const first = await holdCacheMount(root, 'k', options('locked'));
    const controller = new AbortController();
    const waiting = holdCacheMount(root, 'k', options('locked', [], { signal: controller.signal }));
    setTimeout(() => {
      controller.abort(new Error('canceled'));
    }, 200);
    await expect(waiting).rejects.toThrow('canceled');
    await first.release();
  });

  it('a failing seed leaves no instance and no user; the next step seeds again', async () => {
    const failing = options('locked', [], {
      seed: async (target) => {
        await mkdir(target);
        throw new Error('seed failed');
      },
    });
    await expect(holdCacheMount(root, 'k', failing)).rejects.toThrow('seed failed');
    const group = cacheGroupDir(root, 'k');
    expect((await readdir(group)).filter((n) => !['lock', 'users', 'key.json'].includes(n))).toEqual([]);
    expect(await readdir(join(group, 'users'))).toEqual([]);
    const seeds: string[] = [];
    const hold = await holdCacheMount(root, 'k', options('locked', seeds));
    expect([hold.instance, seeds.length]).toEqual([0, 1]);
    await hold.release();
  });

  it('uses of a dead process and its half-made instances are cleared when the cache is next used', async () => {
    const group = cacheGroupDir(root, 'k');
    await holdCacheMount(root, 'k', options('locked')).then((h) => h.release());
    // a build killed mid-step: its use of instance 0 and a half-seeded instance are left behind
    await writeFile(join(group, 'users', `0.exclusive.${DEAD}.abc`), '');
    await mkdir(join(group, `.tmp.${DEAD}.def.seed.1`));
    const started = Date.now();
    const hold = await holdCacheMount(root, 'k', options('locked'));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(hold.instance).toBe(0);
    expect((await readdir(group)).sort()).toEqual(['0', 'key.json', 'users']);
    await hold.release();
  });
});

describe('holdCacheMount across processes', () => {
  it('locked: waits for another process, and a holder killed with SIGKILL does not keep it locked', { timeout: 60_000 }, async () => {
    const child = spawnTsChild(CHILD, [root, 'k', 'locked']);
    const exited = waitForChild(child);
    await waitForLine(child, 'held 0');
    let held = false;
    const waiting = holdCacheMount(root, 'k', options('locked')).then((hold) => {
      held = true;
      return hold;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(held).toBe(false);
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    const hold = await waiting;
    expect(hold.instance).toBe(0);
    // the instance the killed child seeded is the one handed over, content and all
    expect(await readFile(join(hold.path, 'seeded-by'), 'utf8')).toBe(String(child.pid));
    await hold.release();
  });

  it('private: a step in another process gets its own instance while the first holds one', { timeout: 60_000 }, async () => {
    const mine = await holdCacheMount(root, 'k', options('private'));
    const child = spawnTsChild(CHILD, [root, 'k', 'private', '10']);
    const result = await waitForChild(child);
    expect(result.stdout, result.stderr).toBe('held 1\nreleased\n');
    await mine.release();
  });
});

describe('pruneCacheMounts', () => {
  it('removes caches nobody uses, keeps instances in use, and reports what it freed', async () => {
    const idle = await holdCacheMount(root, 'idle', options('shared', [], { label: 'id=idle' }));
    await writeFile(join(idle.path, 'blob'), Buffer.alloc(200_000, 1));
    await idle.release();
    const busy = await holdCacheMount(root, 'busy', options('private'));
    const spare = await holdCacheMount(root, 'busy', options('private'));
    await writeFile(join(busy.path, 'in-use'), 'x');
    await writeFile(join(spare.path, 'spare'), Buffer.alloc(100_000, 2));
    await spare.release();
    const result = await pruneCacheMounts(root);
    expect(result).toMatchObject({ removed: 2, inUse: 1, removedCaches: ['id=idle'] });
    expect(result.freedBytes).toBeGreaterThanOrEqual(300_000);
    await expect(stat(cacheGroupDir(root, 'idle'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(busy.path, 'in-use'), 'utf8')).toBe('x');
    await expect(stat(spare.path)).rejects.toMatchObject({ code: 'ENOENT' });
    await busy.release();
    // nothing in use any more: everything goes, and a new step starts from an empty cache
    expect(await pruneCacheMounts(root)).toMatchObject({ removed: 1, inUse: 0 });
    expect(await readdir(join(root, 'cache-mounts'))).toEqual([]);
    const again = await holdCacheMount(root, 'busy', options('locked'));
    expect(await readdir(again.path)).toEqual([]);
    await again.release();
  });

  it('keeps a cache a process in another process uses, and removes leftovers of dead processes', { timeout: 60_000 }, async () => {
    const child = spawnTsChild(CHILD, [root, 'k', 'locked']);
    const exited = waitForChild(child);
    await waitForLine(child, 'held 0');
    await mkdir(join(root, 'cache-mounts', `.tmp.${DEAD}.abc.pruned`, 'x'), { recursive: true });
    expect(await pruneCacheMounts(root)).toMatchObject({ removed: 0, inUse: 1 });
    expect(await readdir(join(root, 'cache-mounts'))).toEqual([cacheGroupDir(root, 'k').split('/').pop()]);
    child.kill('SIGKILL');
    await exited;
    expect(await pruneCacheMounts(root)).toMatchObject({ removed: 1, inUse: 0 });
  });

  it('a step waiting for a cache that prune removes makes it again', { timeout: 60_000 }, async () => {
    const first = await holdCacheMount(root, 'k', options('locked'));
    await writeFile(join(first.path, 'old'), 'x');
    const waiting = holdCacheMount(root, 'k', options('locked'));
    await first.release();
    // race prune against the waiter: either order must end with a usable, consistent cache
    await pruneCacheMounts(root);
    const hold = await waiting;
    const other = holdCacheMount(root, 'k', options('locked'));
    await hold.release();
    const next = await other;
    expect(next.instance).toBe(0);
    await next.release();
  });
});
