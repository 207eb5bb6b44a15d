import type { Advice } from '../advice-types.js';
import { compareFileSystems } from '../compare.js';
import type { CompareReport } from '../compare.js';
import type { Efficiency, ImageFileSystem } from '../types.js';
import { buildTreemapData } from './treemap-data.js';
import type { TreemapNode, TreemapOptions } from './treemap-data.js';

export interface ReportLayer {
  readonly index: number;
  readonly createdBy?: string;
  readonly digest: string;
  readonly blobSize: number;
  readonly addedBytes: number;
  readonly visibleBytes: number;
  readonly wastedBytes: number;
  readonly files: number;
}

export interface ReportImage {
  readonly name: string;
  readonly totalBytes: number;
  readonly addedBytes: number;
  readonly wastedBytes: number;
  readonly efficiency: Efficiency;
  readonly layers: readonly ReportLayer[];
  readonly tree: TreemapNode;
  readonly advice: readonly Advice[];
}

/** Everything the page shows, embedded in it as JSON. */
export interface ReportData {
  readonly title: string;
  readonly generatedAt: string;
  readonly images: readonly ReportImage[];
  /** For exactly two images: the first compared with the second. */
  readonly compare?: CompareReport;
}

export interface ReportInput {
  readonly name: string;
  readonly fs: ImageFileSystem;
  readonly advice?: readonly Advice[];
}

export interface ReportDataOptions extends TreemapOptions {
  readonly generatedAt?: string;
  readonly title?: string;
}

/** The page's data: per image totals, layers, a bounded treemap tree and advice; a comparison for two. */
export function buildReportData(inputs: readonly ReportInput[], options: ReportDataOptions = {}): ReportData {
  const images = inputs.map(
    (input): ReportImage => ({
      name: input.name,
      totalBytes: input.fs.totalBytes,
      addedBytes: input.fs.addedBytes,
      wastedBytes: input.fs.wastedBytes,
      efficiency: input.fs.efficiency,
      layers: input.fs.layers.map((l) => ({
        index: l.index,
        ...(l.createdBy !== undefined ? { createdBy: l.createdBy } : {}),
        digest: l.diffId,
        blobSize: l.blobSize,
        addedBytes: l.addedBytes,
        visibleBytes: l.visibleBytes,
        wastedBytes: l.wastedBytes,
        files: l.files,
      })),
      tree: buildTreemapData(input.fs.root, options),
      advice: input.advice ?? [],
    }),
  );
  const [a, b] = inputs;
  const compare = inputs.length === 2 && a !== undefined && b !== undefined ? compareFileSystems(a, b) : undefined;
  return {
    title: options.title ?? `stagecraft report: ${inputs.map((i) => i.name).join(' vs ')}`,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    images,
    ...(compare !== undefined ? { compare } : {}),
  };
}
