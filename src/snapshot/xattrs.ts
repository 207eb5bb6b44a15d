import { spawn } from 'node:child_process';
import { nativeSys } from '../native/sys.js';
import type { NativeSys } from '../native/sys.js';

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

async function readXattrsNatively(sys: NativeSys, root: string): Promise<XattrTable> {
  const table = new Map<string, Map<string, Uint8Array>>();
  for (const [path, attrs] of await sys.readXattrs([root], true)) table.set(relativeTo(root, path), new Map(attrs));
  return table;
}

/**
 * Reads every extended attribute under `root`: with the native addon's l*xattr calls, or else one
 * `getfattr` run (Node has no xattr API). Symlinks are not followed. Without either (getfattr is
 * Debian package `attr`) the table is empty and `available` is false, so callers can say what
 * they could not see.
 */
export async function readXattrs(root: string): Promise<{ table: XattrTable; available: boolean }> {
  const sys = nativeSys();
  if (sys !== undefined) return { table: await readXattrsNatively(sys, root), available: true };
  return new Promise((resolvePromise, reject) => {
    const child = spawn('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', root], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.resume();
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') resolvePromise({ table: new Map(), available: false });
      else reject(err);
    });
    child.on('close', () => {
      resolvePromise({ table: parseGetfattrOutput(Buffer.concat(chunks).toString('utf8'), root), available: true });
    });
  });
}
