import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isBuildError } from '../../errors/index.js';
import { formatError } from '../report-error.js';
import { defineDebugCommand } from './debug.js';

const dir = mkdtempSync(join(tmpdir(), 'stagecraft-debug-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `stagecraft debug ...args` and returns what it wrote to stdout and stderr, or its error. */
async function run(...args: string[]): Promise<{ stdout: string; stderr: string; error: unknown }> {
  const program = new Command('stagecraft').exitOverride();
  defineDebugCommand(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  let error: unknown;
  try {
    await program.parseAsync(['debug', ...args], { from: 'user' });
  } catch (caught) {
    error = caught;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr, error };
}

describe('stagecraft debug parse', () => {
  it("prints the tree in BuildKit's result format", async () => {
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, 'FROM a AS b\nCOPY --from=x <<EOF /y\nhi\nEOF\nONBUILD RUN ["a"]\n');
    const { stdout, error } = await run('parse', file);
    expect(error).toBeUndefined();
    expect(stdout).toBe('(from "a" "AS" "b")\n(copy ["--from=x"] "<<EOF" "/y")\n(onbuild (run "a"))\n');
  });

  it('prints the full tree as JSON and warnings on stderr', async () => {
    const file = join(dir, 'warn.Dockerfile');
    writeFileSync(file, '# syntax=example.com/frontend\nFROM a\nRUN x \\\n\n y\n');
    const { stdout, stderr } = await run('parse', '--format', 'json', file);
    const ast = JSON.parse(stdout) as { instructions: { keyword: string; range: unknown }[] };
    expect(ast.instructions.map((n) => n.keyword)).toEqual(['from', 'run']);
    expect(ast.instructions[1]?.range).toEqual({ start: { line: 3, column: 1 }, end: { line: 5, column: 3 } });
    expect(stderr).toContain(`${file}:1: the syntax directive names "example.com/frontend"`);
    expect(stderr).toContain(`${file}:4: Empty continuation line found in: RUN x  y (NoEmptyContinuation)`);
  });

  it('fails with a located BuildError that the CLI prints with a code frame', async () => {
    const file = join(dir, 'bad.Dockerfile');
    writeFileSync(file, 'FROM a\nRUNN x\n');
    const { error } = await run('parse', file);
    expect(isBuildError(error) && error.code).toBe('UNKNOWN_INSTRUCTION');
    const { text } = formatError(error);
    expect(text).toContain(`${file}:2`);
    expect(text).toContain('>>> RUNN x');
    expect(text).toContain('hint: did you mean RUN?');
  });

  it('reports a missing file and a bad format', async () => {
    expect(await run('parse', join(dir, 'missing'))).toMatchObject({
      error: expect.objectContaining({ code: 'DOCKERFILE_NOT_FOUND' }) as unknown,
    });
    expect(await run('parse', '--format', 'xml', join(dir, 'Dockerfile'))).toMatchObject({
      error: expect.objectContaining({ code: 'USAGE' }) as unknown,
    });
  });
});
