import { describe, expect, it } from 'vitest';
import { cacheMountSpec } from './cache-mounts.js';
import type { CacheBase, PlannedCacheMount } from './cache-mounts.js';

function mount(fields: Partial<PlannedCacheMount> = {}): PlannedCacheMount {
  return {
    type: 'cache',
    from: undefined,
    source: '/',
    target: '/root/.npm',
    readOnly: false,
    id: '/root/.npm',
    sharing: 'shared',
    uid: 0,
    gid: 0,
    mode: 0o755,
    ownerSet: false,
    ...fields,
  };
}

const EMPTY: CacheBase = { kind: 'empty' };
const STAGE: CacheBase = { kind: 'fs', key: 'sha256:stagekey' };
const fromStage = { from: 'deps', origin: { kind: 'stage', stage: 0 } } as const;

describe('cacheMountSpec', () => {
  it.each<[string, Partial<PlannedCacheMount>, CacheBase, Partial<ReturnType<typeof cacheMountSpec>>]>([
    ['no from: a new 0755 root directory, mounted whole', {}, EMPTY, { seedPath: undefined, mountPath: '/', owner: { uid: 0, gid: 0, mode: 0o755 }, label: 'id=/root/.npm' }],
    ['no from, uid/gid/mode: a directory with that owner and mode', { uid: 1000, gid: 1001, mode: 0o700, ownerSet: true }, EMPTY, { seedPath: undefined, mountPath: '/', owner: { uid: 1000, gid: 1001, mode: 0o700 } }],
    ['no from, source: a path inside the cache; uid/gid/mode unused', { source: '/sub', uid: 1000, ownerSet: true }, EMPTY, { mountPath: '/sub', owner: { uid: 0, gid: 0, mode: 0o755 }, label: 'id=/root/.npm,source=/sub' }],
    ['from + source: seeded with that path of the stage', { ...fromStage, source: '/app/cache' }, STAGE, { seedPath: '/app/cache', mountPath: '/', label: 'id=/root/.npm,from=stage 0,source=/app/cache' }],
    ['from + uid/gid/mode: the stage\'s /cache (made with that owner when missing)', { ...fromStage, uid: 5, ownerSet: true }, STAGE, { seedPath: '/cache', mountPath: '/', owner: { uid: 5, gid: 0, mode: 0o755 } }],
    ['from alone: the whole stage', { ...fromStage }, STAGE, { seedPath: '/', mountPath: '/' }],
  ])('%s', (_name, fields, base, expected) => {
    expect(cacheMountSpec(mount(fields), base)).toMatchObject(expected);
  });

  it.each<[string, Partial<PlannedCacheMount>, CacheBase, Partial<PlannedCacheMount>, CacheBase, boolean]>([
    ['the id names the cache', { id: 'npm' }, EMPTY, { id: 'npm', target: '/elsewhere' }, EMPTY, true],
    ['another id is another cache', { id: 'a' }, EMPTY, { id: 'b' }, EMPTY, false],
    ['sharing and readonly do not change the cache', { sharing: 'locked' }, EMPTY, { sharing: 'private', readOnly: true }, EMPTY, true],
    ['uid/gid/mode are part of the cache (BuildKit seeds it with that directory)', {}, EMPTY, { uid: 1000, ownerSet: true }, EMPTY, false],
    ['with a source, uid/gid/mode are not used, so not part of it', { source: '/s' }, EMPTY, { source: '/s', uid: 1000, ownerSet: true }, EMPTY, true],
    ['without from, the source is a path inside one cache', { source: '/a' }, EMPTY, { source: '/b' }, EMPTY, true],
    ['a from state is part of the cache', {}, EMPTY, { ...fromStage }, STAGE, false],
    ['another result of the from stage is another cache', { ...fromStage }, STAGE, { ...fromStage }, { kind: 'fs', key: 'sha256:other' }, false],
    ['with from, each source path is its own cache (we copy only that path)', { ...fromStage, source: '/a' }, STAGE, { ...fromStage, source: '/b' }, STAGE, false],
  ])('%s', (_name, a, baseA, b, baseB, same) => {
    expect(cacheMountSpec(mount(a), baseA).key === cacheMountSpec(mount(b), baseB).key).toBe(same);
  });
});
