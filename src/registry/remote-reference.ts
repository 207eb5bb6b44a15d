import type { Digest } from '../oci/index.js';

/**
 * A fully-qualified image reference as the registry code needs it (the shape `parseReference` in
 * src/oci/ returns): `docker.io` + `library/node` + tag `18`.
 */
export interface RemoteReference {
  /** The registry as named in references (`docker.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

/** `registry/repository[:tag][@digest]`. */
export function formatRemoteReference(ref: RemoteReference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

/** The tag or digest a manifest is fetched by (digest wins; `latest` when neither is given). */
export function manifestTarget(ref: RemoteReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}
