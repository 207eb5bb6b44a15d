import { describe, expect, it } from 'vitest';
import { createLogTail } from './log-tail.js';

describe('createLogTail', () => {
  it.each([
    { name: 'whole lines', chunks: [['stdout', 'a\nb\n']], max: 5, lines: ['a', 'b'] },
    { name: 'lines split across chunks', chunks: [['stdout', 'hel'], ['stdout', 'lo\nwor'], ['stdout', 'ld\n']], max: 5, lines: ['hello', 'world'] },
    { name: 'streams keep their own unfinished line', chunks: [['stdout', 'out-'], ['stderr', 'err\n'], ['stdout', 'line\n']], max: 5, lines: ['err', 'out-line'] },
    { name: 'unfinished lines at the end count', chunks: [['stdout', 'a\nb']], max: 5, lines: ['a', 'b'] },
    { name: 'only the last N', chunks: [['stdout', '1\n2\n3\n4\n5\n']], max: 3, lines: ['3', '4', '5'] },
    { name: 'CRLF endings', chunks: [['stderr', 'x\r\ny\r\n']], max: 3, lines: ['x', 'y'] },
    { name: 'empty lines kept', chunks: [['stdout', 'a\n\nb\n']], max: 5, lines: ['a', '', 'b'] },
  ] as const)('$name', ({ chunks, max, lines }) => {
    const tail = createLogTail(max);
    for (const [stream, text] of chunks) tail.push(stream, Buffer.from(text));
    expect(tail.lines()).toEqual(lines);
  });

  it('decodes UTF-8 characters split between chunks', () => {
    const tail = createLogTail();
    const bytes = Buffer.from('héllo ✓\n');
    tail.push('stdout', bytes.subarray(0, 2));
    tail.push('stdout', bytes.subarray(2, 8));
    tail.push('stdout', bytes.subarray(8));
    expect(tail.lines()).toEqual(['héllo ✓']);
  });

  it('cuts very long lines', () => {
    const tail = createLogTail();
    tail.push('stdout', Buffer.from(`${'x'.repeat(10_000)}\n`));
    expect(tail.lines()[0]?.length).toBe(4097);
  });
});
