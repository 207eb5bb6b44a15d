import { describe, expect, it } from 'vitest';
import { parseStages } from '../dockerfile/instructions/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import type { Platform } from '../oci/index.js';
import { planBuild } from './index.js';
import type { BuildPlan, PlanOptions, PlanStep } from './index.js';

const host: Platform = { os: 'linux', architecture: 'amd64' };

function plan(lines: readonly string[], options: Partial<PlanOptions> = {}): BuildPlan {
  const ast = parseDockerfile(lines.join('\n') + '\n');
  return planBuild(parseStages(ast), { hostPlatform: host, escapeChar: ast.escapeChar, ...options });
}

function targetSteps(p: BuildPlan): readonly PlanStep[] {
  return p.stages[p.target]?.steps ?? [];
}

/** The value of label `key` set by the target stage's LABEL steps (the probe most cases use). */
function label(p: BuildPlan, key: string): string | undefined {
  let value: string | undefined;
  for (const step of targetSteps(p)) {
    if (step.instruction.kind !== 'label') continue;
    for (const pair of step.instruction.pairs) if (pair.key === key) value = pair.value;
  }
  return value;
}

function lastRun(p: BuildPlan) {
  const runs = targetSteps(p).flatMap((s) => (s.instruction.kind === 'run' ? [s.instruction] : []));
  const run = runs[runs.length - 1];
  if (run === undefined) throw new Error('no RUN in the target stage');
  return run;
}

const args = (entries: Record<string, string>): ReadonlyMap<string, string> => new Map(Object.entries(entries));

describe('ARG and ENV scoping (BuildKit rules)', () => {
  it.each([
    {
      rule: 'an ARG before FROM is not visible inside a stage',
      lines: ['ARG V=1', 'FROM alpine', 'LABEL x=$V'],
      expected: '',
    },
    {
      rule: 'a bare ARG inside the stage takes the global default',
      lines: ['ARG V=1', 'FROM alpine', 'ARG V', 'LABEL x=$V'],
      expected: '1',
    },
    {
      rule: '--build-arg overrides the global default, also when re-declared',
      lines: ['ARG V=1', 'FROM alpine', 'ARG V', 'LABEL x=$V'],
      buildArgs: { V: '2' },
      expected: '2',
    },
    {
      rule: 're-declaring with its own default ignores the global one',
      lines: ['ARG V=1', 'FROM alpine', 'ARG V=3', 'LABEL x=$V'],
      expected: '3',
    },
    {
      rule: '--build-arg overrides a stage ARG default',
      lines: ['FROM alpine', 'ARG V=1', 'LABEL x=$V'],
      buildArgs: { V: '9' },
      expected: '9',
    },
    {
      rule: 'an ARG is in scope only from its declaration on',
      lines: ['FROM alpine', 'LABEL x=$V', 'ARG V=1'],
      expected: '',
    },
    {
      rule: 'a bare ARG without value or global stays unset',
      lines: ['FROM alpine', 'ARG V', 'LABEL x=${V-unset}'],
      expected: 'unset',
    },
    {
      rule: 'ENV after ARG of the same name wins',
      lines: ['FROM alpine', 'ARG V=arg', 'ENV V=env', 'LABEL x=$V'],
      expected: 'env',
    },
    {
      rule: 'ENV after ARG wins even over a --build-arg',
      lines: ['FROM alpine', 'ARG V', 'ENV V=env', 'LABEL x=$V'],
      buildArgs: { V: 'given' },
      expected: 'env',
    },
    {
      rule: 'an ARG with a value after ENV replaces it for the rest of the stage (BuildKit)',
      lines: ['FROM alpine', 'ENV V=env', 'ARG V=arg', 'LABEL x=$V'],
      expected: 'arg',
    },
    {
      rule: 'a bare ARG after ENV leaves the ENV value',
      lines: ['FROM alpine', 'ENV V=env', 'ARG V', 'LABEL x=$V'],
      expected: 'env',
    },
    {
      rule: 'ENV is inherited through FROM <stage>',
      lines: ['FROM alpine AS one', 'ENV V=1', 'FROM one', 'LABEL x=$V'],
      expected: '1',
    },
    {
      rule: 'ARG values are inherited through FROM <stage> (BuildKit; not the classic builder)',
      lines: ['FROM alpine AS one', 'ARG V=1', 'FROM one', 'LABEL x=$V'],
      expected: '1',
    },
    {
      rule: 'an ARG of a sibling stage is not visible',
      lines: ['FROM alpine AS one', 'ARG V=1', 'FROM alpine', 'LABEL x=$V'],
      expected: '',
    },
    {
      rule: 'ENV pairs of one instruction see the scope before it',
      lines: ['FROM alpine', 'ENV A=0', 'ENV A=1 B=$A', 'LABEL x=$B'],
      expected: '0',
    },
    {
      rule: 'ARG pairs of one instruction see the earlier ones',
      lines: ['FROM alpine', 'ARG A=1 B=${A}2', 'LABEL x=$B'],
      expected: '12',
    },
    {
      rule: 'an ARG default is expanded against the stage scope',
      lines: ['FROM alpine', 'ENV BASE=/opt', 'ARG DIR=$BASE/app', 'LABEL x=$DIR'],
      expected: '/opt/app',
    },
    {
      rule: 'a meta ARG default may use an earlier meta ARG',
      lines: ['ARG A=x', 'ARG B=${A}y', 'FROM alpine', 'ARG B', 'LABEL x=$B'],
      expected: 'xy',
    },
    {
      rule: 'platform ARGs are not visible in a stage without ARG',
      lines: ['FROM alpine', 'LABEL x=${TARGETARCH:-none}'],
      expected: 'none',
    },
    {
      rule: 'ARG TARGETARCH brings the automatic value into the stage',
      lines: ['FROM alpine', 'ARG TARGETARCH', 'LABEL x=$TARGETARCH'],
      platform: { os: 'linux', architecture: 'arm64' },
      expected: 'arm64',
    },
    {
      rule: 'BUILDPLATFORM is the host platform, TARGETPLATFORM the requested one',
      lines: ['FROM alpine', 'ARG BUILDPLATFORM TARGETPLATFORM', 'LABEL x="$BUILDPLATFORM>$TARGETPLATFORM"'],
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
      expected: 'linux/amd64>linux/arm/v7',
    },
    {
      rule: 'TARGETVARIANT is empty for a platform without variant',
      lines: ['FROM alpine', 'ARG TARGETVARIANT', 'LABEL x=${TARGETVARIANT-unset}'],
      expected: '',
    },
    {
      rule: 'a --build-arg of a platform ARG overrides the automatic value',
      lines: ['FROM alpine', 'ARG TARGETOS', 'LABEL x=$TARGETOS'],
      buildArgs: { TARGETOS: 'freebsd' },
      expected: 'freebsd',
    },
    {
      rule: 'TARGETSTAGE names the target',
      lines: ['FROM alpine AS one', 'ARG TARGETSTAGE', 'LABEL x=$TARGETSTAGE', 'FROM alpine AS two'],
      target: 'one',
      expected: 'one',
    },
    {
      rule: 'a meta ARG may redefine a platform ARG',
      lines: ['ARG TARGETARCH=custom', 'FROM alpine', 'ARG TARGETARCH', 'LABEL x=$TARGETARCH'],
      expected: 'custom',
    },
    {
      rule: 'proxy build args are not in the expansion scope without ARG',
      lines: ['FROM alpine', 'LABEL x=${HTTP_PROXY:-none}'],
      buildArgs: { HTTP_PROXY: 'http://proxy:3128' },
      expected: 'none',
    },
    {
      rule: 'a declared proxy ARG takes the --build-arg value',
      lines: ['FROM alpine', 'ARG HTTP_PROXY', 'LABEL x=$HTTP_PROXY'],
      buildArgs: { HTTP_PROXY: 'http://proxy:3128' },
      expected: 'http://proxy:3128',
    },
    {
      rule: 'PATH has its default value in an image without config',
      lines: ['FROM alpine', 'LABEL x=$PATH'],
      expected: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    },
    {
      rule: 'PATH has its default value in scratch too',
      lines: ['FROM scratch', 'LABEL x=$PATH'],
      expected: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    },
  ])('$rule', ({ lines, expected, buildArgs, platform, target }) => {
    const p = plan(lines, {
      ...(buildArgs !== undefined ? { buildArgs: args(buildArgs) } : {}),
      ...(platform !== undefined ? { platform } : {}),
      ...(target !== undefined ? { target } : {}),
    });
    expect(label(p, 'x')).toBe(expected);
  });

  it('expands FROM with the meta ARGs and --build-arg', () => {
    const lines = ['ARG TAG=3.18', 'FROM alpine:$TAG'];
    expect(plan(lines).stages[0]?.base).toEqual({ kind: 'image', image: 'alpine:3.18', ref: 'docker.io/library/alpine:3.18' });
    expect(plan(lines, { buildArgs: args({ TAG: '3.20' }) }).stages[0]?.base).toMatchObject({ image: 'alpine:3.20' });
    expect(plan(lines).stages[0]?.fromArgs).toEqual(['TAG']);
  });

  it('expands FROM with the automatic platform ARGs, and FROM --platform with them', () => {
    const p = plan(['FROM --platform=$BUILDPLATFORM golang:1.21-$TARGETOS AS build'], {
      platform: { os: 'linux', architecture: 'arm64' },
    });
    expect(p.stages[0]?.base).toMatchObject({ image: 'golang:1.21-linux' });
    expect(p.stages[0]?.platform).toBe('linux/amd64');
    expect(p.stages[0]?.fromArgs).toEqual(['BUILDPLATFORM', 'TARGETOS']);
    expect(p.globalArgs.find((a) => a.name === 'TARGETPLATFORM')?.value).toBe('linux/arm64');
  });

  it('uses the base image config (ENV, WORKDIR) when the caller has it', () => {
    const p = plan(['FROM golang:1.21', 'WORKDIR $GOPATH/src', 'RUN go build'], {
      baseImage: (ref) =>
        ref === 'docker.io/library/golang:1.21' ? { env: ['PATH=/go/bin:/usr/bin', 'GOPATH=/go'], workingDir: '/go' } : undefined,
    });
    const steps = targetSteps(p);
    expect(steps[0]?.workdir).toBe('/go');
    expect(steps[1]?.instruction).toEqual({ kind: 'workdir', path: '/go/src', workdir: '/go/src' });
    expect(lastRun(p).env).toEqual(['PATH=/go/bin:/usr/bin', 'GOPATH=/go']);
  });

  it('gives RUN the ARG values in its environment and lists declared ARGs for the history', () => {
    const p = plan(['FROM alpine', 'ARG A=1', 'ARG B', 'ENV C=3', 'RUN echo $A $B $C']);
    const run = lastRun(p);
    expect(run.env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1', 'C=3']);
    expect(run.buildArgs).toEqual(['A=1', 'B=']);
    expect(run.args).toEqual(['/bin/sh', '-c', 'echo $A $B $C']);
  });

  it('passes proxy build args to RUN without declaring them, and keeps them out of the history list', () => {
    const p = plan(['FROM alpine', 'RUN wget x'], { buildArgs: args({ https_proxy: 'http://p:1', HTTP_PROXY: 'http://p:2' }) });
    const run = lastRun(p);
    expect(run.proxyEnv).toEqual(['HTTP_PROXY=http://p:2', 'https_proxy=http://p:1']);
    expect(run.buildArgs).toEqual([]);
    expect(run.env.some((e) => e.includes('proxy') || e.includes('PROXY'))).toBe(false);
    expect(p.warnings).toEqual([]);
  });

  it('lists a declared proxy ARG in the history list', () => {
    const p = plan(['FROM alpine', 'ARG HTTP_PROXY', 'RUN wget x'], { buildArgs: args({ HTTP_PROXY: 'http://p:2' }) });
    expect(lastRun(p).buildArgs).toEqual(['HTTP_PROXY=http://p:2']);
  });

  it('inherits the history ARG list through FROM <stage>', () => {
    const p = plan(['FROM alpine AS base', 'ARG A=1', 'FROM base', 'ARG B=2', 'RUN true']);
    expect(lastRun(p).buildArgs).toEqual(['A=1', 'B=2']);
  });

  it('records the names each step can see and the names it used', () => {
    const p = plan(['FROM alpine', 'ARG A=1', 'ENV B=2', 'WORKDIR /$A/${UNSET:-x}']);
    const workdir = targetSteps(p).find((s) => s.kind === 'workdir');
    expect(workdir?.visible).toEqual(['A', 'B', 'PATH']);
    expect(workdir?.used).toEqual(['A', 'UNSET']);
    expect(workdir?.instruction).toEqual({ kind: 'workdir', path: '/1/x', workdir: '/1/x' });
  });
});

describe('unused --build-arg (docker\'s warning)', () => {
  it.each([
    { name: 'an arg no ARG declares', lines: ['FROM alpine'], buildArgs: { NOPE: '1' }, unused: ['NOPE'] },
    { name: 'an arg a stage ARG declares', lines: ['FROM alpine', 'ARG V'], buildArgs: { V: '1' }, unused: [] },
    { name: 'an arg a meta ARG declares', lines: ['ARG V', 'FROM alpine'], buildArgs: { V: '1' }, unused: [] },
    {
      name: 'an arg only a skipped stage declares',
      lines: ['FROM alpine AS other', 'ARG V', 'FROM alpine AS final'],
      buildArgs: { V: '1' },
      unused: ['V'],
    },
    { name: 'platform and proxy args', lines: ['FROM alpine'], buildArgs: { TARGETARCH: 'x', no_proxy: 'y' }, unused: [] },
    { name: 'several, sorted', lines: ['FROM alpine'], buildArgs: { ZED: '1', ALPHA: '2' }, unused: ['ALPHA', 'ZED'] },
  ])('$name', ({ lines, buildArgs, unused }) => {
    const p = plan(lines, { buildArgs: args(buildArgs) });
    expect(p.buildArgs.filter((a) => !a.consumed).map((a) => a.name)).toEqual(unused);
    const warning = p.warnings.find((w) => w.code === 'UNUSED_BUILD_ARG');
    if (unused.length === 0) expect(warning).toBeUndefined();
    else expect(warning?.message).toBe(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed`);
  });
});
