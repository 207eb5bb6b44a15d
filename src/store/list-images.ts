import { parseReference } from '../oci/index.js';
import type { ImageReference } from '../oci/index.js';
import type { StoreParts } from './parts.js';
import type { ImageSummary } from './types.js';

function parseName(name: string): ImageReference | undefined {
  try {
    return parseReference(name, { defaultTag: false });
  } catch {
    return undefined;
  }
}

/**
 * The rows of `images`: each image once per tag; an image known only by digest references once per
 * repository with tag `<none>`; an image with no reference once as `<none> <none>`. Newest first.
 */
export async function listImages(parts: StoreParts): Promise<ImageSummary[]> {
  const [records, refs] = await Promise.all([parts.images.list(), parts.refs.list()]);
  const rows: ImageSummary[] = [];
  for (const record of records) {
    const base = {
      id: record.config,
      manifestDigest: record.digest,
      ...(record.created !== undefined ? { created: record.created } : {}),
      size: record.size,
    };
    const named = refs.filter((e) => e.digest === record.digest).map((e) => ({ entry: e, ref: parseName(e.name) }));
    const tagged = named.filter((n) => n.ref?.tag !== undefined && n.ref.digest === undefined);
    for (const { entry, ref } of tagged) {
      rows.push({ repository: ref?.familiarName ?? entry.name, tag: ref?.tag ?? '<none>', reference: entry.name, ...base });
    }
    const taggedRepos = new Set(tagged.map((n) => n.ref?.name));
    const digestOnly = new Map<string, { repository: string; reference: string }>();
    for (const { entry, ref } of named) {
      if (ref?.digest !== undefined && !taggedRepos.has(ref.name)) digestOnly.set(ref.name, { repository: ref.familiarName, reference: entry.name });
    }
    for (const { repository, reference } of digestOnly.values()) rows.push({ repository, tag: '<none>', reference, ...base });
    if (named.length === 0) rows.push({ repository: '<none>', tag: '<none>', ...base });
  }
  const time = (s: ImageSummary): string => s.created ?? '';
  return rows.sort((a, b) => (time(a) < time(b) ? 1 : time(a) > time(b) ? -1 : a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag)));
}
