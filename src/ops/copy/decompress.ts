import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';

/** The compressions a local ADD archive may use (moby's DecompressStream set). */
export type ArchiveCompression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

const MAGIC: readonly (readonly [ArchiveCompression, readonly number[]])[] = [
  ['gzip', [0x1f, 0x8b, 0x08]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

/** The compression a file's first bytes announce. */
export async function sniffCompression(path: string): Promise<ArchiveCompression> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(6);
    const { bytesRead } = await handle.read(head, 0, 6, 0);
    for (const [kind, magic] of MAGIC) {
      if (bytesRead >= magic.length && magic.every((byte, i) => head[i] === byte)) return kind;
    }
    return 'none';
  } finally {
    await handle.close();
  }
}

/** zstd through fzstd (pure JS), as a stream. */
function zstdStream(): Transform {
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        decoder.push(chunk);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      try {
        decoder.push(new Uint8Array(0), true);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
  const decoder = new Decompress((data) => {
    transform.push(Buffer.from(data));
  });
  return transform;
}

/**
 * A program (`bzip2 -dc`, `xz -dc`) decompressing the file given as its stdin; its failure or a
 * missing program surfaces as an error on the returned stream.
 */
function programStream(program: string, path: string): Readable {
  const out = new PassThrough();
  const child = spawn(program, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  child.on('error', (error) => out.destroy(new Error(`cannot run ${program}: ${error.message}`)));
  const input = createReadStream(path);
  input.on('error', (error) => out.destroy(error));
  input.pipe(child.stdin);
  child.stdin.on('error', () => {
    // the program stopped reading (it failed, or we closed it early): its exit says why
  });
  child.stdout.pipe(out, { end: false });
  child.on('close', (code) => {
    if (code === 0) out.end();
    else if (!out.destroyed) out.destroy(new Error(`${program} -dc failed (${String(code)}): ${stderr.trim()}`));
  });
  out.on('close', () => {
    input.destroy();
    if (child.exitCode === null) child.kill();
  });
  return out;
}

/** The decompressed content of `path`, streamed. */
export function openDecompressed(path: string, compression: ArchiveCompression): Readable {
  switch (compression) {
    case 'none':
      return createReadStream(path);
    case 'gzip': {
      const gunzip = createGunzip();
      const input = createReadStream(path);
      input.on('error', (error) => gunzip.destroy(error));
      return input.pipe(gunzip);
    }
    case 'zstd': {
      const decoder = zstdStream();
      const input = createReadStream(path);
      input.on('error', (error) => decoder.destroy(error));
      return input.pipe(decoder);
    }
    case 'bzip2':
    case 'xz':
      return programStream(compression, path);
  }
}
