import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './index.js';
import type { PruneLockState, Store } from './index.js';
import { currentOwner } from './owner.js';

let root: string;
let store: Store;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecraft-prune-hook-'));
  store = await openStore(root, { lockTimeoutMs: 2_000 });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('prune with a beforeCollect hook', () => {
  it('collects the blobs of cache entries the hook deletes, in the same prune', async () => {
    const kept = await store.writeBlob(Buffer.from('kept by an entry'));
    const dropped = await store.writeBlob(Buffer.from('dropped with its entry'));
    await store.kv.put('solve/v1/step/a', { x: 1 }, { blobs: [kept.digest] });
    await store.kv.put('solve/v1/step/b', { x: 2 }, { blobs: [dropped.digest] });
    const result = await store.prune({
      beforeCollect: async () => {
        await store.kv.delete('solve/v1/step/b');
      },
    });
    expect(result).toMatchObject({ removedBlobs: 1, freedBytes: dropped.size });
    expect([await store.hasBlob(kept.digest), await store.hasBlob(dropped.digest)]).toEqual([true, false]);
  });

  it('runs under the store lock: a lease asked for meanwhile waits until prune is done', async () => {
    const order: string[] = [];
    let leasePromise: Promise<unknown> | undefined;
    await store.prune({
      beforeCollect: async () => {
        leasePromise = store.createLease().then((lease) => {
          order.push('lease');
          return lease.release();
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
        order.push('hook done');
      },
    });
    await leasePromise;
    expect(order).toEqual(['hook done', 'lease']);
  });

  it('names the owners of live leases and drops leases of dead processes', async () => {
    const states: PruneLockState[] = [];
    const hook = (state: PruneLockState): Promise<void> => {
      states.push(state);
      return Promise.resolve();
    };
    await store.prune({ beforeCollect: hook });
    const lease = await store.createLease();
    const second = await store.createLease();
    // a lease left by a process that is gone (pid 4194305 is above pid_max's default)
    await writeFile(join(root, 'leases', '4194305-9.deadbeef.json'), JSON.stringify({ owner: '4194305-9', digests: [] }));
    await store.prune({ beforeCollect: hook });
    await lease.release();
    await second.release();
    await store.prune({ beforeCollect: hook });
    expect(states.map((s) => s.leaseOwners)).toEqual([[], [currentOwner(), currentOwner()], []]);
  });
});
