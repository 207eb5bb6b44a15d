import { describe, expect, it } from 'vitest';
import { parseStages } from '../dockerfile/instructions/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import type { Platform } from '../oci/index.js';
import { formatPlanText, planBuild } from './index.js';
import type { BuildPlan, NamedContextSource, PlanOptions } from './index.js';
import { normalizeContextName } from './named-contexts.js';

const host: Platform = { os: 'linux', architecture: 'amd64' };
const DEBIAN = 'docker.io/library/debian:bookworm-slim';

const CONTEXTS = new Map<string, NamedContextSource>([
  ['alpine', { kind: 'image', ref: DEBIAN }],
  ['deps', { kind: 'local' }],
  ['builder', { kind: 'local' }],
  ['empty', { kind: 'scratch' }],
  ['tools:1', { kind: 'local' }],
]);

function plan(lines: readonly string[], options: Partial<PlanOptions> = {}): BuildPlan {
  const ast = parseDockerfile(lines.join('\n') + '\n');
  return planBuild(parseStages(ast), { hostPlatform: host, escapeChar: ast.escapeChar, namedContexts: CONTEXTS, ...options });
}

describe('normalizeContextName', () => {
  it.each([
    ['alpine', 'alpine'],
    ['alpine:latest', 'alpine'],
    ['docker.io/library/alpine:latest', 'alpine'],
    ['alpine:3.19', 'alpine:3.19'],
    ['registry.example.com/team/app', 'registry.example.com/team/app'],
    ['deps', 'deps'],
    ['Not_A_Reference', undefined],
  ])('%s -> %s', (name, normal) => {
    expect(normalizeContextName(name)).toBe(normal);
  });
});

describe('named contexts in the plan', () => {
  it.each([
    ['FROM alpine', { kind: 'image', image: 'alpine', ref: DEBIAN, context: 'alpine' }],
    ['FROM alpine:latest', { kind: 'image', image: 'alpine:latest', ref: DEBIAN, context: 'alpine' }],
    ['FROM docker.io/library/alpine', { kind: 'image', ref: DEBIAN, context: 'alpine' }],
    ['FROM deps', { kind: 'context', context: 'deps' }],
    ['FROM tools:1', { kind: 'context', context: 'tools:1' }],
    ['FROM empty', { kind: 'scratch', context: 'empty' }],
    // no context of that name (a tag is part of the name), and scratch is never replaced
    ['FROM alpine:3.19', { kind: 'image', ref: 'docker.io/library/alpine:3.19' }],
    ['FROM scratch', { kind: 'scratch' }],
  ])('%s starts from %j', (from, base) => {
    expect(plan([from, 'RUN true']).stages[0]?.base).toEqual(expect.objectContaining(base));
  });

  it('a FROM of a named context takes the first step number, labelled as BuildKit labels the load', () => {
    const p = plan(['FROM deps AS a', 'RUN a', 'FROM alpine', 'COPY --from=a / /']);
    const [a, b] = p.stages;
    expect(a?.stepTotal).toBe(2);
    expect(a?.steps.map((s) => [s.label, s.number])).toEqual([
      ['[context deps] load from client', undefined],
      ['[a 2/2] RUN a', 2],
    ]);
    expect(a?.steps[0]?.inputs).toEqual([{ kind: 'context', name: 'deps', paths: ['/'] }]);
    expect(b?.steps.map((s) => s.label)).toEqual([`[context alpine] ${DEBIAN}`, '[stage-1 2/2] COPY --from=a / /']);
    expect(b?.steps[0]?.instruction).toEqual({ kind: 'from', image: 'alpine', ref: DEBIAN, platform: 'linux/amd64', context: 'alpine' });
  });

  it('COPY --from and RUN --mount=from read a named directory context or image', () => {
    const p = plan(['FROM scratch', 'COPY --from=deps /lib /lib', 'COPY --from=alpine /etc/os-release /', 'RUN --mount=type=bind,from=deps,target=/d true']);
    const steps = p.stages[0]?.steps ?? [];
    expect(steps[0]?.instruction).toMatchObject({ kind: 'copy', from: { kind: 'context', name: 'deps' } });
    expect(steps[0]?.inputs).toEqual([{ kind: 'context', name: 'deps', paths: ['/lib'] }]);
    expect(steps[1]?.instruction).toMatchObject({ kind: 'copy', from: { kind: 'image', image: 'alpine', ref: DEBIAN } });
    expect(steps[1]?.inputs).toEqual([{ kind: 'image', ref: DEBIAN, paths: ['/etc/os-release'] }]);
    expect(steps[2]?.instruction).toMatchObject({ kind: 'run', mounts: [{ type: 'bind', origin: { kind: 'context', name: 'deps' } }] });
    expect(p.stages[0]?.images).toEqual([expect.objectContaining({ image: 'alpine', ref: DEBIAN, via: 'copy' })]);
    expect(p.warnings).toEqual([]);
  });

  it('a context named like a stage replaces the stage: its instructions and what only they read are not built', () => {
    const p = plan([
      'FROM alpine AS tools',
      'RUN make tools',
      'FROM alpine AS builder',
      'COPY --from=tools /bin/tool /bin/',
      'RUN build',
      'FROM alpine',
      'COPY --from=builder /out /out',
    ]);
    const [tools, builder, last] = p.stages;
    expect(builder?.replacedBy).toBe('builder');
    expect(builder?.base).toEqual({ kind: 'context', context: 'builder' });
    expect(builder?.steps.map((s) => s.label)).toEqual(['[context builder] load from client']);
    expect(builder?.stepTotal).toBe(0);
    expect(tools?.needed).toBe(false);
    expect(last?.dependsOn.map((d) => d.stage)).toEqual([1]);
    expect(formatPlanText(p)).toContain('replaced by --build-context builder');
  });

  it('a stage built on a replaced image stage sees that image config; a replaced stage may be the target', () => {
    const p = plan(['FROM scratch AS alpine', 'RUN never', 'FROM alpine AS app', 'RUN echo $HOME'], {
      baseImage: (ref) => (ref === DEBIAN ? { env: ['HOME=/debian-home'] } : undefined),
    });
    expect(p.stages[0]?.base).toEqual({ kind: 'image', image: 'alpine', ref: DEBIAN, context: 'alpine' });
    expect(p.stages[1]?.base).toEqual({ kind: 'stage', stage: 0 });
    const run = p.stages[1]?.steps[0]?.instruction;
    expect(run?.kind === 'run' ? run.env : []).toContain('HOME=/debian-home');
    const target = plan(['FROM debian AS builder', 'RUN x'], { target: 'builder' });
    expect(target.stages[0]?.steps.map((s) => s.label)).toEqual(['[context builder] load from client']);
  });

  it('without named contexts nothing changes', () => {
    const p = plan(['FROM alpine AS deps', 'FROM deps', 'COPY --from=alpine / /'], { namedContexts: new Map() });
    expect(p.stages.map((s) => s.base)).toEqual([
      { kind: 'image', image: 'alpine', ref: 'docker.io/library/alpine:latest' },
      { kind: 'stage', stage: 0 },
    ]);
    expect(p.stages[1]?.steps[0]?.instruction).toMatchObject({ from: { kind: 'image', ref: 'docker.io/library/alpine:latest' } });
  });
});
