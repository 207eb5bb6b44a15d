import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { nativeSys } from '../native/sys.js';
import { runCommand } from './run-command.js';
import type { CommandResult } from './run-command.js';

/*
 * What Node cannot do itself: device nodes and FIFOs (mknod) and extended attributes
 * (lsetxattr from the native addon, or setfattr without it). Each is done in one batch per layer
 * — one shell script, one setfattr run or one call to the addon — never one process per file. Paths are relative to `dir` (the command runs there), so whatever a name
 * holds it cannot turn into an absolute path; callers guarantee that no parent of such a path is
 * a symlink.
 */

export type NodeKind = 'char' | 'block' | 'fifo';

export interface SpecialNode {
  readonly rel: string;
  readonly kind: NodeKind;
  readonly major: number;
  readonly minor: number;
}

export interface XattrAssignment {
  readonly rel: string;
  readonly xattrs: ReadonlyMap<string, Uint8Array>;
}

interface BatchOptions {
  readonly signal?: AbortSignal;
}

/** xattr names we set: a known namespace and plain ASCII without `=` or `\` (they would break the dump format). */
const XATTR_NAME = /^(user|security|trusted|system)\.[\x21-\x3c\x3e-\x5b\x5d-\x7e]{1,250}$/;

export function isSettableXattrName(name: string): boolean {
  return XATTR_NAME.test(name);
}

function failed(what: string, result: CommandResult): BuildError<'SNAPSHOT_FAILED'> {
  const detail = result.stderr.split('\n').slice(0, 5).join('\n');
  return new BuildError('SNAPSHOT_FAILED', `${what} failed${detail !== '' ? `: ${detail}` : ''}`, {
    hint: 'unpacking layers needs root (CAP_MKNOD, trusted.* xattrs) and the `attr` package (setfattr, getfattr)',
    details: { stderr: result.stderr, code: result.code },
  });
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A path as getfattr prints it and setfattr --restore reads it: bytes outside printable ASCII, and `\`, as `\ooo`. */
export function quoteDumpPath(path: string): string {
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    out += byte <= 0x20 || byte >= 0x7f || byte === 0x5c ? `\\${byte.toString(8).padStart(3, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

/** `./rel`, or `.` for the root: never starts with `-`, never absolute. */
function relativeArg(rel: string): string {
  return rel === '' ? '.' : `./${rel}`;
}

/** Creates one overlayfs whiteout (a 0/0 character device) at an absolute path; others are hard links to it. */
export async function makeWhiteoutTemplate(path: string, options: BatchOptions = {}): Promise<void> {
  const result = await runCommand('mknod', ['-m', '000', path, 'c', '0', '0'], options);
  options.signal?.throwIfAborted();
  if (result.code !== 0) {
    const error = failed('creating an overlay whiteout (mknod)', result);
    throw new BuildError('SNAPSHOT_FAILED', error.message, {
      hint: 'whiteouts need root and a store root on a file system that can hold them: not overlayfs itself (inside a container, put the store on a volume)',
      details: error.details,
    });
  }
}

/** Creates device nodes and FIFOs under `dir` with one shell script (mode 000; callers set mode and owner). */
export async function makeNodes(dir: string, nodes: readonly SpecialNode[], options: BatchOptions = {}): Promise<void> {
  if (nodes.length === 0) return;
  const lines = nodes.map((node) => {
    const path = shellQuote(relativeArg(node.rel));
    if (node.kind === 'fifo') return `mknod -m 000 ${path} p`;
    return `mknod -m 000 ${path} ${node.kind === 'char' ? 'c' : 'b'} ${node.major} ${node.minor}`;
  });
  const result = await runCommand('sh', ['-e', '-s'], { cwd: dir, input: lines.join('\n') + '\n', ...options });
  options.signal?.throwIfAborted();
  if (result.code !== 0) throw failed('creating device nodes (mknod)', result);
}

/**
 * Sets extended attributes under `dir`, never following a final symlink, and returns why those
 * that could not be set were refused (empty when all were): with one call to the native addon, or
 * one `setfattr --restore` run. Names outside isSettableXattrName are skipped. What a refusal
 * means is the caller's: unpacking a layer fails, COPY warns (as BuildKit does).
 */
export async function applyXattrs(dir: string, items: readonly XattrAssignment[], options: BatchOptions = {}): Promise<string[]> {
  const settable = items.map((item) => ({ rel: item.rel, xattrs: [...item.xattrs].filter(([name]) => isSettableXattrName(name)) })).filter((item) => item.xattrs.length > 0);
  if (settable.length === 0) return [];
  const sys = nativeSys();
  if (sys !== undefined) {
    const requests = settable.flatMap((item) => item.xattrs.map(([name, value]) => [join(dir, item.rel), name, Buffer.from(value)] as const));
    const refused = await sys.writeXattrs(requests);
    options.signal?.throwIfAborted();
    return refused.map(([, error]) => error.message);
  }
  const blocks = settable.map((item) => {
    const lines = item.xattrs.map(([name, value]) => `${name}=0x${Buffer.from(value).toString('hex')}`);
    return `# file: ${quoteDumpPath(relativeArg(item.rel))}\n${lines.join('\n')}\n`;
  });
  const result = await runCommand('setfattr', ['-h', '--restore=-'], { cwd: dir, input: blocks.join('\n') + '\n', ...options });
  options.signal?.throwIfAborted();
  if (result.code === 0) return [];
  const reasons = result.stderr.split('\n').filter((line) => line.trim() !== '');
  return reasons.length > 0 ? reasons : [`setfattr exited with ${String(result.code)}`];
}

/** Sets extended attributes under `dir` (see applyXattrs); any refusal is a SNAPSHOT_FAILED error. */
export async function setXattrs(dir: string, items: readonly XattrAssignment[], options: BatchOptions = {}): Promise<void> {
  const refused = await applyXattrs(dir, items, options);
  if (refused.length > 0) throw failed('setting extended attributes', { code: null, stdout: '', stderr: refused.join('\n') });
}

/** Removes one extended attribute from several paths under `dir` (one xargs run; missing attributes are fine). */
export async function removeXattr(dir: string, rels: readonly string[], name: string, options: BatchOptions = {}): Promise<void> {
  if (rels.length === 0) return;
  const input = rels.map((rel) => relativeArg(rel) + '\0').join('');
  const script = `xargs -0 setfattr -h -x ${shellQuote(name)} 2>/dev/null; exit 0`;
  const result = await runCommand('sh', ['-c', script], { cwd: dir, input, ...options });
  options.signal?.throwIfAborted();
  if (result.code !== 0) throw failed(`removing the ${name} xattr (setfattr)`, result);
}
