import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifySource, downloadUrl, resolveGitSource } from '../ops/index.js';
import type { DownloadedFile, ResolvedGitSource, SelectedSource } from '../ops/index.js';
import type { ContentSource, PlanStep } from '../plan/index.js';
import { canonicalJson } from './cache-key.js';
import { selectContext, selectTree } from './context-source.js';
import type { BuildSession, FsState } from './session.js';
import { unpackLayer } from '../snapshot/index.js';
import { layerDirOf, singleLayerRoot } from './single-layer-view.js';
import { reduceForPaths } from './source-reduction.js';
import type { StageRunner } from './stage-runner.js';
import { openView } from './with-snapshot.js';

/** What a step reads, found before its key: digests for the key, and what the work needs again. */
export interface StepSources {
  /** Content digests of every input, in the step's input order. */
  readonly digests: readonly string[];
  /** The file system of a stage or image the step reads (built by now). */
  fsOf(origin: ContentSource): FsState | undefined;
  /** The context paths a COPY/ADD reads, as listed for its key (copied as listed). */
  readonly contextSelection: readonly SelectedSource[] | undefined;
  /** ADD URLs fetched for the key (when no --checksum names the content). */
  readonly downloads: ReadonlyMap<string, DownloadedFile>;
  /** ADD git sources resolved to a commit for the key (the copy checks out that commit). */
  readonly gitSources: ReadonlyMap<string, ResolvedGitSource>;
  /**
   * A view of the source stage a COPY --from reads, when one was mounted to hash its files (the
   * copy reads the same view instead of mounting another).
   */
  viewOf(origin: ContentSource): string | undefined;
  /** Removes what was fetched and unmounts the views. */
  release(): Promise<void>;
}

function copyOptions(step: PlanStep): { exclude?: readonly string[]; parents?: boolean } {
  const i = step.instruction;
  if (i.kind === 'copy') return { exclude: i.exclude, parents: i.parents };
  if (i.kind === 'add') return { exclude: i.exclude };
  return {};
}

/** The patterns a step reads from its source as written: COPY/ADD sources (not URLs), or a mount's source path. */
function localPatterns(step: PlanStep, paths: readonly string[]): readonly string[] {
  const i = step.instruction;
  if (i.kind === 'copy' || i.kind === 'add') return i.sources.filter((s) => classifySource(s) === 'path');
  return paths;
}

/**
 * Finds a step's inputs and their content digests: context selections (after .dockerignore,
 * wildcards and --exclude, hashed through the stat cache), the selected paths in another stage's
 * result (their digest remembered per stage result, so an unchanged stage is not read again),
 * images by manifest digest, URLs by --checksum or by their downloaded content.
 */
export async function stepInputs(session: BuildSession, step: PlanStep, stages: Pick<StageRunner, 'run'>): Promise<StepSources> {
  const digests: string[] = [];
  const stageFs = new Map<number, FsState>();
  const imageFs = new Map<string, FsState>();
  const downloads = new Map<string, DownloadedFile>();
  const gitSources = new Map<string, ResolvedGitSource>();
  let contextSelection: SelectedSource[] | undefined;
  let downloadDir: string | undefined;
  const views = new Map<number, { readonly rootfs: string; release(): Promise<void> }>();
  const release = async (): Promise<void> => {
    await Promise.allSettled([...views.values()].map((view) => view.release()));
    if (downloadDir !== undefined) await rm(downloadDir, { recursive: true, force: true });
  };
  const options = { ...copyOptions(step), signal: session.signal };
  try {
    for (const input of step.inputs) {
      switch (input.kind) {
        case 'context': {
          const source = input.name === undefined ? await session.context() : await session.namedContext(input.name);
          const selected = await selectContext(source, localPatterns(step, input.paths), options);
          if (step.instruction.kind === 'copy' || step.instruction.kind === 'add') contextSelection = selected.selection;
          digests.push(selected.digest);
          break;
        }
        case 'stage': {
          const fs = (await stages.run(input.stage)).fs;
          stageFs.set(input.stage, fs);
          const isCopy = step.instruction.kind === 'copy';
          digests.push(
            await treeDigest(session, fs, localPatterns(step, input.paths), options, (view) => {
              if (isCopy) views.set(input.stage, view);
              return isCopy;
            }),
          );
          break;
        }
        case 'image': {
          const fs = await session.imageFs(input.ref);
          imageFs.set(input.ref, fs);
          digests.push(canonicalJson({ image: fs.key, paths: localPatterns(step, input.paths), ...options, signal: undefined }));
          break;
        }
        case 'url': {
          const checksum = step.instruction.kind === 'add' ? step.instruction.checksum : undefined;
          if (checksum !== undefined) {
            digests.push(`url:${input.url}:${checksum}`);
            break;
          }
          downloadDir ??= await mkdtemp(join(tmpdir(), 'stagecraft-add-'));
          const file = await downloadUrl(input.url, { dir: await mkdtemp(join(downloadDir, 'url-')), signal: session.signal });
          downloads.set(input.url, file);
          digests.push(`url:${input.url}:${file.digest}`);
          break;
        }
        case 'git': {
          // keyed by the commit the ref names now (BuildKit's git source key), not by the URL
          const add = step.instruction.kind === 'add' ? step.instruction : undefined;
          const resolved = await resolveGitSource(input.url, { keepGitDir: add?.keepGitDir, checksum: add?.checksum }, { signal: session.signal });
          gitSources.set(input.url, resolved);
          digests.push(`git:${resolved.cacheKey}`);
          break;
        }
      }
    }
  } catch (err) {
    await release();
    throw err;
  }
  return {
    digests,
    fsOf: (origin) => (origin.kind === 'stage' ? stageFs.get(origin.stage) : origin.kind === 'image' ? imageFs.get(origin.ref) : undefined),
    contextSelection,
    downloads,
    gitSources,
    viewOf: (origin) => (origin.kind === 'stage' ? views.get(origin.stage)?.rootfs : undefined),
    release,
  };
}

/**
 * The digest of `patterns` in a built file system, remembered by the file system's key. When the
 * files have to be read, `keep` may take the view they were read from (true: it releases it).
 */
async function treeDigest(
  session: BuildSession,
  fs: FsState,
  patterns: readonly string[],
  options: { exclude?: readonly string[]; parents?: boolean; signal: AbortSignal },
  keep: (view: { readonly rootfs: string; release(): Promise<void> }) => boolean,
): Promise<string> {
  const selector = canonicalJson({ patterns, exclude: options.exclude, parents: options.parents });
  const known = await session.cache.sourceDigest(fs.key, selector);
  if (known !== undefined) return known;
  // the same files may have been hashed in a file system that differs only in layers not touching them
  const reduced = await reduceForPaths(fs, patterns, (layer) => layer.dir !== undefined ? Promise.resolve(layer.dir) : unpackLayer(session.store, layer.layer, { signal: session.signal }));
  const same = reduced.key === fs.key ? undefined : await session.cache.sourceDigest(reduced.key, selector);
  let digest = same;
  if (digest === undefined) {
    // the reduced file system shows the same files at these paths: the copy may read from its view
    const direct = await singleLayerRoot(reduced, patterns, options, layerDirOf(session));
    const view = direct !== undefined ? { rootfs: direct, release: () => Promise.resolve() } : await openView(session, reduced);
    let kept = false;
    try {
      digest = (await selectTree(view.rootfs, patterns, options)).digest;
      kept = keep(view);
    } finally {
      if (!kept) await view.release();
    }
  }
  // records for later builds: written while the build goes on (see BuildSession.defer)
  session.defer(session.cache.putSourceDigest(fs.key, selector, digest));
  if (reduced.key !== fs.key) session.defer(session.cache.putSourceDigest(reduced.key, selector, digest));
  return digest;
}
