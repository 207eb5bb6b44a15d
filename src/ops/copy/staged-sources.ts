import { chmod, lstat, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanPath } from '../../context/index.js';
import type { DownloadedFile } from './download-url.js';
import type { SelectedSource } from './selection.js';
import { toSourceStat } from './source-tree.js';

/** A one-file source made from a staged file (owned by root, as BuildKit's scratch states are). */
async function stagedFile(dir: string, rel: string, pattern: string): Promise<SelectedSource> {
  const stats = await lstat(join(dir, rel), { bigint: true });
  const stat = { ...toSourceStat(stats, undefined), uid: 0, gid: 0 };
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  return { pattern, path: '/' + rel, name, root: dir, resolved: rel, contents: false, entries: [{ ...stat, rel: '' }] };
}

/**
 * A heredoc source (`COPY <<EOF /dst`): BuildKit writes it with mode 0644 into an empty state
 * under its name and copies that file, so it lands as `/dst` or, into a directory, `/dst/EOF`.
 */
export async function stageInlineFile(dir: string, inline: { readonly path: string; readonly data: string }): Promise<SelectedSource> {
  const rel = cleanPath('/' + inline.path).slice(1) || 'inline';
  const slash = rel.lastIndexOf('/');
  if (slash > 0) await mkdir(join(dir, rel.slice(0, slash)), { recursive: true, mode: 0o755 });
  await writeFile(join(dir, rel), inline.data, { mode: 0o644 });
  await chmod(join(dir, rel), 0o644);
  return stagedFile(dir, rel, `<<${inline.path}`);
}

/** A downloaded ADD source: a file of mode 0600 with its Last-Modified time. */
export async function downloadedSource(file: DownloadedFile): Promise<SelectedSource> {
  return stagedFile(file.dir, file.name, file.url);
}
