import { lstat, readdir, readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PatternMatcher } from '../../context/index.js';
import { BuildError } from '../../errors/index.js';
import { applyCopy } from './apply-copy.js';
import type { CopyOp } from './apply-copy.js';
import type { TreeSpec } from './testing/tree.js';
import { describeTree, tempDir, writeTree } from './testing/tree.js';

const T = 1_000_000_000; // a fixed mtime (2001-09-09)

/** The build context every case copies from. */
const CONTEXT: TreeSpec = {
  'a.txt': { file: 'a', mode: 0o644, mtime: T },
  'b.txt': { file: 'b', mode: 0o600 },
  'dir/f': { file: 'f', mode: 0o644 },
  'dir/sub/s': { file: 's', mode: 0o644 },
  'dir/sub': { dir: true, mode: 0o700 },
  'dir/rel': { symlink: 'f' },
  linkdir: { symlink: 'dir' },
  linka: { symlink: 'a.txt' },
  'hl/one': 'same',
  'hl/two': { hardlink: 'hl/one' },
};

interface Case {
  readonly name: string;
  /** What the destination root holds before the copy. */
  readonly image?: TreeSpec;
  readonly ignore?: readonly string[];
  readonly op: Partial<CopyOp> & Pick<CopyOp, 'destination'>;
  /** Lines of describeTree(destRoot) after the copy. */
  readonly tree?: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
  readonly warnings?: number;
}

const DIR_CONTENTS = (p: string): string[] => [`${p}/f 0644 "f"`, `${p}/rel -> f`, `${p}/sub/ 0700`, `${p}/sub/s 0644 "s"`];

const CASES: readonly Case[] = [
  { name: 'file to a file path', op: { sources: ['a.txt'], destination: '/x' }, tree: ['x 0644 "a"'] },
  { name: 'file into a directory (trailing slash)', op: { sources: ['a.txt'], destination: '/d/' }, tree: ['d/ 0755', 'd/a.txt 0644 "a"'] },
  { name: 'file onto an existing directory', image: { d: { dir: true } }, op: { sources: ['a.txt'], destination: '/d' }, tree: ['d/ 0755', 'd/a.txt 0644 "a"'] },
  { name: 'relative destination against WORKDIR', op: { sources: ['a.txt'], destination: 'rel/', workdir: '/app' }, tree: ['app/ 0755', 'app/rel/ 0755', 'app/rel/a.txt 0644 "a"'] },
  { name: '`.` destination is the WORKDIR', op: { sources: ['a.txt'], destination: '.', workdir: '/app' }, tree: ['app/ 0755', 'app/a.txt 0644 "a"'] },
  { name: 'a directory copies its contents', op: { sources: ['dir'], destination: '/d1' }, tree: ['d1/ 0755', ...DIR_CONTENTS('d1')] },
  { name: 'a trailing slash on the source changes nothing', op: { sources: ['dir/'], destination: '/d1' }, tree: ['d1/ 0755', ...DIR_CONTENTS('d1')] },
  {
    name: 'a directory merges into an existing one, replacing a symlink in the way',
    image: { 'd2/f': { symlink: '/elsewhere' }, 'd2/keep': 'k' },
    op: { sources: ['dir'], destination: '/d2/' },
    tree: ['d2/ 0755', 'd2/f 0644 "f"', 'd2/keep 0644 "k"', 'd2/rel -> f', 'd2/sub/ 0700', 'd2/sub/s 0644 "s"'],
  },
  { name: 'wildcard into a directory', op: { sources: ['*.txt'], destination: '/w/' }, tree: ['w/ 0755', 'w/a.txt 0644 "a"', 'w/b.txt 0600 "b"'] },
  { name: 'wildcard matching one file, destination without slash', op: { sources: ['a*.txt'], destination: '/single' }, tree: ['single 0644 "a"'] },
  { name: 'several wildcard matches without a slash: the last wins, as BuildKit', op: { sources: ['*.txt'], destination: '/multi' }, tree: ['multi 0600 "b"'], warnings: 1 },
  { name: 'a directory then a file without a slash: the file lands inside', op: { sources: ['dir', 'a.txt'], destination: '/m' }, tree: ['m/ 0755', 'm/a.txt 0644 "a"', ...DIR_CONTENTS('m')], warnings: 1 },
  { name: 'a wildcard matching nothing copies nothing (BuildKit allows it)', op: { sources: ['nomatch*'], destination: '/nm/' }, tree: [] },
  {
    name: 'a wildcard whose directory is missing fails',
    op: { sources: ['nodir/*.txt'], destination: '/nm/' },
    error: { code: 'COPY_SOURCE_NOT_FOUND', message: 'lstat /nodir: no such file or directory' },
  },
  { name: 'a missing source fails like BuildKit', op: { sources: ['nope'], destination: '/x' }, error: { code: 'COPY_SOURCE_NOT_FOUND', message: 'failed to compute cache key: "/nope": not found' } },
  { name: '`../` is cleaned to the context root', op: { sources: ['../a.txt'], destination: '/up/' }, tree: ['up/ 0755', 'up/a.txt 0644 "a"'] },
  { name: 'a top-level symlink to a directory is followed', op: { sources: ['linkdir'], destination: '/ld/' }, tree: ['ld/ 0755', ...DIR_CONTENTS('ld')] },
  { name: 'a top-level symlink to a file is followed, keeping its own name', op: { sources: ['linka'], destination: '/la/' }, tree: ['la/ 0755', 'la/linka 0644 "a"'] },
  { name: 'hardlinks inside a source stay hardlinks', op: { sources: ['hl'], destination: '/hl' }, tree: ['hl/ 0755', 'hl/one 0644 "same"', 'hl/two 0644 "same" =hl/one'] },
  {
    name: 'a symlink on the destination path is followed inside the rootfs',
    image: { 'var/run': { symlink: '/run' }, run: { dir: true } },
    op: { sources: ['a.txt'], destination: '/var/run/x' },
    tree: ['run/ 0755', 'run/x 0644 "a"', 'var/ 0755', 'var/run -> /run'],
  },
  {
    name: 'a symlink as the final destination is followed (its target is replaced)',
    image: { link: { symlink: '/target' }, target: 'old' },
    op: { sources: ['a.txt'], destination: '/link' },
    tree: ['link -> /target', 'target 0644 "a"'],
  },
  {
    name: 'a file never replaces a directory',
    image: { 'd3/a.txt': { dir: true } },
    op: { sources: ['a.txt'], destination: '/d3/' },
    error: { code: 'COPY_FAILED', message: 'cannot replace to directory /d3/a.txt with file' },
  },
  { name: 'a directory never replaces a file', image: { e: 'file' }, op: { sources: ['dir'], destination: '/e' }, error: { code: 'COPY_FAILED', message: 'cannot copy to non-directory: /e' } },
  {
    name: '`.` copies the whole context after .dockerignore',
    ignore: ['b.txt', 'dir/sub', 'hl'],
    op: { sources: ['.'], destination: '/all/' },
    tree: ['all/ 0755', 'all/a.txt 0644 "a"', 'all/dir/ 0755', 'all/dir/f 0644 "f"', 'all/dir/rel -> f', 'all/linka -> a.txt', 'all/linkdir -> dir'],
  },
  { name: 'an ignored file does not exist', ignore: ['b.txt'], op: { sources: ['b.txt'], destination: '/x' }, error: { code: 'COPY_SOURCE_NOT_FOUND', message: 'failed to compute cache key: "/b.txt": not found' } },
  {
    name: 'an ignored directory holding a re-included file exists with only that file',
    ignore: ['dir', '!dir/f'],
    op: { sources: ['dir'], destination: '/r' },
    tree: ['r/ 0755', 'r/f 0644 "f"'],
  },
  {
    name: 'a re-included file deeper down brings its ignored parents along',
    ignore: ['dir', '!dir/sub/s'],
    op: { sources: ['dir'], destination: '/r' },
    tree: ['r/ 0755', 'r/sub/ 0700', 'r/sub/s 0644 "s"'],
  },
  {
    name: 'an ignored directory with nothing re-included in it does not exist',
    ignore: ['dir', '!a.txt', '!hl/one'],
    op: { sources: ['dir'], destination: '/r' },
    error: { code: 'COPY_SOURCE_NOT_FOUND', message: 'failed to compute cache key: "/dir": not found' },
  },
  {
    name: '--exclude filters inside the copied directory',
    op: { sources: ['.'], destination: '/ex/', exclude: ['*.txt', 'dir/sub', 'hl', 'link*'] },
    tree: ['ex/ 0755', 'ex/dir/ 0755', 'ex/dir/f 0644 "f"', 'ex/dir/rel -> f'],
  },
  {
    name: '--exclude with an exception keeps the parents of what it re-includes',
    op: { sources: ['dir'], destination: '/ex2/', exclude: ['sub', '!sub/s', 'rel'] },
    tree: ['ex2/ 0755', 'ex2/f 0644 "f"', 'ex2/sub/ 0700', 'ex2/sub/s 0644 "s"'],
  },
  {
    name: '--parents keeps the source directories',
    op: { sources: ['dir/sub/s', 'a.txt'], destination: '/p/', parents: true },
    tree: ['p/ 0755', 'p/a.txt 0644 "a"', 'p/dir/ 0755', 'p/dir/sub/ 0700', 'p/dir/sub/s 0644 "s"'],
  },
  { name: '--parents with a /./ pivot keeps only what follows it', op: { sources: ['./dir/./sub/s'], destination: '/p/', parents: true }, tree: ['p/ 0755', 'p/sub/ 0700', 'p/sub/s 0644 "s"'] },
  { name: '--parents with wildcards', op: { sources: ['dir/./*/s', 'hl/*'], destination: '/p/', parents: true }, tree: ['p/ 0755', 'p/hl/ 0755', 'p/hl/one 0644 "same"', 'p/hl/two 0644 "same" =p/hl/one', 'p/sub/ 0700', 'p/sub/s 0644 "s"'] },
  { name: '--parents with ** matches at any depth', op: { sources: ['./**/s'], destination: '/p/', parents: true }, tree: ['p/ 0755', 'p/dir/ 0755', 'p/dir/sub/ 0700', 'p/dir/sub/s 0644 "s"'] },
  { name: '--parents of a missing path fails', op: { sources: ['dir/nope'], destination: '/p/', parents: true }, error: { code: 'COPY_SOURCE_NOT_FOUND', message: 'failed to compute cache key: "/dir/nope": not found' } },
  {
    name: 'heredoc files: named by the destination, or by their delimiter inside a directory',
    op: { sources: [], destination: '/h/run.sh', contents: [{ path: 'EOF', data: 'echo hi\n' }] },
    tree: ['h/ 0755', 'h/run.sh 0644 "echo hi\\n"'],
  },
  { name: 'heredoc into a directory', op: { sources: [], destination: '/h2/', contents: [{ path: 'EOF', data: 'x' }, { path: 'OTHER', data: 'y' }] }, tree: ['h2/ 0755', 'h2/EOF 0644 "x"', 'h2/OTHER 0644 "y"'] },
  {
    name: '--chmod octal applies to everything copied and to the directories created',
    op: { sources: ['dir'], destination: '/c/x', chmod: '0640' },
    tree: ['c/ 0640', 'c/x/ 0640', 'c/x/f 0640 "f"', 'c/x/rel -> f', 'c/x/sub/ 0640', 'c/x/sub/s 0640 "s"'],
  },
  { name: '--chmod symbolic u=rwX,go=rX', op: { sources: ['dir', 'b.txt'], destination: '/sym/', chmod: 'u=rwX,go=rX' }, tree: ['sym/ 0755', 'sym/b.txt 0644 "b"', 'sym/f 0644 "f"', 'sym/rel -> f', 'sym/sub/ 0755', 'sym/sub/s 0644 "s"'] },
  { name: '--chmod +x', op: { sources: ['a.txt'], destination: '/bin/tool', chmod: '+x' }, tree: ['bin/ 0755', 'bin/tool 0755 "a"'] },
  { name: '--chmod that is not octal', op: { sources: ['a.txt'], destination: '/x', chmod: '0789' }, error: { code: 'INVALID_COPY_OPTION', message: "invalid chmod parameter: '0789'. it should be octal string and between 0 and 07777" } },
  { name: 'a URL is not a COPY source', op: { kind: 'copy', sources: ['http://127.0.0.1/x'], destination: '/x' }, error: { code: 'INVALID_COPY_OPTION', message: "source can't be a URL for COPY" } },
];

describe('applyCopy: BuildKit COPY cases', () => {
  let context: string;
  let destRoot: string;
  let cleanup: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    const ctx = await tempDir();
    const dst = await tempDir();
    context = ctx.path;
    destRoot = dst.path;
    cleanup = [ctx.remove, dst.remove];
    await writeTree(context, CONTEXT);
  });
  afterEach(async () => {
    for (const remove of cleanup) await remove();
  });

  for (const c of CASES) {
    it(c.name, async () => {
      if (c.image !== undefined) await writeTree(destRoot, c.image);
      const op: CopyOp = {
        kind: 'copy',
        destRoot,
        sources: [],
        from: { root: context, kind: 'context', ...(c.ignore !== undefined ? { ignore: new PatternMatcher(c.ignore) } : {}) },
        ...c.op,
      };
      if (c.error !== undefined) {
        const error = await applyCopy(op).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BuildError);
        expect((error as BuildError).code).toBe(c.error.code);
        expect((error as BuildError).message).toBe(c.error.message);
        return;
      }
      const result = await applyCopy(op);
      const image = c.image === undefined ? [] : Object.keys(c.image);
      const lines = (await describeTree(destRoot)).filter((line) => c.tree?.includes(line) === true || !image.some((p) => line.startsWith(p)));
      expect(lines).toEqual(c.tree);
      expect(result.warnings.length).toBe(c.warnings ?? 0);
    });
  }

  it('keeps file times and counts what it copied', async () => {
    const result = await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['a.txt', 'hl'], destination: '/t/' });
    expect((await lstat(join(destRoot, 't/a.txt'))).mtimeMs).toBe(T * 1000);
    expect(result).toEqual({ filesCopied: 3, bytes: 1 + 4, warnings: [] });
  });

  it('many files and hardlinks written at once come out whole', async () => {
    const spec: TreeSpec = {};
    for (let i = 0; i < 40; i++) {
      spec[`many/f${String(i)}`] = `content ${String(i)}`;
      spec[`many/l${String(i)}`] = { hardlink: `many/f${String(i)}` };
    }
    await writeTree(context, spec);
    const result = await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['many'], destination: '/m' });
    expect(result.filesCopied).toBe(80);
    const lines = await describeTree(join(destRoot, 'm'));
    for (let i = 0; i < 40; i++) {
      expect(lines).toContain(`f${String(i)} 0644 "content ${String(i)}"`);
      expect(lines).toContain(`l${String(i)} 0644 "content ${String(i)}" =f${String(i)}`);
    }
  });

  it.runIf(process.getuid?.() === 0)('extended attributes come along, overlayfs bookkeeping does not', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const run = promisify(execFile);
    await writeTree(context, { 'x/tool': 'bin', 'x/sub/f': 'f' });
    await run('setfattr', ['-n', 'user.note', '-v', 'hello', join(context, 'x/tool')]);
    await run('setfattr', ['-n', 'security.capability', '-v', '0x0100000200200000000000000000000000000000', join(context, 'x/tool')]);
    await run('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(context, 'x/sub')]);
    await run('setfattr', ['-n', 'user.dir', '-v', 'd', join(context, 'x/sub')]);
    const result = await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['x'], destination: '/x' });
    expect(result.warnings).toEqual([]);
    const dump = async (path: string): Promise<string> => (await run('getfattr', ['-d', '-m', '-', '-e', 'hex', '--absolute-names', path])).stdout;
    const tool = await dump(join(destRoot, 'x/tool'));
    expect(tool).toContain('user.note=0x68656c6c6f');
    expect(tool).toContain('security.capability=0x0100000200200000000000000000000000000000');
    const sub = await dump(join(destRoot, 'x/sub'));
    expect(sub).toContain('user.dir=0x64');
    expect(sub).not.toContain('trusted.overlay');
  });

  it('a top-level directory gets its source time after its contents are written', async () => {
    await utimes(join(context, 'dir/sub'), T, T);
    await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['dir'], destination: '/d' });
    expect((await lstat(join(destRoot, 'd/sub'))).mtimeMs).toBe(T * 1000);
  });

  it('SOURCE_DATE_EPOCH-style timestamp gives every written path the same time', async () => {
    const at = new Date(1_600_000_000_000);
    await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['dir'], destination: '/new/d', timestamp: at });
    for (const path of ['new', 'new/d', 'new/d/f', 'new/d/sub', 'new/d/sub/s', 'new/d/rel']) {
      expect((await lstat(join(destRoot, path))).mtimeMs, path).toBe(at.getTime());
    }
  });

  it('a hostile symlink in the rootfs never lets a copy write outside it', async () => {
    const outside = await tempDir();
    cleanup.push(outside.remove);
    await writeTree(destRoot, { evil: { symlink: '/' }, evil2: { symlink: '../../../../../../../..' }, evil3: { symlink: outside.path } });
    for (const destination of ['/evil/pwned', '/evil2/pwned2', '/evil3/pwned3', '/evil/etc/']) {
      await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['a.txt'], destination });
    }
    expect(await readdir(outside.path)).toEqual([]);
    expect(await readFile(join(destRoot, 'pwned'), 'utf8')).toBe('a');
    expect(await readFile(join(destRoot, 'pwned2'), 'utf8')).toBe('a');
    expect(await readFile(join(destRoot, outside.path, 'pwned3'), 'utf8')).toBe('a');
    expect(await readFile(join(destRoot, 'etc/a.txt'), 'utf8')).toBe('a');
    await expect(lstat('/pwned')).rejects.toThrow();
  });

  it('a symlink in the source context pointing outside it resolves inside the context', async () => {
    await writeTree(context, { escape: { symlink: '/etc' }, 'etc/hostname': 'inside' });
    await applyCopy({ kind: 'copy', destRoot, from: { root: context, kind: 'context' }, sources: ['escape/hostname'], destination: '/h' });
    expect(await readFile(join(destRoot, 'h'), 'utf8')).toBe('inside');
  });
});
