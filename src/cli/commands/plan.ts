import type { Command } from 'commander';
import { readDockerfileInput } from '../read-dockerfile.js';

interface PlanCommandOptions {
  readonly file?: string;
  readonly target?: string;
  readonly buildArg: string[];
  readonly platform?: string;
  readonly format: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `stagecraft plan`: what a build of the Dockerfile would do, without running anything. */
export function definePlanCommand(program: Command): void {
  program
    .command('plan')
    .description('show the build plan: stages, what the target needs, what can run at the same time, the steps')
    .argument('[context]', 'the build context directory', '.')
    .option('-f, --file <path>', 'the Dockerfile (default: CONTEXT/Dockerfile; - reads standard input)')
    .option('--target <stage>', 'the stage to build (default: the last stage)')
    .option('--build-arg <name[=value]>', 'a build-time variable (repeatable); NAME alone takes it from the environment', collect, [])
    .option('--platform <os/arch[/variant]>', 'the platform to build for (default: this machine)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (context: string, options: PlanCommandOptions) => {
      await runPlan(context, options);
    });
}

async function runPlan(contextDir: string, options: PlanCommandOptions): Promise<void> {
  const [errors, syntax, instructions, plan, oci] = await Promise.all([
    import('../../errors/index.js'),
    import('../../dockerfile/syntax/index.js'),
    import('../../dockerfile/instructions/index.js'),
    import('../../plan/index.js'),
    import('../../oci/index.js'),
  ]);
  const { BuildError, isBuildError } = errors;
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

  const { file, text } = await readDockerfileInput(contextDir, options.file, {
    contextHint: 'give the build context directory as the last argument (default: the current directory)',
  });

  try {
    const ast = syntax.parseDockerfile(text, { file });
    const parsed = instructions.parseStages(ast);
    const result = plan.planBuild(parsed, {
      hostPlatform: oci.hostPlatform(process.platform, process.arch),
      buildArgs,
      escapeChar: ast.escapeChar,
      file,
      ...(options.target !== undefined ? { target: options.target } : {}),
      ...(platform !== undefined ? { platform } : {}),
    });
    process.stdout.write(options.format === 'json' ? JSON.stringify(result, null, 2) + '\n' : plan.formatPlanText(result));
  } catch (error) {
    // Errors from the layers below point into the Dockerfile; make sure they name it.
    if (isBuildError(error) && error.file === undefined && error.locations.length > 0) {
      throw new BuildError(error.code, error.message, {
        locations: error.locations,
        file,
        ...(error.hint !== undefined ? { hint: error.hint } : {}),
        details: error.details,
        cause: error.cause,
      });
    }
    throw error;
  }
}
