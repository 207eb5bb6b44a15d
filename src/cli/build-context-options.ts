import { BuildError } from '../errors/index.js';
import { normalizeContextName } from '../plan/index.js';

/**
 * `--build-context NAME=VALUE` values (repeatable), as buildx parses them: NAME must be a valid
 * image reference and is normalised (`alpine:latest` and `docker.io/library/alpine` are `alpine`);
 * VALUE is kept as written (a directory, `docker-image://REF`, `oci-layout://DIR[:TAG][@DIGEST]`;
 * the engine checks it). A later value for the same name wins; empty values are skipped.
 */
export function parseBuildContextOptions(values: readonly string[]): Map<string, string> {
  const contexts = new Map<string, string>();
  for (const value of values) {
    if (value === '') continue;
    const eq = value.indexOf('=');
    if (eq === -1) {
      throw new BuildError('USAGE', `invalid context value: ${value}, expected key=value`, {
        hint: 'write --build-context NAME=DIR, NAME=docker-image://REF or NAME=oci-layout://DIR[:TAG]',
      });
    }
    const name = value.slice(0, eq);
    const normal = normalizeContextName(name);
    if (normal === undefined) {
      throw new BuildError('USAGE', `invalid context name ${name}`, {
        hint: 'a context name is written like an image name: lowercase letters, digits and . _ - / :',
      });
    }
    contexts.set(normal, value.slice(eq + 1));
  }
  return contexts;
}
