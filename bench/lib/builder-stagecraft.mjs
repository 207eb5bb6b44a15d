// stagecraft as a benchmarked builder.
//
// Cold: a state root that holds the base images and their unpacked layers and nothing else (no
// build cache, no context stat cache, no built layers). It is made once per benchmark run as a
// "template": a hard-linked copy of the bootstrapped base root, one warm-up build per base image
// (`FROM base` + `RUN true`) so its layers are unpacked as a build leaves them, then the warm-up's
// cache entries and image removed. Every cold build gets a fresh hard-linked copy of the template
// (`cp -al`; the store only ever adds files and replaces metadata by rename, and unpacked layers are
// read-only overlay lowers, so the template is never changed through the links).
// This matches what the anchors keep after their own reset: dockerd's images stay unpacked in its
// graph driver after `docker builder prune -af`, buildah's in its storage after `rmi` of the rest.
import { existsSync } from 'node:fs';
import { cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStagecraftJson } from './progress-parsers.mjs';
import { runChecked, runMeasured } from './run-measured.mjs';
import { removeTree } from './temp-dirs.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A private copy of the compiled CLI (bin/, dist/, package.json, node_modules linked), taken once at
 * the start, so another `npm run build` in the checkout during a long run cannot mix versions.
 * `entry` runs `build`: bin/stagecraft once it declares the command, else the bench's fallback
 * (bench/lib/stagecraft-cli.mjs, for the time before `build` was wired into the command index).
 * @returns {Promise<{ entry: string, bin: string, via: string, commit: string } | { reason: string }>}
 */
export async function snapshotStagecraft(tmp) {
  if (!existsSync(join(repo, 'dist', 'cli', 'main.js'))) return { reason: 'dist/ is missing: run `npm run build` first' };
  const app = join(tmp, 'sc-app');
  await mkdir(join(app, 'bin'), { recursive: true });
  await mkdir(join(app, 'bench', 'lib'), { recursive: true });
  await cp(join(repo, 'dist'), join(app, 'dist'), { recursive: true });
  await cp(join(repo, 'bin'), join(app, 'bin'), { recursive: true });
  await cp(join(repo, 'package.json'), join(app, 'package.json'));
  await cp(join(repo, 'bench', 'lib', 'stagecraft-cli.mjs'), join(app, 'bench', 'lib', 'stagecraft-cli.mjs'));
  await symlink(join(repo, 'node_modules'), join(app, 'node_modules'));
  const commit = (await runChecked('git', ['-C', repo, 'describe', '--always', '--dirty'], { allowFailure: true })).stdout.trim();
  const bin = join(app, 'bin', 'stagecraft');
  const help = await runChecked(...invocation(bin, ['build', '--help']), { allowFailure: true });
  if (help.code === 0) return { entry: bin, bin, via: 'bin/stagecraft', commit };
  const fallback = join(app, 'bench', 'lib', 'stagecraft-cli.mjs');
  const again = await runChecked(...invocation(fallback, ['build', '--help']), { allowFailure: true });
  if (again.code === 0) return { entry: fallback, bin, via: 'bench/lib/stagecraft-cli.mjs (build is not wired into bin/stagecraft)', commit };
  return { reason: `the compiled CLI does not start: ${(help.stderr || again.stderr).trim().split('\n')[0]}` };
}

/**
 * How to start a CLI entry: bin/stagecraft is a shell launcher (it picks node's start-up snapshot
 * when it can), so it is executed itself; a .mjs entry is run by this node.
 * @returns {[string, string[]]}
 */
export function invocation(entry, args) {
  return entry.endsWith('.mjs') ? [process.execPath, [entry, ...args]] : [entry, args];
}

export function createStagecraftBuilder({ tmp, baseRoot, baseImages, stagecraft, log }) {
  const template = join(tmp, 'sc-template');
  const work = join(tmp, 'sc-root');
  let entry;
  const cli = (root, args, options = {}) => runChecked(...invocation(entry, ['--root', root, ...args]), options);

  return {
    name: 'stagecraft',
    label: 'stagecraft',
    async setup() {
      if (stagecraft.entry === undefined) return { ok: false, reason: stagecraft.reason };
      entry = stagecraft.entry;
      await removeTree(template);
      await runChecked('cp', ['-al', baseRoot, template]);
      // Warm-up: unpack each base image's layers the way a build does.
      const warm = join(tmp, 'sc-warmup');
      await mkdir(warm, { recursive: true });
      for (const [i, ref] of baseImages.entries()) {
        await writeFile(join(warm, `Dockerfile.${i}`), `FROM ${ref}\nRUN true\n`);
        await cli(template, ['build', '--progress', 'quiet', '-f', join(warm, `Dockerfile.${i}`), warm]);
      }
      await rm(warm, { recursive: true, force: true });
      for (const dir of ['cache', 'context-cache', 'cache-mounts']) await rm(join(template, dir), { recursive: true, force: true });
      await cli(template, ['prune']);
      log(`stagecraft: template root ready (${stagecraft.via})`);
      return { ok: true, version: `stagecraft at ${stagecraft.commit} (dist/ of ${repo} as built when the run started), run through ${stagecraft.via}` };
    },
    async reset() {
      await removeTree(work);
      await runChecked('cp', ['-al', template, work]);
    },
    async build({ contextDir, tag, output }) {
      const args = ['--root', work, 'build', '--progress', 'json', '-t', tag];
      if (output !== undefined) args.push('--output', output);
      args.push(contextDir);
      const run = await runMeasured(...invocation(entry, args), { tmp });
      const progress = parseStagecraftJson(run.stdout);
      return { run, progress, log: run.stderr + filterLogs(run.stdout) };
    },
    async teardown() {
      await removeTree(work);
      await removeTree(template);
    },
  };
}

/** The step output carried in json events, as text (for the error report of a failed build). */
function filterLogs(jsonLines) {
  let text = '';
  for (const line of jsonLines.split('\n')) {
    if (!line.includes('"step-log"') && !line.includes('"step-failed"') && !line.includes('"build-finished"')) continue;
    try {
      const event = JSON.parse(line);
      if (event.type === 'step-log' && typeof event.data === 'string') text += event.data;
      else if (event.error !== undefined) text += `${event.error}\n`;
    } catch {
      // not an event
    }
  }
  return text;
}

/** The base images missing from a stagecraft root, by asking `images` (a CLI that fails is an error, not "missing"). */
export async function missingBaseImages(bin, baseRoot, refs) {
  if (!existsSync(join(baseRoot, 'layout.json'))) return [...refs];
  const listed = await runChecked(...invocation(bin, ['--root', baseRoot, 'images']));
  const have = new Set(
    listed.stdout
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols.length >= 2)
      .map(([name, tag]) => `${name}:${tag}`),
  );
  return refs.filter((ref) => !have.has(ref));
}
