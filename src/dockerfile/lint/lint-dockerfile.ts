import { BuildError, isBuildError } from '../../errors/index.js';
import { parseStages } from '../instructions/index.js';
import type { ParsedDockerfile } from '../instructions/index.js';
import { EMPTY_CONTINUATION_RULE, parseDockerfile, UNSUPPORTED_SYNTAX_RULE } from '../syntax/index.js';
import type { DockerfileAst, ParseWarning } from '../syntax/index.js';
import { adviseCopyAll, adviseDevDependencies, adviseFinalBase } from './advice-final-stage.js';
import { adviseDockerignore, adviseIndexReferences, adviseUnusedStages } from './advice-stages.js';
import { CheckOptionsError, parseCheckOptions } from './check-options.js';
import type { CheckOptions } from './check-options.js';
import { checkDefaultArgsInFrom, checkFromArgs } from './check-from-args.js';
import { checkInstructionCasing, checkStageNames } from './check-stage-names.js';
import type { LintContextInfo } from './context-info.js';
import { compareDiagnostics } from './diagnostic.js';
import type { Diagnostic } from './diagnostic.js';
import { buildGlobalScope, platformArgs } from './global-scope.js';
import { knownImageEnv } from './image-env.js';
import { LintReporter } from './reporter.js';
import { buildStageGraph } from './stage-graph.js';
import { walkStages } from './stage-walk.js';

export interface LintOptions {
  /** The Dockerfile's path, for diagnostics and errors. Default `Dockerfile`. */
  readonly file?: string;
  /**
   * Check options from the command line (`skip=...;error=...`, BuildKit's
   * BUILDKIT_DOCKERFILE_CHECK); when given they replace the Dockerfile's `# check=` directive.
   */
  readonly check?: string;
  /** The stage the build targets (what UnusedStage and the final-stage advice look at); default the last. */
  readonly target?: string;
  /** `--build-arg` values. */
  readonly buildArgs?: ReadonlyMap<string, string>;
  /** Platforms for the predefined ARGs; default `linux/amd64` for both. */
  readonly buildPlatform?: string;
  readonly targetPlatform?: string;
  /**
   * The variable names a base image's config sets (without PATH), if the caller knows them;
   * undefined falls back to a table of well-known official images.
   */
  readonly imageEnv?: (image: string) => readonly string[] | undefined;
  /** The build context, for CopyIgnoredFile, MissingDockerignore and package.json-aware advice. */
  readonly context?: LintContextInfo;
  /** Run stagecraft's multi-stage advice as well as BuildKit's checks (default true). */
  readonly advice?: boolean;
}

function resolveCheckOptions(ast: DockerfileAst, options: LintOptions, file: string): CheckOptions {
  const directive = ast.directives.find((d) => d.name === 'check');
  const text = options.check ?? directive?.value ?? '';
  try {
    return parseCheckOptions(text);
  } catch (error) {
    if (!(error instanceof CheckOptionsError)) throw error;
    const fromFlag = options.check !== undefined;
    throw new BuildError(
      fromFlag ? 'USAGE' : 'INVALID_DIRECTIVE',
      `failed to parse check options: ${error.message}`,
      {
        ...(!fromFlag && directive !== undefined ? { locations: [directive.range], file } : {}),
        hint: 'the form is skip=Rule1,Rule2 or skip=all, error=true|false, joined with ";"',
        details: { value: text },
      },
    );
  }
}

/** Parser warnings as diagnostics (located like BuildKit: an empty continuation at its instruction's end). */
function reportParseWarnings(ast: DockerfileAst, warnings: readonly ParseWarning[], reporter: LintReporter): void {
  for (const warning of warnings) {
    if (warning.rule === EMPTY_CONTINUATION_RULE) {
      const line = warning.range.start.line;
      const owner = ast.instructions.find((node) => node.range.start.line <= line && line <= node.range.end.line);
      const end = owner !== undefined && owner.heredocs.length === 0 ? owner.range.end.line : line;
      const range = { start: { line: end, column: 1 }, end: { line: end, column: 1 } };
      reporter.report('NoEmptyContinuation', range, 'Empty continuation line');
    } else if (warning.rule === UNSUPPORTED_SYNTAX_RULE) {
      reporter.report('UnsupportedSyntax', warning.range, warning.message);
    }
  }
}

/** The error with `file` recorded, so the CLI can show a code frame. */
function withFile(error: BuildError, file: string): BuildError {
  if (error.file !== undefined) return error;
  return new BuildError(error.code, error.message, {
    locations: error.locations,
    file,
    ...(error.hint !== undefined ? { hint: error.hint } : {}),
    details: error.details,
    cause: error.cause,
  });
}

/** Drops repeated findings (same rule, place and message) and orders the rest by position. */
function tidy(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const key = `${d.rule}\u0000${d.range.start.line}:${d.range.start.column}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(compareDiagnostics);
}

/**
 * Lints a parsed Dockerfile: BuildKit's build checks over every stage (as `docker build --check`
 * does), the context-aware checks when `options.context` is given, and stagecraft's multi-stage
 * advice. Pure: it reads nothing but its arguments.
 */
export function lintParsed(ast: DockerfileAst, parsed: ParsedDockerfile, options: LintOptions = {}): Diagnostic[] {
  const file = options.file ?? 'Dockerfile';
  const reporter = new LintReporter(file, resolveCheckOptions(ast, options, file));
  const escapeChar = ast.escapeChar;
  const buildArgs = options.buildArgs ?? new Map<string, string>();
  const { stages, metaArgs } = parsed;
  const lastStage = stages[stages.length - 1];
  const predefined = platformArgs(
    options.buildPlatform ?? 'linux/amd64',
    options.targetPlatform ?? 'linux/amd64',
    options.target ?? lastStage?.name,
  );
  const scope = buildGlobalScope(metaArgs, { escapeChar, buildArgs, platformArgs: predefined });
  const defaults = buildGlobalScope(metaArgs, { escapeChar, buildArgs: new Map(), platformArgs: predefined });

  reportParseWarnings(ast, ast.warnings, reporter);
  checkStageNames(stages, reporter);
  checkInstructionCasing(stages, reporter);
  checkDefaultArgsInFrom(stages, defaults, escapeChar, reporter);
  checkFromArgs(stages, scope, escapeChar, reporter);
  const imageEnv = options.imageEnv;
  walkStages(stages, {
    escapeChar,
    scope,
    buildArgs,
    imageEnv: (image) => imageEnv?.(image) ?? knownImageEnv(image),
    ignore: options.context?.ignore,
    reporter,
  });

  const graph = buildStageGraph(stages, { scope, escapeChar, target: options.target });
  if (options.advice !== false) {
    adviseFinalBase(graph, reporter);
    adviseCopyAll(graph, reporter);
    adviseDevDependencies(graph, reporter, options.context);
    adviseIndexReferences(graph, reporter);
    adviseUnusedStages(graph, reporter);
    if (options.context !== undefined) adviseDockerignore(graph, reporter, options.context);
  }
  return tidy(reporter.diagnostics);
}

/**
 * Parses and lints a Dockerfile's text. Parse errors are thrown as located BuildErrors (as for a
 * build); everything else becomes a Diagnostic. Duplicate stage names are findings here, not errors.
 */
export function lintDockerfile(text: string, options: LintOptions = {}): Diagnostic[] {
  const file = options.file ?? 'Dockerfile';
  const ast = parseDockerfile(text, { file });
  let parsed: ParsedDockerfile;
  try {
    parsed = parseStages(ast, { allowDuplicateStageNames: true });
  } catch (error) {
    throw isBuildError(error) ? withFile(error, file) : error;
  }
  return lintParsed(ast, parsed, options);
}
