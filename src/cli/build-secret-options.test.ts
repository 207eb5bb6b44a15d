import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import type { BuildError } from '../errors/index.js';
import { openBuildSecrets, parseSecretFlag, parseSshFlag } from './build-secret-options.js';

function errorOf(run: () => unknown): BuildError {
  try {
    run();
  } catch (err) {
    if (isBuildError(err)) return err;
    throw err;
  }
  throw new Error('no error thrown');
}

describe('parseSecretFlag (buildx Secret.UnmarshalText)', () => {
  it.each([
    { text: 'id=npmrc,src=/home/me/.npmrc', expected: { id: 'npmrc', src: '/home/me/.npmrc' } },
    { text: 'id=npmrc,source=rel/file', expected: { id: 'npmrc', src: 'rel/file' } },
    { text: 'id=token,env=GITHUB_TOKEN', expected: { id: 'token', env: 'GITHUB_TOKEN' } },
    { text: 'id=token', expected: { id: 'token' } },
    { text: 'ID=token,SRC=f', expected: { id: 'token', src: 'f' } },
    // type=env takes the variable's name from src when env is not given
    { text: 'id=token,type=env,src=MY_VAR', expected: { id: 'token', env: 'MY_VAR' } },
    { text: 'type=env,id=token', expected: { id: 'token' } },
    { text: 'id=token,type=env,env=A,src=f', expected: { id: 'token', src: 'f', env: 'A' } },
    { text: 'id=token,type=file,src=f', expected: { id: 'token', src: 'f' } },
    // quoted CSV fields and values holding '='
    { text: '"id=a,b",src=x=y', expected: { id: 'a,b', src: 'x=y' } },
    // no id: the store refuses it, as BuildKit's does
    { text: 'src=/f', expected: { id: '', src: '/f' } },
    { text: '', expected: { id: '' } },
    // later keys win
    { text: 'id=a,id=b', expected: { id: 'b' } },
  ])('$text', ({ text, expected }) => {
    expect(parseSecretFlag(text)).toEqual(expected);
  });

  it.each([
    { text: 'id=a,type=ssh', message: 'unsupported secret type "ssh"' },
    { text: 'id=a,type=ENV', message: 'unsupported secret type "ENV"' },
    { text: 'id=a,required', message: "invalid field 'required' must be a key=value pair" },
    { text: 'id=a,target=/x', message: "unexpected key 'target' in 'target=/x'" },
    { text: 'id="a', message: 'failed to parse csv secret' },
  ])('refuses $text', ({ text, message }) => {
    const error = errorOf(() => parseSecretFlag(text));
    expect(error.code).toBe('USAGE');
    expect(error.message).toContain(message);
    expect(error.message).toContain(JSON.stringify(text));
  });
});

describe('parseSshFlag (buildx SSH.UnmarshalText)', () => {
  it.each([
    { text: 'default', expected: { id: 'default', paths: [] } },
    { text: 'default=/run/agent.sock', expected: { id: 'default', paths: ['/run/agent.sock'] } },
    { text: 'gitlab=/k1,/k2', expected: { id: 'gitlab', paths: ['/k1', '/k2'] } },
    { text: 'id=/path', expected: { id: 'id', paths: ['/path'] } },
    { text: '=/sock', expected: { id: '', paths: ['/sock'] } },
    { text: 'x=', expected: { id: 'x', paths: [''] } },
    { text: 'a=b=c', expected: { id: 'a', paths: ['b=c'] } },
  ])('$text', ({ text, expected }) => {
    expect(parseSshFlag(text)).toEqual(expected);
  });
});

describe('openBuildSecrets', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-secret-flags-'));
    await writeFile(join(dir, 'token.txt'), 'from-file');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives nothing without flags', async () => {
    expect(await openBuildSecrets([], [], { env: {}, cwd: dir })).toEqual({});
  });

  it('opens --secret flags against the environment and the working directory', async () => {
    const { secrets, ssh } = await openBuildSecrets(['id=a,src=token.txt', 'id=b,env=B_VAR', 'id=C_VAR'], [], { env: { B_VAR: 'from-env', C_VAR: 'short' }, cwd: dir });
    expect(ssh).toBeUndefined();
    expect(secrets?.ids).toEqual(['a', 'b', 'C_VAR']);
    expect((await secrets?.read('a'))?.toString()).toBe('from-file');
    expect((await secrets?.read('b'))?.toString()).toBe('from-env');
    expect((await secrets?.read('C_VAR'))?.toString()).toBe('short');
  });

  it('refuses an --ssh default without SSH_AUTH_SOCK before the build starts', async () => {
    await expect(openBuildSecrets([], ['default'], { env: {}, cwd: dir })).rejects.toMatchObject({ code: 'INVALID_SSH_AGENT' });
  });
});
