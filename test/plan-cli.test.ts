import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { definePlanCommand } from '../src/cli/commands/plan.js';
import { isBuildError } from '../src/errors/index.js';
import type { BuildPlan } from '../src/plan/index.js';

const root = join(import.meta.dirname, '..');

async function run(args: readonly string[]): Promise<string> {
  const program = new Command('stagecraft').exitOverride();
  definePlanCommand(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    await program.parseAsync(['plan', ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

async function runError(args: readonly string[]) {
  try {
    await run(args);
  } catch (error) {
    if (isBuildError(error)) return error;
    throw error;
  }
  throw new Error('expected the command to fail');
}

describe('stagecraft plan', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stagecraft-plan-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads CONTEXT/Dockerfile and prints the plan as text', async () => {
    const out = await run([join(root, 'examples/seed003')]);
    expect(out).toContain('Target: stage-1 (stage #1 of 2)');
    expect(out).toContain('[builder 4/5] RUN npm install');
    expect(out).toContain('needs builder (COPY --from, line 17)');
  });

  it('prints JSON with --format json, honouring --target, --build-arg and --platform', async () => {
    writeFileSync(
      join(dir, 'Dockerfile'),
      ['ARG TAG=1', 'FROM alpine:$TAG AS one', 'ARG TARGETARCH', 'RUN echo $TARGETARCH', 'FROM one AS two'].join('\n'),
    );
    const out = await run([dir, '--format', 'json', '--target', 'ONE', '--build-arg', 'TAG=3.19', '--platform', 'linux/arm64']);
    const plan = JSON.parse(out) as BuildPlan;
    expect(plan.target).toBe(0);
    expect(plan.stages[0]?.base).toMatchObject({ ref: 'docker.io/library/alpine:3.19' });
    expect(plan.platforms).toEqual({ build: expect.any(String) as string, target: 'linux/arm64' });
    expect(plan.stages[0]?.steps.at(-1)?.label).toBe('[one 2/2] RUN echo arm64');
    expect(plan.stages[1]?.needed).toBe(false);
  });

  it('takes a --build-arg without value from the environment, and ignores it when unset', async () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine\nARG A\nARG B\nLABEL a=$A b=${B-unset}\n');
    vi.stubEnv('STAGECRAFT_TEST_A', 'from-env');
    try {
      const plan = JSON.parse(
        await run([dir, '--format=json', '--build-arg', 'A=x', '--build-arg', 'STAGECRAFT_TEST_A', '--build-arg', 'STAGECRAFT_TEST_UNSET']),
      ) as BuildPlan;
      expect(plan.buildArgs.map((a) => [a.name, a.value])).toEqual([
        ['A', 'x'],
        ['STAGECRAFT_TEST_A', 'from-env'],
      ]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('reads the Dockerfile from standard input with -f -', async () => {
    vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from(['FROM busybox\n', 'RUN true\n']) as unknown as typeof process.stdin);
    try {
      const out = await run(['-f', '-', dir]);
      expect(out).toContain('[1/2] FROM docker.io/library/busybox:latest');
    } finally {
      vi.restoreAllMocks();
    }
  });

  it.each([
    { name: 'a missing Dockerfile', args: (d: string) => [d], code: 'DOCKERFILE_NOT_FOUND' },
    { name: 'a missing context', args: (d: string) => [join(d, 'nope')], code: 'CONTEXT_NOT_FOUND' },
    { name: 'an unknown format', args: (d: string) => [d, '--format', 'yaml'], code: 'USAGE' },
    { name: 'a bad platform', args: (d: string) => [d, '--platform', 'linux'], code: 'USAGE' },
    { name: 'an empty build-arg name', args: (d: string) => [d, '--build-arg', '=x'], code: 'INVALID_BUILD_ARG' },
  ])('fails on $name with $code', async ({ args, code }) => {
    const error = await runError(args(dir));
    expect(error.code).toBe(code);
  });

  it('names the Dockerfile on located errors from every layer', async () => {
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, 'FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\nFROM a\n');
    const error = await runError([dir]);
    expect(error.code).toBe('UNKNOWN_STAGE');
    expect(error.file).toBe(file);
    expect(error.locations[0]?.start.line).toBe(2);

    writeFileSync(file, 'RUN true\nFROM alpine\n');
    const early = await runError([dir]);
    expect(early.code).toBe('NO_FROM');
    expect(early.file).toBe(file);
  });

  it('rejects an unknown --target with a suggestion', async () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine AS build\nFROM build AS release\n');
    const error = await runError([dir, '--target', 'relase']);
    expect(error.code).toBe('UNKNOWN_TARGET');
    expect(error.hint).toContain('did you mean "release"?');
  });
});
