import { adviseSlimBase } from './advice-base.js';
import { adviseCaches } from './advice-caches.js';
import { adviseDuplicates, adviseRemovals } from './advice-layers.js';
import { adviseDevDependencies } from './advice-node.js';
import type { Advice, AdviceInput } from './advice-types.js';

const DEFAULT_MIN_BYTES = 100_000;

/**
 * Advice with measured savings, from the image's file system (and its Dockerfile when given):
 * devDependencies in node_modules, a smaller variant of the base, package-manager caches and
 * temporary files, the same bytes in two layers, and files deleted or rewritten by a later layer.
 * Biggest saving first.
 */
export function adviseImage(input: AdviceInput): Advice[] {
  const minBytes = input.minBytes ?? DEFAULT_MIN_BYTES;
  return [
    ...adviseDevDependencies(input, minBytes),
    ...adviseSlimBase(input, minBytes),
    ...adviseCaches(input, minBytes),
    ...adviseDuplicates(input, minBytes),
    ...adviseRemovals(input, minBytes),
  ].sort((a, b) => b.bytes - a.bytes || a.kind.localeCompare(b.kind) || a.path.localeCompare(b.path));
}
