#!/usr/bin/env node
// What a cache mount saves: `RUN npm ci` against `RUN --mount=type=cache,target=/root/.npm npm ci`
// on node:18, built by stagecraft's CLI.
//
//   node bench/cache-mount.mjs [--runs N] [--base-root DIR] [--out FILE] [--keep]
//   node bench/cache-mount.mjs --report bench/results/cache-mount-<date>.json
//   node bench/cache-mount.mjs --regenerate-locks
//
// Scenario, for each Dockerfile, in each run: a cold build (base image present and unpacked, no
// build cache, no cache mount) of a node project whose package.json names a few real npm packages
// (bench/fixtures/cache-mount/before), then package.json gains one dependency and package-lock.json
// is updated to match (fixtures/cache-mount/after), and the image is built again: COPY and
// `npm ci` run again. The rebuild is what the cache mount is for: its npm cache still holds every
// tarball but the new one. Reported: wall times and the RUN step's own time, medians over the
// runs, and the rebuild ratio with/without the cache mount (< 1: the cache mount is faster).
// The two Dockerfiles alternate which goes first from run to run, against drift in the machine's load.
//
// npm in the container reaches the registry through this machine's TLS proxy: the base image made
// by `stagecraft bootstrap --with-host-ca-certificates` carries the host CA bundle and sets
// NODE_EXTRA_CA_CERTS; the Dockerfiles set it again, so a base image without it still works if the
// bundle is there. The lock files are made beforehand on the host (--regenerate-locks: npm install
// --package-lock-only, with `resolved` URLs kept so npm ci needs no registry metadata).
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStagecraftBuilder, invocation, missingBaseImages, snapshotStagecraft } from './lib/builder-stagecraft.mjs';
import { median } from './lib/report.mjs';
import { lastLines, runChecked, stopRunningChildren } from './lib/run-measured.mjs';
import { removeTree } from './lib/temp-dirs.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(repo, 'bench', 'fixtures', 'cache-mount');
const BASE_IMAGE = 'node:18';

const PREAMBLE = ['FROM node:18', 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt', 'WORKDIR /app', 'COPY package.json package-lock.json ./'];
const VARIANTS = [
  { name: 'plain', label: 'RUN npm ci', dockerfile: [...PREAMBLE, 'RUN npm ci', ''].join('\n') },
  { name: 'cache', label: 'RUN --mount=type=cache,target=/root/.npm npm ci', dockerfile: [...PREAMBLE, 'RUN --mount=type=cache,target=/root/.npm npm ci', ''].join('\n') },
];

function parseArgs(argv) {
  const options = {
    runs: 3,
    baseRoot: process.env.STAGECRAFT_BENCH_BASE ?? '/var/tmp/stagecraft-bench/base',
    out: join(repo, 'bench', 'results', `cache-mount-${new Date().toISOString().slice(0, 10)}.json`),
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--runs') options.runs = Number(value());
    else if (arg === '--base-root') options.baseRoot = resolve(value());
    else if (arg === '--out') options.out = resolve(value());
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--report') options.report = resolve(value());
    else if (arg === '--regenerate-locks') options.regenerate = true;
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node bench/cache-mount.mjs [--runs N] [--base-root DIR] [--out FILE] [--keep] | --report RESULTS.json | --regenerate-locks');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs must be a positive integer');
  return options;
}

const log = (text) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
const megabytes = (bytes) => (bytes === undefined ? '-' : `${(bytes / 1e6).toFixed(1)} MB`);
const seconds = (ms) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);

/** Makes fixtures/cache-mount/{before,after}/package-lock.json with the host's npm (the registry must be reachable). */
async function regenerateLocks() {
  for (const phase of ['before', 'after']) {
    const dir = await mkdtemp(join(tmpdir(), 'sccm-lock-'));
    await cp(join(fixtures, phase, 'package.json'), join(dir, 'package.json'));
    if (phase === 'after') await cp(join(fixtures, 'before', 'package-lock.json'), join(dir, 'package-lock.json'));
    await runChecked('npm', ['install', '--package-lock-only', '--omit-lockfile-registry-resolved=false', '--userconfig', '/dev/null'], { cwd: dir });
    await cp(join(dir, 'package-lock.json'), join(fixtures, phase, 'package-lock.json'));
    await rm(dir, { recursive: true, force: true });
    log(`${phase}/package-lock.json written`);
  }
}

async function writeContext(dir, variant, phase) {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'Dockerfile'), variant.dockerfile);
  for (const file of ['package.json', 'package-lock.json']) await cp(join(fixtures, phase, file), join(dir, file));
}

/** One measured build: wall time, the RUN step's own time, how many steps ran, the load average before it. */
async function measure(builder, contextDir, tag) {
  const { run, progress, log: output } = await builder.build({ contextDir, tag });
  if (run.code !== 0) throw new Error(`build of ${tag} failed (exit ${run.code}):\n${lastLines(output, 30)}`);
  const npm = progress.steps.find((s) => s.instruction === 'RUN');
  return { wallMs: run.wallMs, runMs: npm?.ms, runCached: npm?.cached ?? false, stepsRun: progress.stepsRun, loadAverage: run.loadAverage };
}

function summarize(results) {
  const summary = {};
  for (const variant of VARIANTS) {
    const runs = results.filter((r) => r.variant === variant.name);
    summary[variant.name] = {
      label: variant.label,
      coldWallMs: median(runs.map((r) => r.cold.wallMs)),
      coldRunMs: median(runs.map((r) => r.cold.runMs)),
      rebuildWallMs: median(runs.map((r) => r.rebuild.wallMs)),
      rebuildRunMs: median(runs.map((r) => r.rebuild.runMs)),
      cacheMountBytes: median(runs.map((r) => r.cacheMountBytes)),
      cacheMountBytesAfter: median(runs.map((r) => r.cacheMountBytesAfter)),
    };
  }
  const { plain, cache } = summary;
  summary.rebuildWallRatio = cache.rebuildWallMs / plain.rebuildWallMs;
  summary.rebuildRunRatio = cache.rebuildRunMs / plain.rebuildRunMs;
  return summary;
}

function formatReport(report) {
  const { summary } = report;
  const lines = [
    `cache mounts: npm ci rebuild after adding one dependency (${report.runs.length / VARIANTS.length} runs, medians; load average ${report.load.start.join(' ')} at the start, ${report.load.end.join(' ')} at the end, ${report.machine.cpus} cores)`,
    '',
    '| Dockerfile step | cold build | cold npm ci | rebuild | rebuild npm ci |',
    '|---|---|---|---|---|',
    ...VARIANTS.map((v) => {
      const s = summary[v.name];
      return `| \`${v.label}\` | ${seconds(s.coldWallMs)} | ${seconds(s.coldRunMs)} | ${seconds(s.rebuildWallMs)} | ${seconds(s.rebuildRunMs)} |`;
    }),
    `| **ratio with / without cache mount** | | | **${summary.rebuildWallRatio.toFixed(2)}** | **${summary.rebuildRunRatio.toFixed(2)}** |`,
    '',
    `npm cache in the cache mount: ${megabytes(summary.cache.cacheMountBytes)} after the cold build, ${megabytes(summary.cache.cacheMountBytesAfter)} after the rebuild` +
      (summary.cache.cacheMountBytesAfter === undefined ? '.' : ` (+${megabytes(summary.cache.cacheMountBytesAfter - summary.cache.cacheMountBytes)}: what npm fetched for the new dependency; the rest came from the cache).`),
    '',
    '| run | Dockerfile | cold | rebuild | rebuild npm ci | load before the rebuild |',
    '|---|---|---|---|---|---|',
    ...report.runs.map((r) => `| ${r.run} | ${r.variant} | ${seconds(r.cold.wallMs)} | ${seconds(r.rebuild.wallMs)} | ${seconds(r.rebuild.runMs)} | ${r.rebuild.loadAverage.toFixed(2)} |`),
  ];
  return lines.join('\n');
}

/** Bytes in the build root's cache mounts (the npm cache), for the cache-mount Dockerfile. */
async function cacheMountSize(variant, root) {
  if (variant.name !== 'cache') return undefined;
  return Number((await runChecked('du', ['-sb', join(root, 'cache-mounts')])).stdout.split('\t')[0]);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.report !== undefined) {
    console.log(formatReport(JSON.parse(await readFile(options.report, 'utf8'))));
    return;
  }
  if (options.regenerate) {
    await regenerateLocks();
    return;
  }
  const tmp = await mkdtemp(join(tmpdir(), 'sccm-'));
  const stop = () => {
    stopRunningChildren();
    void removeTree(tmp).finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let builder;
  try {
    const stagecraft = await snapshotStagecraft(tmp);
    if (stagecraft.reason !== undefined) throw new Error(stagecraft.reason);
    if ((await missingBaseImages(stagecraft.bin, options.baseRoot, [BASE_IMAGE])).length > 0) {
      log(`${BASE_IMAGE} missing in ${options.baseRoot}: making it with stagecraft bootstrap (minutes)`);
      await mkdir(options.baseRoot, { recursive: true });
      await runChecked(...invocation(stagecraft.bin, ['--root', options.baseRoot, 'bootstrap', '--with-host-ca-certificates', '--quiet', BASE_IMAGE]));
    }
    builder = createStagecraftBuilder({ tmp, baseRoot: options.baseRoot, baseImages: [BASE_IMAGE], stagecraft, log });
    const setup = await builder.setup();
    if (!setup.ok) throw new Error(setup.reason);
    const load = { start: loadavg().map((l) => Number(l.toFixed(2))) };
    const results = [];
    for (let run = 1; run <= options.runs; run++) {
      const order = run % 2 === 1 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        await builder.reset();
        const context = join(tmp, `ctx-${variant.name}-${run}`);
        await writeContext(context, variant, 'before');
        const tag = `bench/cache-mount-${variant.name}`;
        log(`run ${run}: ${variant.name}: cold build`);
        const cold = await measure(builder, context, tag);
        const cacheMountBytes = await cacheMountSize(variant, join(tmp, 'sc-root'));
        await writeContext(context, variant, 'after');
        log(`run ${run}: ${variant.name}: rebuild after adding a dependency`);
        const rebuild = await measure(builder, context, tag);
        if (rebuild.runCached) throw new Error(`run ${run}: ${variant.name}: the rebuild took npm ci from the cache`);
        // what the rebuild added to the npm cache: only the new packages' tarballs if npm used it
        const cacheMountBytesAfter = await cacheMountSize(variant, join(tmp, 'sc-root'));
        results.push({ run, variant: variant.name, cold, rebuild, cacheMountBytes, cacheMountBytesAfter });
        log(`run ${run}: ${variant.name}: cold ${seconds(cold.wallMs)}, rebuild ${seconds(rebuild.wallMs)} (npm ci ${seconds(rebuild.runMs)})`);
        await rm(context, { recursive: true, force: true });
      }
    }
    load.end = loadavg().map((l) => Number(l.toFixed(2)));
    const report = {
      date: new Date().toISOString(),
      stagecraft: setup.version,
      machine: { cpus: cpus().length },
      load,
      fixtures: {
        before: JSON.parse(await readFile(join(fixtures, 'before', 'package.json'), 'utf8')).dependencies,
        after: JSON.parse(await readFile(join(fixtures, 'after', 'package.json'), 'utf8')).dependencies,
      },
      dockerfiles: Object.fromEntries(VARIANTS.map((v) => [v.name, v.dockerfile])),
      runs: results,
      summary: summarize(results),
    };
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, JSON.stringify(report, null, 2) + '\n');
    log(`results: ${options.out}`);
    console.log(formatReport(report));
  } finally {
    if (builder !== undefined && !options.keep) await builder.teardown().catch(() => undefined);
    if (!options.keep) await removeTree(tmp);
    else log(`kept ${tmp}`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
