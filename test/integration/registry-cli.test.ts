import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineLoginCommand } from '../../src/cli/commands/login.js';
import { defineLogoutCommand } from '../../src/cli/commands/logout.js';
import { definePullCommand } from '../../src/cli/commands/pull.js';
import { definePushCommand } from '../../src/cli/commands/push.js';
import { isBuildError } from '../../src/errors/index.js';
import { startFakeRegistry } from '../../src/registry/testing/fake-registry.js';
import type { FakeRegistry } from '../../src/registry/testing/fake-registry.js';
import { randomImage } from '../../src/registry/testing/test-image.js';
import { openStore } from '../../src/store/index.js';

const USER = 'cli-user';
const PASSWORD = 'cli-password-42';

/** Runs one stagecraft command line through commander; returns what it printed. */
async function stagecraft(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command('stagecraft').option('--root <dir>').exitOverride();
  for (const define of [definePullCommand, definePushCommand, defineLoginCommand, defineLogoutCommand]) define(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

describe('pull, push, login and logout on the command line', () => {
  let fake: FakeRegistry;
  let dir: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    fake = await startFakeRegistry({ auth: { kind: 'bearer', username: USER, password: PASSWORD } });
    dir = await mkdtemp(join(tmpdir(), 'registry-cli-'));
    await writeFile(join(dir, 'registries.conf'), 'unqualified-search-registries = []\n');
    for (const name of ['DOCKER_CONFIG', 'CONTAINERS_REGISTRIES_CONF']) saved[name] = process.env[name];
    process.env['DOCKER_CONFIG'] = join(dir, 'docker');
    process.env['CONTAINERS_REGISTRIES_CONF'] = join(dir, 'registries.conf');
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('logs in, pushes, pulls twice, logs out', async () => {
    const refused = await stagecraft(['login', '-u', USER, '-p', 'wrong-one-99', fake.host]).catch((e: unknown) => e);
    expect(isBuildError(refused) && refused.code === 'REGISTRY_UNAUTHORIZED').toBe(true);
    expect((refused as Error).message).not.toContain('wrong-one-99');

    const login = await stagecraft(['login', '-u', USER, '-p', PASSWORD, fake.host]);
    expect(login.stdout).toBe('Login Succeeded\n');
    expect(login.stderr).toContain('Use --password-stdin');
    expect(await readFile(join(dir, 'docker', 'config.json'), 'utf8')).toContain(fake.host);

    const image = await randomImage([5000, 7000]);
    const ref = `${fake.host}/cli/app:v1`;
    await (await openStore(join(dir, 'root1'))).putImage(image, { tags: [ref] });
    const push = await stagecraft(['--root', join(dir, 'root1'), 'push', ref]);
    const digest = await image.digest();
    const pushLines = push.stdout.trim().split('\n');
    expect(pushLines[0]).toBe(`The push refers to repository [${fake.host}/cli/app]`);
    expect(pushLines.filter((l) => / Preparing$/.test(l))).toHaveLength(3);
    expect(pushLines.filter((l) => /^[0-9a-f]{12}: Pushed$/.test(l))).toHaveLength(3);
    expect(pushLines.at(-1)).toBe(`v1: digest: ${digest} size: ${(await image.rawManifest()).byteLength}`);

    const pull = await stagecraft(['--root', join(dir, 'root2'), 'pull', ref]);
    const pullLines = pull.stdout.trim().split('\n');
    expect(pullLines[0]).toBe('v1: Pulling from cli/app');
    expect(pullLines.filter((l) => /^[0-9a-f]{12}: Pulling fs layer$/.test(l))).toHaveLength(2);
    expect(pullLines.filter((l) => /^[0-9a-f]{12}: Pull complete$/.test(l))).toHaveLength(2);
    expect(pullLines.slice(-3)).toEqual([`Digest: ${digest}`, `Status: Downloaded newer image for ${ref}`, ref]);

    const again = await stagecraft(['--root', join(dir, 'root2'), 'pull', ref]);
    expect(again.stdout).toContain('Status: Image is up to date');
    expect(again.stdout.split('\n').filter((l) => l.endsWith(': Already exists'))).toHaveLength(2);

    expect((await stagecraft(['logout', fake.host])).stdout).toBe(`Removing login credentials for ${fake.host}\n`);
    expect((await stagecraft(['logout', fake.host])).stdout).toBe(`Not logged in to ${fake.host}\n`);
    const anonymous = await stagecraft(['--root', join(dir, 'root3'), 'pull', ref]).catch((e: unknown) => e);
    expect(isBuildError(anonymous) && anonymous.code === 'REGISTRY_UNAUTHORIZED').toBe(true);
  });

  it('refuses a malformed --platform as a usage error', async () => {
    const err = await stagecraft(['--root', join(dir, 'root4'), 'pull', '--platform', 'linux', `${fake.host}/cli/app:v1`]).catch((e: unknown) => e);
    expect(isBuildError(err) && err.code === 'USAGE').toBe(true);
  });
});
