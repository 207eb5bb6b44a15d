import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDebianMirror, parseAptSources } from './debian-mirror.js';
import { findRecipe } from './recipes.js';

describe('parseAptSources', () => {
  it('reads deb822 stanzas, skipping security and -updates suites', () => {
    const text = [
      'Types: deb',
      '# a comment',
      'URIs: http://mirror.example/debian/',
      'Suites: bookworm bookworm-updates',
      'Components: main',
      '',
      'Types: deb',
      'URIs: http://mirror.example/debian-security',
      'Suites: bookworm-security',
      'Components: main',
      '',
      'Types: deb-src',
      'URIs: http://src.example/debian',
      'Suites: bookworm',
    ].join('\n');
    expect(parseAptSources(text, 'deb822')).toEqual([{ uri: 'http://mirror.example/debian', suite: 'bookworm' }]);
  });
  it('reads one-line entries with options', () => {
    const text = '# x\ndeb [arch=amd64 signed-by=/k.gpg] http://m.example/debian bookworm main\ndeb http://m.example/debian bookworm-updates main\n';
    expect(parseAptSources(text, 'one-line')).toEqual([{ uri: 'http://m.example/debian', suite: 'bookworm' }]);
  });
  it('skips disabled stanzas', () => {
    expect(parseAptSources('Types: deb\nEnabled: no\nURIs: http://x/debian\nSuites: bookworm\n', 'deb822')).toEqual([]);
  });
  it('finds the mirror from an apt directory', async () => {
    const apt = await mkdtemp(join(tmpdir(), 'sc-apt-'));
    await mkdir(join(apt, 'sources.list.d'));
    await writeFile(join(apt, 'sources.list.d', 'debian.sources'), 'Types: deb\nURIs: http://m.example/debian\nSuites: bookworm\n');
    expect(await findDebianMirror(apt)).toEqual({ uri: 'http://m.example/debian', suite: 'bookworm' });
    expect(await findDebianMirror(join(apt, 'missing'))).toBeUndefined();
  });
});

describe('recipes', () => {
  it('covers the base images the seeds need', () => {
    for (const name of ['debian:bookworm-slim', 'node:18', 'node:18-slim', 'golang:1.19', 'python:3.11', 'python:3.11-slim', 'nginx:bookworm']) {
      expect(findRecipe(name)?.tags).toContain(name);
    }
    expect(findRecipe('node:99')).toBeUndefined();
    expect(findRecipe('nginx')?.tags).toContain('nginx:latest');
  });
});
