import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import type { BuildError } from '../errors/index.js';
import { RegistryClientPool } from './client-pool.js';
import { login, logout } from './login.js';
import type { PullProgress, PushProgress } from './progress.js';
import { pushImage } from './push-image.js';
import { remoteImage } from './remote-image.js';
import type { RetryPolicy } from './retry.js';
import { startFakeRegistry } from './testing/fake-registry.js';
import type { FakeAuth, FakeRegistry } from './testing/fake-registry.js';
import { publishImage } from './testing/publish.js';
import { randomImage } from './testing/test-image.js';

const FAST: RetryPolicy = { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 };
const USER = 'alice';
const PASSWORD = 'correct-horse-battery';

async function caught(promise: Promise<unknown>): Promise<BuildError> {
  try {
    await promise;
  } catch (err) {
    if (isBuildError(err)) return err;
    throw err;
  }
  throw new Error('expected a BuildError');
}

/** Every string a person or a log could see of an error. */
function visible(err: BuildError): string {
  return [err.message, err.hint ?? '', JSON.stringify(err.details), inspect(err, { depth: 6 })].join('\n');
}

function expectNoSecrets(text: string, fake: FakeRegistry): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
  for (const token of fake.issuedTokens) expect(text).not.toContain(token);
}

describe('registry authentication', () => {
  let dir: string;
  const fakes: FakeRegistry[] = [];
  const start = async (auth: FakeAuth): Promise<FakeRegistry> => {
    const fake = await startFakeRegistry({ auth });
    fakes.push(fake);
    return fake;
  };
  const saveAuth = (host: string, user: string, password: string): Promise<void> =>
    writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } }));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auth-'));
  });
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a bearer challenge anonymously and caches the token per scope', async () => {
    const fake = await start({ kind: 'bearer', anonymousPull: true });
    const image = await randomImage([1000, 2000]);
    const digest = await publishImage(fake, 'pub/app', 'v1', image);
    const clients = new RegistryClientPool({ credentials: { configDir: dir }, retry: FAST });
    const remote = await remoteImage({ registry: fake.host, repository: 'pub/app', tag: 'v1' }, { clients });
    expect(await remote.digest()).toBe(digest);
    for (const layer of await remote.layers()) for await (const chunk of await layer.open()) expect(chunk).toBeDefined();
    const tokenRequests = fake.requests.filter((r) => r.path === '/token');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]!.query.getAll('scope')).toEqual(['repository:pub/app:pull']);
    expect(tokenRequests[0]!.query.get('service')).toBe('fake-registry');
    expect(tokenRequests[0]!.authorization).toBeUndefined();
    // every registry request after the ping carried the token
    const api = fake.requests.filter((r) => r.path.startsWith('/v2/pub/'));
    expect(api).toHaveLength(3); // the manifest and two layers
    expect(api.every((r) => r.authorization === `Bearer ${fake.issuedTokens[0]!}`)).toBe(true);
  });

  it('follows a blob redirect to another host without sending it the token', async () => {
    const fake = await start({ kind: 'bearer', username: USER, password: PASSWORD });
    const image = await randomImage([5000]);
    const digest = await publishImage(fake, 'cdn/app', 'v1', image);
    const layerDigest = await (await image.layers())[0]!.digest();
    const seen: (string | undefined)[] = [];
    const cdn = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end(image.layerBlobs[0]);
    });
    await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
    try {
      const cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/blob?signature=abc`;
      fake.faults.push({ method: 'GET', path: new RegExp(`/blobs/${layerDigest}$`), action: { kind: 'status', status: 307, headers: { Location: cdnUrl } } });
      await saveAuth(fake.host, USER, PASSWORD);
      const remote = await remoteImage({ registry: fake.host, repository: 'cdn/app', tag: 'v1' }, { credentials: { configDir: dir }, retry: FAST });
      expect(await remote.digest()).toBe(digest);
      const chunks: Buffer[] = [];
      for await (const chunk of await (await remote.layers())[0]!.open()) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks)).toEqual(image.layerBlobs[0]);
      expect(seen).toEqual([undefined]);
    } finally {
      await new Promise<void>((resolve) => cdn.close(() => {
        resolve();
      }));
    }
  });

  it('uses a stored identity token with the OAuth2 refresh grant', async () => {
    const fake = await start({ kind: 'bearer', refreshToken: 'refresh-me-please' });
    const digest = await publishImage(fake, 'private/app', 'v1', await randomImage([500]));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [fake.host]: { identitytoken: 'refresh-me-please' } } }));
    const remote = await remoteImage({ registry: fake.host, repository: 'private/app', tag: 'v1' }, { credentials: { configDir: dir }, retry: FAST });
    expect(await remote.digest()).toBe(digest);
    const grants = fake.requests.filter((r) => r.path === '/token');
    expect(grants.map((r) => r.method)).toEqual(['POST']);
  });

  it('falls back to the GET token flow where the service has no OAuth2 endpoint', async () => {
    const fake = await start({ kind: 'bearer', anonymousPull: true });
    const digest = await publishImage(fake, 'pub/app', 'v1', await randomImage([500]));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [fake.host]: { identitytoken: 'not-known-here' } } }));
    const remote = await remoteImage({ registry: fake.host, repository: 'pub/app', tag: 'v1' }, { credentials: { configDir: dir }, retry: FAST });
    expect(await remote.digest()).toBe(digest);
    expect(fake.requests.filter((r) => r.path === '/token').map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('fetches a new token when the cached one has expired', async () => {
    const fake = await start({ kind: 'bearer', anonymousPull: true, expiresIn: 1 });
    await publishImage(fake, 'pub/app', 'v1', await randomImage([500]));
    const clients = new RegistryClientPool({ credentials: false, retry: FAST });
    const ref = { registry: fake.host, repository: 'pub/app', tag: 'v1' };
    await remoteImage(ref, { clients });
    await remoteImage(ref, { clients });
    expect(fake.requests.filter((r) => r.path === '/token')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await remoteImage(ref, { clients });
    expect(fake.requests.filter((r) => r.path === '/token')).toHaveLength(2);
  });

  it('exchanges stored credentials for a token to a private repository', async () => {
    const fake = await start({ kind: 'bearer', username: USER, password: PASSWORD });
    const digest = await publishImage(fake, 'private/app', 'v1', await randomImage([500]));
    await saveAuth(fake.host, USER, PASSWORD);
    const remote = await remoteImage({ registry: fake.host, repository: 'private/app', tag: 'v1' }, { credentials: { configDir: dir }, retry: FAST });
    expect(await remote.digest()).toBe(digest);
    const token = fake.requests.find((r) => r.path === '/token');
    expect(token?.authorization).toBe('Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
  });

  it('says how to log in when anonymous access is refused', async () => {
    const fake = await start({ kind: 'bearer', username: USER, password: PASSWORD });
    await publishImage(fake, 'private/app', 'v1', await randomImage([500]));
    const err = await caught(remoteImage({ registry: fake.host, repository: 'private/app', tag: 'v1' }, { credentials: { configDir: dir }, retry: FAST }));
    expect(err.code).toBe('REGISTRY_UNAUTHORIZED');
    expect(err.message).toContain(`${fake.host}/private/app`);
    expect(err.message).toContain('UNAUTHORIZED');
    expect(err.hint).toBe(`no credentials for ${fake.host}; run \`stagecraft login ${fake.host}\` if the repository is private`);
  });

  it('never shows the password, the basic string or a token in errors', async () => {
    const fake = await start({ kind: 'bearer', username: USER, password: PASSWORD });
    await publishImage(fake, 'private/app', 'v1', await randomImage([500]));
    await saveAuth(fake.host, USER, PASSWORD);
    // the registry echoes the Authorization header (holding the token) into its error body
    fake.faults.push({ path: /\/manifests\/v1$/, times: 10, action: { kind: 'status', status: 400, echoAuthorization: true, body: '{"errors":[{"code":"DENIED","message":"no{{auth}}"}]}' } });
    const err = await caught(remoteImage({ registry: fake.host, repository: 'private/app', tag: 'v1' }, { credentials: { configDir: dir }, retry: FAST }));
    expect(err.code).toBe('REGISTRY_UNAUTHORIZED');
    expect(fake.issuedTokens.length).toBeGreaterThan(0);
    expect(err.message).toContain('you sent Bearer ***');
    expectNoSecrets(visible(err), fake);

    // wrong password: refused by the token service, the password not echoed
    await saveAuth(fake.host, USER, 'wrong-password-123');
    const refused = await caught(remoteImage({ registry: fake.host, repository: 'private/app', tag: 'v2' }, { credentials: { configDir: dir }, retry: FAST }));
    expect(refused.code).toBe('REGISTRY_UNAUTHORIZED');
    expect(refused.hint).toContain('refused the stored credentials');
    expect(visible(refused)).not.toContain('wrong-password-123');
  });

  it('uses basic auth when the registry asks for it', async () => {
    const fake = await start({ kind: 'basic', username: USER, password: PASSWORD });
    const digest = await publishImage(fake, 'b/app', 'v1', await randomImage([500]));
    const denied = await caught(remoteImage({ registry: fake.host, repository: 'b/app', tag: 'v1' }, { credentials: false, retry: FAST }));
    expect(denied.code).toBe('REGISTRY_UNAUTHORIZED');
    await saveAuth(fake.host, USER, PASSWORD);
    const remote = await remoteImage({ registry: fake.host, repository: 'b/app', tag: 'v1' }, { credentials: { configDir: dir }, retry: FAST });
    expect(await remote.digest()).toBe(digest);
    fake.faults.push({ path: /\/manifests\/v9$/, times: 10, action: { kind: 'status', status: 500, echoAuthorization: true, body: '{"errors":[{"code":"UNKNOWN","message":"x{{auth}}"}]}' } });
    const err = await caught(remoteImage({ registry: fake.host, repository: 'b/app', tag: 'v9' }, { credentials: { configDir: dir }, retry: FAST }));
    expect(err.message).toContain('you sent Basic ***');
    expectNoSecrets(visible(err), fake);
  });

  it('asks for pull and push scopes when pushing, and keeps secrets out of events', async () => {
    const fake = await start({ kind: 'bearer', username: USER, password: PASSWORD });
    await saveAuth(fake.host, USER, PASSWORD);
    const events: (PushProgress | PullProgress)[] = [];
    const image = await randomImage([3000]);
    const result = await pushImage(image, { registry: fake.host, repository: 'team/pushed', tag: 'v1' }, { credentials: { configDir: dir }, retry: FAST, onEvent: (e) => events.push(e) });
    expect(result.digest).toBe(await image.digest());
    const scopes = fake.requests.filter((r) => r.path === '/token').flatMap((r) => r.query.getAll('scope'));
    expect(scopes).toContain('repository:team/pushed:pull,push');
    expectNoSecrets(JSON.stringify(events), fake);
  });

  it('asks for a pull scope on the source repository when mounting across repositories', async () => {
    const fake = await start({ kind: 'bearer', username: USER, password: PASSWORD });
    await saveAuth(fake.host, USER, PASSWORD);
    await publishImage(fake, 'base/os', 'v1', await randomImage([4000]));
    const clients = new RegistryClientPool({ credentials: { configDir: dir }, retry: FAST });
    const base = await remoteImage({ registry: fake.host, repository: 'base/os', tag: 'v1' }, { clients });
    const pushed = await pushImage(base, { registry: fake.host, repository: 'app/derived', tag: 'v1' }, { clients });
    expect(pushed.outcomes.filter((o) => o.kind === 'mounted')).toHaveLength(1);
    const mountToken = fake.requests.filter((r) => r.path === '/token').find((r) => r.query.getAll('scope').includes('repository:base/os:pull') && r.query.getAll('scope').includes('repository:app/derived:pull,push'));
    expect(mountToken).toBeDefined();
  });
});

describe('login and logout', () => {
  let dir: string;
  let fake: FakeRegistry | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'login-'));
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['bearer', { kind: 'bearer', username: USER, password: PASSWORD }],
    ['basic', { kind: 'basic', username: USER, password: PASSWORD }],
  ] as const)('verifies against a %s registry before storing', async (_name, auth) => {
    fake = await startFakeRegistry({ auth });
    const bad = await caught(login(fake.host, { username: USER, password: 'nope-nope' }, { configDir: dir, retry: FAST }));
    expect(bad.code).toBe('REGISTRY_UNAUTHORIZED');
    expect(bad.message).toMatch(/^login to 127\.0\.0\.1:\d+ failed/);
    expect(visible(bad)).not.toContain('nope-nope');
    await expect(readFile(join(dir, 'config.json'), 'utf8')).rejects.toThrow(/ENOENT/);

    const ok = await login(fake.host, { username: USER, password: PASSWORD }, { configDir: dir, retry: FAST });
    expect(ok).toEqual({ registry: fake.host, storedIn: 'config' });
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
    expect(Buffer.from(config.auths[fake.host]!.auth, 'base64').toString()).toBe(`${USER}:${PASSWORD}`);

    expect(await logout(fake.host, { configDir: dir })).toBe(true);
    expect(await logout(fake.host, { configDir: dir })).toBe(false);
  });
});
