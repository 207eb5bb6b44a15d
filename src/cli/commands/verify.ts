import type { Command } from 'commander';

interface VerifyCommandOptions {
  readonly repair?: boolean;
  readonly format?: string;
}

/** `stagecraft verify`: re-hash every blob; report (and with --repair delete) corrupt ones. */
export function defineVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('re-hash every blob in the store and report corrupt ones and the images they break')
    .option('--repair', 'delete corrupt blobs (the images using them must then be pulled or built again)')
    .option('--format <format>', 'text (default) or json')
    .action(async (options: VerifyCommandOptions) => {
      await runVerify(program, options);
    });
}

async function runVerify(program: Command, options: VerifyCommandOptions): Promise<void> {
  const [{ BuildError }, { resolveStateRoot }, { openStore }, { parseReference }, { humanSize }] = await Promise.all([
    import('../../errors/index.js'),
    import('../state-root.js'),
    import('../../store/index.js'),
    import('../../oci/index.js'),
    import('./images.js'),
  ]);
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new BuildError('USAGE', `unknown format ${JSON.stringify(format)}: use text or json`);
  const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
  const report = await store.verify({ repair: options.repair === true });
  const familiar = (name: string): string => {
    try {
      return parseReference(name, { defaultTag: false }).familiar;
    } catch {
      return name;
    }
  };
  const out = (line: string): void => {
    process.stdout.write(line + '\n');
  };
  if (format === 'json') {
    out(JSON.stringify(report, null, 2));
  } else {
    out(`Checked ${report.checkedBlobs} blob${report.checkedBlobs === 1 ? '' : 's'} (${humanSize(report.checkedBytes)})`);
    for (const blob of report.corrupt) {
      const fate = report.removed.includes(blob.digest) ? 'removed' : 'corrupt';
      out(`${fate}: ${blob.digest} (${blob.path}) has content ${blob.actual}`);
    }
    for (const image of report.brokenImages) {
      const names = image.references.length > 0 ? image.references.map(familiar).sort().join(', ') : image.manifestDigest;
      out(`broken image: ${names}: missing or corrupt ${image.missing.join(', ')}`);
    }
    if (report.corrupt.length === 0 && report.brokenImages.length === 0) out('No problems found');
  }
  const unrepaired = report.corrupt.filter((b) => !report.removed.includes(b.digest)).length;
  if (unrepaired > 0 || report.brokenImages.length > 0) {
    throw new BuildError('STORE_CORRUPT', unrepaired > 0 ? `${unrepaired} corrupt blob${unrepaired === 1 ? '' : 's'} in the store` : `${report.brokenImages.length} image${report.brokenImages.length === 1 ? '' : 's'} miss content`, {
      hint: unrepaired > 0 ? 'run `stagecraft verify --repair` to delete them, then pull or build the broken images again' : 'pull or build the broken images again (or remove them with `stagecraft rmi`)',
      details: { corrupt: unrepaired, brokenImages: report.brokenImages.length },
    });
  }
}
