import { BuildError } from '../errors/index.js';
import type { CommitResult } from '../snapshot/index.js';
import type { LayerStepContext } from './layer-step.js';
import type { BuildSession, StepEvents } from './session.js';
import type { StepSources } from './step-inputs.js';
import { changeInSnapshot } from './with-snapshot.js';

/** Does the work of a layer step (cache missed) and commits its changes. */
export async function executeStep(session: BuildSession, context: LayerStepContext, sources: StepSources, events: StepEvents): Promise<CommitResult | undefined> {
  const { step } = context;
  const instruction = step.instruction;
  switch (instruction.kind) {
    // the runtime and the copier are loaded when a step has to run (a cached build needs neither)
    case 'run':
      return (await import('./execute-run.js')).executeRun(session, context, sources, events);
    case 'copy':
    case 'add':
      return (await import('./execute-copy.js')).executeCopy(session, context, sources);
    case 'workdir':
      // BuildKit's mkdir -p, owned by the stage's USER when it has to create the directory.
      return changeInSnapshot(session, context.fs, async (rootfs) => {
        const { ensureWorkdir, resolveUser } = await import('../runtime/index.js');
        const user = await resolveUser(rootfs, context.config.config.User ?? '', context.stage.id !== '' ? { stage: context.stage.id } : {});
        await ensureWorkdir(rootfs, instruction.workdir, user);
      });
    default:
      throw new BuildError('UNSUPPORTED_INSTRUCTION', `${instruction.kind.toUpperCase()} does not change the file system`);
  }
}
