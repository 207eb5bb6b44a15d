import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { toCacheKey } from './cache-key.js';
import { BuildSession } from './session.js';

describe('BuildSession.defer', () => {
  let dir: string;
  let store: Store;
  let session: BuildSession;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-session-'));
    store = await openStore(dir);
    session = new BuildSession({
      store,
      events: () => undefined,
      signal: new AbortController().signal,
      jobs: 1,
      noCache: false,
      pull: false,
      network: 'host',
      registry: undefined,
      runtime: undefined,
      epoch: undefined,
      contextDir: dir,
      dockerfilePath: join(dir, 'Dockerfile'),
      hostPlatform: { os: 'linux', architecture: 'amd64' },
      secrets: undefined,
      ssh: undefined,
    });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('waits for every deferred piece of work', async () => {
    const done: number[] = [];
    for (const ms of [30, 5, 15]) {
      session.defer(new Promise((resolve) => setTimeout(resolve, ms)).then(() => done.push(ms)));
    }
    await session.settleDeferred();
    expect(done.sort((a, b) => a - b)).toEqual([5, 15, 30]);
  });

  it('throws the first failure only after all the work has ended', async () => {
    let slowEnded = false;
    session.defer(Promise.reject(new Error('disk full')));
    session.defer(new Promise((resolve) => setTimeout(resolve, 20)).then(() => (slowEnded = true)));
    session.defer(Promise.reject(new Error('second')));
    await expect(session.settleDeferred()).rejects.toThrow('disk full');
    expect(slowEnded).toBe(true);
  });

  it('writes a deferred cache record that a later lookup sees', async () => {
    const key = toCacheKey('a'.repeat(64));
    session.defer(session.cache.putBase(key));
    await session.settleDeferred();
    expect(await session.cache.hasBase(key)).toBe(true);
  });
});
