import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../errors/index.js';
import { parseDockerignore } from './parse-dockerignore.js';

export interface ResolvedDockerignore {
  /** The file the patterns came from; undefined when there is none. */
  readonly path: string | undefined;
  readonly patterns: readonly string[];
}

const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && ABSENT.has(code)) return undefined;
    throw new BuildError('CONTEXT_UNREADABLE', `cannot read ${path} (${typeof code === 'string' ? code : 'EIO'})`, {
      details: { path },
      cause: error,
    });
  }
}

/**
 * Finds the ignore file BuildKit would use: `<Dockerfile>.dockerignore` beside the Dockerfile
 * (e.g. `app.Dockerfile.dockerignore`) wins over `.dockerignore` at the context root.
 */
export async function resolveDockerignore(
  contextDir: string,
  dockerfilePath: string,
): Promise<ResolvedDockerignore> {
  for (const path of [`${dockerfilePath}.dockerignore`, join(contextDir, '.dockerignore')]) {
    const text = await readIfPresent(path);
    if (text !== undefined) return { path, patterns: parseDockerignore(text, { file: path }) };
  }
  return { path: undefined, patterns: [] };
}
