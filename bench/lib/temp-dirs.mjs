// Removing the benchmark's temp directories safely: whatever a builder left mounted below one
// (an overlay it did not undo) is unmounted first, deepest first, so `rm -rf` never walks into a
// mounted file system.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

/** Mount points at or below `dir`, from /proc/self/mountinfo (field 5, octal escapes decoded). */
export function mountsBelow(dir) {
  const base = resolve(dir);
  const points = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const field = line.split(' ')[4];
    if (field === undefined) continue;
    const point = field.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));
    if (point === base || point.startsWith(base + sep)) points.push(point);
  }
  return points.sort((a, b) => b.length - a.length);
}

export async function removeTree(dir) {
  for (const point of mountsBelow(dir)) spawnSync('umount', ['-l', point], { stdio: 'ignore' });
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
