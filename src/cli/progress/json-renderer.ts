import type { BuildEvent } from '../../events/index.js';
import { writeOut } from './types.js';
import type { ProgressOutput, ProgressRenderer } from './types.js';

/**
 * An event as one JSON line. Output bytes become text when they are valid UTF-8 (`data`), else
 * base64 (`dataBase64`), so the line is always plain JSON.
 */
export function formatEventJson(event: BuildEvent): string {
  if (event.type !== 'step-log' || typeof event.data === 'string') return JSON.stringify(event);
  const { data, ...rest } = event;
  try {
    return JSON.stringify({ ...rest, data: new TextDecoder('utf-8', { fatal: true }).decode(data) });
  } catch {
    return JSON.stringify({ ...rest, dataBase64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') });
  }
}

/** One event per line, as it arrives (for tools that follow a build). */
export function createJsonRenderer(options: { readonly output: ProgressOutput }): ProgressRenderer {
  let pending: Promise<void> = Promise.resolve();
  let finished = false;
  return {
    sink: (event) => {
      if (finished) return;
      pending = writeOut(options.output, `${formatEventJson(event)}\n`);
    },
    finish: () => {
      finished = true;
      return pending;
    },
  };
}
