import { describe, expect, it } from 'vitest';
import { summarizeDu } from './du.js';
import { readImageFileSystem } from './filesystem.js';
import { renderDuText } from './render-text.js';
import { file, syntheticImage, whiteout } from './testing/synthetic-image.js';
import type { ImageFileSystem } from './types.js';

async function sample(): Promise<ImageFileSystem> {
  const image = await syntheticImage([
    {
      createdBy: 'base',
      entries: [file('usr/lib/libbig.so', 6000), file('usr/lib/libsmall.so', 1000), file('usr/bin/sh', 500), file('etc/passwd', 100), { name: 'lib', type: 'symlink', linkname: 'usr/lib' }],
    },
    { createdBy: '/bin/sh -c apt-get install stuff', entries: [file('usr/lib/libnew.so', 3000), file('var/cache/apt/x.deb', 2000), file('etc/passwd', 120, 'v2')] },
    { createdBy: '/bin/sh -c rm -rf /var/cache/apt', entries: [whiteout('var/cache/apt')] },
  ]);
  return readImageFileSystem(image);
}

describe('du', () => {
  it('lists directories biggest first with the layers that wrote them', async () => {
    const report = summarizeDu(await sample(), { depth: 2 });
    expect(report.bytes).toBe(6000 + 1000 + 500 + 3000 + 120);
    expect(report.wastedBytes).toBe(2000 + 100);
    expect(report.rows.map((r) => [r.depth, r.path, r.bytes, r.layer])).toEqual([
      [0, '/', 10620, 0],
      [1, '/usr', 10500, 0],
      [2, '/usr/lib', 10000, 0],
      [2, '/usr/bin', 500, 0],
      [1, '/etc', 120, 1],
      [2, '/etc/passwd', 120, 1],
      [1, '/lib', 0, 0],
      [1, '/var', 0, 1],
      [2, '/var/cache', 0, 1],
    ]);
    const usrLib = report.rows.find((r) => r.path === '/usr/lib');
    expect(usrLib?.layers).toEqual([
      { layer: 0, bytes: 7000 },
      { layer: 1, bytes: 3000 },
    ]);
    expect(report.wasted.map((w) => [w.path, w.bytes, w.how, w.writtenIn, w.removedBy])).toEqual([
      ['/var/cache/apt', 2000, 'whiteout', [1], 2],
      ['/etc/passwd', 100, 'overwritten', [0], 1],
    ]);
  });

  it('starts at a path (through symlinks), cuts each directory to its top entries and sums the rest', async () => {
    const report = summarizeDu(await sample(), { path: '/lib', top: 1 });
    expect(report.path).toBe('/usr/lib');
    expect(report.rows.map((r) => [r.kind, r.path, r.bytes, r.count])).toEqual([
      ['dir', '/usr/lib', 10000, undefined],
      ['file', '/usr/lib/libbig.so', 6000, undefined],
      ['more', '/usr/lib', 4000, 2],
    ]);
    expect(report.wasted).toEqual([]);
    expect(report.wastedBytes).toBe(0);
  });

  it('refuses a path the image does not have', async () => {
    const fs = await sample();
    expect(() => summarizeDu(fs, { path: '/nope' })).toThrow(expect.objectContaining({ code: 'USAGE' }) as Error);
  });

  it('renders a table a person can read', async () => {
    const text = renderDuText('demo:1', summarizeDu(await sample(), { depth: 1 }));
    expect(text).toContain('demo:1: 10.6 kB in 3 layers (12.7 kB written, 2.10 kB of it wasted)');
    expect(text).toMatch(/10\.5 kB\s+4\s+0 \(71%\)\s+\/usr\//);
    expect(text).toContain('apt-get install stuff');
    expect(text).toMatch(/2\.00 kB\s+1\s+1\s+2\s+whiteout\s+\/var\/cache\/apt/);
  });
});
