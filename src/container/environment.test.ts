import { describe, expect, it } from 'vitest';
import { containerEnv, parseEnvFile, parseEnvFlag, replaceOrAppendEnv } from './environment.js';

const host: Record<string, string> = { FROM_HOST: 'h', EMPTY: '' };
const lookup = (key: string): string | undefined => host[key];

describe('container environment (docker rules)', () => {
  it.each([
    ['A=1', 'A=1'],
    ['A=', 'A='],
    ['A=b=c', 'A=b=c'],
    ['FROM_HOST', 'FROM_HOST=h'],
    ['EMPTY', 'EMPTY='],
    ['NOT_SET', undefined],
  ])('-e %s', (flag, entry) => {
    expect(parseEnvFlag(flag, lookup)).toBe(entry);
  });

  it('refuses -e =value', () => {
    expect(() => parseEnvFlag('=x', lookup)).toThrow(/invalid environment variable/);
  });

  it('reads env files as docker does (no quote removal, leading blanks dropped, comments, bare names)', () => {
    const text = '\uFEFF# comment\n\n  A=1\nB="quoted value"\r\nFROM_HOST\nNOT_SET\nC=trailing  \n\t# indented comment\n';
    expect(parseEnvFile(text, 'f.env', lookup)).toEqual(['A=1', 'B="quoted value"', 'FROM_HOST=h', 'C=trailing  ']);
  });

  it.each([
    ['=x\n', /f\.env:1: no variable name/],
    ['OK=1\nBAD NAME=1\n', /f\.env:2: variable 'BAD NAME' contains whitespaces/],
  ])('refuses env file %j', (text, message) => {
    expect(() => parseEnvFile(text, 'f.env', lookup)).toThrow(message);
  });

  it('replaces image entries in place and appends new ones', () => {
    expect(replaceOrAppendEnv(['A=1', 'B=2', 'C=3'], ['B=x', 'D=4', 'A=y'])).toEqual(['A=y', 'B=x', 'C=3', 'D=4']);
  });

  it('puts PATH (when none is set) and HOSTNAME first, then the image and user entries', () => {
    expect(containerEnv(['FOO=img'], ['FOO=user', 'BAR=1'], 'abc123')).toEqual([
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOSTNAME=abc123',
      'FOO=user',
      'BAR=1',
    ]);
    expect(containerEnv(['PATH=/opt/bin'], [], 'h')).toEqual(['HOSTNAME=h', 'PATH=/opt/bin']);
    expect(containerEnv([], ['HOSTNAME=mine'], 'h')).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=mine']);
  });
});
