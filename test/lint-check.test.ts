import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineCheckCommand } from '../src/cli/commands/check.js';

/**
 * `stagecraft check` on every seed Dockerfile in examples/ (context: the Dockerfile's directory),
 * compared with test/corpus/check/<example>/<Dockerfile>.{txt,json}. Set UPDATE_CHECK_FIXTURES=1
 * to rewrite the fixtures (then read them: they are checked by hand).
 */
const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(import.meta.dirname, 'corpus', 'check');
const UPDATE = process.env['UPDATE_CHECK_FIXTURES'] === '1';

function exampleDockerfiles(): string[] {
  const found: string[] = [];
  for (const dir of readdirSync(join(ROOT, 'examples'), { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of readdirSync(join(ROOT, 'examples', dir.name)).sort()) {
      if (file.startsWith('Dockerfile')) found.push(`examples/${dir.name}/${file}`);
    }
  }
  return found.sort();
}

/** Read through a function: the command sets it behind the compiler's back. */
function currentExitCode(): typeof process.exitCode {
  return process.exitCode;
}

async function runCheck(args: readonly string[]): Promise<{ stdout: string; exitCode: number }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  const program = new Command('stagecraft').exitOverride();
  defineCheckCommand(program);
  process.exitCode = 0;
  try {
    await program.parseAsync(['check', ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  const exitCode = Number(currentExitCode() ?? 0);
  process.exitCode = 0;
  return { stdout, exitCode };
}

afterEach(() => {
  process.exitCode = 0;
});

describe('stagecraft check on the seed examples', () => {
  const dockerfiles = exampleDockerfiles();

  it('finds every seed Dockerfile', () => {
    expect(dockerfiles.length).toBeGreaterThanOrEqual(10);
  });

  it.each(dockerfiles.flatMap((file) => [[file, 'text'] as const, [file, 'json'] as const]))('%s (%s)', async (file, format) => {
    const { stdout, exitCode } = await runCheck(['-f', file, '--format', format, dirname(file)]);
    expect(exitCode).toBe(0);
    const fixture = join(FIXTURES, relative('examples', file) + (format === 'json' ? '.json' : '.txt'));
    if (UPDATE || !existsSync(fixture)) {
      mkdirSync(dirname(fixture), { recursive: true });
      writeFileSync(fixture, stdout);
    }
    expect(stdout).toBe(readFileSync(fixture, 'utf8'));
  });
});

describe('stagecraft check', () => {
  it('exits 1 when a finding is an error', async () => {
    const result = await runCheck(['-f', 'examples/seed002-node/Dockerfile', '--check', 'error=true', 'examples/seed002-node']);
    expect(result.exitCode).toBe(0);
    const failing = await runCheck([
      '-f',
      'test/corpus/lint/MaintainerDeprecated/invalid-maintainer.Dockerfile',
      '--check',
      'error=true',
      'test/corpus/lint/MaintainerDeprecated',
    ]);
    expect(failing.exitCode).toBe(1);
    expect(failing.stdout).toContain(': error: Maintainer instruction is deprecated in favor of using label [MaintainerDeprecated]');
  });

  it('takes check options from the BUILDKIT_DOCKERFILE_CHECK build argument', async () => {
    const { stdout } = await runCheck([
      '-f',
      'examples/seed003/Dockerfile.single-stage',
      '--build-arg',
      'BUILDKIT_DOCKERFILE_CHECK=skip=all',
      'examples/seed003',
    ]);
    expect(stdout).toBe('no problems found\n');
  });

  it('leaves the advice out with --no-advice', async () => {
    const { stdout } = await runCheck(['-f', 'examples/seed003/Dockerfile.single-stage', '--no-advice', 'examples/seed003']);
    expect(stdout).toBe('no problems found\n');
  });

  it('throws errors for main to print', async () => {
    await expect(runCheck(['--format', 'yaml', 'examples/seed003'])).rejects.toMatchObject({ code: 'USAGE' });
    await expect(runCheck(['does/not/exist'])).rejects.toMatchObject({ code: 'CONTEXT_NOT_FOUND' });
    await expect(runCheck(['-f', 'examples/nope/Dockerfile', 'examples'])).rejects.toMatchObject({ code: 'DOCKERFILE_NOT_FOUND' });
    await expect(
      runCheck(['-f', 'test/corpus/buildkit/parser/testfiles-negative/env_no_value/Dockerfile', 'examples']),
    ).rejects.toMatchObject({ code: expect.any(String) as string, file: 'test/corpus/buildkit/parser/testfiles-negative/env_no_value/Dockerfile' });
  });

  it('reads the context: its top level, the ignore file in force, package.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-check-'));
    try {
      mkdirSync(join(dir, 'node_modules'));
      mkdirSync(join(dir, '.git'));
      writeFileSync(join(dir, 'secret.txt'), 'x');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { express: '^4' } }));
      const dockerfile = join(dir, 'Dockerfile');
      writeFileSync(dockerfile, 'FROM node:20-slim\nRUN npm install\nCOPY secret.txt /\nCOPY . /app\n');
      const rules = async (): Promise<string[]> => {
        const { stdout } = await runCheck(['--format', 'json', dir]);
        return (JSON.parse(stdout) as { rule: string; range: { start: { line: number } } }[]).map(
          (d) => `${d.range.start.line}:${d.rule}`,
        );
      };
      // No ignore file: node_modules and .git go along with COPY . (npm install is fine: no devDependencies).
      expect(await rules()).toEqual(['4:CopyAllIntoFinalStage', '4:MissingDockerignore']);
      writeFileSync(join(dir, '.dockerignore'), 'secret.txt\nnode_modules\n');
      expect(await rules()).toEqual(['3:CopyIgnoredFile', '4:CopyAllIntoFinalStage', '4:MissingDockerignore']);
      // <Dockerfile>.dockerignore beside the Dockerfile wins over .dockerignore.
      writeFileSync(`${dockerfile}.dockerignore`, 'node_modules\n.git\n');
      expect(await rules()).toEqual(['4:CopyAllIntoFinalStage']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
