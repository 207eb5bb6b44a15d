import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { nativeSys } from '../native/sys.js';

/** Extended attributes by path relative to the root: name -> raw bytes. */
export type XattrTable = ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>;

/** getfattr prints names with backslash-octal escapes (`\040` for a space, `\\` for `\`). */
function unescapeGetfattrPath(text: string): string {
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] ?? 0;
    if (byte === 0x5c && i + 3 < raw.length && /^[0-7]{3}$/.test(raw.subarray(i + 1, i + 4).toString('latin1'))) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 4).toString('latin1'), 8));
      i += 3;
    } else if (byte === 0x5c && raw[i + 1] === 0x5c) {
      bytes.push(0x5c);
      i += 1;
    } else {
      bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parses `getfattr -R -P -h -d -m - -e hex --absolute-names ROOT` output into a table. */
export function parseGetfattrOutput(output: string, root: string): Map<string, Map<string, Uint8Array>> {
  const table = new Map<string, Map<string, Uint8Array>>();
  let current: Map<string, Uint8Array> | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      table.set(relativeTo(root, unescapeGetfattrPath(line.slice('# file: '.length))), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current === undefined || eq <= 0) continue;
    const name = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (value.startsWith('0x')) current.set(name, Buffer.from(value.slice(2), 'hex'));
    else if (value.startsWith('0s')) current.set(name, Buffer.from(value.slice(2), 'base64'));
    else current.set(name, Buffer.from(value.replace(/^"|"$/g, ''), 'utf8'));
  }
  return table;
}

/** Relative to `root` ('' for root itself), as parseGetfattrOutput keys them. */
function relativeTo(root: string, path: string): string {
  const prefix = root.endsWith('/') ? root : root + '/';
  if (path === root || path + '/' === prefix) return '';
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** Extended attributes by absolute host path. */
export type XattrsByPath = ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>;

function runGetfattr(paths: readonly string[]): Promise<{ output: string; available: boolean }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', '--', ...paths], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.resume();
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') resolvePromise({ output: '', available: false });
      else reject(err);
    });
    // getfattr exits 1 when some path could not be read and still prints the others.
    child.on('close', () => {
      resolvePromise({ output: Buffer.concat(chunks).toString('utf8'), available: true });
    });
  });
}

/**
 * Reads every extended attribute of the given absolute paths and everything under them: with the
 * native addon's l*xattr calls, or else one `getfattr` run (Node has no xattr API). Symlinks are
 * not followed. Only paths with attributes are in the map. Without either (getfattr is Debian
 * package `attr`) the map is empty and `available` is false, so callers can say what they could
 * not see.
 */
export async function readXattrsUnder(paths: readonly string[]): Promise<{ byPath: XattrsByPath; available: boolean }> {
  const byPath = new Map<string, Map<string, Uint8Array>>();
  if (paths.length === 0) return { byPath, available: true };
  const absolute = paths.map((path) => resolve(path));
  const sys = nativeSys();
  if (sys !== undefined) {
    for (const [path, attrs] of await sys.readXattrs(absolute, true)) byPath.set(path, new Map(attrs));
    return { byPath, available: true };
  }
  const { output, available } = await runGetfattr(absolute);
  for (const [rel, attrs] of parseGetfattrOutput(output, '/')) byPath.set(`/${rel}`, attrs);
  return { byPath, available };
}

/** Every extended attribute under `root`, keyed by path relative to it ('' for root); see readXattrsUnder. */
export async function readXattrs(root: string): Promise<{ table: XattrTable; available: boolean }> {
  const { byPath, available } = await readXattrsUnder([root]);
  const table = new Map<string, ReadonlyMap<string, Uint8Array>>();
  for (const [path, attrs] of byPath) table.set(relativeTo(root, path), attrs);
  return { table, available };
}
