// Conformance: BuildKit's own word-expansion tables (frontend/dockerfile/shell/envVarTest and
// wordsTest), read as /work/shared/conformance/FORMAT.md describes them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandWord, expandWords } from '../../src/dockerfile/shell/index.js';
import { isBuildError } from '../../src/errors/index.js';

const corpus = fileURLToPath(new URL('../corpus/buildkit/shell/', import.meta.url));

interface EnvVarRow {
  readonly line: number;
  readonly input: string;
  readonly expected: string;
}

function readEnvVarRows(): EnvVarRow[] {
  const rows: EnvVarRow[] = [];
  readFileSync(corpus + 'envVarTest', 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      if (raw.startsWith('#') || raw.trim() === '') return;
      const fields = raw.split('|');
      if (fields.length !== 3) throw new Error(`envVarTest:${index + 1}: expected 3 fields`);
      const [platform, input, expected] = fields.map((f) => f.trim()) as [string, string, string];
      if (platform === 'W') return;
      if (platform !== 'A' && platform !== 'U') throw new Error(`envVarTest:${index + 1}: bad tag`);
      rows.push({ line: index + 1, input, expected });
    });
  return rows;
}

interface WordsRow {
  readonly line: number;
  readonly input: string;
  readonly expected: readonly string[];
  readonly env: ReadonlyMap<string, string>;
}

function readWordsRows(): WordsRow[] {
  const rows: WordsRow[] = [];
  const env = new Map<string, string>();
  readFileSync(corpus + 'wordsTest', 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      if (raw.startsWith('#') || raw === '') return;
      if (raw.startsWith('ENV ')) {
        const assignment = raw.slice(4).replace(/^ +/, '');
        const eq = assignment.indexOf('=');
        if (eq < 0) env.set(assignment, '');
        else env.set(assignment.slice(0, eq), assignment.slice(eq + 1));
        return;
      }
      const fields = raw.split('|');
      if (fields.length !== 2) throw new Error(`wordsTest:${index + 1}: expected one |`);
      const [input, expected] = fields as [string, string];
      rows.push({
        line: index + 1,
        input: input.trim(),
        expected: expected.replace(/^ +/, '').split(','),
        env: new Map(env),
      });
    });
  return rows;
}

const envVarEnv = new Map([
  ['PWD', '/home'],
  ['SHELL', 'bash'],
  ['KOREAN', '한국어'],
  ['NULL', ''],
]);

function expandOrError(run: () => string | readonly string[]): string | readonly string[] {
  try {
    return run();
  } catch (error) {
    if (isBuildError(error) && error.code === 'EXPANSION_FAILED') return 'error';
    throw error;
  }
}

describe('BuildKit envVarTest (ProcessWord)', () => {
  const rows = readEnvVarRows();
  it('has the rows of the upstream table', () => {
    expect(rows.length).toBe(228); // every A and U row
  });
  it.each(rows.map((r) => [r.line, r.input, r.expected] as const))(
    'line %i: %s -> %s',
    (_line, input, expected) => {
      const got = expandOrError(() => expandWord(input, envVarEnv).value);
      expect(got).toBe(expected);
    },
  );
});

describe('BuildKit wordsTest (ProcessWords)', () => {
  const rows = readWordsRows();
  it('has the rows of the upstream table', () => {
    expect(rows.length).toBe(24);
  });
  it.each(rows.map((r) => [r.line, r.input, r] as const))('line %i: %s', (_line, _input, row) => {
    const got = expandOrError(() => expandWords(row.input, row.env).words);
    expect(got === 'error' ? ['error'] : got).toEqual(row.expected);
  });
});
