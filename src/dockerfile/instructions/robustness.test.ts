import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBuildError } from '../../errors/index.js';
import { INSTRUCTION_KINDS } from './instruction.js';
import { nodeOf } from './node-fixture.js';
import { parseInstruction } from './parse-instruction.js';
import { buildErrorOf, commandOf, stagesOf } from './test-support.js';

describe('BuildKit instructions test cases', () => {
  it('finds doc comments only on the comment that names the definition', () => {
    const parsed = stagesOf(
      '# foo sets foo\nARG foo=bar\n# base defines first stage\nFROM busybox AS base\n# this is irrelevant\nARG foo\n# bar defines bar\n# baz is something else\nARG bar baz=123\n',
    );
    expect(parsed.stages[0]?.description).toBe('defines first stage');
    expect(parsed.metaArgs[0]?.args[0]).toEqual({ key: 'foo', value: 'bar', description: 'sets foo' });
    const [first, second] = parsed.stages[0]?.commands ?? [];
    expect(first?.kind === 'arg' ? first.args : undefined).toEqual([{ key: 'foo', value: undefined, description: undefined }]);
    expect(second?.kind === 'arg' ? second.args.map((a) => a.description) : undefined).toEqual(['defines bar', 'is something else']);
  });

  it('rejects flags on MAINTAINER', () => {
    expect(buildErrorOf(() => commandOf('MAINTAINER --boo joe@example.com')).message).toBe('unknown flag: --boo');
  });

  it.each(['ENV', 'LABEL'])('%s with a broken triple is too many arguments', (keyword) => {
    const error = buildErrorOf(() => parseInstruction(nodeOf(keyword, { args: ['arg1', 'arg2', 'arg3', ''] })));
    expect(error.message).toBe(`Bad input to ${keyword}, too many arguments`);
  });

  it.each(['ENV', 'LABEL'])('%s with a blank name', (keyword) => {
    const error = buildErrorOf(() => parseInstruction(nodeOf(keyword, { args: ['', 'arg2', '='] })));
    expect(error.message).toBe(`${keyword} names can not be blank`);
  });

  it('joins shell-form HEALTHCHECK words', () => {
    const hc = parseInstruction(nodeOf('HEALTHCHECK', { args: ['CMD', 'hello', 'world'] }));
    expect(hc).toMatchObject({ kind: 'healthcheck', health: { test: ['CMD-SHELL', 'hello world'] } });
  });

  it('records the flags a RUN used', () => {
    expect(commandOf('RUN --mount=type=tmpfs,target=/foo/ echo hello')).toMatchObject({ flagsUsed: ['mount'] });
  });
});

describe('robustness', () => {
  const keyword = fc.constantFrom(...INSTRUCTION_KINDS.map((k) => k.toUpperCase()));
  const word = fc.constantFrom(
    'a', 'b c', '0', 'foo=bar', '--link', '--from=x', '--mount=type=cache', '--mount=type=secret', '--network=host',
    '--interval=5s', '--retries=x', 'AS', 'as', 'NONE', 'CMD', '["x"]', '[]', '"q"', '<<EOF', '$X', '=', '\\',
  );
  it('only ever throws located BuildErrors, whatever the instruction line', () => {
    fc.assert(
      fc.property(keyword, fc.array(word, { maxLength: 5 }), (kw, words) => {
        const line = [kw, ...words].join(' ');
        let text = `FROM busybox\n${line}\n`;
        if (line.includes('<<EOF')) text += 'body\nEOF\n';
        try {
          stagesOf(text);
        } catch (error) {
          if (!isBuildError(error)) throw error;
          expect(error.locations.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
