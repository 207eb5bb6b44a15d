// node --test bench/lib/: the progress parsers on real output recorded from one benchmark run
// (seed003 built by each builder on this machine, see testdata/).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseBuildahOutput, parseBuildkitPlain, parseStagecraftJson, stepInstruction } from './progress-parsers.mjs';

const fixture = (name) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('stepInstruction reads the instruction of numbered Dockerfile steps only', () => {
  const cases = [
    ['[builder 4/5] RUN npm install', 'RUN'],
    ['[stage-1 3/4] COPY --from=builder /app/node_modules ./node_modules', 'COPY'],
    ['[2/2] RUN head -c 256M /dev/urandom > /big', 'RUN'],
    ['[builder 1/5] FROM docker.io/library/node:18', 'FROM'],
    ['[internal] load build context', undefined],
    ['exporting to image', undefined],
  ];
  for (const [label, expected] of cases) assert.equal(stepInstruction(label), expected, label);
});

test('BuildKit plain output: durations from DONE lines, CACHED steps, the RUN time', () => {
  const cold = parseBuildkitPlain(fixture('buildkit-seed003-cold.txt'));
  const run = cold.steps.find((s) => s.label === '[builder 4/5] RUN npm install');
  assert.equal(run.ms, 7200);
  assert.equal(cold.runMs, 7200);
  // WORKDIR x2, COPY x4 and the RUN ran; the FROMs are not counted.
  assert.equal(cold.stepsRun, 7);
  assert.equal(cold.stepsCached, 0);
  const change = parseBuildkitPlain(fixture('buildkit-seed003-appchange.txt'));
  assert.equal(change.stepsRun, 2);
  assert.equal(change.stepsCached, 5);
  assert.equal(change.runMs, 0);
  assert.deepEqual(
    change.steps.filter((s) => s.instruction === 'COPY' && !s.cached).map((s) => s.label),
    ['[builder 5/5] COPY . .', '[stage-1 4/4] COPY --from=builder /app/app.js ./'],
  );
});

test('stagecraft json events: step durations, cache hits, start-up and engine time', () => {
  const cold = parseStagecraftJson(fixture('stagecraft-seed003-cold.jsonl'));
  assert.equal(Math.round(cold.runMs), 8750);
  assert.equal(cold.stepsRun, 7);
  assert.equal(cold.stepsCached, 0);
  assert.equal(Math.round(cold.buildMs), 11550);
  assert.equal(Math.round(cold.firstEventMs), 698);
  assert.equal(Math.round(cold.lastEventMs), 12225);
  const again = parseStagecraftJson(fixture('stagecraft-seed003-nochange.jsonl'));
  assert.equal(again.stepsRun, 0);
  assert.equal(again.stepsCached, 7);
  assert.equal(again.runMs, 0);
});

test('stagecraft json: step-log lines and garbage do not disturb the steps', () => {
  const text = [
    'not json',
    '{"type":"step-started","id":"a","time":5,"label":"[1/2] RUN true"}',
    '{"type":"step-log","id":"a","time":6,"stream":"stdout","data":"{\\"type\\":\\"step-done\\"}"}',
    '{"type":"step-done","id":"a","time":9,"durationMs":4}',
    '{"type":"step-done","id":"never-started","time":9,"durationMs":100}',
    '{broken',
  ].join('\n');
  const parsed = parseStagecraftJson(text);
  assert.equal(parsed.steps.length, 1);
  assert.equal(parsed.runMs, 4);
  assert.equal(parsed.stepsRun, 1);
});

test('buildah output: steps, "Using cache" marks, no durations', () => {
  const parsed = parseBuildahOutput(fixture('buildah-seed003-appchange.txt'));
  assert.equal(parsed.steps.length, 11);
  assert.equal(parsed.stepsCached, 5);
  // COPY . ., COPY app.js, EXPOSE and CMD ran.
  assert.equal(parsed.stepsRun, 4);
  assert.equal(parsed.runMs, undefined);
  assert.deepEqual(parseBuildahOutput('STEP 1/2: FROM debian\nSTEP 2/2: RUN true\n--> 1234\n').stepsRun, 1);
});
