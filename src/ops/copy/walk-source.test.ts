import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PatternMatcher } from '../../context/index.js';
import { SourceTree } from './source-tree.js';
import { walkSourceDir } from './walk-source.js';

const dir = mkdtempSync(join(tmpdir(), 'walk-source-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('walkSourceDir on a large tree', () => {
  // more entries than one turn of the event loop takes, in nested directories
  const names: string[] = [];
  for (let d = 0; d < 3; d++) {
    mkdirSync(join(dir, `d${d}`));
    for (let f = 0; f < 2500; f++) {
      writeFileSync(join(dir, `d${d}`, `f${f}`), `${d}/${f}`);
      names.push(`d${d}/f${f}`);
    }
  }
  mkdirSync(join(dir, 'skip', 'deep'), { recursive: true });
  writeFileSync(join(dir, 'skip', 'deep', 'x'), 'x');
  writeFileSync(join(dir, 'skip', 'keep'), 'k');

  const filters = { rootOwned: true };

  it('lists every entry once, parents first, names in byte order, across event-loop turns', async () => {
    let otherWorkRan = false;
    const walking = walkSourceDir(new SourceTree(dir), '', filters);
    setImmediate(() => (otherWorkRan = true));
    const entries = await walking;
    const rels = entries.map((e) => e.rel);
    expect(new Set(rels).size).toBe(rels.length);
    expect(rels.filter((r) => r.startsWith('d'))).toHaveLength(3 + 7500);
    const d1 = rels.filter((r) => r.startsWith('d1/'));
    expect(d1).toEqual([...d1].sort());
    expect(rels.indexOf('d1')).toBeLessThan(rels.indexOf('d1/f0'));
    expect(rels.indexOf('d0/f999')).toBeLessThan(rels.indexOf('d1'));
    expect(entries.every((e) => e.uid === 0 && e.gid === 0)).toBe(true);
    expect(entries.find((e) => e.rel === 'd2/f17')?.size).toBe(4);
    // the walk gave the event loop a turn while it listed 7,500 files
    expect(otherWorkRan).toBe(true);
  });

  it('keeps a directory that is not itself included only as the parent of what is', async () => {
    const include = new PatternMatcher(['skip/keep']);
    const entries = await walkSourceDir(new SourceTree(dir), '', { ...filters, include });
    expect(entries.map((e) => e.rel)).toEqual(['skip', 'skip/keep']);
  });

  it('follows the ignore rules of the tree, exceptions included', async () => {
    const ignore = new PatternMatcher(['skip', 'd*', '!skip/deep/x']);
    const entries = await walkSourceDir(new SourceTree(dir, ignore), '', filters);
    expect(entries.map((e) => e.rel)).toEqual(['skip', 'skip/deep', 'skip/deep/x']);
  });

  it('stops with the abort reason when the signal fires', async () => {
    const controller = new AbortController();
    const walking = walkSourceDir(new SourceTree(dir), '', { ...filters, signal: controller.signal });
    controller.abort(new Error('cancelled by the test'));
    await expect(walking).rejects.toThrow('cancelled by the test');
  });
});
