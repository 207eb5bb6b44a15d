/**
 * `run`'s command line, parsed as docker's (pflag, interspersed off): flags first, the first
 * argument that is not a flag is the IMAGE and everything after it is the container's command,
 * untouched (`run img ls -la` passes `-la` to ls). Long flags take `--f value` or `--f=value`;
 * short ones may be grouped (`-dp 80:80`) or carry their value (`-eA=1`); `--` ends the flags.
 * Pure: the caller gives the arguments.
 */
import { BuildError } from '../errors/index.js';

type FlagKind = 'bool' | 'string' | 'list';

interface FlagDef {
  readonly long: string;
  readonly short?: string;
  readonly kind: FlagKind;
  readonly key: keyof RunArguments;
  readonly value?: string;
  readonly help: string;
}

export interface RunArguments {
  readonly detach: boolean;
  readonly autoRemove: boolean;
  readonly help: boolean;
  readonly publish: readonly string[];
  readonly env: readonly string[];
  readonly envFiles: readonly string[];
  readonly volumes: readonly string[];
  readonly name?: string;
  readonly user?: string;
  readonly workdir?: string;
  /** `--entrypoint ""` clears the image's ENTRYPOINT. */
  readonly entrypoint?: string;
  readonly network?: string;
  readonly hostname?: string;
  readonly stopSignal?: string;
  readonly stopTimeout?: string;
  /** Undefined only with --help. */
  readonly image?: string;
  readonly command: readonly string[];
}

const FLAGS: readonly FlagDef[] = [
  { long: 'detach', short: 'd', kind: 'bool', key: 'detach', help: 'run in the background and print the container ID' },
  { long: 'rm', kind: 'bool', key: 'autoRemove', help: 'remove the container when it exits' },
  { long: 'publish', short: 'p', kind: 'list', key: 'publish', value: 'HOSTPORT:CONTAINERPORT', help: 'forward 127.0.0.1:HOSTPORT to the container ([127.0.0.1:]HOST:CONTAINER[/tcp|udp], or CONTAINER)' },
  { long: 'env', short: 'e', kind: 'list', key: 'env', value: 'KEY[=VALUE]', help: 'set an environment variable (KEY alone: its value here)' },
  { long: 'env-file', kind: 'list', key: 'envFiles', value: 'FILE', help: 'read environment variables from a file' },
  { long: 'volume', short: 'v', kind: 'list', key: 'volumes', value: 'HOSTPATH:PATH[:ro]', help: 'bind a host directory or file into the container' },
  { long: 'name', kind: 'string', key: 'name', value: 'NAME', help: 'name the container' },
  { long: 'user', short: 'u', kind: 'string', key: 'user', value: 'USER[:GROUP]', help: 'user (name or uid) and group to run as' },
  { long: 'workdir', short: 'w', kind: 'string', key: 'workdir', value: 'DIR', help: 'working directory inside the container' },
  { long: 'entrypoint', kind: 'string', key: 'entrypoint', value: 'CMD', help: "replace the image's ENTRYPOINT (and drop its CMD)" },
  { long: 'network', kind: 'string', key: 'network', value: 'private|host|none', help: 'network: private (default: own namespace, outbound access, -p), host, none' },
  { long: 'net', kind: 'string', key: 'network', value: 'NETWORK', help: 'the same as --network' },
  { long: 'hostname', short: 'h', kind: 'string', key: 'hostname', value: 'NAME', help: 'host name inside the container (default: the short ID)' },
  { long: 'stop-signal', kind: 'string', key: 'stopSignal', value: 'SIGNAL', help: "signal `stop` sends first (default: the image's STOPSIGNAL, else SIGTERM)" },
  { long: 'stop-timeout', kind: 'string', key: 'stopTimeout', value: 'SECONDS', help: 'seconds `stop` waits before SIGKILL (default 10)' },
  { long: 'help', kind: 'bool', key: 'help', help: 'show this help' },
];

/** Flags docker has that stagecraft run refuses, with the reason. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  t: 'stagecraft run has no TTY support (-t); output is passed through as it comes',
  tty: 'stagecraft run has no TTY support (-t); output is passed through as it comes',
  i: 'stagecraft run does not attach stdin (-i): the container reads an empty stdin',
  interactive: 'stagecraft run does not attach stdin (-i): the container reads an empty stdin',
};

/** `  -p, --publish VALUE   help` lines for the help text. */
export function runFlagHelp(): string {
  const rows = FLAGS.map((f) => [`${f.short !== undefined ? `-${f.short}, ` : '    '}--${f.long}${f.value !== undefined ? ` ${f.value}` : ''}`, f.help] as const);
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`).join('\n');
}

function usage(message: string, hint?: string): BuildError {
  return new BuildError('USAGE', message, { hint: hint ?? 'see stagecraft run --help' });
}

function parseBool(flag: string, text: string): boolean {
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(text)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(text)) return false;
  throw usage(`invalid argument "${text}" for "--${flag}" flag: expected true or false`);
}

/** Parses `run`'s arguments (everything after the word `run`). */
export function parseRunArguments(args: readonly string[]): RunArguments {
  const values: Record<string, unknown> = { detach: false, autoRemove: false, help: false, publish: [], env: [], envFiles: [], volumes: [] };
  const set = (def: FlagDef, value: string | undefined): void => {
    if (def.kind === 'bool') values[def.key] = value === undefined ? true : parseBool(def.long, value);
    else if (def.kind === 'string') values[def.key] = value;
    else (values[def.key] as string[]).push(value ?? '');
  };
  const refuse = (name: string, shown: string): never => {
    const reason = UNSUPPORTED[name];
    if (reason !== undefined) throw usage(`unsupported flag ${shown}`, reason);
    throw usage(name.length === 1 ? `unknown shorthand flag: '${name}' in ${shown}` : `unknown flag: --${name}`);
  };
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const def = FLAGS.find((f) => f.long === name) ?? refuse(name, arg);
      if (eq !== -1) set(def, arg.slice(eq + 1));
      else if (def.kind === 'bool') set(def, undefined);
      else {
        const value = args[++i];
        if (value === undefined) throw usage(`flag needs an argument: --${name}`);
        set(def, value);
      }
      continue;
    }
    // A group of short flags: booleans, then at most one that takes the rest (or the next argument) as its value.
    for (let j = 1; j < arg.length; j++) {
      const name = arg.charAt(j);
      const def = FLAGS.find((f) => f.short === name) ?? refuse(name, arg);
      if (def.kind === 'bool') {
        if (arg.charAt(j + 1) === '=') {
          set(def, arg.slice(j + 2));
          break;
        }
        set(def, undefined);
        continue;
      }
      let value = arg.slice(j + 1);
      if (value.startsWith('=')) value = value.slice(1);
      if (value === '' && j + 1 === arg.length) {
        const next = args[++i];
        if (next === undefined) throw usage(`flag needs an argument: '${name}' in -${name}`);
        value = next;
      }
      set(def, value);
      break;
    }
  }
  const image = args[i];
  if (image === undefined && values['help'] !== true) throw usage('"stagecraft run" requires at least 1 argument: IMAGE [COMMAND] [ARG...]');
  return { ...(values as unknown as RunArguments), ...(image !== undefined ? { image } : {}), command: args.slice(i + 1) };
}
