import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import { nativeSys } from '../../native/sys.js';
import { parseGetfattrOutput, quoteDumpPath } from '../../snapshot/index.js';

/** Extended attributes by absolute host path. */
export type XattrsByPath = ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>;

/** Names copied: a known namespace, plain ASCII (the dump format), and no overlayfs bookkeeping. */
const COPIED_NAME = /^(user|security|trusted|system)\.[\x21-\x3c\x3e-\x5b\x5d-\x7e]{1,250}$/;

function copied(name: string): boolean {
  return COPIED_NAME.test(name) && !name.startsWith('trusted.overlay.');
}

function runTool(program: string, args: readonly string[], options: { cwd?: string; input?: string }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < 4096) stderr += text;
    });
    child.on('error', (error) => {
      resolve({ code: -1, stdout: '', stderr: error.message });
    });
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
    child.stdin.on('error', () => {
      // the tool exited early: its exit status tells
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The extended attributes of everything under the given host paths, read with the native addon's
 * l*xattr calls or else one `getfattr` run (Node has no xattr API; Debian package `attr`).
 * Symlinks are not followed. Without either, or for trees without xattrs, the map is empty.
 */
export async function readSourceXattrs(paths: readonly string[]): Promise<XattrsByPath> {
  if (paths.length === 0) return new Map();
  const table = new Map<string, Map<string, Uint8Array>>();
  const keep = (path: string, attrs: Iterable<readonly [string, Uint8Array]>): void => {
    const kept = new Map([...attrs].filter(([name]) => copied(name)));
    if (kept.size > 0) table.set(path, kept);
  };
  const sys = nativeSys();
  if (sys !== undefined) {
    for (const [path, attrs] of await sys.readXattrs(paths, true)) keep(path, attrs);
    return table;
  }
  const result = await runTool('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', '--', ...paths], {});
  for (const [rel, attrs] of parseGetfattrOutput(result.stdout, '/')) keep(rel.startsWith('/') ? rel : '/' + rel, attrs);
  return table;
}

/** The warning for attributes that could not be set: the first three reasons. */
function notSet(reasons: readonly string[]): string | undefined {
  return reasons.length === 0 ? undefined : `some extended attributes could not be set: ${reasons.slice(0, 3).join('; ')}`;
}

/**
 * Sets extended attributes on copied paths (inside `root`), never following a final symlink: with
 * the native addon's lsetxattr, or one `setfattr --restore` run (paths given relative to `root`,
 * so nothing is taken as absolute). BuildKit ignores attributes it cannot set; so does this,
 * returning the complaint for a warning.
 */
export async function writeXattrs(root: string, items: readonly { readonly path: string; readonly xattrs: ReadonlyMap<string, Uint8Array> }[]): Promise<string | undefined> {
  if (items.length === 0) return undefined;
  const sys = nativeSys();
  if (sys !== undefined) {
    const requests = items.flatMap((item) => [...item.xattrs].map(([name, value]) => [item.path, name, Buffer.from(value)] as const));
    const failed = await sys.writeXattrs(requests);
    return notSet(failed.map(([, error]) => error.message));
  }
  const blocks = items.map((item) => {
    const lines = [...item.xattrs].map(([name, value]) => `${name}=0x${Buffer.from(value).toString('hex')}`);
    return `# file: ${quoteDumpPath('./' + relative(root, item.path))}\n${lines.join('\n')}\n`;
  });
  const result = await runTool('setfattr', ['-h', '--restore=-'], { cwd: root, input: blocks.join('\n') + '\n' });
  return result.code === 0 ? undefined : notSet(result.stderr.trim().split('\n'));
}
