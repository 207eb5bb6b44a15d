import { describe, expect, it } from 'vitest';
import { BuildError } from '../../errors/index.js';
import { lintDockerfile } from './lint-dockerfile.js';
import type { LintOptions } from './lint-dockerfile.js';

const CASING = 'FROM scratch as base\ncopy Dockerfile .\n';

function rules(text: string, options: LintOptions = {}): string[] {
  return lintDockerfile(text, options).map((d) => `${d.range.start.line}:${d.rule}:${d.severity}`);
}

describe('lintDockerfile: the check directive', () => {
  it.each([
    ['no directive', CASING, ['1:FromAsCasing:warning', '2:ConsistentInstructionCasing:warning']],
    ['skip=all', `#check=skip=all\n${CASING}`, []],
    ['skip=all;error=true', `#check=skip=all;error=true\n${CASING}`, []],
    ['a skip list', `#check=skip=ConsistentInstructionCasing,FromAsCasing\n${CASING}`, []],
    ['one skipped', `#check=skip=ConsistentInstructionCasing\n${CASING}`, ['2:FromAsCasing:warning']],
    ['error=true', `#check=skip=ConsistentInstructionCasing;error=true\n${CASING}`, ['2:FromAsCasing:error']],
  ])('%s', (_, text, want) => {
    expect(rules(text, { advice: false })).toEqual(want);
  });

  it('takes options from the command line instead of the directive', () => {
    const text = `#check=skip=all\n${CASING}`;
    expect(rules(text, { advice: false, check: 'skip=ConsistentInstructionCasing;error=true' })).toEqual(['2:FromAsCasing:error']);
    expect(rules(`#check=error=true\n${CASING}`, { advice: false, check: 'skip=all' })).toEqual([]);
  });

  it('never raises advice to an error', () => {
    const found = lintDockerfile('# check=error=true\nFROM node:18\nCMD ["node"]\n');
    expect(found.map((d) => [d.rule, d.severity])).toEqual([['FinalStageToolchainBase', 'info']]);
  });

  it('lets a comment skip rules for the instruction below it only', () => {
    const text = 'FROM scratch\n# check=skip=all\nMAINTAINER a\nMAINTAINER b\n';
    expect(rules(text, { advice: false })).toEqual(['4:MaintainerDeprecated:warning']);
  });

  it('refuses a directive it cannot read, pointing at it', () => {
    let caught: unknown;
    try {
      lintDockerfile('# check=skip\nFROM scratch\n', { file: 'df' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BuildError);
    const error = caught as BuildError;
    expect(error.code).toBe('INVALID_DIRECTIVE');
    expect(error.message).toBe('failed to parse check options: invalid check option "skip"');
    expect(error.file).toBe('df');
    expect(error.locations[0]?.start.line).toBe(1);
    expect(() => lintDockerfile('FROM scratch\n', { check: 'error=perhaps' })).toThrow(
      expect.objectContaining({ code: 'USAGE' }) as Error,
    );
  });
});

describe('lintDockerfile', () => {
  it('throws parse errors as located BuildErrors naming the file', () => {
    expect(() => lintDockerfile('FROM scratch\nCOPY --frm=a b c\n', { file: 'x/Dockerfile' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_FLAG', file: 'x/Dockerfile' }) as Error,
    );
    expect(() => lintDockerfile('RUN true\n')).toThrow(expect.objectContaining({ code: 'NO_FROM' }) as Error);
  });

  it('reports a duplicate stage name instead of failing', () => {
    expect(rules('FROM scratch AS a\nFROM scratch AS a\n', { advice: false })).toEqual(['2:DuplicateStageName:warning']);
  });

  it('gives each finding once, in source order, with file and documentation', () => {
    const found = lintDockerfile('FROM alpine\nCOPY $x $x /\nMAINTAINER me\n', { file: 'Dockerfile.dev', advice: false });
    expect(found.map((d) => [d.range.start.line, d.rule])).toEqual([
      [2, 'UndefinedVar'],
      [3, 'MaintainerDeprecated'],
    ]);
    expect(found[0]).toMatchObject({
      file: 'Dockerfile.dev',
      message: "Usage of undefined variable '$x'",
      url: 'https://docs.docker.com/go/dockerfile/rule/undefined-var/',
      range: { start: { line: 2, column: 1 } },
    });
  });

  it('runs the advice unless told not to', () => {
    const text = 'FROM golang:1.21\nCOPY . .\nRUN go build -o /app\n';
    expect(rules(text).map((r) => r.split(':')[1])).toEqual(['FinalStageToolchainBase', 'CopyAllIntoFinalStage']);
    expect(rules(text, { advice: false })).toEqual([]);
  });

  it('uses build arguments for the FROM checks', () => {
    const text = 'ARG BASE\nFROM ${BASE:-alpine}\nFROM $IMAGE\n';
    expect(rules(text, { advice: false })).toContain('3:UndefinedArgInFrom:warning');
    expect(lintDockerfile(text, { advice: false }).find((d) => d.rule === 'UndefinedArgInFrom')?.message).toBe(
      "FROM argument 'IMAGE' is not declared",
    );
  });

  it('refuses an unknown target', () => {
    expect(() => lintDockerfile('FROM scratch AS a\n', { target: 'b' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TARGET' }) as Error,
    );
  });

  it('knows the environment of well-known base images, and what callers say about others', () => {
    const text = 'FROM node:20\nWORKDIR /srv/$NODE_VERSION\nFROM example/base\nWORKDIR /srv/$APP_HOME\n';
    expect(rules(text, { advice: false })).toEqual(['4:UndefinedVar:warning']);
    expect(rules(text, { advice: false, imageEnv: (image) => (image === 'example/base' ? ['APP_HOME'] : undefined) })).toEqual([]);
  });
});
