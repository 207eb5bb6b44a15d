import type { Command } from 'commander';

interface StopCommandOptions {
  readonly time?: string;
  readonly signal?: string;
}

/** `stagecraft stop`: the container's stop signal, then SIGKILL after the timeout, as `docker stop`. */
export function defineStopCommand(program: Command): void {
  program
    .command('stop')
    .description('stop running containers (STOPSIGNAL, then SIGKILL after a timeout)')
    .argument('<container...>', 'names or IDs')
    .option('-t, --time <seconds>', "seconds to wait before SIGKILL (default: the container's, 10)")
    .option('-s, --signal <signal>', "signal to send first (default: the image's STOPSIGNAL, else SIGTERM)")
    .action(async (refs: string[], options: StopCommandOptions) => {
      await runStop(program, refs, options);
    });
}

/**
 * Runs `work` for each container named, printing the name as given when it succeeds; like docker,
 * goes on after a failure and fails at the end with every error.
 */
export async function forEachContainer(refs: readonly string[], work: (ref: string) => Promise<void>): Promise<void> {
  const { BuildError, isBuildError } = await import('../../errors/index.js');
  const failures: Error[] = [];
  for (const ref of refs) {
    try {
      await work(ref);
      process.stdout.write(`${ref}\n`);
    } catch (err) {
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  const [first] = failures;
  if (first === undefined) return;
  if (failures.length === 1) throw first;
  const other = failures.find((f) => !isBuildError(f));
  if (other !== undefined || !isBuildError(first)) throw other ?? first;
  throw new BuildError(first.code, failures.map((f) => f.message).join('\n'), {
    ...(first.hint !== undefined ? { hint: first.hint } : {}),
    details: { errors: failures.map((f) => ({ code: isBuildError(f) ? f.code : undefined, message: f.message })) },
  });
}

async function runStop(program: Command, refs: readonly string[], options: StopCommandOptions): Promise<void> {
  const [{ BuildError }, { resolveStateRoot }, container] = await Promise.all([
    import('../../errors/index.js'),
    import('../state-root.js'),
    import('../../container/index.js'),
  ]);
  if (options.time !== undefined && !/^-?\d+$/.test(options.time)) {
    throw new BuildError('USAGE', `invalid argument "${options.time}" for "-t, --time" flag: a whole number of seconds`);
  }
  const signal = options.signal !== undefined ? container.normalizeSignal(options.signal) : undefined;
  const root = resolveStateRoot(program.opts<{ root?: string }>().root, process.env);
  await container.recoverContainers(root);
  await forEachContainer(refs, async (ref) => {
    const record = await container.findContainer(root, ref);
    await container.stopContainer(root, record, {
      ...(options.time !== undefined ? { timeout: Number(options.time) } : {}),
      ...(signal !== undefined ? { signal } : {}),
    });
  });
}
