import type { Command } from 'commander';

interface RmiCommandOptions {
  readonly force?: boolean;
}

/** `stagecraft rmi`: untag images and delete those no name is left on, as `docker rmi`. */
export function defineRmiCommand(program: Command): void {
  program
    .command('rmi')
    .description('remove images (untag; delete an image when its last reference goes)')
    .argument('<image...>', 'name[:tag], name@digest, or an image ID')
    .option('-f, --force', 'remove an image by ID even when several tags refer to it')
    .action(async (refs: string[], options: RmiCommandOptions) => {
      await runRmi(program, refs, options);
    });
}

async function runRmi(program: Command, refs: readonly string[], options: RmiCommandOptions): Promise<void> {
  const [{ BuildError, isBuildError }, { resolveStateRoot }, { openStore }] = await Promise.all([
    import('../../errors/index.js'),
    import('../state-root.js'),
    import('../../store/index.js'),
  ]);
  const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
  const failures: Error[] = [];
  // Like docker, go on with the other images when one fails, and fail at the end.
  for (const text of refs) {
    try {
      const removed = await store.removeImage(text, { force: options.force === true });
      for (const name of removed.untagged) process.stdout.write(`Untagged: ${name}\n`);
      for (const id of removed.deleted) process.stdout.write(`Deleted: ${id}\n`);
    } catch (err) {
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  const [first] = failures;
  if (first === undefined) return;
  if (failures.length === 1 || !isBuildError(first)) throw first;
  const other = failures.find((f) => !isBuildError(f));
  if (other !== undefined) throw other;
  throw new BuildError(first.code, failures.map((f) => f.message).join('\n'), {
    ...(first.hint !== undefined ? { hint: first.hint } : {}),
    details: { errors: failures.map((f) => ({ code: isBuildError(f) ? f.code : undefined, message: f.message })) },
  });
}
