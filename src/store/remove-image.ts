import { BuildError } from '../errors/index.js';
import { parseReference, shortId } from '../oci/index.js';
import type { Digest, ImageReference } from '../oci/index.js';
import { collectGarbage } from './gc.js';
import type { StoreParts } from './parts.js';
import type { RefEntry } from './refs.js';
import { familiarName, resolveImage } from './resolve-image.js';
import type { RemovedImage } from './types.js';

function parsed(name: string): ImageReference | undefined {
  try {
    return parseReference(name, { defaultTag: false });
  } catch {
    return undefined;
  }
}

/**
 * `docker rmi` semantics, under the store lock:
 * - by reference (`node:18`, `node@sha256:..`): remove that reference; when it was the last tag of
 *   its repository on this image, the repository's digest references to it go too; when no
 *   reference is left, the image is deleted.
 * - by ID (or manifest digest): remove every reference and delete the image, but refuse
 *   (IMAGE_IN_USE) when several tags or repositories name it, unless `force`.
 * Blobs of deleted images that no other image uses are removed right away.
 */
export async function removeImage(parts: StoreParts, text: string, options: { force?: boolean } = {}): Promise<RemovedImage> {
  return parts.lock.withLock(
    async () => {
      const resolved = await resolveImage(parts, text);
      const refs = await parts.refs.list();
      const untagged: string[] = [];
      let targets: Digest[];
      if (resolved.via === 'reference') {
        targets = [resolved.digest];
        const removing = new Set<string>([resolved.name]);
        if (resolved.reference.digest === undefined) {
          const repo = resolved.reference.name;
          const toSameImage = refs.filter((e) => e.digest === resolved.digest && e.name !== resolved.name && parsed(e.name)?.name === repo);
          if (!toSameImage.some((e) => parsed(e.name)?.digest === undefined)) for (const e of toSameImage) removing.add(e.name);
        }
        for (const name of removing) {
          await parts.refs.delete(name);
          untagged.push(familiarName(name));
        }
      } else {
        const records = await parts.images.list();
        const id = resolved.id;
        targets = records.filter((r) => r.config === id || r.digest === resolved.digest).map((r) => r.digest);
        if (!targets.includes(resolved.digest)) targets.push(resolved.digest);
        const naming: RefEntry[] = refs.filter((e) => targets.includes(e.digest));
        const tags = naming.filter((e) => parsed(e.name)?.digest === undefined);
        const repositories = new Set(naming.map((e) => parsed(e.name)?.name ?? e.name));
        if (!options.force && (tags.length > 1 || repositories.size > 1)) {
          throw new BuildError('IMAGE_IN_USE', `conflict: unable to delete ${shortId(id)} (must be forced) - image is referenced in multiple repositories`, {
            hint: `remove the tags one by one (${tags.map((e) => familiarName(e.name)).join(', ')}) or use --force`,
            details: { id, references: naming.map((e) => e.name) },
          });
        }
        for (const e of naming) {
          await parts.refs.delete(e.name);
          untagged.push(familiarName(e.name));
        }
      }
      const remaining = await parts.refs.list();
      const deleted: Digest[] = [];
      const candidates = new Set<Digest>();
      for (const digest of targets) {
        if (remaining.some((e) => e.digest === digest)) continue;
        const record = await parts.images.get(digest);
        candidates.add(digest);
        if (record !== undefined) {
          candidates.add(record.config);
          if (!deleted.includes(record.config)) deleted.push(record.config);
        }
        try {
          const manifest = JSON.parse(Buffer.from(await parts.blobs.read(digest)).toString('utf8')) as { layers?: { digest: Digest }[] };
          for (const layer of manifest.layers ?? []) candidates.add(layer.digest);
        } catch {
          // a missing or broken manifest: nothing more to collect
        }
        await parts.images.delete(digest);
      }
      const freed = candidates.size > 0 ? await collectGarbage(parts, candidates) : { removedBlobs: 0, freedBytes: 0 };
      return { untagged, deleted, ...freed };
    },
    { purpose: `remove image ${text}` },
  );
}
