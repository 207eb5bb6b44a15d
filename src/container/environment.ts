/**
 * A container's environment with docker's rules (pure): `--env-file` entries, then `-e` ones; a
 * bare `KEY` takes this machine's value (and is dropped when it has none); these replace the
 * image's Env entries with the same key, in place, or are appended; the daemon's own PATH (when
 * neither set one) and HOSTNAME come first.
 */
import { BuildError } from '../errors/index.js';
import { DEFAULT_PATH } from '../runtime/index.js';

/** Reads a variable of the environment `run` was started in. */
export type EnvLookup = (key: string) => string | undefined;

const WHITESPACE = /\s/;

function expandBare(key: string, lookup: EnvLookup): string | undefined {
  const value = lookup(key);
  return value === undefined ? undefined : `${key}=${value}`;
}

/** One `-e` value: `KEY=VALUE` as is, `KEY` from this machine's environment (or nothing). */
export function parseEnvFlag(text: string, lookup: EnvLookup): string | undefined {
  const eq = text.indexOf('=');
  if (eq === 0) throw new BuildError('USAGE', `invalid environment variable: ${text}`, { details: { env: text } });
  return eq === -1 ? expandBare(text, lookup) : text;
}

/**
 * The entries of an env file (docker's format): one `KEY=VALUE` or `KEY` per line, leading
 * whitespace dropped, `#` comments and blank lines skipped, the value kept verbatim (no quotes
 * removed, no expansion).
 */
export function parseEnvFile(text: string, file: string, lookup: EnvLookup): string[] {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').replace(/^[ \t\n\v\f\r]+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq === -1 ? line : line.slice(0, eq);
    if (key === '') {
      throw new BuildError('USAGE', `${file}:${String(index + 1)}: no variable name on line '${line}'`, { details: { file, line: index + 1 } });
    }
    if (WHITESPACE.test(key)) {
      throw new BuildError('USAGE', `${file}:${String(index + 1)}: variable '${key}' contains whitespaces`, { details: { file, line: index + 1 } });
    }
    const entry = eq === -1 ? expandBare(key, lookup) : line;
    if (entry !== undefined) out.push(entry);
  });
  return out;
}

function keyOf(entry: string): string {
  const eq = entry.indexOf('=');
  return eq === -1 ? entry : entry.slice(0, eq);
}

/** `base` with each of `overrides` replacing the entry of the same key in place, or appended. */
export function replaceOrAppendEnv(base: readonly string[], overrides: readonly string[]): string[] {
  const out = [...base];
  for (const entry of overrides) {
    const at = out.findIndex((existing) => keyOf(existing) === keyOf(entry));
    if (at === -1) out.push(entry);
    else out[at] = entry;
  }
  return out;
}

/** The environment the container's process gets: PATH (if none is set) and HOSTNAME, then the image's and the user's. */
export function containerEnv(imageEnv: readonly string[], userEnv: readonly string[], hostname: string): string[] {
  const config = replaceOrAppendEnv(imageEnv, userEnv);
  const daemon = [...(config.some((e) => keyOf(e) === 'PATH') ? [] : [`PATH=${DEFAULT_PATH}`]), `HOSTNAME=${hostname}`];
  return replaceOrAppendEnv(daemon, config);
}
