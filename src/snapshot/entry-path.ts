import { posix } from 'node:path';
import { BuildError } from '../errors/index.js';

/** A layer entry that would reach outside the directory it is unpacked into. */
export function unsafeEntry(source: string, entry: string, problem: string): BuildError<'UNSAFE_LAYER_PATH'> {
  return new BuildError('UNSAFE_LAYER_PATH', `${source}: entry ${JSON.stringify(entry)} ${problem}`, {
    hint: 'the layer may be malicious or damaged; nothing from it was unpacked',
    details: { source, entry, problem },
  });
}

/** A layer entry that cannot be unpacked for another reason (a type we do not know, a missing link target). */
export function invalidEntry(source: string, entry: string, problem: string): BuildError<'INVALID_ARCHIVE'> {
  return new BuildError('INVALID_ARCHIVE', `${source}: entry ${JSON.stringify(entry)} ${problem}`, {
    hint: 'the layer is damaged or uses a tar feature stagecraft does not unpack; nothing from it was unpacked',
    details: { source, entry, problem },
  });
}

/**
 * The path of an entry relative to the layer root, normalised (`./a//b/` → `a/b`, the root → ``).
 * Absolute names and names that climb out with `..` are refused: a layer made by docker, BuildKit
 * or stagecraft never holds them.
 */
export function entryPath(name: string, source: string, role = 'has'): string {
  if (name === '' || name.includes('\0')) throw unsafeEntry(source, name, `${role} an empty or invalid name`);
  if (name.startsWith('/')) throw unsafeEntry(source, name, `${role} an absolute path`);
  const normal = posix.normalize(name).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) throw unsafeEntry(source, name, `${role} a path that climbs out of the layer with ".."`);
  return normal === '.' ? '' : normal;
}

/** The parent directory of a normalised relative path (`` for a top-level name). */
export function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash === -1 ? '' : rel.slice(0, slash);
}

/** Every proper ancestor of a normalised relative path, outermost first (`a/b/c` → `a`, `a/b`). */
export function ancestorsOf(rel: string): string[] {
  const out: string[] = [];
  for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) out.push(rel.slice(0, i));
  return out;
}

/** Whether `path` is `dir` or lies below it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(dir + '/');
}
