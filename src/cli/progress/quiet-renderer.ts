import { writeOut } from './types.js';
import type { ProgressOutput, ProgressRenderer } from './types.js';

/** Nothing while the build runs; at the end, the image id (`sha256:...`) alone, as `docker build -q`. */
export function createQuietRenderer(options: { readonly output: ProgressOutput }): ProgressRenderer {
  let imageId: string | undefined;
  let finishing: Promise<void> | undefined;
  return {
    sink: (event) => {
      if (event.type === 'build-finished' && finishing === undefined) imageId = event.imageId;
    },
    finish: () => (finishing ??= imageId === undefined ? Promise.resolve() : writeOut(options.output, `${imageId}\n`)),
  };
}
