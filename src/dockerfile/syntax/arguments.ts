import { goQuote } from './go-quote.js';
import { isAsciiSpace, splitOnSpaceRuns } from './go-text.js';
import { parseJsonArray } from './json-array.js';
import { parseWords } from './parse-words.js';

/** Every instruction BuildKit's parser has a rule for, lowercased. */
export const INSTRUCTION_KEYWORDS: readonly string[] = [
  'add',
  'arg',
  'cmd',
  'copy',
  'entrypoint',
  'env',
  'expose',
  'from',
  'healthcheck',
  'label',
  'maintainer',
  'onbuild',
  'run',
  'shell',
  'stopsignal',
  'user',
  'volume',
  'workdir',
];

export type SplitArguments =
  | { readonly ok: true; readonly args: readonly string[]; readonly json: boolean }
  | { readonly ok: false; readonly message: string; readonly hint?: string };

type ArgumentRule = (rest: string, escape: string) => SplitArguments;

const NOT_STRING_ARRAY =
  'when using JSON array syntax, arrays must be comprised of strings only';

function shell(args: readonly string[]): SplitArguments {
  return { ok: true, args, json: false };
}

/** One string: the whole rest (MAINTAINER, USER, WORKDIR, STOPSIGNAL). */
function wholeString(rest: string): SplitArguments {
  return shell(rest === '' ? [] : [rest]);
}

/** Words split on `[\t\v\f\r ]` runs (FROM, EXPOSE). */
function whitespaceDelimited(rest: string): SplitArguments {
  return shell(rest === '' ? [] : splitOnSpaceRuns(rest));
}

/** JSON array, or else the rest as one shell-form string (RUN, CMD, ENTRYPOINT, SHELL). */
function maybeJson(rest: string): SplitArguments {
  if (rest === '') return shell([]);
  const parsed = parseJsonArray(rest);
  if (parsed.kind === 'array') return { ok: true, args: parsed.values, json: true };
  if (parsed.kind === 'not-strings') return { ok: false, message: NOT_STRING_ARRAY };
  return shell([rest]);
}

/** JSON array, or else whitespace-separated words (ADD, COPY, VOLUME). */
function maybeJsonToList(rest: string): SplitArguments {
  const parsed = parseJsonArray(rest);
  if (parsed.kind === 'array') return { ok: true, args: parsed.values, json: true };
  if (parsed.kind === 'not-strings') return { ok: false, message: NOT_STRING_ARRAY };
  return whitespaceDelimited(rest);
}

/**
 * `key value` (the legacy form: key, the rest of the line, "") or `k=v k2=v2` (triples
 * key, value, "="), the form chosen by whether the first word holds a `=` (ENV, LABEL).
 */
function nameValues(instruction: string): ArgumentRule {
  return (rest, escape) => {
    const words = parseWords(rest, escape);
    const first = words[0];
    if (first === undefined) return shell([]);
    if (!first.includes('=')) {
      const parts = splitOnSpaceRuns(rest, 2);
      const [key, value] = parts;
      if (key === undefined || value === undefined) {
        return {
          ok: false,
          message: `${instruction} must have two arguments`,
          hint: `write ${instruction} ${first}=<value>`,
        };
      }
      return shell([key, value, '']);
    }
    const args: string[] = [];
    for (const word of words) {
      const equals = word.indexOf('=');
      if (equals < 0) {
        return {
          ok: false,
          message: `Syntax error - can't find = in ${goQuote(word)}. Must be of the form: name=value`,
        };
      }
      args.push(word.slice(0, equals), word.slice(equals + 1), '=');
    }
    return shell(args);
  };
}

/** The words as written, quotes kept (ARG). */
function nameOrNameValue(rest: string, escape: string): SplitArguments {
  return shell(parseWords(rest, escape));
}

/** The type word (CMD, NONE, ...) followed by a JSON or shell-form command (HEALTHCHECK). */
function healthConfig(rest: string): SplitArguments {
  let sep = 0;
  while (sep < rest.length && !isAsciiSpace(rest.charCodeAt(sep))) sep++;
  if (sep === 0) return shell([]);
  let next = sep;
  while (next < rest.length && isAsciiSpace(rest.charCodeAt(next))) next++;
  const command = maybeJson(rest.slice(next));
  if (!command.ok) return command;
  return { ok: true, args: [rest.slice(0, sep), ...command.args], json: command.json };
}

/** Any instruction without a rule keeps a single empty argument, as BuildKit's parseIgnore. */
function ignore(): SplitArguments {
  return shell(['']);
}

const RULES: Readonly<Record<string, ArgumentRule>> = {
  add: maybeJsonToList,
  arg: nameOrNameValue,
  cmd: maybeJson,
  copy: maybeJsonToList,
  entrypoint: maybeJson,
  env: nameValues('ENV'),
  expose: whitespaceDelimited,
  from: whitespaceDelimited,
  healthcheck: healthConfig,
  label: nameValues('LABEL'),
  maintainer: wholeString,
  run: maybeJson,
  shell: maybeJson,
  stopsignal: wholeString,
  user: wholeString,
  volume: maybeJsonToList,
  workdir: wholeString,
};

/**
 * Splits an instruction's arguments (the text after its flags) by the instruction's own rule,
 * BuildKit's dispatch table. ONBUILD is not handled here: its argument is an instruction.
 */
export function splitArguments(keyword: string, rest: string, escape: string): SplitArguments {
  const rule = Object.hasOwn(RULES, keyword) ? RULES[keyword] : undefined;
  return (rule ?? ignore)(rest, escape);
}
