import { describe, expect, it } from 'vitest';
import { isCommitSha, isGitSource, parseGitRef } from './git-ref.js';
import type { GitRef } from './git-ref.js';

const NONE: Omit<GitRef, 'remote' | 'shortName'> = {
  ref: '',
  checksum: '',
  subdir: '',
  indistinguishableFromLocal: false,
  unencryptedTcp: false,
  keepGitDir: undefined,
  submodules: undefined,
  mtime: undefined,
  fetchByCommit: false,
};

// The cases of BuildKit's TestParseGitRef (frontend/dockerfile/dfgitutil), plus a few of our own.
const parsed: readonly [string, Partial<GitRef> & Pick<GitRef, 'remote' | 'shortName'>][] = [
  ['https://example.com/foo.git', { remote: 'https://example.com/foo.git', shortName: 'foo' }],
  ['https://example.com/foo.git#deadbeef', { remote: 'https://example.com/foo.git', shortName: 'foo', ref: 'deadbeef' }],
  ['https://example.com/foo.git#release/1.2', { remote: 'https://example.com/foo.git', shortName: 'foo', ref: 'release/1.2' }],
  ['git://example.com/foo', { remote: 'git://example.com/foo', shortName: 'foo', unencryptedTcp: true }],
  ['github.com/moby/buildkit', { remote: 'github.com/moby/buildkit', shortName: 'buildkit', indistinguishableFromLocal: true }],
  ['github.com/moby/buildkit#master', { remote: 'github.com/moby/buildkit', shortName: 'buildkit', indistinguishableFromLocal: true, ref: 'master' }],
  ['https://github.com/moby/buildkit.git', { remote: 'https://github.com/moby/buildkit.git', shortName: 'buildkit' }],
  ['https://foo:bar@github.com/moby/buildkit.git', { remote: 'https://foo:bar@github.com/moby/buildkit.git', shortName: 'buildkit' }],
  ['git@github.com:moby/buildkit', { remote: 'git@github.com:moby/buildkit', shortName: 'buildkit' }],
  ['git@github.com:moby/buildkit.git', { remote: 'git@github.com:moby/buildkit.git', shortName: 'buildkit' }],
  ['git@bitbucket.org:atlassianlabs/atlassian-docker.git', { remote: 'git@bitbucket.org:atlassianlabs/atlassian-docker.git', shortName: 'atlassian-docker' }],
  ['https://github.com/foo/bar.git#baz/qux:quux/quuz', { remote: 'https://github.com/foo/bar.git', shortName: 'bar', ref: 'baz/qux', subdir: 'quux/quuz' }],
  ['https://github.com/docker/docker.git#:myfolder', { remote: 'https://github.com/docker/docker.git', shortName: 'docker', subdir: 'myfolder' }],
  ['https://github.com/docker/docker.git?ref=v1.0.0&subdir=/subdir', { remote: 'https://github.com/docker/docker.git', shortName: 'docker', ref: 'v1.0.0', subdir: '/subdir' }],
  ['https://github.com/moby/buildkit.git?subdir=/subdir#v1.0.0', { remote: 'https://github.com/moby/buildkit.git', shortName: 'buildkit', ref: 'v1.0.0', subdir: '/subdir' }],
  ['https://github.com/moby/buildkit.git?tag=v1.0.0', { remote: 'https://github.com/moby/buildkit.git', shortName: 'buildkit', ref: 'refs/tags/v1.0.0' }],
  ['github.com/moby/buildkit?tag=v1.0.0', { remote: 'github.com/moby/buildkit', shortName: 'buildkit', ref: 'refs/tags/v1.0.0', indistinguishableFromLocal: true }],
  ['https://github.com/moby/buildkit.git?branch=v1.0', { remote: 'https://github.com/moby/buildkit.git', shortName: 'buildkit', ref: 'refs/heads/v1.0' }],
  ['git@github.com:moby/buildkit.git?subdir=/subdir#v1.0.0', { remote: 'git@github.com:moby/buildkit.git', shortName: 'buildkit', ref: 'v1.0.0', subdir: '/subdir' }],
  ['https://github.com/moby/buildkit.git?mtime=commit', { remote: 'https://github.com/moby/buildkit.git', shortName: 'buildkit', mtime: 'commit' }],
  ['https://github.com/moby/buildkit.git?mtime=checkout', { remote: 'https://github.com/moby/buildkit.git', shortName: 'buildkit', mtime: 'checkout' }],
  [
    'https://github.com/moby/buildkit.git?fetch-by-commit=true&checksum=deadbeef#refs/heads/branch',
    { remote: 'https://github.com/moby/buildkit.git', shortName: 'buildkit', ref: 'refs/heads/branch', checksum: 'deadbeef', fetchByCommit: true },
  ],
  ['https://github.com/moby/buildkit.git?fetch-by-commit&checksum=deadbeef', { remote: 'https://github.com/moby/buildkit.git', shortName: 'buildkit', checksum: 'deadbeef', fetchByCommit: true }],
  ['https://github.com/moby/buildkit.git?fetch-by-commit=false', { remote: 'https://github.com/moby/buildkit.git', shortName: 'buildkit' }],
  // ours: the scheme is case-insensitive, the fragment's subdir is cleaned, query flags
  ['HTTP://127.0.0.1:8080/r.git#main:a/../b/', { remote: 'http://127.0.0.1:8080/r.git', shortName: 'r', ref: 'main', subdir: 'b', unencryptedTcp: true }],
  ['ssh://git@example.com/srv/repo.git#v1', { remote: 'ssh://git@example.com/srv/repo.git', shortName: 'repo', ref: 'v1' }],
  ['https://h/r.git?keep-git-dir&submodules=false', { remote: 'https://h/r.git', shortName: 'r', keepGitDir: true, submodules: false }],
];

const notGit: readonly string[] = [
  'https://example.com/',
  'https://example.com/foo',
  'https://example.com/foo.git/',
  'https://example.com/foo.git.bar',
  'custom.xyz/moby/buildkit.git',
  'https://github.com/moby/buildkit',
  'http://github.com/docker/docker.git:#branch',
  './.git',
  '.git',
  '../repo.git',
  'ftp://example.com/r.git',
  'file:///srv/r.git',
  'src/app.js',
];

const invalid: readonly [string, string][] = [
  ['https://github.com/moby/buildkit.git?ref=v1.0.0#v1.2.3', 'ref conflicts'],
  ['https://github.com/moby/buildkit.git?ref=v1.0.0&tag=v1.2.3', 'ref conflicts'],
  ['https://github.com/moby/buildkit.git?tag=v1.0.0&branch=v1.0', 'branch conflicts with tag'],
  ['https://github.com/moby/buildkit.git?mtime=invalid', 'invalid mtime value'],
  ['https://github.com/moby/buildkit.git?fetch-by-commit=invalid', 'invalid fetch-by-commit value'],
  ['https://github.com/moby/buildkit.git?invalid=123', 'unexpected query "invalid"'],
  ['https://github.com/moby/buildkit.git?ref=a&ref=b', 'has multiple values'],
  ['https://github.com/moby/buildkit.git?subdir=', 'has no value'],
];

describe('parseGitRef', () => {
  it.each(parsed)('%s', (source, expected) => {
    expect(parseGitRef(source)).toEqual({ isGit: true, ref: { ...NONE, ...expected } });
  });

  it.each(notGit)('%s is no git repository', (source) => {
    expect(parseGitRef(source)).toEqual({ isGit: false });
  });

  it.each(invalid)('%s is a git repository with a bad URL: %s', (source, message) => {
    const result = parseGitRef(source);
    expect(result.isGit).toBe(true);
    expect('error' in result ? result.error : '').toContain(message);
  });
});

describe('isGitSource', () => {
  it.each([
    ['https://h/r.git#main', true],
    ['git@github.com:moby/buildkit', true],
    ['https://h/r.git?bogus=1', true],
    // ADD takes these as local paths (BuildKit's IndistinguishableFromLocal) or as files to download
    ['github.com/moby/buildkit', false],
    ['https://h/archive.tar.gz', false],
    ['app.tar', false],
  ] as const)('%s: %s', (source, expected) => {
    expect(isGitSource(source)).toBe(expected);
  });
});

describe('isCommitSha', () => {
  it.each([
    ['0123456789abcdef0123456789abcdef01234567', true],
    ['0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', true],
    ['0123456789ABCDEF0123456789abcdef01234567', false],
    ['0123456', false],
    ['main', false],
  ] as const)('%s: %s', (text, expected) => {
    expect(isCommitSha(text)).toBe(expected);
  });
});
