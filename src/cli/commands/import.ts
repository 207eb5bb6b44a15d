import type { Command } from 'commander';

interface ImportCommandOptions {
  readonly change: string[];
  readonly message?: string;
  readonly platform?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `stagecraft import`: a one-layer image from a root filesystem tarball, as `docker import`. */
export function defineImportCommand(program: Command): void {
  program
    .command('import')
    .description('make a one-layer image from a root filesystem tarball (plain or gzip; - reads standard input)')
    .argument('<file>', 'the tarball, or - for standard input')
    .argument('[reference]', 'name[:tag] to give the image')
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction to the config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR, HEALTHCHECK); repeatable', collect, [])
    .option('-m, --message <text>', 'the history comment')
    .option('--platform <os/arch[/variant]>', 'the platform of the image (default: this machine)')
    .action(async (file: string, reference: string | undefined, options: ImportCommandOptions) => {
      await runImport(program, file, reference, options);
    });
}

async function runImport(program: Command, file: string, reference: string | undefined, options: ImportCommandOptions): Promise<void> {
  const [{ BuildError }, { resolveStateRoot }, { openStore }, exporters, oci] = await Promise.all([
    import('../../errors/index.js'),
    import('../state-root.js'),
    import('../../store/index.js'),
    import('../../export/index.js'),
    import('../../oci/index.js'),
  ]);
  const platform = options.platform === undefined ? undefined : oci.parsePlatform(options.platform);
  if (options.platform !== undefined && platform === undefined) {
    throw new BuildError('USAGE', `invalid platform ${JSON.stringify(options.platform)}: use os/arch[/variant], e.g. linux/arm64`);
  }
  // Check the name before reading gigabytes.
  if (reference !== undefined) oci.parseReference(reference);
  let spooled: { path: string; remove(): Promise<void> } | undefined;
  let path = file;
  if (file === '-') {
    if (process.stdin.isTTY) throw new BuildError('USAGE', 'standard input is a terminal', { hint: 'pipe a tarball in, or name a file' });
    spooled = await exporters.spoolToTempFile(process.stdin, { name: 'rootfs.tar' });
    path = spooled.path;
  }
  try {
    const image = await exporters.importRootfs(path, {
      changes: options.change,
      ...(platform !== undefined ? { platform } : {}),
      ...(options.message !== undefined ? { message: options.message } : {}),
    });
    const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
    await store.putImage(image, { tags: reference !== undefined ? [reference] : [] });
    process.stdout.write(`${(await image.manifest()).config.digest}\n`);
  } finally {
    await spooled?.remove();
  }
}
