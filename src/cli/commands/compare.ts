import type { Command } from 'commander';

interface CompareCommandOptions {
  readonly top: string;
  readonly advice?: boolean;
  readonly file?: string;
  readonly format: string;
}

/** `stagecraft compare`: two images side by side, and what one has that the other lacks. */
export function defineCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('compare two images: total and per-layer sizes side by side, and the largest things one has and the other not (Debian packages, node_modules packages, toolchains, directories)')
    .argument('<a>', 'the first image (name[:tag], name@digest or ID)')
    .argument('<b>', 'the second image')
    .option('-n, --top <n>', 'entries listed per side', '15')
    .option('--advice', 'add advice with measured savings for both images (hashes every file)')
    .option('-f, --file <Dockerfile>', 'the Dockerfile the first image was built from (for advice)')
    .option('--format <format>', 'table or json', 'table')
    .action(async (refA: string, refB: string, options: CompareCommandOptions) => {
      const [{ resolveStateRoot }, { openStore }, report, { parseCount, parseFormat }] = await Promise.all([
        import('../state-root.js'),
        import('../../store/index.js'),
        import('../../report/index.js'),
        import('./report.js'),
      ]);
      const format = await parseFormat(options.format);
      const top = await parseCount('--top', options.top);
      const dockerfile = options.file !== undefined ? await report.readDockerfileFactsFile(options.file) : undefined;
      const advice = options.advice === true || dockerfile !== undefined;
      const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
      const a = await report.analyzeImage(store, refA, { advice, ...(dockerfile !== undefined ? { dockerfile } : {}) });
      const b = await report.analyzeImage(store, refB, { advice });
      const compared = report.compareFileSystems(a, b, { top });
      if (format === 'json') {
        const adviceJson = advice ? { advice: { a: a.advice ?? [], b: b.advice ?? [] } } : {};
        process.stdout.write(JSON.stringify({ ...compared, ...adviceJson }, null, 2) + '\n');
        return;
      }
      process.stdout.write(report.renderCompareText(compared) + '\n');
      if (advice) {
        process.stdout.write('\n' + report.renderAdviceText(refA, a.advice ?? []) + '\n');
        process.stdout.write('\n' + report.renderAdviceText(refB, b.advice ?? []) + '\n');
      }
    });
}
