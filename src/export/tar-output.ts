import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import { BuildError, isBuildError } from '../errors/index.js';

/** Adds entries to a tar being written; each call returns once the entry's bytes are written. */
export interface TarOutput {
  addFile(name: string, content: Uint8Array | Readable, size: number): Promise<void>;
  addDirectory(name: string): Promise<void>;
}

export interface TarOutputOptions {
  readonly signal?: AbortSignal;
}

// Fixed metadata, so the same images always give the same archive bytes.
const MTIME = new Date(0);

function exportFailed(dest: string, err: unknown): BuildError<'EXPORT_FAILED'> {
  const code = (err as NodeJS.ErrnoException).code;
  return new BuildError('EXPORT_FAILED', `cannot write ${dest}: ${code ?? (err as Error).message}`, {
    details: { dest, ...(code !== undefined ? { errno: code } : {}) },
    cause: err,
  });
}

/**
 * Streams a tar to `dest`: a path (written to a temp file beside it and renamed into place only
 * when complete, so a failure leaves no partial archive) or an open stream such as stdout (left
 * open). `fill` adds the entries; its errors abort the write.
 */
export async function writeTarOutput(dest: string | Writable, fill: (out: TarOutput) => Promise<void>, options: TarOutputOptions = {}): Promise<void> {
  const archive = pack();
  const temp = typeof dest === 'string' ? join(dirname(dest), `.${basename(dest)}.tmp-${randomBytes(6).toString('hex')}`) : undefined;
  const signal = options.signal ? { signal: options.signal } : {};
  const sink = temp !== undefined ? createWriteStream(temp, { flags: 'wx' }) : (dest as Writable);
  // Through a Node stream: tar-stream's own pipe() would end the sink, and stdout must stay open.
  const written = pipeline(Readable.from(archive), sink, { ...signal, end: temp !== undefined });
  // Surfaces a failing sink (disk full, closed pipe) while `fill` is still adding entries.
  const failed: { error?: Error } = {};
  written.catch((err: unknown) => {
    failed.error = err instanceof Error ? err : new Error(String(err));
  });
  const throwIfFailed = (): void => {
    if (failed.error !== undefined) throw failed.error;
  };
  const entry = async (header: Parameters<typeof archive.entry>[0], content: Uint8Array | Readable): Promise<void> => {
    throwIfFailed();
    const added =
      content instanceof Uint8Array
        ? new Promise<void>((resolve, reject) => {
            const done = (err?: Error | null): void => {
              if (err) reject(err);
              else resolve();
            };
            if (header.type === 'directory') archive.entry(header, done);
            else archive.entry(header, Buffer.from(content), done);
          })
        : pipeline(content, archive.entry(header), signal);
    await Promise.race([added, written.then(() => undefined)]);
    throwIfFailed();
  };
  const out: TarOutput = {
    addFile: (name, content, size) => entry({ name, size, mode: 0o644, mtime: MTIME, uid: 0, gid: 0, type: 'file' }, content),
    addDirectory: (name) => entry({ name: name.endsWith('/') ? name : `${name}/`, mode: 0o755, mtime: MTIME, uid: 0, gid: 0, type: 'directory' }, new Uint8Array()),
  };
  try {
    await fill(out);
    archive.finalize();
    await written;
    if (temp !== undefined) await rename(temp, dest as string);
  } catch (err) {
    archive.destroy();
    if (temp !== undefined) await rm(temp, { force: true });
    if (isBuildError(err) || (err as Error).name === 'AbortError') throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw exportFailed(typeof dest === 'string' ? dest : 'the output stream', err);
    throw err;
  }
}
