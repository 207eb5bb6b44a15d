// Child process for the lock tests: `count` times, read a counter file, wait a moment, write it
// back incremented, all under the store lock. Any lost update shows in the final count.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreLock } from '../lock.js';

const [root = '', countText = '0'] = process.argv.slice(2);
const lock = new StoreLock(root, 60_000, { reuseRecordFile: true }); // as the store's lock
const file = join(root, 'counter');
for (let i = 0; i < Number(countText); i++) {
  await lock.withLock(async () => {
    const value = Number(await readFile(file, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
    await writeFile(file, String(value + 1));
  });
}
process.stdout.write('done\n');
