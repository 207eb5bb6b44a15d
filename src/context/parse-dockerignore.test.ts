import { describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import { parseDockerignore } from './parse-dockerignore.js';

describe('parseDockerignore', () => {
  it.each([
    ['comments and blank lines', '# comment\n\n*.log\n   \n#*.txt\n', ['*.log']],
    ['a # after spaces is not a comment', '  # not a comment', ['# not a comment']],
    ['trims white space, including Unicode spaces', '  b.txt\t \n\u00a0c\u3000', ['b.txt', 'c']],
    ['drops a byte-order mark on the first line', '\uFEFF#x\n\uFEFFy', ['\uFEFFy']],
    ['CRLF line ends', 'a\r\nb\r\n', ['a', 'b']],
    ['leading slash and ./', '/logs\n./logs/\n//x//y/', ['logs', 'logs', 'x/y']],
    ['cleans .. and .', 'src/test/../main.js\na/./b\n../up', ['src/main.js', 'a/b', '../up']],
    ['exceptions keep their !, trimmed and cleaned', '!  ./keep/\n! /a//b', ['!keep', '!a/b']],
    ['a lone ! is kept (the matcher rejects it)', '!\n! ', ['!', '!']],
    ['the root pattern stays /', '/\n.', ['/', '.']],
    ['a last line without a newline counts', 'a\nb', ['a', 'b']],
  ])('%s', (_name, text, expected) => {
    expect(parseDockerignore(text)).toEqual(expected);
  });

  it('rejects a line too long for Docker to read', () => {
    const text = 'ok\n' + 'x'.repeat(64 * 1024) + '\n';
    try {
      parseDockerignore(text, { file: 'ctx/.dockerignore' });
      expect.unreachable();
    } catch (error) {
      expect(isBuildError(error) && error.code).toBe('INVALID_IGNORE_PATTERN');
      expect((error as Error).message).toContain('line 2 of ctx/.dockerignore');
    }
    expect(parseDockerignore('y'.repeat(64 * 1024 - 1))).toHaveLength(1);
  });
});
