import { describe, expect, it } from 'vitest';
import { parseStages } from '../dockerfile/instructions/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import { isBuildError } from '../errors/index.js';
import type { BuildError } from '../errors/index.js';
import type { Platform } from '../oci/index.js';
import { planBuild } from './index.js';
import type { BuildPlan, PlanOptions } from './index.js';

const host: Platform = { os: 'linux', architecture: 'amd64' };

function plan(lines: readonly string[], options: Partial<PlanOptions> = {}): BuildPlan {
  const ast = parseDockerfile(lines.join('\n') + '\n');
  return planBuild(parseStages(ast), { hostPlatform: host, escapeChar: ast.escapeChar, ...options });
}

function planError(lines: readonly string[], options: Partial<PlanOptions> = {}): BuildError {
  try {
    plan(lines, options);
  } catch (error) {
    if (isBuildError(error)) return error;
    throw error;
  }
  throw new Error('expected the plan to fail');
}

const needed = (p: BuildPlan): number[] => p.stages.filter((s) => s.needed).map((s) => s.index);

describe('stage bases', () => {
  it.each([
    { from: 'FROM alpine AS a\nFROM a', base: { kind: 'stage', stage: 0 } },
    { from: 'FROM alpine AS Builder\nFROM BUILDER', base: { kind: 'stage', stage: 0 } },
    { from: 'FROM alpine\nFROM 0', base: { kind: 'image', image: '0', ref: 'docker.io/library/0:latest' } },
    { from: 'FROM alpine\nFROM scratch', base: { kind: 'scratch' } },
    { from: 'FROM alpine\nFROM localhost:5000/x/y@sha256:' + 'a'.repeat(64), base: { kind: 'image', ref: 'localhost:5000/x/y@sha256:' + 'a'.repeat(64) } },
  ])('$from', ({ from, base }) => {
    expect(plan(from.split('\n')).stages[1]?.base).toMatchObject(base);
  });

  it('takes FROM <own name> as an image (the name is not yet defined)', () => {
    const p = plan(['FROM node AS node', 'RUN true']);
    expect(p.stages[0]?.base).toEqual({ kind: 'image', image: 'node', ref: 'docker.io/library/node:latest' });
    expect(p.warnings).toEqual([]);
  });

  it('takes FROM <later stage> as an image, with a warning, as BuildKit does', () => {
    const p = plan(['FROM later AS first', 'FROM alpine AS later', 'COPY --from=first / /']);
    expect(p.stages[0]?.base).toMatchObject({ kind: 'image', ref: 'docker.io/library/later:latest' });
    expect(p.warnings.map((w) => [w.code, w.range?.start.line])).toEqual([['FROM_LATER_STAGE', 1]]);
  });

  it.each([
    { lines: ['ARG IMG', 'FROM $IMG'], code: 'INVALID_INSTRUCTION', message: 'base name ($IMG) should not be blank', line: 2 },
    { lines: ['FROM alpine', 'FROM Alpine:3'], code: 'INVALID_REFERENCE', line: 2 },
    { lines: ['FROM --platform=$NOPE alpine'], code: 'INVALID_FLAG_VALUE', message: 'empty platform value from expression $NOPE', line: 1 },
    { lines: ['FROM --platform=linux alpine'], code: 'INVALID_FLAG_VALUE', message: 'failed to parse platform linux', line: 1 },
    { lines: ['ARG V=${X:?need X}', 'FROM alpine'], code: 'EXPANSION_FAILED', line: 1 },
  ])('rejects $lines with $code at line $line', ({ lines, code, message, line }) => {
    const error = planError(lines);
    expect(error.code).toBe(code);
    if (message !== undefined) expect(error.message).toBe(message);
    expect(error.locations.at(-1)?.start.line).toBe(line);
  });
});

describe('stage graph', () => {
  const file = [
    'FROM alpine AS base', //             0
    'RUN make',
    'FROM base AS test', //               1
    'RUN make test',
    'FROM golang AS tools', //            2
    'FROM alpine AS final', //            3
    'COPY --from=base /out /out',
    'COPY --from=2 /go/bin/tool /bin/',
    'COPY --from=busybox:1.36 /bin/busybox /bin/',
    'RUN --mount=type=bind,from=test,target=/t true',
  ];

  it('records each dependency with how and where it was made', () => {
    const p = plan(file);
    expect(p.stages[1]?.base).toEqual({ kind: 'stage', stage: 0 });
    expect(p.stages[3]?.dependsOn.map((d) => [d.stage, d.via, d.range.start.line])).toEqual([
      [0, 'copy', 7],
      [2, 'copy', 8],
      [1, 'mount', 10],
    ]);
    expect(p.stages[3]?.images.map((i) => [i.ref, i.via, i.range.start.line])).toEqual([
      ['docker.io/library/busybox:1.36', 'copy', 9],
    ]);
  });

  it('schedules waves and the critical path', () => {
    const p = plan(file);
    expect(p.waves).toEqual([[0, 2], [1], [3]]);
    expect(p.stages.map((s) => s.wave)).toEqual([0, 1, 0, 2]);
    expect(p.criticalPath).toEqual([0, 1, 3]);
  });

  it('prunes to the stages the target needs, and says why the others are skipped', () => {
    const p = plan(file, { target: 'TEST' });
    expect(p.target).toBe(1);
    expect(needed(p)).toEqual([0, 1]);
    expect(p.stages[2]?.skipReason).toBe('comes after the target stage "test"');
    expect(p.stages[3]?.skipReason).toBe('comes after the target stage "test"');
    expect(p.stages[3]?.steps).toEqual([]);
    expect(p.waves).toEqual([[0], [1]]);
  });

  it('finds an unused broken stage skipped by the default target', () => {
    const p = plan(['FROM alpine AS broken', 'RUN exit 1', 'WORKDIR ${X:?never expanded}', 'FROM alpine AS release', 'RUN echo ok']);
    expect(needed(p)).toEqual([1]);
    expect(p.stages[0]?.skipReason).toBe('the target stage "release" does not need it');
  });

  it('follows --from by index and pulls a name that is no stage as an image', () => {
    const p = plan(['FROM alpine AS builder', 'FROM alpine', 'COPY --from=0 /a /a', 'COPY --from=buidler /b /b']);
    expect(p.stages[1]?.dependsOn.map((d) => d.stage)).toEqual([0]);
    expect(p.stages[1]?.images.map((i) => i.ref)).toEqual(['docker.io/library/buidler:latest']);
    const warning = p.warnings.find((w) => w.code === 'FROM_UNKNOWN_STAGE');
    expect(warning?.message).toContain('did you mean "builder"?');
    expect(warning?.range?.start.line).toBe(4);
  });

  it('treats --from=scratch as the empty source', () => {
    const p = plan(['FROM alpine', 'COPY --from=scratch / /']);
    expect(p.stages[0]?.images).toEqual([]);
    expect(p.stages[0]?.steps[1]?.instruction).toMatchObject({ kind: 'copy', from: { kind: 'scratch' } });
  });
});

describe('graph errors', () => {
  it.each([
    {
      name: 'a COPY from a later stage the target needs',
      lines: ['FROM alpine AS a', 'COPY --from=b /x /x', 'FROM alpine AS b', 'FROM a'],
      code: 'UNKNOWN_STAGE',
      message: 'cannot copy from stage "b", it needs to be defined before current stage "a"',
      lines_: [2],
    },
    {
      name: 'a mount from a later stage',
      lines: ['FROM alpine AS a', 'RUN --mount=from=b,target=/b true', 'FROM alpine AS b', 'FROM a'],
      code: 'UNKNOWN_STAGE',
      message: 'cannot mount from stage "b" to "/b", stage needs to be defined before current command',
      lines_: [2],
    },
    {
      name: 'a COPY from itself',
      lines: ['FROM alpine AS a', 'COPY --from=a /x /y'],
      code: 'STAGE_CYCLE',
      message: 'circular dependency detected on stage: a',
      lines_: [2],
    },
    {
      name: 'two stages copying from each other',
      lines: ['FROM alpine AS a', 'COPY --from=b /x /x', 'FROM alpine AS b', 'COPY --from=a /y /y'],
      code: 'STAGE_CYCLE',
      message: 'circular dependency detected on stage: a',
      lines_: [2, 4],
    },
    {
      name: 'a stage index that does not exist',
      lines: ['FROM alpine', 'FROM alpine', 'COPY --from=5 /x /x'],
      code: 'UNKNOWN_STAGE',
      message: 'invalid stage index 5',
      lines_: [3],
    },
    {
      name: 'a variable in --from',
      lines: ['FROM alpine', 'ARG SRC=x', 'COPY --from=$SRC /x /x'],
      code: 'INVALID_FLAG_VALUE',
      lines_: [3],
    },
    {
      name: 'an expansion error in a needed stage',
      lines: ['FROM alpine', 'RUN true', 'WORKDIR ${DIR:?DIR must be set}'],
      code: 'EXPANSION_FAILED',
      lines_: [3],
    },
    {
      name: 'an invalid STOPSIGNAL',
      lines: ['FROM alpine', 'STOPSIGNAL SIGBOGUS'],
      code: 'INVALID_INSTRUCTION',
      message: 'Invalid signal: SIGBOGUS',
      lines_: [2],
    },
    {
      name: 'an invalid EXPOSE port',
      lines: ['FROM alpine', 'ARG P=99999', 'EXPOSE $P'],
      code: 'INVALID_INSTRUCTION',
      message: 'invalid containerPort: 99999',
      lines_: [3],
    },
    {
      name: 'a mount at /',
      lines: ['FROM alpine', 'RUN --mount=type=cache,target=/ true'],
      code: 'INVALID_FLAG_VALUE',
      message: 'invalid mount target "/"',
      lines_: [2],
    },
  ])('$name', ({ lines, code, message, lines_ }) => {
    const error = planError(lines, { file: 'Dockerfile' });
    expect(error.code).toBe(code);
    if (message !== undefined) expect(error.message).toBe(message);
    expect(error.locations.map((l) => l.start.line)).toEqual(expect.arrayContaining(lines_));
    expect(error.file).toBe('Dockerfile');
  });

  it('does not report a later-stage COPY in a stage the target does not need', () => {
    const p = plan(['FROM alpine AS a', 'COPY --from=b /x /x', 'FROM alpine AS b']);
    expect(needed(p)).toEqual([1]);
  });

  it('keeps the exact range of an expansion error and appends the instruction', () => {
    const error = planError(['FROM alpine', 'RUN --mount=type=cache,target=/c,id=${ID:?need ID} true']);
    expect(error.code).toBe('EXPANSION_FAILED');
    expect(error.locations.length).toBeGreaterThanOrEqual(2);
    expect(error.locations.every((l) => l.start.line === 2)).toBe(true);
  });
});

describe('target', () => {
  it.each([
    { target: undefined, index: 2 },
    { target: 'build', index: 1 },
    { target: 'BUILD', index: 1 },
  ])('--target $target is stage $index', ({ target, index }) => {
    const p = plan(['FROM alpine AS deps', 'FROM deps AS build', 'FROM alpine AS prod'], target === undefined ? {} : { target });
    expect(p.target).toBe(index);
  });

  it('rejects an unknown target with a suggestion', () => {
    const error = planError(['FROM alpine AS deps', 'FROM deps AS build'], { target: 'biuld' });
    expect(error.code).toBe('UNKNOWN_TARGET');
    expect(error.message).toBe('target stage "biuld" could not be found');
    expect(error.hint).toContain('did you mean "build"?');
  });
});

describe('ONBUILD triggers of a base stage', () => {
  const lines = [
    'FROM alpine AS assets',
    'RUN make assets',
    'FROM alpine AS base',
    'ONBUILD COPY --from=assets /assets /assets',
    'ONBUILD RUN echo triggered',
    'FROM base AS app',
    'RUN echo app',
  ];

  it('makes the trigger\'s --from a dependency of the child stage', () => {
    const p = plan(lines);
    expect(needed(p)).toEqual([0, 1, 2]);
    expect(p.stages[2]?.dependsOn).toEqual([expect.objectContaining({ stage: 0, via: 'onbuild' })]);
    expect(p.stages[1]?.dependsOn).toEqual([]);
    expect(p.waves).toEqual([[0, 1], [2]]);
  });

  it('runs the triggers first, numbered with the stage\'s steps, located at the child FROM', () => {
    const steps = plan(lines).stages[2]?.steps ?? [];
    expect(steps.map((s) => [s.label, s.onbuild, s.range.start.line])).toEqual([
      ['[app 1/3] ONBUILD COPY --from=assets /assets /assets', true, 6],
      ['[app 2/3] ONBUILD RUN echo triggered', true, 6],
      ['[app 3/3] RUN echo app', false, 7],
    ]);
  });

  it('stores the trigger in the base stage without running it there', () => {
    const steps = plan(lines).stages[1]?.steps ?? [];
    expect(steps.map((s) => s.instruction.kind)).toEqual(['from', 'onbuild', 'onbuild']);
    expect(steps[1]?.instruction).toEqual({ kind: 'onbuild', expression: 'COPY --from=assets /assets /assets' });
  });

  it('runs the ONBUILD triggers of a base image when the caller knows its config', () => {
    const p = plan(['FROM alpine AS assets', 'FROM node-onbuild:18 AS app', 'RUN npm test'], {
      baseImage: (ref) =>
        ref === 'docker.io/library/node-onbuild:18' ? { onBuild: ['COPY --from=assets /a /a', 'RUN npm install'] } : undefined,
    });
    expect(p.stages[1]?.dependsOn).toEqual([expect.objectContaining({ stage: 0, via: 'onbuild' })]);
    expect(p.stages[1]?.steps.map((s) => [s.label, s.range.start.line])).toEqual([
      ['[app 1/4] FROM docker.io/library/node-onbuild:18', 2],
      ['[app 2/4] ONBUILD COPY --from=assets /a /a', 2],
      ['[app 3/4] ONBUILD RUN npm install', 2],
      ['[app 4/4] RUN npm test', 3],
    ]);
  });

  it.each([
    { trigger: 'FROM alpine', message: "FROM isn't allowed as an ONBUILD trigger" },
    { trigger: 'MAINTAINER me', message: "MAINTAINER isn't allowed as an ONBUILD trigger" },
    { trigger: 'NOPE x', message: 'unknown instruction' },
  ])('rejects the image trigger $trigger at the FROM', ({ trigger, message }) => {
    const error = planError(['FROM img', 'RUN true'], { baseImage: () => ({ onBuild: [trigger] }) });
    expect(error.code).toBe('INVALID_INSTRUCTION');
    expect(error.message.toLowerCase()).toContain(message.toLowerCase());
    expect(error.locations.map((l) => l.start.line)).toEqual([1]);
  });

  it('does not run the triggers of a base the target does not need', () => {
    const p = plan(['FROM img AS unused', 'FROM alpine'], {
      baseImage: (ref) => (ref === 'docker.io/library/img:latest' ? { onBuild: ['NOPE'] } : undefined),
    });
    expect(p.stages[0]?.needed).toBe(false);
  });
});
