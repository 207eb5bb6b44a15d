import type { Command } from 'commander';

interface DebugParseOptions {
  readonly format: string;
}

/** `stagecraft debug ...`: developer views of stagecraft's internals. */
export function defineDebugCommand(program: Command): void {
  const debug = program.command('debug').description('show what stagecraft makes of its inputs (for debugging)');
  debug
    .command('parse')
    .description("print a Dockerfile's syntax tree, in BuildKit's parser test format by default")
    .argument('<file>', 'the Dockerfile (- reads standard input)')
    .option('--format <format>', 'dump (BuildKit result format) or json (the full tree with ranges)', 'dump')
    .action(async (file: string, options: DebugParseOptions) => {
      await runDebugParse(file, options);
    });
}

async function runDebugParse(file: string, options: DebugParseOptions): Promise<void> {
  const [{ readFile }, errors, syntax] = await Promise.all([
    import('node:fs/promises'),
    import('../../errors/index.js'),
    import('../../dockerfile/syntax/index.js'),
  ]);
  if (options.format !== 'dump' && options.format !== 'json') {
    throw new errors.BuildError('USAGE', `unknown format ${JSON.stringify(options.format)}: use dump or json`);
  }
  const fromStdin = file === '-';
  let text: string;
  try {
    text = fromStdin ? await readStdin() : await readFile(file, 'utf8');
  } catch {
    throw new errors.BuildError('DOCKERFILE_NOT_FOUND', `failed to read dockerfile: open ${file}: no such file or directory`, {
      hint: 'give the path of a Dockerfile, or - to read standard input',
    });
  }
  const name = fromStdin ? '<stdin>' : file;
  const ast = syntax.parseDockerfile(text, { file: name });
  for (const warning of ast.warnings) {
    process.stderr.write(`warning: ${name}:${warning.range.start.line}: ${warning.message} (${warning.rule})\n`);
  }
  process.stdout.write(options.format === 'json' ? JSON.stringify(ast, null, 2) + '\n' : syntax.dumpAst(ast));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
