// Conformance: what real BuildKit sent for `COPY . /ctx/` under 44 .dockerignore files
// (test/corpus/dockerignore/cases.json, see /work/shared/conformance/FORMAT.md).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listContextFiles, parseDockerignore } from '../../src/context/index.js';

interface Corpus {
  readonly files: readonly string[];
  readonly cases: readonly { readonly patterns: readonly string[]; readonly included: readonly string[] }[];
}

const corpus = JSON.parse(
  readFileSync(fileURLToPath(new URL('../corpus/dockerignore/cases.json', import.meta.url)), 'utf8'),
) as Corpus;

describe('dockerignore cases measured on BuildKit', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'stagecraft-dockerignore-'));
    for (const file of corpus.files) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), file);
    }
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('has all 44 cases', () => {
    expect(corpus.cases).toHaveLength(44);
  });

  it.each(corpus.cases.map((c, index) => [index, JSON.stringify(c.patterns), c] as const))(
    'case %i: %s',
    async (_index, _label, testCase) => {
      const text = testCase.patterns.join('\n') + '\n';
      writeFileSync(join(root, '.dockerignore'), text);
      const entries = await listContextFiles(root, parseDockerignore(text));
      const files = entries.filter((e) => e.type === 'file').map((e) => e.path);
      expect(files).toEqual([...testCase.included].sort());
    },
  );
});
