import type { ProgressOutput } from '../types.js';

export interface CapturedOutput {
  readonly output: ProgressOutput;
  /** Every chunk written, in order. */
  readonly chunks: string[];
  text(): string;
}

/** A stream stand-in that keeps what is written and acknowledges each write at once. */
export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  return {
    output: {
      write: (chunk, callback) => {
        chunks.push(chunk);
        callback?.();
        return true;
      },
    },
    chunks,
    text: () => chunks.join(''),
  };
}
