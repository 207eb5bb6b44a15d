import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerignore, PatternMatcher } from '../src/context/index.js';
import { isRuleId, lintDockerfile, RULES } from '../src/dockerfile/lint/index.js';
import type { LintContextInfo, LintOptions } from '../src/dockerfile/lint/index.js';

/**
 * The lint corpus: test/corpus/lint/<RuleId>/{valid,invalid}-*.Dockerfile. An invalid case ends
 * with `# expect: <line> ...` (the lines the rule reports, once per finding) and optionally
 * `# expect-message: <text>` lines; a valid case must not get the rule at all. A sidecar
 * `<case>.json` may give lint options and a build context (entries, .dockerignore text, files).
 */
const CORPUS = join(import.meta.dirname, 'corpus', 'lint');

interface Sidecar {
  readonly options?: { readonly buildArgs?: Record<string, string>; readonly target?: string; readonly check?: string };
  readonly context?: {
    readonly entries: readonly string[];
    readonly dockerignore?: string;
    readonly files?: Record<string, string>;
  };
}

interface Case {
  readonly rule: string;
  readonly name: string;
  readonly path: string;
  readonly text: string;
  readonly lines: readonly number[];
  readonly messages: readonly string[];
  readonly sidecar: Sidecar;
}

function loadCases(): Case[] {
  const cases: Case[] = [];
  for (const rule of readdirSync(CORPUS).sort()) {
    const dir = join(CORPUS, rule);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.Dockerfile')).sort()) {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      const name = file.slice(0, -'.Dockerfile'.length);
      const expect = /^# expect: (.*)$/m.exec(text)?.[1];
      const lines = expect === undefined ? [] : expect.trim().split(/\s+/).map(Number);
      const messages = [...text.matchAll(/^# expect-message: (.*)$/gm)].map((m) => m[1] ?? '');
      const sidecarPath = join(dir, `${name}.json`);
      const sidecar = existsSync(sidecarPath) ? (JSON.parse(readFileSync(sidecarPath, 'utf8')) as Sidecar) : {};
      cases.push({ rule, name, path, text, lines, messages, sidecar });
    }
  }
  return cases;
}

function contextOf(sidecar: Sidecar): LintContextInfo | undefined {
  const context = sidecar.context;
  if (context === undefined) return undefined;
  const files = new Map(Object.entries(context.files ?? {}));
  let ignore: LintContextInfo['ignore'];
  if (context.dockerignore !== undefined) {
    const matcher = new PatternMatcher(parseDockerignore(context.dockerignore));
    ignore = {
      hasExclusions: matcher.hasExclusions,
      patterns: matcher.patterns.filter((p) => !p.exclusion).map((p) => p.pattern),
      matchesOrParentMatches: (path) => matcher.matches(path),
    };
  }
  return {
    entries: context.entries,
    ignoreFile: context.dockerignore === undefined ? undefined : '.dockerignore',
    ignore,
    readText: (path) => files.get(path),
  };
}

function optionsOf(c: Case): LintOptions {
  const options = c.sidecar.options ?? {};
  const context = contextOf(c.sidecar);
  return {
    file: `${c.rule}/${c.name}.Dockerfile`,
    buildArgs: new Map(Object.entries(options.buildArgs ?? {})),
    ...(options.target !== undefined ? { target: options.target } : {}),
    ...(options.check !== undefined ? { check: options.check } : {}),
    ...(context !== undefined ? { context } : {}),
  };
}

const cases = loadCases();

describe('lint corpus', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  it('names only real rules, and every rule has a valid and an invalid case', () => {
    for (const c of cases) expect(isRuleId(c.rule), c.rule).toBe(true);
    for (const id of Object.keys(RULES)) {
      const own = cases.filter((c) => c.rule === id);
      expect(own.some((c) => c.name.startsWith('invalid')), `${id} has an invalid case`).toBe(true);
      expect(own.some((c) => c.name.startsWith('valid')), `${id} has a valid case`).toBe(true);
    }
  });

  it('marks every invalid case with expected lines and no valid case', () => {
    for (const c of cases) expect(c.lines.length > 0, `${c.rule}/${c.name}`).toBe(c.name.startsWith('invalid'));
  });

  it.each(cases.map((c) => [`${c.rule}/${c.name}`, c] as const))('%s', (_, c) => {
    const found = lintDockerfile(c.text, optionsOf(c)).filter((d) => d.rule === c.rule);
    expect(found.map((d) => d.range.start.line).sort((a, b) => a - b)).toEqual([...c.lines].sort((a, b) => a - b));
    const messages = found.map((d) => d.message);
    if (c.messages.length === found.length) expect([...messages].sort()).toEqual([...c.messages].sort());
    else for (const message of c.messages) expect(messages).toContain(message);
    for (const d of found) {
      expect(d.url).toBe(RULES[c.rule as keyof typeof RULES].url);
      expect(d.file).toBe(`${c.rule}/${c.name}.Dockerfile`);
    }
  });
});
