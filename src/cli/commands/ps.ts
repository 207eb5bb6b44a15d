import type { Command } from 'commander';
import type { ContainerRecord } from '../../container/index.js';
import { createdSince, formatTable, humanDuration } from './images.js';

interface PsCommandOptions {
  readonly all?: boolean;
  readonly quiet?: boolean;
  readonly trunc: boolean;
}

/** `stagecraft ps`: containers, as `docker ps` lists them (running ones; all with -a). */
export function definePsCommand(program: Command): void {
  program
    .command('ps')
    .description('list containers')
    .option('-a, --all', 'show all containers (by default only running ones)')
    .option('-q, --quiet', 'print only container IDs')
    .option('--no-trunc', 'do not truncate IDs and commands')
    .action(async (options: PsCommandOptions) => {
      await runPs(program, options);
    });
}

/** The STATUS column as docker's State.String(): `Up 3 seconds`, `Exited (0) 2 minutes ago`, `Created`. */
export function containerStatusText(record: ContainerRecord, now: number): string {
  const since = (time: string | undefined): string => humanDuration(Math.max(0, now - (time === undefined ? now : Date.parse(time))));
  if (record.status === 'running') return `Up ${since(record.startedAt)}`;
  if (record.startedAt === undefined) return 'Created';
  if (record.finishedAt === undefined) return '';
  return `Exited (${String(record.exitCode ?? 0)}) ${since(record.finishedAt)} ago`;
}

/** One ps row (CONTAINER ID, IMAGE, COMMAND, CREATED, STATUS, PORTS, NAMES). */
export function containerRow(
  record: ContainerRecord,
  now: number,
  trunc: boolean,
  format: { formatCommand: (args: readonly string[], full: boolean) => string; formatPorts: ContainerPortsFormatter },
): string[] {
  return [
    trunc ? record.id.slice(0, 12) : record.id,
    record.image,
    format.formatCommand(record.args, !trunc),
    createdSince(record.created, now),
    containerStatusText(record, now),
    record.status === 'running' ? format.formatPorts(record.ports, record.exposedPorts) : '',
    record.name,
  ];
}

type ContainerPortsFormatter = (ports: ContainerRecord['ports'], exposed: readonly string[]) => string;

async function runPs(program: Command, options: PsCommandOptions): Promise<void> {
  const [{ resolveStateRoot }, container] = await Promise.all([import('../state-root.js'), import('../../container/index.js')]);
  const root = resolveStateRoot(program.opts<{ root?: string }>().root, process.env);
  await container.recoverContainers(root);
  const records = (await container.listContainerRecords(root)).filter((r) => options.all === true || r.status === 'running');
  if (options.quiet === true) {
    for (const record of records) process.stdout.write(`${options.trunc ? record.id.slice(0, 12) : record.id}\n`);
    return;
  }
  const now = Date.now();
  const header = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];
  const rows = records.map((r) => containerRow(r, now, options.trunc, container));
  process.stdout.write(formatTable(header, rows) + '\n');
}
