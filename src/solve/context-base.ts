import { invariant } from '../errors/index.js';
import type { Platform } from '../oci/index.js';
import type { PlanStage, PlanStep } from '../plan/index.js';
import { baseCacheKey } from './cache-key.js';
import type { ConfigState } from './image-config.js';
import { runLayerStep } from './layer-step.js';
import type { BuildSession, FsState } from './session.js';
import type { StageRunner } from './stage-runner.js';

/**
 * The file system of a stage that starts from a `--build-context NAME=DIR` (`FROM NAME`, or a
 * stage the context replaces): the directory's files (after its own .dockerignore) as one layer
 * on the empty file system, as BuildKit makes a local source the stage's root. It is made as a
 * `COPY / /` from that context would be, so it is keyed by the directory's content: an unchanged
 * directory is CACHED, a changed file makes a new layer. Progress shows the stage's FROM step
 * (`[context NAME] load from client`).
 */
export async function contextBaseFs(
  session: BuildSession,
  context: { readonly stage: PlanStage; readonly config: ConfigState; readonly platform: Platform; readonly stages: StageRunner },
): Promise<{ fs: FsState; created: string | undefined }> {
  const { stage } = context;
  invariant(stage.base.kind === 'context', 'contextBaseFs needs a stage based on a named context');
  const name = stage.base.context;
  const from = stage.steps[0];
  invariant(from?.kind === 'from', `the stage based on the named context ${name} has no FROM step`);
  const load: PlanStep = {
    ...from,
    layer: true,
    instruction: {
      kind: 'copy',
      from: { kind: 'context', name },
      sources: ['/'],
      contents: [],
      destination: '/',
      destinationPath: '/',
      chown: undefined,
      chmod: undefined,
      link: false,
      parents: false,
      exclude: [],
    },
    inputs: [{ kind: 'context', name, paths: ['/'] }],
  };
  const scratch: FsState = { key: baseCacheKey({ kind: 'scratch', platform: stage.platform }), layers: [] };
  return runLayerStep(session, { ...context, step: load, fs: scratch });
}
