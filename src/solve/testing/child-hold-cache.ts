// Child process for the cache mount tests: holds the cache `key` with `sharing` (seeding a new
// instance with a file naming this process), prints `held <instance>`, then keeps it until killed
// or, with a time given, releases it after that many milliseconds and prints `released`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { holdCacheMount } from '../cache-mount-dirs.js';

const [root = '', key = '', sharing = 'locked', holdMs] = process.argv.slice(2);
if (sharing !== 'shared' && sharing !== 'private' && sharing !== 'locked') throw new Error(`bad sharing ${sharing}`);
const hold = await holdCacheMount(root, key, {
  sharing,
  label: `id=${key}`,
  seed: async (target) => {
    await mkdir(target);
    await writeFile(join(target, 'seeded-by'), String(process.pid));
  },
});
process.stdout.write(`held ${String(hold.instance)}\n`);
if (holdMs === undefined) {
  setInterval(() => undefined, 60_000);
} else {
  await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
  await hold.release();
  process.stdout.write('released\n');
}
