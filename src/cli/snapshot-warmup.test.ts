import { describe, expect, it } from 'vitest';
import { warmUpForSnapshot } from './snapshot-warmup.js';

describe('warmUpForSnapshot', () => {
  // A warm-up that throws is only reported when the snapshot is made, and the snapshot then
  // quietly holds less compiled code: this is where such a breakage shows.
  it('runs every part without a failure', async () => {
    expect(await warmUpForSnapshot()).toEqual([]);
  });

  it('can run again (it keeps no state between runs)', async () => {
    await warmUpForSnapshot();
    expect(await warmUpForSnapshot()).toEqual([]);
  });
});
