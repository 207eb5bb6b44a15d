import { describe, expect, it } from 'vitest';
import { readImageFileSystem } from './filesystem.js';
import { dir, file, opaque, syntheticImage, whiteout } from './testing/synthetic-image.js';
import type { SyntheticLayer } from './testing/synthetic-image.js';

// Expected values worked out by hand from dive's filetree/efficiency.go rules: per path,
// Σ minimum size seen / Σ sizes seen over the leaves of each layer; a whiteout weighs the bytes
// of the directory it deletes, or 0 for a file.
const cases: ReadonlyArray<{ name: string; layers: SyntheticLayer[]; score: number; wasted: number; user: number }> = [
  { name: 'one layer is fully efficient', layers: [{ createdBy: 'a', entries: [file('a', 100), file('b/c', 50)] }], score: 1, wasted: 0, user: 0 },
  {
    name: 'a file written twice: min 100 of 200 seen',
    layers: [
      { createdBy: 'a', entries: [file('a', 100), file('keep', 300)] },
      { createdBy: 'b', entries: [file('a', 100, 'other')] },
    ],
    score: 400 / 500,
    wasted: 200,
    user: 100,
  },
  {
    name: 'a file deleted later counts its bytes as waste (whiteout weighs 0)',
    layers: [
      { createdBy: 'a', entries: [file('a', 100), file('keep', 100)] },
      { createdBy: 'b', entries: [whiteout('a')] },
    ],
    score: 100 / 200,
    wasted: 100,
    user: 0,
  },
  {
    name: "a deleted directory: dive weighs the whiteout with the directory's bytes, at a path no layer saw as a leaf",
    layers: [
      { createdBy: 'a', entries: [dir('d'), file('d/x', 30), file('d/y', 70)] },
      { createdBy: 'b', entries: [whiteout('d')] },
    ],
    score: 1,
    wasted: 0,
    user: 0,
  },
  {
    name: 'directories that have entries under them in a layer are not leaves; opaque markers are skipped',
    layers: [
      { createdBy: 'a', entries: [dir('d'), file('d/x', 40)] },
      { createdBy: 'b', entries: [dir('d'), opaque('d'), file('e', 10)] },
    ],
    score: 1,
    wasted: 0,
    user: 10,
  },
];

describe("dive's efficiency score", () => {
  it.each(cases)('$name', async ({ layers, score, wasted, user }) => {
    const fs = await readImageFileSystem(await syntheticImage(layers));
    expect(fs.efficiency.score).toBeCloseTo(score, 10);
    expect(fs.efficiency.potentialWastedBytes).toBe(wasted);
    expect(fs.efficiency.userSizeBytes).toBe(user);
    expect(fs.efficiency.wastedUserRatio).toBeCloseTo(user === 0 ? 0 : wasted / user, 10);
  });
});
