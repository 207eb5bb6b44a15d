import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readImageFileSystem } from '../filesystem.js';
import { file, syntheticImage } from '../testing/synthetic-image.js';
import { buildTreemapData, countTreemapNodes } from './treemap-data.js';
import type { TreemapNode } from './treemap-data.js';
import { TREEMAP_LAYOUT_SOURCE } from './treemap-layout-source.js';

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
  i: number;
}
type Squarify = (values: number[], x: number, y: number, w: number, h: number) => Rect[];
const squarify = runInNewContext(`${TREEMAP_LAYOUT_SOURCE}; squarify`) as Squarify;

function worstRatio(rects: readonly Rect[]): number {
  return Math.max(...rects.map((r) => Math.max(r.w / r.h, r.h / r.w)));
}

describe('squarified layout (the code the page runs)', () => {
  it('tiles the box with areas proportional to the values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 50, max: 1500 }), fc.integer({ min: 50, max: 900 }), (raw, w, h) => {
        const values = [...raw].sort((a, b) => b - a);
        const rects = squarify(values, 10, 20, w, h);
        expect(rects.map((r) => r.i)).toEqual(values.map((_, i) => i));
        const total = values.reduce((a, b) => a + b, 0);
        for (const r of rects) {
          expect(r.w * r.h).toBeCloseTo(((values[r.i] ?? 0) / total) * w * h, 3);
          expect(r.x).toBeGreaterThanOrEqual(10 - 1e-6);
          expect(r.y).toBeGreaterThanOrEqual(20 - 1e-6);
          expect(r.x + r.w).toBeLessThanOrEqual(10 + w + 1e-6);
          expect(r.y + r.h).toBeLessThanOrEqual(20 + h + 1e-6);
        }
        for (const [i, a] of rects.entries()) {
          for (const b of rects.slice(i + 1)) {
            const overlapW = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
            const overlapH = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
            expect(overlapW <= 1e-6 || overlapH <= 1e-6).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps boxes close to square (better than slicing into strips)', () => {
    const values = [6, 6, 4, 3, 2, 2, 1];
    const rects = squarify(values, 0, 0, 600, 400);
    expect(worstRatio(rects)).toBeLessThan(3);
    // The worked example of Bruls et al.: the first row holds the two sixes.
    expect(rects.slice(0, 2).map((r) => [r.x, Math.round(r.w)])).toEqual([
      [0, 300],
      [0, 300],
    ]);
  });

  it('skips zero values and empty boxes', () => {
    expect(squarify([5, 0, 0], 0, 0, 10, 10).map((r) => r.i)).toEqual([0]);
    expect(squarify([], 0, 0, 10, 10)).toEqual([]);
    expect(squarify([1], 0, 0, 0, 10)).toEqual([]);
  });
});

function sum(node: TreemapNode): number {
  return (node.c ?? []).reduce((s, c) => s + c.s, 0);
}

describe('treemap data', () => {
  it('folds small entries, caps nodes, and keeps sizes consistent', async () => {
    const entries = [file('big/a', 50_000), file('big/b', 30_000), ...Array.from({ length: 40 }, (_, i) => file(`big/small/f${String(i)}`, 10)), file('other/c', 20_000)];
    for (let i = 0; i < 30; i++) entries.push(file(`big/tiny${String(i)}`, 1));
    const fs = await readImageFileSystem(await syntheticImage([{ createdBy: 'one', entries: entries.slice(0, 40) }, { createdBy: 'two', entries: entries.slice(40) }]));
    const tree = buildTreemapData(fs.root, { minShare: 0.01 });
    expect(tree.s).toBe(fs.totalBytes);
    expect(sum(tree)).toBe(tree.s);
    const big = tree.c?.find((c) => c.n === 'big');
    expect(big?.c?.map((c) => [c.n, c.s, c.m])).toEqual([
      ['a', 50_000, undefined],
      ['b', 30_000, undefined],
      ['(70 small files)', 430, 70],
    ]);
    const capped = buildTreemapData(fs.root, { maxNodes: 3, minShare: 0 });
    expect(countTreemapNodes(capped)).toBeLessThanOrEqual(3);
    expect(capped.c?.map((c) => [c.n, c.s, c.c])).toEqual([
      ['big', 80_430, undefined],
      ['other', 20_000, undefined],
    ]);
  });

  it('colours a node by the layer that wrote most of it', async () => {
    const fs = await readImageFileSystem(await syntheticImage([{ createdBy: 'one', entries: [file('d/a', 10)] }, { createdBy: 'two', entries: [file('d/b', 90)] }]));
    const tree = buildTreemapData(fs.root);
    expect(tree.c?.[0]).toMatchObject({ n: 'd', s: 100, l: 1 });
    expect(tree.c?.[0]?.c?.map((c) => [c.n, c.l])).toEqual([
      ['b', 1],
      ['a', 0],
    ]);
  });
});
