import { imageFromParts } from '../image/index.js';
import type { Image } from '../image/index.js';
import type { HistoryEntry, ImageConfig } from '../oci/index.js';
import { epochTime, settleHistory } from './history-times.js';
import { orderConfigFields, withLabels } from './image-config.js';
import type { StageOutcome } from './stage-runner.js';

/**
 * The image of a built stage: its layers, its config with the `--label`s added, and its history
 * with BuildKit's times (SOURCE_DATE_EPOCH when set). A base image without history gets an empty
 * entry per layer first, so every layer has its entry.
 */
export function assembleImage(outcome: StageOutcome, options: { readonly labels: ReadonlyMap<string, string>; readonly epoch: number | undefined }): Image {
  const baseHistory: readonly HistoryEntry[] =
    outcome.baseHistory.length === 0 && outcome.baseLayers > 0 ? Array.from({ length: outcome.baseLayers }, () => ({})) : outcome.baseHistory;
  const { history, created } = settleHistory(baseHistory, outcome.added, options.epoch !== undefined ? epochTime(options.epoch) : undefined);
  const { platform } = outcome;
  const config: ImageConfig = {
    ...(created !== undefined ? { created } : {}),
    ...(outcome.config.author !== undefined ? { author: outcome.config.author } : {}),
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
    config: orderConfigFields(withLabels(outcome.config.config, options.labels)),
    rootfs: { type: 'layers', diff_ids: outcome.fs.layers.map((l) => l.diffId) },
    history,
  };
  return imageFromParts({ config, layers: outcome.fs.layers.map((l) => l.layer) });
}
