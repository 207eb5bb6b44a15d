import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invariant } from '../errors/index.js';
import { runStep } from '../runtime/index.js';
import type { ExtraMountInput } from '../runtime/index.js';
import type { CommitResult } from '../snapshot/index.js';
import type { LayerStepContext } from './layer-step.js';
import { runNetwork } from './layer-step.js';
import { prepareRunMounts } from './run-mounts.js';
import { prepareStepSecrets } from './secret-mounts.js';
import type { StepSecrets } from './secret-mounts.js';
import type { BuildSession, StepEvents } from './session.js';
import type { StepSources } from './step-inputs.js';
import { changeInSnapshot } from './with-snapshot.js';

/**
 * RUN: a container over a writable snapshot of the stage's file system, with the plan's argv,
 * env (+ the proxy build args), user and working directory, the build's network unless the step
 * asks for its own, and its `--mount`s; output goes to the step's log; the changes become a layer.
 */
export async function executeRun(session: BuildSession, context: LayerStepContext, sources: StepSources, events: StepEvents): Promise<CommitResult | undefined> {
  const { step, fs, stage } = context;
  const run = step.instruction;
  invariant(run.kind === 'run', 'executeRun needs a RUN step');
  const network = runNetwork(step, session.options.network) ?? session.options.network;
  return changeInSnapshot(session, fs, async (rootfs) => {
    const prepared = await prepareRunMounts(session, run.mounts, (origin) => sources.fsOf(origin));
    let scriptDir: string | undefined;
    let secrets: StepSecrets | undefined;
    try {
      secrets = await prepareStepSecrets(session.options, run);
      const mounts: ExtraMountInput[] = [...prepared.mounts, ...secrets.mounts];
      if (run.scriptFile !== undefined) {
        // A heredoc with a #! line runs from a file, as BuildKit mounts it under /dev/pipes.
        scriptDir = await mkdtemp(join(tmpdir(), 'stagecraft-heredoc-'));
        const script = join(scriptDir, 'script');
        await writeFile(script, run.scriptFile.data);
        await chmod(script, 0o755);
        mounts.push({ type: 'bind', source: script, destination: run.scriptFile.path, options: ['rbind', 'ro'] });
      }
      await runStep(
        {
          args: run.args,
          env: [...run.env, ...run.proxyEnv, ...secrets.env],
          cwd: step.workdir,
          user: run.user,
          rootfs,
          network,
          security: run.security,
          mounts,
          ...(stage.id !== '' ? { stage: stage.id } : {}),
        },
        {
          stateRoot: session.runtimeRoot,
          // the step's own temp directory is removed while the build goes on, unless it is inside
          // the secrets' directory, which is removed right after the step
          ...(secrets.tempDir !== undefined ? { tempDir: secrets.tempDir } : { deferCleanup: (work: Promise<void>) => { session.defer(work); } }),
          signal: session.signal,
          ...(session.options.runtime !== undefined ? { runtime: session.options.runtime } : {}),
          onOutput: (stream, chunk) => {
            events.log(stream, chunk);
          },
        },
      );
    } finally {
      await secrets?.release();
      await prepared.release();
      if (scriptDir !== undefined) await rm(scriptDir, { recursive: true, force: true });
    }
  });
}
