import { lstat, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIn, copyContext, ranSteps, REPO, stepOutcomes, withImageFiles } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';
import { runImage } from './support/run-image.js';

/**
 * Seed 001's Go example: examples/seed001-go (the seed's two Dockerfiles as written, plus a
 * standard-library-only main.go) built with the engine. The one change, made in the test's copy:
 * the seed's golang:1.21 becomes golang:1.19, the Go image `stagecraft bootstrap` makes (Debian's
 * golang-go; debian:bookworm-slim is made as the seed names it).
 */
const BASE_IMAGE_MAP: ReadonlyMap<string, string> = new Map([['golang:1.21', 'golang:1.19']]);
const GOARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

/** Rewrites the FROM lines' images of `file` by BASE_IMAGE_MAP; throws when a file has nothing to map. */
async function mapBaseImages(file: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  let mapped = 0;
  const next = text.replace(/^(FROM\s+)(\S+)/gim, (line, from: string, image: string) => {
    const replacement = BASE_IMAGE_MAP.get(image);
    if (replacement === undefined) return line;
    mapped += 1;
    return `${from}${replacement}`;
  });
  if (mapped === 0) throw new Error(`${file}: no FROM line names ${[...BASE_IMAGE_MAP.keys()].join(', ')}`);
  await writeFile(file, next);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

const reason = await e2eUnavailable();
if (reason !== undefined) console.warn(`end-to-end build tests (seed 001 Go) skipped: ${reason}`);

describe.skipIf(reason !== undefined)('seed 001 Go: single-stage on golang vs a builder stage and a debian:bookworm-slim runtime', () => {
  let context: string;
  const expectedOutput = (greeting: string): RegExp =>
    new RegExp(`^${greeting}\\nbuilt with go1\\.19(\\.\\d+)? for linux/${GOARCH[process.arch] ?? process.arch}\\n$`);

  beforeAll(async () => {
    await ensureBaseImages(['golang:1.19', 'debian:bookworm-slim']);
    context = await copyContext(join(REPO, 'examples', 'seed001-go'));
    await mapBaseImages(join(context, 'Dockerfile'));
    await mapBaseImages(join(context, 'Dockerfile.single-stage'));
  }, 1_800_000);
  afterAll(async () => {
    await rm(context, { recursive: true, force: true });
  });

  it('builds both; the final image holds the binary and no Go toolchain or gcc, and is far smaller', { timeout: 900_000 }, async () => {
    const single = await buildIn(context, { file: 'Dockerfile.single-stage', tags: ['seed-go:single'], noCache: true });
    const multi = await buildIn(context, { tags: ['seed-go:multi'], noCache: true });

    expect(ranSteps(single.recording)).toContain('[4/4] RUN go build -o myapp');
    expect(multi.result.stages.map((s) => s.id)).toEqual(['builder', 'stage-1']);
    expect(multi.result.copies.map((c) => c.paths)).toEqual([['/app/myapp']]);
    // the whole final image (debian minbase + the binary) is under a third of the toolchain image
    expect(multi.result.size * 3).toBeLessThan(single.result.size);
    expect(multi.result.size).toBeGreaterThan(multi.result.copies[0]?.bytes ?? Infinity);

    const config = await multi.result.image.config();
    expect(config.config?.Cmd).toEqual(['./myapp']);
    expect(config.config?.WorkingDir).toBe('/app');
    expect(config.config?.Env).not.toContain('GOPATH=/go');
    const added = (config.history ?? []).filter((h) => h.comment === 'buildkit.dockerfile.v0').map((h) => h.created_by);
    expect(added).toEqual(['WORKDIR /app', 'COPY /app/myapp . # buildkit', 'CMD ["./myapp"]']);

    // the builder stage alone (all cached now) holds the binary the final stage copied
    const builder = await buildIn(context, { target: 'builder' });
    expect(builder.result.stepsRun).toBe(0);
    const built = await withImageFiles(builder.result, (rootfs) => readFile(join(rootfs, 'app', 'myapp')));
    expect(builder.result.size).toBeGreaterThan(multi.result.size * 3);

    const toolchain = ['usr/bin/go', 'usr/lib/go-1.19/bin/go', 'usr/bin/gcc'];
    await withImageFiles(single.result, async (rootfs) => {
      for (const path of toolchain) expect(await exists(join(rootfs, path)), path).toBe(true);
      expect(await exists(join(rootfs, 'app', 'main.go'))).toBe(true);
    });
    await withImageFiles(multi.result, async (rootfs) => {
      const binary = await stat(join(rootfs, 'app', 'myapp'));
      expect(binary.isFile()).toBe(true);
      expect(binary.mode & 0o111).toBe(0o111);
      expect(binary.size).toBeLessThanOrEqual(multi.result.copies[0]?.bytes ?? 0);
      // an ELF executable, the same bytes the builder stage made
      const bytes = await readFile(join(rootfs, 'app', 'myapp'));
      expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
      expect(bytes.equals(built)).toBe(true);
      for (const path of toolchain) expect(await exists(join(rootfs, path)), path).toBe(false);
      expect(await exists(join(rootfs, 'app', 'main.go'))).toBe(false);
      expect(await exists(join(rootfs, 'app', 'go.mod'))).toBe(false);
    });
  });

  it('the built binary runs in both images and prints its greeting and toolchain', { timeout: 300_000 }, async () => {
    await buildIn(context, { file: 'Dockerfile.single-stage', tags: ['seed-go:single'] });
    await buildIn(context, { tags: ['seed-go:multi'] });
    const multi = await runImage('seed-go:multi');
    expect(multi.stderr).toBe('');
    expect(multi.status).toBe(0);
    expect(multi.stdout).toMatch(expectedOutput('Hello from the multi-stage Go build!'));
    const single = await runImage('seed-go:single');
    expect(single.status).toBe(0);
    expect(single.stdout).toBe(multi.stdout);
    // arguments replace CMD: the binary is run with them, from WORKDIR /app
    const withArgs = await runImage('seed-go:multi', ['./myapp', 'stage', 'craft']);
    expect(withArgs.stdout).toMatch(expectedOutput('Hello, stage craft!'));
    // and the slim image has no go to run
    expect((await runImage('seed-go:multi', ['go', 'version'])).status).toBe(127);
  });

  it('after main.go changes only the COPY . ., the go build and the binary COPY run again', { timeout: 600_000 }, async () => {
    const first = await buildIn(context, { tags: ['seed-go:multi'] });
    const again = await buildIn(context, { tags: ['seed-go:multi'] });
    expect([...stepOutcomes(again.recording).values()].every((o) => o === 'cached')).toBe(true);
    expect(again.result.digest).toBe(first.result.digest);

    const source = await readFile(join(context, 'main.go'), 'utf8');
    const changed = source.replace('Hello from the multi-stage Go build!', 'Hello again, rebuilt!');
    expect(changed).not.toBe(source);
    await writeFile(join(context, 'main.go'), changed);
    const rebuilt = await buildIn(context, { tags: ['seed-go:multi'] });
    expect(ranSteps(rebuilt.recording).sort()).toEqual([
      '[builder 3/4] COPY . .',
      '[builder 4/4] RUN go build -o myapp',
      '[stage-1 3/3] COPY --from=builder /app/myapp .',
    ]);
    const outcomes = stepOutcomes(rebuilt.recording);
    expect(outcomes.get('[builder 2/4] WORKDIR /app')).toBe('cached');
    expect(outcomes.get('[stage-1 2/3] WORKDIR /app')).toBe('cached');
    expect(rebuilt.result.digest).not.toBe(first.result.digest);
    expect((await runImage('seed-go:multi')).stdout).toMatch(expectedOutput('Hello again, rebuilt!'));
  });
});
