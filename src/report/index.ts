/**
 * Explaining images: every layer read (streaming) into one file-tree model with OCI whiteout
 * semantics and per-layer accounting; sizes by path (`du`), dive's efficiency score, wasted bytes;
 * two images compared (layers, Debian packages, node_modules packages, toolchains, directories);
 * advice with measured savings; a self-contained HTML report with treemaps.
 */
export type { EntryKind, Efficiency, FileNode, ImageFileSystem, LayerEntry, LayerInfo, RemovalKind, RemovedPath } from './types.js';
export { readLayerEntries, normaliseEntryPath } from './layer-entries.js';
export type { CapturePredicate, ReadLayerOptions } from './layer-entries.js';
export { createFileSystemBuilder } from './build-file-system.js';
export type { FileSystemBuilder, LayerMeta } from './build-file-system.js';
export { readImageFileSystem, captureReportFiles, layerHistory } from './filesystem.js';
export type { ReadFileSystemOptions } from './filesystem.js';
export { findNode, resolveNode, walkTree, bytesByLayer, dominantLayer } from './file-tree.js';
export { summarizeDu } from './du.js';
export type { DuOptions, DuReport, DuRow, DuWasted } from './du.js';
export { compareFileSystems, pairLayers, groupTitle } from './compare.js';
export type {
  CompareOptions,
  CompareReport,
  DebianComparison,
  ImageTotals,
  LayerPair,
  LayerSide,
  NamedFileSystem,
  NodeModulesComparison,
  PackageChange,
  ToolchainComparison,
} from './compare.js';
export { diffTrees } from './dir-diff.js';
export type { DiffOptions, PathDifference, TreeDifference } from './dir-diff.js';
export { parseDpkgStatus, parseDeb822, readDpkgPackages } from './dpkg.js';
export type { DpkgPackage, DpkgPackageInImage } from './dpkg.js';
export { groupPackagesByRoot, SHARED_GROUP } from './debian-groups.js';
export type { PackageGroup, PackageSummary } from './debian-groups.js';
export { findNodePackages } from './node-modules.js';
export type { NodePackage } from './node-modules.js';
export { TOOLCHAIN_RULES, toolchainOf, measureToolchains } from './toolchains.js';
export type { ToolchainRule } from './toolchains.js';
export { adviseImage } from './advice.js';
export type { Advice, AdviceInput, AdviceKind, BaseInfo, DockerfileFacts, SlimVariant } from './advice-types.js';
export { readDockerfileFacts, readDockerfileFactsFile, nodeDevInstalls } from './dockerfile-facts.js';
export { findBaseImage, findSlimVariant, slimCandidates } from './base-image.js';
export { analyzeImage } from './analyze-image.js';
export type { AnalyzeOptions, AnalyzedImage, ImageSource } from './analyze-image.js';
export { formatBytes, formatPercent, shortCommand } from './format-bytes.js';
export { renderDuText, renderCompareText, renderAdviceText } from './render-text.js';
export { buildReportData } from './html/report-data.js';
export type { ReportData, ReportDataOptions, ReportImage, ReportInput, ReportLayer } from './html/report-data.js';
export { buildTreemapData, countTreemapNodes } from './html/treemap-data.js';
export type { TreemapNode, TreemapOptions } from './html/treemap-data.js';
export { renderReportHtml, embedJson } from './html/render-html.js';
