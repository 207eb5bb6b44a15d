/**
 * The snapshotter: layers unpacked once into a shared cache as overlayfs lowers, writable
 * snapshots over them (overlayfs, or a copying fallback), commits of their changes as new layers,
 * and recovery after a crash. Layout of the files: layout.ts.
 */
export { directoryLayerEntries } from './directory-layer.js';
export type { DirectoryLayerMode, DirectoryLayerOptions } from './directory-layer.js';
export { readXattrs, readXattrsUnder, parseGetfattrOutput } from './xattrs.js';
export { applyXattrs, isSettableXattrName } from './special-files.js';
export type { XattrsByPath, XattrTable } from './xattrs.js';
export { unpackLayer } from './unpack-layer.js';
export type { UnpackLayerOptions } from './unpack-layer.js';
export { extractLayerTar } from './extract-layer.js';
export type { ExtractLayerOptions, ExtractSummary } from './extract-layer.js';
export { prepareSnapshot, releaseAllSnapshots } from './prepare-snapshot.js';
export type { MutableSnapshot, PrepareSnapshotOptions, SnapshotterChoice } from './prepare-snapshot.js';
export { commitDiffDir, storedLayer } from './commit-layer.js';
export type { CommitOptions, CommitResult } from './commit-layer.js';
export { recoverSnapshots } from './active-snapshots.js';
export { pruneUnpackedLayers } from './prune-layers.js';
export type { LayerPruneResult, PruneLayersOptions } from './prune-layers.js';
export type { RecoveryReport, SnapshotKind } from './active-snapshots.js';
export { overlayAvailable, overlaySupport } from './overlay-probe.js';
export type { OverlaySupport } from './overlay-probe.js';
export { layerFsDir, snapshotsDir } from './layout.js';
