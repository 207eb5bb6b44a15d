import { describe, expect, it } from 'vitest';
import { BuildError } from '../../errors/index.js';
import { applyChmod, parseChmod } from './chmod.js';

// [--chmod, mode before, is a directory, mode after]; the symbolic rows agree with chmod(1)
const CASES: readonly (readonly [string, number, boolean, number])[] = [
  ['0755', 0o600, false, 0o755],
  ['755', 0o600, true, 0o755],
  ['4755', 0o600, false, 0o4755],
  ['0', 0o777, false, 0o000],
  ['7777', 0o000, false, 0o7777],
  ['+x', 0o644, false, 0o755],
  ['go-w', 0o666, false, 0o644],
  ['o-rwx,g+x', 0o644, false, 0o650],
  ['u=rwx,g=,o=', 0o644, false, 0o700],
  ['u+rw,g+r,o-x,o+w', 0o000, false, 0o642],
  ['a+X', 0o500, true, 0o511],
  ['a+X', 0o600, false, 0o600],
  ['a+X', 0o640, false, 0o640],
  ['a+X', 0o700, false, 0o711],
  ['g+rw,o+rw', 0o500, true, 0o566],
  ['u=rwX,go=rX', 0o500, true, 0o755],
  ['u=rwX,go=rX', 0o600, false, 0o644],
  ['u=rwX,go=rX', 0o744, false, 0o755],
  ['g=u', 0o750, false, 0o770],
  ['go=u-w', 0o755, false, 0o755],
  ['u+s', 0o755, false, 0o4755],
  ['g+s', 0o755, true, 0o2755],
  ['o+s', 0o755, false, 0o755],
  ['+t', 0o777, true, 0o1777],
  ['=r', 0o1755, false, 0o1444], // BSD keeps the sticky bit here (GNU chmod clears it)
  ['g=u', 0o2750, true, 0o2770],
  ['u+', 0o644, false, 0o644],
  ['a-X', 0o755, false, 0o644],
];

describe('--chmod', () => {
  for (const [text, before, isDir, after] of CASES) {
    it(`${text} on ${before.toString(8)}${isDir ? ' (dir)' : ''} -> ${after.toString(8)}`, () => {
      expect(applyChmod(parseChmod(text), before, isDir).toString(8)).toBe(after.toString(8));
    });
  }

  it('octal values are a fixed mode, symbolic ones are not', () => {
    expect(parseChmod('0644').kind).toBe('octal');
    expect(parseChmod('u+x').kind).toBe('symbolic');
  });

  const BAD: readonly (readonly [string, string])[] = [
    ['0789', "invalid chmod parameter: '0789'. it should be octal string and between 0 and 07777"],
    ['17777', "invalid chmod parameter: '17777'. it should be octal string and between 0 and 07777"],
    ['9', "invalid chmod parameter: '9'. it should be octal string and between 0 and 07777"],
    ['u+q', "invalid chmod parameter: 'u+q': invalid syntax"],
    ['rwx', "invalid chmod parameter: 'rwx': invalid syntax"],
    ['u+r,', "invalid chmod parameter: 'u+r,': invalid syntax"],
  ];
  for (const [text, message] of BAD) {
    it(`rejects ${text}`, () => {
      let error: unknown;
      try {
        parseChmod(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BuildError);
      expect((error as BuildError).code).toBe('INVALID_COPY_OPTION');
      expect((error as BuildError).message).toBe(message);
    });
  }
});
