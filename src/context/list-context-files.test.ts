import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildError } from '../errors/index.js';
import { listContextFiles } from './list-context-files.js';

let root = '';

function write(files: Readonly<Record<string, string>>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true, mode: 0o755 });
    writeFileSync(join(root, path), content, { mode: 0o644 });
  }
}

async function paths(patterns: readonly string[]): Promise<string[]> {
  return (await listContextFiles(root, patterns)).map((e) => (e.type === 'dir' ? `${e.path}/` : e.path));
}

/**
 * Runs `fn` without the power to read other users' private files: as root (where mode bits do
 * not stop reads) the effective uid drops to nobody for the duration. Vitest runs each test file
 * in its own process, so this does not leak into other files.
 */
async function withoutPrivileges<T>(fn: () => Promise<T>): Promise<T> {
  const { geteuid, seteuid } = process;
  if (geteuid === undefined || seteuid === undefined || geteuid() !== 0) return fn();
  seteuid(65534);
  try {
    return await fn();
  } finally {
    seteuid(0);
  }
}

async function failure(promise: Promise<unknown>): Promise<BuildError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BuildError) return error;
    throw error;
  }
  throw new Error('expected a BuildError');
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'stagecraft-context-'));
  chmodSync(root, 0o755);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('listContextFiles', () => {
  it('lists everything without patterns, sorted by path bytes, parents first', async () => {
    write({ 'a.txt': '1', 'a/b': '2', 'B/c': '3', 'é': '4', 'a-z': '5' });
    // `a` sorts before `a-z` (a prefix), `a/b` after `a.txt` ('.' < '/')
    expect(await paths([])).toEqual(['B/', 'B/c', 'a/', 'a-z', 'a.txt', 'a/b', 'é']);
  });

  it('records stat information for each entry', async () => {
    write({ 'dir/file.txt': 'hello' });
    chmodSync(join(root, 'dir/file.txt'), 0o640);
    const [dir, file] = await listContextFiles(root, []);
    expect(dir).toMatchObject({ path: 'dir', type: 'dir', size: 0, mode: 0o755 });
    expect(file).toMatchObject({ path: 'dir/file.txt', type: 'file', size: 5, mode: 0o640, nlink: 1 });
    expect(typeof file?.mtimeNs).toBe('bigint');
    expect(file?.ino).toBeGreaterThan(0n);
    expect(file?.linkTarget).toBeUndefined();
  });

  it('lists a symlink as a symlink with its target, without following it', async () => {
    write({ 'real/inside.txt': 'x' });
    symlinkSync('real', join(root, 'link'));
    symlinkSync('/nonexistent/target', join(root, 'dangling'));
    const entries = await listContextFiles(root, []);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get('link')).toMatchObject({ type: 'symlink', linkTarget: 'real', size: 4 });
    expect(byPath.get('dangling')).toMatchObject({ type: 'symlink', linkTarget: '/nonexistent/target' });
    expect(byPath.has('link/inside.txt')).toBe(false);
  });

  it('applies the patterns, listing an ignored directory only as the parent of an exception', async () => {
    write({ 'build/out.bin': '', 'build/keep/important.txt': '', 'src/a.js': '' });
    expect(await paths(['build', '!build/keep'])).toEqual([
      'build/',
      'build/keep/',
      'build/keep/important.txt',
      'src/',
      'src/a.js',
    ]);
    expect(await paths(['build'])).toEqual(['src/', 'src/a.js']);
  });

  it('is not stopped by an unreadable ignored directory', async () => {
    write({ 'secret/a': 'x', 'src/b': 'y' });
    chmodSync(join(root, 'secret'), 0o700);
    const listed = await withoutPrivileges(() => paths(['secret', '!src/b']));
    expect(listed).toEqual(['src/', 'src/b']);
  });

  it('skips an unreadable ignored directory that a wildcard exception makes it look into', async () => {
    write({ 'secret/a': 'x', 'src/b.js': 'y' });
    chmodSync(join(root, 'secret'), 0o700);
    const listed = await withoutPrivileges(() => paths(['secret', '!**/*.js']));
    expect(listed).toEqual(['src/', 'src/b.js']);
  });

  it('fails with a clear error naming an unreadable file', async () => {
    write({ 'ok.txt': 'fine', 'dir/private.key': 'secret' });
    chmodSync(join(root, 'dir/private.key'), 0o600);
    const error = await withoutPrivileges(() => failure(listContextFiles(root, [])));
    expect(error.code).toBe('CONTEXT_UNREADABLE');
    expect(error.message).toContain('dir/private.key');
    expect(error.details).toMatchObject({ path: 'dir/private.key', code: 'EACCES' });
    // ... and ignoring it is the way out
    const listed = await withoutPrivileges(() => paths(['dir/private.key']));
    expect(listed).toEqual(['dir/', 'ok.txt']);
  });

  it('fails naming an unreadable directory that is part of the context', async () => {
    write({ 'locked/a': 'x' });
    chmodSync(join(root, 'locked'), 0o700);
    const error = await withoutPrivileges(() => failure(listContextFiles(root, [])));
    expect(error.code).toBe('CONTEXT_UNREADABLE');
    expect(error.details['path']).toBe('locked');
  });

  it('rejects a missing context and a bad pattern', async () => {
    expect((await failure(listContextFiles(join(root, 'nope'), []))).code).toBe('CONTEXT_NOT_FOUND');
    write({ file: '' });
    expect((await failure(listContextFiles(join(root, 'file'), []))).code).toBe('CONTEXT_NOT_FOUND');
    expect((await failure(listContextFiles(root, ['[']))).code).toBe('INVALID_IGNORE_PATTERN');
  });

  it('stops when its signal is aborted', async () => {
    write({ 'a/b': '' });
    const controller = new AbortController();
    controller.abort();
    await expect(listContextFiles(root, [], { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});
