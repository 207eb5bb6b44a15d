import { describe, expect, it } from 'vitest';
import { parseStages } from '../dockerfile/instructions/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import { emptyImage, withConfig } from '../image/index.js';
import type { ContainerConfig, Platform } from '../oci/index.js';
import type { ResolvedImage } from './base-images.js';
import { planWithBaseImages } from './plan-with-bases.js';

const host: Platform = { os: 'linux', architecture: 'amd64' };

async function image(ref: string, config: ContainerConfig): Promise<ResolvedImage> {
  const img = withConfig(emptyImage(host), (c) => ({ ...c, config }));
  return { ref, image: img, manifest: await img.digest(), config: await img.config() };
}

describe('planWithBaseImages', () => {
  it('plans with the base image config: its ENV, WORKDIR and USER reach the RUN steps', async () => {
    const parsed = parseStages(parseDockerfile('FROM node:18\nRUN echo $NODE_VERSION\n'));
    const asked: string[] = [];
    const { plan, images } = await planWithBaseImages(parsed, { hostPlatform: host }, async (ref) => {
      asked.push(ref);
      return image(ref, { Env: ['PATH=/usr/bin:/bin', 'NODE_VERSION=18'], WorkingDir: '/srv', User: 'node' });
    });
    expect(asked).toEqual(['docker.io/library/node:18']);
    expect([...images.keys()]).toEqual(['docker.io/library/node:18']);
    const run = plan.stages[0]?.steps.find((s) => s.kind === 'run');
    expect(run?.instruction.kind === 'run' && run.instruction.env).toContain('NODE_VERSION=18');
    expect(run?.instruction.kind === 'run' && run.instruction.user).toBe('node');
    expect(run?.workdir).toBe('/srv');
  });

  it('resolves the images the needed stages read, not those of skipped stages', async () => {
    const parsed = parseStages(parseDockerfile('FROM golang:1.19 AS unused\nFROM debian:bookworm-slim AS a\nCOPY --from=nginx:bookworm /etc/nginx /nginx\n'));
    const asked: string[] = [];
    await planWithBaseImages(parsed, { hostPlatform: host }, async (ref) => {
      asked.push(ref);
      return image(ref, {});
    });
    expect(asked.sort()).toEqual(['docker.io/library/debian:bookworm-slim', 'docker.io/library/nginx:bookworm']);
  });

  it('an ONBUILD trigger of a base image that names another image brings that one in too', async () => {
    const parsed = parseStages(parseDockerfile('FROM builder-base:1\nRUN true\n'));
    const asked: string[] = [];
    const { plan } = await planWithBaseImages(parsed, { hostPlatform: host }, async (ref) => {
      asked.push(ref);
      return image(ref, ref.includes('builder-base') ? { OnBuild: ['COPY --from=tools:2 /bin/tool /usr/local/bin/tool'] } : {});
    });
    expect(asked).toEqual(['docker.io/library/builder-base:1', 'docker.io/library/tools:2']);
    const steps = plan.stages[0]?.steps ?? [];
    expect(steps.some((s) => s.onbuild && s.kind === 'copy')).toBe(true);
  });
});
