#!/usr/bin/env node
// The stagecraft CLI as bin/stagecraft runs it, plus `build` when the compiled command list does not
// declare it yet (dist/cli/commands/build.js exists before it is wired into the command index).
// The benchmark runs bin/stagecraft itself as soon as `bin/stagecraft build --help` works.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
const { createProgram } = await import(join(dist, 'cli', 'main.js'));
const { formatError } = await import(join(dist, 'cli', 'report-error.js'));
const { CommanderError } = await import('commander');

const program = createProgram();
if (!program.commands.some((command) => command.name() === 'build')) {
  const { defineBuildCommand } = await import(join(dist, 'cli', 'commands', 'build.js'));
  defineBuildCommand(program);
}
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    const { text, exitCode } = formatError(err);
    process.stderr.write(text + '\n');
    process.exitCode = exitCode;
  }
}
