// Differential conformance: Dockerfiles run through BuildKit's own parser, with what it gave
// (see test/corpus/buildkit/parser/differential/README.md). Every case must come out the same.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dumpAst, parseDockerfile } from '../../src/dockerfile/syntax/index.js';
import { isBuildError } from '../../src/errors/index.js';

interface OkCase {
  readonly input: string;
  readonly ok: true;
  readonly dump: string;
  readonly lines: readonly (readonly [number, number])[];
  readonly flags: readonly (readonly string[])[];
  readonly comments: readonly (readonly string[])[];
  readonly heredocs: readonly (readonly unknown[])[];
  readonly emptyContinuationWarnings: number;
}

interface ErrorCase {
  readonly input: string;
  readonly ok: false;
  readonly code: string;
  readonly buildkitError: string;
}

const file = fileURLToPath(
  new URL('../corpus/buildkit/parser/differential/cases.json', import.meta.url),
);
const cases = JSON.parse(readFileSync(file, 'utf8')) as (OkCase | ErrorCase)[];
const okCases = cases.filter((c): c is OkCase => c.ok).map((c, i) => [i, c] as const);
const errorCases = cases.filter((c): c is ErrorCase => !c.ok).map((c, i) => [i, c] as const);

// Messages stagecraft words exactly as BuildKit does.
const SAME_MESSAGE = [
  /^(ENV|LABEL) must have two arguments$/,
  /^Syntax error - can't find = in /,
  /^when using JSON array syntax/,
  /^unknown instruction: \S/,
  /^only one \w+ parser directive can be used$/,
  /^invalid escape token /,
];

describe('differential cases against BuildKit', () => {
  it('has both kinds of case', () => {
    expect(okCases.length).toBeGreaterThan(300);
    expect(errorCases.length).toBeGreaterThan(80);
  });

  it.each(okCases)('ok #%i', (_, c) => {
    const ast = parseDockerfile(c.input);
    expect(dumpAst(ast)).toBe(c.dump);
    expect(ast.instructions.map((n) => [n.range.start.line, n.range.end.line])).toEqual(c.lines);
    expect(ast.instructions.map((n) => n.flags.map((f) => f.text))).toEqual(c.flags);
    expect(ast.instructions.map((n) => n.comments)).toEqual(c.comments);
    expect(
      ast.instructions.map((n) =>
        n.heredocs.map((h) => ({
          name: h.name,
          content: h.content,
          expand: h.expand,
          chomp: h.chomp,
          fileDescriptor: h.fileDescriptor,
        })),
      ),
    ).toEqual(c.heredocs);
    expect(ast.warnings.filter((w) => w.rule === 'NoEmptyContinuation')).toHaveLength(
      c.emptyContinuationWarnings,
    );
  });

  it.each(errorCases)('error #%i', (_, c) => {
    let caught: unknown;
    try {
      parseDockerfile(c.input);
    } catch (error) {
      caught = error;
    }
    if (!isBuildError(caught)) throw new Error(`expected a BuildError for ${JSON.stringify(c.input)}`);
    expect(caught.code).toBe(c.code);
    expect(caught.locations.length).toBeGreaterThan(0);
    if (SAME_MESSAGE.some((pattern) => pattern.test(c.buildkitError))) {
      expect(caught.message).toBe(c.buildkitError);
    }
  });
});
