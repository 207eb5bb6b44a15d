import { describe, expect, it } from 'vitest';
import { cleanPath, ignoredCopySource, isRemoteSource } from './check-copy-ignored.js';
import { checkExposedPort } from './check-expose.js';
import { looksLikeSecretName } from './check-secrets.js';
import type { IgnoreMatcher } from './context-info.js';
import { buildkitRuleUrl, RULES } from './rules.js';
import { suggestName } from './suggest-name.js';

describe('looksLikeSecretName', () => {
  it.each([
    ['SECRET_PASSPHRASE', true],
    ['super_duper_secret_token', true],
    ['auth', true],
    ['apikey', true],
    ['git_key', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['GITHUB_TOKEN', true],
    ['sunflower', false],
    ['PUBLIC_KEY', false],
    ['public_token', false],
    ['SECRET_PASSPHRASE_FILE', false],
    ['AUTH_MODULE_VERSION', false],
    ['KEYBOARD', false],
    ['monkey', false],
  ])('%s: %s', (name, want) => {
    expect(looksLikeSecretName(name)).toBe(want);
  });
});

describe('checkExposedPort', () => {
  it.each([
    ['80', []],
    ['80/tcp', []],
    ['9000-9010/udp', []],
    ['80/TcP', ['ExposeProtoCasing']],
    ['127.0.0.1:80:80', ['ExposeInvalidFormat']],
    ['[::1]:8080:8080', ['ExposeInvalidFormat']],
    ['5000:5000/UDP', ['ExposeProtoCasing', 'ExposeInvalidFormat']],
    ['80/bogus', []],
  ])('%s', (spec, want) => {
    expect(checkExposedPort(spec).map((f) => f.rule)).toEqual(want);
  });
});

describe('copy sources against .dockerignore', () => {
  const matcher = (patterns: string[], hasExclusions = false): IgnoreMatcher => ({
    hasExclusions,
    patterns,
    matchesOrParentMatches: (path) => patterns.some((p) => path === p || path.startsWith(`${p}/`)),
  });

  it.each([
    ['', '.'],
    ['./a/../b/', 'b'],
    ['/x//y/.', '/x/y'],
    ['../up', '../up'],
  ])('cleanPath(%j) = %j', (path, want) => {
    expect(cleanPath(path)).toBe(want);
  });

  it.each([
    ['Dockerfile', ['Dockerfile'], false, 'Dockerfile'],
    ['./build/out', ['build'], false, 'build/out'],
    ['.', ['build'], false, undefined],
    ['.', ['*'], false, '.'],
    ['Dockerfile', ['Dockerfile'], true, undefined],
    ['src', ['build'], false, undefined],
  ])('%s with %j (exclusions: %s)', (source, patterns, exclusions, want) => {
    expect(ignoredCopySource(source, matcher(patterns, exclusions))).toBe(want);
  });

  it.each([
    ['https://example.com/a.tgz', true],
    ['git@github.com:moby/buildkit.git', true],
    ['src/app.js', false],
  ])('isRemoteSource(%s)', (source, want) => {
    expect(isRemoteSource(source)).toBe(want);
  });
});

describe('suggestName', () => {
  it.each([
    ['PAHT', ['PATH', 'HOME'], 'PATH'],
    ['BULIDPLATFORM', ['BUILDPLATFORM', 'TARGETPLATFORM'], 'BUILDPLATFORM'],
    ['DIR_ASSET', ['PATH', 'DIR_BINARIES', 'DIR_ASSETS'], 'DIR_ASSETS'],
    ['foo', ['PATH'], undefined],
    ['PATH', ['PATH', 'PATHS'], undefined],
    ['path', ['PATH'], undefined],
  ])('%s among %j -> %s', (name, candidates, want) => {
    expect(suggestName(name, candidates)).toBe(want);
  });
});

describe('rules', () => {
  it.each([
    ['JSONArgsRecommended', 'https://docs.docker.com/go/dockerfile/rule/json-args-recommended/'],
    ['FromPlatformFlagConstDisallowed', 'https://docs.docker.com/go/dockerfile/rule/from-platform-flag-const-disallowed/'],
    ['UndefinedArgInFrom', 'https://docs.docker.com/go/dockerfile/rule/undefined-arg-in-from/'],
  ])('%s is documented at %s', (id, url) => {
    expect(buildkitRuleUrl(id)).toBe(url);
  });

  it('keeps each rule under its own id, BuildKit rules as warnings, advice as info', () => {
    for (const [id, rule] of Object.entries(RULES)) {
      expect(rule.id).toBe(id);
      expect(rule.url).toMatch(/^https:\/\//);
      expect(rule.severity).toBe(rule.origin === 'advice' ? 'info' : 'warning');
      if (rule.origin === 'buildkit') expect(rule.url).toBe(buildkitRuleUrl(id));
    }
  });
});
