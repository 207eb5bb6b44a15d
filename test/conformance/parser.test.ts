// Conformance: BuildKit's parser test data (frontend/dockerfile/parser/testfiles,
// testfiles-negative, testfile-line), read as /work/shared/conformance/FORMAT.md describes them.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dumpAst, parseDockerfile } from '../../src/dockerfile/syntax/index.js';
import { BuildError } from '../../src/errors/index.js';

const corpus = fileURLToPath(new URL('../corpus/buildkit/parser/', import.meta.url));

function readCase(dir: string, name: string): string {
  return readFileSync(`${corpus}${dir}/${name}`, 'utf8');
}

const positive = readdirSync(corpus + 'testfiles').sort();
const negative = readdirSync(corpus + 'testfiles-negative').sort();

describe('BuildKit parser testfiles', () => {
  it('has the 33 cases the corpus promises', () => {
    expect(positive).toHaveLength(33);
  });

  it.each(positive)('%s dumps exactly its result', (name) => {
    const source = readCase(`testfiles/${name}`, 'Dockerfile');
    const expected = readCase(`testfiles/${name}`, 'result');
    expect(dumpAst(parseDockerfile(source, { file: 'Dockerfile' }))).toBe(expected);
  });
});

describe('BuildKit parser testfiles-negative', () => {
  it('has the 4 cases the corpus promises', () => {
    expect(negative).toHaveLength(4);
  });

  it.each(negative)('%s fails with a located BuildError', (name) => {
    const source = readCase(`testfiles-negative/${name}`, 'Dockerfile');
    let caught: unknown;
    try {
      parseDockerfile(source, { file: 'Dockerfile' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BuildError);
    const error = caught as BuildError;
    expect(error.locations.length).toBeGreaterThan(0);
    expect(error.file).toBe('Dockerfile');
    const lineCount = Math.max(1, source.split('\n').length - (source.endsWith('\n') ? 1 : 0));
    for (const location of error.locations) {
      expect(location.start.line).toBeGreaterThanOrEqual(1);
      expect(location.end.line).toBeLessThanOrEqual(lineCount);
    }
  });

  it.each([
    ['empty_dockerfile', 'DOCKERFILE_EMPTY'],
    ['only_comments', 'DOCKERFILE_EMPTY'],
    ['env_no_value', 'DOCKERFILE_SYNTAX'],
    ['shykes-nested-json', 'DOCKERFILE_SYNTAX'],
  ])('%s fails with %s', (name, code) => {
    const source = readCase(`testfiles-negative/${name}`, 'Dockerfile');
    expect(() => parseDockerfile(source)).toThrow(expect.objectContaining({ code }));
  });
});

describe('BuildKit parser testfile-line', () => {
  it('gives each instruction its start and end line', () => {
    const ast = parseDockerfile(readCase('testfile-line', 'Dockerfile'));
    expect(ast.instructions.map((node) => [node.range.start.line, node.range.end.line])).toEqual([
      [5, 5],
      [11, 12],
      [17, 31],
    ]);
  });
});
