import { describe, expect, it } from 'vitest';
import { parseAuthChallenges, pickChallenge } from './challenge.js';

describe('parseAuthChallenges', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/node:pull' } }],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      // two challenges joined in one value, as fetch joins repeated headers
      'Basic realm="a", Bearer realm="https://x/token",service=x',
      [
        { scheme: 'basic', params: { realm: 'a' } },
        { scheme: 'bearer', params: { realm: 'https://x/token', service: 'x' } },
      ],
    ],
    ['BEARER Realm="r" , Error="insufficient_scope"', [{ scheme: 'bearer', params: { realm: 'r', error: 'insufficient_scope' } }]],
    ['Bearer realm="quote \\" inside"', [{ scheme: 'bearer', params: { realm: 'quote " inside' } }]],
    ['Bearer scope="repository:a:pull,push"', [{ scheme: 'bearer', params: { scope: 'repository:a:pull,push' } }]],
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['Basic dXNlcjpwYXNz==', [{ scheme: 'basic', params: {} }]],
    ['', []],
  ])('%s', (header, expected) => {
    expect(parseAuthChallenges(header)).toEqual(expected);
  });

  it('is empty for a missing header', () => {
    expect(parseAuthChallenges(null)).toEqual([]);
  });
});

describe('pickChallenge', () => {
  it.each([
    ['Negotiate, Basic realm="x"', 'basic'],
    ['Basic realm="x", Bearer realm="y"', 'bearer'],
    ['Negotiate', undefined],
  ])('%s -> %s', (header, scheme) => {
    expect(pickChallenge(parseAuthChallenges(header))?.scheme).toBe(scheme);
  });
});
