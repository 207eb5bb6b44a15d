export * from './copy/index.js';
