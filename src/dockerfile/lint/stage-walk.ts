import type { SourceRange } from '../../errors/index.js';
import type { ArgInstruction, Stage, StageCommand } from '../instructions/index.js';
import { expandWord, expandWords } from '../shell/index.js';
import type { EscapeChar, ExpandedWord } from '../shell/index.js';
import { checkExposedPort } from './check-expose.js';
import { ignoredCopySource, isRemoteSource } from './check-copy-ignored.js';
import { looksLikeSecretName, secretMessage } from './check-secrets.js';
import type { IgnoreMatcher } from './context-info.js';
import { expandableWords } from './expandable-words.js';
import type { GlobalScope } from './global-scope.js';
import type { LintReporter } from './reporter.js';
import { suggestName } from './suggest-name.js';

/** The PATH BuildKit gives a Linux image that sets none. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Arguments BuildKit reads itself and never puts in the environment. */
const NON_ENV_ARGS: ReadonlySet<string> = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);

/** What a stage has built up so far, as far as the checks care. */
interface StageState {
  /** The environment instructions see: the base's, then ARGs with a value and ENVs, in order. */
  readonly env: Map<string, string>;
  /** Every ARG declared in this stage or the stages it builds on (with or without a value). */
  readonly declaredArgs: Set<string>;
  workdirSet: boolean;
  shellSet: boolean;
}

export interface StageWalkOptions {
  readonly escapeChar: EscapeChar;
  readonly scope: GlobalScope;
  readonly buildArgs: ReadonlyMap<string, string>;
  /** The variable names a base image sets (PATH is added when missing). */
  readonly imageEnv: (image: string) => readonly string[];
  /** The .dockerignore of the context, for CopyIgnoredFile; undefined skips that rule. */
  readonly ignore: IgnoreMatcher | undefined;
  readonly reporter: LintReporter;
}

function tryExpand(word: string, env: ReadonlyMap<string, string>, escapeChar: EscapeChar, raw = false): ExpandedWord | undefined {
  try {
    return expandWord(word, env, raw ? { escapeChar: '\\', skipProcessQuotes: true } : { escapeChar });
  } catch {
    return undefined;
  }
}

class StageWalker {
  private readonly finished = new Map<string, StageState>();

  constructor(private readonly options: StageWalkOptions) {}

  walk(stages: readonly Stage[]): void {
    for (const stage of stages) {
      const state = this.initialState(stage);
      const trackers = new Map<string, SourceRange>();
      for (const command of stage.commands) this.dispatch(command, state, trackers);
      if (stage.name !== undefined) this.finished.set(stage.name, state);
    }
  }

  /** A stage starts from the stage it names (if defined above), else from an image's config. */
  private initialState(stage: Stage): StageState {
    const { scope, escapeChar } = this.options;
    const baseName = tryExpand(stage.from.image, scope.env, escapeChar)?.value ?? stage.from.image;
    const base = this.finished.get(baseName);
    if (base !== undefined) {
      return { env: new Map(base.env), declaredArgs: new Set(base.declaredArgs), workdirSet: base.workdirSet, shellSet: base.shellSet };
    }
    const env = new Map<string, string>();
    if (baseName !== 'scratch') for (const name of this.options.imageEnv(baseName)) env.set(name, '');
    if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH);
    return { env, declaredArgs: new Set(), workdirSet: false, shellSet: false };
  }

  private reportUnset(command: StageCommand, expanded: ExpandedWord, state: StageState): void {
    for (const name of expanded.unset) {
      if (state.declaredArgs.has(name) || NON_ENV_ARGS.has(name)) continue;
      const suggestion = suggestName(name, state.env.keys());
      const message =
        `Usage of undefined variable '$${name}'` + (suggestion !== undefined ? ` (did you mean $${suggestion}?)` : '');
      this.options.reporter.report('UndefinedVar', command.range, message, command.node.comments);
    }
  }

  /** Expands a word for the checks, reporting variables that are not defined. */
  private expand(command: StageCommand, text: string, state: StageState, raw = false): string | undefined {
    const expanded = tryExpand(text, state.env, this.options.escapeChar, raw);
    if (expanded === undefined) return undefined;
    this.reportUnset(command, expanded, state);
    return expanded.value;
  }

  private dispatch(command: StageCommand, state: StageState, trackers: Map<string, SourceRange>): void {
    const { reporter } = this.options;
    const comments = command.node.comments;
    const keyword = command.node.keywordText;
    // Words are expanded against the environment as it was before the instruction.
    const before = new Map(state.env);
    const expanded = new Map<string, string | undefined>();
    if (command.kind !== 'arg') {
      for (const word of expandableWords(command)) {
        expanded.set(word.text, this.expand(command, word.text, { ...state, env: before }, word.raw));
      }
    }
    const value = (text: string): string => expanded.get(text) ?? text;
    switch (command.kind) {
      case 'env':
        for (const pair of command.env) {
          if (pair.noDelimiter) reporter.report('LegacyKeyValueFormat', command.range, legacyMessage(keyword), comments);
          const key = value(pair.key);
          if (looksLikeSecretName(key)) reporter.report('SecretsUsedInArgOrEnv', command.range, secretMessage('ENV', key), comments);
          state.env.set(key, value(pair.value));
        }
        break;
      case 'label':
        for (const pair of command.labels) {
          if (pair.noDelimiter) reporter.report('LegacyKeyValueFormat', command.range, legacyMessage(keyword), comments);
        }
        break;
      case 'arg':
        this.dispatchArg(command, state);
        break;
      case 'workdir': {
        const path = value(command.path);
        if (!state.workdirSet && !path.startsWith('/')) {
          reporter.report(
            'WorkdirRelativePath',
            command.range,
            `Relative workdir ${JSON.stringify(path)} can have unexpected results if the base image changes`,
            comments,
          );
        }
        state.workdirSet = true;
        break;
      }
      case 'shell':
        state.shellSet = true;
        break;
      case 'cmd':
      case 'entrypoint':
        this.usedOnce(command, trackers);
        if (command.command.prependShell && !state.shellSet) {
          reporter.report(
            'JSONArgsRecommended',
            command.range,
            `JSON arguments recommended for ${keyword} to prevent unintended behavior related to OS signals`,
            comments,
          );
        }
        break;
      case 'healthcheck':
        this.usedOnce(command, trackers);
        break;
      case 'maintainer':
        reporter.report('MaintainerDeprecated', command.range, 'Maintainer instruction is deprecated in favor of using label', comments);
        break;
      case 'expose':
        this.dispatchExpose(command.ports, command, state);
        break;
      case 'copy':
      case 'add':
        if (command.kind === 'add' || command.from === undefined) this.checkIgnored(command, value);
        break;
      default:
        break;
    }
  }

  private dispatchArg(command: ArgInstruction, state: StageState): void {
    const { reporter, buildArgs, scope } = this.options;
    for (const arg of command.args) {
      if (looksLikeSecretName(arg.key)) {
        reporter.report('SecretsUsedInArgOrEnv', command.range, secretMessage('ARG', arg.key), command.node.comments);
      }
      let value: string | undefined = buildArgs.get(arg.key);
      if (value === undefined) {
        if (arg.value !== undefined) value = this.expand(command, arg.value, state);
        else value = scope.env.get(arg.key);
      }
      if (value !== undefined && !NON_ENV_ARGS.has(arg.key)) state.env.set(arg.key, value);
      state.declaredArgs.add(arg.key);
    }
  }

  /**
   * MultipleInstructionsDisallowed: a second CMD, ENTRYPOINT or HEALTHCHECK in a stage overrides
   * the first, which is reported (at its own line, with the options of the later instruction).
   */
  private usedOnce(command: StageCommand, trackers: Map<string, SourceRange>): void {
    const previous = trackers.get(command.kind);
    if (previous !== undefined) {
      this.options.reporter.report(
        'MultipleInstructionsDisallowed',
        previous,
        `Multiple ${command.node.keywordText} instructions should not be used in the same stage because only the last one will be used`,
        command.node.comments,
      );
    }
    trackers.set(command.kind, command.range);
  }

  private dispatchExpose(ports: readonly string[], command: StageCommand, state: StageState): void {
    for (const port of ports) {
      let specs: readonly string[];
      try {
        specs = expandWords(port, state.env, { escapeChar: this.options.escapeChar }).words;
      } catch {
        continue;
      }
      for (const spec of specs) {
        for (const finding of checkExposedPort(spec)) {
          this.options.reporter.report(finding.rule, command.range, finding.message, command.node.comments);
        }
      }
    }
  }

  private checkIgnored(command: StageCommand & { kind: 'copy' | 'add' }, value: (text: string) => string): void {
    const matcher = this.options.ignore;
    if (matcher === undefined) return;
    const verb = command.kind === 'add' ? 'Add' : 'Copy';
    for (const source of command.sources) {
      const path = value(source);
      if (isRemoteSource(path)) continue;
      const ignored = ignoredCopySource(path, matcher);
      if (ignored !== undefined) {
        this.options.reporter.report(
          'CopyIgnoredFile',
          command.range,
          `Attempting to ${verb} file ${JSON.stringify(ignored)} that is excluded by .dockerignore`,
          command.node.comments,
        );
      }
    }
  }
}

function legacyMessage(keyword: string): string {
  return `"${keyword} key=value" should be used instead of legacy "${keyword} key value" format`;
}

/**
 * Runs the checks that follow each stage's state through its instructions, as BuildKit does when
 * it dispatches every stage for lint: UndefinedVar, WorkdirRelativePath, JSONArgsRecommended,
 * MultipleInstructionsDisallowed, LegacyKeyValueFormat, SecretsUsedInArgOrEnv, MaintainerDeprecated,
 * ExposeProtoCasing, ExposeInvalidFormat and (with a .dockerignore) CopyIgnoredFile.
 */
export function walkStages(stages: readonly Stage[], options: StageWalkOptions): void {
  new StageWalker(options).walk(stages);
}
