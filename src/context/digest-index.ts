export { ContextDigester } from './content-digest.js';
export type { ContextDigesterOptions, DigestCounters } from './content-digest.js';
export { StatCache } from './stat-cache.js';
export type { FileStatKey } from './stat-cache.js';
