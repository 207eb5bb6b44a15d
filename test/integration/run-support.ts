/**
 * Helpers for the `stagecraft run` integration tests: what the machine must offer, a tiny test
 * image made without the build engine (the host's own programs, imported as a rootfs tarball),
 * the detached supervisor compiled to JavaScript (node cannot run the TypeScript sources), and
 * checks that nothing of a container is left running or mounted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { importRootfs } from '../../src/export/index.js';
import { probeRuntime } from '../../src/runtime/index.js';
import { createTinyRootfs } from '../../src/runtime/testing/tiny-rootfs.js';
import type { Store } from '../../src/store/index.js';

const REPO = resolve(import.meta.dirname, '..', '..');

/** Why the container tests cannot run here, or undefined when they can. */
export async function containerTestsUnavailable(): Promise<string | undefined> {
  const probe = await probeRuntime('runc');
  if (!probe.ok) return probe.problems.join('; ');
  if (spawnSync('slirp4netns', ['--version'], { stdio: 'ignore' }).status !== 0) return 'slirp4netns is not installed (apt-get install slirp4netns)';
  if (spawnSync('unshare', ['--version'], { stdio: 'ignore' }).status !== 0) return 'unshare (util-linux) is missing';
  return undefined;
}

/**
 * Makes `tag` in the store: the host's sh, cat, echo, id, ls, env, sleep, touch and mkdir with
 * their libraries, /etc/passwd with root and tester (1234), and the config `changes`
 * (Dockerfile instructions, as `import --change`).
 */
export async function importTinyImage(store: Store, dir: string, tag: string, changes: readonly string[]): Promise<void> {
  const rootfs = await createTinyRootfs(join(dir, `${tag.replace(/[^a-z0-9]/g, '-')}-rootfs`));
  const tar = `${rootfs}.tar`;
  const result = spawnSync('tar', ['-C', rootfs, '-cf', tar, '.']);
  if (result.status !== 0) throw new Error(`tar failed: ${result.stderr.toString()}`);
  await store.putImage(await importRootfs(tar, { changes }), { tags: [tag] });
}

const IMPORT_PATTERN = /(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)\.js'/g;

/**
 * Transpiles `src/cli/commands/run-supervisor.ts` and every source it imports (types stripped,
 * no type check) under `.stagecraft/test-supervisor/<hash of the sources>/` (inside the checkout,
 * so node finds the dependencies in node_modules) and returns the entry's path, for
 * STAGECRAFT_SUPERVISOR_SCRIPT. Test files running side by side share one finished copy: each
 * writes into a temp directory renamed into place, never over files another may be running.
 */
export async function compileSupervisor(): Promise<string> {
  const srcRoot = join(REPO, 'src');
  const base = join(REPO, '.stagecraft', 'test-supervisor');
  const outputs = new Map<string, string>();
  const pending = [join(srcRoot, 'cli', 'commands', 'run-supervisor.ts')];
  while (pending.length > 0) {
    const file = pending.pop() ?? '';
    const target = relative(srcRoot, file).replace(/\.ts$/, '.js');
    if (outputs.has(target)) continue;
    const source = await readFile(file, 'utf8');
    const output = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    outputs.set(target, output.outputText);
    for (const match of source.matchAll(IMPORT_PATTERN)) {
      const next = resolve(dirname(file), `${match[1] ?? ''}.ts`);
      if (existsSync(next)) pending.push(next);
    }
  }
  const hash = createHash('sha256');
  for (const [target, text] of [...outputs].sort(([a], [b]) => a.localeCompare(b))) hash.update(`${target}\0${text}\0`);
  const outRoot = join(base, hash.digest('hex').slice(0, 16));
  const entry = join(outRoot, 'cli', 'commands', 'run-supervisor.js');
  if (existsSync(entry)) return entry;
  const temp = `${outRoot}.tmp-${String(process.pid)}`;
  for (const [target, text] of outputs) {
    await mkdir(dirname(join(temp, target)), { recursive: true });
    await writeFile(join(temp, target), text);
  }
  try {
    await rename(temp, outRoot);
  } catch {
    await rm(temp, { recursive: true, force: true }); // another test process finished the same copy first
  }
  // Copies of older sources, unused for an hour, go.
  for (const name of await readdir(base)) {
    const path = join(base, name);
    if (path !== outRoot && Date.now() - (await stat(path)).mtimeMs > 3_600_000) await rm(path, { recursive: true, force: true });
  }
  return entry;
}

/** Mount points under `dir` (from /proc/self/mountinfo). */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point === dir || point.startsWith(`${dir}/`));
}

/** Processes whose command line mentions `text` (slirp4netns, runc, supervisors of a test root). */
export async function processesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || pid === String(process.pid)) continue;
    try {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
      if (cmdline.includes(text)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // gone
    }
  }
  return found;
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Holds `path` (created exclusively) while `work` runs, so test processes that bootstrap base
 * images into the same root take turns; a lock older than 30 minutes is a crashed holder's.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (await stat(path).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 30 * 60_000) await rm(path, { force: true });
      else await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}

