import { invariant } from '../errors/index.js';
import { applyCopy, readSourceXattrs, selectionRoots } from '../ops/index.js';
import type { CopyOp } from '../ops/index.js';
import type { CommitResult } from '../snapshot/index.js';
import type { LayerStepContext } from './layer-step.js';
import { isLinkedCopy, linkedCopyBase } from './linked-copy.js';
import type { BuildSession } from './session.js';
import type { StepSources } from './step-inputs.js';
import { layerDirOf, singleLayerRoot } from './single-layer-view.js';
import { changeInSnapshot, viewSnapshot } from './with-snapshot.js';

/**
 * COPY and ADD: the files are copied into a writable snapshot of the stage, from the build context
 * (the selection listed for the key) or from a view of another stage's or an image's file system,
 * with BuildKit's rules (applyCopy); the changes become a layer.
 */
export async function executeCopy(session: BuildSession, context: LayerStepContext, sources: StepSources): Promise<CommitResult | undefined> {
  const i = context.step.instruction;
  invariant(i.kind === 'copy' || i.kind === 'add', 'executeCopy needs a COPY or ADD step');
  const op: Omit<CopyOp, 'destRoot'> = {
    kind: i.kind,
    destination: i.destinationPath,
    sources: i.sources,
    contents: i.contents,
    chown: i.chown,
    chmod: i.chmod,
    exclude: i.exclude,
    downloads: sources.downloads,
    ...(i.kind === 'copy' ? { parents: i.parents } : { checksum: i.checksum, unpack: i.unpack, keepGitDir: i.keepGitDir, gitSources: sources.gitSources }),
  };
  const options = { signal: session.signal };
  // COPY --link copies into an empty tree: its layer is made apart from the stage's files
  const target = isLinkedCopy(i) ? linkedCopyBase() : context.fs;
  const from = i.kind === 'copy' ? i.from : ({ kind: 'context' } as const);
  if (from.kind === 'context') {
    const source = from.name === undefined ? await session.context() : await session.namedContext(from.name);
    const selection = sources.contextSelection;
    // the sources' xattrs are read while the destination snapshot is mounted
    const sourceXattrs = selection !== undefined ? readSourceXattrs(selectionRoots(selection)) : undefined;
    sourceXattrs?.catch(() => undefined); // awaited by applyCopy; not left unhandled if the mount fails first
    return changeInSnapshot(session, target, async (rootfs) => {
      await applyCopy(
        {
          ...op,
          destRoot: rootfs,
          from: { root: source.root, kind: 'context', ...(source.ignore !== undefined ? { ignore: source.ignore } : {}) },
          ...(selection !== undefined ? { selection } : {}),
          ...(sourceXattrs !== undefined ? { sourceXattrs } : {}),
        },
        options,
      );
    });
  }
  const kind = from.kind === 'stage' ? 'stage' : 'image';
  const copyFrom = (sourceRoot: string): Promise<CommitResult | undefined> =>
    changeInSnapshot(session, target, async (rootfs) => {
      await applyCopy({ ...op, destRoot: rootfs, from: { root: sourceRoot, kind } }, options);
    });
  const open = sources.viewOf(from);
  if (open !== undefined) return copyFrom(open);
  const fs = from.kind === 'scratch' ? { key: context.fs.key, layers: [] } : sources.fsOf(from);
  invariant(fs !== undefined, 'the source of a COPY --from was not built');
  const direct = await singleLayerRoot(fs, i.sources, i.kind === 'copy' ? { parents: i.parents } : {}, layerDirOf(session));
  return direct !== undefined ? copyFrom(direct) : viewSnapshot(session, fs, copyFrom);
}
