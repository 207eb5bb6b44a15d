import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BuildError, suggestClosest } from '../errors/index.js';
import { appendLayers, emptyImage, layerFromTarFile, withConfig } from '../image/index.js';
import type { Layer } from '../image/index.js';
import { hostPlatform } from '../oci/index.js';
import type { HistoryEntry } from '../oci/index.js';
import { directoryLayerEntries } from '../snapshot/index.js';
import type { DirectoryLayerMode } from '../snapshot/index.js';
import type { Store } from '../store/index.js';
import { StoreLock } from '../store/lock.js';
import { writeTar } from '../tar/index.js';
import type { TarEntry } from '../tar/index.js';
import { findDebianMirror } from './debian-mirror.js';
import type { DebianMirror } from './debian-mirror.js';
import { BASE_IMAGE_RECIPES, findRecipe } from './recipes.js';
import type { BaseImageRecipe } from './recipes.js';
import { ensureMinbase, installOverLower } from './rootfs.js';
import type { LogSink } from './rootfs.js';

/** The label that records what a bootstrapped image was made from; equal label, nothing to redo. */
export const BOOTSTRAP_KEY_LABEL = 'org.stagecraft.bootstrap.key';
/** Where the host CA bundle goes in an image made with `withHostCaCertificates`. */
export const HOST_CA_PATH = 'etc/ssl/certs/ca-certificates.crt';
const RECIPE_FORMAT_VERSION = 2;

export interface BootstrapOptions {
  /** Image names (`node:18`); all recipes when empty. */
  readonly names?: readonly string[];
  /**
   * Adds the host's CA bundle (and NODE_EXTRA_CA_CERTS / SSL_CERT_FILE / REQUESTS_CA_BUNDLE /
   * PIP_CERT pointing at it) as a last layer: for machines behind a TLS-intercepting proxy. Off by
   * default: an image should never silently trust the builder's CAs.
   */
  readonly withHostCaCertificates?: boolean;
  readonly hostCaBundle?: string;
  /** Rebuild even when an up-to-date image is in the store. */
  readonly force?: boolean;
  readonly aptDir?: string;
  readonly log?: LogSink;
  readonly signal?: AbortSignal;
}

export interface BootstrapResult {
  readonly name: string;
  readonly tags: readonly string[];
  readonly digest: string;
  readonly upToDate: boolean;
}

export function selectRecipes(names: readonly string[]): BaseImageRecipe[] {
  if (names.length === 0) return [...BASE_IMAGE_RECIPES];
  return names.map((name) => {
    const recipe = findRecipe(name);
    if (recipe !== undefined) return recipe;
    const known = BASE_IMAGE_RECIPES.flatMap((r) => r.tags);
    const guess = suggestClosest(name, known);
    throw new BuildError('USAGE', `stagecraft bootstrap cannot make ${name}`, {
      hint: `${guess !== undefined ? `did you mean ${guess}? ` : ''}known images: ${known.join(', ')}`,
    });
  });
}

function recipeKey(recipe: BaseImageRecipe, mirror: DebianMirror, caDigest: string | undefined): string {
  const material = JSON.stringify({ v: RECIPE_FORMAT_VERSION, recipe, mirror, caDigest: caDigest ?? null });
  return createHash('sha256').update(material).digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function upToDate(store: Store, recipe: BaseImageRecipe, key: string): Promise<string | undefined> {
  const first = recipe.tags[0];
  if (first === undefined) return undefined;
  const digest = await store.resolveRef(first);
  if (digest === undefined) return undefined;
  for (const tag of recipe.tags) if ((await store.resolveRef(tag)) !== digest) return undefined;
  try {
    const config = await (await store.getImage(first)).config();
    return config.config?.Labels?.[BOOTSTRAP_KEY_LABEL] === key ? digest : undefined;
  } catch {
    return undefined;
  }
}

async function writeLayerFile(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>, path: string): Promise<Layer> {
  await pipeline(Readable.from(writeTar(entries)), createWriteStream(path));
  return layerFromTarFile(path, { compression: 'none' });
}

function directoryLayer(dir: string, mode: DirectoryLayerMode, path: string, signal: AbortSignal | undefined): Promise<Layer> {
  return writeLayerFile(directoryLayerEntries(dir, { mode, ...(signal !== undefined ? { signal } : {}) }), path);
}

async function hostCaLayer(bundle: Buffer, path: string): Promise<Layer> {
  const mtime = 0;
  const dirs = ['etc/', 'etc/ssl/', 'etc/ssl/certs/'];
  const entries: TarEntry[] = [
    ...dirs.map((name) => ({ header: { name, type: 'directory' as const, mode: 0o755, uid: 0, gid: 0, size: 0, mtime } })),
    {
      header: { name: HOST_CA_PATH, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: bundle.length, mtime },
      open: () => Readable.from([bundle]),
    },
  ];
  return writeLayerFile(entries, path);
}

/**
 * Makes the base images of `names` (all known ones by default) from Debian packages and tags them
 * in `store`: debootstrap's minbase once (cached under the state directory), then per image one
 * layer of packages installed over it in an overlay. An image whose recipe, mirror and options are
 * unchanged is left as it is, so running this again is fast.
 */
export async function bootstrapBaseImages(store: Store, options: BootstrapOptions = {}): Promise<BootstrapResult[]> {
  const log = options.log ?? (() => undefined);
  const signal = options.signal;
  const recipes = selectRecipes(options.names ?? []);
  const mirror = await findDebianMirror(options.aptDir);
  if (mirror === undefined) {
    throw new BuildError('BOOTSTRAP_UNAVAILABLE', 'no Debian mirror is configured in /etc/apt', {
      hint: 'stagecraft bootstrap uses the mirror apt uses; add one to /etc/apt/sources.list.d/',
    });
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new BuildError('BOOTSTRAP_UNAVAILABLE', 'stagecraft bootstrap must run as root (debootstrap, mount and chroot need it)');
  }
  let caBundle: Buffer | undefined;
  if (options.withHostCaCertificates === true) {
    const bundlePath = options.hostCaBundle ?? '/etc/ssl/certs/ca-certificates.crt';
    try {
      caBundle = await readFile(bundlePath);
    } catch (cause) {
      throw new BuildError('BOOTSTRAP_UNAVAILABLE', `cannot read the host CA bundle ${bundlePath}`, { cause });
    }
  }
  const caDigest = caBundle === undefined ? undefined : createHash('sha256').update(caBundle).digest('hex');

  // One bootstrap at a time per state directory: two processes must not debootstrap into the same
  // tree (parallel test files, two terminals). The lock is the store's kind, beside the trees.
  const cacheDir = join(store.root, 'bootstrap');
  await mkdir(cacheDir, { recursive: true });
  const lock = new StoreLock(cacheDir, 60 * 60_000);
  return lock.withLock(() => bootstrapLocked(store, recipes, mirror, { caBundle, caDigest, cacheDir, log, signal, force: options.force === true }), {
    purpose: 'stagecraft bootstrap',
    signal,
  });
}

interface LockedBootstrap {
  readonly caBundle: Buffer | undefined;
  readonly caDigest: string | undefined;
  readonly cacheDir: string;
  readonly log: LogSink;
  readonly signal: AbortSignal | undefined;
  readonly force: boolean;
}

async function bootstrapLocked(store: Store, recipes: readonly BaseImageRecipe[], mirror: DebianMirror, options: LockedBootstrap): Promise<BootstrapResult[]> {
  const { caBundle, caDigest, cacheDir, log, signal } = options;
  const runOptions = { log, ...(signal !== undefined ? { signal } : {}) };
  const results = new Map<BaseImageRecipe, BootstrapResult>();
  const inOrder = (): BootstrapResult[] => recipes.flatMap((r) => results.get(r) ?? []);
  const pending: Array<{ recipe: BaseImageRecipe; key: string }> = [];
  for (const recipe of recipes) {
    const key = recipeKey(recipe, mirror, caDigest);
    const current = options.force ? undefined : await upToDate(store, recipe, key);
    if (current !== undefined) {
      log(`${recipe.tags[0] ?? ''}: up to date (${current})`);
      results.set(recipe, { name: recipe.tags[0] ?? '', tags: recipe.tags, digest: current, upToDate: true });
    } else {
      pending.push({ recipe, key });
    }
  }
  if (pending.length === 0) return inOrder();

  const minbase = await ensureMinbase(cacheDir, mirror, runOptions);
  await mkdir(join(cacheDir, 'tmp'), { recursive: true });
  const work = await mkdtemp(join(cacheDir, 'tmp', 'run-'));
  try {
    const baseTar = join(cacheDir, `minbase-${mirror.suite}.v${String(RECIPE_FORMAT_VERSION)}.tar`);
    if (!(await exists(baseTar)) || (await stat(baseTar)).size === 0) {
      log(`layer: minbase ${mirror.suite}`);
      const partial = `${baseTar}.partial`;
      await directoryLayer(minbase, 'full', partial, signal);
      await rename(partial, baseTar);
    }
    const baseLayer = layerFromTarFile(baseTar, { compression: 'none' });
    const caLayer = caBundle === undefined ? undefined : await hostCaLayer(caBundle, join(work, 'host-ca.tar'));
    for (const [index, { recipe, key }] of pending.entries()) {
      signal?.throwIfAborted();
      const name = recipe.tags[0] ?? '';
      const layers: Layer[] = [baseLayer];
      const history: HistoryEntry[] = [{ created_by: `debootstrap --variant=minbase ${mirror.suite}`, comment: 'stagecraft bootstrap' }];
      if (recipe.packages.length > 0 || recipe.script !== undefined) {
        log(`${name}: installing ${recipe.packages.join(' ') || '(script only)'}`);
        const upper = await installOverLower(minbase, work, recipe, runOptions);
        layers.push(await directoryLayer(upper, 'overlay-diff', join(work, `layer-${String(index)}.tar`), signal));
        history.push({
          created_by: `apt-get install --no-install-recommends ${recipe.packages.join(' ')}${recipe.script !== undefined ? ` && ${recipe.script}` : ''}`,
          comment: 'stagecraft bootstrap',
        });
      }
      const env = [...(recipe.config.Env ?? [])];
      if (caLayer !== undefined) {
        layers.push(caLayer);
        history.push({ created_by: `COPY host CA bundle /${HOST_CA_PATH}`, comment: 'stagecraft bootstrap --with-host-ca-certificates' });
        for (const variable of ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'PIP_CERT']) env.push(`${variable}=/${HOST_CA_PATH}`);
      }
      const created = new Date().toISOString();
      const image = withConfig(appendLayers(emptyImage(hostPlatform(process.platform, process.arch)), layers, { history }), (config) => ({
        ...config,
        created,
        config: { ...recipe.config, Env: env, Labels: { ...(recipe.config.Labels ?? {}), [BOOTSTRAP_KEY_LABEL]: key } },
        history: (config.history ?? []).map((h) => ({ ...h, created })),
      }));
      const digest = await store.putImage(image, { tags: recipe.tags, ...(signal !== undefined ? { signal } : {}) });
      log(`${name}: ${digest}`);
      results.set(recipe, { name, tags: recipe.tags, digest, upToDate: false });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return inOrder();
}
