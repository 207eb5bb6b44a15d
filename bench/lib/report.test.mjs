// node --test bench/lib/: medians, the targets and the markdown table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateTargets, formatMarkdown, median, summarizeCell } from './report.mjs';

test('median of the finite values, odd and even counts', () => {
  const cases = [
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5], 5],
    [[], undefined],
    [[undefined, 7, Number.NaN], 7],
  ];
  for (const [values, expected] of cases) assert.equal(median(values), expected, JSON.stringify(values));
});

test('summarizeCell: medians over successful runs, overhead per run, peaks as maxima', () => {
  const summary = summarizeCell([
    { ok: true, wallMs: 3000, runMs: 2000, stepsRun: 7, stepsCached: 0, peakTreeBytes: 90e6, maxRssBytes: 80e6 },
    { ok: true, wallMs: 5000, runMs: 2500, stepsRun: 7, stepsCached: 0, peakTreeBytes: 120e6, maxRssBytes: 70e6 },
    { ok: true, wallMs: 4000, runMs: 3800, stepsRun: 7, stepsCached: 0, peakTreeBytes: 100e6 },
    { ok: false, wallMs: 100 },
  ]);
  assert.equal(summary.runs, 4);
  assert.equal(summary.failed, 1);
  assert.equal(summary.wallMs, 4000);
  assert.equal(summary.runMs, 2500);
  // overheads 1000, 2500, 200: their median, not the difference of the medians (1500)
  assert.equal(summary.overheadMs, 1000);
  assert.equal(summary.peakTreeBytes, 120e6);
  assert.equal(summary.maxRssBytes, 80e6);
});

function cell(scenario, phase, builder, fields) {
  return { scenario, phase, builder, summary: { runs: 1, failed: 0, ...fields } };
}

test('targets: PASS and MISS at their limits, n/a without BuildKit', () => {
  const cells = [
    cell('seed003', 'nochange', 'stagecraft', { wallMs: 100 }),
    cell('seed003', 'nochange', 'buildkit', { wallMs: 100 }),
    cell('seed003', 'appchange', 'stagecraft', { wallMs: 201 }),
    cell('seed003', 'appchange', 'buildkit', { wallMs: 200 }),
    cell('seed003', 'cold', 'stagecraft', { wallMs: 3000, overheadMs: 900 }),
    cell('seed003', 'cold', 'buildkit', { wallMs: 2500, overheadMs: 1000 }),
    cell('parallel', 'cold', 'stagecraft', { wallMs: 2200 }),
    cell('bigcopy', 'cold', 'stagecraft', { wallMs: 6000 }),
    cell('bigcopy', 'cold', 'buildkit', { wallMs: 10000 }),
    cell('bigfile', 'cold', 'stagecraft', { wallMs: 60000, peakTreeBytes: 301e6 }),
  ];
  const byId = Object.fromEntries(evaluateTargets(cells).map((t) => [t.id, t]));
  assert.equal(byId['seed003-nochange'].pass, true);
  assert.equal(byId['seed003-appchange'].pass, false);
  assert.equal(byId['parallel'].pass, true);
  assert.equal(byId['parallel'].measured, '1.10x');
  assert.equal(byId['bigcopy-cold'].pass, true);
  assert.equal(byId['bigcopy-nochange'].pass, undefined);
  assert.equal(byId['seed003-overhead'].pass, true);
  assert.equal(byId['bigfile-memory'].pass, false);
});

test('the markdown table has one column per builder present and a ratio per anchor', () => {
  const cells = [
    cell('parallel', 'cold', 'stagecraft', { wallMs: 2500, stepsRun: 6 }),
    cell('parallel', 'cold', 'buildah', { wallMs: 7100, stepsRun: 6 }),
  ];
  const text = formatMarkdown({ cells, targets: evaluateTargets(cells), builders: ['stagecraft', 'buildah'], scenarios: [{ name: 'parallel', phases: ['cold'] }] });
  assert.match(text, /\| scenario \| phase \| stagecraft s \| buildah s \| stagecraft\/buildah \|/);
  assert.match(text, /\| parallel \| cold \| 2\.50 \[6\] \| 7\.10 \[6\] \| 0\.35x \|/);
  assert.match(text, /\| parallel cold, vs the longest stage \(2 s\) \| <= 1\.1x \| 1\.25x \| MISS \|/);
  assert.doesNotMatch(text, /BuildKit s/);
});
