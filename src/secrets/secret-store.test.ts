import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SECRET_SIZE, openSecretStore } from './secret-store.js';
import type { SecretSpec } from './secret-store.js';

describe('openSecretStore (BuildKit secretsprovider.NewStore)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-secret-store-'));
    await writeFile(join(dir, 'file.txt'), 'file value');
    await writeFile(join(dir, 'NAME'), 'file named like the id');
    await writeFile(join(dir, 'big'), Buffer.alloc(MAX_SECRET_SIZE + 1, 1));
    await writeFile(join(dir, 'limit'), Buffer.alloc(MAX_SECRET_SIZE, 2));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each<{ name: string; spec: SecretSpec; env: Record<string, string>; value: string }>([
    { name: 'src is a file (relative to cwd)', spec: { id: 's', src: 'file.txt' }, env: {}, value: 'file value' },
    { name: 'env is a variable', spec: { id: 's', env: 'VAR' }, env: { VAR: 'env value' }, value: 'env value' },
    { name: 'an unset env variable is an empty secret', spec: { id: 's', env: 'UNSET' }, env: {}, value: '' },
    { name: 'env wins over src', spec: { id: 's', src: 'file.txt', env: 'VAR' }, env: { VAR: 'env value' }, value: 'env value' },
    { name: 'id alone: the variable of that name when set', spec: { id: 'NAME' }, env: { NAME: 'from env' }, value: 'from env' },
    { name: 'id alone: an empty variable still counts as set', spec: { id: 'NAME' }, env: { NAME: '' }, value: '' },
    { name: 'id alone: else the file of that name', spec: { id: 'NAME' }, env: {}, value: 'file named like the id' },
  ])('$name', async ({ spec, env, value }) => {
    const store = await openSecretStore([spec], { env, cwd: dir });
    expect(store.has(spec.id)).toBe(true);
    expect((await store.read(spec.id))?.toString('utf8')).toBe(value);
    expect(await store.read('other')).toBeUndefined();
    expect(store.has('other')).toBe(false);
  });

  it('reads a file again at each read (a changed file is seen by the next step)', async () => {
    const path = join(dir, 'changing');
    await writeFile(path, 'one');
    const store = await openSecretStore([{ id: 'c', src: path }], { env: {}, cwd: '/' });
    expect((await store.read('c'))?.toString()).toBe('one');
    await writeFile(path, 'two');
    expect((await store.read('c'))?.toString()).toBe('two');
  });

  it('takes the later of two specs with one id, and a secret of exactly 500 KiB', async () => {
    const store = await openSecretStore([{ id: 'x', src: 'file.txt' }, { id: 'x', src: 'limit' }], { env: {}, cwd: dir });
    expect(store.ids).toEqual(['x']);
    expect((await store.read('x'))?.length).toBe(MAX_SECRET_SIZE);
  });

  it.each<{ name: string; spec: SecretSpec; env?: Record<string, string>; message: string }>([
    { name: 'no id', spec: { id: '', src: 'file.txt' }, message: 'secret missing ID' },
    { name: 'a missing file', spec: { id: 's', src: 'nope.txt' }, message: 'failed to stat nope.txt: no such file or directory' },
    { name: 'id alone, neither variable nor file', spec: { id: 'ABSENT' }, message: 'failed to stat ABSENT' },
    { name: 'a file over 500 KiB', spec: { id: 's', src: 'big' }, message: 'secret s too big. max size 500KiB' },
  ])('refuses $name before the build', async ({ spec, env, message }) => {
    await expect(openSecretStore([spec], { env: env ?? {}, cwd: dir })).rejects.toMatchObject({ code: 'INVALID_SECRET', message: expect.stringContaining(message) as unknown });
  });

  it('refuses an env secret over 500 KiB when it is read, without its value in the message', async () => {
    const value = 'v'.repeat(MAX_SECRET_SIZE + 1);
    const store = await openSecretStore([{ id: 'big', env: 'BIG' }], { env: { BIG: value }, cwd: dir });
    const error = await store.read('big').catch((err: unknown) => err as Error);
    expect(error).toMatchObject({ code: 'INVALID_SECRET' });
    expect((error as Error).message).not.toContain('vvvv');
  });

  it('refuses a file that went away after the store was opened', async () => {
    const path = join(dir, 'vanishing');
    await writeFile(path, 'here');
    const store = await openSecretStore([{ id: 'v', src: path }], { env: {}, cwd: '/' });
    await rm(path);
    await expect(store.read('v')).rejects.toMatchObject({ code: 'INVALID_SECRET', message: expect.stringContaining('ENOENT') as unknown });
  });

  it('holds values where JSON cannot see them', async () => {
    const store = await openSecretStore([{ id: 'e', env: 'VAR' }, { id: 'f', src: 'file.txt' }], { env: { VAR: 'hidden-env-value' }, cwd: dir });
    const json = JSON.stringify(store);
    expect(json).not.toContain('hidden-env-value');
    expect(json).not.toContain('file value');
  });
});
