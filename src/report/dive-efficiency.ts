import { posix } from 'node:path';
import type { Efficiency, LayerEntry } from './types.js';

const WHITEOUT_KEY = '\0wh:';

interface PathSeen {
  cumulative: number;
  minimum: number;
  count: number;
}

/**
 * dive's efficiency score, fed one layer at a time. For every layer, the leaves of that layer's
 * own tree (entries with no entry under them in the same layer) are visited: a file or directory
 * counts its tar size, a whiteout of a directory the bytes that directory held below it, a whiteout
 * of anything else 0. Per path dive keeps the sum and the minimum of the sizes seen; the score is
 * Σ minimum / Σ sum, and every path seen in more than one layer adds its sum to the "potential
 * wasted" bytes. Like dive, opaque-directory markers are not visited.
 */
export class DiveEfficiency {
  readonly #paths = new Map<string, PathSeen>();
  #layerSizes: number[] = [];

  /**
   * One layer: its entries in tar order, and for each whiteout the bytes the deleted path held
   * when it was a directory (what `whiteoutBytes` answers; 0 for files).
   */
  addLayer(entries: readonly LayerEntry[], whiteoutBytes: (path: string) => number): void {
    const parents = new Set<string>();
    const last = new Map<string, LayerEntry>();
    let layerSize = 0;
    for (const entry of entries) {
      layerSize += entry.size;
      for (let dir = posix.dirname(entry.path); !parents.has(dir); dir = posix.dirname(dir)) {
        parents.add(dir);
        if (dir === '/') break;
      }
      // An opaque marker leaves its directory in dive's tree without a child: a zero-sized leaf.
      if (entry.kind === 'opaque') {
        if (!last.has(entry.path)) last.set(entry.path, { path: entry.path, kind: 'dir', size: 0 });
        continue;
      }
      // dive keeps `.wh.x` and `x` as two nodes of the layer's tree: so do we.
      last.set(entry.kind === 'whiteout' ? WHITEOUT_KEY + entry.path : entry.path, entry);
    }
    this.#layerSizes.push(layerSize);
    for (const entry of last.values()) {
      if (parents.has(entry.path)) continue;
      this.#see(entry.path, entry.kind === 'whiteout' ? whiteoutBytes(entry.path) : entry.size);
    }
  }

  #see(path: string, size: number): void {
    const seen = this.#paths.get(path);
    if (seen === undefined) {
      this.#paths.set(path, { cumulative: size, minimum: size, count: 1 });
      return;
    }
    seen.cumulative += size;
    seen.minimum = Math.min(seen.minimum, size);
    seen.count += 1;
  }

  result(): Efficiency {
    let minimum = 0;
    let discovered = 0;
    let wasted = 0;
    for (const seen of this.#paths.values()) {
      minimum += seen.minimum;
      discovered += seen.cumulative;
      if (seen.count > 1) wasted += seen.cumulative;
    }
    const userSizeBytes = this.#layerSizes.slice(1).reduce((a, b) => a + b, 0);
    return {
      score: discovered === 0 ? 1 : minimum / discovered,
      potentialWastedBytes: wasted,
      userSizeBytes,
      wastedUserRatio: userSizeBytes === 0 ? 0 : wasted / userSizeBytes,
    };
  }
}
