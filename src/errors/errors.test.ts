import { describe, expect, it } from 'vitest';
import { BuildError, codeFrame, lineRange, spanRange, suggestClosest } from './index.js';

describe('codeFrame', () => {
  const source = 'FROM busybox\nRUN echo a\nRUN false\nCMD ["sh"]\n';
  it('marks the lines of a range and shows context', () => {
    expect(codeFrame(source, [lineRange(3)], { context: 1 })).toBe(
      [
        ' --------------------',
        '    2 |     RUN echo a',
        '    3 | >>> RUN false',
        '    4 |     CMD ["sh"]',
        ' --------------------',
      ].join('\n'),
    );
  });
  it('marks every line of a multi-line range', () => {
    const frame = codeFrame(source, [lineRange(1, 2)], { context: 0 });
    expect(frame.split('\n').filter((l) => l.includes('>>>'))).toHaveLength(2);
  });
  it('is empty without ranges', () => {
    expect(codeFrame(source, [])).toBe('');
  });
});

describe('suggestClosest', () => {
  it.each([
    ['RUNN', ['RUN', 'COPY', 'FROM'], 'RUN'],
    ['cpoy', ['RUN', 'COPY', 'FROM'], 'COPY'],
    ['entrypont', ['ENTRYPOINT', 'ENV'], 'ENTRYPOINT'],
    ['zzzzzz', ['RUN', 'COPY'], undefined],
  ])('%s -> %s', (word, candidates, expected) => {
    expect(suggestClosest(word, candidates)).toBe(expected);
  });
});

describe('BuildError', () => {
  it('appends locations and keeps the first file', () => {
    const e = new BuildError('UNKNOWN_FLAG', 'unknown flag: --frm', {
      locations: [spanRange(3, 6, 5)],
      file: 'Dockerfile',
    });
    const e2 = e.withLocation(lineRange(3), 'Other');
    expect(e2.locations).toHaveLength(2);
    expect(e2.locations[0]).toEqual(spanRange(3, 6, 5));
    expect(e2.file).toBe('Dockerfile');
    expect(e2.code).toBe('UNKNOWN_FLAG');
  });
});
