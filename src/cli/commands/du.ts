import type { Command } from 'commander';

interface DuCommandOptions {
  readonly depth: string;
  readonly top: string;
  readonly advice?: boolean;
  readonly file?: string;
  readonly format: string;
}

/** `stagecraft du`: sizes by path in an image, with the layer that wrote each, wasted bytes and efficiency. */
export function defineDuCommand(program: Command): void {
  program
    .command('du')
    .description('show sizes by path in an image with the layer that wrote each, wasted bytes (written, then deleted or overwritten) and an efficiency score as dive computes it')
    .argument('<image>', 'name[:tag], name@digest, or an image ID')
    .argument('[path]', 'where to start inside the image', '/')
    .option('-d, --depth <n>', 'levels of directories to list', '1')
    .option('-n, --top <n>', 'entries listed per directory, biggest first', '20')
    .option('--advice', 'add advice with measured savings (hashes every file)')
    .option('-f, --file <Dockerfile>', 'the Dockerfile the image was built from (for advice)')
    .option('--format <format>', 'table or json', 'table')
    .action(async (ref: string, path: string, options: DuCommandOptions) => {
      const [{ resolveStateRoot }, { openStore }, report, { parseCount, parseFormat }] = await Promise.all([
        import('../state-root.js'),
        import('../../store/index.js'),
        import('../../report/index.js'),
        import('./report.js'),
      ]);
      const format = await parseFormat(options.format);
      const depth = await parseCount('--depth', options.depth);
      const top = await parseCount('--top', options.top);
      const dockerfile = options.file !== undefined ? await report.readDockerfileFactsFile(options.file) : undefined;
      const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
      const analyzed = await report.analyzeImage(store, ref, { advice: options.advice === true || dockerfile !== undefined, ...(dockerfile !== undefined ? { dockerfile } : {}) });
      const du = report.summarizeDu(analyzed.fs, { path, depth, top });
      if (format === 'json') {
        process.stdout.write(JSON.stringify({ image: ref, ...du, ...(analyzed.advice !== undefined ? { advice: analyzed.advice } : {}) }, null, 2) + '\n');
        return;
      }
      process.stdout.write(report.renderDuText(ref, du) + '\n');
      if (analyzed.advice !== undefined) process.stdout.write('\n' + report.renderAdviceText(ref, analyzed.advice) + '\n');
    });
}
