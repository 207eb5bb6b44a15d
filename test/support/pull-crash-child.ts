// Child process for test/integration/pull-crash.test.ts: pulls one image from a registry on
// 127.0.0.1 into a store root, printing `pulling` once the store is open and `done DIGEST` at the
// end. The test kills it with SIGKILL somewhere in between.
import { parseReference } from '../../src/oci/reference.js';
import { pullImage } from '../../src/registry/index.js';
import { openStore } from '../../src/store/index.js';

const [root = '', reference = ''] = process.argv.slice(2);
const store = await openStore(root);
process.stdout.write('pulling\n');
const { digest } = await pullImage(parseReference(reference), { store });
process.stdout.write(`done ${digest}\n`);
