import { join } from 'node:path';
import { digestHex } from '../oci/index.js';
import type { Digest } from '../oci/index.js';

/*
 * Where the snapshotter keeps its files, under the store root:
 *
 *   snapshots/layers/<diffid-hex>/fs       a layer unpacked once, read-only, with overlayfs whiteouts
 *   snapshots/layers/<hex>.tmp.<OWNER>.<R>  an unpack (or a commit's move) in progress
 *   snapshots/active/<OWNER>.<R>/           one mutable snapshot: upper/, work/, rootfs/, l/ and
 *                                           record.json, written before anything is mounted
 *                                           (earlier versions wrote <OWNER>.<R>.json beside it)
 *
 * OWNER is `PID-STARTTIME` (process-owner.ts), so a later process can tell what a dead one left.
 */

export const TEMP_MARKER = '.tmp.';

export function snapshotsDir(root: string): string {
  return join(root, 'snapshots');
}

export function layersDir(root: string): string {
  return join(root, 'snapshots', 'layers');
}

export function activeDir(root: string): string {
  return join(root, 'snapshots', 'active');
}

/** The directory that holds one unpacked layer (its tree is the `fs` folder inside). */
export function layerDir(root: string, diffId: Digest): string {
  return join(layersDir(root), digestHex(diffId));
}

/** The unpacked tree of a layer: what is stacked as an overlay lowerdir. */
export function layerFsDir(root: string, diffId: Digest): string {
  return join(layerDir(root, diffId), 'fs');
}
