import { describe, expect, it } from 'vitest';
import { groupPackagesByRoot, SHARED_GROUP } from './debian-groups.js';
import type { DpkgPackageInImage } from './dpkg.js';
import { parseDeb822, parseDpkgStatus, readDpkgPackages } from './dpkg.js';
import { readImageFileSystem } from './filesystem.js';
import { file, syntheticImage, text } from './testing/synthetic-image.js';

const STATUS = `Package: libc6
Status: install ok installed
Architecture: amd64
Version: 2.36-9
Installed-Size: 12000
Description: GNU C Library
 continuation line

Package: removed-one
Status: deinstall ok config-files
Version: 1.0
Installed-Size: 50

Package: npm
Status: install ok installed
Architecture: all
Version: 9.2.0
Depends: nodejs:any, node-abbrev (>= 1.1), node-gyp | node-gyp-alt
Pre-Depends: dpkg (>= 1.15)
Provides: npm-cli
Installed-Size: 3000
`;

describe('dpkg status', () => {
  it('parses stanzas with continuations', () => {
    const stanzas = parseDeb822(STATUS);
    expect(stanzas).toHaveLength(3);
    expect(stanzas[0]?.get('description')).toBe('GNU C Library\ncontinuation line');
  });

  it('keeps installed packages with sizes and relation names', () => {
    expect(parseDpkgStatus(STATUS)).toEqual([
      { name: 'libc6', version: '2.36-9', architecture: 'amd64', installedBytes: 12000 * 1024, depends: [], provides: [] },
      {
        name: 'npm',
        version: '9.2.0',
        architecture: 'all',
        installedBytes: 3000 * 1024,
        depends: ['dpkg', 'nodejs', 'node-abbrev', 'node-gyp', 'node-gyp-alt'],
        provides: ['npm-cli'],
      },
    ]);
  });

  it('measures each package from its file list, through merged-/usr symlinks, counting a file once', async () => {
    const image = await syntheticImage([
      {
        createdBy: 'debootstrap',
        entries: [
          { name: 'usr/bin/', type: 'directory' },
          { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
          file('usr/bin/ls', 700),
          file('usr/lib/libc.so.6', 2000),
          text('var/lib/dpkg/status', STATUS),
          text('var/lib/dpkg/info/libc6:amd64.list', '/.\n/bin\n/bin/ls\n/usr/lib/libc.so.6\n/usr/bin/ls\n/usr/lib/missing\n'),
          text('var/lib/dpkg/info/npm.list', '/usr/share/nodejs/npm/index.js\n'),
          file('usr/share/nodejs/npm/index.js', 300),
        ],
      },
    ]);
    const { packages, owners } = readDpkgPackages(await readImageFileSystem(image));
    expect(packages.map((p) => [p.name, p.measuredBytes, p.files])).toEqual([
      ['libc6', 2700, 3],
      ['npm', 300, 1],
    ]);
    expect(owners.get('/usr/bin/ls')).toBe('libc6');
  });

  it('finds no packages in an image without a dpkg database', async () => {
    const fs = await readImageFileSystem(await syntheticImage([{ createdBy: 'x', entries: [file('a', 1)] }]));
    expect(readDpkgPackages(fs).packages).toEqual([]);
  });
});

function pkg(name: string, measuredBytes: number, depends: string[] = [], provides: string[] = []): DpkgPackageInImage {
  return { name, version: '1', architecture: 'all', installedBytes: measuredBytes * 2, depends, provides, measuredBytes, files: 1 };
}

describe('package groups', () => {
  it('puts dependencies under the one package that needs them, shared ones apart, cycles as their own roots', () => {
    const groups = groupPackagesByRoot([
      pkg('npm', 10, ['node-a', 'node-b', 'python3']),
      pkg('node-a', 100, ['node-c']),
      pkg('node-b', 5),
      pkg('node-c', 1),
      pkg('gcc', 50, ['libc-dev', 'binutils']),
      pkg('binutils', 40),
      pkg('python3', 30, ['libpython']),
      pkg('tool', 3, ['python3']),
      pkg('libpython', 7, ['c-compiler']),
      pkg('libc-dev', 20),
      pkg('cyc1', 2, ['cyc2']),
      pkg('cyc2', 9, ['cyc1']),
      pkg('virt-user', 1, ['c-compiler']),
    ].map((p) => (p.name === 'gcc' ? { ...p, provides: ['c-compiler'] } : p)));
    const summary = groups.map((g) => [g.root, g.packages.map((p) => p.name), g.measuredBytes, g.installedBytes]);
    expect(summary).toEqual([
      [SHARED_GROUP, ['gcc', 'binutils', 'python3', 'libc-dev', 'libpython'], 147, 294],
      ['npm', ['npm', 'node-a', 'node-b', 'node-c'], 116, 232],
      ['cyc2', ['cyc2', 'cyc1'], 11, 22],
      ['tool', ['tool'], 3, 6],
      ['virt-user', ['virt-user'], 1, 2],
    ]);
  });
});
