import type { Command } from 'commander';

interface HistoryCommandOptions {
  readonly trunc: boolean;
  readonly format?: string;
  readonly quiet?: boolean;
}

/** `stagecraft history`: the history of an image, newest first, as `docker history` shows it. */
export function defineHistoryCommand(program: Command): void {
  program
    .command('history')
    .description('show the history of an image')
    .argument('<image>', 'name[:tag], name@digest, or an image ID')
    .option('--no-trunc', 'do not truncate output')
    .option('-q, --quiet', 'print only image IDs')
    .option('--format <format>', 'table (default) or json (one JSON object per line)')
    .action(async (ref: string, options: HistoryCommandOptions) => {
      await runHistory(program, ref, options);
    });
}

export interface HistoryRow {
  readonly id: string;
  readonly created?: string;
  readonly createdBy: string;
  /** Bytes of the layer this step made (as stored: compressed for pulled layers); 0 for empty steps. */
  readonly size: number;
  readonly comment: string;
}

/**
 * One row per history entry, newest first; entries that made a layer take that layer's size, in
 * order. The newest row carries the image ID, the others `<missing>` (docker does the same for
 * images that did not come from its own builder). Without history, one row per layer.
 */
interface HistoryLike {
  readonly created?: string;
  readonly created_by?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

export function historyRows(id: string, history: readonly HistoryLike[] | undefined, layerSizes: readonly number[]): HistoryRow[] {
  const rows: HistoryRow[] = [];
  let layer = 0;
  const entries: readonly HistoryLike[] = history !== undefined && history.length > 0 ? history : layerSizes.map(() => ({}));
  for (const e of entries) {
    const size = e.empty_layer === true ? 0 : (layerSizes[layer++] ?? 0);
    rows.push({
      id: '<missing>',
      ...(e.created !== undefined ? { created: e.created } : {}),
      createdBy: e.created_by ?? '',
      size,
      comment: e.comment ?? '',
    });
  }
  rows.reverse();
  const top = rows[0];
  if (top !== undefined) rows[0] = { ...top, id };
  return rows;
}

/** docker's ellipsis: at most `max` characters, the last one `…` when cut. */
export function ellipsis(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

async function runHistory(program: Command, text: string, options: HistoryCommandOptions): Promise<void> {
  const [{ BuildError }, { resolveStateRoot }, { openStore }, { createdSince, displayId, formatTable, humanSize }] = await Promise.all([
    import('../../errors/index.js'),
    import('../state-root.js'),
    import('../../store/index.js'),
    import('./images.js'),
  ]);
  const format = options.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new BuildError('USAGE', `unknown format ${JSON.stringify(format)}: use table or json`);
  const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
  const image = await store.getImage(text);
  const [manifest, config] = await Promise.all([image.manifest(), image.config()]);
  const trunc = options.trunc;
  const rows = historyRows(
    displayId(manifest.config.digest, trunc),
    config.history,
    manifest.layers.map((l) => l.size),
  );
  if (options.quiet === true) {
    for (const row of rows) process.stdout.write(row.id + '\n');
    return;
  }
  const now = Date.now();
  if (format === 'json') {
    for (const row of rows) {
      process.stdout.write(
        JSON.stringify({
          ID: row.id,
          CreatedAt: row.created ?? '',
          CreatedSince: createdSince(row.created, now),
          CreatedBy: row.createdBy,
          Size: humanSize(row.size),
          Comment: row.comment,
        }) + '\n',
      );
    }
    return;
  }
  const table = rows.map((row) => [
    row.id,
    createdSince(row.created, now),
    trunc ? ellipsis(row.createdBy, 45) : row.createdBy,
    humanSize(row.size),
    row.comment,
  ]);
  process.stdout.write(formatTable(['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'], table) + '\n');
}
