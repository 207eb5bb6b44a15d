import { executeRun } from '../../../src/cli/commands/run.js';
import { e2eRoot } from './e2e-env.js';

export interface ImageRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `stagecraft run --rm --network none IMAGE [COMMAND...]` in the foreground against the end-to-end
 * store (as the CLI would run it: the image's ENTRYPOINT/CMD, WORKDIR and ENV), output captured.
 */
export async function runImage(image: string, command: readonly string[] = []): Promise<ImageRun> {
  let stdout = '';
  let stderr = '';
  const status = await executeRun(['--rm', '--network', 'none', image, ...command], {
    root: e2eRoot(),
    io: {
      write: (stream, chunk) => {
        const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
        if (stream === 'stdout') stdout += text;
        else stderr += text;
      },
      env: { PATH: process.env['PATH'] ?? '' },
    },
  });
  return { status, stdout, stderr };
}
