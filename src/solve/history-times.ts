import type { HistoryEntry } from '../oci/index.js';

/** The comment BuildKit puts on the history entries a Dockerfile makes. */
export const HISTORY_COMMENT = 'buildkit.dockerfile.v0';

/** A history entry the build added: for a layer step, `created` is when that layer was made. */
export interface AddedHistory {
  readonly createdBy: string;
  readonly emptyLayer: boolean;
  /** When the layer was made (kept in the cache, so a cache hit keeps the time); undefined for config-only steps. */
  readonly created?: string;
}

function entry(added: AddedHistory, created: string | undefined): HistoryEntry {
  return {
    ...(created !== undefined ? { created } : {}),
    created_by: added.createdBy,
    comment: HISTORY_COMMENT,
    ...(added.emptyLayer ? { empty_layer: true } : {}),
  };
}

function later(a: string, b: string): boolean {
  return Date.parse(a) > Date.parse(b);
}

/**
 * The image's history and `created`, as BuildKit's exporter settles them. Entries of config-only
 * steps get the time of the first layer made after them began (or of the layer before them), so a
 * rebuild that hits the cache everywhere gives the same config, hence the same image digest. With
 * SOURCE_DATE_EPOCH (`epoch`, RFC 3339) every added entry is that time, any later time is clamped
 * to it, and the base image's own entries keep theirs. `created` is the last entry's time.
 */
export function settleHistory(
  base: readonly HistoryEntry[],
  added: readonly AddedHistory[],
  epoch: string | undefined,
): { history: HistoryEntry[]; created: string | undefined } {
  const history: HistoryEntry[] = [
    ...base,
    ...added.map((a) => entry(a, epoch ?? a.created)),
  ];
  // The time metadata entries take: the first time found after an entry without one.
  let fill: string | undefined;
  let sawMissing = false;
  for (const h of history) {
    if (h.created !== undefined) {
      fill = h.created;
      if (sawMissing) break;
    } else {
      sawMissing = true;
    }
  }
  sawMissing = false;
  for (const [i, h] of history.entries()) {
    if (h.created !== undefined) {
      if (sawMissing) fill = h.created;
    } else {
      sawMissing = true;
      if (fill !== undefined) history[i] = { created: fill, ...h };
    }
  }
  if (epoch !== undefined) {
    for (let i = base.length; i < history.length; i++) {
      const h = history[i];
      if (h !== undefined && (h.created === undefined || later(h.created, epoch))) history[i] = { ...h, created: epoch };
    }
  }
  let created: string | undefined;
  for (const h of history) if (h.created !== undefined) created = h.created;
  return { history, created };
}

/** SOURCE_DATE_EPOCH (seconds) as the RFC 3339 time BuildKit writes (`2023-01-01T00:00:00Z`). */
export function epochTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}
