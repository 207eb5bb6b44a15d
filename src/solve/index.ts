/**
 * The build engine: plans a Dockerfile with its base images, runs the needed stages (side by
 * side, each step once, cached by content), assembles the image with BuildKit's config and
 * history, and writes it where `--output` says.
 */
export { build } from './build.js';
export { defaultJobs } from './session.js';
export { parseOutputSpec } from './output-spec.js';
export type { OutputCompression, OutputSpec } from './output-spec.js';
export { writeOutputs } from './write-outputs.js';
export type { WriteOutputsOptions, WrittenOutput } from './write-outputs.js';
export { formatBuildSummary } from './build-summary.js';
export { pruneBuildCache } from './prune-build-cache.js';
export type { BuildCachePruneResult, PruneBuildCacheOptions } from './prune-build-cache.js';
export type { CacheMountPruneResult } from './cache-mount-prune.js';
export type { BuildOptions, BuildRequest, BuildResult, CopyTransfer, StageSummary } from './types.js';
