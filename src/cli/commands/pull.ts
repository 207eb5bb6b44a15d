import type { Command } from 'commander';
import type { PullProgress } from '../../registry/index.js';

interface PullCommandOptions {
  readonly platform?: string;
  readonly registriesConf?: string;
  readonly quiet?: boolean;
}

/** `stagecraft pull`: an image from a registry into the store (mirrors from registries.conf first). */
export function definePullCommand(program: Command): void {
  program
    .command('pull')
    .description('pull an image from a registry into the local store')
    .argument('<image>', 'the image reference: NAME[:TAG|@DIGEST] (node:18 is docker.io/library/node:18)')
    .option('--platform <os/arch[/variant]>', 'the platform to pick from a multi-platform image (default: this machine)')
    .option('--registries-conf <file>', 'read this registries.conf instead of the system and user ones')
    .option('-q, --quiet', 'print only the image reference')
    .action(async (image: string, options: PullCommandOptions) => {
      await runPull(program, image, options);
    });
}

/** Turns pull events into docker's plain progress lines (one line per layer state). */
export function pullProgressPrinter(write: (line: string) => void): (event: PullProgress) => void {
  const short = (digest: string): string => digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
  return (event) => {
    switch (event.type) {
      case 'resolved':
        if (event.mirror) write(`Using mirror ${event.endpoint}`);
        break;
      case 'endpoint-failed':
        write(`Mirror ${event.endpoint} failed: ${event.message}`);
        break;
      case 'layer-exists':
        write(`${short(event.digest)}: Already exists`);
        break;
      case 'layer-waiting':
        write(`${short(event.digest)}: Pulling fs layer`);
        break;
      case 'layer-retry':
        write(`${short(event.digest)}: Retrying at byte ${event.offset} (${event.message})`);
        break;
      case 'layer-done':
        write(`${short(event.digest)}: Pull complete`);
        break;
      case 'layer-progress':
      case 'done':
        break;
    }
  };
}

async function runPull(program: Command, text: string, options: PullCommandOptions): Promise<void> {
  const [{ BuildError }, { parsePlatform }, { parseReference }, { resolveStateRoot }, { openStore }, registry] = await Promise.all([
    import('../../errors/index.js'),
    import('../../oci/index.js'),
    import('../../oci/reference.js'),
    import('../state-root.js'),
    import('../../store/index.js'),
    import('../../registry/index.js'),
  ]);
  const ref = parseReference(text);
  let platform;
  if (options.platform !== undefined) {
    platform = parsePlatform(options.platform);
    if (platform === undefined) throw new BuildError('USAGE', `invalid --platform ${JSON.stringify(options.platform)}`, { hint: 'the form is os/arch[/variant], e.g. linux/arm64' });
  }
  const settings = await registry.loadRegistrySettings(process.env, options.registriesConf === undefined ? {} : { registriesConf: options.registriesConf });
  const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
  const write = (line: string): void => {
    if (options.quiet !== true) process.stdout.write(line + '\n');
  };
  const before = await store.resolveRef(ref.toString());
  write(`${ref.tag ?? ref.digest ?? 'latest'}: Pulling from ${ref.repository}`);
  const result = await registry.pullImage(ref, {
    store,
    credentials: settings.credentials,
    registriesConfig: settings.registriesConfig,
    ...(platform === undefined ? {} : { platform }),
    onEvent: pullProgressPrinter(write),
  });
  write(`Digest: ${result.digest}`);
  write(before === result.digest ? `Status: Image is up to date for ${ref.familiar}` : `Status: Downloaded newer image for ${ref.familiar}`);
  process.stdout.write(`${ref.toString()}\n`);
}
