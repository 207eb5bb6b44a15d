import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDockerignore } from './resolve-dockerignore.js';

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'stagecraft-ignore-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('resolveDockerignore', () => {
  it('prefers <Dockerfile>.dockerignore beside the Dockerfile', async () => {
    mkdirSync(join(root, 'ctx'));
    mkdirSync(join(root, 'docker'));
    writeFileSync(join(root, 'ctx/.dockerignore'), 'from-context\n');
    writeFileSync(join(root, 'docker/app.Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(root, 'docker/app.Dockerfile.dockerignore'), '# specific\nfrom-dockerfile\n');
    const resolved = await resolveDockerignore(join(root, 'ctx'), join(root, 'docker/app.Dockerfile'));
    expect(resolved).toEqual({ path: join(root, 'docker/app.Dockerfile.dockerignore'), patterns: ['from-dockerfile'] });
  });

  it('falls back to .dockerignore at the context root', async () => {
    writeFileSync(join(root, '.dockerignore'), 'a\n!b\n');
    writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\n');
    const resolved = await resolveDockerignore(root, join(root, 'Dockerfile'));
    expect(resolved).toEqual({ path: join(root, '.dockerignore'), patterns: ['a', '!b'] });
  });

  it('gives no patterns when neither file exists', async () => {
    expect(await resolveDockerignore(root, join(root, 'Dockerfile'))).toEqual({ path: undefined, patterns: [] });
  });
});
