import type { Stage, StageCommand } from '../instructions/index.js';
import { cleanPath } from './check-copy-ignored.js';
import type { LintContextInfo } from './context-info.js';
import { findDevInstalls, prunesDevDependencies } from './dev-dependencies.js';
import type { DevInstall } from './dev-dependencies.js';
import type { LintReporter } from './reporter.js';
import { baseChain, stageLabel } from './stage-graph.js';
import type { StageGraph } from './stage-graph.js';
import { runtimeSuggestion } from './toolchain-images.js';

/** Sources that mean "the whole context" (or all of its top level). */
const WHOLE_CONTEXT: ReadonlySet<string> = new Set(['.', '/', '*', '/*']);

/**
 * FinalStageToolchainBase: the target stage runs (directly or through the stages it builds on) on
 * an image that carries a whole build toolchain, where a slim variant or a small runtime would do.
 */
export function adviseFinalBase(graph: StageGraph, reporter: LintReporter): void {
  const chain = baseChain(graph, graph.target);
  const root = chain[chain.length - 1];
  const final = graph.stages[graph.target];
  if (root === undefined || final === undefined) return;
  const image = graph.baseImage[root];
  const suggestion = image === undefined ? undefined : runtimeSuggestion(image);
  if (image === undefined || suggestion === undefined) return;
  const through = root === graph.target ? '' : ` (through stage ${stageLabel(graph.stages[root] ?? final)})`;
  const multiStage = graph.stages.length > 1;
  let change: string;
  if (suggestion.needsBuilder) {
    change = multiStage
      ? `run it on ${suggestion.instead} and COPY --from the build stage only the built program`
      : `build in a first stage (FROM ${image} AS build) and run on ${suggestion.instead}, copying only the built program`;
  } else {
    change =
      `base it on ${suggestion.instead}` +
      (multiStage
        ? ' and COPY --from the build stage what it needs'
        : ' (if installing dependencies needs compilers, do that in a build stage and copy the result)');
  }
  reporter.report(
    'FinalStageToolchainBase',
    final.from.range,
    `The final stage runs on '${image}'${through}, which carries ${suggestion.carries} the image does not need at run time; ${change}`,
    final.from.node.comments,
  );
}

function copiesWholeContext(command: StageCommand): boolean {
  if (command.kind === 'copy') return command.from === undefined && command.sources.some((s) => WHOLE_CONTEXT.has(cleanPath(s)));
  if (command.kind === 'add') return command.sources.some((s) => WHOLE_CONTEXT.has(cleanPath(s)));
  return false;
}

/** CopyAllIntoFinalStage: `COPY . .` in the target stage or a stage it builds on. */
export function adviseCopyAll(graph: StageGraph, reporter: LintReporter): void {
  const multiStage = graph.stages.length > 1;
  for (const index of baseChain(graph, graph.target)) {
    const stage = graph.stages[index];
    if (stage === undefined) continue;
    const where = index === graph.target ? 'the final image' : `stage ${stageLabel(stage)}, which the final image builds on`;
    for (const command of stage.commands) {
      if (!copiesWholeContext(command)) continue;
      const verb = command.node.keywordText.toUpperCase();
      const instead = multiStage
        ? 'copy only what the application needs at run time (COPY --from the build stage, or name the files)'
        : 'build in a separate stage and copy only its output, or name the files the application needs';
      reporter.report(
        'CopyAllIntoFinalStage',
        command.range,
        `${verb} of the whole build context puts sources, tests and build files into ${where}; ${instead}`,
        command.node.comments,
      );
    }
  }
}

/** Values of ENV (and ARG defaults) set before each command, for NODE_ENV and friends. */
function envBefore(chain: readonly Stage[]): Map<StageCommand, Map<string, string>> {
  const result = new Map<StageCommand, Map<string, string>>();
  const env = new Map<string, string>();
  const unquote = (text: string): string => text.replace(/^(["'])(.*)\1$/, '$2');
  for (const stage of chain) {
    for (const command of stage.commands) {
      result.set(command, new Map(env));
      if (command.kind === 'env') for (const pair of command.env) env.set(pair.key, unquote(pair.value));
      if (command.kind === 'arg') for (const arg of command.args) if (arg.value !== undefined) env.set(arg.key, unquote(arg.value));
    }
  }
  return result;
}

function runScripts(command: StageCommand): string[] {
  if (command.kind !== 'run') return [];
  return [command.command.args.join(' '), ...command.command.files.map((file) => file.data)];
}

/** Whether the context's package.json is known to declare no devDependencies. */
function noNodeDevDependencies(context: LintContextInfo | undefined): boolean {
  const text = context?.readText?.('package.json');
  if (text === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return false;
    const dev: unknown = (parsed as Record<string, unknown>)['devDependencies'];
    return dev === undefined || (typeof dev === 'object' && dev !== null && Object.keys(dev).length === 0);
  } catch {
    return false;
  }
}

/** The dev installs a stage chain (a stage and its bases, base first) leaves in place. */
function devInstallsOf(stages: readonly Stage[], skipNode: boolean): { command: StageCommand; install: DevInstall }[] {
  const env = envBefore(stages);
  const found: { command: StageCommand; install: DevInstall }[] = [];
  for (const stage of stages) {
    for (const command of stage.commands) {
      for (const script of runScripts(command)) {
        for (const install of findDevInstalls(script, env.get(command) ?? new Map())) {
          if (!(skipNode && install.ecosystem === 'node')) found.push({ command, install });
        }
        // `npm prune --omit=dev` (usually after the install, in the same RUN) undoes them.
        if (prunesDevDependencies(script)) {
          for (let i = found.length - 1; i >= 0; i--) if (found[i]?.install.ecosystem === 'node') found.splice(i, 1);
        }
      }
    }
  }
  return found;
}

/**
 * DevDependenciesInFinalStage: the final image gets development dependencies, either installed in
 * the target stage (or a stage it builds on), or copied in as node_modules from a stage that
 * installed them.
 */
export function adviseDevDependencies(graph: StageGraph, reporter: LintReporter, context: LintContextInfo | undefined): void {
  const skipNode = noNodeDevDependencies(context);
  const chainOf = (index: number): Stage[] =>
    baseChain(graph, index)
      .reverse()
      .map((i) => graph.stages[i])
      .filter((stage): stage is Stage => stage !== undefined);
  const finalChain = chainOf(graph.target);
  for (const { command, install } of devInstallsOf(finalChain, skipNode)) {
    const what = install.ecosystem === 'node' ? 'devDependencies' : 'development dependencies';
    reporter.report(
      'DevDependenciesInFinalStage',
      command.range,
      `'${install.command}' installs ${what} into the final image; use ${install.fix} there, or install in a build stage and copy only what runs`,
      command.node.comments,
    );
  }
  if (skipNode) return;
  const byName = new Map(graph.stages.filter((s) => s.name !== undefined).map((s) => [s.name ?? '', s.index]));
  for (const stage of finalChain) {
    for (const command of stage.commands) {
      if (command.kind !== 'copy' || command.from === undefined) continue;
      if (!command.sources.some((source) => /(^|\/)node_modules$/.test(cleanPath(source)))) continue;
      const from = /^\d+$/.test(command.from) ? Number(command.from) : byName.get(command.from.toLowerCase());
      if (from === undefined || graph.stages[from] === undefined) continue;
      const installs = devInstallsOf(chainOf(from), false).filter((found) => found.install.ecosystem === 'node');
      const first = installs[0];
      if (first === undefined) continue;
      reporter.report(
        'DevDependenciesInFinalStage',
        command.range,
        `node_modules copied from stage ${stageLabel(graph.stages[from] ?? stage)} includes the devDependencies '${first.install.command}' installed there; run 'npm prune --omit=dev' in that stage before copying, or copy from a stage that ran 'npm ci --omit=dev'`,
        command.node.comments,
      );
    }
  }
}
