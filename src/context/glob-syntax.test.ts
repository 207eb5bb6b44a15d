import { describe, expect, it } from 'vitest';
import { globSyntaxProblem } from './glob-syntax.js';

describe('globSyntaxProblem (filepath.Match syntax)', () => {
  it.each(['*.log', '**/x', 'a\\[b\\].txt', '[a-b].log', '[!a].txt', '[^a]', '[\\]]', ']x]', 'a]', '[a][b]*', '\\\\'])(
    '%s is well-formed',
    (pattern) => {
      expect(globSyntaxProblem(pattern)).toBeUndefined();
    },
  );
  it.each(['a\\', '[', '[a', '[]', '[]a]', '[a-]', '[-a]', '[a-', '[^]', 'ok/[\\', 'x*[z'])('%s is malformed', (pattern) => {
    expect(globSyntaxProblem(pattern)).toBeTypeOf('string');
  });
});
