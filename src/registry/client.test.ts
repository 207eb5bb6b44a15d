import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import { RegistryClient } from './client.js';
import type { RetryPolicy } from './retry.js';
import { startFakeRegistry } from './testing/fake-registry.js';
import type { FakeRegistry } from './testing/fake-registry.js';

const FAST: RetryPolicy = { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 };

describe('RegistryClient', () => {
  let fake: FakeRegistry;
  beforeEach(async () => {
    fake = await startFakeRegistry();
  });
  afterEach(async () => {
    await fake.close();
  });

  // An IPv4-mapped IPv6 loopback address is not one of the names spoken to over plain HTTP by
  // default, so it shows the HTTPS-first order on a server that only speaks HTTP.
  const mapped = (): string => `[::ffff:127.0.0.1]:${fake.host.split(':')[1] ?? ''}`;

  it('speaks HTTPS to a registry not marked insecure (and fails against a plain-HTTP one)', async () => {
    const client = new RegistryClient(mapped(), { retry: FAST });
    const err = await client.ping().catch((e: unknown) => e);
    expect(isBuildError(err) && err.code === 'REGISTRY_UNREACHABLE').toBe(true);
    expect(fake.requests.filter((r) => r.path === '/v2/')).toHaveLength(0);
  });

  it('falls back to plain HTTP for a registry marked insecure', async () => {
    const client = new RegistryClient(mapped(), { retry: FAST, insecure: true });
    const { base, challenge } = await client.ping();
    expect(base).toBe(`http://${mapped()}`);
    expect(challenge).toBeUndefined();
  });

  it('pings once for any number of concurrent requests', async () => {
    const client = new RegistryClient(fake.host, { retry: FAST });
    await Promise.all([client.ping(), client.ping(), client.ping()]);
    expect(fake.requests.filter((r) => r.path === '/v2/')).toHaveLength(1);
  });

  it('sends its user agent', async () => {
    const client = new RegistryClient(fake.host, { retry: FAST });
    await client.ping();
    expect(fake.requests[0]?.headers['user-agent']).toMatch(/^stagecraft\//);
  });
});
