// Child process for the crash and concurrency tests: streams a deterministic blob of `size` bytes
// (see patternChunks) into the store, printing `writing` before and `done` after.
import { Readable } from 'node:stream';
import { openStore } from '../index.js';
import { patternChunks } from './pattern.js';

const [root = '', sizeText = '0', seed = 'x'] = process.argv.slice(2);
const store = await openStore(root);
process.stdout.write('writing\n');
const { digest } = await store.writeBlob(Readable.from(patternChunks(Number(sizeText), seed)));
process.stdout.write(`done ${digest}\n`);
