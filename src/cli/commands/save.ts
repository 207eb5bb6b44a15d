import type { Command } from 'commander';

interface SaveCommandOptions {
  readonly output?: string;
  readonly format: string;
}

/** `stagecraft save`: images from the store to a docker-archive (default) or an OCI archive. */
export function defineSaveCommand(program: Command): void {
  program
    .command('save')
    .description('save images to a tar archive (docker-archive by default, or an OCI image layout); standard output by default')
    .argument('<image...>', 'images to save (name[:tag], name@digest or image ID)')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option('--format <format>', 'docker (what docker load reads) or oci (what skopeo oci-archive: and umoci read)', 'docker')
    .action(async (refs: string[], options: SaveCommandOptions) => {
      await runSave(program, refs, options);
    });
}

async function runSave(program: Command, refs: readonly string[], options: SaveCommandOptions): Promise<void> {
  const [{ BuildError }, { resolveStateRoot }, { openStore }, exporters, { parseReference }] = await Promise.all([
    import('../../errors/index.js'),
    import('../state-root.js'),
    import('../../store/index.js'),
    import('../../export/index.js'),
    import('../../oci/index.js'),
  ]);
  if (options.format !== 'docker' && options.format !== 'oci') {
    throw new BuildError('USAGE', `unknown format ${JSON.stringify(options.format)}: use docker or oci`);
  }
  if (options.output === undefined && process.stdout.isTTY) {
    throw new BuildError('USAGE', 'cowardly refusing to save to a terminal', { hint: 'use the -o flag or redirect standard output' });
  }
  const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
  // One archive entry per image, carrying every name it was asked for by (docker does the same).
  const byDigest = new Map<string, { image: Awaited<ReturnType<typeof store.getImage>>; tags: string[] }>();
  for (const text of refs) {
    const image = await store.getImage(text);
    const digest = await image.digest();
    const entry = byDigest.get(digest) ?? { image, tags: [] };
    byDigest.set(digest, entry);
    let tag: string | undefined;
    try {
      const ref = parseReference(text);
      if (ref.digest === undefined && (await store.resolveRef(text)) === digest) tag = ref.familiar;
    } catch {
      // an image ID: saved without a name, as docker does
    }
    if (tag !== undefined && !entry.tags.includes(tag)) entry.tags.push(tag);
  }
  const images = [...byDigest.values()];
  const dest = options.output ?? process.stdout;
  if (options.format === 'docker') await exporters.writeDockerArchive(images, dest);
  else await exporters.writeOciLayout(images, dest, { format: 'tar' });
}
