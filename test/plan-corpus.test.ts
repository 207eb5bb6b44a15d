import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStages } from '../src/dockerfile/instructions/index.js';
import { parseDockerfile } from '../src/dockerfile/syntax/index.js';
import { parsePlatform } from '../src/oci/index.js';
import type { Platform } from '../src/oci/index.js';
import { formatPlanText, planBuild } from '../src/plan/index.js';
import type { BuildPlan } from '../src/plan/index.js';

const root = join(import.meta.dirname, '..');
const corpus = join(root, 'test/corpus/plan');
const update = process.env['UPDATE_PLAN_SNAPSHOTS'] === '1';

interface PlanCase {
  readonly name: string;
  readonly dockerfile: string;
  readonly target?: string;
  readonly platform?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
}

const spec = JSON.parse(readFileSync(join(corpus, 'cases.json'), 'utf8')) as { hostPlatform: string; cases: PlanCase[] };

function platformOf(text: string): Platform {
  const platform = parsePlatform(text);
  if (platform === undefined) throw new Error(`bad platform in cases.json: ${text}`);
  return platform;
}

function planCase(c: PlanCase): BuildPlan {
  const text = readFileSync(join(root, c.dockerfile), 'utf8');
  const ast = parseDockerfile(text, { file: c.dockerfile });
  return planBuild(parseStages(ast), {
    hostPlatform: platformOf(spec.hostPlatform),
    escapeChar: ast.escapeChar,
    file: c.dockerfile,
    buildArgs: new Map(Object.entries(c.buildArgs ?? {})),
    ...(c.target !== undefined ? { target: c.target } : {}),
    ...(c.platform !== undefined ? { platform: platformOf(c.platform) } : {}),
  });
}

function dockerfilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return dockerfilesUnder(path);
    return entry.startsWith('Dockerfile') ? [relative(root, path)] : [];
  });
}

describe('plan snapshots (test/corpus/plan)', () => {
  it('covers every Dockerfile under examples/', () => {
    const covered = new Set(spec.cases.map((c) => c.dockerfile));
    expect(dockerfilesUnder(join(root, 'examples')).filter((f) => !covered.has(f))).toEqual([]);
  });

  it.each(spec.cases)('$name', (c) => {
    const plan = planCase(c);
    const json = JSON.stringify(plan, null, 2) + '\n';
    const text = formatPlanText(plan);
    const jsonPath = join(corpus, `${c.name}.json`);
    const textPath = join(corpus, `${c.name}.txt`);
    if (update) {
      writeFileSync(jsonPath, json);
      writeFileSync(textPath, text);
    }
    expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(jsonPath, 'utf8')));
    expect(text).toBe(readFileSync(textPath, 'utf8'));
  });
});

describe('scenarios', () => {
  const byName = (name: string): PlanCase => {
    const c = spec.cases.find((x) => x.name === name);
    if (c === undefined) throw new Error(`no case ${name}`);
    return c;
  };

  it('parallel: the three independent stages share the first wave', () => {
    const plan = planCase(byName('scenario-parallel'));
    expect(plan.waves).toEqual([[0, 1, 2], [3]]);
    expect(plan.stages.map((s) => s.needed)).toEqual([true, true, true, true]);
    expect(plan.criticalPath).toHaveLength(2);
  });

  it('unused: the broken stage is not needed by the default target', () => {
    const plan = planCase(byName('scenario-unused'));
    expect(plan.stages.find((s) => s.name === 'broken')?.needed).toBe(false);
    expect(plan.stages.find((s) => s.name === 'release')?.needed).toBe(true);
    expect(plan.waves).toEqual([[1]]);
  });
});
