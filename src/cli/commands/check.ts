import type { Command } from 'commander';
import { readDockerfileInput } from '../read-dockerfile.js';
import type { LintContextInfo } from '../../dockerfile/lint/index.js';

interface CheckCommandOptions {
  readonly file?: string;
  readonly format: string;
  readonly check?: string;
  readonly target?: string;
  readonly buildArg: string[];
  readonly platform?: string;
  readonly advice: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `stagecraft check`: BuildKit's build checks and stagecraft's multi-stage advice for a Dockerfile. */
export function defineCheckCommand(program: Command): void {
  program
    .command('check')
    .description("check a Dockerfile: BuildKit's build checks and multi-stage advice, with file:line:col and a code frame")
    .argument('[context]', 'the build context directory', '.')
    .option('-f, --file <path>', 'the Dockerfile (default: CONTEXT/Dockerfile; - reads standard input)')
    .option('--format <format>', 'text or json', 'text')
    .option('--check <options>', 'check options replacing the # check= directive, e.g. "skip=UnusedStage;error=true"')
    .option('--target <stage>', 'the stage the build targets (default: the last stage)')
    .option('--build-arg <name[=value]>', 'a build-time variable (repeatable); NAME alone takes it from the environment', collect, [])
    .option('--platform <os/arch[/variant]>', 'the platform to build for (default: this machine)')
    .option('--no-advice', "only BuildKit's checks, without stagecraft's multi-stage advice")
    .action(async (context: string, options: CheckCommandOptions) => {
      process.exitCode = await runCheck(context, options);
    });
}

/** Reads what the context-aware checks need: the top-level names, the ignore file, package.json. */
async function gatherContext(contextDir: string, dockerfile: string | undefined): Promise<LintContextInfo> {
  const [{ readdir, readFile }, path, context] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('../../context/index.js'),
  ]);
  const entries = (await readdir(contextDir, { withFileTypes: true })).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
  const resolved = await context.resolveDockerignore(contextDir, dockerfile ?? path.join(contextDir, 'Dockerfile'));
  let ignore: LintContextInfo['ignore'];
  if (resolved.path !== undefined) {
    const matcher = new context.PatternMatcher(resolved.patterns);
    ignore = {
      hasExclusions: matcher.hasExclusions,
      patterns: matcher.patterns.filter((p) => !p.exclusion).map((p) => p.pattern),
      matchesOrParentMatches: (p) => matcher.matches(p),
    };
  }
  const texts = new Map<string, string>();
  if (entries.includes('package.json')) {
    const text = await readFile(path.join(contextDir, 'package.json'), 'utf8').catch(() => undefined);
    if (text !== undefined && text.length < 1_000_000) texts.set('package.json', text);
  }
  return {
    entries,
    ignoreFile: resolved.path === undefined ? undefined : path.relative('.', resolved.path) || resolved.path,
    ignore,
    readText: (p) => texts.get(p),
  };
}

async function runCheck(contextDir: string, options: CheckCommandOptions): Promise<number> {
  const [errors, lint, oci] = await Promise.all([
    import('../../errors/index.js'),
    import('../../dockerfile/lint/index.js'),
    import('../../oci/index.js'),
  ]);
  const { BuildError } = errors;
  const usage = (message: string): never => {
    throw new BuildError('USAGE', message);
  };
  if (options.format !== 'text' && options.format !== 'json') usage(`unknown format ${JSON.stringify(options.format)}: use text or json`);
  const platform = options.platform === undefined ? undefined : oci.parsePlatform(options.platform);
  if (options.platform !== undefined && platform === undefined) {
    usage(`invalid platform ${JSON.stringify(options.platform)}: use os/arch[/variant], e.g. linux/arm64`);
  }
  const buildArgs = new Map<string, string>();
  for (const text of options.buildArg) {
    const eq = text.indexOf('=');
    const name = eq === -1 ? text : text.slice(0, eq);
    if (name === '') {
      throw new BuildError('INVALID_BUILD_ARG', `invalid --build-arg ${JSON.stringify(text)}: the name is empty`, {
        hint: 'write --build-arg NAME=value',
      });
    }
    const value = eq === -1 ? process.env[name] : text.slice(eq + 1);
    if (value !== undefined) buildArgs.set(name, value);
  }

  const { file, text, fromStdin } = await readDockerfileInput(contextDir, options.file, {
    contextHint: 'give the build context directory as the last argument (default: the current directory)',
  });

  const host = oci.formatPlatform(oci.hostPlatform(process.platform, process.arch));
  // As BuildKit, the BUILDKIT_DOCKERFILE_CHECK build argument also carries check options.
  const check = options.check ?? buildArgs.get('BUILDKIT_DOCKERFILE_CHECK');
  const diagnostics = lint.lintDockerfile(text, {
    file,
    buildArgs,
    buildPlatform: host,
    targetPlatform: platform === undefined ? host : oci.formatPlatform(platform),
    context: await gatherContext(contextDir, fromStdin ? undefined : file),
    advice: options.advice,
    ...(check !== undefined ? { check } : {}),
    ...(options.target !== undefined ? { target: options.target } : {}),
  });
  process.stdout.write(
    options.format === 'json'
      ? lint.formatDiagnosticsJson(diagnostics)
      : lint.formatDiagnosticsText(diagnostics, { source: text }),
  );
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
