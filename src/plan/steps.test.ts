import { describe, expect, it } from 'vitest';
import { parseStages } from '../dockerfile/instructions/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import type { Platform } from '../oci/index.js';
import { planBuild } from './index.js';
import type { BuildPlan, PlanOptions, PlanStep, PlannedInstruction } from './index.js';

const host: Platform = { os: 'linux', architecture: 'amd64' };

function plan(lines: readonly string[], options: Partial<PlanOptions> = {}): BuildPlan {
  const ast = parseDockerfile(lines.join('\n') + '\n');
  return planBuild(parseStages(ast), { hostPlatform: host, escapeChar: ast.escapeChar, ...options });
}

function steps(p: BuildPlan, stage = p.target): readonly PlanStep[] {
  return p.stages[stage]?.steps ?? [];
}

/** The planned instruction of the last step of the target stage. */
function last(lines: readonly string[], options: Partial<PlanOptions> = {}): PlannedInstruction {
  const all = steps(plan(lines, options));
  const step = all[all.length - 1];
  if (step === undefined) throw new Error('no steps');
  return step.instruction;
}

describe('progress labels and numbering (BuildKit)', () => {
  it('numbers FROM, WORKDIR, COPY and RUN per stage and names unnamed stages stage-N', () => {
    const p = plan([
      'FROM node:18 AS builder',
      'WORKDIR /app',
      'COPY package*.json ./',
      'RUN npm install',
      'COPY . .',
      'FROM node:18-slim',
      'WORKDIR /app',
      'COPY --from=builder /app/node_modules ./node_modules',
      'EXPOSE 3000',
      'CMD ["node", "app.js"]',
    ]);
    expect(steps(p, 0).map((s) => s.label)).toEqual([
      '[builder 1/5] FROM docker.io/library/node:18',
      '[builder 2/5] WORKDIR /app',
      '[builder 3/5] COPY package*.json ./',
      '[builder 4/5] RUN npm install',
      '[builder 5/5] COPY . .',
    ]);
    expect(steps(p, 1).map((s) => [s.number, s.label])).toEqual([
      [1, '[stage-1 1/3] FROM docker.io/library/node:18-slim'],
      [2, '[stage-1 2/3] WORKDIR /app'],
      [3, '[stage-1 3/3] COPY --from=builder /app/node_modules ./node_modules'],
      [undefined, 'EXPOSE 3000/tcp'],
      [undefined, 'CMD ["node", "app.js"]'],
    ]);
  });

  it('leaves the stage out of the labels of a single-stage build', () => {
    expect(steps(plan(['FROM alpine', 'RUN true'])).map((s) => s.label)).toEqual([
      '[1/2] FROM docker.io/library/alpine:latest',
      '[2/2] RUN true',
    ]);
  });

  it('names the stage when a single stage also reads an image (BuildKit counts it as a state)', () => {
    expect(steps(plan(['FROM alpine', 'COPY --from=busybox /bin/sh /sh'])).map((s) => s.label)).toEqual([
      '[stage-0 1/2] FROM docker.io/library/alpine:latest',
      '[stage-0 2/2] COPY --from=busybox /bin/sh /sh',
    ]);
  });

  it('pads numbers to the width of the total', () => {
    const lines = ['FROM alpine', ...Array.from({ length: 10 }, (_, i) => `RUN echo ${i}`)];
    const labels = steps(plan(lines)).map((s) => s.label);
    expect(labels[0]).toBe('[ 1/11] FROM docker.io/library/alpine:latest');
    expect(labels[10]).toBe('[11/11] RUN echo 9');
  });

  it('counts WORKDIR / in the total without numbering it, and has no FROM step for scratch or a stage', () => {
    const p = plan(['FROM scratch AS a', 'WORKDIR /', 'COPY x /x', 'FROM a', 'RUN true']);
    expect(steps(p, 0).map((s) => [s.number, s.label])).toEqual([
      [undefined, 'WORKDIR /'],
      [1, '[a 1/2] COPY x /x'],
    ]);
    expect(steps(p, 1).map((s) => s.label)).toEqual(['[stage-1 1/1] RUN true']);
  });

  it('shows RUN with variables in scope substituted and unset ones as written', () => {
    const p = plan(['FROM alpine', 'ARG V=1', 'RUN echo "$V" $UNSET']);
    expect(steps(p)[2]?.label).toBe('[2/2] RUN echo "1" $UNSET');
  });

  it('shows COPY with its words expanded', () => {
    const p = plan(['FROM alpine', 'ARG D=/dst', 'COPY a $D/']);
    expect(steps(p)[2]?.label).toBe('[2/2] COPY a /dst/');
  });
});

describe('what each instruction expands', () => {
  it.each<{ name: string; lines: string[]; expected: Record<string, unknown> }>([
    {
      name: 'COPY: flags, sources and destination; the destination made absolute',
      lines: ['FROM alpine', 'WORKDIR /app', 'ARG U=1000 SRC=src', 'COPY --chown=$U:$U --chmod=0644 $SRC/ ${SRC}2 ./$SRC/'],
      expected: {
        kind: 'copy',
        from: { kind: 'context' },
        sources: ['src/', 'src2'],
        destination: './src/',
        destinationPath: '/app/src/',
        chown: '1000:1000',
        chmod: '0644',
      },
    },
    {
      name: 'COPY: . means into the working directory',
      lines: ['FROM alpine', 'WORKDIR /app', 'COPY . .'],
      expected: { destination: '.', destinationPath: '/app/' },
    },
    {
      name: 'COPY: an absolute destination is kept as written',
      lines: ['FROM alpine', 'WORKDIR /app', 'COPY a /opt/b'],
      expected: { destinationPath: '/opt/b' },
    },
    {
      name: 'COPY --exclude is not expanded',
      lines: ['FROM alpine', 'ARG X=1', 'COPY --exclude=$X . /'],
      expected: { exclude: ['$X'] },
    },
    {
      name: 'COPY heredoc: expanded, quotes kept',
      lines: ['FROM alpine', 'ARG NAME=world', 'COPY <<EOF /greeting', 'hello "$NAME"', 'EOF'],
      expected: { contents: [{ path: 'EOF', data: 'hello "world"\n' }], sources: [] },
    },
    {
      name: 'COPY heredoc with a quoted delimiter: not expanded',
      lines: ['FROM alpine', 'ARG NAME=world', 'COPY <<"EOF" /greeting', 'hello $NAME', 'EOF'],
      expected: { contents: [{ path: 'EOF', data: 'hello $NAME\n' }] },
    },
    {
      name: 'ADD: checksum expanded too',
      lines: ['FROM alpine', 'ARG SUM=sha256:' + 'b'.repeat(64), 'ADD --checksum=$SUM https://example.com/a.tgz /a.tgz'],
      expected: { kind: 'add', checksum: 'sha256:' + 'b'.repeat(64), sources: ['https://example.com/a.tgz'] },
    },
    {
      name: 'ENV: keys and values',
      lines: ['FROM alpine', 'ARG K=NAME', 'ENV ${K}=v "X"="a b"'],
      expected: { kind: 'env', pairs: [{ key: 'NAME', value: 'v' }, { key: 'X', value: 'a b' }] },
    },
    {
      name: 'LABEL: keys and values',
      lines: ['FROM alpine', 'ARG V=1.0', 'LABEL version=$V'],
      expected: { kind: 'label', pairs: [{ key: 'version', value: '1.0' }] },
    },
    {
      name: 'EXPOSE: expanded and split into ports',
      lines: ['FROM alpine', 'ARG PORTS="80 443/udp"', 'EXPOSE $PORTS 8000-8001'],
      expected: { kind: 'expose', ports: ['80/tcp', '443/udp', '8000/tcp', '8001/tcp'] },
    },
    {
      name: 'USER',
      lines: ['FROM alpine', 'ARG UID=1000', 'USER $UID:$UID'],
      expected: { kind: 'user', user: '1000:1000' },
    },
    {
      name: 'VOLUME',
      lines: ['FROM alpine', 'ARG D=/data', 'VOLUME $D /logs'],
      expected: { kind: 'volume', volumes: ['/data', '/logs'] },
    },
    {
      name: 'STOPSIGNAL',
      lines: ['FROM alpine', 'ARG SIG=SIGQUIT', 'STOPSIGNAL $SIG'],
      expected: { kind: 'stopsignal', signal: 'SIGQUIT' },
    },
    {
      name: 'WORKDIR: relative paths join the current directory',
      lines: ['FROM alpine', 'WORKDIR /a', 'ARG B=b', 'WORKDIR $B/../c'],
      expected: { kind: 'workdir', path: 'b/../c', workdir: '/a/c' },
    },
    {
      name: 'RUN: the command is not expanded; shell form gets the shell',
      lines: ['FROM alpine', 'ARG V=1', 'RUN echo $V'],
      expected: { kind: 'run', args: ['/bin/sh', '-c', 'echo $V'], shellForm: true },
    },
    {
      name: 'RUN: exec form as written',
      lines: ['FROM alpine', 'RUN ["echo", "$V"]'],
      expected: { args: ['echo', '$V'], shellForm: false },
    },
    {
      name: 'RUN: SHELL changes the shell',
      lines: ['FROM alpine', 'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]', 'RUN a | b'],
      expected: { args: ['/bin/bash', '-eo', 'pipefail', '-c', 'a | b'] },
    },
    {
      name: 'RUN: USER in effect',
      lines: ['FROM alpine', 'USER nobody', 'RUN id'],
      expected: { user: 'nobody' },
    },
    {
      name: 'RUN heredoc: the body is the command',
      lines: ['FROM alpine', 'RUN <<EOF', 'echo one', 'echo two', 'EOF'],
      expected: { args: ['/bin/sh', '-c', 'echo one\necho two\n'] },
    },
    {
      name: 'RUN heredoc with #!: written to a file and executed',
      lines: ['FROM alpine', 'RUN <<EOF', '#!/usr/bin/env python3', 'print(1)', 'EOF'],
      expected: { args: ['/bin/sh', '-c', '/dev/pipes/EOF'], scriptFile: { path: '/dev/pipes/EOF', data: '#!/usr/bin/env python3\nprint(1)\n' } },
    },
    {
      name: 'RUN heredoc fed to a program',
      lines: ['FROM alpine', 'RUN python3 <<EOF', 'print(1)', 'EOF'],
      expected: { args: ['/bin/sh', '-c', 'python3 <<EOF\nprint(1)\nEOF'] },
    },
    {
      name: 'CMD: not expanded, shell form gets the shell',
      lines: ['FROM alpine', 'ARG V=1', 'CMD echo $V'],
      expected: { kind: 'cmd', args: ['/bin/sh', '-c', 'echo $V'], shellForm: true },
    },
    {
      name: 'ENTRYPOINT exec form',
      lines: ['FROM alpine', 'ENTRYPOINT ["/app", "$X"]'],
      expected: { kind: 'entrypoint', args: ['/app', '$X'], shellForm: false },
    },
    {
      name: 'HEALTHCHECK: not expanded',
      lines: ['FROM alpine', 'HEALTHCHECK --interval=5s CMD curl -f http://localhost/$P'],
      expected: { kind: 'healthcheck', health: { test: ['CMD-SHELL', 'curl -f http://localhost/$P'], interval: 5_000_000_000 } },
    },
  ])('$name', ({ lines, expected }) => {
    expect(last(lines)).toMatchObject(expected);
  });
});

describe('RUN mounts', () => {
  it('expands mount options, makes targets absolute and records what they read', () => {
    const p = plan([
      'FROM golang AS src',
      'FROM golang',
      'WORKDIR /work',
      'ARG CACHE=gocache',
      'RUN --mount=type=cache,id=$CACHE,target=.cache --mount=type=bind,from=src,source=/go/src,target=/src --mount=type=bind,target=ctx go build',
    ]);
    const step = steps(p).at(-1);
    expect(step?.instruction).toMatchObject({
      kind: 'run',
      mounts: [
        { type: 'cache', id: 'gocache', target: '/work/.cache', sharing: 'shared' },
        { type: 'bind', source: '/go/src', target: '/src', origin: { kind: 'stage', stage: 0 } },
        { type: 'bind', source: '/', target: '/work/ctx', origin: { kind: 'context' } },
      ],
    });
    expect(step?.used).toEqual(['CACHE']);
    expect(step?.inputs).toEqual([
      { kind: 'stage', stage: 0, paths: ['/go/src'] },
      { kind: 'context', paths: ['/'] },
    ]);
    expect(p.stages[1]?.dependsOn).toEqual([expect.objectContaining({ stage: 0, via: 'mount' })]);
  });

  it('reads a mount from an image that is no stage', () => {
    const p = plan(['FROM alpine', 'RUN --mount=from=busybox:1.36,target=/bb true']);
    expect(p.stages[0]?.images.map((i) => [i.ref, i.via])).toEqual([['docker.io/library/busybox:1.36', 'mount']]);
    expect(steps(p).at(-1)?.inputs).toEqual([{ kind: 'image', ref: 'docker.io/library/busybox:1.36', paths: ['/'] }]);
  });

  it('keeps secret and ssh mounts with their defaults and no inputs', () => {
    const step = steps(plan(['FROM alpine', 'RUN --mount=type=secret,id=npmrc --mount=type=ssh true'])).at(-1);
    expect(step?.instruction).toMatchObject({
      mounts: [
        { type: 'secret', id: 'npmrc', target: '/run/secrets/npmrc' },
        { type: 'ssh', id: 'default', target: '/run/buildkit/ssh_agent.0' },
      ],
    });
    expect(step?.inputs).toEqual([]);
  });
});

describe('step inputs', () => {
  it.each([
    { line: 'COPY package*.json ./', inputs: [{ kind: 'context', paths: ['/package*.json'] }] },
    { line: 'COPY --from=0 /app/dist ./dist', inputs: [{ kind: 'stage', stage: 0, paths: ['/app/dist'] }] },
    { line: 'COPY --from=nginx:1 /etc/nginx /etc/nginx', inputs: [{ kind: 'image', ref: 'docker.io/library/nginx:1', paths: ['/etc/nginx'] }] },
    {
      line: 'ADD https://example.com/x.tgz git@github.com:o/r.git local.tar /',
      inputs: [
        { kind: 'context', paths: ['/local.tar'] },
        { kind: 'url', url: 'https://example.com/x.tgz' },
        { kind: 'git', url: 'git@github.com:o/r.git' },
      ],
    },
    { line: 'WORKDIR /app', inputs: [] },
  ])('$line', ({ line, inputs }) => {
    expect(steps(plan(['FROM alpine AS a', 'FROM alpine', line])).at(-1)?.inputs).toEqual(inputs);
  });
});

describe('escape directive', () => {
  it('expands with the backtick escape when the Dockerfile chose it', () => {
    const p = plan(['# escape=`', 'FROM alpine', 'ARG V=1', 'LABEL a=`$V b=$V']);
    expect(steps(p).at(-1)?.instruction).toEqual({ kind: 'label', pairs: [{ key: 'a', value: '$V' }, { key: 'b', value: '1' }] });
  });
});
