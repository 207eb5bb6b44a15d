import type { InstructionNode } from '../syntax/ast.js';
import type { InstructionBase } from './base.js';
import { joinShellArgs } from './command-line.js';
import { errAtLeastOneArgument, failAt } from './fail.js';
import { parseFlags } from './flags.js';
import type { ParsedFlags } from './flags.js';
import { parseGoDuration } from './go-duration.js';

/**
 * The image config's Healthcheck, as BuildKit builds it: `test` is `["NONE"]`,
 * `["CMD", ...args]` (exec form) or `["CMD-SHELL", "command"]` (shell form). Durations are in
 * nanoseconds, 0 when not given (the runtime's default applies).
 */
export interface HealthConfig {
  readonly test: readonly string[];
  readonly interval: number;
  readonly timeout: number;
  readonly startPeriod: number;
  readonly startInterval: number;
  readonly retries: number;
}

/** `HEALTHCHECK NONE` or `HEALTHCHECK [--interval=] [--timeout=] [--start-period=] [--start-interval=] [--retries=] CMD ...` */
export interface HealthcheckInstruction extends InstructionBase<'healthcheck'> {
  readonly health: HealthConfig;
}

export const HEALTHCHECK_FLAGS = {
  interval: 'string',
  timeout: 'string',
  'start-period': 'string',
  'start-interval': 'string',
  retries: 'string',
} as const;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Parses HEALTHCHECK as BuildKit does. Note that BuildKit reads no flags for `HEALTHCHECK NONE`,
 * so flags written before NONE are ignored.
 */
export function parseHealthcheck(node: InstructionNode): HealthcheckInstruction {
  const [first, ...rest] = node.args;
  if (first === undefined) throw errAtLeastOneArgument(node);
  const type = first.toUpperCase();
  const base = { kind: 'healthcheck', range: node.range, node } as const;
  if (type === 'NONE') {
    if (rest.length !== 0) {
      throw failAt('INVALID_INSTRUCTION', 'HEALTHCHECK NONE takes no arguments', node.range);
    }
    const health = { test: ['NONE'], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
    return { ...base, health };
  }
  const flags = parseFlags(node, HEALTHCHECK_FLAGS);
  if (type !== 'CMD') {
    throw failAt('INVALID_INSTRUCTION', `Unknown type ${JSON.stringify(type)} in HEALTHCHECK (try CMD)`, node.range, {
      hint: 'write HEALTHCHECK CMD <command> or HEALTHCHECK NONE',
      details: { type },
    });
  }
  const command = joinShellArgs(rest, node.json);
  if (command.length === 0) {
    throw failAt('MISSING_ARGUMENT', 'Missing command after HEALTHCHECK CMD', node.range);
  }
  const health: HealthConfig = {
    test: [node.json ? 'CMD' : 'CMD-SHELL', ...command],
    interval: durationFlag(flags, 'interval'),
    timeout: durationFlag(flags, 'timeout'),
    startPeriod: durationFlag(flags, 'start-period'),
    startInterval: durationFlag(flags, 'start-interval'),
    retries: retriesFlag(flags),
  };
  return { ...base, health };
}

/** A duration flag in nanoseconds: 0 when absent or zero, else at least 1ms. */
function durationFlag(flags: ParsedFlags, name: string): number {
  const value = flags.string(name);
  if (value === undefined || value === '') return 0;
  const range = (flags.tokens(name)[0] ?? { range: undefined }).range;
  const parsed = parseGoDuration(value);
  if (!parsed.ok) {
    throw invalidFlag(parsed.error, name, value, range);
  }
  if (parsed.nanoseconds === 0) return 0;
  if (parsed.nanoseconds < 1_000_000) {
    throw invalidFlag(`Interval ${JSON.stringify(name)} cannot be less than 1ms`, name, value, range);
  }
  return parsed.nanoseconds;
}

function retriesFlag(flags: ParsedFlags): number {
  const value = flags.string('retries');
  if (value === undefined || value === '') return 0;
  const range = (flags.tokens('retries')[0] ?? { range: undefined }).range;
  if (!/^[+-]?[0-9]+$/.test(value)) {
    throw invalidFlag(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`, 'retries', value, range);
  }
  const retries = Number(value);
  if (retries < INT32_MIN || retries > INT32_MAX) {
    throw invalidFlag(`strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`, 'retries', value, range);
  }
  if (retries < 0) {
    throw invalidFlag(`--retries cannot be negative (${retries})`, 'retries', value, range);
  }
  return retries === 0 ? 0 : retries;
}

function invalidFlag(
  message: string,
  name: string,
  value: string,
  range: InstructionNode['range'] | undefined,
): Error {
  if (range === undefined) throw new Error(`invariant failed: no token for --${name}`);
  return failAt('INVALID_FLAG_VALUE', message, range, { details: { flag: `--${name}`, value } });
}
