import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';

/** The Dockerfile a command was pointed at: its display name, text, and whether it came from stdin. */
export interface DockerfileInput {
  readonly file: string;
  readonly text: string;
  readonly fromStdin: boolean;
}

/** All of standard input, as UTF-8 text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Checks the build context directory and reads the Dockerfile as docker does: `-f FILE`, `-f -`
 * (standard input), or CONTEXT/Dockerfile; each failure is a BuildError worded like docker's.
 */
export async function readDockerfileInput(
  contextDir: string,
  fileOption: string | undefined,
  options: { readonly contextHint: string },
): Promise<DockerfileInput> {
  const contextInfo = await stat(contextDir).catch(() => undefined);
  if (contextInfo?.isDirectory() !== true) {
    throw new BuildError('CONTEXT_NOT_FOUND', `unable to prepare context: path ${JSON.stringify(contextDir)} not found`, {
      hint: options.contextHint,
    });
  }
  const fromStdin = fileOption === '-';
  const file = fromStdin ? '<stdin>' : (fileOption ?? join(contextDir, 'Dockerfile'));
  try {
    return { file, text: fromStdin ? await readStdin() : await readFile(file, 'utf8'), fromStdin };
  } catch {
    throw new BuildError('DOCKERFILE_NOT_FOUND', `failed to read dockerfile: open ${file}: no such file or directory`, {
      hint: 'name the Dockerfile with -f FILE (- for standard input), or put a Dockerfile in the context directory',
    });
  }
}
