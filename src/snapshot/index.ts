export { directoryLayerEntries } from './directory-layer.js';
export type { DirectoryLayerMode, DirectoryLayerOptions } from './directory-layer.js';
export { readXattrs, parseGetfattrOutput } from './xattrs.js';
export type { XattrTable } from './xattrs.js';
