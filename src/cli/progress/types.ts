import type { EventSink } from '../../events/index.js';

/** Where a renderer writes: `process.stdout`/`process.stderr`, or a capture in tests. */
export interface ProgressOutput {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
}

/** A renderer: feed it the build's events, then await `finish()` once the build has ended. */
export interface ProgressRenderer {
  readonly sink: EventSink;
  /** Draws the last frame and the closing summary; resolves when the output has been written. */
  finish(): Promise<void>;
}

/** Writes a chunk and resolves once the stream has taken it (a failed write does not reject). */
export function writeOut(output: ProgressOutput, chunk: string): Promise<void> {
  if (chunk === '') return Promise.resolve();
  return new Promise((resolve) => {
    output.write(chunk, () => {
      resolve();
    });
  });
}
