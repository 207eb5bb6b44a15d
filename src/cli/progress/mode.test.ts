import { describe, expect, it } from 'vitest';
import { isBuildError } from '../../errors/index.js';
import { chooseProgressMode, parseProgressMode } from './mode.js';
import type { ProgressMode, ResolvedProgressMode } from './mode.js';

describe('chooseProgressMode', () => {
  const cases: { mode: ProgressMode; isTTY: boolean; env: Record<string, string>; expected: ResolvedProgressMode }[] = [
    { mode: 'auto', isTTY: true, env: { TERM: 'xterm-256color' }, expected: 'tty' },
    { mode: 'auto', isTTY: true, env: {}, expected: 'tty' },
    { mode: 'auto', isTTY: false, env: { TERM: 'xterm' }, expected: 'plain' },
    { mode: 'auto', isTTY: true, env: { TERM: 'dumb' }, expected: 'plain' },
    { mode: 'auto', isTTY: true, env: { TERM: 'xterm', CI: 'true' }, expected: 'plain' },
    { mode: 'auto', isTTY: true, env: { TERM: 'xterm', CI: '1' }, expected: 'plain' },
    { mode: 'auto', isTTY: true, env: { TERM: 'xterm', CI: '' }, expected: 'tty' },
    { mode: 'tty', isTTY: false, env: { CI: 'true' }, expected: 'tty' },
    { mode: 'plain', isTTY: true, env: {}, expected: 'plain' },
    { mode: 'json', isTTY: true, env: {}, expected: 'json' },
    { mode: 'quiet', isTTY: false, env: {}, expected: 'quiet' },
  ];
  it.each(cases)('$mode with isTTY=$isTTY and $env is $expected', ({ mode, isTTY, env, expected }) => {
    expect(chooseProgressMode(mode, { isTTY, env })).toBe(expected);
  });
});

describe('parseProgressMode', () => {
  it.each(['auto', 'tty', 'plain', 'json', 'quiet', 'PLAIN'])('accepts %s', (text) => {
    expect(parseProgressMode(text)).toBe(text.toLowerCase());
  });

  it.each([
    { text: 'plian', hint: 'did you mean plain?' },
    { text: 'jsno', hint: 'did you mean json?' },
    { text: 'fancy-rainbow', hint: 'use one of auto, tty, plain, json, quiet' },
  ])('rejects $text with a usage error', ({ text, hint }) => {
    let caught: unknown;
    try {
      parseProgressMode(text);
    } catch (error) {
      caught = error;
    }
    expect(isBuildError(caught) && caught.code).toBe('USAGE');
    expect(isBuildError(caught) && caught.hint).toBe(hint);
  });
});
