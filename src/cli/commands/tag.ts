import type { Command } from 'commander';

/** `stagecraft tag`: a new name for an image in the store. */
export function defineTagCommand(program: Command): void {
  program
    .command('tag')
    .description('create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .argument('<source>', 'SOURCE_IMAGE: name[:tag], name@digest, or an image ID')
    .argument('<target>', 'TARGET_IMAGE: name[:tag]')
    .action(async (source: string, target: string) => {
      const [{ resolveStateRoot }, { openStore }] = await Promise.all([import('../state-root.js'), import('../../store/index.js')]);
      const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
      await store.tag(source, target);
    });
}
