import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A Debian archive location and suite, as apt on this machine is configured to use it. */
export interface DebianMirror {
  readonly uri: string;
  readonly suite: string;
}

/**
 * Finds the main Debian archive in apt's sources: deb822 `.sources` stanzas (`Types: deb`,
 * `URIs:`, `Suites:`) and one-line `deb URI SUITE COMPONENTS` entries. Security and
 * `-updates`/`-backports` suites are skipped: debootstrap wants the plain release.
 */
export function parseAptSources(text: string, format: 'deb822' | 'one-line'): DebianMirror[] {
  const found: DebianMirror[] = [];
  const consider = (uri: string | undefined, suite: string | undefined): void => {
    if (uri === undefined || suite === undefined) return;
    if (/security/.test(uri) || /-(updates|backports|security|proposed-updates)$/.test(suite) || suite.includes('/')) return;
    found.push({ uri: uri.replace(/\/+$/, ''), suite });
  };
  if (format === 'one-line') {
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (m !== null) consider(m[1], m[2]);
    }
    return found;
  }
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue;
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (m?.[1] !== undefined && m[2] !== undefined) fields.set(m[1].toLowerCase(), m[2].trim());
    }
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    if ((fields.get('enabled') ?? 'yes').toLowerCase() === 'no') continue;
    const uris = (fields.get('uris') ?? '').split(/\s+/).filter(Boolean);
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of uris) for (const suite of suites) consider(uri, suite);
  }
  return found;
}

/** The Debian mirror this machine's apt uses (read at run time, never hard-coded). */
export async function findDebianMirror(aptDir = '/etc/apt'): Promise<DebianMirror | undefined> {
  const candidates: DebianMirror[] = [];
  const partsDir = join(aptDir, 'sources.list.d');
  let parts: string[] = [];
  try {
    parts = (await readdir(partsDir)).sort();
  } catch {
    parts = [];
  }
  for (const name of parts) {
    const format = name.endsWith('.sources') ? 'deb822' : name.endsWith('.list') ? 'one-line' : undefined;
    if (format === undefined) continue;
    candidates.push(...parseAptSources(await readFile(join(partsDir, name), 'utf8'), format));
  }
  try {
    candidates.push(...parseAptSources(await readFile(join(aptDir, 'sources.list'), 'utf8'), 'one-line'));
  } catch {
    // no sources.list: fine, the .d directory may have it all
  }
  return candidates[0];
}
