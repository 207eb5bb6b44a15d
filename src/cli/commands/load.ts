import type { Command } from 'commander';

interface LoadCommandOptions {
  readonly input?: string;
  readonly quiet?: boolean;
}

/** `stagecraft load`: images from a docker-archive or an OCI archive (or layout) into the store. */
export function defineLoadCommand(program: Command): void {
  program
    .command('load')
    .description('load images from a tar archive (docker-archive or OCI image layout, plain or gzip) or standard input')
    .option('-i, --input <file>', 'read from this archive (or OCI layout directory) instead of standard input')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (options: LoadCommandOptions) => {
      await runLoad(program, options);
    });
}

async function runLoad(program: Command, options: LoadCommandOptions): Promise<void> {
  const [{ BuildError }, { resolveStateRoot }, { openStore }, exporters, image] = await Promise.all([
    import('../../errors/index.js'),
    import('../state-root.js'),
    import('../../store/index.js'),
    import('../../export/index.js'),
    import('../../image/index.js'),
  ]);
  let spooled: { path: string; remove(): Promise<void> } | undefined;
  let path = options.input;
  if (path === undefined) {
    if (process.stdin.isTTY) {
      throw new BuildError('USAGE', 'requested load from standard input, but standard input is a terminal', { hint: 'use -i FILE or pipe an archive in' });
    }
    spooled = await exporters.spoolToTempFile(process.stdin, { name: 'stdin.tar' });
    path = spooled.path;
  }
  const label = options.input ?? '<stdin>';
  try {
    const archive = await exporters.readArchive(path);
    try {
      // Every image is checked to the last byte before any is stored: a hostile or damaged
      // archive leaves the store as it was.
      for (const [i, entry] of archive.images.entries()) {
        await image.validateImage(entry.image, { depth: 'content', checkEntries: true, source: `${label} (image ${i + 1})` });
      }
      const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
      for (const entry of archive.images) {
        await store.putImage(entry.image, { tags: entry.tags });
        if (options.quiet === true) continue;
        if (entry.tags.length === 0) {
          process.stdout.write(`Loaded image ID: ${(await entry.image.manifest()).config.digest}\n`);
        }
        for (const tag of entry.tags) process.stdout.write(`Loaded image: ${tag}\n`);
      }
    } finally {
      await archive.close();
    }
  } finally {
    await spooled?.remove();
  }
}
