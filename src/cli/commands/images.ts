import type { Command } from 'commander';
import type { ImageSummary } from '../../store/index.js';

interface ImagesCommandOptions {
  readonly quiet?: boolean;
  readonly format?: string;
  readonly trunc: boolean;
  readonly digests?: boolean;
}

/** `stagecraft images`: the images in the store, as `docker images` lists them. */
export function defineImagesCommand(program: Command): void {
  program
    .command('images')
    .description('list the images in the local store')
    .argument('[repository]', 'only images of this REPOSITORY[:TAG]')
    .option('-q, --quiet', 'print only image IDs')
    .option('--format <format>', 'table (default) or json (one JSON object per line)')
    .option('--digests', 'show the manifest digests')
    .option('--no-trunc', 'do not truncate image IDs')
    .action(async (repository: string | undefined, options: ImagesCommandOptions) => {
      await runImages(program, repository, options);
    });
}

/** Sizes as docker prints them: decimal units, three significant digits (`72.8MB`, `512B`). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (unit < units.length - 1 && Number(value.toPrecision(3)) >= 1000) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(3))}${units[unit] ?? 'B'}`;
}

/** How long ago, in docker's words (`Less than a second`, `About an hour`, `3 weeks`). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** `3 weeks ago`, or `N/A` for a missing or unparsable time. */
export function createdSince(created: string | undefined, now: number): string {
  const time = created === undefined ? Number.NaN : Date.parse(created);
  return Number.isNaN(time) ? 'N/A' : `${humanDuration(Math.max(0, now - time))} ago`;
}

/** Left-aligned columns separated by at least three spaces, each at least 10 wide (docker's tabwriter). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(Math.max((widths[i] ?? 0) + 3, 10)))).join('').trimEnd())
    .join('\n');
}

/** The 12-character image ID docker shows, or the full digest. */
export function displayId(digest: string, trunc: boolean): string {
  return trunc ? digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13) : digest;
}

function matchesFilter(row: ImageSummary, filter: { name: string; tag?: string } | undefined, parse: (text: string) => { name: string; tag?: string }): boolean {
  if (filter === undefined) return true;
  if (row.reference === undefined) return false;
  const ref = parse(row.reference);
  return ref.name === filter.name && (filter.tag === undefined || ref.tag === filter.tag);
}

async function runImages(program: Command, repository: string | undefined, options: ImagesCommandOptions): Promise<void> {
  const [{ BuildError }, { resolveStateRoot }, { openStore }, { parseReference }] = await Promise.all([
    import('../../errors/index.js'),
    import('../state-root.js'),
    import('../../store/index.js'),
    import('../../oci/index.js'),
  ]);
  const format = options.format ?? 'table';
  if (format !== 'table' && format !== 'json') {
    throw new BuildError('USAGE', `unknown format ${JSON.stringify(format)}: use table or json`);
  }
  const parse = (text: string): { name: string; tag?: string } => {
    const ref = parseReference(text, { defaultTag: false });
    return ref.tag !== undefined ? { name: ref.name, tag: ref.tag } : { name: ref.name };
  };
  const filter = repository === undefined ? undefined : parse(repository);
  const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
  const rows = (await store.listImages()).filter((row) => matchesFilter(row, filter, parse));
  const trunc = options.trunc;
  const now = Date.now();
  if (options.quiet === true) {
    for (const row of rows) process.stdout.write(displayId(row.id, trunc) + '\n');
    return;
  }
  if (format === 'json') {
    for (const row of rows) {
      process.stdout.write(
        JSON.stringify({
          ID: displayId(row.id, trunc),
          Repository: row.repository,
          Tag: row.tag,
          Digest: row.manifestDigest,
          CreatedAt: row.created ?? '',
          CreatedSince: createdSince(row.created, now),
          Size: humanSize(row.size),
          VirtualSize: humanSize(row.size),
        }) + '\n',
      );
    }
    return;
  }
  const header = ['REPOSITORY', 'TAG', ...(options.digests === true ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
  const table = rows.map((row) => [
    row.repository,
    row.tag,
    ...(options.digests === true ? [row.manifestDigest] : []),
    displayId(row.id, trunc),
    createdSince(row.created, now),
    humanSize(row.size),
  ]);
  process.stdout.write(formatTable(header, table) + '\n');
}
