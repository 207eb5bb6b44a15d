import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { BuildError } from '../errors/index.js';

/** When a mirror may serve a pull (`pull-from-mirror` in registries.conf). */
export type MirrorUse = 'all' | 'digest-only' | 'tag-only';

export interface RegistryMirror {
  readonly location: string;
  readonly insecure: boolean;
  readonly pullFromMirror: MirrorUse;
}

/** One `[[registry]]` table of containers-registries.conf(5), defaults filled in. */
export interface RegistryEntry {
  readonly prefix: string;
  readonly location: string;
  readonly insecure: boolean;
  readonly blocked: boolean;
  readonly mirrors: readonly RegistryMirror[];
  /** The file it came from (for messages). */
  readonly source: string;
}

export interface RegistriesConfig {
  readonly registries: readonly RegistryEntry[];
  readonly unqualifiedSearchRegistries: readonly string[];
  /** The files read, in order. */
  readonly sources: readonly string[];
}

export const EMPTY_REGISTRIES_CONFIG: RegistriesConfig = { registries: [], unqualifiedSearchRegistries: [], sources: [] };

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function configError(source: string, problem: string): BuildError {
  return new BuildError('REGISTRY_CONFIG', `${source}: ${problem}`, {
    hint: 'see containers-registries.conf(5) for the format',
  });
}

function stringField(table: Table, key: string, source: string, where: string): string | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw configError(source, `${where}: "${key}" must be a string`);
  return value;
}

function boolField(table: Table, key: string, source: string, where: string): boolean | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw configError(source, `${where}: "${key}" must be true or false`);
  return value;
}

function stringList(value: unknown, source: string, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw configError(source, `"${what}" must be a list of strings`);
  }
  return value;
}

function parseMirror(value: unknown, source: string, where: string, digestOnly: boolean): RegistryMirror {
  if (!isTable(value)) throw configError(source, `${where}: each [[registry.mirror]] must be a table`);
  const location = stringField(value, 'location', source, where);
  if (location === undefined || location === '') throw configError(source, `${where}: a mirror needs a "location"`);
  const use = stringField(value, 'pull-from-mirror', source, where) ?? (digestOnly ? 'digest-only' : 'all');
  if (use !== 'all' && use !== 'digest-only' && use !== 'tag-only') {
    throw configError(source, `${where}: "pull-from-mirror" must be "all", "digest-only" or "tag-only"`);
  }
  return { location: stripScheme(location), insecure: boolField(value, 'insecure', source, where) ?? false, pullFromMirror: use };
}

function stripScheme(location: string): string {
  return location.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
}

function parseRegistry(value: unknown, index: number, source: string): RegistryEntry {
  const where = `[[registry]] #${index + 1}`;
  if (!isTable(value)) throw configError(source, `${where} must be a table`);
  const location = stripScheme(stringField(value, 'location', source, where) ?? '');
  const prefix = stripScheme(stringField(value, 'prefix', source, where) ?? location);
  if (prefix === '') throw configError(source, `${where} needs a "prefix" or a "location"`);
  if (prefix.startsWith('*.') && location !== '') {
    throw configError(source, `${where}: a wildcard prefix (${prefix}) cannot have a "location"`);
  }
  const digestOnly = boolField(value, 'mirror-by-digest-only', source, where) ?? false;
  const mirrorsValue = value['mirror'] ?? [];
  if (!Array.isArray(mirrorsValue)) throw configError(source, `${where}: "mirror" must be an array of tables`);
  return {
    prefix,
    location: location === '' ? prefix : location,
    insecure: boolField(value, 'insecure', source, where) ?? false,
    blocked: boolField(value, 'blocked', source, where) ?? false,
    mirrors: mirrorsValue.map((m, i) => parseMirror(m, source, `${where} mirror #${i + 1}`, digestOnly)),
    source,
  };
}

/** The pre-2019 (v1) layout: `[registries.search|insecure|block] registries = [...]`. */
function parseV1(table: Table, source: string): RegistriesConfig {
  const section = (name: string): string[] => {
    const part = table[name];
    const sub = isTable(part) ? part['registries'] : undefined;
    return sub === undefined ? [] : stringList(sub, source, `registries.${name}.registries`);
  };
  const search = section('search');
  const entries = new Map<string, { insecure: boolean; blocked: boolean }>();
  for (const host of section('insecure')) entries.set(host, { insecure: true, blocked: false });
  for (const host of section('block')) entries.set(host, { insecure: entries.get(host)?.insecure ?? false, blocked: true });
  const registries = [...entries].map(([host, flags]) => ({ prefix: host, location: host, mirrors: [], source, ...flags }));
  return { registries, unqualifiedSearchRegistries: search, sources: [source] };
}

/** Parses one registries.conf text (v2, or the old v1 layout). */
export function parseRegistriesConf(text: string, source: string): RegistriesConfig & { readonly hasSearch: boolean } {
  let doc: Table;
  try {
    doc = parse(text);
  } catch (err) {
    throw configError(source, `not valid TOML: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  if (isTable(doc['registries'])) {
    if (doc['registry'] !== undefined) throw configError(source, 'mixes the v1 [registries.*] tables with v2 [[registry]]');
    const v1 = parseV1(doc['registries'], source);
    return { ...v1, hasSearch: v1.unqualifiedSearchRegistries.length > 0 };
  }
  const list = doc['registry'] ?? [];
  if (!Array.isArray(list)) throw configError(source, '"registry" must be an array of tables ([[registry]])');
  const search = doc['unqualified-search-registries'];
  return {
    registries: list.map((r, i) => parseRegistry(r, i, source)),
    unqualifiedSearchRegistries: search === undefined ? [] : stringList(search, source, 'unqualified-search-registries'),
    sources: [source],
    hasSearch: search !== undefined,
  };
}

/** Lays `over` on `base` as containers/image merges drop-ins: same prefix replaces, search replaces if set. */
export function mergeRegistriesConfig(
  base: RegistriesConfig,
  over: RegistriesConfig & { readonly hasSearch?: boolean },
): RegistriesConfig {
  const byPrefix = new Map(base.registries.map((r) => [r.prefix, r]));
  for (const entry of over.registries) byPrefix.set(entry.prefix, entry);
  return {
    registries: [...byPrefix.values()],
    unqualifiedSearchRegistries: over.hasSearch === true ? over.unqualifiedSearchRegistries : base.unqualifiedSearchRegistries,
    sources: [...base.sources, ...over.sources],
  };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

async function dropIns(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.conf')).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export interface LoadRegistriesOptions {
  /** One file to read instead of the system and user files (tests, `CONTAINERS_REGISTRIES_CONF`). */
  readonly path?: string;
  /** Defaults to the user's home directory. */
  readonly homeDir?: string;
  /** Defaults to `/etc/containers`. */
  readonly systemDir?: string;
}

/**
 * The registries configuration as containers/image reads it: the user's
 * `~/.config/containers/registries.conf` if it exists, else `/etc/containers/registries.conf`; then
 * the `registries.conf.d/*.conf` drop-ins of both places, in name order. With `path`, that one file.
 */
export async function loadRegistriesConfig(options: LoadRegistriesOptions = {}): Promise<RegistriesConfig> {
  if (options.path !== undefined) {
    const text = await readIfExists(options.path);
    if (text === undefined) throw configError(options.path, 'no such file');
    return parseRegistriesConf(text, options.path);
  }
  const systemDir = options.systemDir ?? '/etc/containers';
  const userDir = join(options.homeDir ?? homedir(), '.config', 'containers');
  let config = EMPTY_REGISTRIES_CONFIG;
  for (const main of [join(userDir, 'registries.conf'), join(systemDir, 'registries.conf')]) {
    const text = await readIfExists(main);
    if (text === undefined) continue;
    config = parseRegistriesConf(text, main);
    break;
  }
  for (const file of [...(await dropIns(join(systemDir, 'registries.conf.d'))), ...(await dropIns(join(userDir, 'registries.conf.d')))]) {
    const text = await readIfExists(file);
    if (text !== undefined) config = mergeRegistriesConfig(config, parseRegistriesConf(text, file));
  }
  return config;
}
