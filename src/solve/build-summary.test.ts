import { describe, expect, it } from 'vitest';
import { emptyImage } from '../image/index.js';
import { toDigest } from '../oci/index.js';
import { formatBuildSummary, formatSize } from './build-summary.js';
import type { BuildResult } from './types.js';

describe('formatSize (docker units)', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1_000, '1kB'],
    [1_234, '1.23kB'],
    [474_000_000, '474MB'],
    [1_500_000_000, '1.5GB'],
  ])('%d bytes', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

describe('formatBuildSummary', () => {
  const digest = toDigest(`sha256:${'1'.repeat(64)}`);
  const result: BuildResult = {
    image: emptyImage({ os: 'linux', architecture: 'amd64' }),
    digest,
    configDigest: digest,
    size: 330_000_000,
    target: { index: 1, id: 'stage-1' },
    stages: [
      { index: 0, id: 'builder', name: 'builder', size: 480_000_000, addedSize: 6_100_000, layers: 6 },
      { index: 1, id: 'stage-1', name: undefined, size: 330_000_000, addedSize: 2_200_000, layers: 5 },
    ],
    copies: [{ stage: 1, line: 17, from: 'builder', paths: ['/app/node_modules'], bytes: 2_150_000 }],
    cacheHits: 0,
    stepsRun: 7,
    lowerDirs: () => Promise.resolve([]),
  };

  it('lists each stage, the final image and what COPY --from carried', () => {
    const text = formatBuildSummary(result);
    expect(text).toContain('builder    480MB  (+6.1MB in its own steps)');
    expect(text).toContain('stage-1    330MB  (+2.2MB in its own steps)  <- final image');
    expect(text).toContain('final image: 330MB in 5 layers');
    expect(text).toContain('line 17: /app/node_modules from builder: 2.15MB');
  });

  it('says nothing after a one-stage build', () => {
    expect(formatBuildSummary({ ...result, stages: result.stages.slice(0, 1), copies: [] })).toBe('');
  });
});
