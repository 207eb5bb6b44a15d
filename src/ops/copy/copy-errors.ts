import { BuildError } from '../../errors/index.js';

/** The `code` of a Node system error (`ENOENT`, ...), if it has one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** BuildKit's wording for a source that is not there: `failed to compute cache key: "/x": not found`. */
export function sourceNotFound(path: string, details: Readonly<Record<string, unknown>> = {}): BuildError<'COPY_SOURCE_NOT_FOUND'> {
  return new BuildError('COPY_SOURCE_NOT_FOUND', `failed to compute cache key: ${JSON.stringify(path)}: not found`, {
    details: { path, ...details },
    hint: 'the path is relative to the build context (or to the root of the --from stage or image); check its spelling and your .dockerignore',
  });
}

export function invalidCopyOption(message: string, details: Readonly<Record<string, unknown>> = {}, hint?: string): BuildError<'INVALID_COPY_OPTION'> {
  return new BuildError('INVALID_COPY_OPTION', message, { details, ...(hint !== undefined ? { hint } : {}) });
}

/** A failure while writing into the destination, named by its path inside the rootfs. */
export function copyFailed(message: string, cause?: unknown, details: Readonly<Record<string, unknown>> = {}): BuildError<'COPY_FAILED'> {
  return new BuildError('COPY_FAILED', message, { details, ...(cause !== undefined ? { cause } : {}) });
}

/** A host path shown as the container sees it: `<root>/a/b` -> `/a/b`. */
export function insideRoot(root: string, hostPath: string): string {
  if (hostPath === root) return '/';
  return hostPath.startsWith(root + '/') ? hostPath.slice(root.length) : hostPath;
}
