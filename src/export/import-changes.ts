import { posix } from 'node:path';
import { BuildError, suggestClosest } from '../errors/index.js';
import type { ContainerConfig, HealthConfig } from '../oci/index.js';

/** The instructions `docker import --change` (and `docker commit --change`) accept. */
const CHANGE_INSTRUCTIONS = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'] as const;
const OTHER_INSTRUCTIONS = ['ADD', 'ARG', 'COPY', 'FROM', 'MAINTAINER', 'RUN', 'SHELL'];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function invalid(change: string, problem: string, hint?: string): BuildError<'INVALID_INSTRUCTION'> {
  return new BuildError('INVALID_INSTRUCTION', `--change ${JSON.stringify(change)}: ${problem}`, {
    details: { change },
    ...(hint !== undefined ? { hint } : {}),
  });
}

/** Splits on unquoted whitespace, keeping quotes and escapes in the words (unquote removes them). */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote === undefined && /\s/.test(c)) {
      if (word !== '') words.push(word);
      word = '';
      continue;
    }
    word += c;
    if (c === '\\' && quote !== "'" && i + 1 < text.length) word += text.charAt(++i);
    else if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = undefined;
  }
  if (word !== '') words.push(word);
  return words;
}

/** Removes quotes and backslash escapes as the Dockerfile shell lexer does (no expansion). */
function unquote(word: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < word.length; i++) {
    const c = word.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else out += c;
    } else if (c === '\\' && i + 1 < word.length) {
      const next = word.charAt(i + 1);
      if (quote === '"' && !['"', '\\', '$', '`'].includes(next)) out += c;
      out += next;
      i++;
    } else if (quote === undefined && (c === '"' || c === "'")) {
      quote = c;
    } else if (c === quote) {
      quote = undefined;
    } else {
      out += c;
    }
  }
  return out;
}

/** `KEY=VALUE ...` pairs, or the legacy `KEY VALUE` form (value is the rest of the line). */
function nameValues(change: string, args: string): Array<[string, string]> {
  const words = splitWords(args);
  const [first] = words;
  if (first === undefined) throw invalid(change, 'needs at least one argument');
  if (!first.includes('=')) {
    const rest = args.trim().slice(first.length).trim();
    if (rest === '') throw invalid(change, 'needs a value', 'write NAME=VALUE');
    return [[unquote(first), unquote(rest)]];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq <= 0) throw invalid(change, `cannot find = in ${JSON.stringify(word)}`, 'write NAME=VALUE');
    return [unquote(word.slice(0, eq)), unquote(word.slice(eq + 1))];
  });
}

/** JSON exec form (`["a","b"]`) when it parses as a list of strings, else undefined. */
function execForm(args: string): string[] | undefined {
  const text = args.trim();
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  } catch {
    // shell form after all
  }
  return undefined;
}

function commandForm(args: string): string[] {
  return execForm(args) ?? ['/bin/sh', '-c', args.trim()];
}

function exposedPorts(change: string, args: string): string[] {
  return splitWords(args).flatMap((word) => {
    const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(unquote(word));
    if (match === null) throw invalid(change, `invalid port ${JSON.stringify(word)}`, 'write PORT[/tcp|udp|sctp] or FROM-TO[/proto]');
    const from = Number(match[1]);
    const to = match[2] !== undefined ? Number(match[2]) : from;
    const proto = (match[3] ?? 'tcp').toLowerCase();
    if (from < 1 || to > 65535 || to < from) throw invalid(change, `invalid port range ${JSON.stringify(word)}`);
    return Array.from({ length: to - from + 1 }, (_, k) => `${from + k}/${proto}`);
  });
}

function healthcheck(change: string, args: string): HealthConfig {
  const text = args.trim();
  if (text.toUpperCase() === 'NONE') return { Test: ['NONE'] };
  if (text.startsWith('--')) throw invalid(change, 'HEALTHCHECK options are not supported in --change', 'write HEALTHCHECK CMD ... or HEALTHCHECK NONE');
  const match = /^CMD\s+(.*)$/is.exec(text);
  if (match === null) throw invalid(change, 'HEALTHCHECK needs CMD or NONE');
  const command = match[1] ?? '';
  const exec = execForm(command);
  return { Test: exec !== undefined ? ['CMD', ...exec] : ['CMD-SHELL', command.trim()] };
}

/**
 * Applies `--change` instructions (Dockerfile syntax, one per string) to a container config the
 * way `docker import -c` does: CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK (CMD or NONE), LABEL,
 * ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR. As in a Dockerfile, ENTRYPOINT clears a CMD not set
 * by an earlier change. Variables are not expanded.
 */
export function applyChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const next: Mutable<ContainerConfig> = { ...config };
  let cmdSet = false;
  for (const change of changes) {
    const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(change);
    if (match === null) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    const args = match[2] ?? '';
    if (!(CHANGE_INSTRUCTIONS as readonly string[]).includes(keyword)) {
      if (OTHER_INSTRUCTIONS.includes(keyword)) throw invalid(change, `${keyword} is not a valid change command`, `--change accepts ${CHANGE_INSTRUCTIONS.join(', ')}`);
      const suggestion = suggestClosest(keyword, CHANGE_INSTRUCTIONS);
      throw new BuildError('UNKNOWN_INSTRUCTION', `--change ${JSON.stringify(change)}: unknown instruction ${keyword}`, {
        hint: suggestion !== undefined ? `did you mean ${suggestion}?` : `--change accepts ${CHANGE_INSTRUCTIONS.join(', ')}`,
        details: { change, instruction: keyword },
      });
    }
    if (args.trim() === '') throw invalid(change, `${keyword} needs an argument`);
    switch (keyword) {
      case 'CMD':
        next.Cmd = commandForm(args);
        cmdSet = true;
        break;
      case 'ENTRYPOINT':
        next.Entrypoint = commandForm(args);
        if (!cmdSet) next.Cmd = null;
        break;
      case 'ENV': {
        const env = [...(next.Env ?? [])];
        for (const [key, value] of nameValues(change, args)) {
          const at = env.findIndex((e) => e.slice(0, e.indexOf('=')) === key);
          if (at >= 0) env[at] = `${key}=${value}`;
          else env.push(`${key}=${value}`);
        }
        next.Env = env;
        break;
      }
      case 'LABEL':
        next.Labels = { ...(next.Labels ?? {}), ...Object.fromEntries(nameValues(change, args)) };
        break;
      case 'EXPOSE':
        next.ExposedPorts = { ...(next.ExposedPorts ?? {}), ...Object.fromEntries(exposedPorts(change, args).map((p) => [p, {}])) };
        break;
      case 'VOLUME': {
        const volumes = execForm(args) ?? splitWords(args).map(unquote);
        next.Volumes = { ...(next.Volumes ?? {}), ...Object.fromEntries(volumes.map((v) => [v, {}])) };
        break;
      }
      case 'WORKDIR': {
        const dir = unquote(args.trim());
        next.WorkingDir = posix.isAbsolute(dir) ? posix.normalize(dir) : posix.join(next.WorkingDir ?? '/', dir);
        break;
      }
      case 'USER':
        next.User = unquote(args.trim());
        break;
      case 'STOPSIGNAL':
        next.StopSignal = unquote(args.trim());
        break;
      case 'HEALTHCHECK':
        next.Healthcheck = healthcheck(change, args);
        break;
      case 'ONBUILD': {
        const trigger = /^\s*(\S+)([\s\S]*)$/.exec(args);
        const word = (trigger?.[1] ?? '').toUpperCase();
        if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(word)) throw invalid(change, `${word} is not allowed as an ONBUILD trigger`);
        next.OnBuild = [...(next.OnBuild ?? []), `${word}${trigger?.[2] ?? ''}`];
        break;
      }
    }
  }
  return next;
}
