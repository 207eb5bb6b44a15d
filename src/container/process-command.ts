/**
 * The process a container runs, with docker's rules (pure): ENTRYPOINT then CMD; arguments after
 * IMAGE replace the image's CMD; `--entrypoint X` replaces the ENTRYPOINT and drops the image's
 * CMD (`--entrypoint ""` clears it). The STOPSIGNAL, and the COMMAND column of ps.
 */
import { constants } from 'node:os';
import { BuildError } from '../errors/index.js';
import type { ContainerConfig } from '../oci/index.js';

export interface CommandOverrides {
  /** `--entrypoint`: undefined keeps the image's. */
  readonly entrypoint?: string;
  /** The arguments after IMAGE. */
  readonly command: readonly string[];
}

export function resolveProcessArgs(config: ContainerConfig | undefined, overrides: CommandOverrides): string[] {
  let entrypoint: readonly string[];
  let cmd: readonly string[];
  if (overrides.entrypoint !== undefined) {
    entrypoint = overrides.entrypoint === '' ? [] : [overrides.entrypoint];
    cmd = overrides.command;
  } else {
    entrypoint = config?.Entrypoint ?? [];
    cmd = overrides.command.length > 0 ? overrides.command : (config?.Cmd ?? []);
  }
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) {
    throw new BuildError('USAGE', 'No command specified', { hint: 'the image has no ENTRYPOINT or CMD: give a command after the image name' });
  }
  return args;
}

const RT_SIGNAL = /^RT(MIN|MAX)([+-]\d+)?$/;

/**
 * A stop signal (`SIGTERM`, `term`, `15`, `SIGRTMIN+3`) in the form runc kill takes: the name
 * without `SIG`, or the number. Unknown names are refused, as docker refuses them.
 */
export function normalizeSignal(text: string): string {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const value = Number(trimmed);
    if (value >= 1 && value <= 64) return String(value);
  } else {
    const name = trimmed.toUpperCase().replace(/^SIG/, '');
    if (`SIG${name}` in constants.signals || RT_SIGNAL.test(name)) return name;
  }
  throw new BuildError('USAGE', `invalid signal: ${text}`, { hint: 'give a signal name (SIGTERM, SIGINT, SIGQUIT, ...) or number', details: { signal: text } });
}

/** The COMMAND column: the command line in double quotes, cut to 20 characters with `…` unless `full`. */
export function formatCommand(args: readonly string[], full: boolean): string {
  const text = args.join(' ');
  const chars = Array.from(text);
  const shown = full || chars.length <= 20 ? text : `${chars.slice(0, 19).join('')}…`;
  return JSON.stringify(shown);
}
