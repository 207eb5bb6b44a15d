// Child process for the concurrency tests: tags `source` as `<prefix>-<i>:t` and as the shared
// `shared:<i>` for i < count, each through its own store.tag call.
import { openStore } from '../index.js';

const [root = '', source = '', prefix = '', countText = '0'] = process.argv.slice(2);
const store = await openStore(root);
for (let i = 0; i < Number(countText); i++) {
  await store.tag(source, `${prefix}-${i}:t`);
  await store.tag(source, `shared:${i}`);
}
process.stdout.write('done\n');
