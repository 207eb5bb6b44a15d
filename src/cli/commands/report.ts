import type { Command } from 'commander';

interface ReportCommandOptions {
  readonly output: string;
  readonly advice: boolean;
  readonly file?: string;
  readonly maxNodes: string;
}

/** A non-negative whole-number option (`--depth 2`); USAGE otherwise. */
export async function parseCount(flag: string, text: string): Promise<number> {
  const { BuildError } = await import('../../errors/index.js');
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new BuildError('USAGE', `${flag} wants a whole number, not ${JSON.stringify(text)}`);
  return value;
}

/** `--format`: table (or text) or json; USAGE otherwise. */
export async function parseFormat(text: string): Promise<'table' | 'json'> {
  const { BuildError } = await import('../../errors/index.js');
  if (text === 'table' || text === 'text') return 'table';
  if (text === 'json') return 'json';
  throw new BuildError('USAGE', `unknown format ${JSON.stringify(text)}: use table or json`);
}

/** `stagecraft report`: one self-contained HTML page explaining one or more images. */
export function defineReportCommand(program: Command): void {
  program
    .command('report')
    .description('write one self-contained HTML page with a treemap of each image by size (coloured by layer), per-layer bars, advice, and for two images their comparison')
    .argument('<image...>', 'the images (name[:tag], name@digest or ID); two are compared')
    .option('-o, --output <file>', 'where to write the page', 'report.html')
    .option('--no-advice', 'leave the advice out (faster: files are not hashed)')
    .option('-f, --file <Dockerfile>', 'the Dockerfile the first image was built from (for advice)')
    .option('--max-nodes <n>', 'most treemap boxes per image', '2500')
    .action(async (refs: string[], options: ReportCommandOptions) => {
      const [{ writeFile }, { resolveStateRoot }, { openStore }, report] = await Promise.all([
        import('node:fs/promises'),
        import('../state-root.js'),
        import('../../store/index.js'),
        import('../../report/index.js'),
      ]);
      const maxNodes = await parseCount('--max-nodes', options.maxNodes);
      const dockerfile = options.file !== undefined ? await report.readDockerfileFactsFile(options.file) : undefined;
      const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
      const analyzed = [];
      for (const [i, ref] of refs.entries()) {
        analyzed.push(await report.analyzeImage(store, ref, { advice: options.advice, ...(i === 0 && dockerfile !== undefined ? { dockerfile } : {}) }));
      }
      const html = report.renderReportHtml(report.buildReportData(analyzed, { maxNodes: Math.max(maxNodes, 1) }));
      await writeFile(options.output, html);
      const sizes = analyzed.map((a) => `${a.name} ${report.formatBytes(a.fs.totalBytes)}`).join(', ');
      process.stdout.write(`wrote ${options.output} (${report.formatBytes(Buffer.byteLength(html))}): ${sizes}\n`);
    });
}
