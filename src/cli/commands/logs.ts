import type { Command } from 'commander';
import type { LogEntry } from '../../container/index.js';

interface LogsCommandOptions {
  readonly follow?: boolean;
  readonly timestamps?: boolean;
  readonly tail?: string;
}

const FOLLOW_POLL_MS = 100;

/** `stagecraft logs`: a container's output, as `docker logs` shows it (stdout lines on stdout, stderr lines on stderr). */
export function defineLogsCommand(program: Command): void {
  program
    .command('logs')
    .description("show a container's output")
    .argument('<container>', 'name or ID')
    .option('-f, --follow', 'keep printing output until the container stops')
    .option('-t, --timestamps', 'show the time of each line')
    .option('-n, --tail <lines>', 'only the last N lines ("all" for every line)', 'all')
    .action(async (ref: string, options: LogsCommandOptions) => {
      await runLogs(program, ref, options);
    });
}

function print(entry: LogEntry, timestamps: boolean): void {
  const text = timestamps ? `${entry.time} ${entry.log}` : entry.log;
  (entry.stream === 'stdout' ? process.stdout : process.stderr).write(text);
}

async function runLogs(program: Command, ref: string, options: LogsCommandOptions): Promise<void> {
  const [{ BuildError }, { resolveStateRoot }, container] = await Promise.all([
    import('../../errors/index.js'),
    import('../state-root.js'),
    import('../../container/index.js'),
  ]);
  const tailText = options.tail ?? 'all';
  if (tailText !== 'all' && !/^\d+$/.test(tailText)) throw new BuildError('USAGE', `invalid --tail value ${JSON.stringify(tailText)}: a number of lines or "all"`);
  const root = resolveStateRoot(program.opts<{ root?: string }>().root, process.env);
  await container.recoverContainers(root);
  const record = await container.findContainer(root, ref);
  const path = container.logFile(root, record.id);
  const timestamps = options.timestamps === true;
  // Read in bounded pieces (a log can be large); for --tail keep only the last N entries.
  const tail = tailText === 'all' ? undefined : Number(tailText);
  const kept: LogEntry[] = [];
  let offset = 0;
  for (;;) {
    const chunk = await container.readLogEntries(path, offset);
    if (chunk.offset === offset) break;
    offset = chunk.offset;
    if (tail === undefined) {
      for (const entry of chunk.entries) print(entry, timestamps);
    } else {
      kept.push(...chunk.entries);
      if (kept.length > tail) kept.splice(0, kept.length - tail);
    }
  }
  for (const entry of kept) print(entry, timestamps);
  if (options.follow !== true) return;
  // Follow: print what is appended until the container no longer runs (and its last output is read).
  for (;;) {
    const current = await container.waitForContainer(root, record.id, 0);
    const active = current !== undefined && container.isActive(current);
    for (;;) {
      const chunk = await container.readLogEntries(path, offset);
      for (const entry of chunk.entries) print(entry, timestamps);
      if (chunk.offset === offset) break;
      offset = chunk.offset;
    }
    if (!active) return;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
}
