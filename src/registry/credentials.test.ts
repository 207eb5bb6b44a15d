import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookupCredential, removeCredential, saveCredential } from './credentials.js';
import { readDockerConfig, resolveDockerConfigDir } from './docker-config.js';

// A credential helper speaking docker's protocol, keeping its secrets in a JSON file beside it.
const HELPER = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const file = path.join(__dirname, 'helper-store.json');
const store = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
const input = fs.readFileSync(0, 'utf8');
const action = process.argv[2];
fs.appendFileSync(path.join(__dirname, 'helper-log'), action + ' ' + (action === 'store' ? JSON.parse(input).ServerURL : input) + '\\n');
if (action === 'get') {
  const entry = store[input.trim()];
  if (!entry) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
  process.stdout.write(JSON.stringify({ ServerURL: input.trim(), Username: entry.Username, Secret: entry.Secret }));
} else if (action === 'store') {
  const c = JSON.parse(input);
  store[c.ServerURL] = { Username: c.Username, Secret: c.Secret };
  fs.writeFileSync(file, JSON.stringify(store));
} else if (action === 'erase') {
  if (!store[input.trim()]) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
  delete store[input.trim()];
  fs.writeFileSync(file, JSON.stringify(store));
} else process.exit(2);
`;

describe('docker credentials', () => {
  let dir: string;
  let helperEnv: Record<string, string | undefined>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dockercfg-'));
    await writeFile(join(dir, 'docker-credential-fake'), HELPER);
    await chmod(join(dir, 'docker-credential-fake'), 0o755);
    helperEnv = { PATH: `${dir}:${process.env['PATH'] ?? ''}` };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const writeConfig = (config: unknown): Promise<void> => writeFile(join(dir, 'config.json'), JSON.stringify(config));
  const b64 = (s: string): string => Buffer.from(s).toString('base64');

  it('resolves DOCKER_CONFIG before ~/.docker', () => {
    expect(resolveDockerConfigDir({ DOCKER_CONFIG: '/x/y' })).toBe('/x/y');
    expect(resolveDockerConfigDir({})).toMatch(/\.docker$/);
  });

  it.each([
    ['docker.io', { 'https://index.docker.io/v1/': { auth: b64('hub:pw1') } }, { username: 'hub', password: 'pw1' }],
    ['docker.io', { 'index.docker.io': { auth: b64('hub2:pw:with:colons') } }, { username: 'hub2', password: 'pw:with:colons' }],
    ['127.0.0.1:5000', { 'http://127.0.0.1:5000/v2/': { auth: b64('me:secret') } }, { username: 'me', password: 'secret' }],
    ['quay.io', { 'quay.io': { username: 'u', password: 'p' } }, { username: 'u', password: 'p' }],
    ['ghcr.io', { 'ghcr.io': { identitytoken: 'refresh-me' } }, { identityToken: 'refresh-me' }],
    ['gcr.io', { 'quay.io': { auth: b64('a:b') } }, undefined],
  ])('reads auths for %s', async (registry, auths, expected) => {
    await writeConfig({ auths });
    expect(await lookupCredential(registry, { configDir: dir })).toEqual(expected);
  });

  it('treats a missing config.json as no credentials, and a broken one as an error', async () => {
    expect(await lookupCredential('docker.io', { configDir: join(dir, 'absent') })).toBeUndefined();
    await writeFile(join(dir, 'config.json'), '{ not json');
    await expect(lookupCredential('docker.io', { configDir: dir })).rejects.toMatchObject({ code: 'REGISTRY_CONFIG' });
  });

  it('saves in auths (keeping other keys, mode 0600) and removes again', async () => {
    await writeConfig({ auths: { 'other.example': { auth: b64('o:p') } }, psFormat: 'table' });
    expect(await saveCredential('127.0.0.1:5000', { username: 'me', password: 's3cret' }, { configDir: dir })).toBe('config');
    const config = await readDockerConfig(dir);
    expect(config['psFormat']).toBe('table');
    expect(config.auths?.['127.0.0.1:5000']).toEqual({ auth: b64('me:s3cret') });
    expect(config.auths?.['other.example']).toBeDefined();
    expect(await lookupCredential('127.0.0.1:5000', { configDir: dir })).toEqual({ username: 'me', password: 's3cret' });
    const { stat } = await import('node:fs/promises');
    expect((await stat(join(dir, 'config.json'))).mode & 0o777).toBe(0o600);
    expect(await removeCredential('127.0.0.1:5000', { configDir: dir })).toBe(true);
    expect(await removeCredential('127.0.0.1:5000', { configDir: dir })).toBe(false);
    expect((await readDockerConfig(dir)).auths?.['other.example']).toBeDefined();
  });

  it('saves docker.io under its historical key', async () => {
    await saveCredential('docker.io', { username: 'u', password: 'p' }, { configDir: dir });
    expect(Object.keys((await readDockerConfig(dir)).auths ?? {})).toEqual(['https://index.docker.io/v1/']);
  });

  it('goes through credHelpers and credsStore programs', async () => {
    await writeConfig({ credHelpers: { '127.0.0.1:5000': 'fake' }, auths: { 'quay.io': { auth: b64('q:r') } } });
    const options = { configDir: dir, helperEnv };
    expect(await lookupCredential('127.0.0.1:5000', options)).toBeUndefined();
    expect(await saveCredential('127.0.0.1:5000', { username: 'h', password: 'helper-pw' }, options)).toBe('helper');
    expect(await lookupCredential('127.0.0.1:5000', options)).toEqual({ username: 'h', password: 'helper-pw' });
    // the secret went to the helper, not into config.json
    expect(await readFile(join(dir, 'config.json'), 'utf8')).not.toContain('helper-pw');
    // registries without a helper entry still use auths
    expect(await lookupCredential('quay.io', options)).toEqual({ username: 'q', password: 'r' });
    expect(await removeCredential('127.0.0.1:5000', options)).toBe(true);
    expect(await lookupCredential('127.0.0.1:5000', options)).toBeUndefined();

    await writeConfig({ credsStore: 'fake' });
    await saveCredential('docker.io', { username: '<token>', password: 'identity-xyz' }, options);
    expect(await lookupCredential('docker.io', options)).toEqual({ identityToken: 'identity-xyz' });
    const log = await readFile(join(dir, 'helper-log'), 'utf8');
    expect(log).toContain('store https://index.docker.io/v1/');
  });

  it('names a helper that is not installed', async () => {
    await writeConfig({ credsStore: 'does-not-exist' });
    await expect(lookupCredential('docker.io', { configDir: dir, helperEnv })).rejects.toThrow(/docker-credential-does-not-exist is not installed/);
  });
});
