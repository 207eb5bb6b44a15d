import { cleanPath } from '../dockerfile/instructions/go-path.js';
/**
 * Lexical path cleaning with Go's `path.Clean` rules (what Docker applies to .dockerignore
 * patterns); one implementation, in the Dockerfile instructions layer.
 */
export { cleanPath };
