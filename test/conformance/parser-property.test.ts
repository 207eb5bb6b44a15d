// Property tests: whatever the text, parseDockerfile returns a well-formed AST or throws a
// BuildError with a location inside the file, and it does so quickly. Inputs are the corpus files
// mutated (characters deleted, inserted, duplicated; heredoc markers, escapes and line breaks
// sprinkled in) and token soups; sizes are bounded.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dumpAst, parseDockerfile } from '../../src/dockerfile/syntax/index.js';
import type { DockerfileAst } from '../../src/dockerfile/syntax/index.js';
import { isBuildError } from '../../src/errors/index.js';
import type { SourceRange } from '../../src/errors/index.js';

const corpus = fileURLToPath(new URL('../corpus/buildkit/parser/', import.meta.url));
const seeds = readdirSync(corpus + 'testfiles')
  .sort()
  .map((name) => readFileSync(`${corpus}testfiles/${name}/Dockerfile`, 'utf8'));
seeds.push(
  'FROM a\nRUN <<EOF\necho hi\nEOF\nCOPY <<-A 3<<"B" /x\n\ta\n\tA\nb\nB\nONBUILD RUN <<X\nX\n',
  '# syntax=docker/dockerfile:1\n# escape=`\nFROM a `\n  AS b\nRUN echo `\n  hi\n',
);

const FRAGMENTS = [
  '\\', '`', '\n', '\r\n', '\r', ' ', '\t', '#', '"', "'", '<<', '<<-', '<<EOF', "<<'EOF'",
  '3<<EOF', 'EOF', '\nEOF\n', '\n\tEOF', '-', '--', '--x=y ', '-- ', '=', '[', ']', ',', '$',
  '${', '}', '${a:-b}', 'RUN ', 'COPY ', 'ADD ', 'ENV ', 'LABEL ', 'ARG ', 'FROM ', 'CMD ',
  'HEALTHCHECK ', 'ONBUILD ', 'ONBUILD ONBUILD ', '# escape=`\n', '# escape=\\\n', '# syntax=x\n',
  '\\\n', '`\n', '\n\n', '["a"]', '[1]', '\u00a0', 'é', '\u0085', '\ufeff', '\u2028', '😀', '\v',
];

const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'insert', 'duplicate'),
  fragment: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 3 })),
  length: fc.integer({ min: 1, max: 24 }),
});

const mutated = fc
  .tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }))
  .map(([index, mutations]) => {
    let text = seeds[index] ?? '';
    for (const m of mutations) {
      const at = text.length === 0 ? 0 : m.at % (text.length + 1);
      if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
      else if (m.kind === 'insert') text = text.slice(0, at) + m.fragment + text.slice(at);
      else text = text.slice(0, at) + text.slice(at, at + m.length) + text.slice(at);
    }
    return text;
  });

const soup = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.constantFrom('a', 'b c', 'x=1', '/tmp')), {
    maxLength: 60,
  })
  .map((parts) => parts.join(''));

function lineCount(text: string): number {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const lines = body.split('\n').length - (body.endsWith('\n') ? 1 : 0);
  return Math.max(1, lines);
}

function before(a: SourceRange['start'], b: SourceRange['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.column <= b.column);
}

function checkAst(ast: DockerfileAst, lines: number): void {
  expect(ast.instructions.length).toBeGreaterThan(0);
  let previousEnd = 0;
  for (const node of ast.instructions) {
    expect(node.keyword).toBe(node.keywordText.toLowerCase());
    expect(before(node.range.start, node.range.end)).toBe(true);
    expect(node.range.start.line).toBeGreaterThan(previousEnd);
    expect(node.range.end.line).toBeLessThanOrEqual(lines);
    expect(before(node.range.start, node.keywordRange.start)).toBe(true);
    for (const flag of node.flags) expect(before(node.range.start, flag.range.start)).toBe(true);
    for (const heredoc of node.heredocs) {
      expect(heredoc.range.end.line).toBeLessThanOrEqual(node.range.end.line);
      if (heredoc.chomp) expect(heredoc.content).not.toMatch(/(^|\n)\t/);
    }
    previousEnd = node.range.end.line;
  }
  expect(dumpAst(ast).split('\n')).toHaveLength(ast.instructions.length + 1);
}

function checkParse(text: string): void {
  let ast: DockerfileAst | undefined;
  try {
    ast = parseDockerfile(text, { file: 'Dockerfile' });
  } catch (error) {
    if (!isBuildError(error)) throw error;
    expect(error.locations.length).toBeGreaterThan(0);
    expect(error.file).toBe('Dockerfile');
    for (const location of error.locations) {
      expect(location.start.line).toBeGreaterThanOrEqual(1);
      expect(location.end.line).toBeLessThanOrEqual(lineCount(text));
      expect(before(location.start, location.end)).toBe(true);
    }
  }
  if (ast !== undefined) checkAst(ast, lineCount(text));
}

describe('parseDockerfile on arbitrary input', () => {
  it('mutated corpus files: an AST or a located BuildError', () => {
    fc.assert(fc.property(mutated, checkParse), { numRuns: 3000 });
  });

  it('token soups: an AST or a located BuildError', () => {
    fc.assert(fc.property(soup, checkParse), { numRuns: 3000 });
  });

  it('arbitrary unicode text: an AST or a located BuildError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), checkParse), {
      numRuns: 1000,
    });
  });

  // A hang fails by the test timeout; a quadratic blow-up on these ~40 KB inputs by the bound.
  it('stays fast on adversarial shapes', () => {
    const cases = [
      'FROM a\nRUN ' + '<<'.repeat(5000),
      'FROM a\nRUN <<' + ' '.repeat(20000) + '<x',
      'FROM a\nRUN ' + '${a:-'.repeat(3000),
      'FROM a\n' + 'RUN x \\\n'.repeat(5000),
      'FROM a\nCMD ' + '['.repeat(20000),
      'ONBUILD '.repeat(8000) + 'RUN x',
      '#escape=' + ' '.repeat(30000) + 'x\nFROM a',
      'FROM a\nENV ' + 'a=b '.repeat(10000),
      'FROM a\nCOPY ' + '--x="a b" '.repeat(5000),
      'FROM a\nRUN ' + '<<A '.repeat(5000) + '\nA\n'.repeat(5000),
      'FROM a\nRUN <<EOF ' + '${a:-'.repeat(12000) + 'x' + '}'.repeat(12000) + '\nEOF\n',
      'FROM a\nRUN <<EOF ' + '"${a:-'.repeat(10000) + '\nEOF\n',
    ];
    for (const text of cases) {
      const started = performance.now();
      checkParse(text);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});
