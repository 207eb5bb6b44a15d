import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runFlagHelp } from '../../container/run-arguments.js';
import type { RunArguments } from '../../container/run-arguments.js';
import type { ContainerNetwork } from '../../container/index.js';
import type { OutputStream } from '../../runtime/index.js';

/** Where a run's output and messages go, and what it may read (the process's, by default). */
export interface RunIo {
  readonly write: (stream: OutputStream, chunk: Buffer | string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Registers a handler for SIGINT/SIGTERM/SIGHUP/SIGQUIT; returns its removal. */
  readonly onSignal?: (handler: (signal: NodeJS.Signals) => void) => () => void;
}

/** The entry point of `run -d`'s supervisor: beside this file once compiled, or $STAGECRAFT_SUPERVISOR_SCRIPT. */
export function supervisorScript(env: NodeJS.ProcessEnv): string {
  const override = env['STAGECRAFT_SUPERVISOR_SCRIPT'];
  if (override !== undefined && override !== '') return override;
  return fileURLToPath(new URL('./run-supervisor.js', import.meta.url));
}

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

function processIo(): RunIo {
  return {
    write: (stream, chunk) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk),
    env: process.env,
    onSignal: (handler) => {
      for (const signal of FORWARDED_SIGNALS) process.on(signal, handler);
      return () => {
        for (const signal of FORWARDED_SIGNALS) process.off(signal, handler);
      };
    },
  };
}

/** `stagecraft run`: a command in a new container, as `docker run` (flags stop at IMAGE). */
export function defineRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description('run a command in a new container')
    .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
    .argument('[args...]', 'options, IMAGE, then the command and its arguments')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', `\nOptions:\n${runFlagHelp()}\n\nExit status: the container's, or 125 when it could not be run, 126 when the command cannot be executed, 127 when it is not found.`)
    .action(async (args: string[]) => {
      const root = program.opts<{ root?: string }>().root;
      const help = (): void => {
        command.outputHelp();
      };
      process.exitCode = await executeRun(args, { ...(root !== undefined ? { root } : {}), io: processIo(), help });
    });
}

function parseNetwork(text: string | undefined): ContainerNetwork {
  switch (text ?? 'private') {
    case 'private':
    case 'bridge':
    case 'default':
      return 'private';
    case 'host':
      return 'host';
    case 'none':
      return 'none';
    default:
      throw new Error(`network ${String(text)}`);
  }
}

function parseSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new Error(text);
  return Number(text);
}

export interface ExecuteRunOptions {
  /** `--root` as given (the state root is resolved from it and the environment). */
  readonly root?: string;
  readonly io: RunIo;
  readonly help?: () => void;
}

/** Runs `stagecraft run ARGS...`; resolves with the exit status (errors are printed, not thrown). */
export async function executeRun(args: readonly string[], options: ExecuteRunOptions): Promise<number> {
  const [{ isBuildError }, { ExitCode, formatError }] = await Promise.all([import('../../errors/index.js'), import('../report-error.js')]);
  try {
    return await runContainerCommand(args, options);
  } catch (err) {
    options.io.write('stderr', `${formatError(err).text}\n`);
    if (!isBuildError(err)) return ExitCode.internal;
    // docker's statuses: 125 when the container could not be run, 126/127 when its command could not be executed.
    const status = err.details['exitCode'];
    return typeof status === 'number' ? status : 125;
  }
}

async function readEnv(parsed: RunArguments, env: NodeJS.ProcessEnv): Promise<string[]> {
  const [{ readFile }, { BuildError }, { parseEnvFile, parseEnvFlag }] = await Promise.all([
    import('node:fs/promises'),
    import('../../errors/index.js'),
    import('../../container/index.js'),
  ]);
  const lookup = (key: string): string | undefined => env[key];
  const entries: string[] = [];
  for (const file of parsed.envFiles) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new BuildError('USAGE', `open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`, { details: { file } });
    }
    entries.push(...parseEnvFile(text, file, lookup));
  }
  for (const flag of parsed.env) {
    const entry = parseEnvFlag(flag, lookup);
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}

async function runContainerCommand(args: readonly string[], options: ExecuteRunOptions): Promise<number> {
  const { io } = options;
  const [{ BuildError }, { resolveStateRoot }, { openStore }, container, { probeRuntime }] = await Promise.all([
    import('../../errors/index.js'),
    import('../state-root.js'),
    import('../../store/index.js'),
    import('../../container/index.js'),
    import('../../runtime/index.js'),
  ]);
  const parsed = container.parseRunArguments(args);
  if (parsed.help) {
    options.help?.();
    return 0;
  }
  const usage = (message: string): InstanceType<typeof BuildError> => new BuildError('USAGE', message, { hint: 'see stagecraft run --help' });
  let network: ContainerNetwork;
  try {
    network = parseNetwork(parsed.network);
  } catch {
    throw usage(`network ${String(parsed.network)} not found: use private (the default), host or none`);
  }
  let stopTimeout: number | undefined;
  try {
    stopTimeout = parseSeconds(parsed.stopTimeout);
  } catch {
    throw usage(`invalid argument "${String(parsed.stopTimeout)}" for "--stop-timeout" flag: a whole number of seconds`);
  }
  const ports = container.parsePublishList(parsed.publish);
  const volumes = parsed.volumes.map((v) => container.parseVolume(v));
  const env = await readEnv(parsed, io.env);
  const probe = await probeRuntime('runc');
  if (!probe.ok) {
    throw new BuildError('RUNTIME_UNAVAILABLE', `cannot run containers here: ${probe.problems.join('; ')}`, {
      hint: 'stagecraft run needs root, runc and overlayfs',
    });
  }
  const root = resolveStateRoot(options.root, io.env);
  const store = await openStore(root);
  await container.recoverContainers(root);
  const { record, warnings } = await container.createContainer(store, {
    image: parsed.image ?? '',
    command: parsed.command,
    ...(parsed.entrypoint !== undefined ? { entrypoint: parsed.entrypoint } : {}),
    ...(parsed.name !== undefined ? { name: parsed.name } : {}),
    env,
    ...(parsed.user !== undefined ? { user: parsed.user } : {}),
    ...(parsed.workdir !== undefined ? { workdir: parsed.workdir } : {}),
    ...(parsed.hostname !== undefined ? { hostname: parsed.hostname } : {}),
    network,
    ports,
    volumes,
    ...(parsed.stopSignal !== undefined ? { stopSignal: parsed.stopSignal } : {}),
    ...(stopTimeout !== undefined ? { stopTimeout } : {}),
    autoRemove: parsed.autoRemove,
  });
  for (const warning of warnings) io.write('stderr', `WARNING: ${warning}\n`);

  if (parsed.detach) {
    const script = supervisorScript(io.env);
    if (!existsSync(script)) {
      throw new BuildError('CONTAINER_START_FAILED', `the supervisor program ${script} is missing`, {
        hint: 'build stagecraft first (npm run build), or point STAGECRAFT_SUPERVISOR_SCRIPT at a compiled run-supervisor.js',
        details: { exitCode: 125 },
      });
    }
    await container.launchSupervisor(root, record.id, { command: [process.execPath, script] });
    io.write('stdout', `${record.id}\n`);
    return 0;
  }
  return runForeground(root, record, io, container);
}

async function runForeground(
  root: string,
  record: import('../../container/index.js').ContainerRecord,
  io: RunIo,
  container: typeof import('../../container/index.js'),
): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  // Signals go to the container (docker's sig-proxy); the third Ctrl-C kills it outright.
  const remove = io.onSignal?.((signal) => {
    void (async () => {
      if (signal === 'SIGINT') interrupts++;
      const current = await container.readContainerRecord(root, record.id);
      const sent = current !== undefined && (await container.signalContainer(root, current, interrupts >= 3 ? 'KILL' : signal.replace(/^SIG/, '')));
      // Not made by runc yet: cancel the start instead.
      if (!sent) controller.abort(new Error(`interrupted by ${signal}`));
    })();
  });
  try {
    const result = await container.superviseContainer(root, record.id, {
      onOutput: (stream, chunk) => {
        io.write(stream, chunk);
      },
      signal: controller.signal,
    });
    return result.exitCode;
  } finally {
    remove?.();
  }
}
