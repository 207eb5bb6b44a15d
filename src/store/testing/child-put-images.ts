// Child process for the prune race test: puts `count` small images tagged `<prefix>:<i>`, each
// sharing one base layer, while the parent prunes.
import { openStore } from '../index.js';
import { makeTar, memoryImage, memoryLayer } from './memory-image.js';

const [root = '', prefix = '', countText = '0'] = process.argv.slice(2);
const store = await openStore(root);
const base = memoryLayer(await makeTar({ 'base.txt': 'shared base' }));
for (let i = 0; i < Number(countText); i++) {
  const top = memoryLayer(await makeTar({ [`${prefix}.txt`]: `${prefix} ${i}` }));
  await store.putImage(await memoryImage([base, top], { label: `${prefix}-${i}` }), { tags: [`${prefix}:${i}`] });
}
process.stdout.write('done\n');
