import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BuildError } from '../errors/index.js';

/** One `--secret` as buildx parses it: an id and where its value comes from (a file, an env var, or neither). */
export interface SecretSpec {
  readonly id: string;
  /** `src=` / `source=`: a file. */
  readonly src?: string;
  /** `env=`: an environment variable. */
  readonly env?: string;
}

/** The largest secret BuildKit passes (500 KiB). */
export const MAX_SECRET_SIZE = 500 * 1024;

/**
 * The secrets of a build, by id. Values are read when a step mounts them and are never kept by the
 * store in any form that could be serialised.
 */
export interface SecretStore {
  readonly ids: readonly string[];
  has(id: string): boolean;
  /** The secret's bytes, or undefined when no `--secret` gave this id. */
  read(id: string): Promise<Buffer | undefined>;
}

export interface OpenSecretStoreOptions {
  /** The environment env secrets (and `--secret id=NAME` alone) are read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative `src` paths are resolved against this directory (the caller's working directory). */
  readonly cwd: string;
}

type Source = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'env'; readonly value: string };

function invalid(message: string, hint: string, details: Record<string, unknown>): BuildError {
  return new BuildError('INVALID_SECRET', message, { hint, details });
}

function tooBig(id: string): BuildError {
  return invalid(`secret ${id} too big. max size 500KiB`, 'pass a smaller secret (BuildKit refuses more than 500 KiB)', { id });
}

/**
 * Opens the build's secrets as BuildKit's file store does: an id is required; with neither `src`
 * nor `env`, the id names an environment variable when one is set, else a file; `env` wins over
 * `src` for the value; files must exist and be at most 500 KiB now (they are read again at each
 * step, so a rebuild sees a changed file). A later spec with the same id replaces an earlier one.
 */
export async function openSecretStore(specs: readonly SecretSpec[], options: OpenSecretStoreOptions): Promise<SecretStore> {
  const sources = new Map<string, Source>();
  for (const spec of specs) {
    if (spec.id === '') throw invalid('secret missing ID', 'write --secret id=NAME,src=FILE or --secret id=NAME,env=VAR', {});
    let { src, env } = spec;
    if ((env === undefined || env === '') && (src === undefined || src === '')) {
      if (options.env[spec.id] !== undefined) env = spec.id;
      else src = spec.id;
    }
    if (src !== undefined && src !== '') {
      const path = resolve(options.cwd, src);
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message;
        throw invalid(`failed to stat ${src}: ${reason}`, `give an existing file for secret ${spec.id} (src=FILE), or env=VAR`, { id: spec.id, path });
      }
      if (size > MAX_SECRET_SIZE) throw tooBig(spec.id);
      if (env === undefined || env === '') {
        sources.set(spec.id, { kind: 'file', path });
        continue;
      }
    }
    sources.set(spec.id, { kind: 'env', value: options.env[env ?? ''] ?? '' });
  }
  return {
    ids: [...sources.keys()],
    has: (id) => sources.has(id),
    read: async (id) => {
      const source = sources.get(id);
      if (source === undefined) return undefined;
      let data: Buffer;
      if (source.kind === 'env') {
        data = Buffer.from(source.value, 'utf8');
      } else {
        try {
          data = await readFile(source.path);
        } catch (err) {
          throw invalid(`failed to read secret ${id} from ${source.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'the file must stay readable for the whole build', { id, path: source.path });
        }
      }
      if (data.length > MAX_SECRET_SIZE) throw tooBig(id);
      return data;
    },
  };
}
