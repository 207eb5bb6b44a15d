/**
 * `-v SRC:DST[:OPTIONS]` as docker reads it, for bind mounts only: SRC must be an absolute host
 * path (named and anonymous volumes are not supported), DST an absolute container path other
 * than `/`; options `ro` or `rw` (SELinux labels `z`/`Z` are accepted and ignored).
 */
import { posix } from 'node:path';
import { BuildError } from '../errors/index.js';
import type { VolumeMount } from './container-record.js';

const IGNORED_OPTIONS = new Set(['z', 'Z']);

function invalid(message: string, spec: string, hint?: string): BuildError {
  return new BuildError('USAGE', message, { hint: hint ?? 'write -v /host/path:/container/path[:ro]', details: { volume: spec } });
}

export function parseVolume(spec: string): VolumeMount {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3) {
    if (parts.length === 1 && spec.startsWith('/')) {
      throw invalid(`anonymous volumes are not supported: ${spec}`, spec, `bind a host directory instead: -v /some/dir:${spec}`);
    }
    throw invalid(`invalid volume specification: '${spec}'`, spec);
  }
  const [source = '', destination = '', options = ''] = parts;
  if (!source.startsWith('/')) {
    throw invalid(`named volumes are not supported: "${source}"`, spec, 'give an absolute host path (-v /host/path:/container/path); for a path relative to here, write "$PWD/..."');
  }
  if (!destination.startsWith('/')) throw invalid(`invalid mount config: the mount path must be absolute: ${destination}`, spec);
  if (posix.normalize(destination) === '/') throw invalid('invalid specification: destination can\'t be \'/\'', spec);
  let readonly = false;
  for (const option of options === '' ? [] : options.split(',')) {
    if (option === 'ro') readonly = true;
    else if (option === 'rw') readonly = false;
    else if (!IGNORED_OPTIONS.has(option)) throw invalid(`invalid mode: ${option}`, spec);
  }
  return { source: posix.normalize(source), destination: posix.normalize(destination), readonly };
}
