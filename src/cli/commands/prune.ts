import type { Command } from 'commander';

/** `stagecraft prune`: remove untagged images and every blob no reference reaches. */
export function definePruneCommand(program: Command): void {
  program
    .command('prune')
    .description('remove untagged images and all blobs no image reference reaches')
    .action(async () => {
      const [{ resolveStateRoot }, { openStore }, { humanSize }] = await Promise.all([
        import('../state-root.js'),
        import('../../store/index.js'),
        import('./images.js'),
      ]);
      const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
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
