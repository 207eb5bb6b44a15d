import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LOWER_LAYERS, MOUNT_DATA_LIMIT, overlayFeatureOptions, planOverlayMount } from './mounts.js';

const dirs = { snapshotDir: '/s/active/1-2.ab', upper: '/s/active/1-2.ab/upper', work: '/s/active/1-2.ab/work' };
const layer = (i: number): string => `/var/lib/stagecraft/snapshots/layers/${i.toString(16).padStart(64, '0')}/fs`;

describe('planOverlayMount', () => {
  const cases = [
    {
      name: 'short plain paths: absolute',
      lowers: ['/l/a', '/l/b'],
      features: ['index=off'],
      expected: { data: 'lowerdir=/l/a:/l/b,upperdir=/s/active/1-2.ab/upper,workdir=/s/active/1-2.ab/work,index=off', cwd: undefined, links: [] },
    },
    {
      name: 'a path with a colon: relative through symlinks',
      lowers: ['/l/a:b'],
      features: [],
      expected: { data: 'lowerdir=l/0,upperdir=upper,workdir=work', cwd: dirs.snapshotDir, links: [{ name: 'l/0', target: '/l/a:b' }] },
    },
    {
      name: 'a path with a comma: relative through symlinks',
      lowers: ['/l/x', '/l/a,b'],
      features: ['index=off'],
      expected: {
        data: 'lowerdir=l/0:l/1,upperdir=upper,workdir=work,index=off',
        cwd: dirs.snapshotDir,
        links: [{ name: 'l/0', target: '/l/x' }, { name: 'l/1', target: '/l/a,b' }],
      },
    },
  ];
  it.each(cases)('$name', ({ lowers, features, expected }) => {
    expect(planOverlayMount(lowers, dirs, features)).toEqual(expected);
  });

  it('switches to short relative names when absolute paths pass one page', () => {
    const fits = Array.from({ length: 30 }, (_, i) => layer(i));
    expect(planOverlayMount(fits, dirs, []).cwd).toBeUndefined();
    const long = Array.from({ length: 60 }, (_, i) => layer(i));
    const plan = planOverlayMount(long, dirs, ['index=off', 'redirect_dir=off', 'metacopy=off']);
    expect(plan.cwd).toBe(dirs.snapshotDir);
    expect(plan.links).toHaveLength(60);
    expect(plan.links[59]).toEqual({ name: 'l/59', target: layer(59) });
    expect(plan.data.length).toBeLessThanOrEqual(MOUNT_DATA_LIMIT);
  });

  it('fits the most layers overlayfs stacks, and refuses more with a clear error', () => {
    const max = Array.from({ length: MAX_LOWER_LAYERS }, (_, i) => layer(i));
    expect(planOverlayMount(max, dirs, ['index=off', 'redirect_dir=off', 'metacopy=off']).data.length).toBeLessThanOrEqual(MOUNT_DATA_LIMIT);
    expect(() => planOverlayMount([...max, layer(MAX_LOWER_LAYERS)], dirs, [])).toThrow(
      expect.objectContaining({ code: 'SNAPSHOT_FAILED', message: expect.stringContaining('501 layers') as unknown }) as Error,
    );
  });
});

describe('overlayFeatureOptions', () => {
  it.each([
    { params: [], expected: [] },
    { params: ['index'], expected: ['index=off'] },
    { params: ['index', 'redirect_dir', 'metacopy', 'xino_auto'], expected: ['index=off', 'redirect_dir=off', 'metacopy=off'] },
  ])('module parameters $params', async ({ params, expected }) => {
    const dir = await mkdtemp(join(tmpdir(), 'sc-ovl-params-'));
    try {
      await mkdir(join(dir, 'parameters'));
      for (const name of params) await writeFile(join(dir, 'parameters', name), 'N\n');
      expect(overlayFeatureOptions(join(dir, 'parameters'))).toEqual(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
