/**
 * The last lines a step printed, kept for its error message: output arrives in chunks per stream,
 * so each stream keeps its unfinished line until the newline (or the end) comes.
 */
import { StringDecoder } from 'node:string_decoder';
import type { OutputStream } from './runc.js';

const MAX_LINE_CHARS = 4096;

export interface LogTail {
  push(stream: OutputStream, chunk: Buffer): void;
  /** The last lines, oldest first, including unfinished ones. */
  lines(): string[];
}

export function createLogTail(maxLines = 20): LogTail {
  const done: string[] = [];
  const partial: Record<OutputStream, string> = { stdout: '', stderr: '' };
  const decoders: Record<OutputStream, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  const add = (line: string): void => {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    done.push(clean.length > MAX_LINE_CHARS ? `${clean.slice(0, MAX_LINE_CHARS)}…` : clean);
    if (done.length > maxLines) done.shift();
  };
  return {
    push(stream, chunk) {
      const pieces = (partial[stream] + decoders[stream].write(chunk)).split('\n');
      partial[stream] = pieces.pop() ?? '';
      if (partial[stream].length > MAX_LINE_CHARS * 4) partial[stream] = partial[stream].slice(-MAX_LINE_CHARS);
      for (const piece of pieces) add(piece);
    },
    lines() {
      const unfinished = [partial.stdout, partial.stderr].filter((p) => p !== '');
      return [...done, ...unfinished].slice(-maxLines);
    },
  };
}
