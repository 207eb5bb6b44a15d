import { Command, CommanderError } from 'commander';
import { commandDefinitions } from './commands/index.js';
import { adoptExtraCaCerts } from './extra-ca-certs.js';
import { ExitCode, formatError } from './report-error.js';
import { stagecraftVersion } from './version.js';

/** Builds the command tree. Each command module only declares its flags; its work loads lazily. */
export function createProgram(): Command {
  const program = new Command('stagecraft')
    .description('A daemonless container image builder')
    .option('--root <dir>', 'state directory (env STAGECRAFT_ROOT)')
    .addHelpText('after', '\n`stagecraft --version` prints the version.')
    .showHelpAfterError()
    .exitOverride();
  for (const define of commandDefinitions) define(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  adoptExtraCaCerts();
  // Only as the first argument: later, `--version` belongs to the command (`run IMAGE node --version`).
  if (argv[0] === '--version') {
    process.stdout.write(`stagecraft version ${stagecraftVersion()}\n`);
    return;
  }
  const program = createProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed what was wrong (or the help/version text).
      process.exitCode = err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      return;
    }
    const { text, exitCode } = formatError(err);
    process.stderr.write(text + '\n');
    process.exitCode = exitCode;
  }
}
