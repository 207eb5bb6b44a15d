// Child process for the crash test: prepares a snapshot, writes into it, says so, then waits to be killed.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareSnapshot } from '../prepare-snapshot.js';
import type { SnapshotterChoice } from '../prepare-snapshot.js';

const [root, lowersJson, kind] = process.argv.slice(2);
if (root === undefined || lowersJson === undefined) throw new Error('usage: child-prepare ROOT LOWERS_JSON [KIND]');
const snapshot = await prepareSnapshot(JSON.parse(lowersJson) as string[], { root, snapshotter: (kind ?? 'auto') as SnapshotterChoice });
await writeFile(join(snapshot.rootfs, 'written-by-child'), 'x');
process.stdout.write(`${snapshot.rootfs}\nready\n`);
setInterval(() => undefined, 1000);
