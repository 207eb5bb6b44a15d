import type { Command } from 'commander';

interface BootstrapCommandOptions {
  readonly withHostCaCertificates?: boolean;
  readonly force?: boolean;
  readonly list?: boolean;
  readonly quiet?: boolean;
}

/** `stagecraft bootstrap`: base images from Debian packages, for machines without Docker Hub. */
export function defineBootstrapCommand(program: Command): void {
  program
    .command('bootstrap')
    .description("make base images (debian:bookworm-slim, node:18, node:18-slim, golang:1.19, python:3.11, python:3.11-slim, nginx:bookworm) from Debian packages with debootstrap, using this machine's apt mirror")
    .argument('[name...]', 'the images to make (default: all)')
    .option('--with-host-ca-certificates', "add this machine's CA bundle to the images (for builds behind a TLS-intercepting proxy; off by default)")
    .option('--force', 'rebuild even the images that are up to date')
    .option('--list', 'list the images bootstrap can make, and stop')
    .option('-q, --quiet', 'print only the results')
    .action(async (names: string[], options: BootstrapCommandOptions) => {
      const [{ bootstrapBaseImages, BASE_IMAGE_RECIPES }, { openStore }, { resolveStateRoot }] = await Promise.all([
        import('../../bootstrap/index.js'),
        import('../../store/index.js'),
        import('../state-root.js'),
      ]);
      if (options.list === true) {
        for (const recipe of BASE_IMAGE_RECIPES) {
          process.stdout.write(`${recipe.tags.join(', ')}\n    ${recipe.description}\n`);
        }
        return;
      }
      const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
      const controller = new AbortController();
      const stop = (): void => {
        controller.abort();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const results = await bootstrapBaseImages(store, {
          names,
          withHostCaCertificates: options.withHostCaCertificates === true,
          force: options.force === true,
          signal: controller.signal,
          log: (line) => {
            if (options.quiet !== true) process.stderr.write(`  ${line}\n`);
          },
        });
        for (const r of results) {
          process.stdout.write(`${r.tags.join(', ')}: ${r.digest}${r.upToDate ? ' (up to date)' : ''}\n`);
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
