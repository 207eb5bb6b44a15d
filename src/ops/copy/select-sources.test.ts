import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatternMatcher } from '../../context/index.js';
import { BuildError } from '../../errors/index.js';
import { selectCopySources } from './select-sources.js';
import type { SelectCopySourcesOptions } from './select-sources.js';
import { tempDir, writeTree } from './testing/tree.js';
import { mayIncludeBelow } from './walk-source.js';

describe('selectCopySources', () => {
  let root: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ path: root, remove } = await tempDir());
    await writeTree(root, {
      'a/x.js': '1',
      'a/y.ts': '2',
      'b/x.js': '3',
      'b/deep/x.js': '4',
      'c.js': '5',
      'ln': { symlink: 'a' },
      'arr[0].txt': '6',
      'sp ace/f': '7',
    });
  });
  afterAll(async () => {
    await remove();
  });

  /** Each source as `path(resolved): entries`. */
  const summary = async (options: Omit<SelectCopySourcesOptions, 'root'>): Promise<string[]> =>
    (await selectCopySources({ root, ...options })).map((s) => `${s.path}(${s.resolved}): ${s.entries.map((e) => (e.rel === '' ? '.' : e.rel)).join(' ')}`);

  // [sources, what they select]
  const CASES: readonly (readonly [readonly string[], readonly string[]])[] = [
    [['a'], ['/a(a): . x.js y.ts']],
    [['*/x.js'], ['/a/x.js(a/x.js): .', '/b/x.js(b/x.js): .']],
    [['*.js'], ['/c.js(c.js): .']],
    [['?'], ['/a(a): . x.js y.ts', '/b(b): . deep deep/x.js x.js']],
    [['ln'], ['/ln(a): . x.js y.ts']],
    [['ln/*.ts'], ['/ln/y.ts(a/y.ts): .']],
    [['arr[[]0].txt'], ['/arr[0].txt(arr[0].txt): .']],
    [['sp ace'], ['/sp ace(sp ace): . f']],
    [['/../../c.js'], ['/c.js(c.js): .']],
    [['nothing*'], []],
  ];
  for (const [patterns, expected] of CASES) {
    it(patterns.join(' '), async () => {
      expect(await summary({ patterns })).toEqual(expected);
    });
  }

  it('a wildcard walk does not follow symlinked directories', async () => {
    // `ln` is a symlink to a directory: `*/x.js` does not look inside it (fsutil walks with lstat)
    expect((await summary({ patterns: ['*/x.js'] })).some((line) => line.startsWith('/ln'))).toBe(false);
  });

  it('the build context is owned by root, a stage keeps its owners', async () => {
    const [context] = await selectCopySources({ root, patterns: ['c.js'], owner: 'root' });
    expect([context?.entries[0]?.uid, context?.entries[0]?.gid]).toEqual([0, 0]);
    const [stage] = await selectCopySources({ root, patterns: ['c.js'] });
    expect(stage?.entries[0]?.uid).toBe(process.getuid?.() ?? 0);
  });

  it('.dockerignore and --exclude', async () => {
    expect(await summary({ patterns: ['.'], ignore: new PatternMatcher(['b', '*.js']), exclude: ['a/*.ts', 'sp*'] })).toEqual(['/(): . a a/x.js arr[0].txt ln']);
  });

  it('a malformed wildcard is an error naming it', async () => {
    const error = await selectCopySources({ root, patterns: ['a/[z-'] }).catch((e: unknown) => e);
    expect((error as BuildError).code).toBe('INVALID_COPY_OPTION');
    expect((error as BuildError).message).toBe('invalid source "/a/[z-": syntax error in pattern "[z-"');
  });

  it('a bad --exclude pattern is an error naming the flag', async () => {
    const error = await selectCopySources({ root, patterns: ['a'], exclude: ['[z-'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).code).toBe('INVALID_COPY_OPTION');
    expect((error as BuildError).message).toMatch(/^invalid --exclude pattern: "\[z-"/);
  });

  it('--parents only walks directories an include pattern can reach', () => {
    const include = new PatternMatcher(['src/lib/*.js']);
    expect(['src', 'src/lib', 'node_modules', 'src/other', 'src/lib/deeper'].map((dir) => mayIncludeBelow(dir, include))).toEqual([true, true, false, false, false]);
    expect(mayIncludeBelow('anything/at/all', new PatternMatcher(['**/x']))).toBe(true);
  });
});
