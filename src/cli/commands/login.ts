import type { Command } from 'commander';

interface LoginCommandOptions {
  readonly username?: string;
  readonly password?: string;
  readonly passwordStdin?: boolean;
  readonly registriesConf?: string;
}

/** `stagecraft login`: checks credentials against a registry, then stores them as docker does. */
export function defineLoginCommand(program: Command): void {
  program
    .command('login')
    .description('log in to a registry (credentials are checked, then kept in ~/.docker/config.json or its credential helper)')
    .argument('[server]', 'the registry (default: docker.io)', 'docker.io')
    .option('-u, --username <name>', 'the username')
    .option('-p, --password <password>', 'the password or token (prefer --password-stdin)')
    .option('--password-stdin', 'read the password or token from standard input')
    .option('--registries-conf <file>', 'read this registries.conf (for `insecure`) instead of the system and user ones')
    .action(async (server: string, options: LoginCommandOptions) => {
      await runLogin(server, options);
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks on the terminal; with `hidden`, what is typed is not echoed. */
async function prompt(question: string, hidden: boolean): Promise<string> {
  const { createInterface } = await import('node:readline');
  const { Writable } = await import('node:stream');
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, (answer) => {
        resolve(answer);
      });
      muted = hidden;
    });
  } finally {
    rl.close();
    if (hidden) process.stderr.write('\n');
  }
}

async function runLogin(server: string, options: LoginCommandOptions): Promise<void> {
  const [{ BuildError }, registry] = await Promise.all([import('../../errors/index.js'), import('../../registry/index.js')]);
  if (options.password !== undefined && options.passwordStdin === true) {
    throw new BuildError('USAGE', '--password and --password-stdin are mutually exclusive');
  }
  const interactive = process.stdin.isTTY;
  let username = options.username;
  if (username === undefined || username === '') {
    if (options.passwordStdin === true || !interactive) {
      throw new BuildError('USAGE', 'login needs a username: pass -u NAME', { hint: 'with --password-stdin the username must come from -u' });
    }
    username = (await prompt('Username: ', false)).trim();
  }
  let password = options.password;
  if (password !== undefined) {
    process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  } else if (options.passwordStdin === true) {
    password = await readStdin();
  } else if (interactive) {
    password = await prompt('Password: ', true);
  } else {
    throw new BuildError('USAGE', 'login needs a password: pass --password-stdin (or -p)');
  }
  const settings = await registry.loadRegistrySettings(process.env, options.registriesConf === undefined ? {} : { registriesConf: options.registriesConf });
  const name = registry.normalizeRegistryName(server);
  const result = await registry.login(server, { username, password }, {
    ...settings.credentials,
    insecure: registry.isInsecureRegistry(settings.registriesConfig, name),
  });
  if (result.storedIn === 'config') {
    process.stderr.write(`WARNING! Your password will be stored unencrypted in ${registry.dockerConfigPath(settings.credentials.configDir)}.\n`);
  }
  process.stdout.write('Login Succeeded\n');
}
