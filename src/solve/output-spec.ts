import { BuildError } from '../errors/index.js';

/**
 * Where a build's result goes (`--output`, as docker buildx reads it):
 * - `image`: the local store (always done; `push=true` also pushes), `registry`: = `image,push=true`;
 * - `oci` / `docker`: an OCI image layout or a docker-archive (`docker load`), a tar at `dest`
 *   (`-` = standard output), or for oci with `tar=false` a directory;
 * - `local`: the final file system copied into the directory `dest`; `tar`: the same as a tar.
 * `compression=gzip|uncompressed` (buildx's option) chooses how an OCI output's layers are written.
 */
export type OutputSpec =
  | { readonly type: 'image'; readonly names: readonly string[]; readonly push: boolean }
  | { readonly type: 'oci'; readonly dest: string; readonly names: readonly string[]; readonly tar: boolean; readonly compression: OutputCompression }
  | { readonly type: 'docker'; readonly dest: string; readonly names: readonly string[] }
  | { readonly type: 'local'; readonly dest: string }
  | { readonly type: 'tar'; readonly dest: string };

const TYPES = ['image', 'registry', 'oci', 'docker', 'local', 'tar'] as const;

/** How layers are written into an OCI output (gzip by default, as BuildKit's exporter). */
export type OutputCompression = 'gzip' | 'none';

function usage(message: string, hint?: string): BuildError<'USAGE'> {
  return new BuildError('USAGE', message, hint === undefined ? {} : { hint });
}

/** Splits `a=1,b="x,y"` on commas outside double quotes (buildx reads the value as CSV). */
function splitFields(text: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      fields.push(current);
      current = '';
    } else current += char;
  }
  if (quoted) throw usage(`invalid --output ${JSON.stringify(text)}: unterminated quote`);
  fields.push(current);
  return fields;
}

function parseBool(value: string, text: string, key: string): boolean {
  if (['true', '1', ''].includes(value.toLowerCase())) return true;
  if (['false', '0'].includes(value.toLowerCase())) return false;
  throw usage(`invalid --output ${JSON.stringify(text)}: ${key} must be true or false`);
}

function parseCompression(value: string | undefined, text: string): OutputCompression {
  if (value === undefined || value === 'gzip') return 'gzip';
  if (value === 'uncompressed') return 'none';
  throw usage(`invalid --output ${JSON.stringify(text)}: compression ${JSON.stringify(value)} is not supported`, 'use compression=gzip or compression=uncompressed');
}

/**
 * Reads one `--output` value. A value without `=` is a destination: `-` means a tar on standard
 * output, anything else a local directory (as buildx's shorthand).
 */
export function parseOutputSpec(text: string): OutputSpec {
  if (text === '') throw usage('--output needs a value', 'e.g. --output type=oci,dest=image.tar');
  if (!text.includes('=')) return text === '-' ? { type: 'tar', dest: '-' } : { type: 'local', dest: text };
  const fields = new Map<string, string>();
  for (const field of splitFields(text)) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).trim().toLowerCase();
    if (key === '') throw usage(`invalid --output ${JSON.stringify(text)}: empty field`);
    fields.set(key, eq === -1 ? '' : field.slice(eq + 1));
  }
  const type = fields.get('type') ?? 'local';
  if (!(TYPES as readonly string[]).includes(type)) {
    throw usage(`invalid --output ${JSON.stringify(text)}: unknown type ${JSON.stringify(type)}`, `use one of ${TYPES.join(', ')}`);
  }
  const names = (fields.get('name') ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  const dest = fields.get('dest');
  const needDest = (): string => {
    if (dest === undefined || dest === '') throw usage(`--output type=${type} needs dest=PATH`, `e.g. --output type=${type},dest=${type === 'local' ? 'out/' : 'image.tar'}`);
    return dest;
  };
  switch (type) {
    case 'image':
      return { type, names, push: parseBool(fields.get('push') ?? 'false', text, 'push') };
    case 'registry':
      return { type: 'image', names, push: true };
    case 'oci':
      return { type, dest: needDest(), names, tar: parseBool(fields.get('tar') ?? 'true', text, 'tar'), compression: parseCompression(fields.get('compression'), text) };
    case 'docker':
      return { type, dest: needDest(), names };
    case 'local':
      return { type, dest: needDest() };
    default:
      return { type: 'tar', dest: needDest() };
  }
}
