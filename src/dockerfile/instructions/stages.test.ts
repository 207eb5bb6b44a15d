import { describe, expect, it } from 'vitest';
import type { DockerfileAst } from '../syntax/index.js';
import { nodeOf } from './node-fixture.js';
import { parseStages } from './parse-stages.js';
import { buildErrorOf, stagesOf, whereOf } from './test-support.js';

describe('parseStages', () => {
  it('splits meta args, stages and their commands', () => {
    const parsed = stagesOf(
      [
        'ARG BASE=debian:bookworm',
        'ARG TAG',
        'FROM --platform=$BUILDPLATFORM ${BASE} AS Build',
        'ARG TAG',
        'RUN make',
        'FROM scratch',
        'COPY --from=build /out /',
        'FROM build AS test.unit-1_x',
        'RUN make test',
        '',
      ].join('\n'),
    );
    expect(parsed.metaArgs.map((a) => a.args.map((d) => d.key))).toEqual([['BASE'], ['TAG']]);
    expect(parsed.stages.map((s) => [s.index, s.name, s.from.image, s.commands.map((c) => c.kind)])).toEqual([
      [0, 'build', '${BASE}', ['arg', 'run']],
      [1, undefined, 'scratch', ['copy']],
      [2, 'test.unit-1_x', 'build', ['run']],
    ]);
    const [first] = parsed.stages;
    expect(first?.from).toMatchObject({ platform: '$BUILDPLATFORM', stageNameText: 'Build', asKeyword: 'AS' });
    expect(first?.range.start.line).toBe(3);
  });

  it('reads doc comments for stages and args', () => {
    const parsed = stagesOf('# VERSION the release to build\nARG VERSION=1\n# base the shared base stage\nFROM alpine AS base\n');
    expect(parsed.metaArgs[0]?.args[0]?.description).toBe('the release to build');
    expect(parsed.stages[0]?.description).toBe('the shared base stage');
  });

  it.each([
    ['RUN echo hi\nFROM x\n', 'NO_FROM', '1:1'],
    ['ARG A\n\nENV B=1\nFROM x\n', 'NO_FROM', '3:1'],
    ['ARG A\nARG B\n', 'NO_FROM', '2:1'],
    ['FROM a AS x\nRUN true\nFROM b AS X\n', 'DUPLICATE_STAGE', '3:1'],
    ['FROM a AS x\nCOPY --fro=x a b\nFROM a AS x\n', 'UNKNOWN_FLAG', '2:6'],
  ])('%j -> %s at %s', (text, code, where) => {
    const error = buildErrorOf(() => stagesOf(text));
    expect(error.code).toBe(code);
    expect(whereOf(error)).toBe(where);
  });

  it('says what is wrong before the first FROM', () => {
    const error = buildErrorOf(() => stagesOf('WORKDIR /x\nFROM y\n'));
    expect(error.message).toBe('no build stage in current context: WORKDIR comes before the first FROM');
    expect(error.hint).toBe('start the Dockerfile with FROM <image>; only ARG may come before the first FROM');
    const none = buildErrorOf(() => stagesOf('ARG A\n'));
    expect(none.message).toBe('dockerfile contains no stages to build');
  });

  it('points a duplicate stage at both definitions, unless duplicates are allowed', () => {
    const text = 'FROM a AS dup\nFROM b\nFROM c AS DUP\n';
    const error = buildErrorOf(() => stagesOf(text));
    expect(error.message).toBe('duplicate stage name "dup"');
    expect(error.locations.map((r) => r.start.line)).toEqual([3, 1]);
    expect(error.hint).toContain('line 1');
    const parsed = stagesOf(text, { allowDuplicateStageNames: true });
    expect(parsed.stages.map((s) => s.name)).toEqual(['dup', undefined, 'dup']);
  });

  it('treats an empty instruction list as an empty Dockerfile', () => {
    const ast: DockerfileAst = { directives: [], escapeChar: '\\', instructions: [], warnings: [] };
    expect(buildErrorOf(() => parseStages(ast)).code).toBe('DOCKERFILE_EMPTY');
  });

  it('rejects an unknown instruction in a hand-built tree, with a hint', () => {
    const ast: DockerfileAst = {
      directives: [],
      escapeChar: '\\',
      instructions: [nodeOf('FROM', { args: ['x'] }), nodeOf('CPOY', { args: ['a', 'b'], line: 2 })],
      warnings: [],
    };
    const error = buildErrorOf(() => parseStages(ast));
    expect(error.code).toBe('UNKNOWN_INSTRUCTION');
    expect(error.message).toBe('unknown instruction: CPOY');
    expect(error.hint).toBe('did you mean COPY?');
    expect(whereOf(error)).toBe('2:1');
  });
});
