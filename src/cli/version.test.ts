import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';
import { stagecraftVersion } from './version.js';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };

describe('stagecraft --version', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('is the version in package.json', () => {
    expect(stagecraftVersion()).toBe(pkg.version);
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints it as the first argument, and leaves a later --version to the command', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    await main(['--version']);
    expect(out).toBe(`stagecraft version ${pkg.version}\n`);
    expect(process.exitCode ?? 0).toBe(0);

    out = '';
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    // `stagecraft build --version .` is build's business: build has no --version, so a usage error
    await main(['build', '--version', '.']);
    expect(out).not.toContain('stagecraft version');
    expect(process.exitCode).toBe(2);
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/unknown option '--version'/);
  });
});
