import { describe, expect, it } from 'vitest';
import { compareFileSystems } from './compare.js';
import { readImageFileSystem } from './filesystem.js';
import { renderCompareText } from './render-text.js';
import { file, syntheticImage, text } from './testing/synthetic-image.js';
import type { FixtureEntry } from './testing/synthetic-image.js';
import type { ImageFileSystem } from './types.js';

function status(names: ReadonlyArray<[string, string, number]>): string {
  return names.map(([name, depends, kb]) => `Package: ${name}\nStatus: install ok installed\nVersion: 1.0\nInstalled-Size: ${String(kb)}\n${depends === '' ? '' : `Depends: ${depends}\n`}`).join('\n');
}

const BASE: FixtureEntry[] = [file('usr/bin/sh', 1000), file('etc/os-release', 100)];

async function fsOf(layers: ReadonlyArray<{ createdBy: string; entries: FixtureEntry[] }>): Promise<ImageFileSystem> {
  return readImageFileSystem(await syntheticImage(layers));
}

function contentBytes(entries: readonly FixtureEntry[]): number {
  return entries.reduce((sum, e) => sum + (e.content === undefined ? 0 : Buffer.byteLength(e.content)), 0);
}

const written = { a: 0, b: 0 };

async function pair(): Promise<{ a: ImageFileSystem; b: ImageFileSystem }> {
  const base = { createdBy: 'debootstrap', entries: BASE };
  const layersA = [
    base,
    {
      createdBy: 'apt-get install nodejs npm gcc',
      entries: [
        text('var/lib/dpkg/status', status([['nodejs', '', 40], ['npm', 'nodejs, node-semver', 20], ['node-semver', '', 10], ['gcc', 'binutils', 90], ['binutils', '', 30]])),
        text('var/lib/dpkg/info/nodejs.list', '/usr/bin/node\n'),
        text('var/lib/dpkg/info/npm.list', '/usr/share/nodejs/npm/cli.js\n'),
        text('var/lib/dpkg/info/node-semver.list', '/usr/share/nodejs/semver/index.js\n'),
        text('var/lib/dpkg/info/gcc.list', '/usr/lib/gcc/x86_64-linux-gnu/12/cc1\n/usr/bin/gcc-12\n'),
        text('var/lib/dpkg/info/binutils.list', '/usr/bin/ld.bfd\n'),
        file('usr/bin/node', 40_000),
        file('usr/share/nodejs/npm/cli.js', 15_000),
        file('usr/share/nodejs/semver/index.js', 8_000),
        file('usr/lib/gcc/x86_64-linux-gnu/12/cc1', 80_000),
        file('usr/bin/gcc-12', 5_000),
        file('usr/bin/ld.bfd', 25_000),
        file('app/node_modules/express/index.js', 3_000),
        file('app/node_modules/@babel/core/lib/index.js', 6_000),
        file('app/node_modules/@babel/core/node_modules/debug/index.js', 500),
        file('app/node_modules/shared/index.js', 100),
        file('data/grows.bin', 50_000),
      ],
    },
  ];
  const layersB = [
    base,
    {
      createdBy: 'apt-get install nodejs',
      entries: [
        text('var/lib/dpkg/status', status([['nodejs', '', 40]])),
        text('var/lib/dpkg/info/nodejs.list', '/usr/bin/node\n'),
        file('usr/bin/node', 40_000),
        file('app/node_modules/shared/index.js', 100),
        file('app/node_modules/only-b/index.js', 700),
        file('data/grows.bin', 10_000),
      ],
    },
  ];
  written.a = layersA.reduce((sum, l) => sum + contentBytes(l.entries), 0);
  written.b = layersB.reduce((sum, l) => sum + contentBytes(l.entries), 0);
  return { a: await fsOf(layersA), b: await fsOf(layersB) };
}

describe('compare', () => {
  it('puts totals and layers side by side, marking the shared base layer', async () => {
    const { a, b } = await pair();
    const report = compareFileSystems({ name: 'full', fs: a }, { name: 'slim', fs: b });
    expect([report.a.totalBytes, report.a.addedBytes, report.a.wastedBytes]).toEqual([written.a, written.a, 0]);
    expect([report.b.totalBytes, report.b.addedBytes, report.b.wastedBytes]).toEqual([written.b, written.b, 0]);
    expect([report.a.layers, report.b.layers]).toEqual([2, 2]);
    expect(report.layers.map((l) => [l.shared, l.a?.createdBy, l.b?.createdBy])).toEqual([
      [true, 'debootstrap', 'debootstrap'],
      [false, 'apt-get install nodejs npm gcc', 'apt-get install nodejs'],
    ]);
  });

  it('groups the Debian packages only one image has under the package that pulled them in', async () => {
    const { a, b } = await pair();
    const report = compareFileSystems({ name: 'full', fs: a }, { name: 'slim', fs: b });
    expect(report.debian.packagesA).toBe(5);
    expect(report.debian.packagesB).toBe(1);
    expect(report.debian.onlyInA.map((g) => [g.root, g.packages.map((p) => p.name), g.measuredBytes, g.installedBytes])).toEqual([
      ['gcc', ['gcc', 'binutils'], 110_000, 120 * 1024],
      ['npm', ['npm', 'node-semver'], 23_000, 30 * 1024],
    ]);
    expect(report.debian.onlyInB).toEqual([]);
  });

  it('finds node_modules packages (scoped ones too) only one image has, topmost only', async () => {
    const { a, b } = await pair();
    const report = compareFileSystems({ name: 'full', fs: a }, { name: 'slim', fs: b });
    expect(report.nodeModules.onlyInA.map((p) => [p.name, p.path, p.bytes])).toEqual([
      ['@babel/core', '/app/node_modules/@babel/core', 6_500],
      ['express', '/app/node_modules/express', 3_000],
    ]);
    expect(report.nodeModules.onlyInABytes).toBe(9_500);
    expect(report.nodeModules.onlyInB.map((p) => p.name)).toEqual(['only-b']);
    expect(report.nodeModules.packagesA).toBe(4);
  });

  it('measures toolchains and the biggest paths one image lacks, labelled by owner', async () => {
    const { a, b } = await pair();
    const report = compareFileSystems({ name: 'full', fs: a }, { name: 'slim', fs: b }, { minBytes: 20_000 });
    const gcc = report.toolchains.find((t) => t.name === 'gcc (C/C++ compiler)');
    expect(gcc).toEqual({ name: 'gcc (C/C++ compiler)', bytesA: 85_000, bytesB: 0 });
    expect(report.toolchains.find((t) => t.name === 'Node.js runtime')).toEqual({ name: 'Node.js runtime', bytesA: 40_000, bytesB: 40_000 });
    const top = report.paths.onlyInA.map((d) => [d.kind, d.path, d.bytes, d.otherBytes, d.owners[0]?.label]);
    expect(top.slice(0, 4)).toEqual([
      ['only', '/usr/lib', 80_000, 0, 'Debian: gcc and its dependencies'],
      ['bigger', '/data/grows.bin', 50_000, 10_000, undefined],
      ['only', '/usr/bin/ld.bfd', 25_000, 0, 'Debian: gcc and its dependencies'],
      ['only', '/usr/share', 23_000, 0, 'Debian: npm and its dependencies'],
    ]);
    expect(report.paths.onlyInA.find((d) => d.path === '/app/node_modules/@babel')?.owners[0]?.label).toBe('npm package @babel/core');
    expect(report.paths.onlyInB.map((d) => d.path)).toContain('/app/node_modules/only-b');
  });

  it('renders the comparison as text', async () => {
    const { a, b } = await pair();
    const out = renderCompareText(compareFileSystems({ name: 'full', fs: a }, { name: 'slim', fs: b }));
    expect(out).toMatch(/total size\s+\S+ kB\s+\S+ kB\s+\+\S+ kB/);
    expect(out).toMatch(/0\s+shared\s+1\.10 kB\s+debootstrap/);
    expect(out).toContain('Debian packages in full and not in slim: 4 packages, 133 kB in the image');
    expect(out).toMatch(/npm and its dependencies\s+2\s+23\.0 kB\s+30\.7 kB\s+npm 15\.0 kB, node-semver 8\.00 kB/);
    expect(out).toContain('node_modules packages only in full: 9.50 kB');
    expect(out).toMatch(/gcc \(C\/C\+\+ compiler\)\s+85\.0 kB\s+0 B/);
  });
});
