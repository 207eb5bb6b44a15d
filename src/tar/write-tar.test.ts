import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTar } from './write-tar.js';
import type { TarEntry } from './write-tar.js';
import { listTarWithPython } from './testing/python-tar.js';

const dir = mkdtempSync(join(tmpdir(), 'write-tar-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function collect(entries: TarEntry[], chunkSize?: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of writeTar(entries, chunkSize !== undefined ? { chunkSize } : {})) out.push(chunk);
  return out;
}

const base = { mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000 };

function bytes(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** name, size and the sha256 of each member's content, as Python's tarfile reads the archive. */
function listWithPython(archive: string): string[] {
  return listTarWithPython(archive).map((m) => `${m.name} ${String(m.size)} ${m.sha256}`);
}

describe('writeTar', () => {
  // sizes around the block and chunk edges, from host files (read in place) and from streams
  const sizes = [0, 1, 511, 512, 513, 4095, 4096, 4097, 10_000, 70_000];
  const entries: TarEntry[] = [{ header: { ...base, mode: 0o755, name: 'd/', type: 'directory', size: 0 } }];
  const expected: string[] = ['d 0 ' + hash(Buffer.alloc(0))];
  sizes.forEach((size, i) => {
    const content = bytes(size, i);
    const path = join(dir, `f${String(i)}`);
    writeFileSync(path, content);
    entries.push({ header: { ...base, name: `d/host${String(i)}`, type: 'file', size }, path });
    entries.push({ header: { ...base, name: `d/stream${String(i)}`, type: 'file', size }, open: () => Readable.from([content.subarray(0, size >> 1), content.subarray(size >> 1)]) });
    expected.push(`d/host${String(i)} ${String(size)} ${hash(content)}`, `d/stream${String(i)} ${String(size)} ${hash(content)}`);
  });

  it.each([512, 1000, 4096, 1024 * 1024])('gives the same archive whatever the batch size (%i), in batches of that size', async (chunkSize) => {
    const chunks = await collect(entries, chunkSize);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBe(chunkSize);
    const whole = Buffer.concat(chunks);
    expect(whole.length % 512).toBe(0);
    const reference = Buffer.concat(await collect(entries, 512));
    expect(whole.equals(reference)).toBe(true);
    const archive = join(dir, `out-${String(chunkSize)}.tar`);
    writeFileSync(archive, whole);
    expect(listWithPython(archive)).toEqual(expected);
  });

  it('names a host file that shrank or grew since its header was made', async () => {
    const path = join(dir, 'changing');
    writeFileSync(path, bytes(3000, 7));
    const entry: TarEntry = { header: { ...base, name: 'changing', type: 'file', size: 3000 }, path };
    truncateSync(path, 1000);
    await expect(collect([entry], 4096)).rejects.toThrow('file changing shrank while it was archived (1000 of 3000 bytes)');
    writeFileSync(path, bytes(3000, 7));
    appendFileSync(path, 'more');
    await expect(collect([entry], 4096)).rejects.toThrow('file changing grew while it was archived (expected 3000 bytes)');
  });

  it('names a stream that yields the wrong number of bytes', async () => {
    const short: TarEntry = { header: { ...base, name: 's', type: 'file', size: 10 }, open: () => Readable.from([Buffer.alloc(4)]) };
    await expect(collect([short])).rejects.toThrow('file s shrank while it was archived (4 of 10 bytes)');
    const long: TarEntry = { header: { ...base, name: 'l', type: 'file', size: 2 }, open: () => Readable.from([Buffer.alloc(4)]) };
    await expect(collect([long])).rejects.toThrow('file l grew while it was archived (expected 2 bytes)');
  });
});

function hash(b: Buffer): string {
  return execFileSync('sha256sum', { input: b, encoding: 'utf8' }).split(' ')[0] ?? '';
}
