/** An install command that pulls in development dependencies. */
export interface DevInstall {
  /** The package manager's ecosystem: `node` installs are moot when package.json has no devDependencies. */
  readonly ecosystem: 'node' | 'python' | 'php';
  /** The command as found, e.g. `npm ci`. */
  readonly command: string;
  /** What to write instead. */
  readonly fix: string;
}

const WRAPPERS: ReadonlySet<string> = new Set(['sudo', 'env', 'exec', 'time', 'nice', 'command']);
const NPM_INSTALL: ReadonlySet<string> = new Set(['install', 'i', 'in', 'ins', 'isntall', 'add', 'ci', 'clean-install', 'ic', 'install-clean']);
const DEV_FILE = /(^|[/_.-])(dev|devel|develop|development|test|tests|testing|lint|ci)([/_.-]|$)/i;
const DEV_EXTRA = /\[([^\]]*)\]/;

/** Splits a shell command line into simple commands (at `&&`, `||`, `;`, `|`, `&` and newlines). */
export function simpleCommands(script: string): string[][] {
  return script
    .split(/&&|\|\||[;|&\n]/)
    .map((part) =>
      part
        .trim()
        .split(/\s+/)
        .filter((word) => word !== '' && word !== '\\')
        .map((word) => word.replace(/^["']|["']$/g, '')),
    )
    .filter((words) => words.length > 0);
}

function hasFlag(words: readonly string[], ...flags: readonly string[]): boolean {
  return words.some((word, i) => flags.includes(word) || flags.some((flag) => flag.includes(' ') && `${word} ${words[i + 1] ?? ''}` === flag));
}

function isProductionEnv(env: ReadonlyMap<string, string>): boolean {
  const get = (name: string): string | undefined => {
    for (const [key, value] of env) if (key.toLowerCase() === name.toLowerCase()) return value;
    return undefined;
  };
  return get('NODE_ENV') === 'production' || get('npm_config_production') === 'true' || get('npm_config_omit') === 'dev';
}

function nodeInstall(tool: string, args: readonly string[], env: ReadonlyMap<string, string>): DevInstall | undefined {
  if (isProductionEnv(env)) return undefined;
  const command = [tool, ...args.slice(0, 1)].join(' ');
  if (tool === 'npm') {
    const sub = args[0];
    if (sub === undefined || !NPM_INSTALL.has(sub)) return undefined;
    if (hasFlag(args, '-g', '--global', '--location=global', '--omit=dev', '--omit dev', '--only=prod', '--only=production', '--only prod', '--only production', '--production', '--production=true', '--prod')) return undefined;
    return { ecosystem: 'node', command, fix: `'${sub === 'ci' ? 'npm ci' : 'npm install'} --omit=dev' (or set NODE_ENV=production)` };
  }
  if (tool === 'yarn') {
    const sub = args[0];
    if (sub !== undefined && sub !== 'install' && !sub.startsWith('-')) return undefined;
    if (hasFlag(args, '--production', '--production=true', '--prod')) return undefined;
    return { ecosystem: 'node', command: sub === 'install' ? command : 'yarn', fix: "'yarn install --production' (or 'yarn workspaces focus --production' with Yarn 2+)" };
  }
  if (tool === 'pnpm') {
    const sub = args[0];
    if (sub !== 'install' && sub !== 'i') return undefined;
    if (hasFlag(args, '--prod', '-P', '--production', '--production=true')) return undefined;
    return { ecosystem: 'node', command, fix: "'pnpm install --prod'" };
  }
  return undefined;
}

function pipInstall(args: readonly string[]): DevInstall | undefined {
  const at = args.indexOf('install');
  if (at === -1) return undefined;
  const rest = args.slice(at + 1);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? '';
    let file: string | undefined;
    if (word === '-r' || word === '--requirement') file = rest[i + 1];
    else if (word.startsWith('--requirement=')) file = word.slice('--requirement='.length);
    else if (word.startsWith('-r') && word.length > 2) file = word.slice(2);
    if (file !== undefined && DEV_FILE.test(file)) {
      return { ecosystem: 'python', command: `pip install -r ${file}`, fix: 'only the runtime requirements file' };
    }
    const extras = DEV_EXTRA.exec(word)?.[1];
    if (extras !== undefined && extras.split(',').some((extra) => /^(dev|test|tests|lint|docs)$/.test(extra.trim()))) {
      return { ecosystem: 'python', command: `pip install ${word}`, fix: 'the package without its dev/test extras' };
    }
  }
  return undefined;
}

function pythonTool(tool: string, args: readonly string[]): DevInstall | undefined {
  const sub = args[0];
  if (tool === 'pipenv' && (sub === 'install' || sub === 'sync') && hasFlag(args, '--dev', '-d')) {
    return { ecosystem: 'python', command: `pipenv ${sub} --dev`, fix: `'pipenv ${sub} --deploy' without --dev` };
  }
  if (tool === 'poetry' && sub === 'install') {
    if (hasFlag(args, '--only main', '--only=main', '--without dev', '--without=dev', '--no-dev', '--only-root')) return undefined;
    return { ecosystem: 'python', command: 'poetry install', fix: "'poetry install --only main'" };
  }
  if (tool === 'uv' && sub === 'sync') {
    if (hasFlag(args, '--no-dev', '--only-group')) return undefined;
    return { ecosystem: 'python', command: 'uv sync', fix: "'uv sync --no-dev'" };
  }
  if (tool === 'uv' && sub === 'pip') return pipInstall(args.slice(1));
  return undefined;
}

/**
 * The development-dependency installs in one shell script (a RUN's command), given the variables
 * set for it: npm/yarn/pnpm installs that keep devDependencies, pip installs of dev requirement
 * files or dev extras, `pipenv install --dev`, `poetry install` and `uv sync` with their dev
 * groups, `composer install` without --no-dev.
 */
export function findDevInstalls(script: string, env: ReadonlyMap<string, string>): DevInstall[] {
  const found: DevInstall[] = [];
  for (const words of simpleCommands(script)) {
    const local = new Map(env);
    let i = 0;
    for (; i < words.length; i++) {
      const word = words[i] ?? '';
      const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(word);
      if (assignment !== null) local.set(assignment[1] ?? '', assignment[2] ?? '');
      else if (!WRAPPERS.has(word)) break;
    }
    const tool = (words[i] ?? '').split('/').pop() ?? '';
    const args = words.slice(i + 1);
    let install: DevInstall | undefined;
    if (tool === 'npm' || tool === 'yarn' || tool === 'pnpm') install = nodeInstall(tool, args, local);
    else if (/^pip[0-9.]*$/.test(tool)) install = pipInstall(args);
    else if (/^python[0-9.]*$/.test(tool) && args[0] === '-m' && args[1] === 'pip') install = pipInstall(args.slice(2));
    else if (tool === 'composer' && args[0] === 'install' && !hasFlag(args, '--no-dev') && local.get('COMPOSER_NO_DEV') !== '1') {
      install = { ecosystem: 'php', command: 'composer install', fix: "'composer install --no-dev'" };
    } else install = pythonTool(tool, args);
    if (install !== undefined) found.push(install);
  }
  return found;
}

/** Whether a script prunes node_modules down to production dependencies. */
export function prunesDevDependencies(script: string): boolean {
  return simpleCommands(script).some(
    (words) =>
      words[0] === 'npm' &&
      words[1] === 'prune' &&
      hasFlag(words, '--omit=dev', '--omit dev', '--production', '--only=production', '--only=prod'),
  );
}
