import { describe, expect, it } from 'vitest';
import { ellipsis, historyRows } from './history.js';
import { createdSince, formatTable, humanDuration, humanSize } from './images.js';

describe('humanSize (docker units)', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1000, '1kB'],
    [1234, '1.23kB'],
    [999_499, '999kB'],
    [999_999, '1MB'],
    [72_800_000, '72.8MB'],
    [1_500_000_000, '1.5GB'],
  ])('%d -> %s', (bytes, text) => {
    expect(humanSize(bytes)).toBe(text);
  });
});

describe('humanDuration (docker words)', () => {
  const s = 1000;
  const h = 3600 * s;
  it.each([
    [500, 'Less than a second'],
    [1 * s, '1 second'],
    [42 * s, '42 seconds'],
    [90 * s, 'About a minute'],
    [10 * 60 * s, '10 minutes'],
    [1 * h, 'About an hour'],
    [5 * h, '5 hours'],
    [72 * h, '3 days'],
    [21 * 24 * h, '3 weeks'],
    [90 * 24 * h, '3 months'],
    [3 * 365 * 24 * h, '3 years'],
  ])('%d ms -> %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('says N/A without a time', () => {
    expect(createdSince(undefined, Date.now())).toBe('N/A');
    expect(createdSince('2020-01-01T00:00:00Z', Date.parse('2020-01-01T05:00:00Z'))).toBe('5 hours ago');
  });
});

describe('formatTable', () => {
  it('pads columns to the widest cell plus three, at least ten', () => {
    expect(formatTable(['A', 'LONGER HEADER', 'LAST'], [['x', 'y', 'z'], ['a-much-longer-cell', 'b', 'c']])).toBe(
      ['A                    LONGER HEADER   LAST', 'x                    y               z', 'a-much-longer-cell   b               c'].join('\n'),
    );
  });
});

describe('historyRows', () => {
  it('gives layer sizes to non-empty steps, newest first, ID on the top row', () => {
    const rows = historyRows(
      'abc',
      [{ created_by: 'FROM' }, { created_by: 'ENV x', empty_layer: true }, { created_by: 'RUN make', comment: 'c' }],
      [10, 20],
    );
    expect(rows.map((r) => [r.id, r.createdBy, r.size, r.comment])).toEqual([
      ['abc', 'RUN make', 20, 'c'],
      ['<missing>', 'ENV x', 0, ''],
      ['<missing>', 'FROM', 10, ''],
    ]);
  });

  it('makes one row per layer when there is no history', () => {
    expect(historyRows('id', undefined, [1, 2]).map((r) => r.size)).toEqual([2, 1]);
  });

  it('truncates like docker', () => {
    expect(ellipsis('short', 45)).toBe('short');
    expect(ellipsis('x'.repeat(50), 45)).toBe('x'.repeat(44) + '…');
  });
});
