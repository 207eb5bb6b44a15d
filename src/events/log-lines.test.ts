import { describe, expect, it } from 'vitest';
import { LineAssembler } from './log-lines.js';
import type { LogStream } from './build-event.js';

type Chunk = readonly [time: number, data: string | Uint8Array, stream?: LogStream];

function assemble(chunks: readonly Chunk[], endAt?: number): [number, string][] {
  const assembler = new LineAssembler();
  const lines = chunks.flatMap(([time, data, stream]) => assembler.push(stream ?? 'stdout', data, time));
  if (endAt !== undefined) lines.push(...assembler.flush(endAt));
  return lines.map((line) => [line.time, line.text]);
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('LineAssembler', () => {
  const cases: { name: string; chunks: Chunk[]; endAt?: number; lines: [number, string][] }[] = [
    { name: 'one whole line', chunks: [[1, 'hello\n']], lines: [[1, 'hello']] },
    { name: 'several lines in one chunk', chunks: [[1, 'a\nb\nc\n']], lines: [[1, 'a'], [1, 'b'], [1, 'c']] },
    { name: 'a line cut in two keeps the time of its first part', chunks: [[1, 'hel'], [5, 'lo\nnext']], lines: [[1, 'hello']] },
    { name: 'an unfinished line comes out at the end', chunks: [[1, 'a\nb']], endAt: 9, lines: [[1, 'a'], [1, 'b']] },
    { name: 'empty lines are lines', chunks: [[2, '\n\nx\n']], lines: [[2, ''], [2, ''], [2, 'x']] },
    { name: 'a newline alone ends the pending line', chunks: [[1, 'abc'], [3, '\n']], lines: [[1, 'abc']] },
    {
      name: 'a UTF-8 character cut between two byte chunks',
      chunks: [[1, utf8('caf\u00e9\n').slice(0, 4)], [2, utf8('caf\u00e9\n').slice(4)]],
      lines: [[1, 'caf\u00e9']],
    },
    {
      name: 'stdout and stderr share the line buffer, as in BuildKit',
      chunks: [[1, 'out-', 'stdout'], [2, 'err\n', 'stderr']],
      lines: [[1, 'out-err']],
    },
    { name: 'a truncated character is replaced at the end', chunks: [[1, utf8('\u00e9').slice(0, 1)]], endAt: 4, lines: [[4, '\ufffd']] },
    { name: 'nothing at all', chunks: [], endAt: 1, lines: [] },
  ];
  it.each(cases)('$name', ({ chunks, endAt, lines }) => {
    expect(assemble(chunks, endAt)).toEqual(lines);
  });

  it('reports the line begun but not ended', () => {
    const assembler = new LineAssembler();
    assembler.push('stdout', 'a\nprogress 5%', 7);
    expect(assembler.partial).toEqual({ time: 7, stream: 'stdout', text: 'progress 5%' });
    assembler.push('stdout', '\n', 8);
    expect(assembler.partial).toBeUndefined();
  });
});
