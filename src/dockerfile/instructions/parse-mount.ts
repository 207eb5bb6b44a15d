import { suggestClosest } from '../../errors/index.js';
import type { SourceRange } from '../../errors/index.js';
import { splitCsvFields } from './csv-fields.js';
import { failAt } from './fail.js';
import type { CacheSharing, Mount, MountType } from './mount.js';
import { parseRamInBytes } from './ram-in-bytes.js';

export const MOUNT_TYPES: readonly MountType[] = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
export const CACHE_SHARING_MODES: readonly CacheSharing[] = ['shared', 'private', 'locked'];
const MOUNT_KEYS = [
  'type', 'from', 'source', 'target', 'readonly', 'id', 'sharing', 'required', 'size', 'mode',
  'uid', 'gid', 'src', 'dst', 'destination', 'ro', 'rw', 'readwrite', 'env',
];

export interface ParseMountOptions {
  /** The `--mount` token's range, where errors point. */
  readonly range: SourceRange;
  /** Expands a value (`id=$ID`); values are taken as written without it. */
  readonly expand?: (word: string) => string;
}

type MutableMount = { -readonly [K in keyof Mount]: Mount[K] };

/**
 * Parses a `--mount` value (CSV of `key=value` and bare `ro`/`rw`/`required`) with BuildKit's rules:
 * keys are case-insensitive and read left to right (so `required` must follow `type=secret`);
 * type defaults to bind; read-only defaults to true except for cache and tmpfs; mode is octal;
 * size takes RAM units; secret mounts need a source, target or id. Errors are INVALID_FLAG_VALUE
 * at `options.range`, with "did you mean" hints for misspelt keys, types and sharing modes.
 */
export function parseMount(text: string, options: ParseMountOptions): Mount {
  const fail = (message: string, hint?: string): Error =>
    failAt('INVALID_FLAG_VALUE', message, options.range, {
      ...(hint !== undefined ? { hint } : {}),
      details: { flag: '--mount', value: text },
    });
  const csv = splitCsvFields(text);
  if (!csv.ok) throw fail(`failed to parse csv mounts: ${csv.error}`);
  const expand = options.expand ?? ((word: string) => word);
  const m: MutableMount = {
    type: 'bind',
    from: undefined,
    source: undefined,
    target: undefined,
    readOnly: false,
    sizeLimit: undefined,
    id: undefined,
    sharing: undefined,
    required: false,
    env: undefined,
    mode: undefined,
    uid: undefined,
    gid: undefined,
  };
  let readOnlyAuto = true;
  const unexpectedForType = (key: string): Error => fail(`unexpected key '${key}' for mount type '${m.type}'`);
  const parseBool = (key: string, value: string): boolean => {
    const parsed = parseGoBool(value);
    if (parsed === undefined) throw fail(`invalid value for ${key}: ${value}`);
    return parsed;
  };
  for (const field of csv.fields) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).toLowerCase();
    if (eq === -1) {
      if (key === 'readonly' || key === 'ro') {
        m.readOnly = true;
        readOnlyAuto = false;
      } else if (key === 'readwrite' || key === 'rw') {
        m.readOnly = false;
        readOnlyAuto = false;
      } else if (key === 'required') {
        if (m.type !== 'secret' && m.type !== 'ssh') throw unexpectedForType(key);
        m.required = true;
      } else {
        throw fail(`invalid field '${field}' must be a key=value pair`);
      }
      continue;
    }
    const value = expand(field.slice(eq + 1));
    switch (key) {
      case 'type': {
        const type = MOUNT_TYPES.find((t) => t === value.toLowerCase());
        if (type === undefined) {
          throw fail(`unsupported mount type ${JSON.stringify(value)}`, didYouMean(value, MOUNT_TYPES));
        }
        m.type = type;
        break;
      }
      case 'from':
        m.from = value;
        break;
      case 'source':
      case 'src':
        m.source = value;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.target = value;
        break;
      case 'readonly':
      case 'ro':
        m.readOnly = parseBool(key, value);
        readOnlyAuto = false;
        break;
      case 'readwrite':
      case 'rw':
        m.readOnly = !parseBool(key, value);
        readOnlyAuto = false;
        break;
      case 'required':
        if (m.type !== 'secret' && m.type !== 'ssh') throw unexpectedForType(key);
        m.required = parseBool(key, value);
        break;
      case 'size': {
        if (m.type !== 'tmpfs') throw unexpectedForType(key);
        const size = parseRamInBytes(value);
        if (!size.ok) throw fail(`invalid value for ${key}: ${value}`);
        m.sizeLimit = size.bytes;
        break;
      }
      case 'id':
        m.id = value;
        break;
      case 'sharing': {
        const sharing = CACHE_SHARING_MODES.find((s) => s === value.toLowerCase());
        if (sharing === undefined) {
          throw fail(`unsupported sharing value ${JSON.stringify(value)}`, didYouMean(value, CACHE_SHARING_MODES));
        }
        m.sharing = sharing;
        break;
      }
      case 'mode':
      case 'uid':
      case 'gid': {
        const parsed = parseGoUint32(value, key === 'mode' ? 8 : 10);
        if (parsed === undefined) throw fail(`invalid value ${value} for ${key}`);
        m[key] = parsed;
        break;
      }
      case 'env':
        m.env = value;
        break;
      default:
        throw fail(`unexpected key '${key}' in '${field}'`, didYouMean(key, MOUNT_KEYS));
    }
  }
  const fileInfoAllowed = m.type === 'secret' || m.type === 'ssh' || m.type === 'cache';
  if (!fileInfoAllowed) {
    for (const key of ['mode', 'uid', 'gid'] as const) {
      if (m[key] !== undefined) throw fail(`${key} not allowed for ${JSON.stringify(m.type)} type mounts`);
    }
  }
  if (readOnlyAuto) m.readOnly = !(m.type === 'cache' || m.type === 'tmpfs');
  if (m.type === 'secret') {
    if (nonEmpty(m.from)) throw fail('secret mount should not have a from');
    if (m.sharing !== undefined) throw fail('secret mount should not define sharing');
    if (!nonEmpty(m.source) && !nonEmpty(m.target) && !nonEmpty(m.id)) {
      throw fail('invalid secret mount. one of source, target required', 'add id=<secret id> or target=<path>');
    }
    if (nonEmpty(m.source) && nonEmpty(m.id)) throw fail("both source and id can't be set");
  }
  if (m.sharing !== undefined && m.type !== 'cache') {
    throw fail(`invalid cache sharing set for ${m.type} mount`);
  }
  // BuildKit reads an empty value as not given.
  for (const key of ['from', 'source', 'target', 'id'] as const) {
    if (m[key] === '') m[key] = undefined;
  }
  return m;
}

/**
 * The check BuildKit makes before variables are known: the CSV must parse, and `from` may not
 * use a variable (a `$` anywhere but last).
 */
export function checkMountBeforeExpansion(text: string, range: SourceRange): void {
  const details = { flag: '--mount', value: text };
  const csv = splitCsvFields(text);
  if (!csv.ok) throw failAt('INVALID_FLAG_VALUE', `failed to parse csv mounts: ${csv.error}`, range, { details });
  for (const field of csv.fields) {
    const eq = field.indexOf('=');
    if (eq === -1 || field.slice(0, eq).toLowerCase() !== 'from') continue;
    const value = field.slice(eq + 1);
    const dollar = value.indexOf('$');
    if (dollar !== -1 && dollar !== value.length - 1) {
      throw failAt('INVALID_FLAG_VALUE', "'from' doesn't support variable expansion, define alias stage instead", range, {
        hint: 'add a stage `FROM ${IMAGE} AS alias` and mount from=alias',
        details,
      });
    }
  }
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}

function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const suggestion = suggestClosest(word, candidates);
  return suggestion === undefined ? undefined : `did you mean ${suggestion}?`;
}

/** Go's strconv.ParseBool. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Go's strconv.ParseUint(value, base, 32) for base 8 or 10. */
function parseGoUint32(value: string, base: 8 | 10): number | undefined {
  const digits = base === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!digits.test(value)) return undefined;
  const parsed = Number.parseInt(value, base);
  return parsed > 0xffffffff ? undefined : parsed;
}
