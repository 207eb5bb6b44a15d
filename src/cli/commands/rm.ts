import type { Command } from 'commander';
import { forEachContainer } from './stop.js';

interface RmCommandOptions {
  readonly force?: boolean;
}

/** `stagecraft rm`: delete containers (their writable layer, log and state), as `docker rm`. */
export function defineRmCommand(program: Command): void {
  program
    .command('rm')
    .description('remove containers')
    .argument('<container...>', 'names or IDs')
    .option('-f, --force', 'kill and remove a running container')
    .option('-v, --volumes', 'accepted for docker compatibility (stagecraft makes no anonymous volumes)')
    .action(async (refs: string[], options: RmCommandOptions) => {
      await runRm(program, refs, options);
    });
}

async function runRm(program: Command, refs: readonly string[], options: RmCommandOptions): Promise<void> {
  const [{ resolveStateRoot }, container] = await Promise.all([import('../state-root.js'), import('../../container/index.js')]);
  const root = resolveStateRoot(program.opts<{ root?: string }>().root, process.env);
  await container.recoverContainers(root);
  await forEachContainer(refs, async (ref) => {
    const record = await container.findContainer(root, ref);
    await container.removeContainer(root, record, { force: options.force === true });
  });
}
