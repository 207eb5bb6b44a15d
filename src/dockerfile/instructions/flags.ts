import { suggestClosest } from '../../errors/index.js';
import type { InstructionNode, FlagToken } from '../syntax/ast.js';
import { failAt } from './fail.js';

/** How a flag takes values, as BuildKit's BFlags: a boolean, one string, or a repeatable string. */
export type FlagKind = 'bool' | 'string' | 'strings';

export type FlagSpec = Readonly<Record<string, FlagKind>>;

/** The flags of one instruction after parsing; names are without `--`. */
export interface ParsedFlags {
  /** Names of the flags written, in order of first use. */
  readonly used: readonly string[];
  /** A bool flag's value; undefined when not written. */
  bool(name: string): boolean | undefined;
  /** A string flag's value; undefined when not written. */
  string(name: string): string | undefined;
  /** Every value of a repeatable flag, in order. */
  strings(name: string): readonly string[];
  /** The tokens that set a flag, in order (for locating errors about its value). */
  tokens(name: string): readonly FlagToken[];
}

interface FlagState {
  bool?: boolean;
  string?: string;
  strings: string[];
  tokens: FlagToken[];
}

/**
 * Parses an instruction's flags against `spec` with BuildKit's rules: `--` ends the flags; an
 * unknown name is UNKNOWN_FLAG (with a "did you mean" hint); a non-repeatable flag written twice is
 * DUPLICATE_FLAG; a bool flag takes no value, `=true` or `=false` (any case), never `=`; a string
 * flag needs `=value` (which may be empty). Errors are located at the flag's token.
 */
export function parseFlags(node: InstructionNode, spec: FlagSpec): ParsedFlags {
  const states = new Map<string, FlagState>();
  const used: string[] = [];
  const names = Object.keys(spec);
  for (const token of node.flags) {
    // The parser has already removed the flag word's quotes and escapes, as BuildKit's does.
    const word = token.text;
    if (word === '--') break;
    if (!word.startsWith('--')) {
      throw failAt('INVALID_INSTRUCTION', `arg should start with -- : ${word}`, token.range);
    }
    const eq = word.indexOf('=');
    const flagName = eq === -1 ? word : word.slice(0, eq);
    const value = eq === -1 ? '' : word.slice(eq + 1);
    const hasValue = eq !== -1;
    const name = flagName.slice(2);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) {
      const suggestion = suggestClosest(name, names);
      throw failAt('UNKNOWN_FLAG', `unknown flag: ${flagName}`, token.range, {
        ...(suggestion !== undefined ? { hint: `did you mean --${suggestion}?` } : {}),
        details: {
          flag: flagName,
          instruction: node.keyword.toUpperCase(),
          ...(suggestion !== undefined ? { suggestion: `--${suggestion}` } : {}),
        },
      });
    }
    let state = states.get(name);
    if (state !== undefined && kind !== 'strings') {
      throw failAt('DUPLICATE_FLAG', `duplicate flag specified: ${flagName}`, token.range, {
        details: { flag: flagName },
      });
    }
    if (state === undefined) {
      state = { strings: [], tokens: [] };
      states.set(name, state);
      used.push(name);
    }
    state.tokens.push(token);
    if (kind === 'bool') {
      if (hasValue && value === '') {
        throw missingValue(flagName, token);
      }
      const lower = value.toLowerCase();
      if (lower === 'true' || lower === '') state.bool = true;
      else if (lower === 'false') state.bool = false;
      else {
        throw failAt(
          'INVALID_FLAG_VALUE',
          `expecting boolean value for flag ${flagName}, not: ${value}`,
          token.range,
          { details: { flag: flagName, value } },
        );
      }
    } else {
      if (!hasValue) throw missingValue(flagName, token);
      if (kind === 'string') state.string = value;
      else state.strings.push(value);
    }
  }
  return {
    used,
    bool: (name) => states.get(name)?.bool,
    string: (name) => states.get(name)?.string,
    strings: (name) => states.get(name)?.strings ?? [],
    tokens: (name) => states.get(name)?.tokens ?? [],
  };
}

function missingValue(flagName: string, token: FlagToken): Error {
  return failAt('INVALID_FLAG_VALUE', `missing a value on flag: ${flagName}`, token.range, {
    details: { flag: flagName },
  });
}
