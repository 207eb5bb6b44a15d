import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../events/index.js';
import { IMAGE_ID, failingBuild, parallelBuild, twoStageBuild } from '../../events/testing/recorded-builds.js';
import { createQuietRenderer } from './quiet-renderer.js';
import { captureOutput } from './testing/capture.js';

describe('quiet progress', () => {
  it.each([
    { name: 'a successful build prints its image id only', events: twoStageBuild(), out: `${IMAGE_ID}\n` },
    { name: 'a parallel build too', events: parallelBuild(), out: `${IMAGE_ID}\n` },
    { name: 'a failed build prints nothing', events: failingBuild(), out: '' },
    { name: 'a build that never finished prints nothing', events: twoStageBuild().slice(0, -1), out: '' },
  ])('$name', async ({ events, out }: { events: BuildEvent[]; out: string }) => {
    const captured = captureOutput();
    const renderer = createQuietRenderer({ output: captured.output });
    for (const event of events) renderer.sink(event);
    expect(captured.text()).toBe('');
    await renderer.finish();
    await renderer.finish();
    expect(captured.text()).toBe(out);
  });
});
