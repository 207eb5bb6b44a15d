export { BuildError, isBuildError, invariant } from './build-error.js';
export type { ErrorCode, BuildErrorOptions } from './build-error.js';
export { codeFrame } from './code-frame.js';
export type { CodeFrameOptions } from './code-frame.js';
export { lineRange, spanRange, formatPosition } from './source-range.js';
export type { SourcePosition, SourceRange } from './source-range.js';
export { editDistance, suggestClosest } from './suggest.js';
export { describeErrorChain } from './error-chain.js';
