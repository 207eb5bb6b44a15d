// Turns the measured builds into medians, ratios, the issue's targets with PASS/MISS, and markdown.

export const BUILDERS = [
  { name: 'stagecraft', label: 'stagecraft' },
  { name: 'buildkit', label: 'BuildKit' },
  { name: 'buildah', label: 'buildah' },
];

export const LONGEST_PARALLEL_STAGE_MS = 2000;
const MB = 1e6;

export function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Medians of one (scenario, phase, builder) cell over its successful runs.
 * `overheadMs` = wall time minus the RUN steps' own time, per run, then the median.
 */
export function summarizeCell(runs) {
  const ok = runs.filter((r) => r.ok);
  const pick = (key) => median(ok.map((r) => r[key]));
  return {
    runs: runs.length,
    failed: runs.length - ok.length,
    wallMs: pick('wallMs'),
    runMs: pick('runMs'),
    overheadMs: median(ok.filter((r) => typeof r.runMs === 'number').map((r) => r.wallMs - r.runMs)),
    stepsRun: pick('stepsRun'),
    stepsCached: pick('stepsCached'),
    engineMs: pick('engineMs'),
    startupMs: pick('startupMs'),
    afterBuildMs: pick('afterBuildMs'),
    peakTreeBytes: Math.max(0, ...ok.map((r) => r.peakTreeBytes ?? 0)) || undefined,
    firstTreeBytes: pick('firstTreeBytes'),
    maxRssBytes: Math.max(0, ...ok.map((r) => r.maxRssBytes ?? 0)) || undefined,
  };
}

function cellOf(cells, scenario, phase, builder) {
  return cells.find((c) => c.scenario === scenario && c.phase === phase && c.builder === builder)?.summary;
}

function ratio(a, b) {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

/** The issue's targets, evaluated on the cells. Each: {id, text, measured, limit, result}. */
export function evaluateTargets(cells) {
  const sc = (scenario, phase) => cellOf(cells, scenario, phase, 'stagecraft');
  const bk = (scenario, phase) => cellOf(cells, scenario, phase, 'buildkit');
  const versusBuildkit = (id, scenario, phase, limit, text) => {
    const value = ratio(sc(scenario, phase)?.wallMs, bk(scenario, phase)?.wallMs);
    return { id, text, limit: `<= ${limit.toFixed(1)}x`, value, measured: value === undefined ? undefined : `${value.toFixed(2)}x`, pass: value === undefined ? undefined : value <= limit };
  };
  const targets = [
    versusBuildkit('seed003-nochange', 'seed003', 'nochange', 1.0, 'seed003 rebuild with no change, vs BuildKit'),
    versusBuildkit('seed003-appchange', 'seed003', 'appchange', 1.0, 'seed003 rebuild after app.js changed, vs BuildKit'),
  ];
  const parallel = sc('parallel', 'cold')?.wallMs;
  const parallelRatio = ratio(parallel, LONGEST_PARALLEL_STAGE_MS);
  targets.push({
    id: 'parallel',
    text: 'parallel cold, vs the longest stage (2 s)',
    limit: '<= 1.1x',
    value: parallelRatio,
    measured: parallelRatio === undefined ? undefined : `${parallelRatio.toFixed(2)}x`,
    pass: parallelRatio === undefined ? undefined : parallelRatio <= 1.1,
  });
  targets.push(versusBuildkit('bigcopy-cold', 'bigcopy', 'cold', 0.6, 'bigcopy cold, vs BuildKit'));
  targets.push(versusBuildkit('bigcopy-nochange', 'bigcopy', 'nochange', 1.0, 'bigcopy rebuild with no change, vs BuildKit'));
  const ours = sc('seed003', 'cold')?.overheadMs;
  const theirs = bk('seed003', 'cold')?.overheadMs;
  targets.push({
    id: 'seed003-overhead',
    text: "seed003 cold: own overhead (total minus the RUN step), below BuildKit's",
    limit: theirs === undefined ? "< BuildKit's" : `< ${seconds(theirs)} s`,
    value: ours,
    measured: ours === undefined ? undefined : `${seconds(ours)} s`,
    pass: ours === undefined || theirs === undefined ? undefined : ours < theirs,
  });
  const memory = sc('bigfile', 'cold')?.peakTreeBytes;
  targets.push({
    id: 'bigfile-memory',
    text: 'peak memory (RSS) committing and exporting a 2 GB layer',
    limit: '< 300 MB',
    value: memory,
    measured: memory === undefined ? undefined : `${megabytes(memory)} MB`,
    pass: memory === undefined ? undefined : memory < 300 * MB,
  });
  return targets;
}

export function seconds(ms) {
  return ms === undefined ? undefined : (ms / 1000).toFixed(ms < 1000 ? 3 : 2);
}

export function megabytes(bytes) {
  return bytes === undefined ? undefined : Math.round(bytes / MB);
}

const show = (value, fallback = '—') => (value === undefined ? fallback : String(value));

/** The markdown report: times, targets, seed003's overhead, memory. */
export function formatMarkdown({ cells, targets, builders, scenarios }) {
  const present = BUILDERS.filter((b) => builders.includes(b.name));
  const lines = [];
  const get = (s, p, b) => cellOf(cells, s.name, p, b);
  const timeCell = (c) => (c === undefined ? '—' : c.failed === c.runs ? 'FAILED' : `${seconds(c.wallMs)}${c.failed > 0 ? ` (${c.failed} failed)` : ''}`);
  const stepsCell = (c) => (c?.stepsRun === undefined ? '—' : String(c.stepsRun));

  lines.push('Times: median wall seconds of the builds (steps run in brackets: Dockerfile steps other than FROM that were not cached).', '');
  const others = present.filter((b) => b.name !== 'stagecraft');
  const header = ['scenario', 'phase', ...present.map((b) => `${b.label} s`), ...others.map((b) => `stagecraft/${b.label}`)];
  lines.push(`| ${header.join(' | ')} |`, `|---|---|${header.slice(2).map(() => '---:').join('|')}|`);
  for (const s of scenarios) {
    for (const phase of s.phases) {
      const row = present.map((b) => {
        const c = get(s, phase, b.name);
        return c === undefined ? '—' : `${timeCell(c)} [${stepsCell(c)}]`;
      });
      const ours = get(s, phase, 'stagecraft')?.wallMs;
      const ratios = others.map((b) => {
        // bigfile: stagecraft also writes an OCI archive, the anchors do not; no ratio.
        if (s.name === 'bigfile') return 'n/c';
        const r = ratio(ours, get(s, phase, b.name)?.wallMs);
        return r === undefined ? '—' : `${r.toFixed(2)}x`;
      });
      lines.push(`| ${[s.name, phase, ...row, ...ratios].join(' | ')} |`);
    }
  }
  lines.push('', 'Targets (issue 4):', '');
  lines.push('| target | limit | measured | result |', '|---|---|---:|---|');
  for (const t of targets) {
    lines.push(`| ${t.text} | ${t.limit} | ${show(t.measured)} | ${t.pass === undefined ? 'n/a' : t.pass ? 'PASS' : 'MISS'} |`);
  }
  const overheadRows = present
    .map((b) => ({ b, c: get({ name: 'seed003' }, 'cold', b.name) }))
    .filter(({ c }) => c !== undefined && c.overheadMs !== undefined);
  if (overheadRows.length > 0) {
    lines.push('', 'seed003 cold: wall time, the RUN step (npm install) as the builder reports it, the rest (medians):', '');
    lines.push('| builder | total s | RUN step s | overhead s | of which start-up s | after the build s |', '|---|---:|---:|---:|---:|---:|');
    for (const { b, c } of overheadRows) {
      lines.push(`| ${b.label} | ${seconds(c.wallMs)} | ${seconds(c.runMs)} | ${seconds(c.overheadMs)} | ${show(seconds(c.startupMs))} | ${show(seconds(c.afterBuildMs))} |`);
    }
  }
  const parallelRatios = present
    .map((b) => ({ b, r: ratio(get({ name: 'parallel' }, 'cold', b.name)?.wallMs, LONGEST_PARALLEL_STAGE_MS) }))
    .filter(({ r }) => r !== undefined);
  if (parallelRatios.length > 0) {
    lines.push('', `parallel cold over the longest stage (2 s): ${parallelRatios.map(({ b, r }) => `${b.label} ${r.toFixed(2)}x`).join(', ')}.`);
  }
  const big = get({ name: 'bigfile' }, 'cold', 'stagecraft');
  if (big?.engineMs !== undefined) {
    lines.push(
      '',
      `bigfile: stagecraft's time includes writing the image as an OCI archive (gzip), which the anchors do not do (n/c: not comparable).` +
        ` Its build (engine) took ${seconds(big.engineMs)} s, writing the archive and exiting ${seconds(big.afterBuildMs)} s, start-up ${seconds(big.startupMs)} s.`,
    );
  }
  lines.push('', 'Peak memory, MB: the builder\'s process tree, sampled every 50 ms (containers\' own processes excluded); in brackets the largest single process (GNU time).', '');
  lines.push(`| scenario | phase | ${present.map((b) => b.label).join(' | ')} |`, `|---|---|${present.map(() => '---:').join('|')}|`);
  for (const s of scenarios) {
    for (const phase of s.phases) {
      const row = present.map((b) => {
        const c = get(s, phase, b.name);
        if (c?.peakTreeBytes === undefined) return '—';
        const single = c.maxRssBytes === undefined ? '' : ` [${megabytes(c.maxRssBytes)}]`;
        const before = b.name === 'buildkit' && c.firstTreeBytes !== undefined ? ` (daemon before: ${megabytes(c.firstTreeBytes)})` : '';
        return `${megabytes(c.peakTreeBytes)}${single}${before}`;
      });
      lines.push(`| ${s.name} | ${phase} | ${row.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
