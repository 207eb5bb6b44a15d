import { describe, expect, it } from 'vitest';
import { isBuildError } from '../../errors/index.js';
import type { BuildError } from '../../errors/index.js';
import type { SourceRange } from '../../errors/index.js';
import { dumpAst, parseDockerfile } from './index.js';

function dump(text: string): string {
  return dumpAst(parseDockerfile(text));
}

function errorOf(text: string): BuildError {
  try {
    parseDockerfile(text, { file: 'Dockerfile' });
  } catch (error) {
    if (isBuildError(error)) return error;
    throw error;
  }
  throw new Error('expected a BuildError');
}

function range(line: number, column: number, endLine: number, endColumn: number): SourceRange {
  return { start: { line, column }, end: { line: endLine, column: endColumn } };
}

describe('parser directives', () => {
  it.each([
    ['# escape=`\nFROM a `\n  b\n', '`', '(from "a" "b")\n'],
    ['#escape=\\\nFROM a \\\n  b\n', '\\', '(from "a" "b")\n'],
    ['# ESCAPE = ` \nFROM a `\n  b\n', '`', '(from "a" "b")\n'],
    ['  # escape=`\nFROM a `\n  b\n', '`', '(from "a" "b")\n'],
    ['# syntax=docker/dockerfile:1\n# escape=`\nFROM a `\n  b\n', '`', '(from "a" "b")\n'],
    // Anything that is not a directive ends the block: later directives are plain comments.
    ['# hello\n# escape=`\nFROM a `\n', '\\', '(from "a" "`")\n'],
    ['\n# escape=`\nFROM a `\n', '\\', '(from "a" "`")\n'],
    ['# unknown=1\n# escape=`\nFROM a `\n', '\\', '(from "a" "`")\n'],
    ['FROM a\n# escape=`\nRUN x `\n', '\\', '(from "a")\n(run "x `")\n'],
  ])('%j uses escape %s', (text, escape, expected) => {
    const ast = parseDockerfile(text);
    expect(ast.escapeChar).toBe(escape);
    expect(dumpAst(ast)).toBe(expected);
  });

  it('records directives with their ranges, lowercased', () => {
    const ast = parseDockerfile('# Syntax = docker/dockerfile:1.7\n#check=skip=all\nFROM a\n');
    expect(ast.directives).toEqual([
      { name: 'syntax', value: 'docker/dockerfile:1.7', range: range(1, 1, 1, 33) },
      { name: 'check', value: 'skip=all', range: range(2, 1, 2, 16) },
    ]);
    expect(ast.warnings).toEqual([]);
  });

  it('keeps directive lines out of the comments of the first instruction', () => {
    const ast = parseDockerfile('# syntax=docker/dockerfile:1\n# about a\nFROM a\n');
    expect(ast.instructions[0]?.comments).toEqual(['about a']);
  });

  it.each([
    'docker/dockerfile:1',
    'docker/dockerfile:1.7',
    'docker/dockerfile:1.7.1',
    'docker.io/docker/dockerfile:1-labs',
    'docker/dockerfile:1.4-labs',
    'docker/dockerfile',
    'docker/dockerfile:1@sha256:' + 'a'.repeat(64),
    'docker/dockerfile:1 // with options',
  ])('accepts syntax=%s without a warning', (image) => {
    expect(parseDockerfile(`# syntax=${image}\nFROM a\n`).warnings).toEqual([]);
  });

  it.each([
    'docker/dockerfile:0.9',
    'docker/dockerfile:2',
    'docker/dockerfile:experimental',
    'docker/dockerfile-upstream:1',
    'example.com/my/frontend:1',
    'tonistiigi/dockerfile:runmount',
  ])('warns UnsupportedSyntax for syntax=%s', (image) => {
    const { warnings } = parseDockerfile(`# syntax=${image}\nFROM a\n`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.rule).toBe('UnsupportedSyntax');
    expect(warnings[0]?.range.start.line).toBe(1);
    expect(warnings[0]?.message).toContain(image.split(' ')[0]);
  });

  it.each([
    ['# escape=x\nFROM a\n', 'INVALID_DIRECTIVE', range(1, 10, 1, 11), /invalid escape token 'x'/],
    ['# escape=``\nFROM a\n', 'INVALID_DIRECTIVE', range(1, 10, 1, 12), /invalid escape token/],
    // Only spaces after `=`: BuildKit's pattern still captures one of them as the value.
    ['#escape=  \nFROM a\n', 'INVALID_DIRECTIVE', range(1, 10, 1, 11), /invalid escape token ' '/],
    ['# escape=`\n# escape=`\nFROM a\n', 'INVALID_DIRECTIVE', range(2, 1, 2, 11), /only one escape/],
    ['# syntax=a\n# SYNTAX=b\nFROM a\n', 'INVALID_DIRECTIVE', range(2, 1, 2, 11), /only one syntax/],
  ])('%j fails with %s at its range', (text, code, location, message) => {
    const error = errorOf(text);
    expect(error.code).toBe(code);
    expect(error.locations).toEqual([location]);
    expect(error.message).toMatch(message);
    expect(error.file).toBe('Dockerfile');
  });

  it('treats `# escape=` with nothing after it as a plain comment', () => {
    expect(dump('# escape=\nFROM a \\\n b\n')).toBe('(from "a" "b")\n');
  });
});

describe('line continuations, comments and blank lines', () => {
  it.each([
    ['FROM a\nRUN a \\\n  b\n', '(from "a")\n(run "a   b")\n'],
    ['FROM a\r\nRUN a \\\r\n  b\r\n', '(from "a")\n(run "a   b")\n'],
    ['FROM a\nRUN a \\ \t\n b\n', '(from "a")\n(run "a  b")\n'],
    ['FROM a\nRUN a \\\n# comment\n  # indented comment\n b\n', '(from "a")\n(run "a  b")\n'],
    ['FROM a\nRUN a \\\n\n   \n b\n', '(from "a")\n(run "a  b")\n'],
    ['FROM a\nRUN a \\\\\nRUN b\n', '(from "a")\n(run "a \\\\\\\\")\n(run "b")\n'],
    ['FROM a\nRUN a \\', '(from "a")\n(run "a")\n'],
    ['FROM a\nRUN a \\\n', '(from "a")\n(run "a")\n'],
    ['\\\nFROM a\n', '(from "a")\n'],
    ['\ufeffFROM a\n', '(from "a")\n'],
    ['FROM a\rRUN b\n', '(from "a" "RUN" "b")\n'],
    ['   FROM a\n\tRUN b\n', '(from "a")\n(run "b")\n'],
    ['# escape=`\nFROM a\nRUN a `\n b \\\n', '(from "a")\n(run "a  b \\\\")\n'],
  ])('%j', (text, expected) => {
    expect(dump(text)).toBe(expected);
  });

  it('warns once per instruction with empty continuation lines, at the first of them', () => {
    const { warnings } = parseDockerfile('FROM a\nRUN a \\\n\n b \\\n\n c\nRUN d \\\n# c\n e\n');
    expect(warnings).toEqual([
      {
        rule: 'NoEmptyContinuation',
        message: 'Empty continuation line found in: RUN a  b  c',
        range: range(3, 1, 3, 1),
      },
    ]);
  });

  it('keeps the comments above an instruction; `#` alone clears them', () => {
    const ast = parseDockerfile('# one\n\n#  two  \nFROM a\n# gone\n#\n# three\nRUN x\nRUN y\n');
    expect(ast.instructions.map((node) => node.comments)).toEqual([['one', 'two'], ['three'], []]);
  });

  it('gives the logical line as original, first line trimmed on the left only', () => {
    const ast = parseDockerfile('FROM a\n  RUN a \\\n   b  \n');
    expect(ast.instructions[1]?.original).toBe('RUN a    b  ');
  });
});

describe('source ranges', () => {
  it('spans from the keyword to the end of the last line, continuations included', () => {
    const ast = parseDockerfile('FROM a\n\n  RUN a \\\n # c\n    b\nCMD x\n');
    const [from, run, cmd] = ast.instructions;
    expect(from?.range).toEqual(range(1, 1, 1, 7));
    expect(run?.range).toEqual(range(3, 3, 5, 6));
    expect(run?.keywordRange).toEqual(range(3, 3, 3, 6));
    expect(cmd?.range).toEqual(range(6, 1, 6, 6));
  });

  it('ends after the last heredoc terminator', () => {
    const ast = parseDockerfile('FROM a\nCOPY <<A <<B /x\na\nA\nb\nB\nRUN z\n');
    expect(ast.instructions[1]?.range).toEqual(range(2, 1, 6, 2));
    expect(ast.instructions[1]?.heredocs.map((h) => h.range)).toEqual([
      range(3, 1, 4, 2),
      range(5, 1, 6, 2),
    ]);
    expect(ast.instructions[2]?.range.start.line).toBe(7);
  });

  it('locates flags on their own line and column, across continuations', () => {
    const ast = parseDockerfile('FROM a\nCOPY --from=b \\\n   --chown="a b" x y\n');
    const copy = ast.instructions[1];
    expect(copy?.flags).toEqual([
      { text: '--from=b', range: range(2, 6, 2, 14) },
      { text: '--chown=a b', range: range(3, 4, 3, 17) },
    ]);
  });

  it('counts CRLF line endings out of the end column', () => {
    const ast = parseDockerfile('FROM a\r\nRUN b\r\n');
    expect(ast.instructions[1]?.range).toEqual(range(2, 1, 2, 6));
  });
});

describe('parse errors', () => {
  it.each([
    ['', 'DOCKERFILE_EMPTY', range(1, 1, 1, 1)],
    ['# only\n\n# comments\n', 'DOCKERFILE_EMPTY', range(1, 1, 3, 1)],
    ['FROM a\nENV PATH\n', 'DOCKERFILE_SYNTAX', range(2, 5, 2, 9)],
    ['FROM a\nLABEL x=1 y\n', 'DOCKERFILE_SYNTAX', range(2, 7, 2, 12)],
    ['FROM a\nCMD ["a", ["b"]]\n', 'DOCKERFILE_SYNTAX', range(2, 5, 2, 17)],
    ['FROM a\nRUN ["a", 1]\n', 'DOCKERFILE_SYNTAX', range(2, 5, 2, 13)],
    ['FROM a\nRUNN x\n', 'UNKNOWN_INSTRUCTION', range(2, 1, 2, 5)],
    ['FROM a\n  cpoy x y\n', 'UNKNOWN_INSTRUCTION', range(2, 3, 2, 7)],
    ['FROM a\n\\\n', 'DOCKERFILE_SYNTAX', range(2, 1, 2, 1)],
    ['FROM a\nONBUILD ONBUILD RUN x\n', 'INVALID_INSTRUCTION', range(2, 9, 2, 16)],
    ['FROM a\nRUN <<EOF\nx\n', 'HEREDOC_UNTERMINATED', range(2, 5, 2, 10)],
    ['FROM a\nRUN <<-EOF cat\n  EOF\n', 'HEREDOC_UNTERMINATED', range(2, 5, 2, 11)],
    ['FROM a\nLABEL a=' + 'x'.repeat(65530) + '\n', 'DOCKERFILE_SYNTAX', range(2, 1, 2, 1)],
    // Deeper than any real file; BuildKit has no limit, a recursive scanner needs one.
    ['FROM a\nRUN <<E ' + '${a:-'.repeat(600) + '\nE\n', 'DOCKERFILE_SYNTAX', range(2, 1, 2, 3009)],
  ])('%j fails with %s', (text, code, location) => {
    const error = errorOf(text);
    expect(error.code).toBe(code);
    expect(error.locations).toEqual([location]);
  });

  it('names an unknown instruction and suggests the closest one', () => {
    const error = errorOf('FROM a\nRUNN echo\n');
    expect(error.message).toBe('unknown instruction: RUNN');
    expect(error.hint).toBe('did you mean RUN?');
    expect(errorOf('FROM a\nENTRYPONT x\n').hint).toBe('did you mean ENTRYPOINT?');
    expect(errorOf('FROM a\nXYZZYQ x\n').hint).toBeUndefined();
  });

  it('reports a syntax error below an unknown instruction first, as BuildKit does', () => {
    const error = errorOf('FROM a\nRUNN x\nENV PATH\n');
    expect(error.code).toBe('DOCKERFILE_SYNTAX');
    expect(error.locations[0]?.start.line).toBe(3);
  });

  it('does not check the trigger of ONBUILD, which BuildKit keeps as text', () => {
    expect(dump('FROM a\nONBUILD FOO bar\n')).toBe('(from "a")\n(onbuild (foo ""))\n');
  });
});

describe('instruction names', () => {
  it('are case-insensitive, keyword lowercased, keywordText as written', () => {
    const ast = parseDockerfile('from a AS b\nRuN x\n');
    expect(ast.instructions.map((n) => [n.keyword, n.keywordText])).toEqual([
      ['from', 'from'],
      ['run', 'RuN'],
    ]);
    expect(dumpAst(ast)).toBe('(from "a" "AS" "b")\n(run "x")\n');
  });

  it('nests the ONBUILD trigger and lists its name and arguments as ONBUILD args', () => {
    const ast = parseDockerfile('FROM a\nONBUILD --x RUN --mount=a echo hi\n');
    const onbuild = ast.instructions[1];
    expect(onbuild?.flags.map((f) => f.text)).toEqual(['--x']);
    expect(onbuild?.args).toEqual(['RUN', 'echo hi']);
    expect(onbuild?.nested?.keyword).toBe('run');
    expect(onbuild?.nested?.flags.map((f) => f.text)).toEqual(['--mount=a']);
    expect(onbuild?.nested?.keywordRange).toEqual(range(2, 13, 2, 16));
    expect(dumpAst(ast)).toBe('(from "a")\n(onbuild ["--x"] (run ["--mount=a"] "echo hi"))\n');
  });
});
