import { describe, expect, it } from 'vitest';
import type { LayerProgressEvent } from '../events/index.js';
import type { Digest } from '../oci/index.js';
import { toLayerEvents } from './layer-events.js';
import type { PullProgress, PushProgress } from './progress.js';

const d = ('sha256:' + 'b'.repeat(64)) as Digest;

describe('toLayerEvents', () => {
  it.each<[PullProgress | PushProgress, Partial<LayerProgressEvent> | undefined]>([
    [{ type: 'layer-waiting', digest: d, size: 10 }, { type: 'pull-progress', status: 'waiting', current: 0, total: 10 }],
    [{ type: 'layer-progress', digest: d, current: 4, total: 10 }, { type: 'pull-progress', status: 'downloading', current: 4 }],
    [{ type: 'layer-exists', digest: d, size: 10 }, { type: 'pull-progress', status: 'exists', current: 10 }],
    [{ type: 'layer-done', digest: d, size: 10 }, { type: 'pull-progress', status: 'done' }],
    [{ type: 'blob-mounted', digest: d, size: 10, from: 'a/b' }, { type: 'push-progress', status: 'mounted' }],
    [{ type: 'blob-pushed', digest: d, size: 10 }, { type: 'push-progress', status: 'done' }],
    [{ type: 'done', reference: 'x', digest: d }, undefined],
  ])('%j', (input, expected) => {
    const out: LayerProgressEvent[] = [];
    toLayerEvents('step-1', 'docker.io/library/node:18', (e) => out.push(e), () => 42)(input);
    if (expected === undefined) expect(out).toEqual([]);
    else expect(out).toEqual([expect.objectContaining({ ...expected, id: 'step-1', reference: 'docker.io/library/node:18', layer: d, time: 42 })]);
  });
});
