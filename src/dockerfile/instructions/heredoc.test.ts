import { describe, expect, it } from 'vitest';
import type { InstructionNode } from '../syntax/index.js';
import type { Instruction } from './instruction.js';
import { nodeOf } from './node-fixture.js';
import { parseInstruction } from './parse-instruction.js';
import { runHeredoc } from './run.js';
import { buildErrorOf, commandOf } from './test-support.js';

function expectKind<K extends Instruction['kind']>(instruction: Instruction, kind: K): Extract<Instruction, { kind: K }> {
  expect(instruction.kind).toBe(kind);
  return instruction as Extract<Instruction, { kind: K }>;
}

describe('heredocs on RUN', () => {
  it('carries a heredoc that is the whole command as a script', () => {
    const run = expectKind(commandOf('RUN <<EOF\napt-get update\napt-get install -y curl\nEOF'), 'run');
    expect(run.command).toEqual({
      args: ['<<EOF'],
      prependShell: true,
      files: [{ name: 'EOF', data: 'apt-get update\napt-get install -y curl\n', chomp: false, expand: true, fileDescriptor: 0 }],
    });
    expect(runHeredoc(run.command)).toEqual({ kind: 'script', file: run.command.files[0], shebang: false });
  });

  it('marks a script with a shebang', () => {
    const run = expectKind(commandOf('RUN <<-"EOT"\n\t#!/usr/bin/env python3\n\tprint("hi")\n\tEOT'), 'run');
    const heredoc = runHeredoc(run.command);
    expect(heredoc).toMatchObject({ kind: 'script', shebang: true, file: { chomp: true, expand: false, data: '#!/usr/bin/env python3\nprint("hi")\n' } });
  });

  it('feeds heredocs to a program through the shell', () => {
    const run = expectKind(commandOf('RUN python3 <<PY > /out && cat 3<<X\nprint(1)\nPY\nthree\nX'), 'run');
    expect(run.command.files.map((f) => [f.name, f.fileDescriptor])).toEqual([['PY', 0], ['X', 3]]);
    expect(runHeredoc(run.command)).toEqual({
      kind: 'fed',
      script: 'python3 <<PY > /out && cat 3<<X\nprint(1)\nPY\nthree\nX',
    });
  });

  it('has no heredoc plan without heredocs', () => {
    expect(runHeredoc(expectKind(commandOf('RUN echo "<<EOF is text"'), 'run').command)).toBeUndefined();
  });

  it('refuses heredoc bodies on an exec-form RUN', () => {
    const node = nodeOf('RUN', { args: ['cat'], json: true, heredocs: [{ name: 'EOF', content: 'x\n', expand: true, chomp: false, fileDescriptor: 0 }] });
    expect(buildErrorOf(() => parseInstruction(node)).code).toBe('INVALID_INSTRUCTION');
  });
});

describe('heredocs on COPY and ADD', () => {
  it('turns heredoc sources into inline files, keeping path sources apart', () => {
    const copy = expectKind(commandOf('COPY --chmod=755 <<run.sh ./other <<"conf" /app/\n#!/bin/sh\necho $HOME\nrun.sh\nkey=$VALUE\nconf'), 'copy');
    expect(copy.sources).toEqual(['./other']);
    expect(copy.contents).toEqual([
      { path: 'run.sh', data: '#!/bin/sh\necho $HOME\n', expand: true },
      { path: 'conf', data: 'key=$VALUE\n', expand: false },
    ]);
    expect(copy.destination).toBe('/app/');
    expect(copy.chmod).toBe('755');
  });

  it('strips tabs for <<- on ADD', () => {
    const add = expectKind(commandOf('ADD <<-EOF /etc/motd\n\thello\n\tEOF'), 'add');
    expect(add.contents).toEqual([{ path: 'EOF', data: 'hello\n', expand: true }]);
    expect(add.sources).toEqual([]);
  });
});

describe('ONBUILD', () => {
  it('keeps the trigger text and parses the trigger', () => {
    const onbuild = expectKind(commandOf('ONBUILD COPY --chown=app . /src'), 'onbuild');
    expect(onbuild.expression).toBe('COPY --chown=app . /src');
    expect(onbuild.trigger.keyword).toBe('copy');
    expect(onbuild.instruction).toMatchObject({ kind: 'copy', chown: 'app', sources: ['.'], destination: '/src' });
    expect(onbuild.triggerError).toBeUndefined();
  });

  it('appends heredoc bodies to the trigger text and hands them to the trigger', () => {
    const onbuild = expectKind(commandOf('onbuild RUN <<EOF\necho hi\nEOF'), 'onbuild');
    expect(onbuild.expression).toBe('RUN <<EOF\necho hi\nEOF');
    const run = expectKind(onbuild.instruction!, 'run');
    expect(run.command.files.map((f) => f.data)).toEqual(['echo hi\n']);
  });

  it('does not fail on a trigger that would fail later (as BuildKit)', () => {
    const onbuild = expectKind(commandOf('ONBUILD COPY --frm=x a b'), 'onbuild');
    expect(onbuild.instruction).toBeUndefined();
    expect(onbuild.triggerError?.message).toBe('unknown flag: --frm');
  });

  it.each([
    ['ONBUILD', "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"],
    ['FROM', "FROM isn't allowed as an ONBUILD trigger"],
    ['MAINTAINER', "MAINTAINER isn't allowed as an ONBUILD trigger"],
  ])('rejects ONBUILD %s', (keyword, message) => {
    const nested: InstructionNode = nodeOf(keyword, { args: ['x'] });
    const node = nodeOf('ONBUILD', { args: [keyword, 'x'], nested });
    const error = buildErrorOf(() => parseInstruction(node));
    expect(error.code).toBe('INVALID_INSTRUCTION');
    expect(error.message).toBe(message);
  });
});
