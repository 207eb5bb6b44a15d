// Build-engine benchmark: ../shared/scenarios (and our own `bigfile`) built by stagecraft, BuildKit
// and buildah in the same run, each cold, rebuilt with no change, and (seed003) after app.js
// changed. Prints a markdown table with medians, ratios and the issue's targets; writes the same
// as JSON to bench/results/engine-<date>.json. See bench/README.md for what each figure means.
//
//   npm run build && node bench/engine.mjs [--scenario NAME[,NAME]] [--runs N]
//       [--builders stagecraft,buildkit,buildah] [--base-root DIR] [--scenarios-dir DIR]
//       [--bigfile-mb MiB] [--docker-host unix://SOCK] [--out FILE] [--logs DIR] [--keep]
//   node bench/engine.mjs --report bench/results/engine-<date>.json    (print a past run's table)
//
// Needs root (runc, overlay mounts, dockerd). Anchors that cannot be started are reported as absent
// and the run goes on with the others.
import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createBuildahBuilder } from './lib/builder-buildah.mjs';
import { createBuildkitBuilder } from './lib/builder-buildkit.mjs';
import { createStagecraftBuilder, invocation, missingBaseImages, snapshotStagecraft } from './lib/builder-stagecraft.mjs';
import { BUILDERS, evaluateTargets, formatMarkdown, megabytes, seconds, summarizeCell } from './lib/report.mjs';
import { lastLines, loadAverage, readCpuTimes, runChecked, stopRunningChildren } from './lib/run-measured.mjs';
import { defineScenarios } from './lib/scenarios.mjs';
import { removeTree } from './lib/temp-dirs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const BASE_IMAGES = ['debian:bookworm-slim', 'node:18', 'node:18-slim'];

function parseArgs(argv) {
  const options = {
    scenarios: undefined,
    runs: 3,
    builders: BUILDERS.map((b) => b.name),
    baseRoot: process.env.STAGECRAFT_BENCH_BASE ?? '/var/tmp/stagecraft-bench/base',
    scenariosDir: join(repo, '..', 'shared', 'scenarios'),
    bigfileMiB: 2048,
    dockerHost: undefined,
    out: undefined,
    logs: undefined,
    keep: false,
  };
  const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--scenario') options.scenarios = [...(options.scenarios ?? []), ...list(value())];
    else if (arg === '--runs') options.runs = Number(value());
    else if (arg === '--builders') options.builders = list(value());
    else if (arg === '--base-root') options.baseRoot = resolve(value());
    else if (arg === '--scenarios-dir') options.scenariosDir = resolve(value());
    else if (arg === '--bigfile-mb') options.bigfileMiB = Number(value());
    else if (arg === '--docker-host') options.dockerHost = value();
    else if (arg === '--out') options.out = resolve(value());
    else if (arg === '--logs') options.logs = resolve(value());
    else if (arg === '--report') options.report = resolve(value());
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node bench/engine.mjs [--scenario NAME[,NAME]] [--runs N] [--builders stagecraft,buildkit,buildah] [--base-root DIR] [--scenarios-dir DIR] [--bigfile-mb MiB] [--docker-host unix://SOCK] [--out FILE] [--logs DIR] [--keep] | --report RESULTS.json');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs takes a whole number >= 1');
  const unknown = options.builders.filter((b) => !BUILDERS.some((known) => known.name === b));
  if (unknown.length > 0) throw new Error(`unknown builder ${unknown.join(', ')}: use ${BUILDERS.map((b) => b.name).join(', ')}`);
  return options;
}

const log = (line) => console.error(line);

/** The share of all cores busy over `ms`, before anything of ours runs: the other users' load. */
async function measureBackground(ms) {
  const before = readCpuTimes();
  await sleep(ms);
  const after = readCpuTimes();
  return (after.busy - before.busy) / Math.max(1, after.total - before.total);
}

async function ensureBaseImages(options, bin) {
  const missing = await missingBaseImages(bin, options.baseRoot, BASE_IMAGES);
  if (missing.length === 0) return;
  log(`base images missing in ${options.baseRoot}: ${missing.join(', ')}; making them with stagecraft bootstrap (minutes)`);
  await mkdir(options.baseRoot, { recursive: true });
  await runChecked(...invocation(bin, ['--root', options.baseRoot, 'bootstrap', '--with-host-ca-certificates', '--quiet', ...missing]));
}

function recordOf(result) {
  const { run, progress } = result;
  return {
    ok: run.code === 0,
    exitCode: run.code,
    wallMs: Math.round(run.wallMs),
    runMs: progress.runMs === undefined ? undefined : Math.round(progress.runMs),
    stepsRun: progress.stepsRun,
    stepsCached: progress.stepsCached,
    // stagecraft only: its engine's own time, the CLI's start-up (to the first event) and what
    // follows the last event (writing --output archives, exit).
    ...(progress.buildMs !== undefined
      ? { engineMs: Math.round(progress.buildMs), startupMs: Math.round(progress.firstEventMs), afterBuildMs: Math.round(run.wallMs - progress.lastEventMs) }
      : {}),
    peakTreeBytes: run.peakTreeBytes,
    firstTreeBytes: run.firstTreeBytes,
    maxRssBytes: run.maxRssBytes,
    loadAverage: run.loadAverage,
    machineBusy: run.machineBusy === undefined ? undefined : Math.round(run.machineBusy * 100) / 100,
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.report !== undefined) {
    console.log(renderReport(JSON.parse(await readFile(options.report, 'utf8'))));
    return;
  }
  const scenarios = defineScenarios({ bigfileMiB: options.bigfileMiB }).filter((s) => options.scenarios === undefined || options.scenarios.includes(s.name));
  if (scenarios.length === 0) throw new Error(`no such scenario: ${options.scenarios.join(', ')}`);
  const started = new Date();
  log(`measuring the machine's load for 5 s before starting...`);
  const backgroundBefore = await measureBackground(5000);
  const loadBefore = loadAverage();
  log(`cores busy before the run (others' work): ${Math.round(backgroundBefore * 100)}%, load average ${loadBefore}`);

  // A short path: dockerd's sockets live below it.
  const tmp = mkdtempSync('/tmp/scb-');
  const contexts = join(tmp, 'ctx');
  const builders = [];
  const absent = {};
  const versions = {};
  let cleaningUp;
  let interrupted = false;
  const cleanup = () => {
    cleaningUp ??= (async () => {
      for (const b of builders) await b.teardown().catch((err) => log(`${b.name}: teardown: ${err.message}`));
      if (!options.keep) await removeTree(tmp);
      else log(`kept ${tmp}`);
    })();
    return cleaningUp;
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping the build and cleaning up`);
      interrupted = true;
      stopRunningChildren();
      void cleanup().finally(() => process.exit(130));
    });
  }

  const cells = [];
  try {
    // stagecraft makes and saves the base images every builder uses, so its CLI is needed even
    // when it is not among the builders measured.
    const stagecraft = await snapshotStagecraft(tmp);
    if (stagecraft.bin === undefined) throw new Error(`stagecraft: ${stagecraft.reason}`);
    await ensureBaseImages(options, stagecraft.bin);
    const basesArchive = join(tmp, 'bases.tar');
    await runChecked(...invocation(stagecraft.bin, ['--root', options.baseRoot, 'save', '-o', basesArchive, ...BASE_IMAGES]));
    const shared = { tmp, baseRoot: options.baseRoot, basesArchive, baseImages: BASE_IMAGES, dockerHost: options.dockerHost, stagecraft, log };
    const factories = { stagecraft: createStagecraftBuilder, buildkit: createBuildkitBuilder, buildah: createBuildahBuilder };
    for (const { name } of BUILDERS) {
      if (!options.builders.includes(name)) continue;
      const builder = factories[name](shared);
      let ready;
      try {
        ready = await builder.setup();
      } catch (err) {
        ready = { ok: false, reason: err.message };
      }
      if (ready.ok) {
        builders.push(builder);
        versions[name] = ready.version;
      } else {
        absent[name] = ready.reason;
        log(`${builder.label}: ABSENT: ${ready.reason}`);
        await builder.teardown().catch(() => {});
      }
    }
    if (builders.length === 0) throw new Error('no builder could be started');

    await mkdir(contexts, { recursive: true });
    for (const scenario of scenarios) {
      const contextDir = scenario.prepare(options.scenariosDir, contexts);
      const runs = scenario.runsOverride ?? options.runs;
      for (let run = 1; run <= runs; run++) {
        // Builders take turns inside each run, so a slow spell on the machine hits all of them.
        for (const builder of builders) {
          if (interrupted) return;
          await builder.reset();
          for (const phase of scenario.phases) {
            if (interrupted) return;
            scenario.beforePhase?.(phase, contextDir);
            const output = builder.name === 'stagecraft' ? scenario.stagecraftOutput?.(tmp) : undefined;
            const result = await builder.build({ contextDir, tag: `bench/${scenario.name}`, output });
            const record = recordOf(result);
            if (options.logs !== undefined) {
              const base = join(options.logs, `${scenario.name}-${phase}-${builder.name}-${run}`);
              await mkdir(options.logs, { recursive: true });
              await writeFile(`${base}.stdout`, result.run.stdout);
              await writeFile(`${base}.stderr`, result.run.stderr);
            }
            if (output !== undefined) await rm(output.replace(/^.*dest=/, ''), { force: true });
            let cell = cells.find((c) => c.scenario === scenario.name && c.phase === phase && c.builder === builder.name);
            if (cell === undefined) cells.push((cell = { scenario: scenario.name, phase, builder: builder.name, runs: [] }));
            cell.runs.push(record);
            log(
              `${scenario.name} ${phase} ${builder.label} ${run}/${runs}: ${record.ok ? `${seconds(record.wallMs)} s` : `FAILED (exit ${record.exitCode})`}` +
                `, steps run ${record.stepsRun ?? '?'}, cached ${record.stepsCached ?? '?'}` +
                (record.runMs ? `, RUN ${seconds(record.runMs)} s` : '') +
                `, peak ${megabytes(record.peakTreeBytes)} MB, load ${record.loadAverage}`,
            );
            if (!record.ok) {
              record.error = lastLines(result.log, 12);
              log(record.error.replace(/^/gm, '    '));
              break;
            }
          }
        }
      }
    }
  } finally {
    await cleanup();
  }

  for (const cell of cells) cell.summary = summarizeCell(cell.runs);
  const targets = evaluateTargets(cells);
  const backgroundAfter = await measureBackground(5000);
  const allRuns = cells.flatMap((c) => c.runs);
  const loads = allRuns.map((r) => r.loadAverage);
  const busy = allRuns.map((r) => r.machineBusy).filter((v) => v !== undefined);
  const machine = {
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    backgroundBusyBefore: Math.round(backgroundBefore * 100) / 100,
    backgroundBusyAfter: Math.round(backgroundAfter * 100) / 100,
    loadAverage: { before: loadBefore, minDuringBuilds: Math.min(...loads), maxDuringBuilds: Math.max(...loads), after: loadAverage() },
    machineBusyDuringBuilds: { min: Math.min(...busy), max: Math.max(...busy) },
  };
  const out = options.out ?? join(here, 'results', `engine-${started.toISOString().slice(0, 10)}.json`);
  await mkdir(dirname(out), { recursive: true });
  const json = {
    date: started.toISOString(),
    options: { runs: options.runs, scenarios: scenarios.map((s) => s.name), builders: options.builders, bigfileMiB: options.bigfileMiB },
    machine,
    versions,
    absent,
    results: cells.map((c) => ({ scenario: c.scenario, phase: c.phase, builder: c.builder, median: c.summary, runs: c.runs })),
    targets: targets.map(({ id, text, limit, measured, pass }) => ({ id, text, limit, measured: measured ?? null, result: pass === undefined ? 'n/a' : pass ? 'PASS' : 'MISS' })),
  };
  console.log(renderReport(json));
  await writeFile(out, JSON.stringify(json, null, 1) + '\n');
  log(`wrote ${out}`);
}

/** The markdown report of a results file (what a run prints; `--report FILE` prints it again). */
function renderReport(json) {
  const cells = json.results.map((r) => ({ scenario: r.scenario, phase: r.phase, builder: r.builder, summary: r.median }));
  const scenarios = defineScenarios({ bigfileMiB: json.options.bigfileMiB }).filter((s) => json.options.scenarios.includes(s.name));
  const m = json.machine;
  const lines = [
    `## Build-engine benchmark, ${json.date} (${json.options.runs} run(s); bigfile 1)`,
    '',
    `Machine: ${m.cores} cores, ${m.memoryGiB} GiB, ${m.kernel}. Cores busy with others' work just before: ` +
      `${Math.round(m.backgroundBusyBefore * 100)}%, just after: ${Math.round(m.backgroundBusyAfter * 100)}%; load average during builds ` +
      `${m.loadAverage.minDuringBuilds}-${m.loadAverage.maxDuringBuilds} (before: ${m.loadAverage.before}).`,
    '',
    ...Object.entries(json.versions).map(([name, version]) => `- ${name}: ${version}`),
    ...Object.entries(json.absent).map(([name, reason]) => `- ${name}: ABSENT (${reason.split('\n')[0]})`),
    '',
    formatMarkdown({ cells, targets: evaluateTargets(cells), builders: Object.keys(json.versions), scenarios }),
  ];
  return lines.join('\n') + '\n';
}

main().catch((err) => {
  console.error(`bench/engine.mjs: ${err.stack ?? err.message}`);
  process.exitCode = 1;
});
