import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import type { DebianMirror } from './debian-mirror.js';

/** What a bootstrap step prints, line by line, for the progress display. */
export type LogSink = (line: string) => void;

interface RunOptions {
  readonly log: LogSink;
  readonly signal?: AbortSignal;
}

/** Runs a program, streaming its output lines to `log`; a non-zero exit is a BuildError. */
export async function runLogged(program: string, args: readonly string[], options: RunOptions): Promise<void> {
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn(program, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    const tail: string[] = [];
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        options.log(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        new BuildError('BOOTSTRAP_FAILED', `cannot run ${program}: ${err.message}`, {
          ...(err.code === 'ENOENT' ? { hint: `install the Debian package that provides ${program}` } : {}),
          cause: err,
        }),
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new BuildError('BOOTSTRAP_FAILED', `${program} exited with code ${String(code)}`, {
            details: { lastLines: tail },
            hint: tail.slice(-5).join('\n'),
          }),
        );
    });
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Paths emptied from every bootstrapped tree, as the official slim images are cleaned. */
const CLEAN_PATHS = ['var/lib/apt/lists/*', 'var/cache/apt/*.bin', 'var/cache/apt/archives/*.deb', 'var/log/*.log', 'var/log/apt/*'];

/**
 * A cleaned Debian minbase tree for `mirror`, made once with debootstrap and kept under
 * `cacheDir` (a `<tree>.complete` marker beside it is written last, so an interrupted run is redone).
 */
export async function ensureMinbase(cacheDir: string, mirror: DebianMirror, options: RunOptions): Promise<string> {
  const tree = join(cacheDir, `minbase-${mirror.suite}`);
  // The marker lives beside the tree, never in it: the tree becomes the images' first layer.
  const marker = `${tree}.complete`;
  if (await exists(marker)) return tree;
  await rm(tree, { recursive: true, force: true });
  await mkdir(cacheDir, { recursive: true });
  options.log(`debootstrap --variant=minbase ${mirror.suite} (${mirror.uri})`);
  await runLogged('debootstrap', ['--variant=minbase', mirror.suite, tree, mirror.uri], options);
  // Images carry no host identity: empty resolv.conf and hostname, as docker's images do.
  await runLogged('sh', ['-c', `cd '${tree}' && rm -rf ${CLEAN_PATHS.join(' ')} && : > etc/resolv.conf && : > etc/hostname`], options);
  await writeFile(marker, new Date().toISOString());
  return tree;
}

/** The shell that installs a recipe's packages inside the mounted tree, then cleans up. */
function installScript(packages: readonly string[], script: string | undefined): string {
  const steps = ['set -e', 'export DEBIAN_FRONTEND=noninteractive'];
  if (packages.length > 0) {
    steps.push('apt-get update -qq');
    steps.push(`apt-get install -y -qq --no-install-recommends ${packages.join(' ')}`);
    steps.push('apt-get clean');
  }
  if (script !== undefined) steps.push(script);
  steps.push(`rm -rf ${CLEAN_PATHS.map((p) => '/' + p).join(' ')}`);
  return steps.join('\n');
}

/**
 * Installs `packages` over `lower` in an overlay whose upperdir (the returned `upper`) collects the
 * difference, to be turned into a layer. All mounts live in a private mount namespace
 * (`unshare -m`), so they vanish with the process even if it is killed.
 */
export async function installOverLower(
  lower: string,
  workDir: string,
  recipe: { packages: readonly string[]; script?: string },
  options: RunOptions,
): Promise<string> {
  const base = await mkdtemp(join(workDir, 'overlay-'));
  const upper = join(base, 'upper');
  const work = join(base, 'work');
  const merged = join(base, 'merged');
  for (const d of [upper, work, merged]) await mkdir(d, { recursive: true });
  const inside = installScript(recipe.packages, recipe.script);
  const outer = [
    'set -e',
    `mount -t overlay overlay -o lowerdir='${lower}',upperdir='${upper}',workdir='${work}' '${merged}'`,
    `mount -t proc proc '${merged}/proc'`,
    `mount --rbind /dev '${merged}/dev'`,
    `mount --bind /etc/resolv.conf '${merged}/etc/resolv.conf'`,
    `chroot '${merged}' /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root /bin/sh -c "$1"`,
  ].join('\n');
  await runLogged('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', outer, 'sh', inside], options);
  await rm(work, { recursive: true, force: true });
  return upper;
}
