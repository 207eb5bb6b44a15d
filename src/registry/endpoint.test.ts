import { describe, expect, it } from 'vitest';
import { isLocalRegistry, normalizeRegistryName, registryApiHost, registrySchemes } from './endpoint.js';
import { REDACTED, Redactor, redactUrl } from './redact.js';

describe('endpoints', () => {
  it.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1:5000', true],
    ['127.8.9.1', true],
    ['[::1]:5000', true],
    ['registry.localhost:80', true],
    ['docker.io', false],
    ['10.0.0.1:5000', false],
    ['my-localhost.com', false],
  ])('isLocalRegistry(%s) = %s', (host, local) => {
    expect(isLocalRegistry(host)).toBe(local);
  });

  it.each([
    ['127.0.0.1:5000', false, ['http']],
    ['registry.example.com', true, ['https', 'http']],
    ['registry.example.com', false, ['https']],
  ])('schemes for %s (insecure %s)', (host, insecure, schemes) => {
    expect(registrySchemes(host, insecure)).toEqual(schemes);
  });

  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['http://Host.Example:5000/v2/', 'host.example:5000'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
  ])('normalizeRegistryName(%s) = %s', (server, name) => {
    expect(normalizeRegistryName(server)).toBe(name);
  });

  it('maps Docker Hub to its API host', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('quay.io')).toBe('quay.io');
  });
});

describe('redaction', () => {
  it('scrubs secrets in every form they travel in', () => {
    const r = new Redactor();
    r.addBasic('alice', 'p@ss word!');
    r.add('tok-123456');
    const basic = Buffer.from('alice:p@ss word!').toString('base64');
    const text = `pw p@ss word! enc ${encodeURIComponent('p@ss word!')} basic ${basic} bearer tok-123456`;
    const out = r.apply(text);
    expect(out).not.toContain('p@ss');
    expect(out).not.toContain(basic);
    expect(out).not.toContain('tok-123456');
    expect(out.split(REDACTED)).toHaveLength(5);
  });

  it('ignores very short values (they would scrub ordinary words)', () => {
    const r = new Redactor();
    r.add('ab');
    expect(r.apply('ab cab')).toBe('ab cab');
  });

  it('drops user-info and query values from URLs', () => {
    expect(redactUrl('https://u:p@h.example/v2/x/blobs/uploads/1?_state=abc&digest=sha256:1')).toBe(
      `https://h.example/v2/x/blobs/uploads/1?_state=${REDACTED}&digest=${REDACTED}`,
    );
    expect(redactUrl('not a url')).toBe(REDACTED);
  });
});
