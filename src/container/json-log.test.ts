import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLogWriter, formatLogTime, readLogEntries } from './json-log.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecraft-json-log-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rawEntries(path: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('json-file logs', () => {
  it('writes one entry per line and stream, keeping partial lines until their newline', async () => {
    const path = join(dir, 'lines.json');
    const log = createJsonLogWriter(path);
    log.write('stdout', Buffer.from('hel'));
    log.write('stderr', Buffer.from('warn\n'));
    log.write('stdout', Buffer.from('lo\nsecond\nthi'));
    log.write('stdout', Buffer.from('rd'));
    await log.close();
    const entries = await rawEntries(path);
    expect(entries.map((e) => [e['stream'], e['log']])).toEqual([
      ['stderr', 'warn\n'],
      ['stdout', 'hello\n'],
      ['stdout', 'second\n'],
      ['stdout', 'third'],
    ]);
    expect(entries.map((e) => Object.keys(e))).toEqual(entries.map(() => ['log', 'stream', 'time']));
    const nanos = entries.map((e) => {
      const [seconds = '', fraction = ''] = String(e['time']).replace(/Z$/, '').split('.');
      return BigInt(Date.parse(`${seconds}Z`)) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
    });
    for (let i = 1; i < nanos.length; i++) expect((nanos[i] ?? 0n) > (nanos[i - 1] ?? 0n)).toBe(true);
  });

  it('cuts a line longer than 16 KiB into partial entries, as docker does', async () => {
    const path = join(dir, 'long.json');
    const log = createJsonLogWriter(path);
    log.write('stdout', Buffer.from(`${'x'.repeat(40_000)}\n`));
    await log.close();
    const entries = await rawEntries(path);
    expect(entries.map((e) => String(e['log']).length)).toEqual([16_384, 16_384, 40_000 - 32_768 + 1]);
    expect(entries.map((e) => String(e['log'])).join('')).toBe(`${'x'.repeat(40_000)}\n`);
  });

  it('reads complete lines from an offset, leaving a line still being written for later', async () => {
    const path = join(dir, 'read.json');
    const log = createJsonLogWriter(path);
    log.write('stdout', Buffer.from('one\ntwo\n'));
    await log.close();
    const first = await readLogEntries(path);
    expect(first.entries.map((e) => e.log)).toEqual(['one\n', 'two\n']);
    await appendFile(path, '{"log":"three\\n","stream":"stderr","time":"2024-01-01T00:00:00Z"}\n{"log":"fo');
    const second = await readLogEntries(path, first.offset);
    expect(second.entries).toEqual([{ log: 'three\n', stream: 'stderr', time: '2024-01-01T00:00:00Z' }]);
    expect((await readLogEntries(path, second.offset)).entries).toEqual([]);
    await appendFile(path, 'ur\\n","stream":"stdout","time":"t"}\nnot json\n');
    expect((await readLogEntries(path, second.offset)).entries.map((e) => e.log)).toEqual(['four\n']);
    expect(await readLogEntries(join(dir, 'missing.json'))).toEqual({ entries: [], offset: 0 });
  });

  it('reads a large log in bounded pieces', async () => {
    const path = join(dir, 'pieces.json');
    const log = createJsonLogWriter(path);
    for (let i = 0; i < 50; i++) log.write('stdout', Buffer.from(`line ${String(i)}\n`));
    await log.close();
    const seen: string[] = [];
    let offset = 0;
    let reads = 0;
    for (;;) {
      const chunk = await readLogEntries(path, offset, 300);
      if (chunk.offset === offset) break;
      offset = chunk.offset;
      reads++;
      seen.push(...chunk.entries.map((e) => e.log));
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `line ${String(i)}\n`));
    expect(reads).toBeGreaterThan(10);
    await appendFile(path, 'x'.repeat(400));
    expect(await readLogEntries(path, offset, 300)).toEqual({ entries: [], offset: offset + 300 });
  });

  it.each([
    [1_714_557_600_000_000_000n, '2024-05-01T10:00:00Z'],
    [1_714_557_600_120_000_000n, '2024-05-01T10:00:00.12Z'],
    [1_714_557_600_120_000_001n, '2024-05-01T10:00:00.120000001Z'],
    [1_714_557_600_000_000_100n, '2024-05-01T10:00:00.0000001Z'],
  ])('formats %s as %s (RFC3339Nano)', (nanos, text) => {
    expect(formatLogTime(nanos)).toBe(text);
  });
});
