import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Calls a stream method's `callback` when `work` ends: with no error, or with the one it failed with. */
function settle(work: Promise<unknown>, callback: (error?: Error | null) => void): void {
  work.then(
    () => {
      callback();
    },
    (err: unknown) => {
      callback(err as Error);
    },
  );
}

/** How many bytes are written between two starts of the file's writeback. */
export const WRITEBACK_EVERY = 16 * 1024 * 1024;

/**
 * Writes a new file (`wx`: it must not exist) and makes it durable before it finishes: fsync
 * at the end, as `createWriteStream(path, { flush: true })` does.
 *
 * The difference: every WRITEBACK_EVERY bytes it starts an fdatasync of what is written so far
 * and goes on writing meanwhile. A machine with a lot of memory keeps a whole layer dirty in the
 * page cache (the kernel's background writeback starts at a share of RAM), so the final fsync had
 * to write all of it, hundreds of MB, while the build waited. Started early, the disk works while
 * the tar is still being made, and the final fsync waits only for the tail. The fdatasyncs are
 * awaited before the final fsync and the close, so none can outlive the descriptor, and a failed
 * one fails the write.
 */
export class DurableFileWriter extends Writable {
  private handle: FileHandle | undefined;
  private written = 0;
  private lastWriteback = 0;
  private readonly writebacks: Promise<void>[] = [];

  constructor(
    private readonly path: string,
    private readonly writebackEvery: number = WRITEBACK_EVERY,
  ) {
    super({ decodeStrings: true });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    settle(
      open(this.path, 'wx').then((handle) => {
        this.handle = handle;
      }),
      callback,
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    settle(this.writeAll(chunk), callback);
  }

  private async writeAll(chunk: Buffer): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) throw new Error(`${this.path} is not open`);
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset, this.written + offset);
      offset += bytesWritten;
    }
    this.written += chunk.length;
    if (this.written - this.lastWriteback >= this.writebackEvery) {
      this.lastWriteback = this.written;
      const started = handle.datasync();
      // awaited in _final; this only keeps a failure from being reported as unhandled meanwhile
      started.catch(() => undefined);
      this.writebacks.push(started);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    if (handle === undefined) {
      callback(new Error(`${this.path} is not open`));
      return;
    }
    settle(Promise.all(this.writebacks).then(() => handle.sync()), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = undefined;
    if (handle === undefined) {
      callback(error);
      return;
    }
    // no fdatasync may still be running on the descriptor when it is closed
    Promise.allSettled(this.writebacks)
      .then(() => handle.close())
      .then(
        () => {
          callback(error);
        },
        (err: unknown) => {
          callback(error ?? (err as Error));
        },
      );
  }
}
