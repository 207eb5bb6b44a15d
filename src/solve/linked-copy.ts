/**
 * `COPY --link` / `ADD --link`, as BuildKit's Dockerfile frontend makes them: the files are copied
 * into an empty tree (BuildKit: a file op on scratch) whose changes become a layer of their own,
 * then that layer is put on top of the stage (BuildKit: a merge op). The copy never sees the
 * stage's files: destination parents are made afresh (0755, the --chown owner), symlinks of the
 * stage on the destination path are not followed, names in --chown cannot be looked up. Its key
 * leaves the parent out, so when the base or an earlier step changes, the layer is reused as is.
 */
import { BuildError } from '../errors/index.js';
import type { Digest } from '../oci/index.js';
import { parseChown } from '../ops/index.js';
import type { BuildPlan, PlannedInstruction } from '../plan/index.js';
import { baseCacheKey, mergedStateKey, stepCacheKey } from './cache-key.js';
import type { CacheKey, StepKeyInputs } from './cache-key.js';
import type { FsState } from './session.js';

/**
 * Whether a step copies into a layer of its own: COPY or ADD with --link and without --chmod
 * (BuildKit links only then; with --chmod the copy is made on the stage as without --link).
 */
export function isLinkedCopy(instruction: PlannedInstruction): boolean {
  return (instruction.kind === 'copy' || instruction.kind === 'add') && instruction.link && instruction.chmod === undefined;
}

/** The empty file system a linked copy is made on; its key is the same for every stage and platform. */
export function linkedCopyBase(): FsState {
  return { key: baseCacheKey({ kind: 'scratch', platform: 'link' }), layers: [] };
}

/**
 * The key of a linked copy: its instruction (with the destination resolved) and inputs on the
 * empty tree, whatever the stage's files and working directory are.
 */
export function linkedCopyKey(instruction: PlannedInstruction, extra: StepKeyInputs): CacheKey {
  return stepCacheKey(linkedCopyBase().key, instruction, { ...extra, workdir: '/' });
}

/**
 * The key of the stage's file system once the linked layer is on top of `parent`: later steps
 * depend on both (BuildKit's merge op has both as inputs).
 */
export function linkedStateKey(parent: CacheKey, step: CacheKey, diffId: Digest): CacheKey {
  return mergedStateKey(parent, step, diffId);
}

/**
 * Refuses, before anything runs, the linked copies BuildKit cannot make: `--chown` with a user or
 * group name (an empty tree has no /etc/passwd or /etc/group to find it in).
 */
export function checkLinkedCopies(plan: BuildPlan, options: { readonly file?: string } = {}): void {
  for (const stage of plan.stages) {
    if (!stage.needed) continue;
    for (const step of stage.steps) {
      const i = step.instruction;
      if (!isLinkedCopy(i) || (i.kind !== 'copy' && i.kind !== 'add') || i.chown === undefined) continue;
      const spec = parseChown(i.chown);
      const name = 'name' in spec.user ? spec.user.name : spec.group !== undefined && 'name' in spec.group ? spec.group.name : undefined;
      if (name === undefined) continue;
      throw new BuildError('INVALID_COPY_OPTION', `${i.kind.toUpperCase()} --link cannot use --chown=${i.chown}: the name ${name} cannot be looked up`, {
        locations: [step.range],
        ...(options.file !== undefined ? { file: options.file } : {}),
        hint: 'a linked copy is made apart from the stage, without its /etc/passwd and /etc/group: give numeric ids (--chown=UID:GID), or drop --link',
        details: { chown: i.chown },
      });
    }
  }
}
