import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableFileWriter } from './durable-file-writer.js';

describe('DurableFileWriter', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-durable-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every byte in order, with early writebacks along the way', async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(1000 + i, i));
    const path = join(dir, 'blob');
    const writer = new DurableFileWriter(path, 4096);
    const started: number[] = [];
    const original = writer['writeAll'].bind(writer);
    writer['writeAll'] = async (chunk: Buffer): Promise<void> => {
      await original(chunk);
      started.push(writer['writebacks'].length);
    };
    await pipeline(Readable.from(chunks), writer);
    expect(await readFile(path)).toEqual(Buffer.concat(chunks));
    // ~41 kB in steps of 4 kB: a writeback about every fourth chunk
    expect(started.at(-1)).toBeGreaterThanOrEqual(8);
  });

  it('refuses to overwrite a file that exists, and leaves it as it was', async () => {
    const path = join(dir, 'blob');
    await writeFile(path, 'old');
    await expect(pipeline(Readable.from([Buffer.from('new')]), new DurableFileWriter(path))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('fails when the source fails, after closing its file', async () => {
    const path = join(dir, 'blob');
    const source = Readable.from(
      (function* () {
        yield Buffer.alloc(10_000, 1);
        throw new Error('source broke');
      })(),
    );
    const writer = new DurableFileWriter(path, 1000);
    await expect(pipeline(source, writer)).rejects.toThrow('source broke');
    expect(writer.destroyed).toBe(true);
    // the descriptor is closed (after any writeback in flight); the caller removes the temp file
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writer['handle']).toBeUndefined();
    expect((await readFile(path)).length).toBeLessThanOrEqual(10_000);
  });
});
