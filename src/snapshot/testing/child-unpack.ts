// Child process for the concurrency test: unpacks one layer tar into a store root and prints the directory.
import { layerFromTarFile } from '../../image/index.js';
import { unpackLayer } from '../unpack-layer.js';

const [root, tarPath] = process.argv.slice(2);
if (root === undefined || tarPath === undefined) throw new Error('usage: child-unpack ROOT TAR');
const dir = await unpackLayer({ root }, layerFromTarFile(tarPath, { compression: 'none' }));
process.stdout.write(`${dir}\n`);
