import { link, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import { StoreLock } from './lock.js';
import { currentOwner } from './owner.js';
import { spawnTsChild, waitForChild } from './testing/spawn-child.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-lock-'));
  await writeFile(join(root, 'counter'), '0');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function incrementUnderLock(lock: StoreLock): Promise<void> {
  await lock.withLock(async () => {
    const file = join(root, 'counter');
    const value = Number(await readFile(file, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 1));
    await writeFile(file, String(value + 1));
  });
}

describe('StoreLock', () => {
  it('serialises read-modify-write within one process', async () => {
    const lock = new StoreLock(root, 10_000);
    await Promise.all(Array.from({ length: 25 }, () => incrementUnderLock(lock)));
    expect(await readFile(join(root, 'counter'), 'utf8')).toBe('25');
  });

  it('serialises read-modify-write across processes (no lost update)', async () => {
    const children = Array.from({ length: 4 }, () => spawnTsChild('./child-lock-counter.ts', [root, '15']));
    const results = await Promise.all(children.map(waitForChild));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'done\n' });
    expect(await readFile(join(root, 'counter'), 'utf8')).toBe('60');
    // each child's record file went with it when it exited; the lock is free
    expect((await readdir(root)).sort()).toEqual(['counter']);
  });

  it('with reuseRecordFile, writes each record into one file per process, which is `lock` only while held', async () => {
    const lock = new StoreLock(root, 10_000, { reuseRecordFile: true });
    const seen: Array<{ token: string; ino: number; names: string[] }> = [];
    for (let i = 0; i < 3; i++) {
      await lock.withLock(async () => {
        const held = await stat(join(root, 'lock'));
        const record = JSON.parse(await readFile(join(root, 'lock'), 'utf8')) as { owner: string; token: string };
        expect(record.owner).toBe(currentOwner());
        seen.push({ token: record.token, ino: held.ino, names: (await readdir(root)).filter((n) => n !== 'counter').sort() });
      });
      expect((await readdir(root)).filter((n) => n.endsWith('lock'))).toHaveLength(1); // the record file, `lock` gone
    }
    expect(new Set(seen.map((s) => s.token)).size).toBe(3);
    expect(new Set(seen.map((s) => s.ino)).size).toBe(1);
    for (const s of seen) expect(s.names).toEqual(['lock', expect.stringMatching(new RegExp(`^\\.tmp\\.${currentOwner()}\\..*\\.lock$`)) as string].sort());
  });

  it('without it, leaves no file behind once released', async () => {
    const lock = new StoreLock(root, 10_000);
    await lock.withLock(() => Promise.resolve());
    expect(await readdir(root)).toEqual(['counter']);
  });

  it('breaks the lock of a holder that died', async () => {
    // pid above pid_max: certainly not running
    await writeFile(join(root, 'lock'), JSON.stringify({ owner: '4194305-77', token: 't', purpose: 'crashed', since: '' }));
    const lock = new StoreLock(root, 2_000);
    const started = Date.now();
    await incrementUnderLock(lock);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await readFile(join(root, 'counter'), 'utf8')).toBe('1');
  });

  it('times out with STORE_LOCKED while a live process holds it, naming the holder', async () => {
    const record = join(root, 'held');
    await writeFile(record, JSON.stringify({ owner: currentOwner(), token: 'other', purpose: 'a long prune', since: 'now' }));
    await link(record, join(root, 'lock'));
    const lock = new StoreLock(root, 150);
    let caught: unknown;
    try {
      await lock.withLock(() => Promise.resolve());
    } catch (err) {
      caught = err;
    }
    expect(isBuildError(caught) && caught.code).toBe('STORE_LOCKED');
    expect((caught as Error).message).toMatch(/a long prune/);
  });

  it('stops waiting when aborted', async () => {
    const lock = new StoreLock(root, 60_000);
    const release = await lock.acquire();
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort(new Error('cancelled'));
    }, 30);
    await expect(lock.acquire({ signal: controller.signal })).rejects.toThrow('cancelled');
    await release();
    await (await lock.acquire())();
  });
});
