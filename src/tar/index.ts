export { encodeTarHeader, endOfArchive, BLOCK_SIZE } from './tar-header.js';
export type { TarHeader, TarEntryType } from './tar-header.js';
export { writeTar } from './write-tar.js';
export type { TarEntry } from './write-tar.js';
