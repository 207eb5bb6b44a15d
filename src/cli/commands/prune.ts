import type { Command } from 'commander';

interface PruneCommandOptions {
  readonly cache?: boolean;
}

/** `stagecraft prune [--cache]`: remove untagged images and every blob no reference reaches; with --cache, all build cache too. */
export function definePruneCommand(program: Command): void {
  program
    .command('prune')
    .description('remove untagged images and all blobs no image reference reaches')
    .option('--cache', 'also remove all build cache (as docker builder prune -a): cache mount contents, cache records, unpacked layers; what a running build uses is kept')
    .action(async (options: PruneCommandOptions) => {
      const [{ resolveStateRoot }, { openStore }, { humanSize }] = await Promise.all([
        import('../state-root.js'),
        import('../../store/index.js'),
        import('./images.js'),
      ]);
      const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
      if (options.cache === true) {
        const [{ pruneBuildCache }, { listContainerRecords }, { formatBuildCachePrune }] = await Promise.all([
          import('../../solve/index.js'),
          import('../../container/index.js'),
          import('../prune-report.js'),
        ]);
        // containers keep their image's unpacked layers as overlay lowerdirs until they are removed
        const keepDirs = (await listContainerRecords(store.root)).flatMap((record) => record.lowerDirs);
        const result = await pruneBuildCache(store, { keepDirs });
        process.stdout.write(formatBuildCachePrune(result, humanSize).join('\n') + '\n');
        return;
      }
      const result = await store.prune();
      if (result.removedImages.length > 0) {
        process.stdout.write('Deleted Images:\n');
        for (const digest of result.removedImages) process.stdout.write(`deleted: ${digest}\n`);
        process.stdout.write('\n');
      }
      process.stdout.write(`Removed ${result.removedBlobs} blob${result.removedBlobs === 1 ? '' : 's'}`);
      process.stdout.write(result.removedTempFiles > 0 ? ` and ${result.removedTempFiles} leftover temporary file${result.removedTempFiles === 1 ? '' : 's'}\n` : '\n');
      process.stdout.write(`Total reclaimed space: ${humanSize(result.freedBytes)}\n`);
    });
}
