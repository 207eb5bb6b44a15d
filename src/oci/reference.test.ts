import { describe, expect, it } from 'vitest';
import { BuildError } from '../errors/index.js';
import { isValidTag, parseReference } from './reference.js';

const D = 'sha256:' + 'ab'.repeat(32);

describe('parseReference: valid references', () => {
  // text, registry, repository, tag, digest, full, familiar
  it.each([
    ['node:18', 'docker.io', 'library/node', '18', undefined, 'docker.io/library/node:18', 'node:18'],
    ['node', 'docker.io', 'library/node', 'latest', undefined, 'docker.io/library/node:latest', 'node:latest'],
    ['docker.io/node', 'docker.io', 'library/node', 'latest', undefined, 'docker.io/library/node:latest', 'node:latest'],
    ['index.docker.io/node:20', 'docker.io', 'library/node', '20', undefined, 'docker.io/library/node:20', 'node:20'],
    ['index.docker.io/library/node', 'docker.io', 'library/node', 'latest', undefined, 'docker.io/library/node:latest', 'node:latest'],
    ['docker.io/library/node:18-slim', 'docker.io', 'library/node', '18-slim', undefined, 'docker.io/library/node:18-slim', 'node:18-slim'],
    ['team/app:v1.2', 'docker.io', 'team/app', 'v1.2', undefined, 'docker.io/team/app:v1.2', 'team/app:v1.2'],
    ['library/a/b', 'docker.io', 'library/a/b', 'latest', undefined, 'docker.io/library/a/b:latest', 'library/a/b:latest'],
    ['localhost/x', 'localhost', 'x', 'latest', undefined, 'localhost/x:latest', 'localhost/x:latest'],
    ['localhost:5000/x', 'localhost:5000', 'x', 'latest', undefined, 'localhost:5000/x:latest', 'localhost:5000/x:latest'],
    ['127.0.0.1:5000/a/b:t', '127.0.0.1:5000', 'a/b', 't', undefined, '127.0.0.1:5000/a/b:t', '127.0.0.1:5000/a/b:t'],
    ['[::1]:5000/img:1', '[::1]:5000', 'img', '1', undefined, '[::1]:5000/img:1', '[::1]:5000/img:1'],
    ['host.tld/a/b:t@' + D, 'host.tld', 'a/b', 't', D, `host.tld/a/b:t@${D}`, `host.tld/a/b:t@${D}`],
    ['node@' + D, 'docker.io', 'library/node', undefined, D, `docker.io/library/node@${D}`, `node@${D}`],
    ['node:18@' + D, 'docker.io', 'library/node', '18', D, `docker.io/library/node:18@${D}`, `node:18@${D}`],
    // an uppercase first element can only be a registry host (repositories are lowercase)
    ['Registry/app', 'Registry', 'app', 'latest', undefined, 'Registry/app:latest', 'Registry/app:latest'],
    ['example.com/app:UPPER_Tag', 'example.com', 'app', 'UPPER_Tag', undefined, 'example.com/app:UPPER_Tag', 'example.com/app:UPPER_Tag'],
    ['a--b__c.d:tag_1.2-3', 'docker.io', 'library/a--b__c.d', 'tag_1.2-3', undefined, 'docker.io/library/a--b__c.d:tag_1.2-3', 'a--b__c.d:tag_1.2-3'],
  ])('%s', (text, registry, repository, tag, digest, full, familiar) => {
    const ref = parseReference(text);
    expect(ref.registry).toBe(registry);
    expect(ref.repository).toBe(repository);
    expect(ref.tag).toBe(tag);
    expect(ref.digest).toBe(digest);
    expect(ref.toString()).toBe(full);
    expect(String(ref)).toBe(full);
    expect(ref.familiar).toBe(familiar);
    expect(ref.name).toBe(`${registry}/${repository}`);
    // the full form parses back to itself
    expect(parseReference(full).toString()).toBe(full);
  });

  it('keeps a bare name bare when asked', () => {
    const ref = parseReference('node', { defaultTag: false });
    expect(ref.tag).toBeUndefined();
    expect(ref.toString()).toBe('docker.io/library/node');
    expect(ref.familiar).toBe('node');
  });
});

describe('parseReference: invalid references', () => {
  it.each([
    ['', /at least one component/],
    ['Node:18', /lowercase/],
    ['library/Node', /lowercase/],
    ['example.com/Upper:V1', /lowercase/],
    ['Node@' + D, /lowercase/],
    ['ab'.repeat(32), /64-byte hexadecimal/],
    ['node:', /not a valid/],
    ['node:18:19', /not a valid/],
    ['-node', /not a valid/],
    ['node-', /not a valid/],
    ['a___b', /not a valid/],
    ['a..b', /not a valid/],
    ['a//b', /not a valid/],
    ['/a', /not a valid/],
    ['node:' + 'x'.repeat(129), /not a valid/],
    ['node:.tag', /not a valid/],
    ['node@sha256:abc', /not a valid/],
    ['node@sha256:' + 'AB'.repeat(32), /digest/],
    ['node@md5:' + 'ab'.repeat(16), /digest/],
    ['localhost:port/x', /not a valid/],
    ['exa_mple.com/x', /not a valid/],
    ['a/' + 'b'.repeat(250), /255 characters/],
  ])('%j', (text, message) => {
    let caught: unknown;
    try {
      parseReference(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BuildError);
    expect((caught as BuildError).code).toBe('INVALID_REFERENCE');
    expect((caught as BuildError).message).toMatch(message);
  });
});

describe('isValidTag', () => {
  it.each([
    ['latest', true],
    ['18-slim', true],
    ['_x', true],
    ['.x', false],
    ['-x', false],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['a/b', false],
  ])('%s -> %s', (tag, ok) => {
    expect(isValidTag(tag)).toBe(ok);
  });
});
