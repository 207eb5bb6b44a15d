import type { Command } from 'commander';
import type { Store } from '../../store/index.js';

/** `stagecraft inspect`: images as JSON, in the shape of `docker image inspect`. */
export function defineInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description('show details of images as JSON (like docker image inspect)')
    .argument('<image...>', 'images: name[:tag], name@digest, or an image ID')
    .action(async (refs: string[]) => {
      await runInspect(program, refs);
    });
}

/** The `docker image inspect` object of one image in the store. */
export async function inspectImage(store: Store, text: string): Promise<Record<string, unknown>> {
  const { parseReference } = await import('../../oci/index.js');
  const image = await store.getImage(text);
  const [digest, manifest, config, mediaType] = await Promise.all([image.digest(), image.manifest(), image.config(), image.mediaType()]);
  const refs = (await store.listRefs()).filter((e) => e.digest === digest);
  const repoTags: string[] = [];
  const repoDigests: string[] = [];
  for (const { name } of refs) {
    const ref = parseReference(name, { defaultTag: false });
    if (ref.digest !== undefined) repoDigests.push(ref.familiar);
    else repoTags.push(ref.familiar);
  }
  const [rawManifest, rawConfig] = await Promise.all([image.rawManifest(), image.rawConfig()]);
  // What the image takes in the store, as `images` shows it (layers as stored, not uncompressed).
  const size = rawManifest.byteLength + rawConfig.byteLength + manifest.layers.reduce((sum, l) => sum + l.size, 0);
  return {
    Id: manifest.config.digest,
    RepoTags: repoTags.sort(),
    RepoDigests: repoDigests.sort(),
    Parent: '',
    Comment: config.history?.at(-1)?.comment ?? '',
    Created: config.created ?? '',
    DockerVersion: '',
    Author: config.author ?? '',
    Config: config.config ?? {},
    Architecture: config.architecture,
    ...(config.variant !== undefined ? { Variant: config.variant } : {}),
    Os: config.os,
    ...(config['os.version'] !== undefined ? { OsVersion: config['os.version'] } : {}),
    Size: size,
    RootFS: { Type: config.rootfs.type, Layers: config.rootfs.diff_ids },
    Descriptor: { mediaType, digest, size: rawManifest.byteLength },
  };
}

async function runInspect(program: Command, refs: readonly string[]): Promise<void> {
  const [{ resolveStateRoot }, { openStore }] = await Promise.all([import('../state-root.js'), import('../../store/index.js')]);
  const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
  const found: Record<string, unknown>[] = [];
  let failure: Error | undefined;
  for (const text of refs) {
    try {
      found.push(await inspectImage(store, text));
    } catch (err) {
      failure ??= err instanceof Error ? err : new Error(String(err));
    }
  }
  // Like docker: print what was found, then fail for what was not.
  process.stdout.write(JSON.stringify(found, null, 4) + '\n');
  if (failure !== undefined) throw failure;
}
