import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, link, mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTar } from '../tar/index.js';
import { listTarWithPython } from '../tar/testing/python-tar.js';
import type { PythonTarMember } from '../tar/testing/python-tar.js';
import { directoryLayerEntries } from './index.js';
import type { DirectoryLayerMode } from './index.js';

async function archive(dir: string, out: string, mode: DirectoryLayerMode): Promise<PythonTarMember[]> {
  await pipeline(Readable.from(writeTar(directoryLayerEntries(dir, { mode }))), createWriteStream(out));
  return listTarWithPython(out);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'sc-layer-'));
});
afterEach(async () => {
  spawnSync('umount', [join(work, 'merged')], { stdio: 'ignore' });
  await rm(work, { recursive: true, force: true });
});

describe('directoryLayerEntries + writeTar', () => {
  it('keeps files, modes, symlinks, hardlinks, empty dirs, long and non-ASCII names', async () => {
    const root = join(work, 'root');
    await mkdir(join(root, 'bin'), { recursive: true });
    await mkdir(join(root, 'empty'));
    await writeFile(join(root, 'bin', 'tool'), 'x'.repeat(1000));
    await chmod(join(root, 'bin', 'tool'), 0o4755);
    await link(join(root, 'bin', 'tool'), join(root, 'bin', 'tool-link'));
    await symlink('bin/tool', join(root, 'sym'));
    const longName = 'd'.repeat(120);
    await writeFile(join(root, longName), 'long');
    await writeFile(join(root, 'héllo wörld.txt'), 'unicode');
    const members = await archive(root, join(work, 'out.tar'), 'full');
    const byName = new Map(members.map((m) => [m.name, m]));
    expect(members.map((m) => m.name)).toEqual([
      'bin', 'bin/tool', 'bin/tool-link', longName, 'empty', 'héllo wörld.txt', 'sym',
    ].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(byName.get('bin/tool')).toMatchObject({ type: '0', size: 1000, mode: 0o4755 });
    expect(byName.get('bin/tool-link')).toMatchObject({ type: '1', linkname: 'bin/tool' });
    expect(byName.get('sym')).toMatchObject({ type: '2', linkname: 'bin/tool' });
    expect(byName.get('empty')).toMatchObject({ type: '5' });
    expect(byName.get(longName)).toMatchObject({ size: 4 });
  });

  it('is deterministic: the same tree gives the same bytes', async () => {
    const root = join(work, 'root');
    await mkdir(join(root, 'a', 'b'), { recursive: true });
    await writeFile(join(root, 'a', 'b', 'c'), 'c');
    await writeFile(join(root, 'z'), 'z');
    await archive(root, join(work, '1.tar'), 'full');
    await archive(root, join(work, '2.tar'), 'full');
    const sum = (f: string): string => execFileSync('sha256sum', [f], { encoding: 'utf8' }).split(' ')[0] ?? '';
    expect(sum(join(work, '1.tar'))).toBe(sum(join(work, '2.tar')));
  });

  it.runIf(isRoot)('carries security.capability xattrs as raw bytes', async () => {
    const root = join(work, 'root');
    await mkdir(root);
    await writeFile(join(root, 'ping'), 'bin');
    const cap = '0x0100000200200000000000000000000000000000';
    const set = spawnSync('setfattr', ['-n', 'security.capability', '-v', cap, join(root, 'ping')]);
    if (set.error !== undefined || set.status !== 0) return; // no setfattr or no xattr support here
    const [member] = await archive(root, join(work, 'out.tar'), 'full');
    expect(member?.pax['SCHILY.xattr.security.capability']).toBe(cap.slice(2));
  });

  it.runIf(isRoot)('turns an overlayfs upperdir into OCI whiteouts and opaque markers', async () => {
    const lower = join(work, 'lower');
    const upper = join(work, 'upper');
    const merged = join(work, 'merged');
    for (const d of [lower, upper, merged, join(work, 'work')]) await mkdir(d, { recursive: true });
    await mkdir(join(lower, 'keep'));
    await writeFile(join(lower, 'gone'), 'old');
    await mkdir(join(lower, 'replaced'));
    await writeFile(join(lower, 'replaced', 'old-file'), 'old');
    const mount = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o',
      `lowerdir=${lower},upperdir=${upper},workdir=${join(work, 'work')}`, merged]);
    if (mount.status !== 0) {
      console.warn('overlayfs unavailable here: whiteout test not run');
      return;
    }
    await unlink(join(merged, 'gone'));
    await rm(join(merged, 'replaced'), { recursive: true });
    await mkdir(join(merged, 'replaced'));
    await writeFile(join(merged, 'replaced', 'new-file'), 'new');
    await writeFile(join(merged, 'added'), 'new');
    spawnSync('umount', [merged]);
    const members = await archive(upper, join(work, 'diff.tar'), 'overlay-diff');
    expect(members.map((m) => m.name)).toEqual([
      'added', '.wh.gone', 'replaced', 'replaced/.wh..wh..opq', 'replaced/new-file', // walk order: by the path's own name
    ]);
    expect(members.find((m) => m.name === '.wh.gone')).toMatchObject({ type: '0', size: 0 });
  });
});
