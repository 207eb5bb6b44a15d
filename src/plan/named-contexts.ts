import { parseReference } from '../oci/index.js';
import type { NamedContextSource } from './options.js';
import type { ContentSource } from './planned-instruction.js';
import type { StageBase } from './types.js';

/**
 * The name a `--build-context` (or a FROM image, a stage, a `--from`) is looked up by, as buildx
 * and BuildKit normalise it: the familiar reference without `:latest` (`alpine`,
 * `docker.io/library/alpine:latest` and `alpine:latest` are all `alpine`; `alpine:3` stays). A
 * name that is no valid reference has no normal form (undefined).
 */
export function normalizeContextName(name: string): string | undefined {
  try {
    const familiar = parseReference(name, { defaultTag: false }).familiar;
    return familiar.endsWith(':latest') ? familiar.slice(0, -':latest'.length) : familiar;
  } catch {
    return undefined;
  }
}

/** A named context found for a name, with the name it was found under. */
export interface NamedContextMatch {
  readonly name: string;
  readonly source: NamedContextSource;
}

/**
 * The named context standing in for `name` (`scratch` and `context` never have one, as in
 * BuildKit), or undefined.
 */
export function findNamedContext(contexts: ReadonlyMap<string, NamedContextSource>, name: string): NamedContextMatch | undefined {
  if (contexts.size === 0) return undefined;
  if (name.toLowerCase() === 'scratch' || name.toLowerCase() === 'context') return undefined;
  const normal = normalizeContextName(name);
  if (normal === undefined) return undefined;
  const source = contexts.get(normal);
  return source === undefined ? undefined : { name: normal, source };
}

/** What a stage starts from when a named context stands in for its base (`image` as written). */
export function namedContextBase(match: NamedContextMatch, image: string): StageBase {
  switch (match.source.kind) {
    case 'local':
      return { kind: 'context', context: match.name };
    case 'scratch':
      return { kind: 'scratch', context: match.name };
    case 'image':
      return { kind: 'image', image, ref: match.source.ref, context: match.name };
  }
}

/** What a `COPY --from` or `RUN --mount=from` reads when a named context stands in for `value`. */
export function namedContextContent(match: NamedContextMatch, value: string): ContentSource {
  switch (match.source.kind) {
    case 'local':
      return { kind: 'context', name: match.name };
    case 'scratch':
      return { kind: 'scratch' };
    case 'image':
      return { kind: 'image', image: value, ref: match.source.ref };
  }
}
