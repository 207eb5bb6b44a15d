import type { Command } from 'commander';
import type { PushProgress } from '../../registry/index.js';

interface PushCommandOptions {
  readonly registriesConf?: string;
  readonly quiet?: boolean;
}

/** `stagecraft push`: an image from the store to a registry. */
export function definePushCommand(program: Command): void {
  program
    .command('push')
    .description('push an image from the local store to a registry')
    .argument('<image>', 'the image reference: NAME[:TAG] (its registry is where it goes)')
    .option('--registries-conf <file>', 'read this registries.conf instead of the system and user ones')
    .option('-q, --quiet', 'print only errors')
    .action(async (image: string, options: PushCommandOptions) => {
      await runPush(program, image, options);
    });
}

/** Turns push events into docker's plain progress lines. */
export function pushProgressPrinter(write: (line: string) => void): (event: PushProgress) => void {
  const short = (digest: string): string => digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
  return (event) => {
    switch (event.type) {
      case 'preparing':
        write(`${short(event.digest)}: Preparing`);
        break;
      case 'blob-exists':
        write(`${short(event.digest)}: Layer already exists`);
        break;
      case 'blob-mounted':
        write(`${short(event.digest)}: Mounted from ${event.from}`);
        break;
      case 'blob-pushed':
        write(`${short(event.digest)}: Pushed`);
        break;
      case 'blob-progress':
      case 'manifest-pushed':
        break;
    }
  };
}

async function runPush(program: Command, text: string, options: PushCommandOptions): Promise<void> {
  const [{ parseReference }, { resolveStateRoot }, { openStore }, registry] = await Promise.all([
    import('../../oci/reference.js'),
    import('../state-root.js'),
    import('../../store/index.js'),
    import('../../registry/index.js'),
  ]);
  const ref = parseReference(text);
  const settings = await registry.loadRegistrySettings(process.env, options.registriesConf === undefined ? {} : { registriesConf: options.registriesConf });
  const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
  const image = await store.getImage(ref.toString());
  const write = (line: string): void => {
    if (options.quiet !== true) process.stdout.write(line + '\n');
  };
  write(`The push refers to repository [${ref.name}]`);
  const result = await registry.pushImage(image, ref, {
    credentials: settings.credentials,
    registriesConfig: settings.registriesConfig,
    onEvent: pushProgressPrinter(write),
  });
  write(`${ref.tag ?? ref.digest ?? 'latest'}: digest: ${result.digest} size: ${result.size}`);
}
