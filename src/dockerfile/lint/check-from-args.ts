import { parseReference } from '../../oci/reference.js';
import type { Stage } from '../instructions/index.js';
import { expandWord } from '../shell/index.js';
import type { EscapeChar, ExpandedWord } from '../shell/index.js';
import type { GlobalScope } from './global-scope.js';
import type { LintReporter } from './reporter.js';
import { suggestName } from './suggest-name.js';

function tryExpand(word: string, env: ReadonlyMap<string, string>, escapeChar: EscapeChar): ExpandedWord | undefined {
  try {
    return expandWord(word, env, { escapeChar });
  } catch {
    return undefined;
  }
}

function isValidImageName(text: string): boolean {
  try {
    parseReference(text);
    return true;
  } catch {
    return false;
  }
}

/** The names the FROM checks accept: every meta ARG and every predefined argument. */
function knownFromArgs(scope: GlobalScope): string[] {
  return [...new Set([...scope.env.keys(), ...scope.declared])];
}

function reportUndeclared(stage: Stage, expanded: ExpandedWord, scope: GlobalScope, reporter: LintReporter): void {
  const known = knownFromArgs(scope);
  for (const name of expanded.unset) {
    if (known.includes(name)) continue;
    const suggestion = suggestName(name, known);
    const message =
      `FROM argument '${name}' is not declared` + (suggestion !== undefined ? ` (did you mean ${suggestion}?)` : '');
    reporter.report('UndefinedArgInFrom', stage.from.range, message, stage.from.node.comments);
  }
}

function platformParts(text: string): { os: string; arch: string } | undefined {
  const parts = text.split('/');
  if (parts.length < 1 || parts.length > 3 || parts.some((part) => !/^[A-Za-z0-9_.-]+$/.test(part))) return undefined;
  // A bare OS gets the default architecture, as containerd's platform parser fills it in.
  const [os = '', arch = 'amd64'] = parts;
  return { os: os.toLowerCase(), arch: arch.toLowerCase() };
}

function checkPlatform(stage: Stage, scope: GlobalScope, escapeChar: EscapeChar, reporter: LintReporter): void {
  const { from } = stage;
  const platform = from.platform;
  if (platform === undefined) return;
  const expanded = tryExpand(platform, scope.env, escapeChar);
  if (expanded === undefined) return;
  const comments = from.node.comments;
  reportUndeclared(stage, expanded, scope, reporter);
  const matched = [...expanded.used].filter((name) => !expanded.unset.has(name));
  if (
    matched.length === 1 &&
    matched[0] === 'TARGETPLATFORM' &&
    expanded.unset.size === 0 &&
    expanded.value === scope.env.get('TARGETPLATFORM')
  ) {
    reporter.report(
      'RedundantTargetPlatform',
      from.range,
      `Setting platform to predefined ${platform} in FROM is redundant as this is the default behavior`,
      comments,
    );
  }
  if (expanded.used.size === 0) {
    const parts = platformParts(expanded.value);
    const name = stage.name ?? '';
    if (parts !== undefined && !name.includes(parts.os) && !name.includes(parts.arch)) {
      reporter.report(
        'FromPlatformFlagConstDisallowed',
        from.range,
        `FROM --platform flag should not use constant value ${JSON.stringify(expanded.value)}`,
        comments,
      );
    }
  }
}

/**
 * The checks on FROM lines: UndefinedArgInFrom (names that no ARG declares), RedundantTargetPlatform
 * and FromPlatformFlagConstDisallowed on `--platform`, all against the global scope with the
 * build's arguments.
 */
export function checkFromArgs(
  stages: readonly Stage[],
  scope: GlobalScope,
  escapeChar: EscapeChar,
  reporter: LintReporter,
): void {
  for (const stage of stages) {
    const expanded = tryExpand(stage.from.image, scope.env, escapeChar);
    if (expanded !== undefined) reportUndeclared(stage, expanded, scope, reporter);
    checkPlatform(stage, scope, escapeChar, reporter);
  }
}

/**
 * InvalidDefaultArgInFrom: with no `--build-arg` at all (`defaults` is the global scope built from
 * the defaults alone), every FROM must still name a valid image. A FROM that fails to expand ends
 * the check, as in BuildKit.
 */
export function checkDefaultArgsInFrom(
  stages: readonly Stage[],
  defaults: GlobalScope,
  escapeChar: EscapeChar,
  reporter: LintReporter,
): void {
  for (const stage of stages) {
    const expanded = tryExpand(stage.from.image, defaults.env, escapeChar);
    if (expanded === undefined) return;
    if (!isValidImageName(expanded.value)) {
      reporter.report(
        'InvalidDefaultArgInFrom',
        stage.from.range,
        `Default value for ARG ${stage.from.image} results in empty or invalid base image name`,
      );
    }
  }
}
