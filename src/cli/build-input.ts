import { resolve } from 'node:path';
import { readDockerfileInput } from './read-dockerfile.js';
import { readStdinContext } from './stdin-context.js';

/** What `stagecraft build` builds from: the context directory and the Dockerfile. */
export interface BuildInput {
  readonly contextDir: string;
  /** The Dockerfile's text, and its path as errors show it (absolute, or `<stdin>...`). */
  readonly text: string;
  readonly dockerfilePath: string;
  /** The context came from an archive on standard input. */
  readonly fromArchive: boolean;
  /** Removes what reading the input made (the temp dir of a context from standard input). */
  release(): Promise<void>;
}

/**
 * The context and Dockerfile of `stagecraft build [-f FILE|-] CONTEXT`, as docker takes them:
 * CONTEXT `-` reads a tar archive (or a Dockerfile) from standard input (stdin-context.ts);
 * otherwise CONTEXT is a directory and the Dockerfile is `-f FILE`, `-f -` or CONTEXT/Dockerfile.
 */
export async function readBuildInput(context: string, file: string | undefined, options: { readonly contextHint: string }): Promise<BuildInput> {
  if (context === '-') {
    const stdin = await readStdinContext(process.stdin, { dockerfile: file });
    return { contextDir: stdin.contextDir, text: stdin.text, dockerfilePath: stdin.file, fromArchive: stdin.fromArchive, release: () => stdin.release() };
  }
  const read = await readDockerfileInput(context, file, options);
  return { contextDir: context, text: read.text, dockerfilePath: read.fromStdin ? read.file : resolve(read.file), fromArchive: false, release: () => Promise.resolve() };
}
